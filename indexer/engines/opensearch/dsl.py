"""The query language's tree (indexer.search.syntax) as the OpenSearch query DSL; never query_string.

Mirrors engines/whoosh/parse.py's reading of a tree:
- a word on the text fields (field None) must match in title or body (title weighs double),
  analysed as the index is (a word of several tokens, "covid-19", needs all of them in one field);
- a word the analyzer drops entirely (a stop word, one letter) is left out of its And/Or, as
  Whoosh drops its empty query; compile() returns None when nothing searchable is left;
- prefix, wildcard and range compare the lower-cased word with the indexed (stemmed) terms,
  fuzzy matches the analysed (stemmed) word within the edit distance;
- facet fields and id match whole values exactly (case kept); date is a range on the date.
"""
from ...facets import NAMES
from ...search import syntax as s
from ...search.query import MAX_FUZZY, TEXT_FIELDS
from .mapping import words

TITLE_BOOST = 2.0
KEYWORD_FIELDS = NAMES + ("id",)


def compile(node):
    """Return the query DSL of a syntax tree, or None when it has nothing searchable."""
    q = _compile(node)
    if q is not None and node.boost != 1.0:
        q = {"bool": {"must": [q], "boost": node.boost}}
    return q


def _compile(node):
    if isinstance(node, s.Every):
        return {"match_all": {}}
    if isinstance(node, s.And):
        return _and([c for c in node.children if not isinstance(c, s.Not)],
                    [c.child for c in node.children if isinstance(c, s.Not)])
    if isinstance(node, s.Or):
        parts = [q for q in map(compile, node.children) if q is not None]
        if len(parts) <= 1:
            return parts[0] if parts else None
        return {"bool": {"should": parts, "minimum_should_match": 1}}
    if isinstance(node, s.Not):
        if compile(node.child) is None:
            return None  # Whoosh: NOT of an empty query is empty, and drops out of its And / Or
        return _and([s.Every()], [node.child])
    if isinstance(node, s.AndNot):
        return _and([node.positive], [node.negative])
    if isinstance(node, s.AndMaybe):
        required, optional = compile(node.required), compile(node.optional)
        if required is None or optional is None:
            return required
        return {"bool": {"must": [required], "should": [optional]}}
    if isinstance(node, s.DateRange):
        bounds = {}
        if node.start is not None:
            bounds["gte"] = node.start.isoformat()
        if node.end is not None:
            bounds["lte"] = node.end.isoformat()
        return {"range": {"date": bounds}} if bounds else {"exists": {"field": "date"}}
    field = getattr(node, "field", None)
    if field in KEYWORD_FIELDS:
        return _keyword(node, field)
    if field is None or field in TEXT_FIELDS:
        return _text(node, (field,) if field else TEXT_FIELDS)
    return None  # a field the query language has no use for (the parser turns them into words)


def _and(positive, negative):
    """Return positive AND NOT any of negative; a negative part with nothing searchable is left out."""
    must = [q for q in map(compile, positive) if q is not None]
    must_not = [q for q in map(compile, negative) if q is not None]
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


def _text(node, fields):
    if isinstance(node, s.Term):
        if not words(node.text):
            return None
        return _per_field(fields, lambda f: {"match": {f: {"query": node.text, "operator": "and"}}})
    if isinstance(node, s.Phrase):
        text = " ".join(node.words)
        if not words(text):
            return None
        slop = max(int(node.slop) - 1, 0)  # Whoosh's slop 1 is Lucene's 0: the words next to each other
        return _per_field(fields, lambda f: {"match_phrase": {f: {"query": text, "slop": slop}}})
    if isinstance(node, s.Prefix):
        text = node.text.lower()
        return _per_field(fields, lambda f: {"prefix": {f: {"value": text}}}) if text else {"match_all": {}}
    if isinstance(node, s.Wildcard):
        pattern = node.pattern.lower()
        if pattern.strip("*") == "":
            return {"match_all": {}}
        return _per_field(fields, lambda f: {"wildcard": {f: {"value": pattern}}})
    if isinstance(node, s.Fuzzy):
        if not words(node.text):
            return None
        fuzzy = {"fuzziness": min(int(node.maxdist), MAX_FUZZY), "prefix_length": int(node.prefixlength)}
        return _per_field(fields, lambda f: {"match": {f: {"query": node.text, "operator": "and", **fuzzy}}})
    if isinstance(node, s.TermRange):
        bounds = _bounds(node, str.lower)
        return _per_field(fields, lambda f: {"range": {f: bounds}})
    return None


def _keyword(node, field):
    if isinstance(node, s.Term):
        return {"term": {field: node.text}}
    if isinstance(node, s.Phrase):
        return {"term": {field: " ".join(node.words)}}   # a facet value is one whole token
    if isinstance(node, s.Prefix):
        return {"prefix": {field: {"value": node.text}}}
    if isinstance(node, s.Wildcard):
        return {"wildcard": {field: {"value": node.pattern}}}
    if isinstance(node, s.Fuzzy):
        return {"fuzzy": {field: {"value": node.text, "fuzziness": min(int(node.maxdist), MAX_FUZZY),
                                  "prefix_length": int(node.prefixlength)}}}
    if isinstance(node, s.TermRange):
        return {"range": {field: _bounds(node, str)}}
    return None


def _bounds(node, norm):
    bounds = {}
    if node.start is not None:
        bounds["gt" if node.startexcl else "gte"] = norm(node.start)
    if node.end is not None:
        bounds["lt" if node.endexcl else "lte"] = norm(node.end)
    return bounds
