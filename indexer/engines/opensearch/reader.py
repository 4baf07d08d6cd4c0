"""The contract's Reader over one concrete index: the live alias resolved once, when the view opens.

A reader keeps reading the index it opened on even if a rebuild is published meanwhile (until
that index is deleted: then IndexUnavailable says to try again), as a Whoosh searcher does.
"""
from ...facets import NAMES
from ...search.request import SearchRequest
from ...search.results import Stats, most_frequent, top_values
from . import counting, dedupe, insights, suggest
from .mapping import from_source
from .scan import scan
from .searching import HIT_SOURCE, Searcher, make_hit, preference, sort_of

MLT_TERMS = 25   # Lucene's default number of key terms; Whoosh's more_like takes 5 (by its Bo1 model)


class OpenSearchReader:
    def __init__(self, store, index):
        self.store, self.index = store, index
        self.searcher = Searcher(store.client, index, store.failures, store.where)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        pass  # nothing is held between requests: the client's connections are the engine's

    def search(self, request):
        return self.searcher.search(request)

    def _query(self, request):
        return dedupe.scoped(request, self.searcher.parsed(request.q).query)

    def facet_values(self, request, facet, contains="", limit=60):
        q = self._query(request)
        response = self.searcher.run({"query": q, "size": 0, "track_total_hits": False,
                                      "aggs": counting.facet_aggs(request, (facet,), histogram=False)})
        counts = self.searcher.facet_counts(request, q, response["aggregations"], (facet,))[facet]
        return top_values(counts, limit, request.filters.get(facet, ()), request.excludes.get(facet, ()), contains)

    def document(self, doc_id):
        response = self.searcher.run({"query": {"ids": {"values": [doc_id]}}, "size": 1},
                                     f"reading article {doc_id[:60]!r} from")
        hits = response["hits"]["hits"]
        return from_source(hits[0]["_source"]) if hits else None

    def more_like_this(self, doc_id, top=6):
        doc = self.document(doc_id)
        if doc is None:
            return []
        mlt = {"more_like_this": {
            "fields": ["title", "body"], "like": [{"_index": self.index, "_id": doc_id}],
            "min_term_freq": 1, "min_doc_freq": 1, "max_query_terms": MLT_TERMS, "minimum_should_match": 1,
            "include": False}}
        body = {"query": dedupe.like_query(doc, mlt),
            "size": top, "sort": [{"_score": "desc"}, {"id": "asc"}], "track_scores": True,
            "_source": HIT_SOURCE}
        hits = self.searcher.run(body, f"finding articles like {doc_id[:60]!r} in",
                                 search_type="dfs_query_then_fetch")["hits"]["hits"]
        return [make_hit(h) for h in hits]

    def export(self, request):
        """Yield every document of the filtered set in the search's order, through a point in time."""
        documents = self._export(request)
        return dedupe.first_of_each(documents) if request.dedupe else documents

    def _export(self, request):
        q = self._query(request)
        post = counting.request_filter(request)
        body = {"query": {"bool": {"must": [q], "filter": [post]}} if post else q}
        params = {"search_type": "dfs_query_then_fetch"} if request.effective_sort == "relevance" else None
        hits = scan(self.store.client, self.index, body, sort_of(request), params, preference(request))
        while True:
            with self.store.failures(f"exporting from {self.index}"):
                hit = next(hits, None)
            if hit is None:
                return
            yield from_source(hit["_source"])

    def stats(self, top=10):
        body = {"size": 0, "track_total_hits": True, "aggs": {
            **{f"facet_{name}": {"filter": {"match_all": {}}, "aggs": {"values": counting.terms_agg(name)}}
               for name in NAMES},
            "first": {"min": {"field": "date", "format": "yyyy-MM-dd"}},
            "last": {"max": {"field": "date", "format": "yyyy-MM-dd"}}}}
        response = self.searcher.run(body, "reading the statistics of")
        aggs = response["aggregations"]
        counts = self.searcher.facet_counts(SearchRequest(), {"match_all": {}}, aggs)
        dates = None
        if aggs["first"].get("value") is not None:
            dates = (aggs["first"]["value_as_string"], aggs["last"]["value_as_string"])
        return Stats(location=f"{self.index} (alias {self.store.alias}@{self.store.where})",
                     articles=response["hits"]["total"]["value"], size_bytes=self.store.size_bytes(self.index),
                     dates=dates, facets={n: most_frequent(counts[n], top) for n in NAMES},
                     distinct={n: len(counts[n]) for n in NAMES})

    def has_source_prefix(self, prefix):
        response = self.searcher.run({"query": {"prefix": {"source": {"value": prefix}}}, "size": 0,
                                      "track_total_hits": 1, "terminate_after": 1}, "looking up sources in")
        return response["hits"]["total"]["value"] > 0

    # Trends and related (search/insights.py), did-you-mean (search/didyoumean.py): in this engine's own modules.
    def histogram(self, request, unit):
        return insights.histogram(self, request, unit)

    def cooccurring(self, request, facets, limit=50):
        return insights.cooccurring(self, request, facets, limit)

    def suggest_words(self, word, limit=5):
        return suggest.suggest_words(self, word, limit)
