"""Searching an index: the request, query parsing with a friendly fallback, hits with snippets.

Filters never enter the scored query: they are masks over document numbers (see facets.count_all)
applied to the query's matches, so relevance depends on the words alone. The query is evaluated
once (evaluate.evaluate: matches and BM25F scores); only a query it cannot score is scored by
Searcher.search, with the filter as `filter=`.
"""
import calendar
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from . import facets
from .evaluate import Unscorable, evaluate
from .query import (  # noqa: F401 -- query parsing lived here; its public names still import from here
    MAX_FUZZY, OPERATORS, QUERY_FIELDS, TEXT_FIELDS, ParsedQuery, fallback, make_parser, parse_query,
    plain_query, shown, syntax_problem, _short,
)
from .schema import FACET_FIELDS, split_values
from .snippets import (  # noqa: F401 -- snippets lived here; their names still import from here
    MARK_ON, MARK_OFF, SNIPPET_CHARS, highlight_all, highlight_terms, snippet, _MarkFormatter, _parts,
)

SORTS = ("relevance", "newest", "oldest")
DEFAULT_PER_PAGE = 20
PER_PAGE_CHOICES = (10, 20, 50, 100)
MAX_PAGE = 10_000
MAX_QUERY = 500          # characters of q kept
MAX_VALUE = 200          # characters of one filter value kept
MAX_VALUES = 20          # values per facet kept


@dataclass
class SearchRequest:
    """What to search for: words, facet filters (OR within a facet, AND across), dates, paging."""

    q: str = ""
    filters: dict = field(default_factory=dict)    # facet -> [values], OR-ed
    excludes: dict = field(default_factory=dict)   # facet -> [values], none may match
    date_from: date | None = None
    date_to: date | None = None                    # inclusive
    sort: str = ""                                 # "" = relevance with words, newest without
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    warnings: list = field(default_factory=list)

    @property
    def effective_sort(self):
        if self.sort in SORTS:
            return self.sort
        return "relevance" if self.q.strip() else "newest"

    def has_filters(self):
        return bool(any(self.filters.values()) or any(self.excludes.values())
                    or self.date_from or self.date_to)

    def params(self, page=True):
        """Return the request as canonical (name, value) pairs, the inverse of from_args."""
        out = [("q", self.q)] if self.q else []
        for name in FACET_FIELDS:
            out += [(name, v) for v in self.filters.get(name, ())]
            out += [("not_" + name, v) for v in self.excludes.get(name, ())]
        if self.date_from:
            out.append(("from", self.date_from.isoformat()))
        if self.date_to:
            out.append(("to", self.date_to.isoformat()))
        if self.sort in SORTS:
            out.append(("sort", self.sort))
        if self.per_page != DEFAULT_PER_PAGE:
            out.append(("per_page", str(self.per_page)))
        if page and self.page != 1:
            out.append(("page", str(self.page)))
        return out

    @classmethod
    def from_args(cls, args):
        """Build a request from a MultiDict-like mapping; never raise, record what was ignored."""
        req = cls()
        req.q = _first(args, "q")[:MAX_QUERY].strip()
        for name in FACET_FIELDS:
            req.filters[name] = _values(args, name, req.warnings)
            req.excludes[name] = _values(args, "not_" + name, req.warnings)
        for key in _keys(args):
            if key.startswith("not_") and key[4:] not in FACET_FIELDS:
                req.warnings.append(f"unknown facet {key[4:][:40]!r} ignored")
        req.date_from = _parse_date(_first(args, "from"), "from", req.warnings, end=False)
        req.date_to = _parse_date(_first(args, "to"), "to", req.warnings, end=True)
        if req.date_from and req.date_to and req.date_from > req.date_to:
            req.date_from, req.date_to = req.date_to, req.date_from
            req.warnings.append("the date range was reversed; swapped it")
        sort = _first(args, "sort")
        if sort and sort not in SORTS:
            req.warnings.append(f"unknown sort {sort[:40]!r}; use one of {', '.join(SORTS)}")
        req.sort = sort if sort in SORTS else ""
        req.page = _parse_int(_first(args, "page"), "page", 1, 1, MAX_PAGE, req.warnings)
        req.per_page = _parse_per_page(_first(args, "per_page"), req.warnings)
        return req


def _keys(args):
    return list(args.keys()) if hasattr(args, "keys") else []


def _getlist(args, key):
    if hasattr(args, "getlist"):
        return [str(v) for v in args.getlist(key)]
    value = args.get(key) if hasattr(args, "get") else None
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def _first(args, key):
    values = _getlist(args, key)
    return values[0] if values else ""


def _values(args, key, warnings):
    out = []
    for v in _getlist(args, key):
        v = " ".join(v.split())[:MAX_VALUE]  # as schema.join_values stores them
        if v and v not in out:
            out.append(v)
    if len(out) > MAX_VALUES:
        warnings.append(f"only the first {MAX_VALUES} values of {key!r} are used")
        out = out[:MAX_VALUES]
    return out


def _parse_int(text, name, default, low, high, warnings):
    text = text.strip()
    if not text:
        return default
    if not re.fullmatch(r"[+-]?\d{1,30}", text):
        warnings.append(f"{name}={text[:40]!r} is not a number; used {default}")
        return default
    value = int(text)
    if value < low or value > high:
        clamped = min(max(value, low), high)
        warnings.append(f"{name}={text[:40]} is out of range; used {clamped}")
        return clamped
    return value


def _parse_per_page(text, warnings):
    """Return the page size: the choice nearest to the number asked for; warn with what is used."""
    text = text.strip()
    if not text:
        return DEFAULT_PER_PAGE
    choices = ", ".join(map(str, PER_PAGE_CHOICES))
    if not re.fullmatch(r"[+-]?\d{1,30}", text):
        warnings.append(f"per_page={text[:40]!r} is not a number; used {DEFAULT_PER_PAGE}")
        return DEFAULT_PER_PAGE
    asked = int(text)
    used = min(PER_PAGE_CHOICES, key=lambda c: (abs(c - asked), c))
    if used != asked:
        warnings.append(f"per_page={text[:40]} is not one of {choices}; used {used}")
    return used


def _parse_date(text, name, warnings, end):
    """Parse YYYY, YYYY-MM or YYYY-MM-DD as the first (or, with end, last) day of that period."""
    text = text.strip()
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    try:
        if not m:
            raise ValueError(text)
        year, month, day = int(m[1]), m[2], m[3]
        if month is None:
            return date(year, 12, 31) if end else date(year, 1, 1)
        month = int(month)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return date(year, month, last) if end else date(year, month, 1)
        return date(year, month, int(day))
    except ValueError:
        warnings.append(f"{name}={text[:40]!r} is not a date (YYYY-MM-DD); ignored")
        return None


# --- running a search -------------------------------------------------------------------------

@dataclass
class Hit:
    docnum: int
    id: str
    title: str
    date: datetime | None
    date_iso: str
    source: str
    url: str
    snippet: list                 # [(text, matched)], "…" between fragments
    title_parts: list             # [(text, matched)]
    person: list
    country: list
    org: list
    topic: list
    subtopic: list
    score: float | None = None

    @property
    def snippet_text(self):
        return "".join(t for t, _ in self.snippet)


@dataclass
class SearchResult:
    request: SearchRequest
    parsed: ParsedQuery
    total: int
    page: int
    pages: int
    hits: list
    counts: facets.FacetCounts
    warnings: list


def search(searcher, request, facet_limit=None):
    """Run request against searcher: one page of hits with snippets, and the facet counts."""
    parsed = parse_query(request.q, searcher.schema)
    warnings = parsed.messages + list(request.warnings)
    query_mask, scores, parsed = _evaluate(searcher, parsed, request, warnings)
    counts = facets.count_all(searcher, request, query_mask)
    total = int(counts.final_mask.sum())
    pages = max(1, math.ceil(total / request.per_page))
    page = request.page
    if page > pages:
        warnings.append(f"there are only {pages} pages; showing the last")
        page = pages
    hits = []
    if total:
        ranked = _ranked(searcher, parsed.query, request, counts, scores, limit=page * request.per_page)
        terms = highlight_terms(searcher, parsed)
        hits = [make_hit(searcher, docnum, score, terms)
                for docnum, score in ranked[(page - 1) * request.per_page:]]
    return SearchResult(request, parsed, total, page, pages, hits, counts, warnings)


def _evaluate(searcher, parsed, request, warnings):
    """Return (mask, scores or None, parsed) of the words; a query that fails to run falls back to plain words."""
    scored = request.effective_sort == "relevance"
    try:
        return (*_mask_and_scores(searcher, parsed.query, scored), parsed)
    except Exception as err:  # e.g. a range over a field that cannot hold one
        plain = fallback(parsed.text, parsed.text, searcher.schema, f"the query could not be run ({_short(err)})")
        warnings.insert(len(parsed.notes), plain.error)
        return (*_mask_and_scores(searcher, plain.query, scored), plain)


def _mask_and_scores(searcher, q, scored):
    if scored:
        try:
            return evaluate(searcher, q, scored=True)
        except Unscorable:
            pass  # _ranked lets Whoosh score the page
    return evaluate(searcher, q)[0], None


def _ranked(searcher, q, request, counts, scores, limit):
    """Return [(docnum, score)] of the first `limit` documents of the result set (None: all), in order.

    The same order and scores as Searcher.search(q, filter=..., sortedby=...) gives: by score
    or date, ties by document number (reversed with sort=newest, as Whoosh reverses the whole key).
    """
    docs = np.flatnonzero(counts.final_mask)
    sort = request.effective_sort
    if sort in ("newest", "oldest"):
        keys = facets.dates(searcher)[docs]
        order = np.lexsort((docs, keys))
        if sort == "newest":
            order = order[::-1]
        order = order[:limit]
        return list(zip(docs[order].tolist(), keys[order].tolist()))
    if scores is None:
        results = searcher.search(q, limit=limit, filter=counts.allowed_set())
        return [(results.docnum(i), results.score(i)) for i in range(len(results.top_n))]
    values = scores[docs]
    if limit is not None and limit < len(docs):
        # the `limit` best; among equal scores at the cut, the lowest document numbers (as Whoosh)
        cut = np.partition(values, len(values) - limit)[len(values) - limit]
        above = values > cut
        at_cut = np.flatnonzero(values == cut)[: limit - int(above.sum())]
        keep = np.concatenate([np.flatnonzero(above), at_cut])
        docs, values = docs[keep], values[keep]
    order = np.lexsort((docs, -values))
    return list(zip(docs[order].tolist(), values[order].tolist()))


def ordered_docnums(searcher, request):
    """Yield every document number of the filtered set, in the request's order (no paging)."""
    parsed = parse_query(request.q, searcher.schema)
    query_mask, scores, parsed = _evaluate(searcher, parsed, request, [])
    counts = facets.count_all(searcher, request, query_mask, facet_names=())
    if not counts.final_mask.any():
        return
    for docnum, _score in _ranked(searcher, parsed.query, request, counts, scores, limit=None):
        yield docnum


def make_hit(searcher, docnum, score, terms):
    stored = searcher.stored_fields(docnum)
    title = stored.get("title", "") or ""
    body = stored.get("body", "") or ""
    schema = searcher.schema
    return Hit(
        docnum=docnum,
        id=stored.get("id", ""),
        title=title,
        date=stored.get("date"),
        date_iso=stored.get("date_iso", "") or "",
        source=", ".join(split_values(stored.get("source"))),
        url=stored.get("url", "") or "",
        snippet=snippet(body, terms.get("body"), schema["body"].analyzer),
        title_parts=highlight_all(title, terms.get("title"), schema["title"].analyzer),
        person=split_values(stored.get("person")),
        country=split_values(stored.get("country")),
        org=split_values(stored.get("org")),
        topic=split_values(stored.get("topic")),
        subtopic=split_values(stored.get("subtopic")),
        score=score,
    )

