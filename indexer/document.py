"""The document model: one indexed article as every engine stores it and every reader reads it.

Each engine maps a Document to its own storage and back (engines/whoosh/schema.py,
engines/opensearch/mapping.py); build, search, export and the explorer read Documents only.
"""
import json
from dataclasses import dataclass, field
from datetime import datetime

from .facets import EXPORTED_LISTS, EXTRACTED, clean_values


@dataclass
class Document:
    id: str
    chash: str = ""                  # extraction fingerprint + content hash: skip or reuse by it
    title: str = ""
    body: str = ""
    date: datetime | None = None     # naive, as written (the offset is kept in date_iso)
    date_iso: str = ""               # the article's own date, with its offset when it had one
    source: list = field(default_factory=list)
    person: list = field(default_factory=list)
    country: list = field(default_factory=list)
    org: list = field(default_factory=list)
    topic: list = field(default_factory=list)     # top-level labels, best first
    subtopic: list = field(default_factory=list)  # "top › child"
    url: str = ""
    section: str = ""
    dateline: str = ""
    origin: str = ""                 # the file it was read from
    # [[field, start, end, facet, value]], plus a sixth element, a dict {"written", "as", "why", "named"},
    # where a short form several people share was read as this value (see readings)
    mentions: list = field(default_factory=list)
    topics: list = field(default_factory=list)    # [{"label", "score", "evidence", "children"}]
    meta: dict = field(default_factory=dict)      # the record's other fields
    raw: dict = field(default_factory=dict)       # extraction's own values of the fields curation changed
    dup: str = ""                    # near-duplicate group: its earliest member's id ("" alone; duplicates.py)

    @classmethod
    def from_article(cls, article, analysis):
        """Return the document of an article (indexer.articles.Article) and its extraction."""
        date = article.date
        doc = cls(
            id=article.id, chash=article.chash, title=article.title, body=article.body,
            date=date.replace(tzinfo=None) if date else None,
            date_iso=date.isoformat() if date else "",
            source=clean_values([article.source]),
            url=article.url, section=article.section, dateline=article.dateline, origin=article.origin,
            mentions=analysis.mentions, topics=analysis.topics, meta=article.meta,
        )
        for name in EXTRACTED:
            setattr(doc, name, clean_values(getattr(analysis, name)))
        return doc

    @classmethod
    def from_stored(cls, stored, *, date, facets, mentions, topics, meta, raw=None):
        """Return the Document an engine stored: its plain fields read from `stored` (a mapping;
        missing or None ones empty), the rest as the engine decoded them, JSON texts tolerantly."""
        return cls(id=stored.get("id", ""), **{name: stored.get(name) or "" for name in PLAIN_FIELDS},
                   date=date, **facets, mentions=json_or_empty(mentions, list),
                   topics=json_or_empty(topics, list), meta=json_or_empty(meta, dict),
                   raw=json_or_empty(raw, dict))

    @property
    def source_text(self):
        return ", ".join(self.source)

    @property
    def date_text(self):
        """Return the ISO date as the article gave it ("" without one)."""
        return self.date_iso or (self.date.isoformat() if self.date else "")

    def facet_values(self, name):
        return getattr(self, name)


# The text fields every engine stores as they are.
PLAIN_FIELDS = ("chash", "title", "body", "date_iso", "url", "section", "dateline", "origin", "dup")


def json_or_empty(text, kind):
    """Return the JSON value of text when it is a `kind` (list, dict); an empty one otherwise."""
    try:
        value = json.loads(text or "null")
    except ValueError:
        return kind()
    return value if isinstance(value, kind) else kind()


def export_record(doc):
    """Return the export record of a document: its own fields, then each exported facet's list, and
    "readings" (see readings) when a short form several people share was read here."""
    out = {"id": doc.id, "title": doc.title or "", "date": doc.date_text, "source": doc.source_text,
           "url": doc.url or ""}
    for name in EXPORTED_LISTS:
        out[name] = list(getattr(doc, name))
    found = readings(doc.mentions)
    if found:
        out["readings"] = found
    return out


def readings(mentions):
    """Return how the short forms several people share were read in one article, from its stored
    mentions: [{"written", "value", "as", "why", "uses", "named", "text"}], one per written form, value
    and reason, in the order of first use ("as": the value extraction read it as, before any curation
    renamed it). "text" says it for a reader:

        “Trump” read as Donald Trump (4 times): named in full 3 times, the most of the Trump family
        here (also: Melania Trump, named once)

    Mentions of the old shape (five elements) or with a malformed sixth give nothing."""
    groups = {}
    for m in mentions:
        if not (isinstance(m, list) and len(m) >= 6 and isinstance(m[5], dict) and isinstance(m[4], str)):
            continue
        r = m[5]
        written, why, named = r.get("written"), r.get("why"), r.get("named")
        if not (isinstance(written, str) and isinstance(why, str) and written and why):
            continue
        named = {str(k): v for k, v in named.items() if isinstance(v, int)} if isinstance(named, dict) else {}
        read_as = r.get("as") if isinstance(r.get("as"), str) else m[4]
        key = (written, m[4], why)
        if key in groups:
            groups[key]["uses"] += 1
        else:
            groups[key] = {"written": written, "value": m[4], "as": read_as, "why": why, "uses": 1,
                           "named": named}
    out = list(groups.values())
    for g in out:
        g["text"] = reading_text(g)
    return out


def reading_text(g):
    """One reading of readings() in words."""
    written, value, why, named = g["written"], g["value"], g["why"], g["named"]
    read_as = g.get("as") or value   # the value extraction gave; a curation merge may have renamed it
    others = [n for n in named if n not in (value, read_as)]
    family = (f"the {written} family" if " " not in written and named
              and all(n.split()[-1] == written for n in named) else f"those called “{written}”")
    if why.startswith("title "):
        titles = " / ".join(f"“{t}”" for t in why[len("title "):].split("/"))
        reason = f"the title {titles} is {value}’s here"
    elif why == "most mentioned":
        n = named.get(read_as, named.get(value, 0))
        reason = f"named in full {_times(n)}, the most of {family} here"
    elif why.startswith("ambiguous"):
        reason = f"ambiguous, so the one of {family} named last before it"
    else:
        reason = why
    also = ", ".join(f"{n}, named {_times(named[n])}" if why == "most mentioned" else n for n in others)
    times = f" ({_times(g['uses'])})" if g["uses"] > 1 else ""
    return f"“{written}” read as {value}{times}: {reason}" + (f" (also: {also})" if also else "")


def _times(n):
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"
