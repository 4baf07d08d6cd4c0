"""Trends and related values over this engine: the contract's histogram() and cooccurring().

One search each, `size: 0`, the request's filters (a facet's own included) and date range as the
query's filter: the histogram is a `date_histogram` by `calendar_interval` (weeks start on
Monday, as ISO's and Whoosh's); the related values are a `terms` aggregation per facet of only
the `limit` most frequent values, exact when no shard left a value out (its
doc_count_error_upper_bound is 0), else asked again with WIDE_TERMS values per shard, and only
past that counted in full by counting.composite_counts; their counts in the whole index are one
more search whose `terms` include exactly those values.
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


WIDE_TERMS = 50_000   # values per shard on a second try: under the cluster's default search.max_buckets (65,535)


def wide_top(reader, query, name, limit):
    """Return a facet's exact top values with WIDE_TERMS per shard, or by the composite paging."""
    body = {"query": query, "size": 0, "track_total_hits": False, "aggs": {"t": top_terms(name, limit, WIDE_TERMS)}}
    try:
        found = exact_top(reader.searcher.run(body, f"counting {name} in", refusable=True)["aggregations"]["t"])
    except QueryRefused:   # e.g. too many buckets for this cluster's limit
        found = None
    if found is None:
        counts = counting.composite_counts(lambda b: reader.searcher.run(b, f"counting {name} in"), query, name)
        found = most_frequent(counts, limit)
    return found


def histogram(reader, request, unit):
    check_unit(unit)
    aggs = {"periods": {"date_histogram": {"field": "date", "calendar_interval": unit, "min_doc_count": 1,
                                           "format": "yyyy-MM-dd"}}}
    response, _query = run(reader, request, aggs, "counting a trend in")
    counts = {date.fromisoformat(b["key_as_string"]): b["doc_count"]
              for b in response["aggregations"]["periods"]["buckets"]}
    return zero_filled(counts, unit)


def top_terms(name, limit, shard_size):
    """Return the `terms` aggregation of a facet's `limit` most frequent values, each shard listing shard_size."""
    return {"terms": {"field": name, "size": limit, "shard_size": max(shard_size, limit),
                      "order": [{"_count": "desc"}, {"_key": "asc"}]}}


def exact_top(agg):
    """Return the buckets of a top_terms aggregation as [(value, count)] if they are exact, else None.

    Exact when no shard left a value out (doc_count_error_upper_bound 0): then the cluster
    counted every value of the set in full, and its top `limit` are the true ones.
    """
    if agg.get("doc_count_error_upper_bound", 1) != 0:
        return None
    return [(b["key"], b["doc_count"]) for b in agg["buckets"]]


def cooccurring(reader, request, facets, limit):
    # One search for every facet; a facet with more values in a shard than FACET_TERMS is asked
    # again with WIDE_TERMS per shard, and only past that (or the cluster's bucket limit) counted
    # in full by a paged composite aggregation.
    aggs = {f"facet_{name}": top_terms(name, limit, counting.FACET_TERMS) for name in facets}
    response, query = run(reader, request, aggs, "counting related values in")
    set_size = response["hits"]["total"]["value"]
    top = {}
    for name in facets:
        found = exact_top(response["aggregations"][f"facet_{name}"])
        if found is None:
            found = wide_top(reader, query, name, limit)
        top[name] = found
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
