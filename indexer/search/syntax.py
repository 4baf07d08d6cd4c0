"""The query language as a tree every engine compiles: nodes with the words as the user wrote them.

    parse("flood title:dam*")  ->  And((Term(None, "flood"), Prefix("title", "dam")))

`field` None means the default text fields (title and body). Words are not analysed here:
each engine stems and lower-cases them as its index does (engines/whoosh/parse.py compiles a
tree to Whoosh queries, engines/opensearch/dsl.py to the query DSL). Facet fields (person,
country, …) and `id` match whole values exactly; `date` values are resolved to datetimes here.
parser.py reads a query's text into this tree; rebuilt() goes over one.
"""
from dataclasses import dataclass, field as dc_field, fields, replace
from datetime import datetime

from ..facets import NAMES

TEXT_FIELDS = ("title", "body")          # what field None searches, in this order
QUERY_FIELDS = TEXT_FIELDS + NAMES + ("id", "date")


@dataclass(frozen=True, repr=False)
class Node:
    boost: float = dc_field(default=1.0, kw_only=True)

    def __repr__(self):
        """Return Term('title', 'dam', boost=2.0): the fields in order, a boost only when there is one."""
        values = [repr(getattr(self, f.name)) for f in fields(self) if f.name != "boost"]
        return f"{type(self).__name__}({', '.join(values + ([f'boost={self.boost}'] if self.boost != 1.0 else []))})"


@dataclass(frozen=True, repr=False)
class Every(Node):
    """Every article (an empty query, or one with nothing searchable left)."""


@dataclass(frozen=True, repr=False)
class Term(Node):
    field: str | None
    text: str


@dataclass(frozen=True, repr=False)
class Phrase(Node):
    field: str | None
    words: tuple           # text split at white space
    slop: int = 1          # 1: the words in order, next to each other
    text: str | None = None  # as written between the quotes (None: the words joined by spaces)

    @property
    def written(self):
        """Return the phrase as written: what an analyzer reads, and a facet's whole value."""
        return " ".join(self.words) if self.text is None else self.text


@dataclass(frozen=True, repr=False)
class Prefix(Node):
    field: str | None
    text: str              # "vacc" of vacc*


@dataclass(frozen=True, repr=False)
class Wildcard(Node):
    field: str | None
    pattern: str           # with * and ?


@dataclass(frozen=True, repr=False)
class Fuzzy(Node):
    field: str | None
    text: str
    maxdist: int = 1
    prefixlength: int = 0


@dataclass(frozen=True, repr=False)
class TermRange(Node):
    field: str | None
    start: str | None      # None: open
    end: str | None
    startexcl: bool = False
    endexcl: bool = False


@dataclass(frozen=True, repr=False)
class DateRange(Node):
    """The `date` field within start..end (`date:2020` is all of 2020; start == end: that instant)."""
    start: datetime | None  # inclusive, None: open
    end: datetime | None    # inclusive


@dataclass(frozen=True, repr=False)
class And(Node):
    children: tuple


@dataclass(frozen=True, repr=False)
class Or(Node):
    children: tuple


@dataclass(frozen=True, repr=False)
class Not(Node):
    child: Node


@dataclass(frozen=True, repr=False)
class AndNot(Node):
    positive: Node
    negative: Node


@dataclass(frozen=True, repr=False)
class AndMaybe(Node):
    required: Node
    optional: Node


@dataclass(frozen=True, repr=False)
class Require(Node):
    """a REQUIRE b: what matches both, scored by `scored` alone."""
    scored: Node
    required: Node


@dataclass(frozen=True, repr=False)
class Error(Node):
    """A part that could not be read (`date:` a value that is not a date).

    An engine's compile raises parser.Unreadable(message) for one its query keeps, and the query
    falls back to its plain words; Whoosh's query drops one in an And or Or with *:* in it.
    """
    message: str


def rebuilt(node, fn):
    """Return node with fn applied to every node below it, then to it (fn returns a node)."""
    changes = {}
    for f in fields(node):
        value = getattr(node, f.name)
        if isinstance(value, Node):
            changes[f.name] = rebuilt(value, fn)
        elif isinstance(value, tuple) and value and isinstance(value[0], Node):
            changes[f.name] = tuple(rebuilt(c, fn) for c in value)
    return fn(replace(node, **changes) if changes else node)

