"""The one Whoosh schema of a Facetwire index, and the mapping between a Document and its fields."""
import json

from whoosh import fields
from whoosh.analysis import RegexTokenizer, StemmingAnalyzer

from ...curation import raw_keys
from ...document import Document
from ...facets import NAMES, join_values, split_values
from ...search.query import MIN_WORD_LENGTH, STOP_WORDS

SCHEMA_VERSION = 1


class FACET(fields.KEYWORD):
    """A multi-valued keyword field whose values are kept whole: "Joe Biden", "arts, culture…"."""

    def __init__(self):
        super().__init__(stored=True, lowercase=False, commas=False, scorable=False, vector=True)
        self.analyzer = RegexTokenizer(r"[^\n]+")


class RAW_KEYS(FACET):
    """A curated document's raw values as "facet:folded value" (indexer/curation.py): indexed only."""

    def __init__(self):
        super().__init__()
        self.stored, self.vector = False, None


def get_schema():
    """Return a fresh schema for a Facetwire index."""
    text = StemmingAnalyzer(stoplist=STOP_WORDS, minsize=MIN_WORD_LENGTH)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        chash=fields.ID(stored=True, sortable=True),
        title=fields.TEXT(stored=True, analyzer=text, phrase=True, field_boost=2.0),
        body=fields.TEXT(stored=True, analyzer=text, phrase=True),
        date=fields.DATETIME(stored=True, sortable=True),
        date_iso=fields.STORED(),
        **{name: FACET() for name in NAMES},
        url=fields.STORED(),
        section=fields.STORED(),
        dateline=fields.STORED(),
        origin=fields.STORED(),
        mentions=fields.STORED(),
        topics_json=fields.STORED(),
        meta=fields.STORED(),
        raw_json=fields.STORED(),   # the extraction's values of the fields curation changed
        raw_keys=RAW_KEYS(),
    )


def to_fields(doc):
    """Return the Whoosh fields of a Document (facet lists joined, structures as JSON)."""
    out = {
        "id": doc.id, "chash": doc.chash, "title": doc.title, "body": doc.body, "date": doc.date,
        "date_iso": doc.date_iso,
        **{name: join_values(getattr(doc, name)) for name in NAMES},
        "url": doc.url, "section": doc.section, "dateline": doc.dateline, "origin": doc.origin,
        "mentions": json.dumps(doc.mentions, ensure_ascii=False),
        "topics_json": json.dumps(doc.topics, ensure_ascii=False),
        "meta": json.dumps(doc.meta, ensure_ascii=False, default=str),
        "raw_json": json.dumps(doc.raw, ensure_ascii=False) if doc.raw else None,
        "raw_keys": join_values(raw_keys(doc)) or None,
    }
    return {k: v for k, v in out.items() if v is not None}


def from_fields(stored):
    """Return the Document of a document's stored fields (tolerant of fields an old index lacks)."""
    return Document.from_stored(stored, date=stored.get("date"),
                                facets={name: split_values(stored.get(name)) for name in NAMES},
                                mentions=stored.get("mentions"), topics=stored.get("topics_json"),
                                meta=stored.get("meta"), raw=stored.get("raw_json"))
