"""The live index of the app: opened once per process, a searcher per thread, swaps picked up.

`index_dir/CURRENT` names the live generation (indexer.store). Each request reads that small
file; when it names another generation the index is re-opened, otherwise the thread's searcher
is refreshed if the index has new commits.
"""
import threading

from flask import current_app, g

from indexer import store

WIKINEWS_PREFIX = "Wikinews"


class LiveIndex:
    """The index named by index_dir/CURRENT, re-opened when CURRENT changes."""

    def __init__(self, index_dir):
        self.index_dir = index_dir
        self._lock = threading.Lock()
        self._generation = None
        self._ix = None
        self._local = threading.local()
        self._wikinews = None

    def _index(self):
        generation = store.current_generation(self.index_dir)
        if generation != self._generation or self._ix is None:
            with self._lock:
                if generation != self._generation or self._ix is None:
                    ix = store.open_index(self.index_dir)  # raises IndexMissing
                    self._ix, self._generation, self._wikinews = ix, generation, None
        return self._ix, self._generation

    def searcher(self):
        """Return this thread's searcher on the newest live index."""
        ix, generation = self._index()
        local = self._local
        current = getattr(local, "searcher", None)
        if current is None or local.generation != generation:
            if current is not None:
                current.close()
            local.searcher, local.generation = ix.searcher(), generation
        elif not current.up_to_date():
            local.searcher = current.refresh()
        return local.searcher

    def has_wikinews(self, searcher):
        """Return whether any article comes from Wikinews (then the footer must say so)."""
        if self._wikinews is None:
            terms = searcher.reader().field_terms("source")
            self._wikinews = any(v.startswith(WIKINEWS_PREFIX) for v in terms)
        return self._wikinews


def init_app(app):
    app.extensions["facetwire_index"] = LiveIndex(app.config["INDEX_DIR"])


def live_index():
    return current_app.extensions["facetwire_index"]


def get_searcher():
    """Return the searcher for this request (the same object for the whole request)."""
    if "searcher" not in g:
        g.searcher = live_index().searcher()
    return g.searcher


def show_wikinews_attribution():
    setting = current_app.config.get("WIKINEWS_ATTRIBUTION")
    if setting is not None:
        return bool(setting)
    return live_index().has_wikinews(get_searcher())
