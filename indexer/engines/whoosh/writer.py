"""Writing a Whoosh index for one indexing run: the live index, or a fresh build beside it.

A fresh build goes to index_dir/building/ (resumable) and becomes the live generation on
publish(); an incremental run updates the live index with Whoosh's own atomic commits.
"""
from contextlib import ExitStack
from pathlib import Path

from whoosh.writing import LockError

from ...contract import BatchedWriter
from ...errors import BuildError
from . import curation, store
from .schema import from_fields, to_fields
from .segments import Codec, FastSegmentWriter  # noqa: F401  (Codec: the tests' name for it)


class WhooshWriter(BatchedWriter):
    """The contract's Writer over an index folder; holds the folder's run lock while open."""

    def __init__(self, index_dir, fresh):
        self.index_dir = index_dir
        Path(index_dir).mkdir(parents=True, exist_ok=True)
        self._stack = ExitStack()
        self._stack.enter_context(store.run_lock(index_dir))
        try:
            self.has_live = store.current_generation(index_dir) is not None
            self.fresh = fresh or not self.has_live
            self.ix = store.open_building(index_dir)[0] if self.fresh else store.open_index(index_dir)
            # Where identical content may already have been extracted: this build, and the live index.
            # (A rebuild may read a live index of an older format: only its stored documents.)
            self._caches = [self.ix] + ([store.open_index(index_dir, any_format=True)]
                                        if self.fresh and self.has_live else [])
            self._searchers = [ix.searcher() for ix in self._caches]
            self._writer = None
        except BaseException:
            self._stack.close()
            raise

    def known_hashes(self):
        with self.ix.searcher() as s:
            reader = s.reader()
            if reader.doc_count_all() == 0:
                return {}
            ids = reader.column_reader("id")
            hashes = reader.column_reader("chash")
            return {ids[n]: hashes[n] for n in reader.all_doc_ids()}

    def document_by_hash(self, chash):
        for searcher in self._searchers:
            docnum = searcher.document_number(chash=chash)
            if docnum is not None:
                return from_fields(searcher.stored_fields(docnum))
        return None

    def documents_with_raw(self, keys):
        return curation.documents_with_raw(self.ix, keys)

    def _open(self):
        if self._writer is None:
            # compound=False: a searcher of a compound segment copies it into memory (1.5 GB for
            # 8 server threads on Reuters); separate files are memory-mapped and shared.
            try:
                self._writer = FastSegmentWriter(self.ix, timeout=2.0, compound=False, codec=Codec())
            except LockError as err:
                raise BuildError(f"another run is writing to the index in {self.index_dir}; "
                                 "wait for it to finish") from err
        return self._writer

    def commit(self, optimize=False):
        # Whoosh's update_document replaces committed versions only: two puts of one id in a
        # batch would both stay. So the batch is kept by id (the last put or delete wins) until now.
        writer = self._open()
        for doc_id, doc in self.take_batch().items():
            if doc is None:
                writer.delete_by_term("id", doc_id)
            else:
                writer.update_document(**to_fields(doc))
        writer.commit(optimize=optimize)
        self._writer = None
        # The commit may have merged away segments the cache searcher still reads (reopened,
        # not refresh(): Whoosh's refresh fails when reusing a one-segment reader).
        self._searchers[0].close()
        self._searchers[0] = self.ix.searcher()

    def optimize(self):
        """Merge all segments into one: slower to write, faster to search."""
        self.commit(optimize=True)

    def publish(self):
        store.publish_building(self.index_dir)

    def discard(self):
        store.discard_building(self.index_dir)

    def cancel(self):
        self.drop_batch()
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None

    def close(self):
        for searcher in self._searchers:
            searcher.close()
        self._searchers = []
        self._stack.close()
