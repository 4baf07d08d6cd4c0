"""The HTML pages: full page versus fragment, Vary, facets, chips, paging, article, escaping."""
import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest

HX = {"HX-Request": "true", "HX-Target": "explorer"}


def links(html, css_class):
    return [unescape(m) for m in re.findall(rf'<a class="{css_class}"[^>]*href="([^"]+)"', html)]


def query_of(url):
    return sorted(parse_qsl(urlsplit(url).query))


@pytest.mark.parametrize("path", ["/", "/search", "/search?q=president", "/help"])
def test_pages_are_full_html_with_security_headers(client, path):
    resp = client.get(path)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert html.startswith("<!doctype html>") and "</html>" in html
    assert "HX-Request" in resp.headers["Vary"]
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script>" not in html and " style=" not in html  # nothing inline for the CSP to block


def test_htmx_request_to_the_explorer_gets_a_fragment(client):
    resp = client.get("/search?q=president", headers=HX)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "HX-Request" in resp.headers["Vary"]
    assert "<html" not in html and 'class="hits"' in html and 'class="sidebar"' in html


@pytest.mark.parametrize("headers", [
    {"HX-Request": "true", "HX-Target": "explorer", "HX-History-Restore-Request": "true"},
    {"HX-History-Restore-Request": "true"},
    {"HX-Request": "true"},                          # no target: not ours to guess
    {"HX-Request": "true", "HX-Target": "elsewhere"},
])
def test_history_restore_and_other_requests_get_the_full_page(client, headers):
    html = client.get("/search?q=president", headers=headers).get_data(as_text=True)
    assert html.startswith("<!doctype html>")


def test_facet_list_target_gets_the_fragment(client):
    html = client.get("/search?fq_person=Trump", headers={"HX-Request": "true", "HX-Target": "facet-person-list"}).get_data(as_text=True)
    assert "<html" not in html and 'id="facet-person-list"' in html


def test_fragment_and_page_share_the_explorer(client):
    page = client.get("/search?q=president").get_data(as_text=True)
    frag = client.get("/search?q=president", headers=HX).get_data(as_text=True)
    title, feed_link, explorer = frag.strip().split("\n", 2)
    assert explorer.strip() in page
    assert feed_link.startswith('<link id="feed-link"') and 'hx-swap-oob="true"' in feed_link  # the <head> link, swapped
    assert title == "<title>president – Facetwire</title>"   # htmx moves it into document.title
    assert "<title>president – Facetwire</title>" in page


def test_fragment_title_is_escaped(client):
    frag = client.get("/search", query_string={"q": "</title><b>x"}, headers=HX).get_data(as_text=True)
    assert frag.startswith("<title>&lt;/title&gt;&lt;b&gt;x – Facetwire</title>")


def test_facet_panels_show_counts_from_the_stored_values(client, stored):
    html = client.get("/search").get_data(as_text=True)
    panel = html.split('id="facet-country"', 1)[1].split("</section>", 1)[0]
    shown = re.findall(r'<span class="fv-label">([^<]+)</span><span class="fv-count"[^>]*>([\d,]+)</span>', panel)
    counts = {}
    for a in stored:
        for v in a["country"]:
            counts[v] = counts.get(v, 0) + 1
    assert shown and all(counts[unescape(v)] == int(c.replace(",", "")) for v, c in shown)
    assert [int(c) for _, c in shown] == sorted((int(c) for _, c in shown), reverse=True)


def test_toggle_and_exclude_urls(client):
    html = client.get("/search?person=Donald+Trump").get_data(as_text=True)
    panel = html.split('id="facet-person"', 1)[1].split("</section>", 1)[0]
    selected = re.search(r'<li class="fv is-selected">.*?href="([^"]+)"', panel, re.S)
    assert selected and query_of(unescape(selected[1])) == []          # clicking it again removes it
    other = re.search(r'<li class="fv">.*?class="fv-toggle" href="([^"]+)".*?class="fv-exclude" href="([^"]+)"', panel, re.S)
    add, exclude = unescape(other[1]), unescape(other[2])
    assert ("person", "Donald Trump") in query_of(add) and len([k for k, _ in query_of(add) if k == "person"]) == 2
    assert ("person", "Donald Trump") in query_of(exclude) and any(k == "not_person" for k, _ in query_of(exclude))


def test_active_filters_are_removable_chips_with_clear_all(client):
    html = client.get("/search?q=election&person=Donald+Trump&not_country=Canada&from=2019-01-01").get_data(as_text=True)
    chips = re.findall(r'<a class="chip chip-(\w+)( negated)?" href="([^"]+)"', html.split('class="active-filters"')[1].split("</ul>")[0])
    assert {(facet, bool(neg)) for facet, neg, _ in chips} == {("person", False), ("country", True), ("date", False)}
    for facet, _neg, href in chips:
        assert ("q", "election") in query_of(unescape(href))
    clear = re.search(r'class="clear-all" href="([^"]+)"', html)[1]
    assert query_of(unescape(clear)) == [("q", "election")]


def test_topic_panel_nests_subtopics(client, stored):
    html = client.get("/search").get_data(as_text=True)
    panel = html.split('id="facet-topic"', 1)[1].split("</section>", 1)[0]
    assert "fv-children" in panel
    sub = {}
    for a in stored:
        for v in a["subtopic"]:
            sub[v] = sub.get(v, 0) + 1
    child_links = re.findall(r'<li class="fv fv-child">.*?href="([^"]+)".*?<span class="fv-count"[^>]*>([\d,]+)', panel, re.S)
    assert child_links
    for href, count in child_links:
        value = dict(parse_qsl(urlsplit(unescape(href)).query))["subtopic"]
        assert sub[value] == int(count)


def test_selected_subtopic_opens_its_topic(client, stored):
    value = next(v for a in stored for v in a["subtopic"])
    html = client.get("/search", query_string={"subtopic": value}).get_data(as_text=True)
    assert '<details class="fv-children" open>' in html


def test_more_and_find_inside_a_facet(client, stored):
    names = sorted({p for a in stored for p in a["person"]})
    html = client.get("/search?more=person").get_data(as_text=True)
    panel = html.split('id="facet-person"', 1)[1].split("</section>", 1)[0]
    assert len(re.findall('class="fv-label"', panel)) == min(len(names), 60)
    target = names[0]
    html = client.get("/search", query_string={"fq_person": target[:5]}).get_data(as_text=True)
    panel = html.split('id="facet-person"', 1)[1].split("</section>", 1)[0]
    labels = [unescape(x) for x in re.findall(r'class="fv-label">([^<]+)<', panel)]
    assert labels and all(target[:5].lower() in x.lower() for x in labels)


def test_pagination_links(client):
    html = client.get("/search?per_page=10").get_data(as_text=True)
    assert 'class="pager"' in html
    nxt = unescape(re.search(r'class="next" href="([^"]+)"', html)[1])
    assert ("page", "2") in query_of(nxt)
    html2 = client.get(nxt).get_data(as_text=True)
    assert 'aria-current="page">2<' in html2 and 'class="prev" href=' in html2


def test_sort_links(client):
    html = client.get("/search?q=president").get_data(as_text=True)
    sorts = dict((label, unescape(href)) for href, label in re.findall(r'<a href="([^"]+)" class="[^"]*"[^>]*>(Relevance|Newest|Oldest)</a>', html))
    assert set(sorts) == {"Relevance", "Newest", "Oldest"}
    assert ("sort", "oldest") in query_of(sorts["Oldest"]) and ("q", "president") in query_of(sorts["Oldest"])


def test_hits_show_title_date_source_snippet_and_chips(client):
    html = client.get("/search?q=president").get_data(as_text=True)
    first = html.split('<li class="hit">', 2)[1]
    assert "<mark>" in first and "<time" in first and 'class="hit-source"' in first and 'class="chip chip-' in first


@pytest.mark.parametrize("query", [
    "page=-3", "page=x", "page=99999999999999999999", "per_page=-1", "sort=%3Cb%3E", "not_bogus=1",
    "bogus=1", "from=2020-99-99", "to=x", "q=%22unclosed", "q=(((", "q=title:", "q=date:[2020+to",
    "person=" + "x" * 5000, "more=bogus&more=person", "fq_person=%00", "q=%00%01",
])
def test_nonsense_parameters_never_5xx(client, query):
    for headers in ({}, HX):
        assert client.get("/search?" + query, headers=headers).status_code == 200
    assert client.get("/api/search?" + query).status_code == 200


def test_bad_query_shows_a_friendly_message(client):
    html = client.get('/search?q=%22unclosed+president').get_data(as_text=True)
    assert "quotation mark is not closed" in html and "plain words" in html


def test_user_input_is_escaped(client):
    evil = '<script>alert("x")</script>'
    html = client.get("/search", query_string={"q": evil, "person": evil, "fq_org": evil}).get_data(as_text=True)
    assert evil not in html and "&lt;script&gt;" in html


def test_stored_text_is_escaped(hand_client):
    html = hand_client.get("/search?q=debate").get_data(as_text=True)
    assert "<b>heated</b>" not in html and "&lt;b&gt;heated&lt;/b&gt;" in html
    html = hand_client.get("/article/a11").get_data(as_text=True)
    assert "<b>heated</b>" not in html and "&lt;b&gt;" in html


def test_article_page(client, stored):
    art = next(a for a in stored if a["person"] and a["topics_json"] not in ("", "[]"))
    resp = client.get(f"/article/{art['id']}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "HX-Request" in resp.headers["Vary"]
    title = re.search(r'<h1 class="article-title">(.*?)</h1>', html, re.S)[1]
    assert unescape(re.sub(r"<[^>]+>", "", title)) == art["title"]
    ents = re.findall(r'<a class="ent ent-(\w+)" href="([^"]+)"', html)
    assert ents
    for facet, href in ents:
        (name, value), = parse_qsl(urlsplit(unescape(href)).query)
        assert name == facet and value in art[facet]
    assert "Evidence:" in html and "More like this" in html
    assert art["url"] in html


def test_article_entity_link_leads_to_a_filtered_search(client, stored):
    art = next(a for a in stored if a["person"])
    html = client.get(f"/article/{art['id']}").get_data(as_text=True)
    href = unescape(re.search(r'<a class="ent ent-person" href="([^"]+)"', html)[1])
    page = client.get(href).get_data(as_text=True)
    assert 'class="chip chip-person"' in page and art["id"] in page


@pytest.mark.parametrize("path, status", [
    ("/article/no-such-article", 404), ("/article/../../etc/passwd", 400), ("/article/a%00b", 400),
    ("/article/" + "x" * 600, 400), ("/nowhere", 404),
])
def test_article_ids_are_validated(client, path, status):
    resp = client.get(path)
    assert resp.status_code == status
    assert "Traceback" not in resp.get_data(as_text=True)


def test_wikinews_attribution_in_the_footer(client, hand_client):
    assert "CC BY 2.5" in client.get("/").get_data(as_text=True)
    html = hand_client.get("/").get_data(as_text=True)
    assert "CC BY 2.5" not in html
    assert "IPTC Media Topics" in html and "GeoNames" in html


def test_help_explains_the_syntax(client):
    html = client.get("/help").get_data(as_text=True)
    for word in ("AND", "OR", "NOT", "phrase", "person:", "wildcard", "fuzzy"):
        assert word in html


def test_missing_index_is_a_clear_503(tmp_path):
    from web import create_app

    client = create_app({"INDEX_DIR": str(tmp_path / "none"), "TESTING": True}).test_client()
    resp = client.get("/")
    assert resp.status_code == 503 and "python app.py index" in resp.get_data(as_text=True)
    assert client.get("/api/search").get_json()["status"] == 503


# --- regressions ------------------------------------------------------------------------------

ODD_URLS = {"a01": "javascript:alert(1)", "a02": " JavaScript:alert(document.cookie)", "a03": "java\tscript:alert(1)",
            "a04": "data:text/html,<script>alert(1)</script>", "a05": "vbscript:msgbox(1)", "a06": "ftp://example.org/a06",
            "a07": "//example.org/a07", "a08": "HTTPS://example.org/a08"}


@pytest.fixture(scope="module")
def odd_url_client(tmp_path_factory):
    """The handmade index with non-web URLs stored for some articles."""
    from indexer.engines.whoosh import store
    from handmade import ARTICLES
    from test_search import document
    from web import create_app

    index_dir = tmp_path_factory.mktemp("odd-urls")
    ix, _ = store.open_building(index_dir)
    writer = ix.writer()
    for a in ARTICLES:
        writer.add_document(**dict(document(a), url=ODD_URLS.get(a["id"], f"https://example.org/{a['id']}")))
    writer.commit()
    store.publish_building(index_dir)
    urls = {a["id"]: ODD_URLS.get(a["id"], f"https://example.org/{a['id']}") for a in ARTICLES}
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client(), urls


def web_urls(urls):
    return {i: u for i, u in urls.items() if u.lower().startswith(("http://", "https://"))}


@pytest.mark.parametrize("article_id", sorted(ODD_URLS))
def test_javascript_url_is_not_linked_on_the_article_page(odd_url_client, article_id):
    from markupsafe import escape

    client, urls = odd_url_client
    html = client.get(f"/article/{article_id}").get_data(as_text=True)
    linked = links(html, "ext")
    if article_id in web_urls(urls):
        assert linked == [urls[article_id]]
    else:
        assert linked == [] and str(escape(urls[article_id])) in html  # shown as text
    assert not re.search(r'href="\s*(java|vb)script|href="data:', html, re.I)


def test_javascript_url_is_not_linked_in_the_hit_list(odd_url_client):
    client, urls = odd_url_client
    for headers in ({}, HX):
        html = client.get("/search?per_page=50", headers=headers).get_data(as_text=True)
        assert sorted(links(html, "ext")) == sorted(web_urls(urls).values())
        assert not re.search(r'href="\s*(java|vb)script|href="data:', html, re.I)


def test_api_keeps_stored_urls_as_data(odd_url_client):
    client, urls = odd_url_client
    hits = client.get("/api/search?per_page=50").get_json()["hits"]
    assert {h["id"]: h["url"] for h in hits} == urls
    assert client.get("/api/article/a01").get_json()["url"] == "javascript:alert(1)"


@pytest.mark.parametrize("q", ["the", "a", "C%2B%2B", "%00", "%F0%9F%98%80", "%E2%80%8B"])
def test_query_without_searchable_words_has_an_honest_message(client, stored, q):
    html = client.get(f"/search?q={q}").get_data(as_text=True)
    assert "no searchable words in “" in html and "showing all articles" in html
    assert "plain words" not in html
    assert f"<strong>{len(stored)} articles</strong>" in html


def test_pasted_url_is_searched_as_words_not_an_error(client, stored):
    html = client.get("/search", query_string={"q": "https://znak.com"}).get_data(as_text=True)
    assert "there is no field" not in html and "plain words" not in html
    expected = [a["id"] for a in stored if "znak.com" in (a["title"] + " " + a["body"]).lower()]
    assert expected
    n = len(expected)
    assert f"<strong>{n} article{'s' if n != 1 else ''}</strong>" in html


def test_error_page_renders_when_the_index_is_gone(tmp_path):
    """The 503 page itself must not need the index (its footer used to open it and fail)."""
    import shutil

    from indexer.engines.whoosh import store
    from test_search import build_handmade
    from web import create_app

    build_handmade(tmp_path)
    client = create_app({"INDEX_DIR": str(tmp_path), "TESTING": True}).test_client()
    assert client.get("/").status_code == 200
    shutil.rmtree(tmp_path / store.current_generation(tmp_path))
    for path in ("/", "/search?q=harbour", "/article/a01"):
        resp = client.get(path)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 503 and html.startswith("<!doctype html>")
        assert "Index unavailable" in html and "</footer>" in html
