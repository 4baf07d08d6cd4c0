"""Query parsing for Whoosh: the user's text as a Whoosh query, with a friendly fallback to its plain words.

A syntax problem, an unknown `field:` prefix or a `date:` term that is not a date never raises:
the query is read as well as it can be, and what was read differently is said in `notes`/`error`.
"""
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser

from ...search.query import (
    BAD_DATE_NOTE, DATE_TERM, MAX_FUZZY, TEXT_FIELDS, plain_words, short_error, shown, syntax_problem,
    unknown_fields_as_words,
)


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
    words = _drop_bad_dates(unknown_fields_as_words(text, notes), schema, notes)
    if not words.strip():  # only bad dates, all left out
        return ParsedQuery(text, wq.Every(), notes=notes + ["nothing else to search for — showing all articles"])
    problem = syntax_problem(words)
    if problem is None:
        try:
            parsed = _tame(make_parser(schema).parse(words))
        except Exception as err:  # whoosh raises bare Exception for some inputs
            problem = f"the query could not be read ({short_error(err)})"
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
    words = plain_words(text)
    parser = MultifieldParser(list(TEXT_FIELDS), schema)
    parsed = parser.parse(" ".join(words)) if words else wq.NullQuery
    return wq.Every() if _is_null(parsed) else parsed


def _is_null(q):
    return isinstance(q, type(wq.NullQuery))


def _leaf_error(q):
    """Return the message of the first error query Whoosh put in q (a field could not parse its text)."""
    for leaf in q.leaves():  # a leaf query yields itself
        error = getattr(leaf, "error", None)
        if error is not None:
            return short_error(error)
    return None


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
            error = short_error(err)
        if error is None:
            return m[0]
        notes.append(BAD_DATE_NOTE.format(shown(m[0], 60)))
        return " "

    return DATE_TERM.sub(check, text)


def _tame(q):
    """Clamp what would make a query very slow: fuzzy edit distance."""
    def visit(node):
        if isinstance(node, wq.FuzzyTerm) and node.maxdist > MAX_FUZZY:
            node.maxdist = MAX_FUZZY
        return node
    return q.accept(visit)
