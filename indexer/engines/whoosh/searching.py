"""Searching a Whoosh index: hits with snippets, facet counts, the filtered set in order.

Filters never enter the scored query: they are masks over document numbers (see counting.count_all)
applied to the query's matches, so relevance depends on the words alone. The query is evaluated
once (evaluate.evaluate: matches and BM25F scores); only a query it cannot score is scored by
Searcher.search, with the filter as `filter=`.
"""
import math

import numpy as np

from ...search.query import short_error
from ...search.results import Hit, SearchResult
from . import counting
from .evaluate import Unscorable, evaluate
from .parse import fallback, parse_query
from .schema import from_fields
from .snippets import highlight_all, highlight_terms, snippet

def search(searcher, request, facet_limit=None):
    """Run request against searcher: one page of hits with snippets, and the facet counts."""
    parsed = parse_query(request.q, searcher.schema)
    warnings = parsed.messages + list(request.warnings)
    query_mask, scores, parsed = evaluate_query(searcher, parsed, request, warnings)
    counts = counting.count_all(searcher, request, query_mask)
    total = int(counts.final_mask.sum())
    pages = max(1, math.ceil(total / request.per_page))
    page = request.page
    if page > pages:
        warnings.append(f"there are only {pages} pages; showing the last")
        page = pages
    hits = []
    if total:
        ranked = _ranked(searcher, parsed.query, request, counts, scores, limit=page * request.per_page)
        terms = highlight_terms(searcher, parsed)
        hits = [make_hit(searcher, docnum, score, terms)
                for docnum, score in ranked[(page - 1) * request.per_page:]]
    return SearchResult(request, parsed.error, total, page, pages, hits, counts.values, counts.histogram, warnings)


def evaluate_query(searcher, parsed, request, warnings):
    """Return (mask, scores or None, parsed) of the words; a query that fails to run falls back to plain words."""
    scored = request.effective_sort == "relevance"
    try:
        return (*_mask_and_scores(searcher, parsed.query, scored), parsed)
    except Exception as err:  # e.g. a range over a field that cannot hold one
        plain = fallback(parsed.text, parsed.text, searcher.schema, f"the query could not be run ({short_error(err)})")
        warnings.insert(len(parsed.notes), plain.error)
        return (*_mask_and_scores(searcher, plain.query, scored), plain)


def _mask_and_scores(searcher, q, scored):
    if scored:
        try:
            return evaluate(searcher, q, scored=True)
        except Unscorable:
            pass  # _ranked lets Whoosh score the page
    return evaluate(searcher, q)[0], None


def _ranked(searcher, q, request, counts, scores, limit):
    """Return [(docnum, score)] of the first `limit` documents of the result set (None: all), in order.

    The same order and scores as Searcher.search(q, filter=..., sortedby=...) gives: by score
    or date, ties by document number (reversed with sort=newest, as Whoosh reverses the whole key).
    """
    docs = np.flatnonzero(counts.final_mask)
    sort = request.effective_sort
    if sort in ("newest", "oldest"):
        keys = counting.dates(searcher)[docs]
        order = np.lexsort((docs, keys))
        if sort == "newest":
            order = order[::-1]
        order = order[:limit]
        return list(zip(docs[order].tolist(), keys[order].tolist()))
    if scores is None:
        results = searcher.search(q, limit=limit, filter=counts.allowed_set())
        return [(results.docnum(i), results.score(i)) for i in range(len(results.top_n))]
    values = scores[docs]
    if limit is not None and limit < len(docs):
        # the `limit` best; among equal scores at the cut, the lowest document numbers (as Whoosh)
        cut = np.partition(values, len(values) - limit)[len(values) - limit]
        above = values > cut
        at_cut = np.flatnonzero(values == cut)[: limit - int(above.sum())]
        keep = np.concatenate([np.flatnonzero(above), at_cut])
        docs, values = docs[keep], values[keep]
    order = np.lexsort((docs, -values))
    return list(zip(docs[order].tolist(), values[order].tolist()))


def ordered_docnums(searcher, request):
    """Yield every document number of the filtered set, in the request's order (no paging)."""
    parsed = parse_query(request.q, searcher.schema)
    query_mask, scores, parsed = evaluate_query(searcher, parsed, request, [])
    counts = counting.count_all(searcher, request, query_mask, facet_names=())
    if not counts.final_mask.any():
        return
    for docnum, _score in _ranked(searcher, parsed.query, request, counts, scores, limit=None):
        yield docnum


def make_hit(searcher, docnum, score, terms):
    """Return the Hit of a document: its stored fields, a snippet and the title with matches marked."""
    doc = from_fields(searcher.stored_fields(docnum))
    schema = searcher.schema
    return Hit(
        id=doc.id, title=doc.title, date=doc.date, date_iso=doc.date_iso, source=doc.source_text, url=doc.url,
        snippet=snippet(doc.body, terms.get("body"), schema["body"].analyzer),
        title_parts=highlight_all(doc.title, terms.get("title"), schema["title"].analyzer),
        person=doc.person, country=doc.country, org=doc.org, topic=doc.topic, subtopic=doc.subtopic,
        score=score,
    )
