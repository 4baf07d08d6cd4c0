"""A search request: words, facet filters (OR within a facet, AND across), dates, sort, paging.

Built from URL arguments or CLI options; parsing never raises: what was ignored or changed is
recorded in `warnings`, which every answer shows.
"""
import calendar
import difflib
import re
from dataclasses import dataclass, field
from datetime import date

from ..facets import NAMES, PANELS

SORTS = ("relevance", "newest", "oldest")
DEFAULT_PER_PAGE = 20
PER_PAGE_CHOICES = (10, 20, 50, 100)
MAX_PAGE = 10_000
MAX_QUERY = 500          # characters of q kept
MAX_VALUE = 200          # characters of one filter value kept
MAX_VALUES = 20          # values per facet kept
MAX_UNKNOWN = 5          # unknown parameters named in warnings (the rest are counted)
NEAR = 0.75              # how alike (difflib's ratio) a known name must be to be offered for an unknown one

# Every URL parameter a search reads: its own, and an include and an exclude per facet (the registry).
SEARCH_PARAMS = ("q", *NAMES, *(f"not_{name}" for name in NAMES), "from", "to", "sort", "page", "per_page",
                 "dedupe", "dup")
# dedupe: each near-duplicate group once (its best-ranked member); dup=GROUP: only that group's articles.
TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
# What the web layer reads from the same URLs besides the search: which panels are unfolded
# (more), what a panel is searched for (fq_NAME), the API's facet_size, the export's options.
# Kept here, beside SEARCH_PARAMS, so that the one list of known names says what "unknown" means.
CLIENT_PARAMS = ("more", *(f"fq_{f.name}" for f in PANELS), "facet_size", "format", "text", "bom")
KNOWN_PARAMS = frozenset(SEARCH_PARAMS + CLIENT_PARAMS)


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
    dedupe: bool | None = None                     # None: not asked (the page collapses, API and export do not)
    dup: str = ""                                  # only this near-duplicate group (indexer/duplicates.py)

    @property
    def effective_sort(self):
        if self.sort in SORTS:
            return self.sort
        return "relevance" if self.q.strip() else "newest"

    def has_filters(self):
        return bool(any(self.filters.values()) or any(self.excludes.values())
                    or self.date_from or self.date_to or self.dup)

    def params(self, page=True):
        """Return the request as canonical (name, value) pairs, the inverse of from_args."""
        out = [("q", self.q)] if self.q else []
        for name in NAMES:
            out += [(name, v) for v in self.filters.get(name, ())]
            out += [("not_" + name, v) for v in self.excludes.get(name, ())]
        if self.date_from:
            out.append(("from", self.date_from.isoformat()))
        if self.date_to:
            out.append(("to", self.date_to.isoformat()))
        if self.sort in SORTS:
            out.append(("sort", self.sort))
        if self.dup:
            out.append(("dup", self.dup))
        if self.dedupe is not None:
            out.append(("dedupe", "1" if self.dedupe else "0"))
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
        for name in NAMES:
            req.filters[name] = _values(args, name, req.warnings)
            req.excludes[name] = _values(args, "not_" + name, req.warnings)
        _warn_unknown(_keys(args), req.warnings)
        req.date_from = _parse_date(_first(args, "from"), "from", req.warnings, end=False)
        req.date_to = _parse_date(_first(args, "to"), "to", req.warnings, end=True)
        if req.date_from and req.date_to and req.date_from > req.date_to:
            req.date_from, req.date_to = req.date_to, req.date_from
            req.warnings.append("the date range was reversed; swapped it")
        sort = _first(args, "sort")
        if sort and sort not in SORTS:
            req.warnings.append(f"unknown sort {sort[:40]!r}; use one of {', '.join(SORTS)}")
        req.sort = sort if sort in SORTS else ""
        req.page = parse_int(_first(args, "page"), "page", 1, 1, MAX_PAGE, req.warnings)
        req.per_page = _parse_per_page(_first(args, "per_page"), req.warnings)
        req.dedupe = parse_bool(_first(args, "dedupe"), "dedupe", req.warnings)
        req.dup = _first(args, "dup").strip()[:MAX_VALUE]
        return req


def parse_bool(text, name, warnings):
    """Return True, False or None (not given) of a yes/no parameter; never raise."""
    text = text.strip().lower()
    if not text:
        return None
    if text in TRUE_WORDS or text in FALSE_WORDS:
        return text in TRUE_WORDS
    warnings.append(f"{name}={text[:40]!r} is not 1 or 0; ignored")
    return None


def _warn_unknown(keys, warnings):
    """Say which parameters are not read (at most MAX_UNKNOWN named): a typo must not pass unnoticed."""
    unknown = [k for k in dict.fromkeys(keys) if k not in KNOWN_PARAMS]
    for key in unknown[:MAX_UNKNOWN]:
        if key.startswith("not_"):
            near = difflib.get_close_matches(key[4:].lower(), NAMES, n=1, cutoff=NEAR)
            hint = f" (did you mean 'not_{near[0]}'?)" if near else ""
            warnings.append(f"unknown facet {key[4:][:40]!r} ignored{hint}")
        else:
            near = difflib.get_close_matches(key.lower(), sorted(KNOWN_PARAMS), n=1, cutoff=NEAR)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            warnings.append(f"unknown parameter {key[:40]!r} ignored{hint}")
    if len(unknown) > MAX_UNKNOWN:
        warnings.append(f"{len(unknown) - MAX_UNKNOWN} more unknown parameters ignored")


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


def parse_int(text, name, default, low, high, warnings):
    """Return text as an int within [low, high]; never raise: a warning says what was used instead.

    Only ASCII digits count (str.isdigit() takes "²", which int() refuses).
    """
    text = text.strip()
    if not text:
        return default
    if not re.fullmatch(r"[+-]?[0-9]{1,30}", text):
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
    if not re.fullmatch(r"[+-]?[0-9]{1,30}", text):
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
