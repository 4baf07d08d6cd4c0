"""The Atom feed of a search: /feed.atom takes the parameters of /search and lists its newest articles.

- Always the newest FEED_SIZE articles, newest first, whatever `sort`, `page` and `per_page` say:
  a feed reader shows what is new, and a relevance order would reshuffle with every new article.
- The order is the search's newest order, entry for entry the page /api/search?sort=newest&per_page=50
  gives; there an undated article sorts as if after every date, so first (indexer/contract.py).
- An undated article gets UNDATED (1970-01-01T00:00:00Z) as `updated` and no `published`: Atom
  requires `updated`, and a fixed instant, unlike "now", never makes a reader show it as new or
  changed again; a reader that orders by date shows it last.
- An entry's id is its article page's URL without a query (a permalink, the same in every feed);
  its link carries the search's words, which the page marks.
- Every facet value of an article is a category: term the value, scheme the facet's name, label
  what the explorer shows (a subtopic's own label).

feedgen writes the XML (through lxml), so escaping and the Atom elements are not hand-made here;
characters that XML 1.0 cannot hold at all (control characters from a URL or an article) are
dropped first, since lxml refuses them.
"""
import re
from datetime import datetime, time, timezone

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, request, url_for

from indexer.facets import NAMES, subtopic_label
from indexer.search.request import SearchRequest

from . import urls
from . import viewmodels as vm
from .engine import get_reader

bp = Blueprint("feeds", __name__)

FEED_SIZE = 50           # one of PER_PAGE_CHOICES, so the API can list the same page
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
UNDATED = datetime(1970, 1, 1, tzinfo=timezone.utc)
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@bp.get("/feed.atom")
def atom():
    req = SearchRequest.from_args(request.args)
    pairs = feed_pairs(req)
    req.sort, req.page, req.per_page = "newest", 1, FEED_SIZE
    result = get_reader().search(req)
    body = feed(result, pairs).atom_str(pretty=True)
    return Response(body, content_type=MEDIA_TYPE)


def feed_pairs(req):
    """Return the URL state of a search's feed: the search without what the feed ignores."""
    return urls.remove(urls.remove(req.params(page=False), "sort"), "per_page")


def feed(result, pairs):
    """Return the FeedGenerator of a search's result (the newest page); pairs: the search as URL state."""
    req = result.request
    chip_list, _clear = vm.chips(req, pairs)
    self_url = urls.url(url_for("feeds.atom", _external=True), pairs)
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(xml_text(vm.page_title(req, chip_list, 1)))
    fg.subtitle(xml_text(subtitle(result)))
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.link(href=urls.url(url_for("pages.explorer", _external=True), pairs + [("sort", "newest")]),
            rel="alternate", type="text/html")
    fg.author(name="Facetwire")     # an entry without a source has no author of its own
    fg.generator("Facetwire")
    times = []
    for hit in result.hits:
        times.append(add_entry(fg, hit, req.q))
    fg.updated(max(times, default=UNDATED))
    return fg


def subtitle(result):
    said = (f"The newest {min(result.total, FEED_SIZE)} of {vm.articles(result.total)} matching this "
            f"search, newest first (sort, page and per_page are ignored).")
    notes = ([result.query_error] if result.query_error else []) + list(result.warnings)
    return said + "".join(f" Note: {n}." for n in notes if n)


def add_entry(fg, hit, q):
    """Add hit as an entry of fg; return its updated time."""
    fe = fg.add_entry(order="append")
    fe.id(url_for("pages.article", article_id=hit.id, _external=True))
    fe.title(xml_text(hit.title) or xml_text(hit.id))
    fe.link(href=url_for("pages.article", article_id=hit.id, _external=True, **({"q": q} if q else {})),
            rel="alternate", type="text/html")
    when = hit_time(hit)
    fe.updated(when or UNDATED)
    if when:
        fe.published(when)
    if hit.source:
        fe.author(name=xml_text(hit.source))
    summary = xml_text(hit.snippet_text)
    if summary:
        fe.summary(summary, type="text")
    for name, value in categories(hit):
        label = subtopic_label(value) if name == "subtopic" else value
        fe.category(term=xml_text(value), scheme=name, label=xml_text(label))
    return when or UNDATED


def categories(hit):
    """Return [(facet name, value)] of a hit, in registry order."""
    out = []
    for name in NAMES:
        values = [hit.source] if name == "source" else getattr(hit, name, ())
        out += [(name, v) for v in values if xml_text(v)]
    return out


def hit_time(hit):
    """Return the hit's date as an aware datetime (UTC when the article gave no offset); None if undated."""
    when = hit.date
    if hit.date_iso:
        try:
            when = datetime.fromisoformat(hit.date_iso)
        except ValueError:
            pass  # the stored naive date is the same instant without its offset
    if when is None:
        return None
    if not isinstance(when, datetime):
        when = datetime.combine(when, time())
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def xml_text(text):
    """Return text without the characters XML 1.0 cannot hold (lxml refuses them)."""
    return NOT_XML.sub("", text or "")
