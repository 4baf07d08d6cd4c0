"""The user's query text as a syntax tree (indexer.search.syntax) with the notes shown above results.

Interim: until the engine-neutral parser (indexer.search.query) lands, the text is read as its
plain words, all required, with unknown `field:` prefixes noted as the query language does.
"""
from dataclasses import dataclass, field

from ...search import syntax as s
from ...search.query import plain_words, shown, unknown_fields_as_words
from .mapping import words


@dataclass
class Reading:
    text: str
    tree: s.Node
    error: str | None = None                     # why the query was read as its plain words
    notes: list = field(default_factory=list)    # what was read differently from how it was written

    @property
    def messages(self):
        return self.notes + ([self.error] if self.error else [])


def read_query(text):
    """Return the Reading of the user's query text (never raises)."""
    text = (text or "").strip()
    if not text:
        return Reading(text, s.Every())
    notes = []
    return plain_reading(text, unknown_fields_as_words(text, notes), None, notes)


def plain_reading(text, words_text, problem, notes=()):
    """Return the plain-words reading of words_text, with the message Whoosh's fallback gives."""
    tree = plain_tree(words_text)
    if isinstance(tree, s.Every):
        none = f"no searchable words in “{shown(text)}” — showing all articles"
        return Reading(text, tree, f"{problem}, and there are {none}" if problem else none, list(notes))
    message = f"{problem}; searched for the plain words instead" if problem else None
    return Reading(text, tree, message, list(notes))


def plain_tree(text):
    """Return every searchable word of text AND-ed over title and body (Every when there is none)."""
    terms = tuple(s.Term(None, w) for w in plain_words(text) if words(w))
    if not terms:
        return s.Every()
    return terms[0] if len(terms) == 1 else s.And(terms)
