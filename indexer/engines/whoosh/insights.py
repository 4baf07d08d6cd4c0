"""Trends and related values over this engine: the contract's histogram() and cooccurring().

Both work on the masks of counting.py: the set is the query's matches AND every filter (a
facet's own included) AND the date range; a histogram is one numpy pass over its dates, the
related values one bincount per facet over the set and one over the whole index.
"""
import numpy as np
from whoosh import query as wq

from ...search.insights import Cooccurrence, check_unit, zero_filled
from ...search.query import log_cost
from ...search.results import most_frequent
from . import counting
from .searching import query_matches

EPOCH = np.datetime64("0001-01-01", "D")   # day 0 of the date column (microseconds since datetime.min)
UNIT_CODES = {"day": "D", "month": "M", "year": "Y"}


def filtered_set(reader, request, what):
    """Return the mask of the request's articles: its words, every filter and the date range."""
    cost = reader.budget.start(reader.slots)
    try:
        _parsed, mask, _scores, _warnings = query_matches(reader.searcher, request, cost)
    finally:
        cost.release()
    log_cost(cost, what, request.q)
    for clause in counting.facet_clauses(reader.searcher, request).values():
        mask = mask & clause   # never in place: a mask may be shared
    if request.date_from or request.date_to:
        mask = mask & counting.date_mask(reader.searcher, request.date_from, request.date_to)
    return mask


def histogram(reader, request, unit):
    check_unit(unit)
    mask = filtered_set(reader, request, "trend")
    values = counting.dates(reader.searcher)[mask]
    values = values[values != counting.NO_DATE]
    if not len(values):
        return []
    days = EPOCH + (values // np.uint64(counting.USEC_PER_DAY)).astype("timedelta64[D]")
    if unit == "week":
        # datetime64[D] counts from 1970-01-01, a Thursday: Monday is 3 days before.
        weekday = (days.astype(np.int64) + 3) % 7
        keys = days - weekday.astype("timedelta64[D]")
    else:
        keys = days.astype(f"datetime64[{UNIT_CODES[unit]}]").astype("datetime64[D]")
    starts, counts = np.unique(keys, return_counts=True)
    return zero_filled(dict(zip(starts.tolist(), counts.tolist())), unit)   # {datetime.date: count}


def cooccurring(reader, request, facets, limit):
    searcher = reader.searcher
    mask = filtered_set(reader, request, "related")
    every = counting.query_mask(searcher, wq.Every())
    values = {}
    for name in facets:
        in_set = most_frequent(counting.count_values(searcher, name, mask), limit)
        in_index = counting.count_values(searcher, name, every) if in_set else {}
        values[name] = [(v, c, in_index.get(v, c)) for v, c in in_set]
    return Cooccurrence(int(mask.sum()), int(every.sum()), values)
