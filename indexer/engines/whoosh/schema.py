"""The one Whoosh schema of a Facetwire index, and the mapping between a Document and its fields.

Format 2 (issue 13): title and body fold accents before stemming (`Matovic` finds Matovič, and
Matovič still does), and `words` holds every word of title and body as written (lower case,
folded, not stemmed): the vocabulary wildcards and prefixes are matched against (expand.py), so
that `*ovid` finds covid and not provided, and did-you-mean suggests words people write.
store.py writes the format beside each index and refuses to search an index of another one.
"""
import json
import re
from functools import lru_cache

from whoosh import fields, formats
from whoosh.analysis import CompositeAnalyzer, RegexTokenizer, StemmingAnalyzer, Token
from whoosh.lang.porter import stem

from ...curation import raw_keys
from ...document import Document
from ...facets import NAMES, join_values, split_values
from ...search.folding import fold
from ...search.query import MIN_WORD_LENGTH, STOP_WORDS

SCHEMA_VERSION = 2
WORDS = "words"            # the unstemmed vocabulary of title and body (not stored, no positions)


# Each distinct word is folded and stemmed once. functools' cache, not the Whoosh filter's own
# (its Python LFU wrapper cost 4% of writing an index: cachesize=None below turns it off); a
# bounded one, since an archive's vocabulary has no bound. The cached functions keep their names:
# an index's stored schema refers to them by name.
WORD_CACHE = 1 << 17


@lru_cache(maxsize=WORD_CACHE)
def fold_stem(word):
    """Return the indexed form of one lower-cased word of title or body: folded, then stemmed."""
    return stem(fold(word))


@lru_cache(maxsize=WORD_CACHE)
def fold_word(word):
    """Return the `words` form of one lower-cased word of title or body: folded."""
    return fold(word)


# Whoosh's word pattern (RegexTokenizer's default), with its group not capturing: findall then
# gives the whole matches, the ones finditer finds (a group matches the same text either way).
WORD_PATTERN = r"[\w\*]+(\.?[\w\*]+)*"
WORD_PATTERN_WHOLE = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*", re.UNICODE)


def matched_words(expression, value):
    """Return the texts of the matches of `expression` in `value`, in order."""
    if expression.pattern == WORD_PATTERN and expression.flags == WORD_PATTERN_WHOLE.flags:
        return WORD_PATTERN_WHOLE.findall(value)
    if not expression.groups:
        return expression.findall(value)
    return [match.group(0) for match in expression.finditer(value)]


class WritingAnalyzer(CompositeAnalyzer):
    """Whoosh's StemmingAnalyzer chain (words, lower case, stop words, stem), read in one pass
    when an index is written.

    The chain passes each word through four generators; writing, the only caller that reads a
    whole article, gets the same tokens (text, position, boost) from one loop, and `unique` (a
    field that records only which documents hold a word) each word once. Every other use (queries,
    highlighting, character offsets) runs the chain itself. tests/test_whoosh_writing.py holds the
    two to the same output on the bundled sample.
    """

    def __init__(self, stemfn, unique=False):
        super().__init__(StemmingAnalyzer(stoplist=STOP_WORDS, minsize=MIN_WORD_LENGTH, stemfn=stemfn,
                                          cachesize=None))
        self.unique = unique

    def __call__(self, value, positions=False, chars=False, mode="", removestops=True, start_pos=0,
                 tokenize=True, no_morph=False, **kwargs):
        if mode != "index" or chars or not removestops or not tokenize or no_morph or kwargs.get("keeporiginal"):
            return super().__call__(value, positions=positions, chars=chars, mode=mode, removestops=removestops,
                                    start_pos=start_pos, tokenize=tokenize, no_morph=no_morph, **kwargs)
        return self.written(value, positions, start_pos, kwargs)

    def written(self, value, positions=False, start_pos=0, kwargs=None):
        """Yield the tokens the chain yields for `value` in mode "index" (one Token object reused)."""
        first, words = self.written_words(value, start_pos, unique=self.unique and not positions)
        t = Token(positions, False, removestops=True, mode="index", **(kwargs or {}))
        for i, text in enumerate(words):
            t.text = text
            t.boost, t.stopped = 1.0, False
            if positions:
                t.pos = first + i
            yield t

    def written_words(self, value, start_pos=0, unique=False):
        """Return (the first word's position, the words) of the tokens written() yields: the
        words are at that position and the ones after it (`unique`: each word as written once)."""
        first, kept = self.kept_words(value, start_pos)
        return first, self.stemmed(dict.fromkeys(kept) if unique else kept)

    def kept_words(self, value, start_pos=0):
        """Return (the first kept word's position, the lower-cased words not stopped) of `value`."""
        tokenizer, _lower, stop, _stem = self.items
        stops, shortest, longest = stop.stops, stop.min, stop.max
        lowered = [text.lower() for text in matched_words(tokenizer.expression, value)]
        if longest is None:
            kept = [text for text in lowered if len(text) >= shortest and text not in stops]
        else:
            kept = [text for text in lowered if shortest <= len(text) <= longest and text not in stops]
        if not kept:
            return None, kept
        for pos, text in enumerate(lowered):
            if text is kept[0]:
                # StopFilter(renumber): the first kept word keeps its place
                return start_pos + pos, kept

    def stemmed(self, kept):
        """Return the indexed forms of kept words (kept_words), in their order."""
        stem = self.items[3]
        stemfn, ignore = stem._stem, stem.ignore
        if ignore:
            return [text if text in ignore else stemfn(text) for text in kept]
        return list(map(stemfn, kept))

    def reads_like(self, other):
        """Whether the two analyzers keep the same words of a text (they may stem them apart)."""
        (tok, _, stop, _), (tok2, _, stop2, _) = self.items, other.items
        return (tok.expression.pattern, tok.gaps, stop.stops, stop.min, stop.max, stop.renumber) == \
            (tok2.expression.pattern, tok2.gaps, stop2.stops, stop2.min, stop2.max, stop2.renumber)


def text_analyzer():
    """Return the analyzer of title and body: Whoosh's StemmingAnalyzer, folding before it stems.

    The fold is inside the stem function so that the chain keeps StemmingAnalyzer's shape (the
    fast highlighter of snippets.py recognises it); stop words are ASCII, so folding first or
    after them is the same.
    """
    return WritingAnalyzer(fold_stem)


def words_text(title, body):
    """Return what the `words` field of a document is given: its title and body."""
    return f"{title or ''}\n{body or ''}"


def words_analyzer():
    """Return the analyzer of `words`: the text analyzer's words, folded and not stemmed."""
    return WritingAnalyzer(fold_word, unique=True)


class WORDLIST(fields.FieldType):
    """An indexed-only field that records which documents hold a word (no counts, no positions)."""

    def __init__(self):
        self.analyzer = words_analyzer()
        self.format = formats.Existence(field_boost=1.0)
        self.scorable = self.stored = self.unique = False
        self.vector = None


class FACET(fields.KEYWORD):
    """A multi-valued keyword field whose values are kept whole: "Joe Biden", "arts, culture…"."""

    def __init__(self):
        super().__init__(stored=True, lowercase=False, commas=False, scorable=False)
        self.analyzer = RegexTokenizer(r"[^\n]+")


class RAW_KEYS(FACET):
    """A curated document's raw values as "facet:folded value" (indexer/curation.py): indexed only."""

    def __init__(self):
        super().__init__()
        self.stored, self.vector = False, None


def get_schema():
    """Return a fresh schema for a Facetwire index."""
    text = text_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        chash=fields.ID(stored=True, sortable=True),
        title=fields.TEXT(stored=True, analyzer=text, phrase=True, field_boost=2.0),
        body=fields.TEXT(stored=True, analyzer=text, phrase=True),
        **{WORDS: WORDLIST()},
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
        dup=fields.ID(stored=True),   # near-duplicate group (indexer/duplicates.py); absent when alone
    )


def to_fields(doc):
    """Return the Whoosh fields of a Document (facet lists joined, structures as JSON)."""
    out = {
        "id": doc.id, "chash": doc.chash, "title": doc.title, "body": doc.body, "date": doc.date,
        WORDS: words_text(doc.title, doc.body),
        "date_iso": doc.date_iso,
        **{name: join_values(getattr(doc, name)) for name in NAMES},
        "url": doc.url, "section": doc.section, "dateline": doc.dateline, "origin": doc.origin,
        "mentions": json.dumps(doc.mentions, ensure_ascii=False),
        "topics_json": json.dumps(doc.topics, ensure_ascii=False),
        "meta": json.dumps(doc.meta, ensure_ascii=False, default=str),
        "raw_json": json.dumps(doc.raw, ensure_ascii=False) if doc.raw else None,
        "raw_keys": join_values(raw_keys(doc)) or None,
        "dup": doc.dup or None,
    }
    return {k: v for k, v in out.items() if v is not None}


def from_fields(stored):
    """Return the Document of a document's stored fields (tolerant of fields an old index lacks)."""
    return Document.from_stored(stored, date=stored.get("date"),
                                facets={name: split_values(stored.get(name)) for name in NAMES},
                                mentions=stored.get("mentions"), topics=stored.get("topics_json"),
                                meta=stored.get("meta"), raw=stored.get("raw_json"))
