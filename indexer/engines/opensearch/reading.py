"""The user's query text as the engine's query, with the notes shown above the results.

Interim, until the engine-neutral parser (indexer.search.query.parse_query) lands, with its
interface: parse_query(text, compile) and fallback(text, words, compile, problem, notes), where
compile(tree) returns the engine's query or None when nothing searchable is left. Meanwhile the
text is read as its plain words, all required, unknown `field:` prefixes noted as the language does.
"""
from dataclasses import dataclass, field

from ...search import syntax as s
from ...search.query import plain_words, shown, unknown_fields_as_words


@dataclass
class ParsedQuery:
    text: str
    query: object                                # the engine's query (compile's)
    error: str | None = None                     # why the query was read as its plain words
    fallback: bool = False
    notes: list = field(default_factory=list)    # what was read differently from how it was written
    tree: s.Node = field(default_factory=s.Every)

    @property
    def messages(self):
        return self.notes + ([self.error] if self.error else [])


def parse_query(text, compile):
    """Return the ParsedQuery of the user's query text (never raises)."""
    text = (text or "").strip()
    if not text:
        return ParsedQuery(text, compile(s.Every()))
    notes = []
    words = unknown_fields_as_words(text, notes)
    tree = plain_tree(words)
    query = compile(tree)
    if query is None or isinstance(tree, s.Every):
        return fallback(text, words, compile, None, notes)
    return ParsedQuery(text, query, notes=notes, tree=tree)


def fallback(text, words, compile, problem, notes=()):
    """Return the plain-words reading of words, with the message Whoosh's fallback gives."""
    tree = plain_tree(words)
    query = compile(tree)
    if query is None:
        tree, query = s.Every(), compile(s.Every())
    if isinstance(tree, s.Every):
        none = f"no searchable words in “{shown(text)}” — showing all articles"
        message = f"{problem}, and there are {none}" if problem else none
    else:
        message = f"{problem or 'the query has no searchable words'}; searched for the plain words instead"
    return ParsedQuery(text, query, message, fallback=True, notes=list(notes), tree=tree)


def plain_tree(text):
    """Return every word of text AND-ed over title and body (Every when there is none)."""
    terms = tuple(s.Term(None, w) for w in plain_words(text))
    if not terms:
        return s.Every()
    return terms[0] if len(terms) == 1 else s.And(terms)
