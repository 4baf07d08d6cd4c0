"""The search contract: every operation the web app, the CLI and `build` need from an index.

An engine (engines/whoosh, engines/opensearch) implements SearchEngine; nothing outside
engines/ knows which one it talks to. tests/contract/ holds the one test suite every engine
passes, with answers computed in plain Python.

    engine = open_engine(EngineConfig(...))      # indexer.engines
    with engine.reader() as r:                   # a consistent view for one request or command
        result = r.search(SearchRequest(q="flood", filters={"country": ["Kenya"]}))
    with engine.writer(fresh=False) as w:        # one indexing run (build.py)
        w.put([Document(...)]); w.commit()

Semantics every engine keeps (the contract tests check each):
- Words are matched in title and body (English stemming), filters never change relevance.
- Filters: OR within a facet, AND across facets; an excluded value may not be present at all.
- A facet's counts ignore that facet's own includes and excludes; the histogram ignores the
  date range. Counts are exact.
- Sort: relevance (ties by index order), newest or oldest; an undated article sorts as if after
  every date (first with newest, last with oldest).
"""
from typing import Iterator, Protocol

from .curation import Curation
from .document import Document
from .search.insights import Cooccurrence
from .search.request import SearchRequest
from .search.results import Bucket, Hit, SearchResult, Stats


class Reader(Protocol):
    """A consistent view of the live index: what one request or one command reads."""

    def search(self, request: SearchRequest) -> SearchResult:
        """Return one page of hits with snippets, every facet's counts and the date histogram."""

    def facet_values(self, request: SearchRequest, facet: str, contains: str = "",
                     limit: int = 60) -> tuple[list, bool]:
        """Return ([(value, count)], truncated) of one facet over the request, values containing `contains`.

        Selected and excluded values come first, then by count (as results.top_values).
        """

    def document(self, doc_id: str) -> Document | None:
        """Return the stored document with this id, or None."""

    def more_like_this(self, doc_id: str, top: int = 6) -> list[Hit]:
        """Return the articles most like this one by the key terms of its title and body and the people,
        organisations and countries it names (never itself, nor its near-duplicates: Document.dup)."""

    def export(self, request: SearchRequest) -> Iterator[Document]:
        """Yield every document of the filtered set in the request's order (no paging, no cap)."""

    def stats(self, top: int = 10) -> Stats:
        """Return the article count, size, date range and top values of every facet."""

    def has_source_prefix(self, prefix: str) -> bool:
        """Return whether any article's source starts with prefix (for attributions)."""

    def histogram(self, request: SearchRequest, unit: str) -> list[Bucket]:
        """Return the request's articles, its date range applied, per "day", "week", "month" or "year".

        Zero-filled from the first to the last non-empty bucket; undated articles are not counted.
        (For trends: unlike search()'s histogram, the unit is the caller's and the range applies.)
        """

    def cooccurring(self, request: SearchRequest, facets: tuple, limit: int = 50) -> Cooccurrence:
        """Return the set's size, the index's size and per facet [(value, count in the set, count in the index)].

        The set is the request with ALL its filters applied, a facet's own included (unlike
        search()'s facet counts), so "who appears with Joe Biden" counts inside his articles.
        Per facet the `limit` values most frequent in the set (ties by value), counts exact.
        """

    def suggest_words(self, word: str, limit: int = 5) -> list[str]:
        """Return indexed words of title and body nearest in spelling to word, most frequent first.

        Words as written (folded, not stemmed), sharing the first letter and within
        search/didyoumean.py's edit_limit; nearest first (the word itself when an article holds
        it), then the most frequent, then A-Z.
        """

    def close(self) -> None:
        """Release what the view holds."""


class Writer(Protocol):
    """One indexing run's access to the index: the live one, or a fresh build beside it."""

    fresh: bool          # True: writing a new index that replaces the live one on publish()
    has_live: bool       # whether a live index existed when the run started

    def known_hashes(self) -> dict[str, str]:
        """Return {id: content hash} of every document the index being written holds."""

    def document_by_hash(self, chash: str) -> Document | None:
        """Return a document with this content hash, in this build or the live index, or None."""

    def documents_by_hash(self, chashes: list[str]) -> dict[str, Document]:
        """Return {content hash: document} of those of chashes found (document_by_hash of each,
        in as few requests as the engine can: a run asks before each batch of NER)."""

    def put(self, documents: list[Document]) -> None:
        """Add or replace documents by id (the last of an id wins); visible after commit()."""

    def delete(self, ids: list[str]) -> None:
        """Remove documents by id; effective at commit()."""

    def documents_with_raw(self, keys: set[str]) -> list[Document]:
        """Return the committed documents whose raw extraction holds a value of `keys`.

        Keys are indexer.curation.key(facet, value): "person:" + the folded value. A curation change
        rewrites the stored values of these documents only (put + commit), without NER.
        """

    def commit(self) -> None:
        """Make everything put and deleted so far durable, atomically."""

    def optimize(self) -> None:
        """Compact the index for faster searches (may take a while)."""

    def publish(self) -> None:
        """Swap a complete fresh build in as the live index, atomically; drop the one it replaces."""

    def discard(self) -> None:
        """Throw a fresh build away."""

    def cancel(self) -> None:
        """Drop what was put since the last commit (the run was interrupted)."""

    def close(self) -> None:
        """Release the writer; committed work stays."""


class SearchEngine(Protocol):
    """An index and how to reach it."""

    name: str

    def reader(self, batch: bool = False) -> Reader:
        """Return a view of the live index; raise IndexMissing when there is none.

        batch: for a command's own work over the index (export, the index-wide resolution and
        near-duplicate steps), not a visitor's request: the query budget's time limits
        (search/query.py: BATCH_BUDGET) do not apply, so no answer is cut short because the
        machine is busy."""

    def writer(self, fresh: bool) -> Writer:
        """Start an indexing run (fresh: build a new index beside the live one); raise IndexBusy
        when another run writes."""

    def exists(self) -> bool:
        """Return whether a live index exists."""

    def curation(self) -> Curation:
        """Return the stored curation (indexer/curation.py); empty when there is none.

        It belongs to the index's place, not to one build: kept across index, --rebuild, --prune, gc.
        """

    def save_curation(self, curation: Curation, base_version: int) -> None:
        """Store curation, which extends the one read at base_version; raise CurationConflict when
        the stored one is no longer at that version (another writer came first)."""

    def collect(self, min_age: float = 0.0) -> list[str]:
        """Remove replaced copies of the index no reader uses, retired min_age seconds ago; return them."""

    def describe(self) -> str:
        """Return where the index lives, for messages ("index_data/", "opensearch facetwire@…")."""

    def close(self) -> None:
        """Release every reader and connection this engine holds."""


class BatchedWriter:
    """What every engine's Writer shares: the batch kept by id until commit, and `with` use.

    The last put or delete of an id in a batch wins (an engine that replaces only committed
    versions would otherwise keep both); leaving the `with` on an error cancels the batch.
    Subclasses write `take_batch()` at commit and call `drop_batch()` where the batch goes; an
    engine that writes each document as it is put (Whoosh) overrides put and delete instead.
    """

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is not None:
            self.cancel()
        self.close()

    def documents_by_hash(self, chashes):
        # One lookup each: an engine where a lookup is a network request does them together.
        found = {}
        for chash in dict.fromkeys(chashes):
            doc = self.document_by_hash(chash)
            if doc is not None:
                found[chash] = doc
        return found

    @property
    def _batch(self):
        return self.__dict__.setdefault("_pending_batch", {})   # id -> Document, or None to delete

    def put(self, documents):
        for doc in documents:
            self._batch[doc.id] = doc

    def delete(self, ids):
        for doc_id in ids:
            self._batch[doc_id] = None

    def has_batch(self):
        return bool(self._batch)

    def take_batch(self):
        """Return the batch ({id: Document or None}) and start an empty one."""
        batch, self.__dict__["_pending_batch"] = self._batch, {}
        return batch

    def drop_batch(self):
        self.__dict__["_pending_batch"] = {}
