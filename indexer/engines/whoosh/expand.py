"""Expansion within the budget: a query's wildcards, prefixes, fuzzy words and ranges as index words.

Whoosh expands such a part each time it is asked (to match it, to score it in every segment, to
highlight it) by walking its term index in Python: `*a*` walks every word of a field, again and
again. Here each part is expanded once per search, against a sorted lexicon of its field cached
per generation of segments, and keeps at most the budget's share of words: the most frequent (a
fuzzy word: the closest, then the most frequent) that fit the part's share of words and
postings, in lexicon order. What a part becomes,
Expanded, is a leaf query of those fixed words: evaluate.py matches and scores it as Whoosh scores
the part (its words' BM25F scores summed, times its boost), and Whoosh itself can still run it
(Searcher.search, for a query evaluate.py cannot score) and list its words for highlighting.

    expander = Expander(searcher, cost)     # one per search (search/query.py: QueryCost)
    compile_tree(tree, schema, expander.start(tree))

Two readings are made here rather than by Whoosh's parser (issue 13). A wildcard or prefix on
title or body is matched against the words as written (the `words` vocabulary: folded, not
stemmed), then searched as the stems of the words it matched: `*ovid` finds covid, not
provid(ed); the stems keep scoring and highlighting as before. A facet field's value, pattern
or range is compared folded (search/folding.py: case and accents ignored) with the facet's
values, and a subtopic also by its child's own label (`subtopic:election`).
"""
import bisect
import fnmatch
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh import fields, query as wq
from whoosh.support.levenshtein import distance

from ...facets import NAMES as FACET_FIELDS, SUBTOPIC_JOIN
from ...search.folding import fold
from ...search.query import TEXT_FIELDS, expanding_parts
from ...search.syntax import Prefix as PrefixNode
from .schema import WORDS, fold_stem

NUMERIC_FIELDS = (fields.NUMERIC, fields.DATETIME, fields.BOOLEAN)   # no words to expand to

MAX_CACHED_LEXICONS = 64          # (segments, field) pairs kept: a few generations of the text and facet fields
CHECK_EVERY = 4096                # lexicon words between two looks at the clock


@dataclass
class Lexicon:
    words: list                   # every word of one field over the index, sorted (code points = UTF-8 order)
    freqs: np.ndarray             # documents holding each (deleted ones included, as Whoosh's doc_frequency)
    lengths: np.ndarray           # len() of each
    stems: dict = None            # of the `words` vocabulary: word index -> its stem (filled as asked)
    values: list = None           # of a folded facet lexicon: key index -> indices of the values it stands for


_lexicons = OrderedDict()         # (segment ids, field) -> Lexicon, least recently used first
_segment_words = OrderedDict()    # (segment id, field) -> (words, freqs) of one segment
_lock = threading.Lock()


def lexicon(searcher, fieldname):
    """Return the Lexicon of a field over the searcher's segments (built once per set of segments)."""
    leaves = searcher.reader().leaf_readers()
    key = (tuple(r.segment().segment_id() for r, _ in leaves), fieldname)
    found = _lookup(_lexicons, key)
    if found is None:
        parts = [_segment_lexicon(r, fieldname) for r, _ in leaves]
        if len(parts) == 1:
            words, freqs = parts[0]
        else:
            total = {}
            for part_words, part_freqs in parts:
                for w, f in zip(part_words, part_freqs.tolist()):
                    total[w] = total.get(w, 0) + f
            words = sorted(total)
            freqs = np.fromiter((total[w] for w in words), dtype=np.int64, count=len(words))
        lengths = np.fromiter(map(len, words), dtype=np.int32, count=len(words))
        found = _store(_lexicons, key, Lexicon(words, freqs, lengths))
    return found


def folded_lexicon(searcher, fieldname):
    """Return (Lexicon of a facet's values folded, the facet's Lexicon): keys sorted, each with its values.

    A subtopic is also filed under its child's own label ("election" for "politics › election").
    """
    values = lexicon(searcher, fieldname)
    key = (tuple(r.segment().segment_id() for r, _ in searcher.reader().leaf_readers()), fieldname, "folded")
    found = _lookup(_lexicons, key)
    if found is None:
        by_key = {}
        for i, value in enumerate(values.words):
            keys = {fold(value)}
            if fieldname == "subtopic" and SUBTOPIC_JOIN in value:
                keys.add(fold(value.split(SUBTOPIC_JOIN, 1)[1]))
            for k in keys:
                by_key.setdefault(k, []).append(i)
        words = sorted(by_key)
        freqs = np.fromiter((int(values.freqs[by_key[w]].sum()) for w in words), dtype=np.int64, count=len(words))
        lengths = np.fromiter(map(len, words), dtype=np.int32, count=len(words))
        found = _store(_lexicons, key, Lexicon(words, freqs, lengths, values=[by_key[w] for w in words]))
    return found, values


def _segment_lexicon(reader, fieldname):
    key = (reader.segment().segment_id(), fieldname)
    found = _lookup(_segment_words, key)
    if found is None:
        words, freqs = [], []
        if fieldname in reader.schema:
            from_bytes = reader.schema[fieldname].from_bytes
            for btext, info in reader.iter_field(fieldname):
                words.append(from_bytes(btext))
                freqs.append(info.doc_frequency())
        found = _store(_segment_words, key, (words, np.asarray(freqs, dtype=np.int64)))
    return found


def _lookup(cache, key):
    with _lock:
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
        return found


def _store(cache, key, value):
    with _lock:
        cache[key] = value
        while len(cache) > MAX_CACHED_LEXICONS:
            cache.popitem(last=False)
    return value


def clear_cache():
    """Forget every cached lexicon."""
    with _lock:
        _lexicons.clear()
        _segment_words.clear()


class Expanded(wq.MultiTerm):
    """A part as the fixed index words it was expanded to: a leaf Whoosh can match, score and highlight."""

    def __init__(self, fieldname, words, boost=1.0, constantscore=True):
        self.fieldname, self.words, self.boost = fieldname, tuple(words), boost
        self.constantscore = constantscore   # as Whoosh's Prefix, Wildcard and FuzzyTerm

    def _btexts(self, ixreader):
        return [w for w in self.words if (self.fieldname, w) in ixreader]

    def __eq__(self, other):
        return (type(other) is type(self) and other.fieldname == self.fieldname and other.words == self.words
                and other.boost == self.boost)

    def __hash__(self):
        return hash((self.fieldname, self.words, self.boost))

    def __repr__(self):
        return f"{type(self).__name__}({self.fieldname!r}, {len(self.words)} words, boost={self.boost})"

    def __str__(self):
        return f"{self.fieldname}:({' OR '.join(self.words[:5])}{' …' if len(self.words) > 5 else ''})"


class Expander:
    """The expansion of one search's parts: its cost (QueryCost) is charged for every word looked at."""

    def __init__(self, searcher, cost):
        self.searcher, self.cost, self.budget = searcher, cost, cost.budget
        self.share = self.budget.part_share(1)
        self.written = {}   # (query class, pattern) -> (words as written it matched, scan cut)

    def start(self, tree):
        """Return the function compile_tree calls on each part of tree (the share is set by their number)."""
        self.share = self.budget.part_share(expanding_parts(tree))
        return self.expand

    def expand(self, q, node):
        """Return the Whoosh part q (compiled from the syntax node) as an Expanded leaf, or q as it is."""
        if isinstance(q, (wq.And, wq.Or)):   # a pattern of several tokens: each expanded
            return type(q)([self.expand(sub, node) for sub in q.subqueries], boost=q.boost)
        if getattr(q, "fieldname", None) in FACET_FIELDS and q.fieldname in self.searcher.schema:
            return self._facet(q)
        if type(q) is wq.Wildcard:
            q = q.normalize()   # as compile_tree would: `*` is Every(field), `ab*` a Prefix
        if (type(q) is wq.Prefix and not q.text) or (type(q) is wq.Wildcard and not q.text.strip("*")):
            return wq.Every(q.fieldname, boost=q.boost)   # every word: what Whoosh's Prefix("") matches
        kind = type(q)
        if kind not in (wq.Prefix, wq.Wildcard, wq.FuzzyTerm, wq.TermRange):
            return q   # a Term, or Every(field) for `*` (evaluate.py matches that one cheaply)
        schema = self.searcher.schema
        if q.fieldname not in schema or isinstance(schema[q.fieldname], NUMERIC_FIELDS):
            return q
        lex = lexicon(self.searcher, q.fieldname)
        written = None   # a text pattern's words as written: [(word, its stem)]
        self.cost.parts += 1
        if self.cost.expired():
            self.cost.cut_short("expanding")
            return Expanded(q.fieldname, [], q.boost)
        if kind is wq.FuzzyTerm:
            picked, found, scanned_out = self._fuzzy(lex, q)
        elif kind in (wq.Prefix, wq.Wildcard) and q.fieldname in TEXT_FIELDS and WORDS in schema:
            picked, found, scanned_out, written = self._as_written(lex, node)
        else:
            lo, hi = _bounds(lex, q)
            match = _matcher(q) if kind is wq.Wildcard else None
            picked, found, scanned_out = self._frequent(lex, lo, hi, match)
        if found > len(picked) or scanned_out:
            self.cost.capped_part(node, found, len(picked), more=scanned_out, scanned_out=scanned_out)
        self.cost.terms += len(picked)
        self.cost.kept_postings += int(lex.freqs[picked].sum()) if picked else 0
        expanded = Expanded(q.fieldname, [lex.words[i] for i in sorted(picked)], q.boost)
        if written is None:
            return expanded
        # the stems score and highlight; the words as written decide which documents match
        kept = {lex.words[i] for i in picked}
        return wq.Require(expanded, Expanded(WORDS, sorted(w for w, stem in written if stem in kept)))

    def _as_written(self, lex, node):
        """Return (indices of lex kept, stems found, scan cut, [(word, stem)]): a pattern on the words as written.

        The pattern is matched against the `words` vocabulary (folded, unstemmed); each word it
        matches brings its stem in the field (lex), if the field holds it. The stems are what the
        part keeps within the budget (scored and highlighted as before); the words, what it matches.
        """
        vocab = lexicon(self.searcher, WORDS)
        written = node.text if isinstance(node, _PREFIX_NODES) else node.pattern
        written = fold(written)
        q = wq.Prefix(WORDS, written) if isinstance(node, _PREFIX_NODES) else wq.Wildcard(WORDS, written).normalize()
        if type(q) is wq.Term:   # no wildcard left: the word itself
            q = wq.TermRange(WORDS, written, written)
        key = (type(q), written)
        if key not in self.written:   # an unfielded part is looked up once for title and body
            lo, hi = _bounds(vocab, q)
            self.written[key] = self._matching(vocab, lo, hi, _matcher(q) if type(q) is wq.Wildcard else None)
        matched, cut = self.written[key]
        if vocab.stems is None:
            vocab.stems = {}
        stems, written = set(), []
        for i in matched.tolist():
            stem = vocab.stems.get(i)
            if stem is None:
                stem = vocab.stems[i] = fold_stem(vocab.words[i])
            j = bisect.bisect_left(lex.words, stem)
            if j < len(lex.words) and lex.words[j] == stem:
                stems.add(j)
                written.append((vocab.words[i], stem))
        found = np.asarray(sorted(stems), dtype=np.int64)
        order = found[np.argsort(-lex.freqs[found], kind="stable")]
        return self._fit(lex, order.tolist()), len(found), cut, written

    def _facet(self, q):
        """Return a facet part compared folded with the facet's values: the values it stands for, fixed.

        A value (a Term, or a one-word Phrase: `person:"joe biden"`) is matched whole; a prefix,
        wildcard, fuzzy word or range within the budget, on the folded values.
        """
        kind = type(q)
        if kind is wq.Phrase:
            if len(q.words) != 1:
                return q
            q, kind = wq.Term(q.fieldname, q.words[0], boost=q.boost), wq.Term
        if kind not in (wq.Term, wq.Prefix, wq.Wildcard, wq.FuzzyTerm, wq.TermRange):
            return q
        keys, values = folded_lexicon(self.searcher, q.fieldname)
        if kind is wq.Term:
            text = fold(q.text)
            i = bisect.bisect_left(keys.words, text)
            picked = [i] if i < len(keys.words) and keys.words[i] == text else []
        else:
            self.cost.parts += 1
            if self.cost.expired():
                self.cost.cut_short("expanding")
                return Expanded(q.fieldname, [], q.boost)
            if kind is wq.FuzzyTerm:
                folded = wq.FuzzyTerm(q.fieldname, fold(q.text), maxdist=q.maxdist, prefixlength=q.prefixlength)
                picked, _found, _cut = self._fuzzy(keys, folded)
            else:
                if kind is wq.TermRange:
                    folded = wq.TermRange(q.fieldname, *(None if v is None else fold(v) for v in (q.start, q.end)),
                                          startexcl=q.startexcl, endexcl=q.endexcl)
                else:
                    folded = kind(q.fieldname, fold(q.text))
                lo, hi = _bounds(keys, folded)
                picked, _found, _cut = self._frequent(keys, lo, hi, _matcher(folded) if kind is wq.Wildcard else None)
            self.cost.terms += len(picked)
        originals = sorted({v for i in picked for v in keys.values[i]})
        if kind is wq.Term and [values.words[i] for i in originals] == [q.text]:
            return q   # the one value, as written
        return Expanded(q.fieldname, [values.words[i] for i in originals], q.boost)

    def _matching(self, lex, lo, hi, match):
        """Return (lexicon indices in [lo, hi) that match, scan cut), charging the scan."""
        end, cut = self._scan(lo, hi)
        if match is None:
            return np.arange(lo, end), cut
        words, hits = lex.words, []
        for start in range(lo, end, CHECK_EVERY):
            if self.cost.expired():
                self.cost.cut_short("expanding")
                cut = True
                break
            hits.extend(i for i in range(start, min(start + CHECK_EVERY, end)) if match(words[i]))
        return np.asarray(hits, dtype=np.int64), cut

    def _scan(self, lo, hi):
        """Return the end of the slice [lo, hi) this search may still look at, charging it; and whether it was cut."""
        room = max(self.budget.scanned - self.cost.scanned, 0)
        end = min(hi, lo + room)
        self.cost.scanned += end - lo
        return end, end < hi

    def _frequent(self, lex, lo, hi, match):
        """Return (lexicon indices kept, words found, scan cut) of words in [lo, hi) that match."""
        found, cut = self._matching(lex, lo, hi, match)
        order = found[np.argsort(-lex.freqs[found], kind="stable")]   # most frequent first; ties: lexicon order
        return self._fit(lex, order.tolist()), len(found), cut

    def _fuzzy(self, lex, q):
        """Return (lexicon indices kept, words found, scan cut) within q.maxdist of q.text, sharing its prefix."""
        text, maxdist = q.text, int(q.maxdist)
        lo, hi = _prefix_bounds(lex.words, text[:q.prefixlength])
        end, cut = self._scan(lo, hi)
        near = np.flatnonzero(np.abs(lex.lengths[lo:end] - len(text)) <= maxdist) + lo
        found = []
        for n, i in enumerate(near.tolist()):
            if n % CHECK_EVERY == CHECK_EVERY - 1 and self.cost.expired():
                self.cost.cut_short("expanding")
                cut = True
                break
            d = distance(lex.words[i], text, limit=maxdist) if maxdist else (0 if lex.words[i] == text else 1)
            if d <= maxdist:
                found.append((d, -int(lex.freqs[i]), i))
        found.sort()
        return self._fit(lex, [i for _d, _f, i in found]), len(found), cut

    def _fit(self, lex, order):
        """Return the first words of order (lexicon indices) that fit the part's share of words and postings.

        The share is also never more than what the query has left: a share is at least one word.
        """
        terms = min(self.share[0], self.budget.query_terms - self.cost.terms)
        room = min(self.share[1], self.budget.query_postings - self.cost.kept_postings)
        kept = []
        if terms <= 0:
            return kept
        for i, freq in zip(order, lex.freqs[order].tolist() if len(order) else []):
            if freq <= room:
                kept.append(i)
                room -= freq
                if len(kept) == terms:
                    break
        return kept


_PREFIX_NODES = (PrefixNode,)


def _bounds(lex, q):
    """Return the lexicon slice [lo, hi) a Prefix, Wildcard or TermRange can match at all."""
    words = lex.words
    if isinstance(q, wq.TermRange):
        lo = 0 if q.start is None else bisect.bisect_left(words, q.start)
        if q.start is not None and q.startexcl and lo < len(words) and words[lo] == q.start:
            lo += 1
        hi = len(words) if q.end is None else bisect.bisect_right(words, q.end)
        if q.end is not None and q.endexcl and hi > lo and words[hi - 1] == q.end:
            hi -= 1
        return lo, max(lo, hi)
    if isinstance(q, wq.Wildcard):
        return _prefix_bounds(words, _literal_prefix(q.text))
    return _prefix_bounds(words, q.text)


def _prefix_bounds(words, prefix):
    lo = bisect.bisect_left(words, prefix)
    return lo, (bisect.bisect_left(words, prefix_end(prefix), lo) if prefix else len(words))


def prefix_end(prefix):
    """Return the first string after every string that starts with prefix."""
    while prefix and ord(prefix[-1]) == 0x10FFFF:
        prefix = prefix[:-1]
    return prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else "\U0010ffff"


def _literal_prefix(pattern):
    """Return the text before a pattern's first special character (as Whoosh's PatternQuery)."""
    cut = [i for i in (pattern.find(c) for c in wq.Wildcard.SPECIAL_CHARS) if i >= 0]
    return pattern[:min(cut)] if cut else pattern


def _matcher(q):
    return re.compile(fnmatch.translate(q.text)).match
