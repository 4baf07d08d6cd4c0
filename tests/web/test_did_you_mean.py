"""Did you mean (issue 13): a search that finds nothing says why and links the nearest searches,
on the results page and in the API's JSON; unknown URL parameters are named with the nearest one.
Runs on each engine (the `client` fixture)."""
import json
import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from indexer.search.folding import fold

FIXTURE = Path(__file__).resolve().parent / "fixture_articles.jsonl"
ARTICLES = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]


def having(word):
    return [a for a in ARTICLES if word in re.findall(r"\w+", fold(a["title"] + " " + a["body"]))]


def test_a_misspelt_word_is_explained_in_the_api_with_the_nearest_words(client):
    assert having("president") and not having("presidnet")
    data = client.get("/api/search?q=presidnet").get_json()
    assert data["total"] == 0
    (s,) = data["suggestions"]
    assert s["message"] == "no article contains “presidnet”"
    first = s["options"][0]
    assert first["label"] == "president" and first["q"] == "president"
    assert parse_qs(urlsplit(first["url"]).query)["q"] == ["president"]
    assert client.get(first["url"]).get_json()["total"] == len(having("president"))


def test_a_misspelt_word_is_explained_on_the_page_with_links(client):
    html = client.get("/search?q=presidnet").get_data(as_text=True)
    assert "no article contains “presidnet”: did you mean" in html
    (href,) = re.findall(r'class="notice did-you-mean".*?<a href="([^"]+)">president</a>', html, re.S)
    assert parse_qs(urlsplit(unescape(href)).query)["q"] == ["president"]


def test_a_filter_value_no_article_holds_offers_the_nearest(client):
    data = client.get("/api/search?country=United Statse").get_json()
    (s,) = data["suggestions"]
    assert s["message"] == "no article has the country “United Statse”"
    assert s["options"][0]["label"] == "country: United States"
    assert client.get(s["options"][0]["url"]).get_json()["total"] > 0


def test_a_search_with_results_has_no_suggestions(client):
    data = client.get("/api/search?q=president").get_json()
    assert data["total"] > 0 and data["suggestions"] == []
    assert "did-you-mean" not in client.get("/search?q=president").get_data(as_text=True)


def test_unknown_parameters_are_warned_about_with_the_nearest_name(client):
    data = client.get("/api/search?q=president&persn=x&not_contry=y").get_json()
    assert data["warnings"] == ["unknown parameter 'persn' ignored (did you mean 'person'?)",
                                "unknown facet 'contry' ignored (did you mean 'not_country'?)"]
    html = client.get("/search?q=president&persn=x").get_data(as_text=True)
    assert "unknown parameter &#39;persn&#39; ignored (did you mean &#39;person&#39;?)" in html


def test_an_unknown_field_offers_the_nearest_field(client):
    data = client.get("/api/search?q=" + "titel:zzzqqq").get_json()
    assert any("there is no field “titel”" in w and "did you mean “title:”" in w for w in data["warnings"])
