"""The Facetwire web explorer: a thin Flask layer over the search contract (indexer.contract)."""
import logging

from flask import Flask, jsonify, make_response, render_template, request
from flask_htmx import HTMX
from werkzeug.exceptions import HTTPException

from indexer.errors import EngineError, IndexMissing, IndexUnavailable
from indexer.search.query import QueryTooCostly

from . import api, curation, engine, feeds, openapi, pages, security

log = logging.getLogger(__name__)

# Only the app's own scripts and styles: no inline script, no style attribute, nothing remote.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def create_app(test_config=None):
    """Create the app: defaults, then instance/config.py or test_config. Nothing is opened here."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        ENGINE=None,                 # None: $FACETWIRE_ENGINE, else whoosh
        INDEX_DIR="index_data",
        WIKINEWS_ATTRIBUTION=None,   # None: shown when the index holds Wikinews articles
        ALLOWED_HOSTS=list(security.LOOPBACK_HOSTS),  # Host header names answered ("*": any)
        ACCESS_TOKEN=None,           # set: every request needs it (web/security.py)
        CURATION=False,              # True (`serve --curation`): the explorer may change the curation
        CURATION_TOKENS={},          # {token: name}: then a change needs one (web/curation.py)
        EXPORT_SLOTS=2,              # exports streaming at once; the other threads stay interactive
        JSON_SORT_KEYS=False,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    app.json.sort_keys = False
    app.debug = False

    engine.init_app(app)
    HTMX(app)  # request.headers' HX-* as app.htmx
    security.init_app(app)
    curation.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(curation.bp)
    app.after_request(_headers)
    app.after_request(security.challenge)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(IndexMissing, _no_index)
    app.register_error_handler(EngineError, _engine_down)
    app.register_error_handler(QueryTooCostly, _too_costly)
    app.register_error_handler(Exception, _server_error)
    app.context_processor(_footer)
    return app


def _headers(resp):
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "same-origin"
    resp.headers["X-Frame-Options"] = "DENY"
    resp.vary.add("HX-Request")
    resp.vary.add("HX-Target")
    resp.vary.add("HX-History-Restore-Request")
    return resp


def _footer():
    return {"show_wikinews": engine.show_wikinews_attribution}


def _error(status, title, message):
    if request.path.startswith(api.bp.url_prefix + "/"):
        return jsonify({"error": title, "message": message, "status": status}), status
    # The error page must render whatever state the index is in, so its footer never opens it.
    return render_template("error.html", status=status, title=title, message=message,
                           show_wikinews=engine.show_wikinews_attribution_offline), status


def _http_error(err):
    return _error(err.code or 500, err.name, err.description or err.name)


def _no_index(err):
    title = "Index unavailable" if isinstance(err, IndexUnavailable) else "No index yet"
    return _error(503, title, str(err))


def _engine_down(err):
    """The search engine (a cluster) cannot be reached or refused: a 503 that says so, not a 500."""
    log.warning("search engine error answering %s %s: %s", request.method, request.full_path, err)
    response = make_response(_error(503, "Search engine unavailable", str(err)))
    response.headers["Retry-After"] = "5"
    return response


def _too_costly(err):
    """A search that cannot be partial (an export) ran out of its time or found the server busy: 503."""
    response = make_response(_error(503, "Search too long", str(err)))
    response.headers["Retry-After"] = "5"
    return response


def _server_error(err):
    log.exception("error answering %s %s", request.method, request.full_path)
    return _error(500, "Internal error", "Something went wrong on our side; the error has been logged.")
