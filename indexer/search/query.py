"""The query language, engine-neutral: reading the user's text, with a friendly fallback to its plain words.

parse_query(text, compile) reads a query the same way for every engine: parser.py makes the
syntax tree (syntax.py), and the engine's compile(tree) makes its own query of it. compile
returns None when nothing searchable is left once its analyzer has dropped stop words and short
words, and raises parser.Unreadable for an Error node its query keeps (Whoosh's drops one that
cannot matter, in an And with *:* in it or beside an ANDNOT part with no words).
A syntax problem, an unknown `field:` prefix or a `date:` term that is not a date never raises:
the query is read as well as it can be, and what was read differently is said in notes/error.
Also here: which `word:` prefixes name a field, when a query is not well formed, how a query
is quoted in a message, and the stop words every engine's text analyzer drops.
"""
import re
from dataclasses import dataclass, field, replace

from .parser import Unreadable, parse
from .syntax import Every, Fuzzy, Node, rebuilt
from .syntax import QUERY_FIELDS, TEXT_FIELDS  # noqa: F401 (the language's fields, declared with its tree)

MAX_FUZZY = 2            # edit distance: more is slow and matches everything
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE"}
FIELD_PREFIX = re.compile(r"(?:^|(?<=[\s(]))([A-Za-z_]\w*):(?=\S)")
URL_PREFIX = re.compile(r"[A-Za-z][\w+.-]*://")
DATE_TERM = re.compile(r'(?:^|(?<=[\s(]))date:(\[[^\]]*\]?|\{[^}]*\}?|"[^"]*"?|[^\s()]+)')

BAD_DATE_NOTE = ("“{}” is not a date Facetwire understands, so it was left out: write "
                 "date:2020, date:2020-03-15 or date:[2020-03 to 2020-05], or use the From/To filter (from=, to=)")

# The text analyzer drops these words and any token shorter than MIN_WORD_LENGTH (Whoosh's
# StemmingAnalyzer defaults, written out so that every engine's analyzer is declared from them).
STOP_WORDS = (
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "have", "if", "in", "is",
    "it", "may", "not", "of", "on", "or", "tbd", "that", "the", "this", "to", "us", "we", "when",
    "will", "with", "yet", "you", "your",
)
MIN_WORD_LENGTH = 2


@dataclass
class ParsedQuery:
    text: str
    query: object                 # the engine's query (compile's)
    error: str | None = None      # friendly message when the query could not be used as written
    fallback: bool = False        # True when `query` is the plain-words reading of `text`
    notes: list = field(default_factory=list)   # what was read differently from how it was written
    tree: Node = field(default_factory=Every)   # the syntax tree `query` was compiled from

    @property
    def messages(self):
        """Return the notes and the error, for the warnings shown above the results."""
        return self.notes + ([self.error] if self.error else [])


def parse_query(text, compile):
    """Read the user's query; on a syntax problem fall back to its plain words, with a message.

    compile(tree) returns the engine's query, None when the tree has nothing searchable, and
    raises Unreadable when a part of it could not be read.
    Before parsing, a `word:` prefix that names no field (a pasted URL, "Note: ...") becomes a
    plain word, and a `date:` term that is not a date is left out; both with a note.
    """
    text = (text or "").strip()
    if not text:
        return _everything(text, compile)
    notes = []
    words = drop_bad_dates(unknown_fields_as_words(text, notes), compile, notes)
    if not words.strip():  # only bad dates, all left out
        return _everything(text, compile, notes + ["nothing else to search for — showing all articles"])
    problem = syntax_problem(words)
    if problem is None:
        try:
            tree = tame(parse(words))
            query = compile(tree)
        except (Unreadable, RecursionError) as err:
            problem = f"the query could not be read ({short_error(err)})"
        else:
            if query is not None:
                return ParsedQuery(text, query, notes=notes, tree=tree)
    return fallback(text, words, compile, problem, notes)


def fallback(text, words, compile, problem, notes=()):
    """Return the plain-words reading of words, with a message that says what was searched."""
    tree = plain_tree(words)
    query = compile(tree)
    if query is None:
        tree, query = Every(), compile(Every())
    if isinstance(tree, Every):
        none = f"no searchable words in “{shown(text)}” — showing all articles"
        message = f"{problem}, and there are {none}" if problem else none
    else:
        message = f"{problem or 'the query has no searchable words'}; searched for the plain words instead"
    return ParsedQuery(text, query, message, fallback=True, notes=list(notes), tree=tree)


def plain_tree(text):
    """Return the tree of all the words of text AND-ed, with every operator, field name and symbol ignored."""
    words = plain_words(text)
    return parse(" ".join(words), fuzzy=False) if words else Every()


def tame(tree):
    """Return tree with what would make a query very slow clamped: fuzzy edit distance."""
    def clamp(node):
        if isinstance(node, Fuzzy) and node.maxdist > MAX_FUZZY:
            return replace(node, maxdist=MAX_FUZZY)
        return node
    return rebuilt(tree, clamp)


def drop_bad_dates(text, compile, notes):
    """Return text without its `date:` terms that are not dates, with a note for each."""
    def check(m):
        try:
            error = "not a date" if compile(parse(m[0], fuzzy=False)) is None else None
        except (Unreadable, RecursionError) as err:
            error = short_error(err)
        if error is None:
            return m[0]
        notes.append(BAD_DATE_NOTE.format(shown(m[0], 60)))
        return " "

    return DATE_TERM.sub(check, text)


def _everything(text, compile, notes=()):
    return ParsedQuery(text, compile(Every()), notes=list(notes), tree=Every())


def shown(text, limit=60):
    """Return text fit to quote in a message: invisible characters written as escapes, shortened."""
    out = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text[:limit])
    return out + ("…" if len(text) > limit else "")


def unknown_fields_as_words(text, notes):
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


def plain_words(text):
    """Return the words of text with every operator, field name and symbol dropped."""
    text = FIELD_PREFIX.sub(lambda m: " " if m[1] in QUERY_FIELDS else m[0], text)
    return [w for w in re.findall(r"\w+", text) if w not in OPERATORS]


def short_error(err):
    return " ".join(str(err).split())[:120] or type(err).__name__
