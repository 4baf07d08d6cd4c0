"""Trends and related values, whatever the engine: time axes, series, significance, CSV.

Engines answer two contract calls (contract.Reader.histogram, .cooccurring); everything else is
here, once: the calendar units and their buckets, a trend's series ("person:Donald Trump",
"coronavirus") on one shared time axis, and how much more often a value occurs with a search
than in the whole index.

The significance score is Dunning's log-likelihood ratio G² (Computational Linguistics 19(1),
1993) over the 2×2 table "in the set / not" × "holds the value / not", signed: positive when the
value is over-represented in the set. Lift (share in the set over share in the index) is what a
reader understands ("3.2× as often") and is reported too, but it cannot rank: a value named once in
the whole archive, and that once in the set, has the highest lift there is. G² grows with both the
count and the over-representation, and stays reliable for counts as small as the ones a
newsroom's narrow searches give (unlike chi-square, whose normal approximation fails there).
"""
import csv
import io
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..facets import BY_NAME, NAMES, SUBTOPIC_JOIN
from .results import Bucket

UNITS = ("day", "week", "month", "year")
DEFAULT_UNIT = "month"
MAX_SERIES = 5
MAX_BUCKETS = 2000           # points on one axis; a finer unit over a longer span is refused
MAX_SERIES_TEXT = 200
RELATED_FACETS = ("person", "country", "org", "topic")
DEFAULT_RELATED = 15         # values listed per facet
MAX_RELATED = 100
CANDIDATES = 4               # values asked of the engine per value listed: ranked here by score


# --- calendar units ---------------------------------------------------------------------------

def bucket_start(day, unit):
    """Return the first day of the bucket of `unit` holding day (weeks start on Monday, as ISO's)."""
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return date(day.year, 1, 1)


def next_start(start, unit):
    if unit == "day":
        return start + timedelta(days=1)
    if unit == "week":
        return start + timedelta(days=7)
    if unit == "month":
        return date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def bucket_label(start, unit):
    if unit == "day":
        return start.isoformat()
    if unit == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if unit == "month":
        return start.strftime("%Y-%m")
    return str(start.year)


def bucket_end(start, unit):
    try:
        return next_start(start, unit) - timedelta(days=1)
    except (ValueError, OverflowError):   # the bucket that holds date.max
        return date.max


def make_bucket(start, unit, count=0):
    return Bucket(bucket_label(start, unit), start, bucket_end(start, unit), count)


def bucket_count(first, last, unit):
    """Return how many buckets of unit from the one holding first to the one holding last."""
    first, last = bucket_start(first, unit), bucket_start(last, unit)
    if unit == "day":
        return (last - first).days + 1
    if unit == "week":
        return (last - first).days // 7 + 1
    if unit == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return last.year - first.year + 1


def axis(first, last, unit):
    """Return the zero-count Buckets of unit from the one holding first to the one holding last."""
    out, start, end = [], bucket_start(first, unit), bucket_start(last, unit)
    while start <= end:
        out.append(make_bucket(start, unit))
        if out[-1].end == date.max:
            break
        start = out[-1].end + timedelta(days=1)
    return out


def zero_filled(counts, unit):
    """Return [Bucket] from {bucket start: count}: first to last non-empty bucket, gaps as zeros.

    What every engine's histogram() answers; starts may be any day of their bucket.
    """
    found = {}
    for day, n in counts.items():
        if n:
            start = bucket_start(day, unit)
            found[start] = found.get(start, 0) + int(n)
    if not found:
        return []
    return [make_bucket(b.start, unit, found.get(b.start, 0)) for b in axis(min(found), max(found), unit)]


def check_unit(unit):
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}: use one of {', '.join(UNITS)}")
    return unit


# --- trends -----------------------------------------------------------------------------------

@dataclass
class Series:
    text: str                   # as the user wrote it: "person:Donald Trump", "coronavirus"
    label: str
    facet: str | None = None    # a facet value: the facet and the value
    value: str = ""
    q: str = ""                 # a query: its words
    buckets: list = field(default_factory=list)   # [Bucket] on the trend's axis
    total: int = 0


@dataclass
class Trend:
    unit: str
    axis: list                  # [Bucket] every series is counted on (counts 0)
    series: list                # [Series]
    warnings: list


def parse_series(texts, warnings):
    """Return [Series] of up to MAX_SERIES texts: "FACET:VALUE" is a facet value, anything else a query.

    A value may be quoted (person:"Joe Biden"); repeats and empties are dropped, with a warning
    for what was left out.
    """
    out, seen = [], set()
    for raw in texts:
        text = " ".join(str(raw).split())[:MAX_SERIES_TEXT]
        if not text or text in seen:
            continue
        seen.add(text)
        if len(out) == MAX_SERIES:
            warnings.append(f"at most {MAX_SERIES} series are drawn; {shown_text(text)!r} and later ones left out")
            break
        out.append(series_of(text))
    return out


def shown_text(text, limit=40):
    return text if len(text) <= limit else text[:limit - 1] + "…"


def series_of(text):
    name, sep, value = text.partition(":")
    value = value.strip()
    if sep and name.strip() in BY_NAME and value and not _is_query(value):
        value = value[1:-1].strip() if len(value) > 1 and value[0] == value[-1] == '"' else value
        label = value.split(SUBTOPIC_JOIN)[-1] if name == "subtopic" else value
        return Series(text, f"{name.strip()}: {label}", facet=name.strip(), value=value)
    return Series(text, text, q=text)


def _is_query(value):
    """Return whether a FACET:VALUE's value uses the query language (a pattern, several terms)."""
    if len(value) > 1 and value[0] == value[-1] == '"':
        return '"' in value[1:-1]
    return any(ch in value for ch in '*?()"') or any(w in ("AND", "OR", "NOT") for w in value.split())


def copy_request(base):
    """Return a copy of a SearchRequest's words, filters and dates (first page, default order)."""
    return base.__class__(q=base.q, filters={k: list(v) for k, v in base.filters.items()},
                          excludes={k: list(v) for k, v in base.excludes.items()},
                          date_from=base.date_from, date_to=base.date_to)


def series_request(base, series):
    """Return base (a SearchRequest) narrowed to one series: its facet value as a filter, or its words AND-ed."""
    req = copy_request(base)
    if not (series.facet or series.q):
        return req
    if series.facet:
        chosen = req.filters.get(series.facet) or []
        if chosen and series.value not in chosen:
            # The base already ORs values of this facet; the series must AND with them: as a term.
            req.q = _and_terms(req.q, f'{series.facet}:"{series.value}"')
        else:
            req.filters[series.facet] = [series.value]
    else:
        req.q = _and_terms(req.q, series.q)
    return req


def _and_terms(q, term):
    if not q:
        return term
    return f"({q}) ({term})"


def trend(reader, base, texts, unit, warnings=None):
    """Return the Trend of up to five series within the base search, per unit, on one axis.

    No series: the base search itself is the one series. The axis runs from the first to the
    last non-empty bucket of any series, or over the base's whole date range when it has both
    ends; a unit too fine for the span (over MAX_BUCKETS points) is replaced by the next one.
    """
    warnings = list(base.warnings) if warnings is None else warnings
    check_unit(unit)
    series = parse_series(texts, warnings)
    if not series:
        series = [Series("", "this search" if (base.q or base.has_filters()) else "all articles")]
    requests = [series_request(base, s) if (s.facet or s.q) else base for s in series]
    counted = [reader.histogram(req, unit) for req in requests]
    starts = [b.start for buckets in counted for b in buckets]
    if base.date_from and base.date_to:
        first, last = base.date_from, base.date_to
    elif starts:
        first = base.date_from or min(starts)
        last = base.date_to or max(b.end for buckets in counted for b in buckets)
    else:
        return Trend(unit, [], series, warnings)
    if bucket_count(first, last, UNITS[-1]) > MAX_BUCKETS:
        # A date range of centuries: the axis spans the articles found instead.
        if not starts:
            return Trend(unit, [], series, warnings)
        first, last = min(starts), max(b.end for buckets in counted for b in buckets)
    coarser = unit
    while bucket_count(first, last, coarser) > MAX_BUCKETS and coarser != UNITS[-1]:
        coarser = UNITS[UNITS.index(coarser) + 1]
    if coarser != unit:
        warnings.append(f"{bucket_count(first, last, unit):,} {unit}s are too many to draw "
                        f"(at most {MAX_BUCKETS:,}); counted per {coarser}")
        counted = [reader.histogram(req, coarser) for req in requests]
        unit = coarser
    line = axis(first, last, unit)
    for s, buckets in zip(series, counted):
        by_start = {b.start: b.count for b in buckets}
        s.buckets = [make_bucket(b.start, unit, by_start.get(b.start, 0)) for b in line]
        s.total = sum(b.count for b in s.buckets)
    return Trend(unit, line, series, warnings)


def trend_rows(t):
    """Return the trend as a table: a header, then one row per bucket (label, from, to, a count per series)."""
    rows = [["period", "from", "to", *(s.label for s in t.series)]]
    for i, b in enumerate(t.axis):
        rows.append([b.label, b.start.isoformat(), b.end.isoformat(), *(s.buckets[i].count for s in t.series)])
    return rows


def trend_csv(t):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in trend_rows(t):
        writer.writerow([safe_cell(c) for c in row])
    return out.getvalue()


def safe_cell(cell):
    """Keep a spreadsheet from reading a label as a formula (OWASP's CSV injection advice)."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell


def trend_data(t):
    """Return the trend as JSON-ready data."""
    return {
        "unit": t.unit,
        "periods": [{"label": b.label, "from": b.start.isoformat(), "to": b.end.isoformat()} for b in t.axis],
        "series": [{"series": s.text, "label": s.label, "facet": s.facet, "value": s.value or None,
                    "query": s.q or None, "total": s.total, "counts": [b.count for b in s.buckets]}
                   for s in t.series],
        "warnings": t.warnings,
    }


# --- related values ---------------------------------------------------------------------------

@dataclass
class Cooccurrence:
    """What Reader.cooccurring answers: per facet, values with their count in the set and in the index."""

    set_size: int                # articles in the set (the request, every filter applied)
    index_size: int              # articles in the whole index
    values: dict                 # facet -> [(value, count in the set, count in the index)], by count in the set


@dataclass
class RelatedValue:
    facet: str
    value: str
    count: int                   # articles of the set holding it
    index_count: int             # articles of the whole index holding it
    lift: float                  # share in the set / share in the index
    score: float                 # signed G²: above 0 over-represented in the set


@dataclass
class Related:
    set_size: int
    index_size: int
    facets: dict                 # facet -> [RelatedValue], by score
    warnings: list


def g2(a, n, big_a, big_n):
    """Return the signed log-likelihood ratio of a value in a set: a of the set's n, big_a of the index's big_n.

    The 2×2 table: set ∧ value = a, set ∧ ¬value = n − a, ¬set ∧ value = A − a, the rest.
    """
    cells = (a, n - a, big_a - a, big_n - n - big_a + a)
    rows, cols = (n, big_n - n), (big_a, big_n - big_a)
    if big_n <= 0 or min(cells) < 0:
        return 0.0
    total = 0.0
    for i, row in enumerate(rows):
        for j, col in enumerate(cols):
            observed = cells[i * 2 + j]
            expected = row * col / big_n
            if observed > 0 and expected > 0:
                total += observed * math.log(observed / expected)
    value = max(2 * total, 0.0)
    return value if a * big_n >= n * big_a else -value


def lift(a, n, big_a, big_n):
    if not (n and big_a and big_n):
        return 0.0
    return (a / n) / (big_a / big_n)


def related(reader, request, facets=RELATED_FACETS, limit=DEFAULT_RELATED):
    """Return the values of facets that co-occur with the request's articles, by significance.

    The request's own filter values are left out (Joe Biden co-occurs with himself everywhere);
    among the CANDIDATES × limit most frequent values of each facet, the limit with the highest
    score are kept (ties: more articles first, then the value). A value the set holds less often
    than the index does (a score below 0: religion among war stories) is not related to it and is
    left out: a short facet (topics) would otherwise fill its list with them.
    """
    warnings = list(request.warnings)
    skip = {name: set(request.filters.get(name, ())) | set(request.excludes.get(name, ())) for name in facets}
    asked = {name: limit * CANDIDATES + len(skip[name]) for name in facets}
    found = reader.cooccurring(request, tuple(facets), max(asked.values()))
    out = {}
    for name in facets:
        values = []
        for value, count, in_index in found.values.get(name, []):
            if value in skip[name] or count <= 0:
                continue
            score = g2(count, found.set_size, in_index, found.index_size)
            if score < 0:
                continue
            values.append(RelatedValue(name, value, count, in_index,
                                       lift(count, found.set_size, in_index, found.index_size), score))
        values.sort(key=lambda v: (-round(v.score, 9), -v.count, v.value.casefold()))
        out[name] = values[:limit]
    return Related(found.set_size, found.index_size, out, warnings)


def related_data(r):
    return {
        "set_size": r.set_size,
        "index_size": r.index_size,
        "facets": {name: [{"value": v.value, "count": v.count, "index_count": v.index_count,
                           "lift": round(v.lift, 4), "score": round(v.score, 4)} for v in values]
                   for name, values in r.facets.items()},
        "warnings": r.warnings,
    }


def parse_facets(texts, warnings):
    """Return the facets asked for (comma-separated or repeated); the default set when none is valid."""
    names = [n.strip() for t in texts for n in str(t).split(",") if n.strip()]
    known = [n for n in dict.fromkeys(names) if n in NAMES]
    for n in [n for n in dict.fromkeys(names) if n not in NAMES][:3]:
        warnings.append(f"unknown facet {shown_text(n)!r} ignored; use {', '.join(NAMES)}")
    return tuple(known) or RELATED_FACETS
