"""What a search answers, whatever the engine: hits with highlighted parts, facet counts, dates."""
import heapq
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from ..facets import SUBTOPIC_JOIN


@dataclass
class Hit:
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
    dup: str = ""                 # its near-duplicate group ("" alone)
    versions: int = 1             # with dedupe: the group's articles in the result set, itself included

    @property
    def snippet_text(self):
        return "".join(t for t, _ in self.snippet)


@dataclass
class Bucket:
    label: str      # "2020-03-15", "2020-03" or "2020"
    start: date
    end: date       # inclusive
    count: int


@dataclass
class SearchResult:
    request: object               # the SearchRequest answered
    query_error: str | None       # why the query was searched as its plain words (None: as written)
    total: int
    page: int
    pages: int
    hits: list                    # [Hit] of this page
    facets: dict                  # facet name -> Counter of values, ignoring that facet's own filter
    histogram: list               # [Bucket], ignoring the date range
    warnings: list
    groups: int | None = None     # with dedupe: results once each group is collapsed (total counts articles)


@dataclass
class Article:
    """One article with what its page shows: the document and where its entities are."""

    document: object              # indexer.document.Document
    similar: list = field(default_factory=list)   # [Hit], filled by more_like_this


@dataclass
class Stats:
    location: str                 # folder or index name of the live index
    articles: int
    size_bytes: int
    dates: tuple | None           # (first, last) ISO dates, None without dated articles
    facets: dict                  # name -> [(value, count)], most frequent first
    distinct: dict                # name -> number of distinct values


def split_marks(marked, on, off):
    """Return [(text, matched)] of a text whose matches an engine put between the marks on and off."""
    chunks = re.split(f"[{re.escape(on)}{re.escape(off)}]", marked)
    return [(chunk, i % 2 == 1) for i, chunk in enumerate(chunks) if chunk]


def top_values(counts, limit, selected=(), excluded=(), contains=""):
    """Return ([(value, count)], truncated): selected and excluded values first, then by count.

    `contains` keeps only values containing it (case-insensitive); truncated is found by
    looking at one more value than shown.
    """
    needle = contains.casefold().strip()
    pinned = list(dict.fromkeys(list(selected) + list(excluded)))
    if needle:
        pinned = [v for v in pinned if needle in v.casefold()]
    room = max(limit - len(pinned), 0)
    # One more than shown says whether there are more; a heap of room+1 instead of sorting every
    # value (a facet of the 10x index holds tens of thousands: the sort was a fifth of a search).
    rest = heapq.nsmallest(room + 1, ((v, c) for v, c in counts.items() if v not in pinned
                                      and (not needle or needle in v.casefold())),
                           key=lambda vc: (-vc[1], vc[0].casefold()))
    shown = [(v, counts.get(v, 0)) for v in pinned] + rest[:room]
    return shown, len(rest) > room


def children(subtopic_counts, parent):
    """Return [(child label, full subtopic value, count)] under a top-level topic, by count."""
    prefix = parent + SUBTOPIC_JOIN
    out = [(v[len(prefix):], v, c) for v, c in subtopic_counts.items() if v.startswith(prefix)]
    return sorted(out, key=lambda t: (-t[2], t[0].casefold()))


def most_frequent(counts, n):
    """Return the n most frequent [(value, count)] of a Counter; ties by value, ascending."""
    return heapq.nsmallest(n, counts.items(), key=lambda vc: (-vc[1], vc[0]))

