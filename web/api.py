"""The JSON API: the same parameters as the pages; errors as JSON with a 4xx status."""
import itertools

from flask import Blueprint, Response, abort, jsonify, request, stream_with_context

from indexer import export
from indexer.search.didyoumean import explain
from indexer.search import insights as lib
from indexer.search.request import SearchRequest, parse_int

from . import insights
from . import viewmodels as vm
from .engine import get_reader
from .lookup import BadId, check_id
from .security import take_export_slot

bp = Blueprint("api", __name__, url_prefix="/api")
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}


@bp.get("/search")
def search_api():
    req = SearchRequest.from_args(request.args)
    facet_size = parse_int(request.args.get("facet_size", ""), "facet_size", vm.API_FACET_SIZE, 1,
                           vm.MAX_API_FACET_SIZE, req.warnings)
    reader = get_reader()
    result = reader.search(req)
    data = vm.api_search(result, facet_size)
    data["suggestions"] = vm.suggestion_views(explain(reader, result), api=True)   # did you mean
    return jsonify(data)


@bp.get("/article/<path:article_id>")
def article(article_id):
    reader = get_reader()
    try:
        doc = reader.document(check_id(article_id))
    except BadId as err:
        abort(400, description=str(err))
    if doc is None:
        abort(404, description=f"no article with id {article_id[:80]!r}")
    data = vm.article_data(doc)
    data["more_like_this"] = []
    for h in reader.more_like_this(doc.id):
        why = vm.why_of(reader, doc, h.id)
        data["more_like_this"].append({"id": h.id, "title": h.title, "date": h.date_iso,
                                       "shared_entities": [{"facet": f, "value": v} for f, v in why["entities"]],
                                       "shared_words": why["words"]})
    data["versions"] = [{"id": h.id, "title": h.title, "date": h.date_iso} for h in vm.versions_of(reader, doc)]
    return jsonify(data)


@bp.get("/export")
def export_api():
    """The whole filtered set; options: format=csv|jsonl, text=body|snippet (a text column), bom=1 (CSV for Excel)."""
    fmt = request.args.get("format", "jsonl")
    if fmt not in FORMATS:
        abort(400, description=f"unknown format {fmt[:20]!r}: use csv or jsonl")
    text = request.args.get("text", "")
    if text not in ("", *export.TEXT_COLUMNS):
        abort(400, description=f"unknown text {text[:20]!r}: use {' or '.join(export.TEXT_COLUMNS)}")
    bom = request.args.get("bom", "")
    if bom not in ("", "0", "1"):
        abort(400, description=f"bom={bom[:20]!r}: use 1 (start the CSV with a byte-order mark) or 0")
    if bom == "1" and fmt != "csv":
        abort(400, description="bom=1 is for CSV only: a byte-order mark would break JSON lines")
    req = SearchRequest.from_args(request.args)

    def respond():
        records = export.iter_records(get_reader(), req, text=text)
        # The query runs before the first record: one that cannot finish within its budget is a 503
        # here, not a download cut off after its headers were sent.
        first = next(records, None)
        records = itertools.chain([] if first is None else [first], records)
        body = (export.csv_chunks(records, text=text, bom=bom == "1") if fmt == "csv"
                else export.jsonl_lines(records))
        resp = Response(stream_with_context(body), mimetype=FORMATS[fmt].split(";")[0])
        resp.headers["Content-Type"] = FORMATS[fmt]
        resp.headers["Content-Disposition"] = f'attachment; filename="{export.export_filename(req, fmt)}"'
        return resp

    return take_export_slot(respond)


@bp.get("/related")
def related_api():
    """The values that co-occur with the search (its filters all applied), by significance."""
    _req, rel = insights.related_of(get_reader(), request.args)
    return jsonify(lib.related_data(rel))


@bp.get("/trends")
def trends_api():
    """Articles per unit for up to five series within the search; format=csv for a table."""
    fmt = request.args.get("format", "json")
    if fmt not in insights.TREND_FORMATS:
        abort(400, description=f"unknown format {fmt[:20]!r}: use json or csv")
    _req, trend = insights.trend_of(get_reader(), request.args)
    if fmt == "csv":
        resp = Response(lib.trend_csv(trend), mimetype="text/csv")
        resp.headers["Content-Type"] = "text/csv; charset=utf-8"
        resp.headers["Content-Disposition"] = f'attachment; filename="facetwire-trend-{trend.unit}.csv"'
        return resp
    return jsonify(lib.trend_data(trend))
