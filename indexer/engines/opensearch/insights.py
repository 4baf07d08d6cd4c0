"""Trends and related values over this engine: the contract's histogram() and cooccurring().

One search each, `size: 0`, the request's filters (a facet's own included) and date range as the
query's filter: the histogram is a `date_histogram` by `calendar_interval` (weeks start on
Monday, as ISO's and Whoosh's); the related values are a `terms` aggregation per facet, exact as
in counting.py (a facet whose terms were cut off is counted again with a paged `composite`), and
their counts in the whole index one more search whose `terms` include exactly those values.
"""
from datetime import date

from ...search.insights import Cooccurrence, check_unit, zero_filled
from ...search.query import fallback
from ...search.results import most_frequent
from . import counting
from .searching import QueryRefused


def set_query(reader, request):
    """Return the query of the request's set: its words (scoring off), every filter and the dates."""
    q = reader.searcher.parsed(request.q).query
    post = counting.request_filter(request)
    return {"bool": {"filter": [q] + ([post] if post else [])}}


def run(reader, request, aggs, what):
    """Run one aggregation search over the request's set; a query the cluster refuses: its plain words."""
    body = {"query": set_query(reader, request), "size": 0, "track_total_hits": True, "aggs": aggs}
    try:
        return reader.searcher.run(body, what, refusable=True), body["query"]
    except QueryRefused as err:
        parsed = fallback(request.q, request.q, reader.searcher.compile, f"the query could not be run ({err})")
        post = counting.request_filter(request)
        body["query"] = {"bool": {"filter": [parsed.query] + ([post] if post else [])}}
        return reader.searcher.run(body, what), body["query"]


def histogram(reader, request, unit):
    check_unit(unit)
    aggs = {"periods": {"date_histogram": {"field": "date", "calendar_interval": unit, "min_doc_count": 1,
                                           "format": "yyyy-MM-dd"}}}
    response, _query = run(reader, request, aggs, "counting a trend in")
    counts = {date.fromisoformat(b["key_as_string"]): b["doc_count"]
              for b in response["aggregations"]["periods"]["buckets"]}
    return zero_filled(counts, unit)


def cooccurring(reader, request, facets, limit):
    aggs = {f"facet_{name}": counting.terms_agg(name) for name in facets}
    response, query = run(reader, request, aggs, "counting related values in")
    set_size = response["hits"]["total"]["value"]
    top = {}
    for name in facets:
        counts, complete = counting.read_terms(response["aggregations"][f"facet_{name}"])
        if not complete:
            counts = counting.composite_counts(lambda body: reader.searcher.run(body, f"counting {name} in"),
                                               query, name)
        top[name] = most_frequent(counts, limit)
    # The same values over the whole index: `include` lists them, so each count is exact.
    index_aggs = {f"facet_{name}": {"terms": {"field": name, "size": len(pairs), "include": [v for v, _ in pairs]}}
                  for name, pairs in top.items() if pairs}
    index = reader.searcher.run({"query": {"match_all": {}}, "size": 0, "track_total_hits": True,
                                 "aggs": index_aggs}, "counting the whole index of")
    values = {}
    for name, pairs in top.items():
        agg = index.get("aggregations", {}).get(f"facet_{name}", {"buckets": []})
        in_index = {b["key"]: b["doc_count"] for b in agg["buckets"]}
        values[name] = [(v, c, in_index.get(v, c)) for v, c in pairs]
    return Cooccurrence(set_size, index["hits"]["total"]["value"], values)
