"""Snippets and highlighting: a hit's body and title as (text, matched) parts around the query's words.

The fragments are Whoosh's highlight.highlight ones (tests compare them), made faster for the
schema's StemmingAnalyzer by stemming each distinct word once.
"""
import heapq
from collections import deque

from whoosh import highlight
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter, Token

from ...search.query import TEXT_FIELDS
from ...search.results import split_marks

SNIPPET_CHARS = 240

MARK_ON, MARK_OFF = "\x02", "\x03"


class MarkFormatter(highlight.Formatter):
    """Mark matched tokens with control characters, split later into (text, matched) parts."""

    between = " … "

    def format_token(self, text, token, replace=False):
        return MARK_ON + highlight.get_text(text, token, replace) + MARK_OFF


def highlight_terms(searcher, parsed):
    """Return {field: set of indexed words} that the query matched, wildcards and fuzzy expanded."""
    out = {}
    reader = searcher.reader()
    # Query.existing_terms() reuses its `fieldname` argument as a loop variable and so drops the
    # terms of every field after the first; walk the leaves here instead.
    for leaf in parsed.query.leaves():
        try:
            pairs = leaf.expanded_terms(reader)
        except Exception:  # best effort: some leaf types cannot list their terms
            continue
        for fieldname, text in pairs:
            if fieldname in TEXT_FIELDS:
                text = text.decode("utf-8") if isinstance(text, bytes) else text
                out.setdefault(fieldname, set()).add(text)
    return out


def marked_parts(marked):
    """Return [(text, matched)] of a fragment marked by this engine."""
    return split_marks(marked, MARK_ON, MARK_OFF)


def _clean(text):
    return text.replace(MARK_ON, "").replace(MARK_OFF, "")


def _highlight(text, terms, analyzer, fragmenter, top, minscore=1):
    """Return highlight.highlight(text, terms, analyzer, fragmenter, MarkFormatter(), top, minscore=...).

    The same fragments, but for the schema's StemmingAnalyzer the tokens come from _marked_tokens,
    which stems each distinct word once instead of running every token through the filter chain.
    """
    termset = frozenset(terms)
    parts = _analyzer_parts(analyzer)
    if parts is None:
        return highlight.highlight(text, termset, analyzer, fragmenter, MarkFormatter(), top=top,
                                   minscore=minscore)
    if type(fragmenter) is highlight.ContextFragmenter:
        return _context_highlight(text, termset, parts, fragmenter, top, minscore)
    tokens = _marked_tokens(text, termset, *parts, window=_context_window(fragmenter, text))
    fragments = fragmenter.fragment_tokens(text, tokens)
    best = highlight.top_fragments(fragments, top, highlight.BasicFragmentScorer(), highlight.FIRST, minscore)
    return MarkFormatter()(text, best)


def _context_highlight(text, termset, parts, fragmenter, top, minscore):
    """The fragments of a ContextFragmenter, scored and marked as _highlight's general path does
    (BasicFragmentScorer, highlight.FIRST order, MarkFormatter), on plain (start, end) spans.

    A snippet of a broad query walks every token near a match: Token objects, their copies,
    Fragment objects and the scorer's sets were most of its time. The fragmenting loop is
    ContextFragmenter.fragment_tokens line for line; tests compare the output with Whoosh's.
    """
    pattern, stop, stemfn, ignore = parts
    matches = list(pattern.finditer(text))
    words = [m.group() for m in matches]
    known = _known_forms(stop, stemfn, ignore)
    forms = {}
    for word in set(words):
        form = known.get(word)
        if form is None:
            form = known[word] = _form(word, stop, stemfn, ignore)
        forms[word] = form
    hits = [i for i, w in enumerate(words) if forms[w] in termset]
    if not hits:
        return ""
    window = _context_window(fragmenter, text)
    keep = _around(hits, window, len(words)) if window is not None else range(len(words))
    matched = set(hits)
    maxchars, surround, charlimit = fragmenter.maxchars, fragmenter.surround, fragmenter.charlimit
    frags = []   # (startchar, endchar, [token indices of its matches])
    first, firsts, countdown, tks, endchar, currentlen = None, deque(), -1, [], None, 0
    for i in keep:
        startchar, endchar = matches[i].span()
        tlength = endchar - startchar
        if charlimit and endchar > charlimit:
            break
        is_match = i in matched
        if countdown < 0 and not is_match:
            firsts.append(startchar)
            while firsts and endchar - firsts[0] > surround:
                firsts.popleft()
        elif currentlen + tlength > maxchars:
            countdown = 0
        elif is_match:
            countdown = surround
            if first is None:
                if firsts:
                    first = firsts[0]
                else:
                    first = startchar
                    countdown += surround
            tks.append(i)
        if countdown >= 0:
            currentlen += tlength
            countdown -= tlength
            if countdown <= 0:
                frags.append((first, endchar, tks))
                first, firsts, tks, currentlen = None, deque(), [], 0
    if tks:
        frags.append((first, endchar, tks))
    n = len(text)
    scored = []
    for k, (start, end, toks) in enumerate(frags):
        if start is None:   # as highlight.mkfrag
            start = matches[toks[0]].start() if toks else 0
        if end is None:
            end = matches[toks[-1]].end() if toks else n
        start, end = max(0, start), min(n, end)
        # BasicFragmentScorer: each match's boost (1.0), times 100 per distinct matched word
        score = float(len(toks)) * ((len({forms[words[i]] for i in toks}) * 100) or 1)
        # heapq.nlargest over (score, Fragment): ties go to the later start (Fragment.__lt__),
        # then to the earlier fragment
        scored.append((score, start, -k, end, toks))
    best = [f for f in heapq.nlargest(top, scored) if f[0] >= minscore]
    best.sort(key=lambda f: f[1])
    out = []
    for _score, start, _k, end, toks in best:
        index, parts_ = start, []
        for i in toks:
            s, e = matches[i].span()
            if s < index:
                continue
            if s > index:
                parts_.append(text[index:s])
            parts_.append(MARK_ON + text[s:e] + MARK_OFF)
            index = e
        parts_.append(text[index:end])
        out.append("".join(parts_))
    return MarkFormatter.between.join(out)


def _analyzer_parts(analyzer):
    """Return (tokenizer pattern, stop filter, stem function, ignored words) of a StemmingAnalyzer, else None."""
    items = getattr(analyzer, "items", None)
    if not items or [type(i) for i in items] != [RegexTokenizer, LowercaseFilter, StopFilter, StemFilter]:
        return None
    tokenizer, _lower, stop, stem = items
    if tokenizer.gaps:
        return None
    return tokenizer.expression, stop, stem._stem, stem.ignore


def _marked_tokens(text, termset, pattern, stop, stemfn, ignore, window=None):
    """Yield the tokens of analyzer(text, chars=True, removestops=False), `matched` set as
    highlight.set_matched_filter does; one Token object reused, as Whoosh's tokenizers do.

    With `window`, only the tokens within `window` tokens of a matched one: the rest cannot
    change what a ContextFragmenter makes of the stream (see CONTEXT_TOKENS).
    """
    matches = list(pattern.finditer(text))
    words = [m.group() for m in matches]
    known = _known_forms(stop, stemfn, ignore)
    forms = {}   # word -> (its indexed form, whether that is a query term)
    for word in set(words):
        form = known.get(word)
        if form is None:
            form = known[word] = _form(word, stop, stemfn, ignore)
        forms[word] = (form, form in termset)
    keep = range(len(words))
    if window is not None:
        hits = [i for i, w in enumerate(words) if forms[w][1]]
        keep = _around(hits, window, len(words))
    t = Token(chars=True, removestops=False)
    for i in keep:
        t.text, t.matched = forms[words[i]]  # the fragment scorer counts distinct matched forms
        t.startchar, t.endchar = matches[i].span()
        yield t


_forms = {}   # id(stem function) -> (stem function, {word: indexed form}); ids stay valid while held


def _known_forms(stop, stemfn, ignore):
    key = (id(stop), id(stemfn))
    found = _forms.get(key)
    if found is None or found[0] is not stop or found[1] is not stemfn or len(found[2]) > 500_000:
        found = _forms[key] = (stop, stemfn, {})
    return found[2]


def _form(word, stop, stemfn, ignore):
    """Return the indexed form of a word: lower case, stemmed unless a stop word (as StopFilter keeps it)."""
    lower = word.lower()
    stopped = not (len(lower) >= stop.min and (stop.max is None or len(lower) <= stop.max)
                   and lower not in stop.stops)
    return lower if stopped or lower in ignore else stemfn(lower)


def _around(hits, window, n):
    """Return the indices within window of any of hits (ascending), as a list."""
    out, end = [], 0
    for i in hits:
        start = max(i - window, end)
        end = max(end, min(i + window + 1, n))
        out.extend(range(start, end))
    return out


# A ContextFragmenter only looks back `surround` characters (at most surround / 2 + 1 tokens,
# as tokens are separated) and ends a fragment within `surround` token characters after its
# last match; tokens further than this from every match only pass through.
def _context_window(fragmenter, text):
    if type(fragmenter) is not highlight.ContextFragmenter or len(text) >= fragmenter.charlimit:
        return None
    return fragmenter.surround + 10


def snippet(text, terms, analyzer, top=2):
    """Return up to `top` fragments of text around the matched terms, or its opening."""
    text = _clean(text)
    if terms:
        frag = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS // top + 60, surround=70)
        marked = _highlight(text, terms, analyzer, frag, top)
        if marked:
            return marked_parts(marked)
    opening = " ".join(text[: SNIPPET_CHARS + 40].split())
    if len(text) > SNIPPET_CHARS:
        opening = opening[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return [(opening, False)] if opening else []


def highlight_all(text, terms, analyzer):
    """Return the whole of a short text (a title) with its matched terms marked."""
    text = _clean(text)
    if not terms or not text:
        return [(text, False)] if text else []
    marked = _highlight(text, terms, analyzer, highlight.WholeFragmenter(), top=1, minscore=0)
    return marked_parts(marked) if marked else [(text, False)]

