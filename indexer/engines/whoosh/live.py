"""The live Whoosh index of a process: opened once, a searcher per thread, swaps picked up.

`index_dir/CURRENT` names the live generation (indexer.store). Each request reads that small
file; when it names another generation the index is re-opened, otherwise the thread's searcher
is refreshed if the index has new commits. A generation folder that vanishes or breaks under a
running server makes the index unavailable (503) until CURRENT names a readable one again.
"""
import threading
import weakref

from whoosh.index import EmptyIndexError

from ...errors import IndexMissing, IndexOutdated, IndexUnavailable
from . import store

# What Whoosh raises when the files of an open index go away: no TOC left, or a file gone.
OPEN_ERRORS = (EmptyIndexError, OSError)


class LiveIndex:
    """The index named by index_dir/CURRENT, re-opened when CURRENT changes."""

    _instances = weakref.WeakSet()

    def __init__(self, index_dir):
        self.index_dir = index_dir
        self._lock = threading.Lock()
        self._generation = None
        self._ix = None
        self._local = threading.local()
        self._sources = {}
        self._lease = f"{id(self):x}"   # this reader's name in index_dir/.readers/
        # Every thread's current searcher: an uncompounded index keeps its segment files open,
        # so close() must reach searchers of other threads too.
        self._open = set()
        LiveIndex._instances.add(self)

    def close(self):
        """Close every searcher this index handed out; the next request opens afresh."""
        with self._lock:
            searchers, self._open = self._open, set()
            if self._generation is not None:
                store.release(self.index_dir, self._lease)
            self._ix, self._generation, self._local = None, None, threading.local()
        for searcher in searchers:
            try:
                searcher.close()
            except OPEN_ERRORS:
                pass  # its files are already gone; nothing left to release

    @classmethod
    def close_all(cls):
        """Close the searchers of every LiveIndex in this process (shutdown, end of a test)."""
        for live in list(cls._instances):
            live.close()

    def _track(self, old, new):
        with self._lock:
            self._open.discard(old)
            self._open.add(new)

    def _index(self):
        generation = store.current_generation(self.index_dir)
        if generation != self._generation or self._ix is None:
            with self._lock:
                if generation != self._generation or self._ix is None:
                    try:
                        ix = store.open_index(self.index_dir)
                    except IndexOutdated:
                        raise   # its message says to rebuild
                    except IndexMissing as err:
                        if generation is None:
                            raise  # no index yet: store's message says how to build one
                        raise self._unavailable(f"generation {generation} is missing or incomplete") from err
                    self._ix, self._generation = ix, generation
                    store.lease(self.index_dir, generation, self._lease)
                    store.collect(self.index_dir, min_age=store.GRACE)  # what this process stopped reading
        return self._ix

    def searcher(self):
        """Return this thread's searcher on the newest live index; raise IndexMissing without one."""
        try:
            return self._searcher()
        except OPEN_ERRORS as err:
            self._forget()
            raise self._unavailable(f"{type(err).__name__}: {err}") from err

    def _unavailable(self, reason):
        return IndexUnavailable(
            f"the live index in {self.index_dir} cannot be read ({reason}); it may be being "
            f"replaced: try again shortly, or rebuild it with "
            f"`python app.py index PATH --index-dir {self.index_dir}`")

    def _searcher(self):
        ix = self._index()
        local = self._local
        current = getattr(local, "searcher", None)
        # Compare index objects, not generation names: after _forget() the same name is re-opened.
        if current is None or local.ix is not ix:
            if current is not None:
                current.close()
            local.searcher, local.ix = None, None
            local.searcher, local.ix = ix.searcher(), ix
            self._track(current, local.searcher)
        elif not current.up_to_date():
            # A new searcher, not refresh(): refresh reuses the reader of every segment whose id it
            # knows, with that segment's old deletions, so documents replaced since showed twice.
            local.searcher = ix.searcher()
            current.close()
            self._track(current, local.searcher)
        return local.searcher

    def _forget(self):
        """Drop the open index and this thread's searcher so the next request opens afresh."""
        with self._lock:
            self._ix, self._generation = None, None
        current = getattr(self._local, "searcher", None)
        self._local.searcher, self._local.ix = None, None
        with self._lock:
            self._open.discard(current)
        if current is not None:
            try:
                current.close()
            except OPEN_ERRORS:
                pass  # its files are already gone; nothing left to release

    def has_source_prefix(self, searcher, prefix):
        """Return whether any source starts with prefix, remembered per generation."""
        key = (self._generation, prefix)
        if self._sources.get("key") != key:
            terms = searcher.reader().field_terms("source")
            self._sources = {"key": key, "found": any(v.startswith(prefix) for v in terms)}
        return self._sources["found"]
