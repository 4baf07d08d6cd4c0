"""Filters, facet counts and the date histogram as query DSL: the semantics of engines/whoosh/counting.py.

Filters never enter the scored query: they go in `post_filter`. Each facet is counted by a
`filter` aggregation holding every OTHER facet's filter and the date range, with a `terms`
aggregation inside; the histogram holds every facet filter but not the date range.

Counts are exact: a `terms` aggregation asks each shard for up to FACET_TERMS values
(shard_size = size), which is exact whenever no shard holds more distinct values of that facet in
the set counted; the response says when that was not so (doc_count_error_upper_bound or
sum_other_doc_count above 0), and then the facet is counted again with a `composite`
aggregation paged to the end (exact, at one request per COMPOSITE_PAGE values).
"""
from collections import Counter
from datetime import date, timedelta

from ...facets import NAMES
from ...search.results import Bucket

FACET_TERMS = 5000
COMPOSITE_PAGE = 10_000


def facet_clauses(request):
    """Return {facet: the filter its includes and excludes make} for facets with any."""
    clauses = {}
    for name in NAMES:
        include, exclude = request.filters.get(name), request.excludes.get(name)
        if not (include or exclude):
            continue
        part = {}
        if include:
            part["filter"] = [{"terms": {name: list(include)}}]
        if exclude:
            part["must_not"] = [{"terms": {name: list(exclude)}}]  # no value of them at all
        clauses[name] = {"bool": part}
    return clauses


def date_clause(request):
    """Return the range of the request's inclusive days, or None."""
    if not (request.date_from or request.date_to):
        return None
    bounds = {}
    if request.date_from:
        bounds["gte"] = request.date_from.isoformat()
    if request.date_to == date.max:   # no next day to stop before
        bounds["lte"] = f"{date.max.isoformat()}T23:59:59.999"
    elif request.date_to:
        bounds["lt"] = (request.date_to + timedelta(days=1)).isoformat()  # the whole last day
    return {"range": {"date": bounds}}


def all_of(clauses):
    """Return one filter of every clause, AND-ed (match_all for none)."""
    clauses = [c for c in clauses if c is not None]
    if not clauses:
        return {"match_all": {}}
    return clauses[0] if len(clauses) == 1 else {"bool": {"filter": clauses}}


def request_filter(request):
    """Return every filter of the request AND-ed, or None without filters."""
    clauses = list(facet_clauses(request).values()) + [date_clause(request)]
    clauses = [c for c in clauses if c is not None]
    return all_of(clauses) if clauses else None


def terms_agg(name):
    return {"terms": {"field": name, "size": FACET_TERMS, "shard_size": FACET_TERMS,
                      "order": [{"_count": "desc"}, {"_key": "asc"}]}}


def facet_aggs(request, names=NAMES, histogram=True):
    """Return the aggregations: per facet its counts over the OTHER filters, and the histogram's days."""
    clauses, dates = facet_clauses(request), date_clause(request)
    aggs = {}
    for name in names:
        others = [c for f, c in clauses.items() if f != name] + [dates]
        aggs[f"facet_{name}"] = {"filter": all_of(others), "aggs": {"values": terms_agg(name)}}
    if histogram:
        aggs["histogram"] = {"filter": all_of(clauses.values()), "aggs": {"days": {
            "date_histogram": {"field": "date", "calendar_interval": "day", "min_doc_count": 1,
                               "format": "yyyy-MM-dd"}}}}
    return aggs


def facet_filter(request, name):
    """Return the filter a facet's counts are taken under: every other facet's and the dates."""
    clauses = facet_clauses(request)
    return all_of([c for f, c in clauses.items() if f != name] + [date_clause(request)])


def read_terms(agg):
    """Return (Counter of a terms aggregation's buckets, whether they are every value, exactly)."""
    counts = Counter({b["key"]: b["doc_count"] for b in agg["buckets"]})
    complete = not agg.get("sum_other_doc_count") and not agg.get("doc_count_error_upper_bound")
    return counts, complete


def composite_counts(search, query, name):
    """Return the exact Counter of a facet over `query`, paging a composite aggregation to the end.

    `search(body)` runs one search request and returns its response.
    """
    counts, after = Counter(), None
    while True:
        composite = {"size": COMPOSITE_PAGE, "sources": [{"value": {"terms": {"field": name}}}]}
        if after is not None:
            composite["after"] = after
        response = search({"query": query, "size": 0, "track_total_hits": False,
                           "aggs": {"values": {"composite": composite}}})
        agg = response["aggregations"]["values"]
        for b in agg["buckets"]:
            counts[b["key"]["value"]] = b["doc_count"]
        after = agg.get("after_key")
        if not agg["buckets"] or after is None or len(agg["buckets"]) < COMPOSITE_PAGE:
            return counts


# --- date histogram ---------------------------------------------------------------------------

def date_histogram(day_buckets, max_days=62, max_months=60):
    """Return [Bucket] per day, month or year, whichever fits, zero-filled (as counting.date_histogram).

    From the days that hold documents (a day-level date_histogram with min_doc_count 1): exact,
    and never more buckets than distinct days, however long the span.
    """
    days = Counter()
    for b in day_buckets:
        if b["doc_count"]:
            days[date.fromisoformat(b["key_as_string"])] += b["doc_count"]
    if not days:
        return []
    first, last = min(days), max(days)
    span_months = (last.year - first.year) * 12 + last.month - first.month + 1
    unit = "D" if (last - first).days + 1 <= max_days else "M" if span_months <= max_months else "Y"
    found = Counter()
    for d, n in days.items():
        found[_start(d, unit)] += n
    out, key = [], _start(first, unit)
    while key <= last:
        label, start, end = _bucket_span(key, unit)
        out.append(Bucket(label, start, end, count=found.get(key, 0)))
        key = end + timedelta(days=1)
    return out


def _start(d, unit):
    return d if unit == "D" else d.replace(day=1) if unit == "M" else date(d.year, 1, 1)


def _bucket_span(start, unit):
    if unit == "D":
        return start.isoformat(), start, start
    if unit == "M":
        nxt = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        return start.strftime("%Y-%m"), start, nxt - timedelta(days=1)
    return str(start.year), start, date(start.year, 12, 31)
