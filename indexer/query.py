"""Query parsing: the user's text as a Whoosh query, with a friendly fallback to its plain words.

A syntax problem, an unknown `field:` prefix or a `date:` term that is not a date never raises:
the query is read as well as it can be, and what was read differently is said in `notes`/`error`.
"""
import re
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser

from .evaluate import (  # noqa: F401 -- evaluation lived here; its public names still import from here
    EMPTY, NUMERIC_FIELDS, Postings, Segment, Unscorable, clear_cache, evaluate, field_lengths, positions, postings,
)
from .schema import FACET_FIELDS

MAX_FUZZY = 2            # edit distance: more is slow and matches everything
TEXT_FIELDS = ("title", "body")
QUERY_FIELDS = TEXT_FIELDS + FACET_FIELDS + ("id", "date")
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


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
