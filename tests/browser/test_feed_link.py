"""The results page's feed link in Chromium, on each engine: the <head> link and the visible "Feed"
link name the search on screen, also after htmx swapped in a narrower one, and the feed they lead to
(read with feedparser) holds that search's newest articles."""
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import feedparser
from playwright.sync_api import expect

HEAD_LINK = 'head link[rel="alternate"][type="application/atom+xml"]'


def search_of(url):
    """The search a URL names, as the feed keeps it: no sort, page or per_page, order kept."""
    return [(k, v) for k, v in parse_qsl(urlsplit(url).query) if k not in ("sort", "page", "per_page")]


def read_feed(page, href):
    resp = page.request.get(href)
    assert resp.status == 200 and resp.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(resp.body())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def newest_ids(page, base, pairs):
    resp = page.request.get(base + "/api/search?" + urlencode(pairs + [("sort", "newest"), ("per_page", "50")]))
    return [h["id"] for h in resp.json()["hits"]]


def entry_id(entry):
    return unquote(urlsplit(entry.id).path.removeprefix("/article/"))


def test_feed_links_follow_the_search_on_screen_and_lead_to_its_articles(page, engine_url):
    page.goto(engine_url + "/search?q=president&sort=oldest")
    head, visible = page.locator(HEAD_LINK), page.get_by_role("link", name="Feed", exact=True)
    expect(head).to_have_count(1)
    expect(visible).to_be_visible()
    assert search_of(head.get_attribute("href")) == search_of(visible.get_attribute("href")) == [("q", "president")]

    row = page.locator("#facet-person .fv").first
    name = row.locator(".fv-label").inner_text()
    page.evaluate("window.sameDocument = true")
    row.locator(".fv-label").click()                 # htmx swaps the explorer and pushes the URL
    expect(page.locator(".active-filters")).to_contain_text(name)
    page.wait_for_url(lambda url: ("person", name) in parse_qsl(urlsplit(url).query))
    assert page.evaluate("window.sameDocument === true")   # swapped in place, not a page load
    on_screen = search_of(page.url)
    assert ("person", name) in on_screen and ("q", "president") in on_screen
    # The <head> link was swapped out of band: a reader subscribing now gets the narrower search.
    assert search_of(head.get_attribute("href")) == on_screen
    assert search_of(visible.get_attribute("href")) == on_screen

    feed = read_feed(page, engine_url + visible.get_attribute("href"))
    ids = [entry_id(e) for e in feed.entries]
    assert ids and ids == newest_ids(page, engine_url, on_screen)
    assert all(("person", name) in [(t.scheme, t.term) for t in e.tags] for e in feed.entries)
