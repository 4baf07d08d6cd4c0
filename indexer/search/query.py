"""The query language, engine-neutral: its fields, its operators and the text-level checks.

Parsing a query into an engine's query objects is the engine's (engines/whoosh/parse.py); what
is decided on the text alone lives here, so that every engine reads a query the same way:
which `word:` prefixes name a field, when a query is not well formed, how a query is quoted in
a message.
"""
import re

from ..facets import NAMES

MAX_FUZZY = 2            # edit distance: more is slow and matches everything
TEXT_FIELDS = ("title", "body")
QUERY_FIELDS = TEXT_FIELDS + NAMES + ("id", "date")
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
FIELD_PREFIX = re.compile(r"(?:^|(?<=[\s(]))([A-Za-z_]\w*):(?=\S)")
URL_PREFIX = re.compile(r"[A-Za-z][\w+.-]*://")
DATE_TERM = re.compile(r'(?:^|(?<=[\s(]))date:(\[[^\]]*\]?|\{[^}]*\}?|"[^"]*"?|[^\s()]+)')

BAD_DATE_NOTE = ("“{}” is not a date Facetwire understands, so it was left out: write "
                 "date:2020, date:2020-03-15 or date:[2020-03 to 2020-05], or use the From/To filter (from=, to=)")

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
