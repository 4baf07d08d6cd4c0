"""One search on the cluster: hits with highlighted parts, exact facet counts, the date histogram.

One request answers a page: the words as `query` (scored), the filters as `post_filter`, each
facet's counts and the histogram's days as aggregations (counting.py). A query the cluster
refuses (HTTP 400: a range it cannot run) is searched again as its plain words, with a warning.

Order: relevance is _score then id (Whoosh breaks ties by index order, which a cluster does not
have: id is reproducible); newest / oldest is the date then id, reversed as a whole for newest
(as Whoosh reverses its whole key), so an undated article comes first with newest, last with oldest.
"""
import hashlib
import math

from opensearchpy import exceptions as ox

from ...errors import EngineError
from ...search.query import DEFAULT_BUDGET, expanding_parts, fallback, parse_query, short_error
from ...search.results import Hit, SearchResult, split_marks
from . import counting, dedupe
from .client import reason
from .dsl import compile, pattern_words, stemmed_words
from .mapping import PATTERN_FORM, STALE, WORD_FORM, from_source

SNIPPET_CHARS = 240          # as engines/whoosh/snippets.py
FRAGMENTS = 2
FRAGMENT_CHARS = SNIPPET_CHARS // FRAGMENTS + 60
# Private-use characters: the highlighter trims control characters (<= U+0020) off a fragment's ends.
MARK_ON, MARK_OFF = "\ue000", "\ue001"
BETWEEN = " … "
HIT_SOURCE = {"excludes": ["mentions_json", "topics_json", "meta_json", "raw_json"]}  # a hit needs none of them


def sort_of(request):
    sort = request.effective_sort
    if sort == "newest":
        return [{"date": {"order": "desc", "missing": "_first"}}, {"id": "desc"}]
    if sort == "oldest":
        return [{"date": {"order": "asc", "missing": "_last"}}, {"id": "asc"}]
    return [{"_score": "desc"}, {"id": "asc"}]


def preference(request):
    """Return the shard-copy preference of a search: the same for all its pages, spread over searches."""
    return "fw-" + hashlib.sha1(repr(request.params(page=False)).encode("utf-8")).hexdigest()[:16]


def highlight():
    return {"type": "unified", "pre_tags": [MARK_ON], "post_tags": [MARK_OFF], "require_field_match": True,
            "fields": {"body": {"fragment_size": FRAGMENT_CHARS, "number_of_fragments": FRAGMENTS,
                                "no_match_size": 0},
                       "title": {"number_of_fragments": 0}}}


class QueryRefused(Exception):
    """The cluster refused to run the query as written (HTTP 400)."""


class Searcher:
    """Searches of one concrete index through a client; `run(body)` turns failures into messages."""

    def __init__(self, client, index, failures, where, budget=DEFAULT_BUDGET):
        self.client, self.index, self.failures, self.where = client, index, failures, where
        self.budget = budget   # its fuzzy rules and each fuzzy part's share of words (search/query.py)

    def word_forms(self, words, form=WORD_FORM):
        """Return {word: its indexed form} by the cluster's own filters (one request; form: PATTERN_FORM
        for the words as written)."""
        words = sorted({w for w in words if w.strip()})
        if not words:
            return {}
        with self.failures(f"stemming {len(words)} word(s) for {self.index}"):
            tokens = self.client.indices.analyze(body=dict(form, text=words))["tokens"]
        return {w: t["token"] for w, t in zip(words, tokens)}

    def compile(self, tree):
        """Return the query DSL of a syntax tree (None: nothing searchable), with its words stemmed here."""
        return compile(tree, self.word_forms(stemmed_words(tree)), self.word_forms(pattern_words(tree), PATTERN_FORM),
                       max_expansions=self.budget.part_share(expanding_parts(tree))[0])

    def highlight_query(self, tree):
        """Return the query the highlighter marks with when the tree has prefixes or wildcards, else None."""
        if not pattern_words(tree):
            return None
        return compile(tree, self.word_forms(stemmed_words(tree, highlight=True)), highlight=True)

    def run(self, body, what="searching", refusable=False, **params):
        """Run one search; with `refusable`, a query the cluster cannot run raises QueryRefused."""
        params.setdefault("allow_partial_search_results", "false")  # a missing shard is an error, not fewer hits
        with self.failures(f"{what} {self.index}"):
            try:
                response = self.client.search(index=self.index, body=body, params=params)
            except ox.RequestError as err:
                if refusable:
                    raise QueryRefused(short_error(reason(err))) from err
                raise
        shards = response.get("_shards", {})
        if shards.get("successful", 0) + shards.get("skipped", 0) < shards.get("total", 0):
            # e.g. a red index: no copy of some shard is assigned, so part of the articles cannot be read
            raise EngineError(f"only {shards.get('successful', 0)} of {shards['total']} shards of {self.index} "
                              f"answered at {self.where} ({what}): the index is red; try again later")
        return response

    def scored(self, body, request, what="searching", refusable=False):
        """Run a search whose scores matter: term statistics over all shards (dfs), as one index has.

        Every page of one search (and its export) asks the same shard copies (`preference`): copies
        may differ in deleted documents, hence in scores, and the pages must not overlap.
        """
        return self.run(body, what, refusable, search_type="dfs_query_then_fetch", preference=preference(request))

    def parsed(self, text):
        """Return the ParsedQuery of the user's text; its `query` is the DSL (match_all for Every)."""
        return parse_query(text, self.compile, self.budget)

    def search(self, request):
        parsed = self.parsed(request.q)
        parsed.query = dedupe.scoped(request, parsed.query)
        warnings = parsed.messages + list(request.warnings)
        post = counting.request_filter(request)
        try:
            response, body = self._page(request, parsed.query, post, self.highlight_query(parsed.tree))
        except QueryRefused as err:   # e.g. a range the cluster cannot run: its plain words, as Whoosh does
            notes = len(parsed.notes)
            parsed = fallback(parsed.text, parsed.text, self.compile, f"the query could not be run ({err})")
            parsed.query = dedupe.scoped(request, parsed.query)
            warnings.insert(notes, parsed.error)
            response, body = self._page(request, parsed.query, post)
        per_page = request.per_page
        total = response["hits"]["total"]["value"]
        groups = dedupe.group_count(response["aggregations"]) if request.dedupe else None
        pages = max(1, math.ceil((total if groups is None else groups) / per_page))
        page = request.page
        hits = response["hits"]["hits"]
        if page > pages:
            warnings.append(f"there are only {pages} pages; showing the last")
            page = pages
            hits = self.scored(dict(body, aggs={}, **{"from": (page - 1) * per_page}), request)["hits"]["hits"]
        sizes = dedupe.group_sizes(self, parsed.query, post, hits) if request.dedupe else {}
        aggs = response["aggregations"]
        facets = self.facet_counts(request, parsed.query, aggs)
        histogram = counting.date_histogram(aggs["histogram"]["days"]["buckets"])
        scored = request.effective_sort == "relevance"
        out = [make_hit(h, scored) for h in hits]
        for hit in out:
            hit.versions = sizes.get(hit.dup, 1)
        return SearchResult(request, parsed.error, total, page, pages, out, facets, histogram, warnings,
                            groups=groups)

    def _page(self, request, q, post, highlight_query=None):
        body = {"query": q, "aggs": counting.facet_aggs(request), "track_total_hits": True,
                "track_scores": True, "sort": sort_of(request), "_source": HIT_SOURCE, "highlight": highlight(),
                "from": (request.page - 1) * request.per_page, "size": request.per_page}
        if highlight_query is not None:   # patterns match the words as written; the highlighter marks stems
            body["highlight"]["highlight_query"] = highlight_query
        if post is not None:
            body["post_filter"] = post
        if request.dedupe:
            dedupe.collapse_into(body, post)
        return self.scored(body, request, refusable=True), body

    def facet_counts(self, request, q, aggregations, names=None):
        """Return {facet: exact Counter} from the aggregations; recount a facet whose terms were cut off."""
        out = {}
        for name in names or counting.NAMES:
            counts, complete = counting.read_terms(aggregations[f"facet_{name}"]["values"])
            if not complete:
                query = {"bool": {"must": [q], "filter": [counting.facet_filter(request, name)]}}
                counts = counting.composite_counts(lambda body: self.run(body, f"counting {name} in"), query, name)
            out[name] = counts
        return out


# --- hits -------------------------------------------------------------------------------------

def make_hit(hit, scored=True):
    """Return the Hit of a search hit: stored fields, a snippet and the title with matches marked."""
    doc = from_source(hit["_source"])
    marks = hit.get("highlight", {})
    return Hit(
        id=doc.id, title=doc.title, date=doc.date, date_iso=doc.date_iso, source=doc.source_text, url=doc.url,
        snippet=snippet(doc.body, marks.get("body")),
        title_parts=title_parts(doc.title, marks.get("title")),
        person=doc.person, country=doc.country, org=doc.org, topic=doc.topic, subtopic=doc.subtopic,
        score=hit.get("_score") if scored else None, dup="" if doc.dup == STALE else doc.dup,
    )


def marked_parts(marked):
    """Return [(text, matched)] of a fragment marked by this engine."""
    return split_marks(marked, MARK_ON, MARK_OFF)


def snippet(body, fragments):
    """Return up to FRAGMENTS highlighted fragments, " … " between them, or the body's opening."""
    parts = []
    for fragment in fragments or ():
        fragment = " ".join(fragment.split())
        if fragment and MARK_ON in fragment:
            if parts:
                parts.append((BETWEEN, False))
            parts += marked_parts(fragment)
    return parts or opening(body)


def opening(text):
    """Return the opening of text as one unmarked part (engines/whoosh/snippets.py's rule)."""
    text = text.replace(MARK_ON, "").replace(MARK_OFF, "")
    first = " ".join(text[: SNIPPET_CHARS + 40].split())
    if len(text) > SNIPPET_CHARS:
        first = first[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return [(first, False)] if first else []


def title_parts(title, marked):
    """Return the whole title with its matched words marked."""
    if marked:
        parts = marked_parts(marked[0])
        if "".join(t for t, _ in parts) == title:
            return parts
    return [(title, False)] if title else []
