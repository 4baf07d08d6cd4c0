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
            self._added = {}    # id -> document number in the segment being written, this session
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

    def put(self, documents):
        # Each document is analysed and added as it comes, not all at the commit: a build's last
        # commit then waits for the segment's flush alone, not for 2,000 documents' analysis.
        writer = self._open()
        for doc in documents:
            self._supersede(doc.id)
            writer.update_document(**to_fields(doc))
            self._added[doc.id] = writer.docnum - 1

    def delete(self, ids):
        writer = self._open()
        for doc_id in ids:
            self._supersede(doc_id)
            writer.delete_by_term("id", doc_id)

    def _supersede(self, doc_id):
        """Mark deleted the version of doc_id added earlier in this session, if any: Whoosh's
        update_document replaces committed versions only (the last put or delete wins)."""
        docnum = self._added.pop(doc_id, None)
        if docnum is not None:
            self._writer.newsegment.delete_document(docnum - self._writer.docbase)

    def commit(self, optimize=False):
        self._open().commit(optimize=optimize)
        self._writer = None
        self._added = {}
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
        self._added = {}
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None

    def close(self):
        for searcher in self._searchers:
            searcher.close()
        self._searchers = []
        self._stack.close()
