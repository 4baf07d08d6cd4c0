"""The one OpenSearch index definition of Facetwire, and the mapping between a Document and _source.

Text is analysed as the Whoosh engine's analyzer does (engines/whoosh/schema.py): words by the
regular expression below, lower-cased, accents folded, words shorter than 2 characters and
Whoosh's stop words dropped, Porter-stemmed. Each text field has a `words` sub-field (title.words,
body.words): the same words folded but not stemmed, documents only, which wildcards and prefixes
match (words as written: `*ovid` finds covid, not provided) and did-you-mean suggests from.
Facets are exact `keyword`s (whole values, case kept: the filters) with a `folded` sub-field
(lower case, accents folded) that the query language's facet fields match (`person:"joe biden"`).
Format 2 (SCHEMA_VERSION, in the mapping's _meta): folding and the words sub-fields; a reader
refuses an index of another format with a message that says to rebuild it.
Structures (mentions, topics, meta) are JSON strings in _source only, as in the Whoosh schema.
"""
import json
import re
from datetime import datetime

from ...curation import raw_keys
from ...document import Document
from ...facets import NAMES, clean_values
from ...search.query import MIN_WORD_LENGTH, STOP_WORDS as QUERY_STOP_WORDS
from ...search.request import MAX_PAGE, PER_PAGE_CHOICES

SCHEMA_VERSION = 2
TEXT_ANALYZER = "facetwire_text"
WORDS_ANALYZER = "facetwire_words_as_written"
FOLDED = "folded"          # facet sub-field: person.folded, ...
WORDS = "words"            # text sub-field: title.words, body.words
WORD = r"\w+(\.?\w+)*"     # Whoosh's RegexTokenizer default, without its query-time `*`
MIN_WORD = MIN_WORD_LENGTH        # Whoosh's StopFilter(minsize=2), declared with the query language
STOP_WORDS = frozenset(QUERY_STOP_WORDS)
# Every page the request can ask for can be served by from/size (the default window is 10,000).
MAX_RESULT_WINDOW = MAX_PAGE * max(PER_PAGE_CHOICES)

# One word as a range bound is compared with: lower case, folded, stemmed, not split (Whoosh's
# process_text(tokenize=False)); the stemmer is the text analyzer's. A prefix or wildcard is
# compared with the words sub-field: lower case and folded only.
WORD_FORM = {"tokenizer": "keyword", "filter": ["lowercase", "asciifolding", "porter_stem"]}
PATTERN_FORM = {"tokenizer": "keyword", "filter": ["lowercase", "asciifolding"]}

_WORD_RE = re.compile(WORD)


def words(text):
    """Return the indexed words of text before stemming: what the analyzer keeps, lower-cased."""
    out = []
    for m in _WORD_RE.finditer(text or ""):
        word = m.group().lower()
        if len(word) >= MIN_WORD and word not in STOP_WORDS:
            out.append(word)
    return out


def index_body(shards, replicas, state="building"):
    """Return the body of a create-index request: settings, analysis and mappings."""
    stored = {"type": "keyword", "index": False, "doc_values": False}
    text = {"type": "text", "analyzer": TEXT_ANALYZER, "index_options": "offsets",  # offsets: highlighting
            "fields": {WORDS: {"type": "text", "analyzer": WORDS_ANALYZER, "index_options": "docs", "norms": False}}}
    facet = {"type": "keyword", "fields": {FOLDED: {"type": "keyword", "normalizer": "facetwire_folded"}}}
    return {
        "settings": {"index": {
            "number_of_shards": shards,
            "number_of_replicas": replicas,
            "max_result_window": MAX_RESULT_WINDOW,
            "analysis": {
                "tokenizer": {"facetwire_words": {
                    "type": "pattern", "pattern": WORD, "group": 0, "flags": "UNICODE_CHARACTER_CLASS"}},
                "filter": {
                    "facetwire_min_length": {"type": "length", "min": MIN_WORD},
                    "facetwire_stop": {"type": "stop", "stopwords": sorted(STOP_WORDS)},
                },
                "analyzer": {
                    TEXT_ANALYZER: {
                        "type": "custom", "tokenizer": "facetwire_words",
                        "filter": ["lowercase", "asciifolding", "facetwire_min_length", "facetwire_stop", "porter_stem"]},
                    WORDS_ANALYZER: {
                        "type": "custom", "tokenizer": "facetwire_words",
                        "filter": ["lowercase", "asciifolding", "facetwire_min_length", "facetwire_stop"]}},
                "normalizer": {"facetwire_folded": {"type": "custom", "filter": ["lowercase", "asciifolding"]}},
            },
        }},
        "mappings": {
            "dynamic": "strict",
            "_meta": {"facetwire_schema": SCHEMA_VERSION, "state": state},
            "properties": {
                "id": {"type": "keyword"},
                "chash": {"type": "keyword"},
                "title": text,
                "body": text,
                "date": {"type": "date", "format": "strict_date_optional_time"},
                "date_iso": stored,
                **{name: facet for name in NAMES},
                "url": stored, "section": stored, "dateline": stored, "origin": stored,
                "mentions_json": stored, "topics_json": stored, "meta_json": stored,
                **RAW_PROPERTIES,
            },
        },
    }


# The extraction's values of the fields curation changed, and their keys (indexer/curation.py).
# With them `dup`, the near-duplicate group (indexer/duplicates.py): the article's own id when it
# has none (LONE + its id), so that field collapsing (searching.py, dedupe) keeps every lone article.
LONE = "\x1f"        # `dup` of an article without near-duplicates: LONE + its id
STALE = "\x00"       # Document.dup read from a document written before `dup` existed: the next
                     # grouping rewrites it (collapsing would fold every such document into one group)
RAW_PROPERTIES = {"raw_json": {"type": "keyword", "index": False, "doc_values": False},
                  "raw_keys": {"type": "keyword"}, "dup": {"type": "keyword"}}


def to_source(doc):
    """Return the _source of a Document (facet lists cleaned, structures as JSON, no date: absent)."""
    out = {
        "id": doc.id, "chash": doc.chash or "", "title": doc.title or "", "body": doc.body or "",
        "date_iso": doc.date_iso or "",
        **{name: clean_values(getattr(doc, name)) for name in NAMES},
        "url": doc.url or "", "section": doc.section or "", "dateline": doc.dateline or "",
        "origin": doc.origin or "",
        "mentions_json": json.dumps(doc.mentions, ensure_ascii=False),
        "topics_json": json.dumps(doc.topics, ensure_ascii=False),
        "meta_json": json.dumps(doc.meta, ensure_ascii=False, default=str),
        "raw_json": json.dumps(doc.raw, ensure_ascii=False) if doc.raw else "", "raw_keys": raw_keys(doc),
        "dup": doc.dup if doc.dup and doc.dup != STALE else LONE + doc.id,
    }
    if doc.date is not None:
        out["date"] = doc.date.isoformat()
    return out


def from_source(source):
    """Return the Document of a hit's _source (tolerant of fields left out of it)."""
    date = source.get("date")
    if "dup" not in source:
        source = dict(source, dup=STALE)
    elif str(source["dup"]).startswith(LONE):
        source = dict(source, dup="")   # alone: stored as LONE + its id for collapsing
    return Document.from_stored(source, date=datetime.fromisoformat(date) if date else None,
                                facets={name: list(source.get(name) or []) for name in NAMES},
                                mentions=source.get("mentions_json"), topics=source.get("topics_json"),
                                meta=source.get("meta_json"), raw=source.get("raw_json"))
