"""Did you mean: why a search found nothing, and the nearest searches that find something.

    for s in explain(reader, result):     # a contract Reader, the SearchResult it answered
        s.message                         # "no article contains “elction”"
        s.options                         # [Option("election", SearchRequest(q="election …"))]

Engine-neutral: it reads the query with parser.py and asks the reader (suggest_words for the
words of title and body, facet_values for facet values), so every engine explains alike. It is
asked only when it can help, and asks little: a search that found articles is explained only
for its filter values that no article holds; one that found none, for each of its words (at
most MAX_WORDS) and facet parts, and for the filters that together leave nothing.

The rules the engines' suggest_words() share are declared here too: which words get
suggestions (MIN_SUGGESTED letters or more), how far a suggestion may be (edit_limit: letters
added, dropped, changed or swapped), how they are ranked (nearest, then the most frequent).
"""
import difflib
import re
from dataclasses import dataclass, field, replace

from ..facets import NAMES, SUBTOPIC_JOIN
from . import syntax as s
from .folding import fold
from .parser import Unreadable, parse
from .query import FIELD_PREFIX, QUERY_FIELDS, TEXT_FIELDS, plain_words, shown, syntax_problem
from .request import KNOWN_PARAMS, SearchRequest

MIN_SUGGESTED = 3        # letters a word needs to get suggestions
MAX_WORDS = 5            # words of one query looked up
OPTIONS = 3              # options offered per problem
VALUES_LOOKED_AT = 5000  # a facet's most frequent values compared with a value that matches nothing
CLOSE = 0.75             # difflib ratio a value or name must reach to be offered


def edit_limit(word):
    """Return the edit distance a suggestion for word may have: 1 up to 4 letters, else 2."""
    return 1 if len(word) <= 4 else 2


def ranked(found, limit):
    """Return the words of [(word, distance, frequency)]: nearest first, then most frequent, then A-Z."""
    return [w for w, _d, _f in sorted(found, key=lambda c: (c[1], -c[2], c[0]))[:limit]]


def edit_distance(a, b, limit=None):
    """Return the optimal-string-alignment distance of a and b (a swap of two letters is one edit)."""
    if limit is not None and abs(len(a) - len(b)) >= limit:
        return limit
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


@dataclass
class Option:
    label: str                  # what is offered: "election", "person: Joe Biden", "without the filters"
    request: SearchRequest      # the search it stands for (page 1)


@dataclass
class Suggestion:
    message: str
    options: list = field(default_factory=list)   # [Option], nearest first


def explain(reader, result):
    """Return [Suggestion] for a search answered by result (none when there is nothing to say)."""
    req = result.request
    out = _filter_values(reader, req, result)
    if result.total == 0 and (req.q.strip() or req.has_filters()):
        out += _query_parts(reader, req)
        if not out:
            out += _combination(reader, req)
    return out


def near_names(name, names=KNOWN_PARAMS):
    """Return the known names nearest to a mistyped one (for "unknown parameter" and "no field")."""
    return difflib.get_close_matches(name.lower(), sorted(names), n=OPTIONS, cutoff=CLOSE)


# --- filter values no article holds ---------------------------------------------------------

def _filter_values(reader, req, result):
    out = []
    for name in NAMES:
        counts = result.facets.get(name, {})
        missing = [v for v in req.filters.get(name, ()) if not counts.get(v)]
        if not missing:
            continue
        values = _values(reader, name)
        for value in missing:
            if value in values:
                continue   # held by some article, only not with the rest of this search
            near = _near_values(value, values, name)
            options = [Option(f"{name}: {v}", _with_filter(req, name, value, v)) for v in near]
            out.append(Suggestion(f"no article has the {name} “{shown(value, 60)}”"
                                  + ("" if near else f"; it is not a {name} of this index"), options))
    return out


def _values(reader, name):
    values, _truncated = reader.facet_values(SearchRequest(), name, limit=VALUES_LOOKED_AT)
    return {v: c for v, c in values}


def _near_values(value, values, name):
    """Return the values nearest to value: the same once folded first, then the closest spellings."""
    by_fold = {}
    for v in sorted(values, key=lambda v: -values[v]):
        keys = [fold(v)] + ([fold(v.split(SUBTOPIC_JOIN, 1)[1])] if name == "subtopic" and SUBTOPIC_JOIN in v else [])
        for k in keys:
            by_fold.setdefault(k, []).append(v)
    key = fold(value)
    near = list(by_fold.get(key, []))
    for k in difflib.get_close_matches(key, list(by_fold), n=OPTIONS, cutoff=CLOSE):
        near += [v for v in by_fold[k] if v not in near]
    return near[:OPTIONS]


def _with_filter(req, name, old, new):
    filters = {k: list(v) for k, v in req.filters.items()}
    filters[name] = list(dict.fromkeys(new if v == old else v for v in filters[name]))
    return replace(req, filters=filters, page=1, warnings=[])


# --- words and facet parts of the query -----------------------------------------------------

def _query_parts(reader, req):
    out = []
    tree = _tree(req.q)
    for word in _positive_words(tree)[:MAX_WORDS]:
        if _matches(reader, word):
            continue
        near = [w for w in reader.suggest_words(word, OPTIONS + 1) if w != fold(word)][:OPTIONS]
        options = [Option(w, _with_q(req, _replace_word(req.q, word, w))) for w in near]
        out.append(Suggestion(f"no article contains “{shown(word, 40)}”", options))
    for name, value in _positive_facet_parts(tree):
        values = _values(reader, name)
        if any(_same(v, value, name) for v in values):
            continue
        near = _near_values(value, values, name)
        options = [Option(f"{name}: {v}", _with_q(req, _replace_value(req.q, name, value, v))) for v in near]
        out.append(Suggestion(f"no article has a {name} “{shown(value, 60)}”", options))
    out += _unknown_fields(req)
    return out


def _tree(q):
    if not q.strip() or syntax_problem(q):
        return parse(" ".join(plain_words(q)), fuzzy=False) if plain_words(q) else s.Every()
    try:
        return parse(q)
    except (Unreadable, RecursionError):
        return s.Every()


def _positive(tree):
    """Yield the leaves of tree that a match must hold (not under NOT, not the optional side)."""
    if isinstance(tree, (s.And, s.Or)):
        for child in tree.children:
            yield from _positive(child)
    elif isinstance(tree, (s.AndNot, s.AndMaybe, s.Require)):
        yield from _positive(tree.positive if isinstance(tree, s.AndNot) else
                             tree.required if isinstance(tree, s.AndMaybe) else tree.scored)
        if isinstance(tree, s.Require):
            yield from _positive(tree.required)
    elif not isinstance(tree, (s.Not, s.Every)):
        yield tree


def _positive_words(tree):
    words = []
    for leaf in _positive(tree):
        if isinstance(leaf, s.Term) and leaf.field in (None, *TEXT_FIELDS):
            words += [w for w in re.findall(r"\w+", leaf.text) if len(w) >= MIN_SUGGESTED]
    return list(dict.fromkeys(words))


def _positive_facet_parts(tree):
    out = []
    for leaf in _positive(tree):
        if isinstance(leaf, (s.Term, s.Phrase)) and leaf.field in NAMES:
            value = leaf.text if isinstance(leaf, s.Term) else leaf.written
            out.append((leaf.field, value))
    return list(dict.fromkeys(out))[:MAX_WORDS]


def _same(stored, value, name):
    key = fold(value)
    return fold(stored) == key or (name == "subtopic" and SUBTOPIC_JOIN in stored
                                   and fold(stored.split(SUBTOPIC_JOIN, 1)[1]) == key)


def _matches(reader, word):
    """Return whether one word alone finds an article (its stem, as the engine searches it)."""
    return reader.search(SearchRequest(q=word, per_page=10)).total > 0


def _with_q(req, q):
    return replace(req, q=q, page=1, warnings=[])


def _replace_word(q, old, new):
    """Return q with the word old (as written, whole) replaced by new, once."""
    return re.sub(rf"(?<!\w){re.escape(old)}(?!\w)", lambda m: new, q, count=1)


def _replace_value(q, name, old, new):
    """Return q with `name:old` (quoted or not) written as name:"new"."""
    pattern = rf"(?<![\w.]){re.escape(name)}:(\"{re.escape(old)}\"|'{re.escape(old)}'|{re.escape(old)}(?![^\s()]))"
    return re.sub(pattern, lambda m: f'{name}:"{new}"', q, count=1)


def _unknown_fields(req):
    out = []
    for m in FIELD_PREFIX.finditer(req.q):
        name = m[1]
        if name in QUERY_FIELDS:
            continue
        near = near_names(name, QUERY_FIELDS)
        if near:
            fixed = req.q[:m.start(1)] + near[0] + req.q[m.end(1):]
            out.append(Suggestion(f"there is no field “{shown(name, 40)}”", [Option(f"{near[0]}:", _with_q(req, fixed))]))
    return out


# --- each part finds articles, together nothing ---------------------------------------------

def _combination(reader, req):
    """Say so when the words find articles and the filters do, but not together."""
    if not (req.q.strip() and req.has_filters()):
        return []
    words_alone = replace(req, filters={}, excludes={}, date_from=None, date_to=None, page=1, warnings=[])
    found = reader.search(replace(words_alone, per_page=10)).total
    if not found:
        return []
    return [Suggestion(f"“{shown(req.q, 60)}” finds {found:,} article{'s' if found != 1 else ''}, "
                       "none of them with all the filters chosen", [Option("without the filters", words_alone)])]
