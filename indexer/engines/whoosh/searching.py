"""Searching a Whoosh index: hits with snippets, facet counts, the filtered set in order.

Filters never enter the scored query: they are masks over document numbers (see counting.count_all)
applied to the query's matches, so relevance depends on the words alone. The query is evaluated
once (evaluate.evaluate: matches and BM25F scores); only a query it cannot score is scored by
Searcher.search, with the filter as `filter=`.

Every search runs within a budget (search/query.py: QueryBudget): its wildcards, prefixes, fuzzy
words and ranges are expanded once, within the budget's number of words (expand.py), and reused
for matching, scoring and highlighting; past its time limit each stage stops where it is
(expanding, matching, counting, snippets) and the answer says so. An export cannot be partial:
past the limit it raises QueryTooCostly before its first record.
"""
import math
import time

import numpy as np
from whoosh.collectors import TimeLimit, TimeLimitCollector

from ...search.query import DEFAULT_BUDGET, QueryTooCostly, log_cost, short_error, shown
from ...search.results import Hit, SearchResult
from . import counting, dedupe
from .evaluate import Unscorable, evaluate
from .expand import Expander
from .parse import fallback, parse_query
from .schema import from_fields
from .snippets import highlight_all, highlight_terms, snippet


def search(searcher, request, facet_limit=None, cost=None):
    """Run request against searcher: one page of hits with snippets, and the facet counts.

    cost: the search's QueryCost (QueryBudget.start()); None: the default budget, no slots.
    """
    cost = cost or DEFAULT_BUDGET.start()
    try:
        return _search(searcher, request, cost)
    finally:
        cost.release()


def _search(searcher, request, cost):
    parsed, query_mask, scores, warnings = query_matches(searcher, request, cost)
    warnings += list(request.warnings)
    if request.dup:
        query_mask = dedupe.restrict(searcher, query_mask, request.dup)
    counts = counting.count_all(searcher, request, query_mask, cost=cost)
    total = int(counts.final_mask.sum())
    if request.dedupe:
        return _deduped(searcher, request, parsed, counts, scores, warnings, cost, total)
    pages = max(1, math.ceil(total / request.per_page))
    page = request.page
    if page > pages:
        warnings.append(f"there are only {pages} pages; showing the last")
        page = pages
    hits = []
    if total:
        ranked = _ranked(searcher, parsed.query, request, counts, scores, limit=page * request.per_page, cost=cost)
        terms = highlight_terms(searcher, parsed)
        for docnum, score in ranked[(page - 1) * request.per_page:]:
            if terms and cost.expired():
                cost.cut_short("snippets")
                terms = {}   # the rest show their opening: highlighting is what takes the time
            hits.append(make_hit(searcher, docnum, score, terms))
    warnings += cost.warnings()
    log_cost(cost, "search", request.q)
    return SearchResult(request, parsed.error, total, page, pages, hits, counts.values, counts.histogram, warnings)


def _deduped(searcher, request, parsed, counts, scores, warnings, cost, total):
    """The page of a dedupe search: each near-duplicate group once, at its best-ranked member."""
    ranked = _ranked(searcher, parsed.query, request, counts, scores, limit=None, cost=cost) if total else []
    groups = dedupe.collapse(searcher, ranked, counts.final_mask)
    pages = max(1, math.ceil(len(groups) / request.per_page))
    page = request.page
    if page > pages:
        warnings.append(f"there are only {pages} pages; showing the last")
        page = pages
    terms = highlight_terms(searcher, parsed) if groups else {}
    hits = []
    for docnum, score, group, size in groups[(page - 1) * request.per_page:page * request.per_page]:
        hit = make_hit(searcher, docnum, score, terms)
        hit.dup, hit.versions = group, size
        hits.append(hit)
    warnings += cost.warnings()
    log_cost(cost, "search", request.q)
    return SearchResult(request, parsed.error, total, page, pages, hits, counts.values, counts.histogram, warnings,
                        groups=len(groups))


def query_matches(searcher, request, cost):
    """Return (parsed, mask, scores or None, warnings) of the request's words, within cost's budget."""
    parsed = parse_query(request.q, searcher.schema, cost.budget, Expander(searcher, cost))
    warnings = parsed.messages
    mask, scores, parsed = evaluate_query(searcher, parsed, request, warnings, cost)
    return parsed, mask, scores, warnings


def evaluate_query(searcher, parsed, request, warnings, cost=None):
    """Return (mask, scores or None, parsed) of the words; a query that fails to run falls back to plain words."""
    scored = request.effective_sort == "relevance"
    try:
        return (*_mask_and_scores(searcher, parsed.query, scored, cost), parsed)
    except Exception as err:  # e.g. a range over a field that cannot hold one
        plain = fallback(parsed.text, parsed.text, searcher.schema, f"the query could not be run ({short_error(err)})")
        warnings.insert(len(parsed.notes), plain.error)
        return (*_mask_and_scores(searcher, plain.query, scored, cost), plain)


def _mask_and_scores(searcher, q, scored, cost=None):
    if scored:
        try:
            return evaluate(searcher, q, scored=True, cost=cost)
        except Unscorable:
            pass  # _ranked lets Whoosh score the page
    return evaluate(searcher, q, cost=cost)[0], None


def _ranked(searcher, q, request, counts, scores, limit, cost=None):
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
        results = _whoosh_scored(searcher, q, limit, counts.allowed_set(), cost)
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


def _whoosh_scored(searcher, q, limit, allowed, cost):
    """Return Searcher.search(q, limit=limit, filter=allowed), cut short at the time limit (partial results)."""
    if cost is None:
        return searcher.search(q, limit=limit, filter=allowed)
    left = max(cost.deadline - time.monotonic(), 0.0)
    collector = TimeLimitCollector(searcher.collector(limit=limit, filter=allowed), timelimit=left,
                                   use_alarm=False)   # signals reach only the main thread
    try:
        searcher.search_with_collector(q, collector)
    except TimeLimit:
        cost.cut_short("matching")
    return collector.results()


def ordered_docnums(searcher, request, cost=None):
    """Return every document number of the filtered set, in the request's order (no paging).

    Raises QueryTooCostly when the time limit (or a lack of long-search slots) cut the query
    short: an export is never partial.
    """
    cost = cost or DEFAULT_BUDGET.start()
    try:
        parsed, query_mask, scores, _warnings = query_matches(searcher, request, cost)
        if request.dup:
            query_mask = dedupe.restrict(searcher, query_mask, request.dup)
        counts = counting.count_all(searcher, request, query_mask, facet_names=(), cost=cost)
        ranked = (_ranked(searcher, parsed.query, request, counts, scores, limit=None, cost=cost)
                  if counts.final_mask.any() else [])
    finally:
        cost.release()
    log_cost(cost, "export", request.q)
    if cost.busy:
        raise QueryTooCostly("other long searches are running: export again in a few seconds")
    if cost.timed_out:
        raise QueryTooCostly(f"the query {shown(request.q, 60)} needs more than its time limit of "
                             f"{cost.budget.seconds:g} s to find its articles; narrow it (fewer wildcards "
                             "or fuzzy words) and export again")
    if request.dedupe:
        return [docnum for docnum, *_rest in dedupe.collapse(searcher, ranked, counts.final_mask)]
    return [docnum for docnum, _score in ranked]


def make_hit(searcher, docnum, score, terms):
    """Return the Hit of a document: its stored fields, a snippet and the title with matches marked."""
    doc = from_fields(searcher.stored_fields(docnum))
    schema = searcher.schema
    return Hit(
        id=doc.id, title=doc.title, date=doc.date, date_iso=doc.date_iso, source=doc.source_text, url=doc.url,
        snippet=snippet(doc.body, terms.get("body"), schema["body"].analyzer),
        title_parts=highlight_all(doc.title, terms.get("title"), schema["title"].analyzer),
        person=doc.person, country=doc.country, org=doc.org, topic=doc.topic, subtopic=doc.subtopic,
        score=score, dup=doc.dup,
    )
