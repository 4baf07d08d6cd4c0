"""The app's search engine: opened once per app (nothing at import), one reader per request."""
from flask import current_app, g

from indexer.engines import config_from_env, open_engine
from indexer.errors import IndexMissing

WIKINEWS_PREFIX = "Wikinews"


def init_app(app):
    # ENGINE_CONFIG (an EngineConfig, as `serve` passes it) or ENGINE + INDEX_DIR and the environment.
    config = app.config.get("ENGINE_CONFIG") or config_from_env(engine=app.config["ENGINE"],
                                                                 index_dir=app.config["INDEX_DIR"])
    app.extensions["facetwire_engine"] = open_engine(config)
    app.extensions["facetwire_wikinews"] = False   # what the index said last (for error pages)
    app.teardown_appcontext(_close_reader)


def engine():
    return current_app.extensions["facetwire_engine"]


def get_reader():
    """Return the reader for this request (the same view for the whole request)."""
    if "reader" not in g:
        g.reader = engine().reader()
    return g.reader


def _close_reader(_exc):
    reader = g.pop("reader", None)
    if reader is not None:
        reader.close()


def show_wikinews_attribution():
    setting = current_app.config.get("WIKINEWS_ATTRIBUTION")
    if setting is not None:
        return bool(setting)
    try:
        found = get_reader().has_source_prefix(WIKINEWS_PREFIX)
    except IndexMissing:
        return show_wikinews_attribution_offline()
    current_app.extensions["facetwire_wikinews"] = found
    return found


def show_wikinews_attribution_offline():
    """Like show_wikinews_attribution, but never opens the index (for error pages)."""
    setting = current_app.config.get("WIKINEWS_ATTRIBUTION")
    if setting is not None:
        return bool(setting)
    return bool(current_app.extensions.get("facetwire_wikinews"))
