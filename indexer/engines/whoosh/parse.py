"""Query parsing for Whoosh: the engine-neutral reading of the user's text, compiled to Whoosh queries.

search/query.py reads the text (and falls back to its plain words, with a message); here a
syntax tree becomes the query Whoosh's own MultifieldParser(["title", "body"]) + FuzzyTermPlugin
made of the same text: each word analysed by its field's analyzer as QueryParser.term_query
does, an unfielded part OR-ed over the text fields, and the result normalised.
"""
from dataclasses import replace

from whoosh import query as wq
from whoosh.util.times import datetime_to_long

from ...facets import NAMES as FACET_FIELDS
from ...search import query as neutral
from ...search import syntax as s
from ...search.parser import DATE_FIELD, Unreadable
from ...search.query import TEXT_FIELDS, short_error


def parse_query(text, schema, budget=None, expander=None):
    """Parse the user's query; on a syntax problem fall back to its plain words, with a message.

    A search passes its budget (search/query.py) and an expand.Expander: each wildcard, prefix,
    fuzzy word and range is then the fixed index words it expanded to, within the budget.
    Without them the query is the one Whoosh's own parser made of the text.
    """
    return neutral.parse_query(text, _compiler(schema, expander), budget)


def fallback(text, words, schema, problem, notes=()):
    """Return the plain-words reading of words, with a message that says what was searched."""
    return neutral.fallback(text, words, _compiler(schema), problem, notes)


def compile_tree(tree, schema, expand=None):
    """Return the Whoosh query of a syntax tree, or None when nothing in it is searchable.

    expand(query, node), if given, replaces the query of each wildcard, prefix, fuzzy word and
    range (expand.Expander.start(tree) makes it). Raises Unreadable for the first part that
    could not be read and that normalising kept.
    """
    q = _query(tree, schema, expand) or wq.NullQuery  # as QueryParser.parse: an empty group is the null query
    q = q.normalize()
    for leaf in q.leaves():  # a leaf query yields itself
        if getattr(leaf, "error", None) is not None:
            raise Unreadable(short_error(leaf.error))
    return None if isinstance(q, type(wq.NullQuery)) else q


def _compiler(schema, expander=None):
    if expander is None:
        return lambda tree: compile_tree(tree, schema)
    return lambda tree: compile_tree(tree, schema, expander.start(tree))


_TERMS = {s.Term: wq.Term, s.Prefix: wq.Prefix, s.Wildcard: wq.Wildcard, s.Fuzzy: wq.FuzzyTerm}
_BINARY = {s.AndNot: (wq.AndNot, "positive", "negative"), s.AndMaybe: (wq.AndMaybe, "required", "optional"),
           s.Require: (wq.Require, "scored", "required")}


def _query(node, schema, expand=None):
    """Return the query of node before normalising, None for a part with no words (as SyntaxNode.query)."""
    kind = type(node)
    if kind is s.Every:
        return wq.Every()
    if kind in (s.And, s.Or):
        subs = [q for q in (_query(c, schema, expand) for c in node.children) if q is not None]
        return (wq.And if kind is s.And else wq.Or)(subs, boost=node.boost)
    if kind is s.Not:
        q = _query(node.child, schema, expand)
        return wq.Not(q) if q else None   # an empty group is false: NOT of it is nothing
    if kind in _BINARY:
        qclass, first, second = _BINARY[kind]
        a, b = _query(getattr(node, first), schema, expand), _query(getattr(node, second), schema, expand)
        if a is None:
            return wq.NullQuery if b is None else b   # as BinaryGroup: a side with no words drops out
        return a if b is None else qclass(a, b)
    if kind is s.DateRange:
        return _date(node)
    if kind is s.Error:
        return wq.error_query(node.message)   # a null query that says why; compile_tree raises it
    if node.field is None:
        # MultifieldParser: the part in each text field, at boost 1, OR-ed with the part's boost
        subs = (_leaf(replace(node, field=f, boost=1.0), schema, expand, node) for f in TEXT_FIELDS)
        return wq.Or([q for q in subs if q is not None], boost=node.boost)
    return _leaf(node, schema, expand, node)


def _leaf(node, schema, expand=None, written=None):
    q = _leaf_query(node, schema)
    if expand is not None and q is not None and (isinstance(node, _EXPANDING) or node.field in FACET_FIELDS):
        return expand(q, written)   # the part as written (unfielded: for both fields); a facet's value folded
    return q


_EXPANDING = (s.Prefix, s.Wildcard, s.Fuzzy, s.TermRange)


def _leaf_query(node, schema):
    field = schema[node.field]
    if isinstance(node, s.Phrase):
        if field.analyzer:
            words = [t.text for t in field.tokenize(node.written, mode="query", chars=True)]
        else:
            words = list(field.process_text(node.written, mode="query"))
        return wq.Phrase(node.field, words, slop=node.slop, boost=node.boost)
    if isinstance(node, s.TermRange):
        start, end = (_first_token(field, v) if v else v for v in (node.start, node.end))
        return wq.TermRange(node.field, start, end, node.startexcl, node.endexcl, boost=node.boost)
    if isinstance(node, s.Term):
        return _term(field, node.field, node.text, wq.Term, node.boost, tokenize=True)
    q = _term(field, node.field, node.pattern if isinstance(node, s.Wildcard) else node.text,
              _TERMS[type(node)], node.boost, tokenize=False)
    if isinstance(node, s.Fuzzy):
        q.maxdist, q.prefixlength = node.maxdist, node.prefixlength
    return q


def _term(field, name, text, termclass, boost, tokenize):
    """Return the query of one word as QueryParser.term_query: None if the analyzer leaves nothing.

    A word of several tokens (covid-19, new-york) needs all of them: the schema's fields keep
    multitoken_query "default", which is the parser's AND.
    """
    texts = list(field.process_text(text, mode="query", tokenize=tokenize, removestops=tokenize))
    if len(texts) > 1:
        return wq.And([termclass(name, t, boost=boost) for t in texts])
    return termclass(name, texts[0], boost=boost) if texts else None


def _first_token(field, text):
    for token in field.process_text(text, mode="query", tokenize=False, removestops=False):
        return token
    return None


def _date(node):
    """Return the query DATETIME.parse_query (a value) or parse_range makes of a date span."""
    if node.start is None and node.end is None:
        return wq.Every(DATE_FIELD, boost=node.boost)
    if node.start == node.end:   # a value to the microsecond
        return wq.Term(DATE_FIELD, node.start, boost=node.boost)
    start, end = (None if d is None else datetime_to_long(d) for d in (node.start, node.end))
    return wq.NumericRange(DATE_FIELD, start, end, boost=node.boost)
