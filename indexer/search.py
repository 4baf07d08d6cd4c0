"""Searching an index: the request, query parsing with a friendly fallback, hits with snippets.

Filters never enter the scored query: they become a set of allowed document numbers passed as
`filter=` (see facets.filter_mask), so relevance depends on the words alone.
"""
import calendar
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from whoosh import highlight, query as wq
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser

from . import facets
from .schema import FACET_FIELDS, split_values

SORTS = ("relevance", "newest", "oldest")
DEFAULT_PER_PAGE = 20
PER_PAGE_CHOICES = (10, 20, 50, 100)
MAX_PAGE = 10_000
MAX_QUERY = 500          # characters of q kept
MAX_VALUE = 200          # characters of one filter value kept
MAX_VALUES = 20          # values per facet kept
MAX_FUZZY = 2            # edit distance: more is slow and matches everything
TEXT_FIELDS = ("title", "body")
QUERY_FIELDS = TEXT_FIELDS + FACET_FIELDS + ("id", "date")
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
SNIPPET_CHARS = 240


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


# --- query parsing ---------------------------------------------------------------------------

@dataclass
class ParsedQuery:
    text: str
    query: wq.Query
    error: str | None = None      # friendly message when the query could not be used as written
    fallback: bool = False        # True when `query` is the plain-words reading of `text`
    notes: list = field(default_factory=list)   # what was read differently from how it was written

    @property
    def messages(self):
        """Return the notes and the error, for the warnings shown above the results."""
        return self.notes + ([self.error] if self.error else [])


def make_parser(schema):
    parser = MultifieldParser(list(TEXT_FIELDS), schema)
    parser.add_plugin(FuzzyTermPlugin())
    return parser


def parse_query(text, schema):
    """Parse the user's query; on a syntax problem fall back to its plain words, with a message.

    Before parsing, a `word:` prefix that names no field (a pasted URL, "Note: ...") becomes a
    plain word, and a `date:` term that is not a date is left out; both with a note.
    """
    text = (text or "").strip()
    if not text:
        return ParsedQuery(text, wq.Every())
    notes = []
    words = _drop_bad_dates(_unknown_fields_as_words(text, notes), schema, notes)
    if not words.strip():  # only bad dates, all left out
        return ParsedQuery(text, wq.Every(), notes=notes + ["nothing else to search for — showing all articles"])
    problem = syntax_problem(words)
    if problem is None:
        try:
            parsed = _tame(make_parser(schema).parse(words))
        except Exception as err:  # whoosh raises bare Exception for some inputs
            problem = f"the query could not be read ({_short(err)})"
        else:
            error = _leaf_error(parsed)
            if error is None and not _is_null(parsed):
                return ParsedQuery(text, parsed, notes=notes)
            problem = f"the query could not be read ({error})" if error else None
    return fallback(text, words, schema, problem, notes)


def fallback(text, words, schema, problem, notes=()):
    """Return the plain-words reading of words, with a message that says what was searched."""
    query = plain_query(words, schema)
    if isinstance(query, wq.Every):
        none = f"no searchable words in “{shown(text)}” — showing all articles"
        message = f"{problem}, and there are {none}" if problem else none
    else:
        message = f"{problem or 'the query has no searchable words'}; searched for the plain words instead"
    return ParsedQuery(text, query, message, fallback=True, notes=list(notes))


def plain_query(text, schema):
    """Return all the words of text AND-ed, with every operator, field name and symbol ignored."""
    text = FIELD_PREFIX.sub(lambda m: " " if m[1] in QUERY_FIELDS else m[0], text)
    words = [w for w in re.findall(r"\w+", text) if w not in OPERATORS]
    parser = MultifieldParser(list(TEXT_FIELDS), schema)
    parsed = parser.parse(" ".join(words)) if words else wq.NullQuery
    return wq.Every() if _is_null(parsed) else parsed


def shown(text, limit=60):
    """Return text fit to quote in a message: invisible characters written as escapes, shortened."""
    out = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text[:limit])
    return out + ("…" if len(text) > limit else "")


def _is_null(q):
    return isinstance(q, type(wq.NullQuery))


def _leaf_error(q):
    """Return the message of the first error query Whoosh put in q (a field could not parse its text)."""
    for leaf in q.leaves():  # a leaf query yields itself
        error = getattr(leaf, "error", None)
        if error is not None:
            return _short(error)
    return None


FIELD_PREFIX = re.compile(r"(?:^|(?<=[\s(]))([A-Za-z_]\w*):(?=\S)")
URL_PREFIX = re.compile(r"[A-Za-z][\w+.-]*://")


def _unknown_fields_as_words(text, notes):
    """Return text with every `word:` prefix that names no field turned into the plain word.

    A pasted URL (http://…) is searched as its words without the scheme, silently (a scheme word
    is in no article); other unknown prefixes get a note, as they are likely a mistyped field.
    """
    unknown = []

    def plain(m):
        name = m[1]
        if name in QUERY_FIELDS:
            return m[0]
        if URL_PREFIX.match(text, m.start(1)):
            return " "
        unknown.append(name)
        return name + " "

    out = FIELD_PREFIX.sub(plain, text)
    for name in dict.fromkeys(unknown):
        notes.append(f"there is no field “{shown(name, 40)}”, so “{shown(name, 40)}:” was searched as a word "
                     f"(fields: {', '.join(QUERY_FIELDS)})")
    return out


DATE_TERM = re.compile(r'(?:^|(?<=[\s(]))date:(\[[^\]]*\]?|\{[^}]*\}?|"[^"]*"?|[^\s()]+)')


def _drop_bad_dates(text, schema, notes):
    """Return text without its `date:` terms that are not dates, with a note for each."""
    if "date" not in schema:
        return text
    parser = MultifieldParser(list(TEXT_FIELDS), schema)

    def check(m):
        try:
            q = parser.parse(m[0])
            error = _leaf_error(q) or ("not a date" if _is_null(q) else None)
        except Exception as err:  # whoosh raises bare Exception for some date texts
            error = _short(err)
        if error is None:
            return m[0]
        notes.append(f"“{shown(m[0], 60)}” is not a date Facetwire understands, so it was left out: write "
                     f"date:2020, date:2020-03-15 or date:[2020-03 to 2020-05], or use the From/To filter (from=, to=)")
        return " "

    return DATE_TERM.sub(check, text)


def syntax_problem(text):
    """Return why text is not a well-formed query, or None."""
    if text.count('"') % 2:
        return "a quotation mark is not closed"
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return "a closing parenthesis has no opening one"
    if depth:
        return "a parenthesis is not closed"
    if text.count("[") != text.count("]") or text.count("{") != text.count("}"):
        return "a range bracket is not closed"
    if re.search(r"(^|\s)(AND|OR|ANDNOT|ANDMAYBE)\s*$|^\s*(AND|OR|ANDNOT|ANDMAYBE)\s|(^|\s)NOT\s*$", text):
        return "an operator (AND, OR, NOT) is missing a term"
    return None


def _tame(q):
    """Clamp what would make a query very slow: fuzzy edit distance."""
    def visit(node):
        if isinstance(node, wq.FuzzyTerm) and node.maxdist > MAX_FUZZY:
            node.maxdist = MAX_FUZZY
        return node
    return q.accept(visit)


def _short(err):
    return " ".join(str(err).split())[:120] or type(err).__name__


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
    query_mask, parsed = _query_mask(searcher, parsed, warnings)
    counts = facets.count_all(searcher, request, query_mask)
    total = int(counts.final_mask.sum())
    pages = max(1, math.ceil(total / request.per_page))
    page = request.page
    if page > pages:
        warnings.append(f"there are only {pages} pages; showing the last")
        page = pages
    hits = []
    if total:
        results = _run(searcher, parsed.query, request, counts, limit=page * request.per_page)
        start = (page - 1) * request.per_page
        terms = highlight_terms(searcher, parsed)
        hits = [make_hit(searcher, results.docnum(i), results.score(i), terms)
                for i in range(start, min(len(results.top_n), page * request.per_page))]
    return SearchResult(request, parsed, total, page, pages, hits, counts, warnings)


def _query_mask(searcher, parsed, warnings):
    """Return the documents matching the words; a query that fails to run falls back to plain words."""
    try:
        return facets.query_mask(searcher, parsed.query), parsed
    except Exception as err:  # e.g. a range over a field that cannot hold one
        plain = fallback(parsed.text, parsed.text, searcher.schema, f"the query could not be run ({_short(err)})")
        warnings.insert(len(parsed.notes), plain.error)
        return facets.query_mask(searcher, plain.query), plain


def _run(searcher, q, request, counts, limit):
    allowed = counts.allowed_set()
    kwargs = {"limit": limit, "filter": allowed}
    sort = request.effective_sort
    if sort in ("newest", "oldest"):
        kwargs.update(sortedby="date", reverse=sort == "newest")
    return searcher.search(q, **kwargs)


def ordered_docnums(searcher, request):
    """Yield every document number of the filtered set, in the request's order (no paging)."""
    parsed = parse_query(request.q, searcher.schema)
    query_mask, parsed = _query_mask(searcher, parsed, [])
    counts = facets.count_all(searcher, request, query_mask, facet_names=())
    if not counts.final_mask.any():
        return
    results = _run(searcher, parsed.query, request, counts, limit=None)
    for i in range(len(results.top_n)):
        yield results.docnum(i)


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


# --- snippets ---------------------------------------------------------------------------------

MARK_ON, MARK_OFF = "\x02", "\x03"


class _MarkFormatter(highlight.Formatter):
    """Mark matched tokens with control characters, split later into (text, matched) parts."""

    between = " … "

    def format_token(self, text, token, replace=False):
        return MARK_ON + highlight.get_text(text, token, replace) + MARK_OFF


def highlight_terms(searcher, parsed):
    """Return {field: set of indexed words} that the query matched, wildcards and fuzzy expanded."""
    out = {}
    reader = searcher.reader()
    # Query.existing_terms() reuses its `fieldname` argument as a loop variable and so drops the
    # terms of every field after the first; walk the leaves here instead.
    for leaf in parsed.query.leaves():
        try:
            pairs = leaf.expanded_terms(reader)
        except Exception:  # best effort: some leaf types cannot list their terms
            continue
        for fieldname, text in pairs:
            if fieldname in TEXT_FIELDS:
                text = text.decode("utf-8") if isinstance(text, bytes) else text
                out.setdefault(fieldname, set()).add(text)
    return out


def _parts(marked):
    parts = []
    for i, chunk in enumerate(re.split(f"[{MARK_ON}{MARK_OFF}]", marked)):
        if chunk:
            parts.append((chunk, i % 2 == 1))
    return parts


def _clean(text):
    return text.replace(MARK_ON, "").replace(MARK_OFF, "")


def snippet(text, terms, analyzer, top=2):
    """Return up to `top` fragments of text around the matched terms, or its opening."""
    text = _clean(text)
    if terms:
        frag = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS // top + 60, surround=70)
        marked = highlight.highlight(text, terms, analyzer, frag, _MarkFormatter(), top=top)
        if marked:
            return _parts(marked)
    opening = " ".join(text[: SNIPPET_CHARS + 40].split())
    if len(text) > SNIPPET_CHARS:
        opening = opening[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return [(opening, False)] if opening else []


def highlight_all(text, terms, analyzer):
    """Return the whole of a short text (a title) with its matched terms marked."""
    text = _clean(text)
    if not terms or not text:
        return [(text, False)] if text else []
    frag = highlight.WholeFragmenter()
    marked = highlight.highlight(text, terms, analyzer, frag, _MarkFormatter(), top=1, minscore=0)
    return _parts(marked) if marked else [(text, False)]

