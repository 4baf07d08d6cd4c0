"""Facet counts and filters over per-segment arrays of facet ordinals.

Each (segment, facet field) is read once into a Column: the field's values in lexicon order and
two parallel arrays of (document, value ordinal) pairs. Segments never change once written (only
their deletions do, and deleted documents never enter a mask), so columns are cached by segment
id. A set of documents is a numpy bool array over the searcher's global document numbers; counting
a facet is then one `bincount` per segment instead of a Python loop over hits.
"""
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np
from whoosh import query as wq
from whoosh.util.times import datetime_to_long

from ...facets import NAMES
from ...search.results import Bucket
from .evaluate import evaluate

NO_DATE = np.iinfo(np.uint64).max  # what the sortable date column holds for a document without one
USEC_PER_DAY = 86_400_000_000
MAX_CACHED_COLUMNS = 512


@dataclass
class Column:
    values: list           # facet values of one segment, in lexicon order (ordinal = position)
    docs: np.ndarray       # segment-local document numbers ...
    ords: np.ndarray       # ... and the ordinal of one of their values, pair by pair

    def __post_init__(self):
        self.ordinal = {v: i for i, v in enumerate(self.values)}


_columns = {}
_columns_lock = threading.Lock()


def _segment_key(reader, name):
    return (reader.segment().segment_id(), name)


def column(reader, fieldname):
    """Return the Column of fieldname in a segment reader (built once, then cached)."""
    key = _segment_key(reader, fieldname)
    col = _columns.get(key)
    if col is None:
        col = _read_column(reader, fieldname)
        with _columns_lock:
            if len(_columns) >= MAX_CACHED_COLUMNS:
                _columns.clear()  # segments of old generations; cheaper than tracking them
            _columns[key] = col
    return col


def _read_column(reader, fieldname):
    values, docs, ords = [], [], []
    if fieldname in reader.schema:
        for ordinal, value in enumerate(reader.field_terms(fieldname)):
            ids = list(reader.postings(fieldname, value).all_ids())
            values.append(value)
            docs.extend(ids)
            ords.extend([ordinal] * len(ids))
    return Column(values, np.asarray(docs, dtype=np.int64), np.asarray(ords, dtype=np.int64))


def date_column(reader):
    """Return the segment's dates as microseconds since datetime.min (NO_DATE where missing)."""
    key = _segment_key(reader, "date")
    col = _columns.get(key)
    if col is None:
        n = reader.doc_count_all()
        if "date" in reader.schema and reader.has_column("date"):
            col = np.fromiter(reader.column_reader("date", translate=False), dtype=np.uint64, count=n)
        else:
            col = np.full(n, NO_DATE, dtype=np.uint64)
        with _columns_lock:
            _columns[key] = col
    return col


def dates(searcher):
    """Return date_column over the searcher's global document numbers."""
    parts = [date_column(reader) for reader, _offset in _leaves(searcher)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)


def _leaves(searcher):
    return searcher.reader().leaf_readers()


# --- masks ------------------------------------------------------------------------------------

def empty_mask(searcher):
    return np.zeros(searcher.doc_count_all(), dtype=bool)


def query_mask(searcher, q):
    """Return the documents matching q (unscored), deleted ones excluded."""
    return evaluate(searcher, q)[0]


def values_mask(searcher, fieldname, values):
    """Return the documents holding any of values in fieldname."""
    mask = empty_mask(searcher)
    for reader, offset in _leaves(searcher):
        col = column(reader, fieldname)
        ords = [col.ordinal[v] for v in values if v in col.ordinal]
        if ords:
            mask[col.docs[np.isin(col.ords, ords)] + offset] = True
    return mask


def date_mask(searcher, date_from, date_to):
    """Return the documents dated within [date_from, date_to] (days, inclusive; either may be None)."""
    low = datetime_to_long(datetime.combine(date_from, time.min)) if date_from else 0
    high = datetime_to_long(datetime.combine(date_to, time.max)) if date_to else NO_DATE - 1
    parts = []
    for reader, _offset in _leaves(searcher):
        col = date_column(reader)
        parts.append((col >= np.uint64(low)) & (col <= np.uint64(high)))
    return np.concatenate(parts) if parts else empty_mask(searcher)


# --- counting ---------------------------------------------------------------------------------

def count_values(searcher, fieldname, mask):
    """Return {value: number of documents in mask holding it} (values with a zero count left out)."""
    pairs = merged_pairs(_leaves(searcher), fieldname)
    if not len(pairs.values):
        return Counter()
    total = np.bincount(pairs.ords[mask[pairs.docs]], minlength=len(pairs.values))
    found = np.flatnonzero(total)
    counts = Counter()
    dict.update(counts, zip(pairs.values[found].tolist(), total[found].tolist()))
    return counts


@dataclass
class Pairs:
    """Every (document, value) pair of a facet over the searcher's segments, in global numbers."""
    values: np.ndarray     # every value of the facet over the segments, sorted (object array)
    docs: np.ndarray       # global document number ...
    ords: np.ndarray       # ... and the position in values of one of its values, pair by pair


_merged = {}


def merged_pairs(leaves, fieldname):
    """Return the Pairs of fieldname over the segments of leaves, cached by the segments' ids.

    Counting a facet is then one gather and one bincount over the whole index, not a few numpy
    calls per segment (a broad query's count touches every pair anyway), and only the final
    non-zero counts become Python objects.
    """
    key = (tuple(reader.segment().segment_id() for reader, _ in leaves), fieldname)
    found = _merged.get(key)
    if found is None:
        cols = [column(reader, fieldname) for reader, _ in leaves]
        values = sorted(set().union(*(c.values for c in cols))) if cols else []
        where = {v: i for i, v in enumerate(values)}
        docs, ords = [], []
        for (reader, offset), col in zip(leaves, cols):
            if col.values:
                to_global = np.asarray([where[v] for v in col.values], dtype=np.int32)
                docs.append(col.docs.astype(np.int32) + np.int32(offset))
                ords.append(to_global[col.ords])
        array = np.empty(len(values), dtype=object)
        array[:] = values
        found = Pairs(array, np.concatenate(docs) if docs else np.zeros(0, dtype=np.int32),
                      np.concatenate(ords) if ords else np.zeros(0, dtype=np.int32))
        with _columns_lock:
            if len(_merged) >= 64:
                _merged.clear()  # older generations of the index
            _merged[key] = found
    return found


def live_value_counts(searcher, fieldname):
    """Return {value: number of live documents holding it} over the whole index.

    Unlike reader.doc_frequency (and the lexicon), deleted documents -- including the old
    versions left by update_document -- are not counted, and values only they held are absent.
    """
    return count_values(searcher, fieldname, query_mask(searcher, wq.Every()))


@dataclass
class FacetCounts:
    final_mask: np.ndarray                 # query AND every filter: the result set
    filter_mask: np.ndarray | None         # every filter without the query (None: no filter)
    values: dict = field(default_factory=dict)     # facet -> Counter, ignoring that facet's own filter
    histogram: list = field(default_factory=list)  # [Bucket], ignoring the date range

    def allowed_set(self):
        """Return the filter as a set of document numbers for Whoosh's `filter=`, or None."""
        if self.filter_mask is None:
            return None
        return set(np.flatnonzero(self.filter_mask).tolist())


def facet_clauses(searcher, request):
    """Return {facet: mask of documents its includes and excludes allow} for facets with any."""
    clauses = {}
    for name in NAMES:
        include, exclude = request.filters.get(name), request.excludes.get(name)
        mask = values_mask(searcher, name, include) if include else None
        if exclude:
            allowed = ~values_mask(searcher, name, exclude)
            mask = allowed if mask is None else mask & allowed
        if mask is not None:
            clauses[name] = mask
    return clauses


def _and(masks, base):
    out = base.copy()
    for m in masks:
        out &= m
    return out


def count_all(searcher, request, qmask, facet_names=NAMES, histogram=True, cost=None):
    """Count every facet over the query and all OTHER filters, and the date histogram.

    A facet's counts ignore its own includes and excludes, so that adding a value to an OR
    stays possible; the histogram ignores the date range for the same reason. With a search's
    cost (search/query.py), past its time limit the facets not yet counted and the histogram
    are left empty, and the cost says so.
    """
    clauses = facet_clauses(searcher, request)
    dmask = None
    if request.date_from or request.date_to:
        dmask = date_mask(searcher, request.date_from, request.date_to)
    others = list(clauses.values()) + ([dmask] if dmask is not None else [])
    filter_mask = _and(others, np.ones_like(qmask)) if others else None
    final = qmask & filter_mask if filter_mask is not None else qmask
    counts = FacetCounts(final, filter_mask)
    for name in facet_names:
        if _out_of_time(cost):
            counts.values.update((n, Counter()) for n in facet_names if n not in counts.values)
            return counts
        if name in clauses:
            rest = [m for f, m in clauses.items() if f != name] + ([dmask] if dmask is not None else [])
            mask = _and(rest, qmask)
        else:
            mask = final
        counts.values[name] = count_values(searcher, name, mask)
    if histogram and facet_names and not _out_of_time(cost):
        counts.histogram = date_histogram(searcher, _and(clauses.values(), qmask))
    return counts


def _out_of_time(cost):
    if cost is None or not cost.expired():
        return False
    cost.cut_short("counting")
    return True


# --- date histogram ---------------------------------------------------------------------------

def date_histogram(searcher, mask, max_days=62, max_months=60):
    """Return [Bucket] of documents in mask per day, month or year, whichever fits, zero-filled."""
    parts = []
    for reader, offset in _leaves(searcher):
        col = date_column(reader)
        seg = mask[offset: offset + reader.doc_count_all()]
        vals = col[seg]
        parts.append(vals[vals != NO_DATE])
    vals = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
    if not len(vals):
        return []
    days = np.datetime64("0001-01-01", "D") + (vals // np.uint64(USEC_PER_DAY)).astype("timedelta64[D]")
    span_days = int((days.max() - days.min()).astype(int)) + 1
    months = days.astype("datetime64[M]")
    span_months = int((months.max() - months.min()).astype(int)) + 1
    unit = "D" if span_days <= max_days else "M" if span_months <= max_months else "Y"
    keys = days.astype(f"datetime64[{unit}]")
    uniq, counts = np.unique(keys, return_counts=True)
    found = dict(zip(uniq.tolist(), counts.tolist()))
    out = []
    for key in np.arange(keys.min(), keys.max() + 1).tolist():
        start = key if isinstance(key, date) else date.fromisoformat(str(key))
        out.append(Bucket(*_bucket_span(start, unit), count=int(found.get(key, 0))))
    return out


def _bucket_span(start, unit):
    if unit == "D":
        return start.isoformat(), start, start
    if unit == "M":
        nxt = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        return start.strftime("%Y-%m"), start.replace(day=1), nxt - timedelta(days=1)
    return str(start.year), date(start.year, 1, 1), date(start.year, 12, 31)
