"""Results that explain themselves: why each matched, chips that only narrow, counts that say what
they count, titles that name the filters, the query's words marked on the article page.

Expected answers come from the handmade articles (tests/handmade.py) in plain Python.
"""
import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from handmade import ARTICLES, values_of

HX = {"HX-Request": "true", "HX-Target": "explorer"}
BY_ID = {a["id"]: a for a in ARTICLES}


def words_of(article):
    return set(re.findall(r"\w+", (article["title"] + " " + article["body"]).lower()))


def expected(pairs):
    """Ids of the handmade articles a state selects: its words (whole words, or `facet:"value"`
    terms), OR within a facet, AND across facets, excluded values absent."""
    include, exclude, words, terms, anyof = {}, {}, [], [], []
    for k, v in pairs:
        if k == "q":
            terms += re.findall(r'(\w+):"([^"]+)"', v)
            rest = re.sub(r'\w+:"[^"]+"', " ", v).replace("(", " ").replace(")", " ").split()
            if "OR" in rest:  # the states here write only "a OR b"
                anyof = [w.lower() for w in rest if w != "OR"]
            else:
                words += [w.lower() for w in rest]
        elif k.startswith("not_"):
            exclude.setdefault(k[4:], set()).add(v)
        elif k in ("person", "country", "org", "topic", "subtopic", "source"):
            include.setdefault(k, set()).add(v)
    out = set()
    for a in ARTICLES:
        if any(w not in words_of(a) for w in words) or (anyof and not set(anyof) & words_of(a)):
            continue
        if any(v not in values_of(a, f) for f, v in terms):
            continue
        if all(vals & set(values_of(a, f)) for f, vals in include.items()) and not any(
                vals & set(values_of(a, f)) for f, vals in exclude.items()):
            out.add(a["id"])
    return out


def pairs_of(url):
    return parse_qsl(urlsplit(unescape(url)).query)


def total(client, pairs):
    return client.get("/api/search", query_string=MultiDict(pairs)).get_json()["total"]


def hits_of(html):
    return html.split('<ol class="hits">', 1)[1].split("</ol>", 1)[0].split('<li class="hit">')[1:]


def chip_links(html):
    """Every narrowing link on the result cards: entity chips and source links."""
    out = []
    for hit in hits_of(html):
        out += [unescape(u) for u in re.findall(r'<a class="(?:chip chip-\w+|hit-source)" href="([^"]+)"', hit)]
    return out


STATES = [
    [("person", "Ana Lopez")],
    [("person", "Ana Lopez"), ("person", "Joe Biden")],
    [("topic", "politics and government")],
    [("q", "harbour"), ("country", "Spain")],
    [("q", "election"), ("topic", "politics and government"), ("topic", "crime, law and justice")],
    [("q", "harbour OR election"), ("country", "Spain"), ("country", "United States")],
    [("not_country", "France"), ("source", "Wire A"), ("source", "Wire B")],
    [("subtopic", "politics and government › election"), ("person", "Donald Trump")],
]


@pytest.mark.parametrize("state", STATES, ids=lambda s: "&".join(f"{k}={v}" for k, v in s))
def test_every_result_chip_narrows_never_broadens(hand_client, state):
    html = hand_client.get("/search", query_string=MultiDict(state + [("per_page", "50")])).get_data(as_text=True)
    before = expected(state)
    assert total(hand_client, state) == len(before)
    links = chip_links(html)
    assert links
    for link in links:
        after_pairs = pairs_of(link)
        after = expected(after_pairs)
        assert after <= before, link                      # a subset: never broadens
        assert total(hand_client, after_pairs) == len(after), link


def test_topic_chip_with_a_topic_selected_goes_into_the_query(hand_client):
    # Regression: a topic chip OR-ed its value into the topic filter (124 -> 142 articles).
    state = [("topic", "politics and government")]
    html = hand_client.get("/search", query_string=MultiDict(state)).get_data(as_text=True)
    link = next(u for u in chip_links(html) if "crime" in u)
    pairs = pairs_of(link)
    assert ("topic", "politics and government") in pairs and len([k for k, _ in pairs if k == "topic"]) == 1
    assert dict(pairs)["q"] == 'topic:"crime, law and justice"'
    assert total(hand_client, pairs) == len(expected(pairs)) < total(hand_client, state)


def test_chip_without_a_selection_in_its_facet_becomes_a_filter(hand_client):
    html = hand_client.get("/search?q=harbour").get_data(as_text=True)
    link = next(u for u in chip_links(html) if "Ana+Lopez" in u or "Ana%20Lopez" in u)
    assert sorted(pairs_of(link)) == [("person", "Ana Lopez"), ("q", "harbour")]


def test_query_with_an_operator_is_grouped_before_a_chip_term(hand_client):
    html = hand_client.get("/search", query_string=MultiDict(
        [("q", "harbour OR election"), ("country", "Spain")])).get_data(as_text=True)
    link = next(u for u in chip_links(html) if "q=" in u and "country" in dict(pairs_of(u))["q"])
    assert dict(pairs_of(link))["q"].startswith("(harbour OR election) country:")


def test_chip_every_result_already_has_is_not_a_link(hand_client):
    html = hand_client.get("/search?person=Ana+Lopez").get_data(as_text=True)
    for hit in hits_of(html):
        assert '<a class="chip chip-person" href' not in hit.split("Ana Lopez")[0][-200:]
        assert re.search(r'<span class="chip chip-person chip-fixed" title="Every result here has person: Ana Lopez">Ana Lopez</span>', hit)


def test_result_card_says_why_it_matched(hand_client):
    html = hand_client.get("/search?q=harbour&person=Ana+Lopez&per_page=50").get_data(as_text=True)
    ids = re.findall(r'href="/article/(a\d\d)\?q=harbour"', html)
    assert sorted(set(ids)) == sorted(expected([("q", "harbour"), ("person", "Ana Lopez")]))
    for hit in hits_of(html):
        why = re.search(r'<p class="why">(.*?)</p>', hit, re.S)[1]
        text = unescape(re.sub(r"<[^>]+>", "", why))
        assert text.startswith("matched:") and "harbour" in text.lower() and "person: Ana Lopez" in text


def test_matched_line_names_query_facet_terms_the_hit_holds(hand_client):
    html = hand_client.get("/search", query_string={"q": 'storm country:"Spain"'}).get_data(as_text=True)
    (hit,) = hits_of(html)
    assert "country: Spain" in unescape(re.search(r'<p class="why">(.*?)</p>', hit, re.S)[1])


def test_article_links_of_results_carry_the_query(hand_client):
    html = hand_client.get("/search?q=harbour").get_data(as_text=True)
    assert set(re.findall(r'class="hit-title"><a href="(/article/[^"?]+)\?q=harbour"', html)) == {
        f"/article/{i}" for i in expected([("q", "harbour")])}
    plain = hand_client.get("/search").get_data(as_text=True)
    assert "?q=" not in "".join(re.findall(r'class="hit-title"><a href="([^"]+)"', plain))


# --- counts that say what they count ----------------------------------------------------------

def panel_html(html, name):
    return html.split(f'id="facet-{name}"', 1)[1].split("</section>", 1)[0]


def test_panels_with_active_filters_explain_their_counts(hand_client):
    html = hand_client.get("/search?person=Ana+Lopez&not_country=France").get_data(as_text=True)
    person, country, org = panel_html(html, "person"), panel_html(html, "country"), panel_html(html, "org")
    assert 'class="panel-note" id="facet-person-note"' in person and "what it contributes" in person
    assert 'class="panel-note" id="facet-country-note"' in country and "what it hides" in country
    assert "panel-note" not in org
    assert 'aria-describedby="facet-person-note"' in person and "aria-describedby" not in org
    # the count of the selected value: articles with it under the other panels' filters
    n = len(expected([("person", "Ana Lopez"), ("not_country", "France")]))
    title = re.search(r'<span class="fv-count" title="([^"]+)">' + str(n) + "<", person)[1]
    assert unescape(title) == (f"Selected: {n} articles with Ana Lopez, counting your query and the "
                               "other panels' filters")
    assert re.search(r'<span class="fv-count" title="Excluded: \d+ articles? with France', country)


# --- titles, headings, landmarks, ids --------------------------------------------------------

@pytest.mark.parametrize("query, title", [
    ("", "Facetwire"),
    ("q=harbour", "harbour – Facetwire"),
    ("person=Ana+Lopez", "person: Ana Lopez – Facetwire"),
    ("q=harbour&person=Ana+Lopez&not_country=France", "harbour · person: Ana Lopez · not country: France – Facetwire"),
    ("subtopic=weather+%E2%80%BA+storm&from=2021", "subtopic: storm · date: from 2021-01-01 – Facetwire"),
    ("per_page=10&page=2", "Page 2 – Facetwire"),
])
def test_page_title_names_the_query_and_filters(hand_client, query, title):
    for headers in ({}, HX):
        html = hand_client.get("/search?" + query, headers=headers).get_data(as_text=True)
        assert unescape(re.search(r"<title>(.*?)</title>", html)[1]) == title


def test_long_titles_are_cut(hand_client):
    html = hand_client.get("/search", query_string={"q": "harbour " * 40}).get_data(as_text=True)
    title = unescape(re.search(r"<title>(.*?)</title>", html)[1])
    assert title.endswith("… – Facetwire") and len(title) <= 100 + len(" – Facetwire")


@pytest.mark.parametrize("path", ["/", "/search?q=harbour&person=Ana+Lopez", "/article/a01", "/article/a01?q=harbour",
                                  "/help", "/article/missing"])
def test_every_page_has_one_h1_a_main_and_a_skip_link_to_it(hand_client, path):
    html = hand_client.get(path).get_data(as_text=True)
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert len(re.findall(r"<main[ >]", html)) == 1
    target = re.search(r'<a class="skip-link" href="#([\w-]+)"', html)[1]
    assert re.search(rf'<main[^>]* id="{target}"', html)


def test_fragment_has_the_h1_too(hand_client):
    html = hand_client.get("/search?q=harbour", headers=HX).get_data(as_text=True)
    assert len(re.findall(r"<h1[ >]", html)) == 1


def test_facet_controls_have_ids_that_survive_a_toggle(hand_client):
    before = hand_client.get("/search").get_data(as_text=True)
    after = hand_client.get("/search?person=Ana+Lopez").get_data(as_text=True)
    ids = re.findall(r'class="fv-(?:toggle|exclude)" href="[^"]*" id="([^"]+)"', before)
    assert ids and len(ids) == len(set(ids))
    ana = re.search(r'id="([^"]+-add)" title="Add Ana Lopez"', before)[1]
    assert f'id="{ana}" title="Remove Ana Lopez"' in after
    ana_not = ana[:-len("-add")] + "-not"
    assert f'id="{ana_not}" title="Exclude Ana Lopez" aria-label="Exclude Ana Lopez"' in after


def test_search_box_replaces_the_url_and_the_form_pushes(hand_client):
    html = hand_client.get("/search?q=harbour").get_data(as_text=True)
    form = re.search(r'<form id="search-form"[^>]*>', html)[0]
    box = re.search(r'<input id="q"[^>]*>', html)[0]
    assert 'hx-push-url="true"' in form
    assert 'hx-replace-url="true"' in box and 'hx-push-url="unset"' in box  # not inherited from the form


# --- the article page marks the query's words --------------------------------------------------

def marked(html):
    """The marked words of an article page's title and body."""
    title = re.search(r'<h1 class="article-title">(.*?)</h1>', html, re.S)
    body = html.split('<div class="article-body">', 1)[-1].split("</div>", 1)[0]
    return [unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", (title[1] if title else "") + body)]


def test_article_marks_the_query_words_in_title_and_body(hand_client):
    html = hand_client.get("/article/a12?q=harbour+storms").get_data(as_text=True)
    body = html.split('<div class="article-body">', 1)[1].split("</div>", 1)[0]
    title = re.search(r'<h1 class="article-title">(.*?)</h1>', html, re.S)[1]
    assert marked(title) == ["Storm", "harbour"]
    assert marked(body) == ["storm", "harbour"]
    assert "words of your search" in html
    # the text is unchanged apart from the marks
    assert unescape(re.sub(r"<[^>]+>", "", body)).strip() == BY_ID["a12"]["body"]


def test_article_marks_stem_forms_and_nothing_without_a_query(hand_client):
    html = hand_client.get("/article/a07?q=vaccination").get_data(as_text=True)
    assert {m.lower() for m in marked(html)} == {"vaccine", "vaccination"}   # both stem to "vaccin"
    assert marked(hand_client.get("/article/a07").get_data(as_text=True)) == []
    assert "words of your search" not in hand_client.get("/article/a07").get_data(as_text=True)


@pytest.mark.parametrize("q", ["election", "harbour NOT storm", '"unclosed', "zzzyzzy", "election) OR (harbour"])
def test_article_marks_nothing_the_query_does_not_match_there(hand_client, q):
    # a12 has no "election"; the negated or unreadable query does not match it as written
    html = hand_client.get("/article/a12", query_string={"q": q}).get_data(as_text=True)
    assert marked(html) == []


def test_article_query_marks_keep_entity_links_whole(client, stored):
    art = next(a for a in stored if "explosion" in a["body"].lower() and a["person"])
    plain = client.get(f"/article/{art['id']}").get_data(as_text=True)
    with_q = client.get(f"/article/{art['id']}", query_string={"q": "explosion"}).get_data(as_text=True)
    ents = lambda html: [(href, unescape(re.sub(r"</?mark>", "", text)))  # noqa: E731
                         for href, text in re.findall(r'<a class="ent ent-\w+" href="([^"]+)"[^>]*>(.*?)</a>', html)]
    assert ents(with_q) == ents(plain) and ents(plain)
    assert any(m.lower().startswith("explosion") for m in marked(with_q))
    body = lambda html: unescape(re.sub(r"<[^>]+>", "", html.split('<div class="article-body">', 1)[1].split("</div>", 1)[0]))  # noqa: E731
    assert body(with_q) == body(plain)


def test_article_marks_the_plain_words_of_a_query_that_could_not_be_read(hand_client):
    # the results were searched for the plain words ("harbour storm"), so the article marks them
    html = hand_client.get("/article/a12", query_string={"q": '"harbour storm'}).get_data(as_text=True)
    assert {m.lower() for m in marked(html)} == {"harbour", "storm"}
