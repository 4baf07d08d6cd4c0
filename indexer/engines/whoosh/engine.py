"""The Whoosh engine: the search contract (indexer.contract) over a folder of index generations."""
import numpy as np
from whoosh import query as wq

from ...errors import IndexUnavailable
from ...search.query import BATCH_BUDGET, DEFAULT_BUDGET, LongSearches, log_cost
from ...search.results import Stats, most_frequent, top_values
from . import counting, curation, insights, store, suggest
from .live import OPEN_ERRORS, LiveIndex
from .schema import from_fields
from .dedupe import like_query
from .searching import make_hit, ordered_docnums, query_matches, search
from .writer import WhooshWriter

MISSING_DATE = 2**64 - 1  # what Whoosh's DATETIME column holds for a document without a date


class WhooshEngine:
    """An index folder (index_dir/CURRENT names the live generation), shared by every thread.

    budget: what each search may cost (search/query.py: QueryBudget; its defaults unless given),
    with the long-search slots of this engine's process.
    """

    name = "whoosh"

    def __init__(self, index_dir, budget=DEFAULT_BUDGET):
        self.index_dir = str(index_dir)
        self.live = LiveIndex(self.index_dir)
        self.budget = budget
        self.long_searches = LongSearches(budget.long_searches)

    def reader(self, batch=False):
        if batch:
            return WhooshReader(self.live, self.live.searcher(), BATCH_BUDGET)
        return WhooshReader(self.live, self.live.searcher(), self.budget, self.long_searches)

    def writer(self, fresh):
        return WhooshWriter(self.index_dir, fresh)

    def exists(self):
        return store.current_generation(self.index_dir) is not None

    def curation(self):
        return curation.load(self.index_dir)

    def save_curation(self, new, base_version):
        curation.save(self.index_dir, new, base_version)

    def check(self):
        """Raise IndexMissing unless a live index can be opened."""
        store.live_path(self.index_dir)

    def describe(self):
        return self.index_dir

    def collect(self, min_age=0.0):
        return store.collect(self.index_dir, min_age)

    def close(self):
        self.live.close()


class WhooshReader:
    """A view of the live index through this thread's searcher (refreshed when the index changes)."""

    def __init__(self, live, searcher, budget=DEFAULT_BUDGET, slots=None):
        self.live, self.searcher, self.budget, self.slots = live, searcher, budget, slots

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        pass  # the searcher is this thread's, kept for its next request (LiveIndex closes it)

    def search(self, request):
        return search(self.searcher, request, cost=self.budget.start(self.slots))

    def facet_values(self, request, facet, contains="", limit=60):
        cost = self.budget.start(self.slots)
        try:
            _parsed, qmask, _scores, _warnings = query_matches(self.searcher, request, cost)
            counts = counting.count_all(self.searcher, request, qmask, facet_names=(facet,), histogram=False,
                                        cost=cost)
        finally:
            cost.release()
        log_cost(cost, "facet values", request.q)
        return top_values(counts.values[facet], limit, request.filters.get(facet, ()),
                          request.excludes.get(facet, ()), contains)

    def _docnum(self, doc_id):
        return self.searcher.document_number(id=doc_id)

    def document(self, doc_id):
        docnum = self._docnum(doc_id)
        return None if docnum is None else from_fields(self.searcher.stored_fields(docnum))

    def more_like_this(self, doc_id, top=6):
        docnum = self._docnum(doc_id)
        if docnum is None:
            return []
        q, leave_out = like_query(self.searcher, docnum)
        if q is None:
            return []
        results = self.searcher.search(q, limit=top, mask=leave_out)
        return [make_hit(self.searcher, hit.docnum, hit.score, {}) for hit in results]

    def export(self, request):
        for docnum in ordered_docnums(self.searcher, request, self.budget.start(self.slots)):
            yield from_fields(self.searcher.stored_fields(docnum))

    def stats(self, top=10):
        s = self.searcher
        facets, distinct = {}, {}
        every = counting.query_mask(s, wq.Every())
        for name in counting.NAMES:
            # Live documents only: the lexicon still counts replaced and deleted versions.
            counts = counting.count_values(s, name, every)
            distinct[name] = len(counts)
            facets[name] = most_frequent(counts, top)
        dates = None
        values = counting.dates(s)[every]
        values = values[values != np.uint64(MISSING_DATE)]
        if len(values):
            to_date = s.schema["date"].from_column_value
            dates = (to_date(int(values.min())).date().isoformat(), to_date(int(values.max())).date().isoformat())
        index_dir = self.live.index_dir
        return Stats(location=str(store.live_path(index_dir)), articles=s.doc_count(),
                     size_bytes=store.index_size(index_dir), dates=dates, facets=facets, distinct=distinct)

    def has_source_prefix(self, prefix):
        try:
            return self.live.has_source_prefix(self.searcher, prefix)
        except OPEN_ERRORS as err:
            raise IndexUnavailable(f"the live index in {self.live.index_dir} cannot be read ({err})") from err

    # Trends and related (search/insights.py), did-you-mean (search/didyoumean.py): in this engine's own modules.
    def histogram(self, request, unit):
        return insights.histogram(self, request, unit)

    def cooccurring(self, request, facets, limit=50):
        return insights.cooccurring(self, request, facets, limit)

    def suggest_words(self, word, limit=5):
        return suggest.suggest_words(self, word, limit)
