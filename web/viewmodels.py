"""View models: everything a template shows, with its URLs ready (templates hold no logic).

Every facet value gets label, count, selected, excluded, toggle_url and exclude_url, as in
Datasette's facet results.
"""
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from flask import url_for

from indexer.document import readings
from indexer.export import TEXT_COLUMNS
from indexer.extract.stemming import stem
from indexer.facets import EXPORTED_LISTS, NAMES, PANELS, SUBTOPIC_JOIN, subtopic_label
from indexer.search.insights import Series, copy_request, series_request
from indexer.search.query import OPERATORS
from indexer.search.request import MAX_QUERY, SORTS, SearchRequest
from indexer.search.results import children, top_values
from indexer.search.similar import why_alike

from . import urls

SHORT, LONG = 8, 60          # values per facet panel, folded and after "more"
SORT_LABELS = {"relevance": "Relevance", "newest": "Newest", "oldest": "Oldest"}
CHIPS_PER_HIT = (("person", 3), ("country", 2), ("org", 2), ("topic", 2))
MAX_FIND = 100
MATCHED_WORDS = 6            # query words listed on a result card's "matched:" line
MAX_TITLE = 100              # characters of the query and filters in a page title
# The facets listed on an article's page (topics have their own section there).
ARTICLE_LISTS = tuple(f for f in PANELS if f.name != "topic")


def explorer_url(pairs=()):
    """Return the explorer's URL for a state given as (name, value) pairs."""
    return urls.url(url_for("pages.explorer"), pairs)


@dataclass
class UiState:
    """Display-only state carried in the URL: which panels are unfolded, what each is searched for."""

    more: list = field(default_factory=list)
    find: dict = field(default_factory=dict)

    @classmethod
    def from_args(cls, args):
        panels = [f.name for f in PANELS]
        more = [f for f in dict.fromkeys(args.getlist("more")) if f in panels]
        find = {f: " ".join(args.get("fq_" + f, "").split())[:MAX_FIND] for f in panels}
        return cls(more, {f: t for f, t in find.items() if t})


@dataclass
class FacetValue:
    label: str
    value: str
    count: int
    selected: bool
    excluded: bool
    toggle_url: str
    exclude_url: str
    key: str = ""             # stable id base of its controls: htmx gives focus back to the same id
    count_title: str = ""     # what the count means, for a tooltip and screen readers
    trend_url: str = ""       # its trend within the search (web/insights.py)
    related_url: str = ""     # who appears with it within the search
    children: list = field(default_factory=list)
    open: bool = False


@dataclass
class Panel:
    name: str
    title: str
    values: list
    truncated: bool
    expanded: bool
    more_url: str
    less_url: str
    find_param: str
    find_text: str
    find_hidden: list
    list_id: str
    active: int
    note: str = ""            # what the counts mean, shown when the panel has active filters
    note_id: str = ""


def base_pairs(req, ui):
    """Return the URL state without the page (any change of filter goes back to page 1)."""
    return req.params(page=False) + [("more", f) for f in ui.more]


def value_key(name, value):
    """Return an id for a facet value's controls, the same on every page (a digest: values are free text)."""
    return f"fv-{name}-{hashlib.blake2s(value.encode('utf-8'), digest_size=6).hexdigest()}"


def articles(n):
    return f"{n:,} article{'s' if n != 1 else ''}"


def count_title(label, count, selected, excluded):
    """Say what a facet count is: articles with the value under the query and the other panels' filters."""
    state = "Selected: " if selected else "Excluded: " if excluded else ""
    return f"{state}{articles(count)} with {label}, counting your query and the other panels' filters"


def panel_note(selected, excluded):
    """Return the note of a panel with active filters: why its counts are not the result's total."""
    note = "Counts: articles each value gives with your other filters (not this panel's)."
    if selected:
        note += " A selected value's count is what it contributes."
    if excluded:
        note += " An excluded value's count is what it hides."
    return note


def facet_value(base, name, value, count, req, label=None):
    selected = value in req.filters.get(name, ())
    excluded = value in req.excludes.get(name, ())
    neg = "not_" + name
    toggle = urls.remove(base, name, value) if selected else urls.add(urls.remove(base, neg, value), name, value)
    exclude = urls.remove(base, neg, value) if excluded else urls.add(urls.remove(base, name, value), neg, value)
    trend, related = insight_urls(req, name, value)
    return FacetValue(label or value, value, count, selected, excluded,
                      explorer_url(toggle), explorer_url(exclude), key=value_key(name, value),
                      count_title=count_title(label or value, count, selected, excluded),
                      trend_url=trend, related_url=related)


def set_pairs(req):
    """Return a search's set as URL pairs: words, filters, dates (no sort, no paging)."""
    return [(k, v) for k, v in req.params(page=False) if k not in ("sort", "per_page")]


def insight_urls(req, name, value):
    """Return (trend URL, related URL) of a facet value within the search, its own exclude dropped."""
    base = copy_request(req)
    if value in base.excludes.get(name, ()):
        base.excludes[name] = [v for v in base.excludes[name] if v != value]
    narrower = series_request(base, Series("", "", facet=name, value=value))
    return (urls.url(url_for("pages.trends"), set_pairs(base) + [("s", f"{name}:{value}")]),
            urls.url(url_for("pages.related"), set_pairs(narrower)))


def panel(name, title, counts, req, ui, base):
    expanded = name in ui.more or name in ui.find
    find_text = ui.find.get(name, "")
    shown, truncated = top_values(counts.get(name, {}), LONG if expanded else SHORT,
                                     req.filters.get(name, ()), req.excludes.get(name, ()), find_text)
    values = [facet_value(base, name, v, c, req) for v, c in shown]
    if name == "topic":
        sub = counts.get("subtopic", {})
        for tv in values:
            tv.children = [facet_value(base, "subtopic", full, c, req, label=child)
                           for child, full, c in children(sub, tv.value)]
            tv.open = tv.selected or any(k.selected or k.excluded for k in tv.children)
    selected = len(req.filters.get(name, ())) + (len(req.filters.get("subtopic", ())) if name == "topic" else 0)
    excluded = len(req.excludes.get(name, ())) + (len(req.excludes.get("subtopic", ())) if name == "topic" else 0)
    return Panel(
        name=name, title=title, values=values, truncated=truncated, expanded=expanded,
        more_url=explorer_url(urls.add(base, "more", name)),
        less_url=explorer_url(urls.remove(base, "more", name)),
        find_param="fq_" + name, find_text=find_text,
        find_hidden=urls.remove(base, "more", name) + [("more", name)],
        list_id=f"facet-{name}-list",
        active=selected + excluded,
        note=panel_note(selected, excluded) if selected + excluded else "",
        note_id=f"facet-{name}-note",
    )


def chips(req, base):
    """Return the active filters as removable chips, and the URL that clears them all."""
    out = []
    for name in NAMES:
        for v in req.filters.get(name, ()):
            out.append({"facet": name, "label": _label(name, v), "negated": False,
                        "remove_url": explorer_url(urls.remove(base, name, v))})
        for v in req.excludes.get(name, ()):
            out.append({"facet": name, "label": _label(name, v), "negated": True,
                        "remove_url": explorer_url(urls.remove(base, "not_" + name, v))})
    if req.date_from or req.date_to:
        out.append({"facet": "date", "label": date_range_text(req.date_from, req.date_to), "negated": False,
                    "remove_url": explorer_url(urls.remove(urls.remove(base, "from"), "to"))})
    clear = urls.only(base, ("q", "sort", "per_page"))
    return out, explorer_url(clear)


def _label(name, value):
    return subtopic_label(value) if name == "subtopic" else value


def date_range_text(start, end):
    if start and end:
        return f"{start.isoformat()} – {end.isoformat()}"
    return f"from {start.isoformat()}" if start else f"until {end.isoformat()}"


def date_text(hit_date, date_iso=""):
    if hit_date is None:
        return date_iso[:10]
    return f"{hit_date.day} {hit_date:%b %Y}"


# --- results: why each matched, and chips that only ever narrow ------------------------------

def facet_term(name, value):
    """Return the query-language term for an exact facet value, or None when it cannot be quoted."""
    return None if '"' in value else f'{name}:"{value}"'


def narrowing_url(result, base, name, value):
    """Return the explorer URL that keeps only the results holding name=value too ("" if all do).

    The rule never broadens: a facet with no selected value gets the value as a filter (filters of
    different facets AND); a facet that has selected values (which OR) gets it as a `name:"value"`
    term AND-ed to the query instead. "" when every result already has it or it cannot be said.
    """
    req = result.request
    chosen = req.filters.get(name, ())
    if not chosen:
        return explorer_url(urls.add(urls.remove(base, "not_" + name, value), name, value))
    term = facet_term(name, value)
    if list(chosen) == [value] or term is None or term in req.q or result.query_error:
        return ""  # a query read as plain words could not carry the term as written
    q = req.q
    if any(word in OPERATORS for word in q.split()):
        q = f"({q})"  # "a OR b" + term must AND the term with the whole query
    q = f"{q} {term}".strip()
    return explorer_url(urls.replace(base, "q", q)) if len(q) <= MAX_QUERY else ""


def holds(hit, name, value):
    if name == "source":
        return value == hit.source or value in hit.source.split(", ")
    return value in getattr(hit, name, ())


QUERY_FACET_TERM = re.compile(r'(?:^|(?<=[\s(]))(' + "|".join(NAMES) + r'):"([^"]+)"')


def matched_line(hit, req):
    """Return why a hit matched: the query words marked in its title and snippet, the filter values it holds."""
    words = {}
    for text, marked in list(hit.title_parts) + list(hit.snippet):
        key = " ".join(text.split()).casefold()
        if marked and key and key not in words:
            words[key] = " ".join(text.split())
    facets = [(name, v) for name in NAMES for v in req.filters.get(name, ()) if holds(hit, name, v)]
    facets += [(name, v) for name, v in QUERY_FACET_TERM.findall(req.q)
               if holds(hit, name, v) and (name, v) not in facets]
    return {"words": list(words.values())[:MATCHED_WORDS],
            "facets": [{"facet": name, "label": _label(name, v)} for name, v in facets]}


def hit_view(hit, result, base):
    req = result.request
    entity_chips = []
    for name, n in CHIPS_PER_HIT:
        for v in getattr(hit, name)[:n]:
            url = narrowing_url(result, base, name, v)
            entity_chips.append({"facet": name, "label": v, "url": url,
                                 "title": f"Only results with {name}: {v}" if url
                                 else f"Every result here has {name}: {v}"})
    article_args = {"q": req.q} if req.q else {}
    return {
        "id": hit.id,
        "article_url": url_for("pages.article", article_id=hit.id, **article_args),
        "title_parts": hit.title_parts or [(hit.id, False)],
        "date": date_text(hit.date, hit.date_iso),
        "date_iso": hit.date_iso or (hit.date.isoformat() if hit.date else ""),
        "source": hit.source,
        "source_url": narrowing_url(result, base, "source", hit.source) if hit.source else "",
        "link_url": urls.external(hit.url),   # "" unless http(s): never link a javascript: URL
        "snippet": hit.snippet,
        "chips": entity_chips,
        "matched": matched_line(hit, req),
        **versions_view(hit, base),
    }


def versions_view(hit, base):
    """Return the "N similar versions" control of a collapsed hit: the search within its group."""
    if hit.versions <= 1 or not hit.dup:
        return {"versions": 0}
    others = hit.versions - 1
    pairs = urls.replace(urls.replace(base, "dedupe", "0"), "dup", hit.dup)
    return {"versions": others, "versions_text": f"{others} similar version{'s' if others != 1 else ''}",
            "versions_url": explorer_url(pairs)}


def why_of(reader, doc, other_id):
    """Return what an article and one like it share ({"entities", "words"}; empty if it is gone)."""
    other = reader.document(other_id)
    return why_alike(doc, other) if other is not None else {"entities": [], "words": []}


def why_text(why):
    """Return "shares Mira Holt, Norland · bank, inflation" (or "")."""
    parts = [", ".join(v for _f, v in why["entities"]), ", ".join(why["words"])]
    parts = [p for p in parts if p]
    return ("shares " + " · ".join(parts)) if parts else ""


VERSIONS_SHOWN = 50


def versions_of(reader, doc):
    """Return the Hits of the other articles of its near-duplicate group, oldest first."""
    if not doc.dup:
        return []
    result = reader.search(SearchRequest(dup=doc.dup, sort="oldest", per_page=VERSIONS_SHOWN))
    return [h for h in result.hits if h.id != doc.id]


def dedupe_view(result, base):
    """Return the line that says near-duplicates are collapsed (or not), with the link that switches."""
    req = result.request
    if req.dup:
        return {"text": "Versions of one story (near-duplicates)",
                "link": "all articles", "url": explorer_url(urls.remove(urls.remove(base, "dup"), "dedupe"))}
    if result.groups is None:
        return {"text": "Every version of a republished story listed",
                "link": "collapse near-duplicates", "url": explorer_url(urls.remove(base, "dedupe"))}
    hidden = result.total - result.groups
    if not hidden:
        return {}
    return {"text": f"{result.groups:,} after collapsing near-duplicates ({hidden:,} similar version"
                    f"{'s' if hidden != 1 else ''} folded; counts are of articles)",
            "link": "show every version", "url": explorer_url(urls.replace(base, "dedupe", "0"))}


def pager(page, pages, base):
    def at(n):
        return explorer_url(base + ([("page", str(n))] if n > 1 else []))
    wanted = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    items, last = [], 0
    for n in wanted:
        if n - last > 1:
            items.append({"gap": True})
        items.append({"gap": False, "label": str(n), "url": at(n), "current": n == page})
        last = n
    return {"prev_url": at(page - 1) if page > 1 else "", "next_url": at(page + 1) if page < pages else "",
            "links": items if pages > 1 else []}


HISTOGRAM_UNITS = {10: "day", 7: "month", 4: "year"}   # by the length of a bucket's label
COUNTED_BARS = 36          # up to this many bars, each shows its count; more: only the peak's


def histogram(buckets, req, base, height=58, label_room=15):
    """Return the date histogram's bars: x and width in % of the chart (so its text never scales), y in px.

    Each bar links to its date range and shows its count (all of them up to COUNTED_BARS bars).
    """
    if not buckets:
        return None
    top = max(b.count for b in buckets) or 1
    step = 100 / len(buckets)
    plain = urls.remove(urls.remove(base, "from"), "to")
    bars = []
    for i, b in enumerate(buckets):
        h = max(round(b.count / top * (height - 2), 1), 1) if b.count else 0
        selected = bool((req.date_from or req.date_to) and (not req.date_from or b.end >= req.date_from)
                        and (not req.date_to or b.start <= req.date_to))
        shown = b.count and (len(buckets) <= COUNTED_BARS or b.count == top)
        bars.append({"x": f"{i * step:.3f}%", "w": f"{max(step * 0.82, 0.15):.3f}%",
                     "cx": f"{(i + 0.41) * step:.3f}%", "y": round(label_room + height - h, 1), "h": h,
                     "label": b.label, "count": b.count, "count_text": f"{b.count:,}" if shown else "",
                     "count_y": round(label_room + height - h - 3, 1),
                     "title": f"{b.label}: {b.count:,} article{'s' if b.count != 1 else ''}",
                     "url": explorer_url(plain + [("from", b.start.isoformat()), ("to", b.end.isoformat())]),
                     "selected": selected})
    unit = HISTOGRAM_UNITS.get(len(buckets[0].label), "month")
    return {"height": height + label_room, "bars": bars, "first": buckets[0].label,
            "last": buckets[-1].label, "max": top, "unit": unit,
            "trend_url": urls.url(url_for("pages.trends"), set_pairs(req) + [("unit", unit)])}


def page_title(req, chip_list, page):
    """Return the page title: the query and every filter ("person: Ana Lopez · not country: Spain – Facetwire")."""
    said = [req.q] if req.q else []
    said += [f"{'not ' if c['negated'] else ''}{c['facet']}: {c['label']}" for c in chip_list]
    text = " · ".join(said)
    if len(text) > MAX_TITLE:
        text = text[:MAX_TITLE - 1].rstrip() + "…"
    if text and page > 1:
        text += f", page {page}"
    return f"{text} – Facetwire" if text else ("Facetwire" if page == 1 else f"Page {page} – Facetwire")


def export_view(req):
    """Return the export form: the search as hidden fields, and its options."""
    return {"action": url_for("api.export_api"), "hidden": req.params(page=False),
            "texts": [("", "No text")] + [(t, {"body": "Full text", "snippet": "Snippet"}[t]) for t in TEXT_COLUMNS]}


def suggestion_views(suggestions, api=False):
    """Return did-you-mean (indexer.search.didyoumean) as messages with their options' URLs ready."""
    make = (lambda r: urls.url(url_for("api.search_api"), r.params())) if api else (lambda r: explorer_url(r.params()))
    return [{"message": s.message,
             "options": [{"label": o.label, "q": o.request.q, "url": make(o.request)} for o in s.options]}
            for s in suggestions]


def search_page(result, ui, per_page_choices=None):
    """Return the view model of the explorer (results, facets, filters) for one search."""
    req = result.request
    base = base_pairs(req, ui)
    chip_list, clear_url = chips(req, base)
    sort = req.effective_sort
    sorts = [{"label": SORT_LABELS[s], "url": explorer_url(urls.replace(base, "sort", s)),
              "active": s == sort} for s in SORTS]
    no_dates = urls.remove(urls.remove(base, "from"), "to")
    start = (result.page - 1) * req.per_page
    return {
        "q": req.q,
        "title": page_title(req, chip_list, result.page),
        "filter_count": len(chip_list),
        "total": result.total,
        "total_text": f"{result.total:,} article{'s' if result.total != 1 else ''}",
        "range_text": f"{start + 1:,}–{start + len(result.hits):,}" if result.hits else "",
        "page": result.page,
        "pages": result.pages,
        "hits": [hit_view(h, result, base) for h in result.hits],
        "warnings": result.warnings,
        "query_error": result.query_error,
        "panels": [panel(f.name, f.title, result.facets, req, ui, base) for f in PANELS],
        "chips": chip_list,
        "clear_url": clear_url if chip_list else "",
        "sorts": sorts,
        "pager": pager(result.page, result.pages, base),
        "dedupe": dedupe_view(result, base),
        "histogram": histogram(result.histogram, req, base),
        "date_from": req.date_from.isoformat() if req.date_from else "",
        "date_to": req.date_to.isoformat() if req.date_to else "",
        "date_hidden": no_dates,
        "date_clear_url": explorer_url(no_dates) if (req.date_from or req.date_to) else "",
        "form_hidden": urls.remove(base, "q"),
        "export_csv": urls.url(url_for("api.export_api"), req.params(page=False) + [("format", "csv")]),
        "export_jsonl": urls.url(url_for("api.export_api"), req.params(page=False) + [("format", "jsonl")]),
        "export": export_view(req),
        "api_url": urls.url(url_for("api.search_api"), req.params()),
        "related_url": urls.url(url_for("pages.related"), set_pairs(req)),
        # The search's Atom feed: always its newest articles, so sort and paging are left out (web/feeds.py).
        "feed_url": urls.url(url_for("feeds.atom"), urls.remove(urls.remove(req.params(page=False), "sort"),
                                                                "per_page")),
    }


# --- JSON -------------------------------------------------------------------------------------

API_FACET_SIZE = 20
MAX_API_FACET_SIZE = 500


def api_search(result, facet_size=API_FACET_SIZE):
    req = result.request
    facets_out = {}
    for name in NAMES:
        shown, truncated = top_values(result.facets.get(name, {}), facet_size,
                                         req.filters.get(name, ()), req.excludes.get(name, ()))
        facets_out[name] = [{"value": v, "count": c, "selected": v in req.filters.get(name, ()),
                             "excluded": v in req.excludes.get(name, ())} for v, c in shown]
    return {
        "query": req.q,
        "total": result.total,
        "groups": result.groups,
        "page": result.page,
        "pages": result.pages,
        "per_page": req.per_page,
        "sort": req.effective_sort,
        "warnings": result.warnings,
        "hits": [{
            "id": h.id, "title": h.title, "date": h.date_iso or (h.date.isoformat() if h.date else ""),
            "source": h.source, "url": h.url, "snippet": h.snippet_text,
            "person": h.person, "country": h.country, "org": h.org, "topic": h.topic,
            "subtopic": h.subtopic, "dup": h.dup, "versions": h.versions,
        } for h in result.hits],
        "facets": facets_out,
        "histogram": [{"label": b.label, "from": b.start.isoformat(), "to": b.end.isoformat(),
                       "count": b.count} for b in result.histogram],
    }


def article_data(doc):
    """Return an article's Document as plain data (for the API and the page)."""
    return {
        "id": doc.id,
        "title": doc.title,
        "date": doc.date_text,
        "source": doc.source_text,
        "url": doc.url,
        "section": doc.section,
        "dateline": doc.dateline,
        "body": doc.body,
        **{name: list(getattr(doc, name)) for name in EXPORTED_LISTS},
        "sources": list(doc.source),
        "mentions": doc.mentions,
        "topics": doc.topics,
    }


WORD = re.compile(r"\w+")
_stem = lru_cache(maxsize=50_000)(stem)


def query_marks(text, words):
    """Split text into [(text, marked)], marking each word that is one of words or has the stem of one.

    words are the surface forms the engine marked for the query (title and snippet of the
    article's hit); their stems extend the marks to the other forms in the body, as the index
    reads words (Porter).
    """
    if not words or not text:
        return [(text, False)] if text else []
    wanted = {w.casefold() for w in words} | {_stem(w.casefold()) for w in words}
    parts, pos = [], 0
    for m in WORD.finditer(text):
        word = m.group().casefold()
        if word in wanted or _stem(word) in wanted:
            if m.start() > pos:
                parts.append((text[pos:m.start()], False))
            parts.append((m.group(), True))
            pos = m.end()
    if pos < len(text):
        parts.append((text[pos:], False))
    return parts


def marked_text(text, mentions, field_name, words=()):
    """Split text into paragraphs of parts: plain strings and entity links, from stored mentions.

    Each part's `pieces` are [(text, marked)]: the query's words marked inside plain text and
    inside entity links alike.
    """
    spans = sorted((m for m in mentions if isinstance(m, list) and len(m) >= 5 and m[0] == field_name
                    and isinstance(m[1], int) and isinstance(m[2], int) and m[3] in NAMES),
                   key=lambda m: (m[1], -m[2]))
    paragraphs, parts, pos = [], [], 0

    def plain(chunk):
        nonlocal parts
        pieces = chunk.split("\n\n")
        for i, piece in enumerate(pieces):
            if i:
                paragraphs.append(parts)
                parts = []
            if piece:
                parts.append({"text": piece, "facet": None, "pieces": query_marks(piece, words)})

    for _field, start, end, facet, value in (m[:5] for m in spans):
        if start < pos or end > len(text) or start >= end:
            continue  # overlapping or out of range: keep the first
        plain(text[pos:start])
        parts.append({"text": text[start:end], "facet": facet, "value": value,
                      "url": explorer_url([(facet, value)]),
                      "title": f"{facet}: {value}", "pieces": query_marks(text[start:end], words)})
        pos = end
    plain(text[pos:])
    paragraphs.append(parts)
    return [p for p in paragraphs if p]


def article_page(data, similar, words=()):
    """Return the article page's view model; words: the query's matched words, marked in title and body."""
    topics = []
    for t in data["topics"]:
        if not isinstance(t, dict) or "label" not in t:
            continue
        label = str(t["label"])
        topics.append({
            "label": label, "score": _score(t.get("score")), "url": explorer_url([("topic", label)]),
            "evidence": [str(e) for e in t.get("evidence", []) if e][:12],
            "children": [{"label": str(c[0]), "score": _score(c[1] if len(c) > 1 else None),
                          "url": explorer_url([("subtopic", f"{label}{SUBTOPIC_JOIN}{c[0]}")])}
                         for c in t.get("children", []) if isinstance(c, (list, tuple)) and c],
        })
    facet_lists = [{"name": f.name, "title": f.title,
                    "entries": [{"label": v, "url": explorer_url([(f.name, v)])} for v in values]}
                   for f in ARTICLE_LISTS if (values := data["sources" if f.name == "source" else f.name])]
    title_paras = marked_text(data["title"], data["mentions"], "title", words)
    paragraphs = marked_text(data["body"], data["mentions"], "body", words)
    return {
        "id": data["id"],
        "title": data["title"],
        "title_parts": title_paras[0] if title_paras else [],
        "date": data["date"][:10],
        "source": data["source"],
        "source_url": explorer_url([("source", data["source"])]) if data["source"] else "",
        "link_url": urls.external(data["url"]),
        "url_text": "" if urls.external(data["url"]) else data["url"],  # shown, not linked
        "section": data["section"],
        "dateline": data["dateline"],
        "paragraphs": paragraphs,
        "query_marked": any(m for para in title_paras + paragraphs for part in para for _t, m in part["pieces"]),
        "topics": topics,
        "facet_lists": facet_lists,
        # how a short form several people share was read ("“Trump” read as Donald Trump: ...")
        "readings": [r["text"] for r in readings(data["mentions"])],
        "similar": similar,
        "api_url": url_for("api.article", article_id=data["id"]),
    }


def _score(value):
    try:
        return f"{float(value):.2f}"
    except (TypeError, ValueError):
        return ""
