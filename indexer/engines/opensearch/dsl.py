"""The query language's tree (indexer.search.syntax) as the OpenSearch query DSL; never query_string.

Mirrors engines/whoosh/parse.py's reading of a tree:
- a word on the text fields (field None) must match in title or body (title weighs double),
  analysed as the index is (a word of several tokens, "covid-19", needs all of them in one field);
- a word the analyzer drops entirely (a stop word, one letter) is left out of its And/Or, as
  Whoosh drops its empty query; compile() returns None when nothing searchable is left;
- prefix and wildcard patterns are lower-cased and folded (not stemmed) and matched against the
  words as written (the `words` sub-fields: `*ovid` finds covid, not provided); range bounds are
  the word lower-cased, folded and stemmed as one token (Whoosh's process_text(tokenize=False)),
  compared with the indexed terms; both forms come from the cluster's own filters (`stems`, see
  word_forms), so they are the index's; fuzzy matches the analysed (stemmed) word within the
  edit distance;
- facet fields match whole values with case and accents ignored (their `folded` sub-fields), a
  subtopic also by its child's own label (`subtopic:election`); id matches exactly; date is a
  range on the date.
compile(tree, stems, highlight=True) is the query the highlighter is given: patterns on the
stemmed fields (as they were matched before the words sub-fields), since the unified highlighter
marks only the field it highlights.
"""
from dataclasses import fields

from ...facets import NAMES, SUBTOPIC_JOIN
from ...search import syntax as s
from ...search.folding import fold
from ...search.query import MAX_FUZZY
from ...search.syntax import TEXT_FIELDS
from .mapping import FOLDED, WORDS, words

TITLE_BOOST = 2.0
KEYWORD_FIELDS = NAMES + ("id",)


def compile(node, stems=None, patterns=None, highlight=False, max_expansions=None):
    """Return the query DSL of a syntax tree, or None when it has nothing searchable.

    `stems` maps a range bound (highlight: also a prefix or wildcard) to its indexed form,
    `patterns` a prefix or wildcard to its folded form (default: lower case only);
    `max_expansions`: the index words a fuzzy part may stand for (the query budget's share).
    """
    return _Compiler(stems or {}, patterns or {}, highlight, max_expansions).compile(node)


def stemmed_words(node, highlight=False):
    """Return the words of node that compile() wants stemmed: text range bounds (highlight: and patterns)."""
    out = []
    for leaf in _text_leaves(node):
        if isinstance(leaf, s.TermRange):
            out += [v for v in (leaf.start, leaf.end) if v]
        elif highlight:
            out += pattern_words(leaf)
    return out


def pattern_words(node):
    """Return the prefixes and wildcards of node on the text fields (compared with the words as written)."""
    out = []
    for leaf in _text_leaves(node):
        if isinstance(leaf, s.Prefix):
            out.append(leaf.text)
        elif isinstance(leaf, s.Wildcard):
            out.append(leaf.pattern)
    return out


def _text_leaves(node):
    return [leaf for leaf in _walk(node) if getattr(leaf, "field", "") in (None,) + TEXT_FIELDS]


def _walk(node):
    yield node
    for f in fields(node):
        value = getattr(node, f.name)
        if isinstance(value, s.Node):
            yield from _walk(value)
        elif isinstance(value, tuple):
            for child in value:
                if isinstance(child, s.Node):
                    yield from _walk(child)


class _Compiler:
    def __init__(self, stems, patterns, highlight=False, max_expansions=None):
        self.stems, self.patterns, self.highlight = stems, patterns, highlight
        self.expansions = {} if max_expansions is None else {"max_expansions": int(max_expansions)}

    def stem(self, word):
        return self.stems.get(word) or word.lower()

    def pattern(self, word):
        """Return a prefix or wildcard as compared: with the words as written, or (highlight) the stems."""
        if self.highlight:
            return self.stem(word)
        return self.patterns.get(word) or word.lower()

    def pattern_field(self, field):
        return field if self.highlight else f"{field}.{WORDS}"

    def compile(self, node):
        q = _compile(self, node)
        if q is not None and node.boost != 1.0:
            q = {"bool": {"must": [q], "boost": node.boost}}
        return q


def _compile(c, node):
    compile = c.compile
    if isinstance(node, s.Every):
        return {"match_all": {}}
    if isinstance(node, s.And):
        return _and(c, [n for n in node.children if not isinstance(n, s.Not)],
                    [n.child for n in node.children if isinstance(n, s.Not)])
    if isinstance(node, s.Or):
        parts = [q for q in map(compile, node.children) if q is not None]
        if len(parts) <= 1:
            return parts[0] if parts else None
        return {"bool": {"should": parts, "minimum_should_match": 1}}
    if isinstance(node, s.Not):
        if compile(node.child) is None:
            return None  # Whoosh: NOT of an empty query is empty, and drops out of its And / Or
        return _and(c, [s.Every()], [node.child])
    if isinstance(node, s.AndNot):
        return _and(c, [node.positive], [node.negative])
    if isinstance(node, s.AndMaybe):
        required, optional = compile(node.required), compile(node.optional)
        if required is None or optional is None:
            return required
        return {"bool": {"must": [required], "should": [optional]}}
    if isinstance(node, s.Require):   # a REQUIRE b: both, scored by a alone
        scored, required = compile(node.scored), compile(node.required)
        if scored is None or required is None:
            return scored or required
        return {"bool": {"must": [scored], "filter": [required]}}
    if isinstance(node, s.Error):
        return None   # a part that could not be read (the parser falls back before compiling it)
    if isinstance(node, s.DateRange):
        bounds = {}
        if node.start is not None:
            bounds["gte"] = node.start.isoformat()
        if node.end is not None:
            bounds["lte"] = node.end.isoformat()
        return {"range": {"date": bounds}} if bounds else {"exists": {"field": "date"}}
    field = getattr(node, "field", None)
    if field in KEYWORD_FIELDS:
        return _keyword(node, field, c.expansions)
    if field is None or field in TEXT_FIELDS:
        return _text(c, node, (field,) if field else TEXT_FIELDS)
    return None  # a field the query language has no use for (the parser turns them into words)


def _and(c, positive, negative):
    """Return positive AND NOT any of negative; a negative part with nothing searchable is left out."""
    must = [q for q in map(c.compile, positive) if q is not None]
    must_not = [q for q in map(c.compile, negative) if q is not None]
    if not must:
        if not must_not:
            return None  # nothing searchable is left
        must = [{"match_all": {}}]  # as Whoosh's And(NOT x) once its empty words are dropped: NOT x
    if not must_not and len(must) == 1:
        return must[0]
    out = {"must": must}
    if must_not:
        out["must_not"] = must_not
    return {"bool": out}


def _per_field(fields, make):
    """Return make(field) for each text field, OR-ed (Whoosh's MultifieldParser: any field may match)."""
    parts = []
    for f in fields:
        q = make(f)
        boost = TITLE_BOOST if f == "title" else 1.0
        if boost != 1.0:
            q = {"bool": {"must": [q], "boost": boost}}
        parts.append(q)
    return parts[0] if len(parts) == 1 else {"bool": {"should": parts, "minimum_should_match": 1}}


def _text(c, node, fields):
    if isinstance(node, s.Term):
        if not words(node.text):
            return None
        return _per_field(fields, lambda f: {"match": {f: {"query": node.text, "operator": "and"}}})
    if isinstance(node, s.Phrase):
        text = node.written
        if not words(text):
            return None
        slop = max(int(node.slop) - 1, 0)  # Whoosh's slop 1 is Lucene's 0: the words next to each other
        return _per_field(fields, lambda f: {"match_phrase": {f: {"query": text, "slop": slop}}})
    if isinstance(node, s.Prefix):
        text = c.pattern(node.text)
        return (_per_field(fields, lambda f: {"prefix": {c.pattern_field(f): {"value": text}}}) if text
                else {"match_all": {}})
    if isinstance(node, s.Wildcard):
        pattern = c.pattern(node.pattern)
        if pattern.strip("*") == "":
            return {"match_all": {}}
        return _per_field(fields, lambda f: {"wildcard": {c.pattern_field(f): {"value": pattern}}})
    if isinstance(node, s.Fuzzy):
        if not words(node.text):
            return None
        fuzzy = {"fuzziness": min(int(node.maxdist), MAX_FUZZY), "prefix_length": int(node.prefixlength),
                 **c.expansions}
        return _per_field(fields, lambda f: {"match": {f: {"query": node.text, "operator": "and", **fuzzy}}})
    if isinstance(node, s.TermRange):
        bounds = _bounds(node, c.stem)
        return _per_field(fields, lambda f: {"range": {f: bounds}})
    return None


def _keyword(node, field, expansions=None):
    """Return the query of a facet or id part: a facet's folded values (the cluster folds the text
    of term, prefix and wildcard queries by the sub-field's normalizer; fuzzy and range bounds are
    folded here), id's exact ones."""
    name, norm = (f"{field}.{FOLDED}", fold) if field in NAMES else (field, str)
    if isinstance(node, (s.Term, s.Phrase)):
        value = node.text if isinstance(node, s.Term) else node.written   # a facet value is one whole token
        q = {"term": {name: value}}
        if field == "subtopic":   # also by the child's own label: "election" is "… › election"
            child = {"wildcard": {name: {"value": "*" + _escaped(SUBTOPIC_JOIN + value)}}}
            q = {"bool": {"should": [q, child], "minimum_should_match": 1}}
        return q
    if isinstance(node, s.Prefix):
        return {"prefix": {name: {"value": node.text}}}
    if isinstance(node, s.Wildcard):
        return {"wildcard": {name: {"value": node.pattern}}}
    if isinstance(node, s.Fuzzy):
        return {"fuzzy": {name: {"value": norm(node.text), "fuzziness": min(int(node.maxdist), MAX_FUZZY),
                                 "prefix_length": int(node.prefixlength), **(expansions or {})}}}
    if isinstance(node, s.TermRange):
        return {"range": {name: _bounds(node, norm)}}
    return None


def _escaped(text):
    """Return text as a wildcard pattern that matches it literally."""
    return "".join("\\" + ch if ch in "*?\\" else ch for ch in text)


def _bounds(node, norm):
    bounds = {}
    if node.start is not None:
        bounds["gt" if node.startexcl else "gte"] = norm(node.start)
    if node.end is not None:
        bounds["lt" if node.endexcl else "lte"] = norm(node.end)
    return bounds
