"""The API described: an OpenAPI 3.1 document of every route, at /api/openapi.json and as a page at /api/.

Built in Python from what the app itself declares, so it cannot drift from it: the paths come from
the app's routes (url_map), the facet parameters from the registry (indexer/facets.py), the
choices and bounds from the request's own constants. Every route must have an entry in
OPERATIONS (tests/web/test_openapi.py says which lacks one), and the parameters named here are
exactly KNOWN_PARAMS, the names a search does not report as unknown.

Parameters the app cannot read are not rejected: a search ignores them and says so in `warnings`
(/api/search) or on the page; the schemas give what is read.
"""
import re

from flask import Blueprint, current_app, jsonify, render_template, url_for

from indexer.articles import MAX_ID
from indexer.export import TEXT_COLUMNS
from indexer.facets import BY_NAME, EXPORTED_LISTS, NAMES, PANELS
from indexer.search import insights as lib
from indexer.search.request import (MAX_PAGE, MAX_QUERY, MAX_VALUE, MAX_VALUES, PER_PAGE_CHOICES,
                                    SORTS)

from . import viewmodels as vm
from .curation import CURATED, LOG_PARAMS, MAX_CHANGE_VALUE, OPS
from .feeds import FEED_SIZE, UNDATED
from .insights import TREND_FORMATS

bp = Blueprint("openapi", __name__, url_prefix="/api")

VERSION = "1.0"
HTML, JSON, ATOM = "text/html", "application/json", "application/atom+xml"
UNDOCUMENTED = {"static"}    # the app's own CSS and JS files: not an interface
RULE_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")   # "<path:article_id>" -> "{article_id}"


@bp.get("/")
def docs():
    return render_template("api.html", vm=docs_page(spec()))


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(spec())


def spec():
    """Return the OpenAPI document of the app's routes (within a request: the paths are the app's)."""
    paths = {}
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in UNDOCUMENTED or rule.endpoint not in OPERATIONS:
            continue
        path = RULE_ARG.sub(r"{\1}", rule.rule)
        method = "post" if "POST" in (rule.methods or ()) else "get"
        paths.setdefault(path, {})[method] = {"operationId": rule.endpoint, **OPERATIONS[rule.endpoint]}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Facetwire",
            "version": VERSION,
            "description": "Full-text search of a news archive with entity facets. The same parameters "
                           "serve the pages (HTML), the JSON API, the export and the Atom feed. A parameter "
                           "that cannot be read is never an error: it is ignored, and `warnings` says so.",
        },
        "paths": paths,
        "components": {"schemas": SCHEMAS, "securitySchemes": SECURITY_SCHEMES},
        # No token configured: open. With one (serve --access-token-file): either scheme, else 401.
        "security": [{}, {"token": []}, {"password": []}],
    }


# --- parameters ---------------------------------------------------------------------------------

def query(name, schema, description, **extra):
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description, **extra}


def repeated(name, description):
    return query(name, {"type": "array", "items": {"type": "string"}, "maxItems": MAX_VALUES},
                 description, style="form", explode=True)


def search_parameters(paging=True):
    """Return the parameters of a search (SEARCH_PARAMS); paging=False leaves out page and per_page."""
    params = [query("q", {"type": "string"},
                    f"Words, phrases and operators (see /help); the first {MAX_QUERY} characters are used. "
                    "A query that cannot be read is searched as its plain words, with a warning.")]
    for name in NAMES:
        params.append(repeated(name, f"{BY_NAME[name].help} Facets AND; at most {MAX_VALUES} values "
                                     f"of {MAX_VALUE} characters are used."))
        params.append(repeated(f"not_{name}", f"Leave out articles with this {name} (repeatable)."))
    date = {"type": "string", "pattern": r"^[0-9]{4}(-[0-9]{1,2}(-[0-9]{1,2})?)?$"}
    params += [
        query("from", date, "Only articles dated from then: YYYY, YYYY-MM or YYYY-MM-DD (the first day)."),
        query("to", date, "Only articles dated until then, inclusive (YYYY-MM: the last day of the month)."),
        query("sort", {"type": "string", "enum": list(SORTS)},
              "Order; default relevance with words in q, newest without."),
        query("dedupe", {"type": "string", "enum": ["1", "0", "true", "false", "yes", "no", "on", "off"]},
              "1: each group of near-duplicates (a story republished with small edits) once, at its "
              "best-ranked article, with `versions`; pages count groups, total and facets count articles. "
              "Default 0 in the API and the export, 1 on the explorer page."),
        query("dup", {"type": "string"}, "Only the articles of this near-duplicate group (a hit's `dup`)."),
    ]
    if paging:
        params += [
            query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
                  "Page of results; out of range: the nearest page, with a warning."),
            query("per_page", {"type": "integer", "enum": list(PER_PAGE_CHOICES), "default": 20},
                  "Results per page; another number: the nearest choice, with a warning."),
        ]
    return params


def ui_parameters():
    """Return the explorer's display state: unfolded panels, a search within a panel."""
    panels = [f.name for f in PANELS]
    return [query("more", {"type": "array", "items": {"type": "string", "enum": panels}},
                  "Unfold a facet panel to its long list (repeatable).", style="form", explode=True)] + [
        query(f"fq_{name}", {"type": "string"}, f"Show only the {name} values containing this text.")
        for name in panels]


FACET_SIZE = query("facet_size", {"type": "integer", "minimum": 1, "maximum": vm.MAX_API_FACET_SIZE,
                                  "default": vm.API_FACET_SIZE},
                   "Values listed per facet; out of range: the nearest bound, with a warning.")
EXPORT_OPTIONS = [
    query("format", {"type": "string", "enum": ["csv", "jsonl"], "default": "jsonl"}, "File format."),
    query("text", {"type": "string", "enum": list(TEXT_COLUMNS)},
          "Add a text column: the article's body, or the snippet of its best passage."),
    query("bom", {"type": "string", "enum": ["0", "1"], "default": "0"},
          "1: start the CSV with a UTF-8 byte-order mark, for Excel (CSV only: 400 with jsonl)."),
]
SERIES = query("s", {"type": "array", "items": {"type": "string", "maxLength": lib.MAX_SERIES_TEXT},
                     "maxItems": lib.MAX_SERIES},
               f"A series (repeat: up to {lib.MAX_SERIES}): a facet value `FACET:VALUE` (e.g. `person:Donald Trump`, "
               "the value may be quoted) or a query (`coronavirus`); each is counted within the search's own "
               "words and filters. None: the search itself. More than five: the rest are left out, with a warning.",
               style="form", explode=True)
UNIT = query("unit", {"type": "string", "enum": list(lib.UNITS), "default": lib.DEFAULT_UNIT},
             "Count per day, ISO week (from Monday), month or year; a unit too fine for the span is replaced "
             "by the next coarser one, with a warning.")
TREND_FORMAT = query("format", {"type": "string", "enum": list(TREND_FORMATS), "default": "json"},
                     "json, or csv: one row per period, one column per series.")
RELATED_OPTIONS = [
    query("facets", {"type": "array", "items": {"type": "string", "enum": list(NAMES)}},
          f"The facets to list (repeatable, or comma-separated); default {', '.join(lib.RELATED_FACETS)}.",
          style="form", explode=True),
    query("limit", {"type": "integer", "minimum": 1, "maximum": lib.MAX_RELATED, "default": lib.DEFAULT_RELATED},
          "Values listed per facet; out of range: the nearest bound, with a warning."),
]
# What check_id lets through (the complement of indexer.articles.BAD_ID): no control character,
# no ".." segment, no leading "/".
ID_PATTERN = r"^(?!/)(?!(.*/)?\.\.(/|$))[^\x00-\x1f\x7f]+$"
ARTICLE_ID = {"name": "article_id", "in": "path", "required": True,
              "schema": {"type": "string", "minLength": 1, "maxLength": MAX_ID, "pattern": ID_PATTERN},
              "description": "The article's id, as /api/search lists it (URL-encoded); another id: 400."}


# --- responses ----------------------------------------------------------------------------------

def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def text_array():
    return {"type": "array", "items": {"type": "string"}}


def content(media_type, schema):
    return {"content": {media_type: {"schema": schema}}}


ERROR_TEXT = {
    400: "A request that cannot be answered: a bad id or option, or a host name this server does not answer to.",
    401: "Only when the server has an access token: send `Authorization: Bearer TOKEN` "
         "(or basic auth, the token as password).",
    403: "Curation: writing is off (serve --curation), or the form's CSRF token is missing, stale or from "
         "another site's page.",
    404: "No article with that id.",
    409: "Curation: the log changed under this change again and again; try again.",
    503: "No index yet, the index is unavailable, or the server cannot take this request now (export: other "
         "exports are running): try again.",
}
CHALLENGE = {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "A basic-auth challenge."}}


def errors(media_type, *codes):
    """Return the error responses: JSON objects under /api, HTML pages elsewhere."""
    schema = ref("Error") if media_type == JSON else {"type": "string"}
    out = {}
    for code in codes:
        out[str(code)] = {"description": ERROR_TEXT[code], **content(media_type, schema)}
        if code == 401:
            out[str(code)]["headers"] = CHALLENGE
    return out


def html_page(summary, description, parameters=(), codes=(400, 401, 503)):
    return {"summary": summary, "description": description, "tags": ["pages"], "parameters": list(parameters),
            "responses": {"200": {"description": "The page.", **content(HTML, {"type": "string"})},
                          **errors(HTML, *codes)}}


SCHEMAS = {
    "Error": {"type": "object", "required": ["error", "message", "status"], "properties": {
        "error": {"type": "string", "description": "The status's name, e.g. Not Found."},
        "message": {"type": "string", "description": "What went wrong, for a person."},
        "status": {"type": "integer", "description": "The HTTP status again."}}},
    "Hit": {"type": "object", "required": ["id", "title", "date", "source", "url", "snippet", *EXPORTED_LISTS],
            "properties": {
                "id": {"type": "string"}, "title": {"type": "string"},
                "date": {"type": "string", "description": "ISO date as the article gave it; \"\" if none."},
                "source": {"type": "string"}, "url": {"type": "string", "description": "The original, as stored."},
                "snippet": {"type": "string", "description": "The best passage for the query."},
                **{name: text_array() for name in EXPORTED_LISTS},
                "dup": {"type": "string", "description": "Its near-duplicate group (\"\" alone): dup= that lists them."},
                "versions": {"type": "integer", "minimum": 1, "description":
                             "With dedupe: the group's articles in the result set, this one included."}}},
    "FacetValue": {"type": "object", "required": ["value", "count", "selected", "excluded"], "properties": {
        "value": {"type": "string"}, "count": {"type": "integer", "minimum": 0},
        "selected": {"type": "boolean"}, "excluded": {"type": "boolean"}}},
    "Suggestion": {"type": "object", "required": ["message", "options"], "properties": {
        "message": {"type": "string", "description": "What matched nothing: “no article contains “elction””."},
        "options": {"type": "array", "items": {"type": "object", "required": ["label", "q", "url"], "properties": {
            "label": {"type": "string", "description": "The nearest word, value or field offered."},
            "q": {"type": "string", "description": "The query of that search."},
            "url": {"type": "string", "description": "That search in this API."}}}}}},
    "Bucket": {"type": "object", "required": ["label", "from", "to", "count"], "properties": {
        "label": {"type": "string"}, "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"}, "count": {"type": "integer", "minimum": 0}}},
    "SearchResult": {
        "type": "object",
        "required": ["query", "total", "page", "pages", "per_page", "sort", "warnings", "hits", "facets",
                     "histogram"],
        "properties": {
            "query": {"type": "string"}, "total": {"type": "integer", "minimum": 0},
            "groups": {"type": ["integer", "null"], "minimum": 0, "description":
                       "With dedupe: the results once near-duplicates are collapsed (pages count these); "
                       "total and facets count articles. null without dedupe."},
            "page": {"type": "integer", "minimum": 1}, "pages": {"type": "integer", "minimum": 0},
            "per_page": {"type": "integer", "enum": list(PER_PAGE_CHOICES)},
            "sort": {"type": "string", "enum": list(SORTS)},
            "warnings": {**text_array(), "description": "What was ignored or changed in the request."},
            "suggestions": {"type": "array", "items": ref("Suggestion"),
                            "description": "Did you mean: why the search (or a filter value) found nothing, "
                                           "and the nearest searches. Empty when there is nothing to say."},
            "hits": {"type": "array", "items": ref("Hit")},
            "facets": {"type": "object", "required": list(NAMES),
                       "description": "Per facet, its values under the query and the other facets' filters.",
                       "properties": {name: {"type": "array", "items": ref("FacetValue")} for name in NAMES}},
            "histogram": {"type": "array", "items": ref("Bucket"),
                          "description": "Articles per period, ignoring the date range."}}},
    "RelatedValue": {"type": "object", "required": ["value", "count", "index_count", "lift", "score"], "properties": {
        "value": {"type": "string"},
        "count": {"type": "integer", "minimum": 1, "description": "Articles of the search naming it."},
        "index_count": {"type": "integer", "minimum": 1, "description": "Articles of the whole index naming it."},
        "lift": {"type": "number", "description": "Its share in the search over its share in the index."},
        "score": {"type": "number", "description": "Signed log-likelihood G²: above 0 more often than in the "
                                                   "index; above 10.83, a chance of 1 in 1,000."}}},
    "Related": {"type": "object", "required": ["set_size", "index_size", "facets", "warnings"], "properties": {
        "set_size": {"type": "integer", "minimum": 0, "description": "Articles of the search, every filter applied."},
        "index_size": {"type": "integer", "minimum": 0},
        "facets": {"type": "object", "description": "Per facet asked for, its values by score, the search's own "
                                                     "filter values left out.",
                   "additionalProperties": {"type": "array", "items": ref("RelatedValue")}},
        "warnings": text_array()}},
    "Trend": {"type": "object", "required": ["unit", "periods", "series", "warnings"], "properties": {
        "unit": {"type": "string", "enum": list(lib.UNITS)},
        "periods": {"type": "array", "description": "The one time axis of every series.", "items": {
            "type": "object", "required": ["label", "from", "to"], "properties": {
                "label": {"type": "string"}, "from": {"type": "string", "format": "date"},
                "to": {"type": "string", "format": "date"}}}},
        "series": {"type": "array", "maxItems": lib.MAX_SERIES, "items": {
            "type": "object", "required": ["series", "label", "facet", "value", "query", "total", "counts"],
            "properties": {
                "series": {"type": "string", "description": "As asked for (\"\" for the search itself)."},
                "label": {"type": "string"},
                "facet": {"type": ["string", "null"]}, "value": {"type": ["string", "null"]},
                "query": {"type": ["string", "null"]},
                "total": {"type": "integer", "minimum": 0},
                "counts": {"type": "array", "items": {"type": "integer", "minimum": 0},
                           "description": "Articles per period, in the order of periods."}}}},
        "warnings": text_array()}},
    "Article": {
        "type": "object",
        "required": ["id", "title", "date", "source", "url", "section", "dateline", "body", *EXPORTED_LISTS,
                     "sources", "mentions", "topics", "more_like_this"],
        "properties": {
            **{name: {"type": "string"} for name in ("id", "title", "date", "source", "url", "section",
                                                      "dateline", "body")},
            **{name: text_array() for name in EXPORTED_LISTS},
            "sources": text_array(),
            "mentions": {"type": "array", "items": {"type": "array"},
                         "description": "[field, start, end, facet, value] or, for a surname several people "
                                        "share, [field, start, end, facet, value, reading]: where each entity "
                                        "is named, and how a shared surname was read "
                                        "({written, as, why, named})."},
            "topics": {"type": "array", "items": {"type": "object"},
                       "description": "{label, score, evidence, children}: the IPTC topics and why."},
            "more_like_this": {"type": "array", "items": {
                "type": "object", "required": ["id", "title", "date", "shared_entities", "shared_words"],
                "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "date": {"type": "string"},
                               "shared_entities": {"type": "array", "items": {
                                   "type": "object", "required": ["facet", "value"], "properties": {
                                       "facet": {"type": "string"}, "value": {"type": "string"}}},
                                   "description": "People, organisations and countries both articles name."},
                               "shared_words": {**text_array(), "description": "Words both use most."}}},
                "description": "Articles like this one by content, its own versions left out."},
            "versions": {"type": "array", "items": {
                "type": "object", "required": ["id", "title", "date"],
                "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "date": {"type": "string"}}},
                "description": "Its near-duplicates (the same story republished with small edits), oldest first."}}},
}
SECURITY_SCHEMES = {
    "token": {"type": "http", "scheme": "bearer", "description": "The server's access token, when it has one."},
    "password": {"type": "http", "scheme": "basic", "description": "Any user name, the access token as password."},
}

LOG_PARAMETERS = [query(name, {"type": "string"}, text) for name, text in LOG_PARAMS.items()]
EXPLORER = "The explorer: results, facet panels, date histogram. An htmx request for #explorer gets the fragment."
OPERATIONS = {
    "pages.home": html_page("The explorer", EXPLORER + " The same page as /search.",
                            search_parameters() + ui_parameters()),
    "pages.explorer": html_page("The explorer", EXPLORER, search_parameters() + ui_parameters()),
    "pages.article": html_page(
        "One article", "The article with its entities linked, its topics and similar articles.",
        [ARTICLE_ID, query("q", {"type": "string"}, "The search it came from: its words are marked.")],
        codes=(400, 401, 404, 503)),
    "pages.related": html_page(
        "Who appears with whom", "The people, countries, organisations and topics of the search's articles "
        "(every filter applied) ranked by how much more often they occur there than in the whole index, with a "
        "network picture; every value links to the narrowed search.",
        search_parameters(paging=False) + RELATED_OPTIONS),
    "pages.trends": html_page(
        "Trends", "Articles per period for up to five series within the search, on one time axis: a chart and "
                  "its numbers.", search_parameters(paging=False) + [SERIES, UNIT]),
    "pages.help_page": html_page("Query syntax", "How to write a query.", codes=(400, 401)),
    "api.search_api": {
        "summary": "Search", "tags": ["api"],
        "description": "One page of results with facet counts and the date histogram.",
        "parameters": search_parameters() + [FACET_SIZE],
        "responses": {"200": {"description": "The results.", **content(JSON, ref("SearchResult"))},
                      **errors(JSON, 400, 401, 503)}},
    "api.article": {
        "summary": "One article", "tags": ["api"],
        "description": "The stored article: text, facets, entity positions, topics, and similar articles.",
        "parameters": [ARTICLE_ID],
        "responses": {"200": {"description": "The article.", **content(JSON, ref("Article"))},
                      **errors(JSON, 400, 401, 404, 503)}},
    "api.export_api": {
        "summary": "Export", "tags": ["api"],
        "description": "Every article of the search (no paging), streamed, in the search's order.",
        "parameters": search_parameters(paging=False) + EXPORT_OPTIONS,
        "responses": {"200": {"description": "The file, as a download named after the search.",
                              "headers": {"Content-Disposition": {"schema": {"type": "string"}}},
                              "content": {"text/csv": {"schema": {"type": "string"}},
                                          "application/x-ndjson": {"schema": {"type": "string"}}}},
                      **errors(JSON, 400, 401, 503)}},
    "api.related_api": {
        "summary": "Who appears with whom", "tags": ["api"],
        "description": "The values that co-occur with the search's articles (every filter applied, a facet's own "
                       "included), with their counts there and in the whole index, by significance.",
        "parameters": search_parameters(paging=False) + RELATED_OPTIONS,
        "responses": {"200": {"description": "The related values.", **content(JSON, ref("Related"))},
                      **errors(JSON, 400, 401, 503)}},
    "api.trends_api": {
        "summary": "Trends", "tags": ["api"],
        "description": "Articles per period for up to five series within the search, on one time axis.",
        "parameters": search_parameters(paging=False) + [SERIES, UNIT, TREND_FORMAT],
        "responses": {"200": {"description": "The counts: JSON, or a CSV download.",
                              "content": {JSON: {"schema": ref("Trend")}, "text/csv": {"schema": {"type": "string"}}}},
                      **errors(JSON, 400, 401, 503)}},
    "feeds.atom": {
        "summary": "Atom feed", "tags": ["feeds"],
        "description": f"The newest {FEED_SIZE} articles of the search, newest first: sort, page and per_page "
                       f"are read but ignored. An undated article is dated {UNDATED.isoformat()}.",
        "parameters": search_parameters(),
        "responses": {"200": {"description": "An Atom 1.0 feed.", **content(ATOM, {"type": "string"})},
                      **errors(HTML, 400, 401, 503)}},
    "openapi.docs": {
        "summary": "This description, as a page", "tags": ["api"], "parameters": [],
        "responses": {"200": {"description": "The page.", **content(HTML, {"type": "string"})},
                      **errors(JSON, 400, 401)}},
    "openapi.openapi_json": {
        "summary": "This description", "tags": ["api"], "parameters": [],
        "responses": {"200": {"description": "The OpenAPI document.", **content(JSON, {"type": "object"})},
                      **errors(JSON, 400, 401)}},
}


# Curation (web/curation.py): the log, its TOML export, and the one writing operation.
CHANGE_FORM = {"type": "object", "required": ["csrf", "op"], "properties": {
    "csrf": {"type": "string", "description": "The token of the page the form came from (its cookie goes with it)."},
    "op": {"type": "string", "enum": list(OPS)},
    "facet": {"type": "string", "enum": ["", *CURATED], "description": "merge, hide, move: the value's facet."},
    "value": {"type": "string", "maxLength": MAX_CHANGE_VALUE, "description": "The value changed."},
    "target": {"type": "string", "maxLength": MAX_CHANGE_VALUE,
               "description": "merge: the value it counts as; move: the facet it moves to."},
    "undo": {"type": "string", "description": "undo: the number of the change to undo."},
    "next": {"type": "string", "description": "The page to offer going back to (a path of this site)."}}}
CURATION_LOG = {"type": "object", "required": ["version", "writing", "changes"], "properties": {
    "version": {"type": "integer", "minimum": 0}, "writing": {"type": "boolean"},
    "changes": {"type": "array", "items": {"type": "object", "required": ["n", "op", "describe", "undone"]}}}}
OPERATIONS.update({
    "curation.change": {
        "summary": "Change the curation", "tags": ["curation"],
        "description": "Merge, hide, move (person <-> org), mark not an entity, or undo; the stored values of the "
                       "articles it touches are rewritten at once. Only with `serve --curation`; with curation "
                       "tokens, `Authorization: Bearer TOKEN` of one. Answers 303 to the log page.",
        "parameters": [],
        "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": CHANGE_FORM}}},
        "responses": {"303": {"description": "Done: the log page, saying what changed.",
                              "headers": {"Location": {"schema": {"type": "string"}}}},
                      **errors(HTML, 400, 401, 403, 409, 503)}},
    "curation.log_page": html_page("Curation log", "Every change with when, by whom and whether it is undone; "
                                   "undo buttons when writing is on.", LOG_PARAMETERS),
    "curation.export": {
        "summary": "Curation as an aliases file", "tags": ["curation"], "parameters": [],
        "description": "The changes in effect as TOML (docs/ALIASES.md).",
        "responses": {"200": {"description": "The file.", **content("application/toml", {"type": "string"})},
                      **errors(HTML, 400, 401, 503)}},
    "curation.api_log": {
        "summary": "Curation log", "tags": ["api"], "parameters": [], "description": "The log of changes.",
        "responses": {"200": {"description": "The log.", **content(JSON, CURATION_LOG)},
                      **errors(JSON, 400, 401, 503)}},
})


# --- the page -----------------------------------------------------------------------------------

def docs_page(document):
    """Return the view model of /api/: each operation with its parameters and responses, in words."""
    ops = []
    for path, methods in document["paths"].items():
        for method, op in methods.items():
            ops.append({
                "method": method.upper(), "path": path, "summary": op["summary"],
                "description": code_spans(op.get("description") or op["summary"]),
                "anchor": op["operationId"].replace(".", "-"),
                "parameters": [{"name": p["name"], "where": p["in"], "type": type_text(p["schema"]),
                                "description": code_spans(p["description"])} for p in op["parameters"]],
                "responses": [{"status": code, "types": ", ".join(r.get("content", {})),
                               "description": code_spans(r["description"])} for code, r in op["responses"].items()],
            })
    return {"operations": ops, "spec_url": url_for("openapi.openapi_json"), "openapi": document["openapi"],
            "version": document["info"]["version"], "description": code_spans(document["info"]["description"])}


def code_spans(text):
    """Split Markdown-ish text into [(text, is_code)]: `backticks` mark code, as OpenAPI's CommonMark reads them."""
    return [(part, i % 2 == 1) for i, part in enumerate(text.split("`")) if part]


def type_text(schema):
    """Say what a parameter takes: "integer, 1–10000", "one of: csv, jsonl", "list of string"."""
    if schema.get("type") == "array":
        return "repeatable: " + type_text(schema["items"])
    if "enum" in schema:
        return "one of: " + ", ".join(map(str, schema["enum"]))
    text = schema.get("type", "")
    if "minimum" in schema:
        text += f", {schema['minimum']}–{schema['maximum']}"
    if "pattern" in schema:
        text += ": YYYY, YYYY-MM or YYYY-MM-DD"
    return text
