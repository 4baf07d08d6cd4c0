"""The HTML pages: the explorer (/ and /search), one article, related values, trends, the query syntax help."""
from dataclasses import replace

from flask import Blueprint, abort, current_app, render_template, request, url_for

from indexer.search.didyoumean import explain
from indexer.search.query import plain_words, syntax_problem
from indexer.search.request import SearchRequest

from . import insights
from . import viewmodels as vm
from .engine import get_reader
from .lookup import BadId, check_id

bp = Blueprint("pages", __name__)

# Targets whose content the explorer fragment holds (the whole explorer, or one facet's list).
FRAGMENT_TARGETS = {"explorer"} | {f"facet-{f.name}-list" for f in vm.PANELS}


def wants_fragment():
    """Return whether to answer with the explorer fragment rather than the full page.

    Only an htmx request aimed at the explorer gets a fragment; a history restore (the URL was
    not in htmx's cache) and every other request get the full page.
    """
    htmx = current_app.htmx
    return bool(htmx) and not htmx.history_restore_request and htmx.target in FRAGMENT_TARGETS


@bp.get("/search")
def explorer():
    req = SearchRequest.from_args(request.args)
    ui = vm.UiState.from_args(request.args)
    reader = get_reader()
    # The page collapses near-duplicates unless dedupe=0 (or within one group): its links keep req's own params.
    result = reader.search(replace(req, dedupe=req.dedupe is not False and not req.dup))
    result.request = req
    page = vm.search_page(result, ui)
    page["suggestions"] = vm.suggestion_views(explain(reader, result))   # did you mean
    template = "_explorer_swap.html" if wants_fragment() else "search.html"
    return render_template(template, vm=page)


bp.add_url_rule("/", endpoint="home", view_func=explorer, methods=["GET"])


@bp.get("/article/<path:article_id>")
def article(article_id):
    reader = get_reader()
    try:
        doc = reader.document(check_id(article_id))
    except BadId:
        abort(400, description="That is not a valid article id.")
    if doc is None:
        abort(404, description="There is no article with that id in the index.")
    hits = reader.more_like_this(doc.id)
    similar_vm = [{"title": h.title, "url": url_for("pages.article", article_id=h.id),
                   "date": vm.date_text(h.date, h.date_iso), "source": h.source,
                   "why": vm.why_text(vm.why_of(reader, doc, h.id))} for h in hits]
    versions_vm = [{"title": h.title, "url": url_for("pages.article", article_id=h.id),
                    "date": vm.date_text(h.date, h.date_iso), "source": h.source} for h in vm.versions_of(reader, doc)]
    q = SearchRequest.from_args(request.args).q   # a result's link carries its query
    page = vm.article_page(vm.article_data(doc), similar_vm, _matched_words(reader, doc.id, q))
    page["q"] = q
    page["versions"] = versions_vm
    return render_template("article.html", vm=page, back_url=_back_url())


def _matched_words(reader, doc_id, q):
    """Return the words the engine marks for q in this article's title and snippet (none without q).

    Searching for the query AND this id gives the article's own hit, so the marks are the engine's
    reading of the query (stems, wildcards, fuzzy), not a guess made here.
    """
    if syntax_problem(q):
        q = " ".join(plain_words(q))   # what the results were searched for (see the notice there)
    if not q or '"' in doc_id:
        return []
    req = SearchRequest(q=f'({q}) id:"{doc_id}"', per_page=1)
    result = reader.search(req)
    if result.query_error or not result.hits or result.hits[0].id != doc_id:
        return []  # e.g. a query whose stray ")" undoes the grouping matched other articles
    hit = result.hits[0]
    return list(dict.fromkeys(t for t, marked in hit.title_parts + hit.snippet if marked))


def _back_url():
    """Return the explorer URL the reader came from, when it was one of ours."""
    ref = request.referrer or ""
    root = request.host_url.rstrip("/")
    explorer, home = url_for("pages.explorer"), url_for("pages.home")
    if ref.startswith(root + explorer) or ref in (root + home, root):
        return ref[len(root):] or home
    return explorer


@bp.get("/related")
def related():
    req, rel = insights.related_of(get_reader(), request.args)
    return render_template("related.html", vm=insights.related_page(req, rel))


@bp.get("/trends")
def trends():
    req, trend = insights.trend_of(get_reader(), request.args)
    return render_template("trends.html", vm=insights.trends_page(req, trend))


@bp.get("/help")
def help_page():
    return render_template("help.html")
