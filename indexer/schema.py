"""The one Whoosh schema of a Facetwire index, and how facet values are stored in it."""
from whoosh import fields
from whoosh.analysis import RegexTokenizer, StemmingAnalyzer

FACETS = ("person", "country", "topic", "org", "source")
# Multi-valued facet fields of the schema (subtopic is the second level under topic).
FACET_FIELDS = FACETS + ("subtopic",)
SEPARATOR = "\n"
SUBTOPIC_JOIN = " › "
SCHEMA_VERSION = 1


class FACET(fields.KEYWORD):
    """A multi-valued keyword field whose values are kept whole: "Joe Biden", "arts, culture…"."""

    def __init__(self):
        super().__init__(stored=True, lowercase=False, commas=False, scorable=False, vector=True)
        self.analyzer = RegexTokenizer(r"[^\n]+")


def get_schema():
    """Return a fresh schema for a Facetwire index."""
    text = StemmingAnalyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        chash=fields.ID(stored=True, sortable=True),
        title=fields.TEXT(stored=True, analyzer=text, phrase=True, field_boost=2.0),
        body=fields.TEXT(stored=True, analyzer=text, phrase=True),
        date=fields.DATETIME(stored=True, sortable=True),
        date_iso=fields.STORED(),
        person=FACET(),
        country=FACET(),
        topic=FACET(),
        subtopic=FACET(),
        org=FACET(),
        source=FACET(),
        url=fields.STORED(),
        section=fields.STORED(),
        dateline=fields.STORED(),
        origin=fields.STORED(),
        mentions=fields.STORED(),
        topics_json=fields.STORED(),
        meta=fields.STORED(),
    )


def join_values(values):
    """Join facet values for storage, dropping empties and newlines inside values."""
    seen, out = set(), []
    for v in values:
        v = " ".join(str(v).split())
        if v and v not in seen:
            seen.add(v)
            out.append(v)
    return SEPARATOR.join(out)


def split_values(stored):
    """Split a stored facet string back into its values, in stored order."""
    return [v for v in (stored or "").split(SEPARATOR) if v]
