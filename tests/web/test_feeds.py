"""The Atom feed of a search: valid Atom (read back with feedparser), the newest 50 of exactly the search."""
import calendar
import re
import secrets
from datetime import datetime, timezone
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from werkzeug.datastructures import MultiDict

from indexer.engines import EngineConfig, open_engine
from indexer.facets import NAMES
from indexer.search.results import Hit
from web import create_app
from web.feeds import UNDATED, hit_time

from clusters import OPENSEARCH_URL, need_opensearch
from handmade import load

FEED_TYPE = "application/atom+xml; charset=utf-8"
ARTICLE_PATH = re.compile(r"^http://localhost/article/(?P<id>[^?]+)$")


def read_feed(client, pairs):
    resp = client.get("/feed.atom", query_string=MultiDict(pairs))
    assert resp.status_code == 200 and resp.headers["Content-Type"] == FEED_TYPE
    parsed = feedparser.parse(resp.data)
    assert not parsed.bozo, parsed.get("bozo_exception")   # well-formed XML
    assert parsed.version == "atom10"
    return parsed


def article_id(entry_id):
    m = ARTICLE_PATH.match(entry_id)
    assert m, entry_id
    return unquote(m["id"])


def newest_api(client, pairs):
    """The API's answer to the same search, newest first, one page of 50."""
    drop = {"sort", "page", "per_page"}
    args = MultiDict([(k, v) for k, v in pairs if k not in drop] + [("sort", "newest"), ("per_page", "50")])
    resp = client.get("/api/search", query_string=args)
    assert resp.status_code == 200
    return resp.get_json()


def common(stored, name, n=1):
    counts = {}
    for a in stored:
        for v in a[name]:
            counts[v] = counts.get(v, 0) + 1
    return sorted(counts, key=lambda v: (-counts[v], v))[:n]


def searches(stored):
    person, country = common(stored, "person")[0], common(stored, "country", 2)
    return {
        "everything": [],
        "words": [("q", "president")],
        "facet": [("person", person)],
        "or and exclude": [("country", country[0]), ("country", country[1]), ("not_person", person)],
        "sort and paging ignored": [("q", "president"), ("sort", "oldest"), ("page", "2"), ("per_page", "10")],
        "dates": [("from", "2019"), ("to", "2020-06")],
    }


@pytest.mark.parametrize("case", ["everything", "words", "facet", "or and exclude", "sort and paging ignored",
                                  "dates"])
def test_entries_are_the_searchs_newest_in_order(client, stored, case):
    pairs = searches(stored)[case]
    feed = read_feed(client, pairs)
    api = newest_api(client, pairs)
    assert [article_id(e.id) for e in feed.entries] == [h["id"] for h in api["hits"]]
    assert len(feed.entries) == min(api["total"], 50)
    by_id = {a["id"]: a for a in stored}
    for entry, hit in zip(feed.entries, api["hits"]):
        art = by_id[hit["id"]]
        assert entry.title == art["title"]
        assert entry.link == entry.id + ("?q=president" if ("q", "president") in pairs else "")
        assert entry.get("summary", "") == hit["snippet"]
        assert entry.updated_parsed[:3] == tuple(int(x) for x in art["date_iso"][:10].split("-"))
        assert entry.published == entry.updated
        assert entry.author == art["source"][0]
        expected = [(name, v) for name in NAMES for v in art[name]]
        assert [(t.scheme, t.term) for t in entry.tags] == expected
    dates = [calendar.timegm(e.updated_parsed) for e in feed.entries]
    assert dates == sorted(dates, reverse=True)


def test_a_filtered_feed_holds_every_matching_article(client, stored):
    # Independently of the API: the fixture has fewer than 50 articles, so the feed holds them all.
    person = common(stored, "person")[0]
    feed = read_feed(client, [("person", person)])
    assert sorted(article_id(e.id) for e in feed.entries) == sorted(a["id"] for a in stored if person in a["person"])


def test_the_feed_says_which_search_it_is(client, stored):
    person = common(stored, "person")[0]
    pairs = [("q", "president"), ("person", person), ("sort", "relevance"), ("page", "3")]
    feed = read_feed(client, pairs)
    page = client.get("/search", query_string=MultiDict(pairs)).get_data(as_text=True)
    page_title = re.search(r"<title>(.*?)</title>", page).group(1).replace("&amp;", "&")
    assert feed.feed.title == page_title.replace(", page 3", "") == f"president · person: {person} – Facetwire"
    links = {link.rel: link.href for link in feed.feed.links}
    query = "q=president&person=" + person.replace(" ", "+")
    assert links["self"] == f"http://localhost/feed.atom?{query}" == feed.feed.id
    assert links["alternate"] == f"http://localhost/search?{query}&sort=newest"
    assert "newest first" in feed.feed.subtitle and "ignored" in feed.feed.subtitle
    newest = max(calendar.timegm(e.updated_parsed) for e in feed.entries)
    assert calendar.timegm(feed.feed.updated_parsed) == newest


def test_results_page_links_its_feed_in_head_and_body(client, stored):
    pairs = [("q", "president"), ("country", common(stored, "country")[0]), ("sort", "oldest"), ("page", "2")]
    expected = "/feed.atom?q=president&amp;country=" + pairs[1][1].replace(" ", "+")
    for headers in ({}, {"HX-Request": "true", "HX-Target": "explorer"}):
        html = client.get("/search", query_string=MultiDict(pairs), headers=headers).get_data(as_text=True)
        assert re.search(r'<a href="' + re.escape(expected) + r'"[^>]*>Feed</a>', html)
    head = html_head(client.get("/search", query_string=MultiDict(pairs)).get_data(as_text=True))
    link = r'<link id="feed-link" rel="alternate" type="application/atom\+xml" title="[^"]+" href="' + re.escape(expected)
    assert re.search(link + '">', head)
    # A swapped search replaces the <head> link too (out of band), so it never names an older search.
    assert re.search(link + '" hx-swap-oob="true">', html)
    assert f"http://localhost{expected.replace('&amp;', '&')}" == read_feed(client, pairs).feed.id


def html_head(html):
    return html.split("</head>", 1)[0]


@pytest.mark.parametrize("pairs", [
    [("from", "garbage"), ("to", "2020-13-45")],
    [("page", "abc"), ("per_page", "-1"), ("sort", "sideways")],
    [("q", '"unclosed (quote')],
    [("q", "bell\x07 and \x01 nul\x00"), ("person", "\x0b")],
    [("not_colour", "red"), ("colour", "red"), ("more", "nothing")],
    [("q", "zzzyzzy-nothing-matches")],
])
def test_bad_parameters_still_give_a_valid_feed(client, pairs):
    feed = read_feed(client, pairs)
    assert feed.feed.title.endswith("Facetwire")
    api = newest_api(client, pairs)
    assert [article_id(e.id) for e in feed.entries] == [h["id"] for h in api["hits"]]
    for warning in api["warnings"]:
        assert re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", warning) in feed.feed.subtitle


@pytest.fixture(scope="module", params=["whoosh", "opensearch"])
def hand_engine_client(request, tmp_path_factory):
    """The handmade articles (undated a09, a title with markup, subtopics) on each engine."""
    if request.param == "whoosh":
        config = EngineConfig(index_dir=str(tmp_path_factory.mktemp("hand-feed")))
    else:
        need_opensearch()
        config = EngineConfig(engine="opensearch", engine_url=[OPENSEARCH_URL], shards=2, replicas=1,
                              index_name=f"fw-feed-{secrets.token_hex(3)}")
    engine = load(open_engine(config))
    yield create_app({"ENGINE_CONFIG": config, "TESTING": True}).test_client()
    if hasattr(engine, "drop"):
        engine.drop()
    engine.close()


def test_undated_articles_keep_the_newest_order_and_are_dated_at_the_epoch(hand_engine_client):
    feed = feedparser.parse(hand_engine_client.get("/feed.atom?country=United+States").data)
    assert not feed.bozo
    # The handmade a09 has no date; the newest order puts it first (as if after every date).
    assert [article_id(e.id) for e in feed.entries] == ["a09", "a11", "a08", "a04", "a02"]
    undated, dated = feed.entries[0], feed.entries[1:]
    assert calendar.timegm(undated.updated_parsed) == UNDATED.timestamp() and "published" not in undated
    assert all("published" in e for e in dated)
    assert feed.feed.updated == dated[0].updated                 # the feed's time: its newest dated entry


def test_titles_are_text_not_markup(hand_engine_client):
    feed = feedparser.parse(hand_engine_client.get("/feed.atom?q=debate").data)
    assert [e.title for e in feed.entries] == ["Election debate <b>heated</b> & loud"]
    raw = hand_engine_client.get("/feed.atom?q=debate").get_data(as_text=True)
    assert "<title>Election debate &lt;b&gt;heated&lt;/b&gt; &amp; loud</title>" in raw


def test_subtopics_are_categories_with_their_own_label(hand_engine_client):
    feed = feedparser.parse(hand_engine_client.get("/feed.atom?q=festival").data)
    (tag,) = [t for t in feed.entries[0].tags if t.scheme == "subtopic"]
    assert tag.term == "arts, culture, entertainment and media › festival" and tag.label == "festival"


@pytest.mark.parametrize("date_iso, expected", [
    ("2020-03-01T10:00:00+02:00", datetime(2020, 3, 1, 8, tzinfo=timezone.utc)),
    ("2020-03-01", datetime(2020, 3, 1, tzinfo=timezone.utc)),        # no offset: read as UTC
    ("", None),
])
def test_hit_time_keeps_the_offset_the_article_gave(date_iso, expected):
    naive = datetime.fromisoformat(date_iso).replace(tzinfo=None) if date_iso else None
    hit = Hit(id="x", title="", date=naive, date_iso=date_iso, source="", url="", snippet=[], title_parts=[],
              person=[], country=[], org=[], topic=[], subtopic=[])
    assert hit_time(hit) == expected


def test_entry_links_are_absolute_article_pages(client):
    feed = read_feed(client, [("q", "president")])
    for entry in feed.entries:
        parts = urlsplit(entry.link)
        assert (parts.scheme, parts.netloc, parts.path.split("/")[1]) == ("http", "localhost", "article")
        assert client.get(entry.link).status_code == 200


def test_without_an_index_the_feed_is_a_503_page(tmp_path):
    client = create_app({"INDEX_DIR": str(tmp_path / "none"), "TESTING": True}).test_client()
    resp = client.get("/feed.atom?q=flood")
    assert resp.status_code == 503 and resp.mimetype == "text/html"
