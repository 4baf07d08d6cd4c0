"""Query evaluation: a parsed query's matches and BM25F scores, with numpy over cached posting lists.

Whoosh walks a query's matches document by document in Python. Here the common shapes (terms
combined with AND / OR / NOT / ANDNOT / ANDMAYBE, exact phrases; the fixed words a prefix,
wildcard, fuzzy word or range was expanded to (expand.Expanded); every document, or every one
with a field) are evaluated per segment with numpy over posting and position lists read once and
cached (LRU), as facets.py does with facet columns; only the rest (date ranges, phrases with a
slop, ...) runs a Whoosh matcher. Segments never change, so the caches are keyed by segment id;
deletions are applied per evaluation. Scores are Whoosh's BM25F, the same floats (tests compare
them with Searcher.search), so a page of hits needs no second, scored pass; a query whose
scores are not reproduced here raises Unscorable and the caller lets Whoosh score it.
With a search's QueryCost, every posting list read is counted, and the time limit is looked at
between words: past it, the words not yet read are left out and the cost says so.
"""
import itertools
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length
from whoosh.scoring import BM25FScorer

from .expand import NUMERIC_FIELDS, Expanded
MAX_CACHED_POSTINGS = 8_000_000   # postings + positions kept over all cached terms (8 bytes each: ~64 MB)
CHECK_EVERY = 32                  # posting lists read between two looks at the clock
IDS_CHUNK = 1024                  # documents a Whoosh matcher yields between two looks at the clock


@dataclass
class Postings:
    docs: np.ndarray      # segment-local document numbers, ascending (deleted ones included)
    weights: np.ndarray   # term frequency in each, as Whoosh stores it (float32)


_postings = OrderedDict()          # (segment id, field, text) -> Postings, least recently used first
_postings_size = 0
_lengths = {}                      # (segment id, field) -> float64 field length per document
_cache_lock = threading.Lock()
_term_stats = weakref.WeakKeyDictionary()   # searcher -> {(field, text): BM25F idf, avgfl, B, K1}
EMPTY = Postings(np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))


def postings(reader, fieldname, text, cache=True):
    """Return the Postings of a term in a segment reader (EMPTY if absent), cached LRU by size."""
    key = (reader.segment().segment_id(), fieldname, text)
    return _cached(key, lambda: _read_postings(reader, fieldname, text), lambda p: len(p.docs), cache)


def positions(reader, fieldname, text):
    """Return a term's positions in a segment as sorted int64 keys `document << 32 | position`."""
    key = (reader.segment().segment_id(), fieldname, text, "positions")
    return _cached(key, lambda: _read_positions(reader, fieldname, text), len)


def _cached(key, read, size_of, cache=True):
    global _postings_size
    with _cache_lock:
        found = _postings.get(key)
        if found is not None:
            _postings.move_to_end(key)
            return found
    found = read()
    if cache:
        with _cache_lock:
            if key not in _postings:
                _postings[key] = found
                _postings_size += size_of(found) + 1  # + 1: an absent term costs an entry too
            while _postings_size > MAX_CACHED_POSTINGS and len(_postings) > 1:
                _, old = _postings.popitem(last=False)
                _postings_size -= (len(old.docs) if isinstance(old, Postings) else len(old)) + 1
    return found


def clear_cache():
    """Forget every cached posting list, position list and field length."""
    global _postings_size
    with _cache_lock:
        _postings.clear()
        _postings_size = 0
        _lengths.clear()


def _read_postings(reader, fieldname, text):
    try:
        m = reader.postings(fieldname, text)
    except TermNotFound:
        return EMPTY
    ids, weights = [], []
    if hasattr(m, "_read_ids") and hasattr(m, "_next_block"):
        # whoosh3 leaf matcher: take whole blocks instead of stepping posting by posting
        while m.is_active():
            m._read_ids()
            m._read_weights()
            ids.append(np.asarray(m._ids, dtype=np.int32))
            weights.append(np.asarray(m._weights, dtype=np.float32))
            m._next_block()
        docs = np.concatenate(ids) if ids else EMPTY.docs
        return Postings(docs, np.concatenate(weights) if weights else EMPTY.weights)
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return Postings(np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float32))


def _read_positions(reader, fieldname, text):
    try:
        m = reader.postings(fieldname, text)
    except TermNotFound:
        return np.zeros(0, dtype=np.int64)
    docs, counts, pos = [], [], []
    while m.is_active():
        found = m.value_as("positions")
        docs.append(m.id())
        counts.append(len(found))
        pos.extend(found)
        m.next()
    keys = np.repeat(np.asarray(docs, dtype=np.int64) << 32, counts) + np.asarray(pos, dtype=np.int64)
    return np.sort(keys)


def field_lengths(reader, fieldname):
    """Return the segment's length of fieldname per document, as Whoosh's scorers read it."""
    key = (reader.segment().segment_id(), fieldname)
    found = _lengths.get(key)
    if found is None:
        found = _read_lengths(reader, fieldname)
        with _cache_lock:
            if len(_lengths) >= 1024:
                _lengths.clear()  # fields of old generations' segments
            _lengths[key] = found
    return found


_BYTE_LENGTHS = np.asarray([byte_to_length(b) for b in range(256)], dtype=np.float64)


def _read_lengths(reader, fieldname):
    n = reader.doc_count_all()
    try:
        # whoosh3: one byte per document in the field's length column, read in one go
        col = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        raw = b"" if col is None else col._dbfile.get(col._basepos, min(col._count, n))
    except AttributeError:  # another codec: ask document by document
        return np.fromiter((reader.doc_field_length(d, fieldname, 0) or 0 for d in range(n)),
                           dtype=np.float64, count=n)
    codes = np.zeros(n, dtype=np.uint8)
    codes[:len(raw)] = np.frombuffer(raw, dtype=np.uint8)
    return _BYTE_LENGTHS[codes] * (codes > 0)  # byte 0: no length (Whoosh then scores nothing there)


class Unscorable(Exception):
    """The query has a part whose Whoosh score is not reproduced here (Searcher.search scores it)."""


@dataclass
class Segment:
    searcher: object       # Whoosh searcher of this one segment
    reader: object
    offset: int            # of its first document in the top searcher's numbering
    size: int              # documents, deleted ones included
    top: object            # the top searcher: global statistics for scores
    scored: bool = False
    memo: dict = field(default_factory=dict)   # shared by the segments of one evaluation
    cost: object = None    # the search's QueryCost (None: no budget, nothing counted)

    def read(self):
        """Count one posting list read; return False once the time limit is past (then read no more)."""
        cost = self.cost
        if cost is None:
            return True
        if cost.postings % CHECK_EVERY == 0 and cost.expired():
            cost.cut_short("matching")
        if "matching" in cost.cut:
            return False
        cost.postings += 1
        return True


def evaluate(searcher, q, scored=False, cost=None):
    """Return (mask, scores) of q over the searcher's documents: deleted ones never match.

    scores is None unless scored; with scored, raise Unscorable for a query whose scores are
    not reproduced exactly (the caller then lets Searcher.search score it). With a cost
    (search/query.py: QueryCost), posting lists read are counted and the time limit applies.
    """
    masks, scores, memo = [], [], {}
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        seg = Segment(sub, reader, offset, reader.doc_count_all(), searcher, scored, memo, cost)
        mask, score = _eval(q, seg)
        if reader.has_deletions():
            mask &= _live(reader, seg.size)
        masks.append(mask)
        scores.append(score)
    if not masks:
        return np.zeros(0, dtype=bool), (np.zeros(0) if scored else None)
    mask = np.concatenate(masks)
    return mask, (np.concatenate(scores) if scored else None)


def _live(reader, n):
    live = np.ones(n, dtype=bool)
    deleted = list(reader.deleted_docs_set)  # a property
    if deleted:
        live[np.asarray(deleted, dtype=np.int64)] = False
    return live


def _eval(q, seg):
    """Return (segment mask, segment scores or None) of q."""
    kind = type(q)
    n = seg.size
    if kind is wq.Term and q.fieldname in seg.top.schema and not isinstance(seg.top.schema[q.fieldname],
                                                                             NUMERIC_FIELDS):
        return _term(q, seg)
    if kind in (wq.And, wq.Or) and q.subqueries and (kind is wq.And or not (q.minmatch or q.scale)):
        if seg.scored and q.boost != 1.0:
            raise Unscorable(q)
        parts = [_eval(sub, seg) for sub in q.subqueries]
        mask = parts[0][0].copy()
        for m, _ in parts[1:]:
            if kind is wq.And:
                mask &= m
            else:
                mask |= m
        return mask, _sum([s for _, s in parts], seg) if seg.scored else None
    if kind is wq.Phrase and q.slop == 1 and q.words and _has_positions(seg.top.schema, q.fieldname):
        return _phrase(q, seg)
    if kind is wq.Not:
        # Whoosh's InverseMatcher scores every document it matches 1.0 (added to an And's sum)
        mask = ~_eval(q.query, _unscored(seg))[0]
        return mask, (mask.astype(np.float64) if seg.scored else None)
    if kind is wq.Require:
        # Whoosh's RequireMatcher: the documents of both, scored by the first alone
        a, sa = _eval(q.a, seg)
        b, _sb = _eval(q.b, _unscored(seg))
        mask = a & b
        return mask, (np.where(mask, sa, 0.0) if seg.scored else None)
    if kind in (wq.AndNot, wq.AndMaybe):
        a, sa = _eval(q.a, seg)
        b, sb = _eval(q.b, _unscored(seg) if kind is wq.AndNot else seg)
        if kind is wq.AndNot:
            return a & ~b, sa
        return a, (sa + np.where(a, sb, 0.0) if seg.scored else None)
    if kind is wq.Every:
        # Whoosh's ListMatcher of every document (with a field: having a word in it), each scored the boost
        mask = np.ones(n, dtype=bool) if not q.fieldname else _has_field(q.fieldname, seg)
        return mask, (mask * float(q.boost) if seg.scored else None)
    if q is wq.NullQuery or kind is type(wq.NullQuery):
        return np.zeros(n, dtype=bool), (np.zeros(n) if seg.scored else None)
    if kind is Expanded and (not seg.scored or _scorable(q, seg)):
        return _expanded(q, seg)   # expand.Expanded: the fixed words of a part, within the budget
    if kind in (wq.Prefix, wq.Wildcard, wq.FuzzyTerm) and not seg.scored:
        # Expanded over the whole index's words, as Searcher.search does: a segment's own
        # expansion can differ (fuzzy terms)
        key = ("expanded", id(q))
        if key not in seg.memo:
            seg.memo[key] = list(q.expanded_terms(seg.top.reader()))
        mask = np.zeros(n, dtype=bool)
        for fieldname, text in seg.memo[key]:
            mask[postings(seg.reader, fieldname, text, cache=False).docs] = True
        return mask, None
    if seg.scored:
        raise Unscorable(q)
    return _matched(q, seg), None


def _scorable(q, seg):
    return q.fieldname in seg.top.schema and seg.top.schema[q.fieldname].scorable


def _expanded(q, seg):
    """Return (mask, scores) of a part's fixed words: as Whoosh's MultiTerm, the sum of their scores times the boost."""
    mask = np.zeros(seg.size, dtype=bool)
    scores = np.zeros(seg.size) if seg.scored else None
    for word in q.words:
        if not seg.read():
            break
        p = postings(seg.reader, q.fieldname, word)
        if not len(p.docs):
            continue
        mask[p.docs] = True
        if seg.scored:
            scores[p.docs] += _bm25(wq.Term(q.fieldname, word), seg, p)
    if seg.scored and q.boost != 1.0:
        scores *= q.boost
    return mask, scores


def _has_field(fieldname, seg):
    """Return the segment's documents with a word in fieldname (Whoosh's Every(fieldname))."""
    schema, reader = seg.top.schema, seg.reader
    if fieldname not in schema:
        return np.zeros(seg.size, dtype=bool)
    if schema[fieldname].scorable:
        return field_lengths(reader, fieldname) > 0   # a length is kept for every document with a word
    key = (reader.segment().segment_id(), fieldname, "has-field")
    with _cache_lock:
        found = _postings.get(key)
    if found is not None:
        return found.copy()
    mask = np.zeros(seg.size, dtype=bool)
    if reader.has_column(fieldname):   # a sortable field (id): its column holds b"" where it has no word
        column = reader.column_reader(fieldname, translate=False)
        mask = np.fromiter((bool(v) for v in column), dtype=bool, count=seg.size)
    else:
        for btext in reader.lexicon(fieldname):   # every value's documents, as Whoosh's Every: once per segment
            if not seg.read():
                return mask   # cut short: not kept
            mask[_read_postings(reader, fieldname, btext).docs] = True
    _cached(key, lambda: mask, len)
    return mask.copy()


def _has_positions(schema, fieldname):
    field_type = schema[fieldname] if fieldname in schema else None
    return field_type is not None and field_type.format is not None and field_type.format.supports("positions")


def _phrase(q, seg):
    """Return (mask, scores) of an exact phrase: its words at consecutive positions.

    As Whoosh's Phrase (slop 1 = SpanNear2 with slop 1, ordered, mindist 1), and scored like it:
    the sum of its words' term scores.
    """
    words = list(q.words)
    mask = np.zeros(seg.size, dtype=bool)
    if all(len(postings(seg.reader, q.fieldname, w).docs) for w in words):
        keys = positions(seg.reader, q.fieldname, words[0])
        for i, word in enumerate(words[1:], 1):
            following = positions(seg.reader, q.fieldname, word)
            wanted = keys + i
            at = np.minimum(np.searchsorted(following, wanted), max(len(following) - 1, 0))
            keys = keys[following[at] == wanted] if len(following) else keys[:0]
        mask[np.unique(keys >> 32)] = True
    if not seg.scored:
        return mask, None
    scores = _sum([_term(wq.Term(q.fieldname, w), seg)[1] for w in words], seg)
    scores[~mask] = 0.0
    return mask, (scores * q.boost if q.boost != 1.0 else scores)


def _unscored(seg):
    return Segment(seg.searcher, seg.reader, seg.offset, seg.size, seg.top, False, seg.memo, seg.cost)


def _term(q, seg):
    p = postings(seg.reader, q.fieldname, q.text) if seg.read() else EMPTY
    mask = np.zeros(seg.size, dtype=bool)
    mask[p.docs] = True
    if not seg.scored:
        return mask, None
    scores = np.zeros(seg.size)
    if len(p.docs):
        scores[p.docs] = _bm25(q, seg, p)
    return mask, scores


def _bm25(q, seg, p):
    """Return BM25F scores of the term's postings, the same floats as Whoosh's BM25FScorer."""
    if not seg.top.schema[q.fieldname].scorable:
        raise Unscorable(q)
    stats = _term_stats.get(seg.top)
    if stats is None:
        stats = _term_stats.setdefault(seg.top, {})
    key = (q.fieldname, q.text)
    if key not in stats:  # global statistics of this searcher's documents: once, not per segment
        scorer = seg.top.weighting.scorer(seg.top, q.fieldname, q.text)
        if not isinstance(scorer, BM25FScorer):
            raise Unscorable(q)
        if len(stats) >= 10_000:
            stats.clear()
        stats[key] = (scorer.idf, scorer.avgfl, scorer.B, scorer.K1)
    idf, avgfl, B, K1 = stats[key]
    tf = p.weights.astype(np.float64)
    fl = field_lengths(seg.reader, q.fieldname)[p.docs]
    out = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
    return out * q.boost if q.boost != 1.0 else out


def _sum(scores, seg):
    out = np.zeros(seg.size)
    for s in scores:
        out += s
    return out


def _matched(q, seg):
    """Return the mask of a query evaluated by its Whoosh matcher (phrases: on candidates only)."""
    mask = np.zeros(seg.size, dtype=bool)
    if type(q) is wq.Phrase and any(not len(postings(seg.reader, q.fieldname, w).docs) for w in q.words):
        return mask  # a word is missing from the segment: no need to walk the others' positions
    m = q.matcher(seg.searcher, seg.searcher.boolean_context())
    ids = m.all_ids()
    while True:
        chunk = np.fromiter(itertools.islice(ids, IDS_CHUNK), dtype=np.int64)
        mask[chunk] = True
        if len(chunk) < IDS_CHUNK or not seg.read():
            break
    return mask
