"""Who appears with whom, and trends: their parameters, view models and SVG geometry.

The routes are thin (pages.py: /related and /trends, api.py: /api/related and /api/trends); the
counting and the scores are the library's (indexer/search/insights.py). Both pages read the
search's own parameters as the set they work within, plus their own (INSIGHT_PARAMS), which are
taken out before the search reads the rest, so that they are not reported as unknown.
The pictures are plain SVG built here (no script, no library): a star of the most significant
values around the search, and one line per series on one time axis.
"""
import math

from flask import url_for
from werkzeug.datastructures import MultiDict

from indexer.facets import BY_NAME, NAMES, subtopic_label
from indexer.search import insights as lib
from indexer.search.request import SearchRequest, parse_int

from . import urls
from . import viewmodels as vm

INSIGHT_PARAMS = ("s", "unit", "facets", "limit")
TREND_FORMATS = ("json", "csv")
NETWORK_NODES = 12          # values drawn around the search
NETWORK_PER_FACET = 4
MAX_POINTS = 160            # series points drawn as dots (with a tooltip); more: lines only
TICK_CHAR_PX = 7.5          # at most, per character of an axis label (.tick: 12px, tabular figures)
FACET_TITLES = {name: BY_NAME[name].title for name in NAMES}


def split_args(args):
    """Return (the SearchRequest of args without this module's parameters, those parameters as a MultiDict)."""
    pairs = list(args.items(multi=True)) if hasattr(args, "items") else list(args)
    own = MultiDict([(k, v) for k, v in pairs if k in INSIGHT_PARAMS])
    req = SearchRequest.from_args(MultiDict([(k, v) for k, v in pairs if k not in INSIGHT_PARAMS]))
    return req, own


def parse_unit(own, warnings):
    unit = own.get("unit", "").strip()
    if unit and unit not in lib.UNITS:
        warnings.append(f"unknown unit {lib.shown_text(unit)!r}; use one of {', '.join(lib.UNITS)}: "
                        f"counted per {lib.DEFAULT_UNIT}")
    return unit if unit in lib.UNITS else lib.DEFAULT_UNIT


def trend_of(reader, args):
    """Return (base request, Trend) of the URL's arguments."""
    req, own = split_args(args)
    warnings = list(req.warnings)
    unit = parse_unit(own, warnings)
    return req, lib.trend(reader, req, own.getlist("s"), unit, warnings)


def related_of(reader, args):
    """Return (request, Related) of the URL's arguments."""
    req, own = split_args(args)
    facets = lib.parse_facets(own.getlist("facets"), req.warnings)
    limit = parse_int(own.get("limit", ""), "limit", lib.DEFAULT_RELATED, 1, lib.MAX_RELATED, req.warnings)
    return req, lib.related(reader, req, facets, limit)


# --- URLs -------------------------------------------------------------------------------------

def set_pairs(req):
    """Return a request's set as URL pairs: its words, filters and dates (no sort, no paging)."""
    return [(k, v) for k, v in req.params(page=False) if k not in ("sort", "per_page")]


def trends_url(req, series=(), unit=None):
    pairs = set_pairs(req) + [("s", s) for s in series] + ([("unit", unit)] if unit else [])
    return urls.url(url_for("pages.trends"), pairs)


def related_url(req):
    return urls.url(url_for("pages.related"), set_pairs(req))


def narrowed(req, facet, value):
    """Return req narrowed to the articles holding facet=value too (never broadened)."""
    return lib.series_request(req, lib.Series("", "", facet=facet, value=value))


def describe(req):
    """Say what set a page works within: "election · person: Joe Biden · 2020-01-01 – 2020-12-31"."""
    said = [f"“{req.q}”"] if req.q else []
    for name in NAMES:
        said += [f"{name}: {label(name, v)}" for v in req.filters.get(name, ())]
        said += [f"not {name}: {label(name, v)}" for v in req.excludes.get(name, ())]
    if req.date_from or req.date_to:
        said.append(vm.date_range_text(req.date_from, req.date_to))
    return " · ".join(said)


def label(name, value):
    return subtopic_label(value) if name == "subtopic" else value


# --- related ----------------------------------------------------------------------------------

def related_page(req, rel):
    set_text = describe(req)
    facets = []
    for name, values in rel.facets.items():
        rows = []
        for v in values:
            narrower = narrowed(req, name, v.value)
            rows.append({
                "label": label(name, v.value), "value": v.value, "count": v.count, "index_count": v.index_count,
                "lift": lift_text(v.lift), "score": score_text(v.score), "over": v.score > 0,
                "search_url": vm.explorer_url(set_pairs(narrower)),
                "related_url": related_url(narrower),
                "trend_url": trends_url(req, [series_text(name, v.value)]),
            })
        facets.append({"name": name, "title": FACET_TITLES[name], "rows": rows})
    return {
        "title": f"Who appears with {set_text or 'the whole archive'} – Facetwire",
        "set_text": set_text,
        "set_size": rel.set_size, "index_size": rel.index_size,
        "set_size_text": vm.articles(rel.set_size), "index_size_text": vm.articles(rel.index_size),
        "whole": not (req.q or req.has_filters()),
        "facets": facets,
        "network": network(req, rel, set_text),
        "warnings": rel.warnings,
        "search_url": vm.explorer_url(set_pairs(req)),
        "trend_url": trends_url(req),
        "api_url": urls.url(url_for("api.related_api"), set_pairs(req)),
    }


def series_text(name, value):
    return f'{name}:"{value}"' if any(ch in value for ch in "*?()") else f"{name}:{value}"


def score_text(x):
    return "0.0" if abs(x) < 0.05 else f"{x:,.1f}"


def lift_text(x):
    if x >= 10:
        return f"×{x:,.0f}"
    return f"×{x:.1f}" if x else "–"


def network(req, rel, set_text, width=760, height=460):
    """Return the star picture: the search in the middle, its most significant values around it.

    Node area grows with the articles it shares with the search, the spoke's width too; the
    picture holds at most NETWORK_NODES values, NETWORK_PER_FACET of each facet, over-represented
    ones only. Every node links to the search narrowed to it.
    """
    picked, per = [], {}
    ranked = sorted((v for values in rel.facets.values() for v in values if v.score > 0),
                    key=lambda v: (-v.score, -v.count, v.value))
    for v in ranked:
        if per.get(v.facet, 0) < NETWORK_PER_FACET and len(picked) < NETWORK_NODES:
            picked.append(v)
            per[v.facet] = per.get(v.facet, 0) + 1
    if not picked:
        return None
    cx, cy = width / 2, height / 2
    ring_x, ring_y = width * 0.26, height * 0.36   # an ellipse: the labels go left and right
    top = max(v.count for v in picked)
    nodes = []
    for i, v in enumerate(picked):
        angle = -math.pi / 2 + 2 * math.pi * i / len(picked)
        x, y = cx + ring_x * math.cos(angle), cy + ring_y * math.sin(angle)
        r = 5 + 13 * math.sqrt(v.count / top)
        right = math.cos(angle) >= -1e-9
        text = label(v.facet, v.value)
        nodes.append({
            "x": round(x, 1), "y": round(y, 1), "r": round(r, 1), "facet": v.facet,
            "stroke": round(1 + 5 * v.count / top, 1),
            "text": text if len(text) <= 26 else text[:25] + "…",
            "tx": round(x + (r + 5) * (1 if right else -1), 1), "ty": round(y + 4, 1),
            "anchor": "start" if right else "end",
            "title": f"{v.facet}: {text} — {vm.articles(v.count)} of these, {lift_text(v.lift)} as often as "
                     f"in the whole archive (score {score_text(v.score)})",
            "url": vm.explorer_url(set_pairs(narrowed(req, v.facet, v.value))),
        })
    center = set_text or "the whole archive"
    return {"width": width, "height": height, "cx": cx, "cy": cy, "nodes": nodes,
            "center_text": center if len(center) <= 28 else center[:27] + "…", "center_title": center,
            "center_url": vm.explorer_url(set_pairs(req)),
            "description": f"The {len(nodes)} values most significant for {center}, around it"}


# --- trends -----------------------------------------------------------------------------------

SERIES_MARKS = ("circle", "square", "diamond", "triangle", "cross")


def trends_page(req, t):
    set_text = describe(req)
    named = [s.text for s in t.series if s.text]
    series = []
    for k, s in enumerate(t.series):
        s_req = lib.series_request(req, s) if (s.facet or s.q) else req
        series.append({"label": s.label, "text": s.text, "total": s.total, "k": k, "mark": SERIES_MARKS[k],
                       "search_url": vm.explorer_url(set_pairs(s_req)),
                       "related_url": related_url(s_req), "req": s_req})
    rows = []
    for i, b in enumerate(t.axis):
        cells = []
        for s, view in zip(t.series, series):
            n = s.buckets[i].count
            dated = urls.replace(urls.replace(set_pairs(view["req"]), "from", b.start.isoformat()),
                                 "to", b.end.isoformat())
            cells.append({"count": n, "url": vm.explorer_url(dated) if n else ""})
        rows.append({"label": b.label, "cells": cells})
    for view in series:
        del view["req"]
    inputs = named + [""] * (lib.MAX_SERIES - len(named))
    return {
        "title": f"Trend: {', '.join(s['label'] for s in series)}"
                 f"{' within ' + set_text if set_text and named else ''} – Facetwire",
        "set_text": set_text,
        "unit": t.unit,
        "units": [{"value": u, "label": u, "selected": u == t.unit} for u in lib.UNITS],
        "inputs": [{"value": v, "n": n + 1} for n, v in enumerate(inputs)],
        "hidden": set_pairs(req),
        "series": series,
        "rows": rows,
        "chart": chart(t),
        "warnings": t.warnings,
        "whole_url": trends_url(SearchRequest(), named, t.unit) if set_text and named else "",
        "search_url": vm.explorer_url(set_pairs(req)),
        "csv_url": urls.url(url_for("api.trends_api"), set_pairs(req) + [("s", s) for s in named]
                            + [("unit", t.unit), ("format", "csv")]),
        "json_url": urls.url(url_for("api.trends_api"), set_pairs(req) + [("s", s) for s in named]
                             + [("unit", t.unit)]),
    }


def nice_top(n):
    """Return a round number at or above n for the y axis (1, 2, 5 × a power of ten)."""
    if n <= 0:
        return 1
    power = 10 ** math.floor(math.log10(n))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= n)


def chart(t, width=760, height=280, left=46, right=14, top=14, bottom=30):
    """Return the trend chart's geometry: one polyline per series, dots with their counts, both axes."""
    if not t.axis:
        return None
    n = len(t.axis)
    peak = max((b.count for s in t.series for b in s.buckets), default=0)
    y_top = nice_top(peak)
    # the last period's label is centred on the right edge: leave room for its second half (it was cut off)
    right = max(right, math.ceil(TICK_CHAR_PX * len(t.axis[-1].label) / 2) + 2)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_at(i):
        return round(left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2), 1)

    def y_at(count):
        return round(top + plot_h * (1 - count / y_top), 1)

    ticks = [{"y": y_at(v), "label": f"{v:,}"} for v in (0, y_top // 2 if y_top >= 2 else None, y_top)
             if v is not None]
    every = max(1, math.ceil(n / 8))
    x_labels = [{"x": x_at(i), "label": t.axis[i].label} for i in range(0, n, every)]
    if n > 1 and (n - 1) % every and (n - 1) - (n - 1) // every * every > every / 2:
        x_labels.append({"x": x_at(n - 1), "label": t.axis[-1].label})
    lines = []
    for k, s in enumerate(t.series):
        points = [(x_at(i), y_at(b.count)) for i, b in enumerate(s.buckets)]
        dots = ([{"x": x, "y": y, "title": f"{s.label}, {b.label}: {vm.articles(b.count)}"}
                 for (x, y), b in zip(points, s.buckets)] if n <= MAX_POINTS else [])
        lines.append({"k": k, "points": " ".join(f"{x},{y}" for x, y in points), "dots": dots,
                      "mark": SERIES_MARKS[k]})
    return {"width": width, "height": height, "left": left, "right": width - right, "top": top,
            "bottom": height - bottom, "ticks": ticks, "x_labels": x_labels, "lines": lines,
            "label_y": height - 10,
            "description": f"Articles per {t.unit} from {t.axis[0].label} to {t.axis[-1].label}: "
                           + "; ".join(f"{s.label}, {s.total:,} in all" for s in t.series)}
