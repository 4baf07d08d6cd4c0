"""The query language as a tree every engine compiles: nodes with the words as the user wrote them.

    parse("flood title:dam*")  ->  And([Term(None, "flood"), Prefix("title", "dam")])

`field` None means the default text fields (title and body). Words are not analysed here:
each engine stems and lower-cases them as its index does (engines/whoosh/parse.py compiles a
tree to Whoosh queries, engines/opensearch/dsl.py to the query DSL). Facet fields (person,
country, …) and `id` match whole values exactly; `date` ranges are resolved to datetimes here.
"""
from dataclasses import dataclass, field as dc_field
from datetime import datetime


@dataclass(frozen=True)
class Node:
    boost: float = dc_field(default=1.0, kw_only=True)


@dataclass(frozen=True)
class Every(Node):
    """Every article (an empty query, or one with nothing searchable left)."""


@dataclass(frozen=True)
class Term(Node):
    field: str | None
    text: str


@dataclass(frozen=True)
class Phrase(Node):
    field: str | None
    words: tuple
    slop: int = 1          # 1: the words in order, next to each other


@dataclass(frozen=True)
class Prefix(Node):
    field: str | None
    text: str              # "vacc" of vacc*


@dataclass(frozen=True)
class Wildcard(Node):
    field: str | None
    pattern: str           # with * and ?


@dataclass(frozen=True)
class Fuzzy(Node):
    field: str | None
    text: str
    maxdist: int = 1
    prefixlength: int = 0


@dataclass(frozen=True)
class TermRange(Node):
    field: str | None
    start: str | None      # None: open
    end: str | None
    startexcl: bool = False
    endexcl: bool = False


@dataclass(frozen=True)
class DateRange(Node):
    start: datetime | None  # inclusive, None: open
    end: datetime | None    # inclusive


@dataclass(frozen=True)
class And(Node):
    children: tuple


@dataclass(frozen=True)
class Or(Node):
    children: tuple


@dataclass(frozen=True)
class Not(Node):
    child: Node


@dataclass(frozen=True)
class AndNot(Node):
    positive: Node
    negative: Node


@dataclass(frozen=True)
class AndMaybe(Node):
    required: Node
    optional: Node
