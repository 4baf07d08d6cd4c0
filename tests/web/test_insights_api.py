"""Related values and trends through the app, on each engine: /api/related, /api/trends (JSON, CSV),
/related, /trends, and the links to them from the explorer. Expected numbers are counted from the
stored fixture articles in plain Python."""
import csv
import io
import re
from collections import Counter
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest


def top_person(stored):
    return Counter(p for a in stored for p in a["person"]).most_common(1)[0][0]


def with_value(stored, name, value):
    return [a for a in stored if value in a[name]]


def year_counts(articles):
    return Counter(a["date"].year for a in articles if a.get("date"))


def test_related_counts_inside_the_selected_value(client, stored):
    person = top_person(stored)
    data = client.get("/api/related", query_string={"person": person, "limit": 100}).get_json()
    inside = with_value(stored, "person", person)
    assert data["set_size"] == len(inside) and data["index_size"] == len(stored)
    assert data["warnings"] == []
    listed = {v["value"]: v for v in data["facets"]["person"]}
    assert person not in listed                       # a value does not co-occur with itself
    want = Counter(p for a in inside for p in a["person"] if p != person)
    assert {v: x["count"] for v, x in listed.items()} == dict(want)
    everywhere = Counter(p for a in stored for p in a["person"])
    assert all(x["index_count"] == everywhere[v] for v, x in listed.items())
    scores = [x["score"] for x in data["facets"]["person"]]
    assert scores == sorted(scores, reverse=True)
    assert set(data["facets"]) == {"person", "country", "org", "topic"}


def test_related_facets_and_limit(client, stored):
    data = client.get("/api/related?q=president&facets=country,org&limit=2").get_json()
    assert set(data["facets"]) == {"country", "org"} and all(len(v) <= 2 for v in data["facets"].values())


@pytest.mark.parametrize("query, warning", [
    ("limit=abc", "limit='abc' is not a number"),
    ("limit=0", "limit=0 is out of range"),
    ("facets=colour", "unknown facet 'colour' ignored"),
    ("colour=red", "unknown parameter 'colour' ignored"),
])
def test_related_bad_parameters_are_warnings(client, query, warning):
    resp = client.get("/api/related?" + query)
    assert resp.status_code == 200
    assert any(w.startswith(warning) for w in resp.get_json()["warnings"]), resp.get_json()["warnings"]


def test_trends_put_series_on_one_axis_per_year(client, stored):
    person = top_person(stored)
    country = Counter(c for a in stored for c in a["country"]).most_common(1)[0][0]
    data = client.get("/api/trends", query_string=[("s", f"person:{person}"), ("s", f"country:{country}"),
                                                   ("unit", "year")]).get_json()
    years = [int(p["label"]) for p in data["periods"]]
    assert years == list(range(years[0], years[-1] + 1))
    for series, articles in zip(data["series"], [with_value(stored, "person", person),
                                                 with_value(stored, "country", country)]):
        assert len(series["counts"]) == len(years)
        assert dict(zip(years, series["counts"])) == {y: year_counts(articles).get(y, 0) for y in years}
        assert series["total"] == sum(year_counts(articles).values())
    assert data["series"][0]["facet"] == "person" and data["series"][0]["value"] == person


def test_trends_csv_is_the_json_as_a_table(client):
    args = "s=president&s=person:Joe+Biden&unit=month"
    data = client.get("/api/trends?" + args).get_json()
    resp = client.get("/api/trends?" + args + "&format=csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
    assert rows[0] == ["period", "from", "to", "president", "person: Joe Biden"]
    assert [r[0] for r in rows[1:]] == [p["label"] for p in data["periods"]]
    assert [[int(r[3]), int(r[4])] for r in rows[1:]] == [list(c) for c in zip(*(s["counts"] for s in data["series"]))]


def test_trends_csv_quotes_a_label_a_spreadsheet_would_run():
    from indexer.search.insights import safe_cell
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and safe_cell("-x") == "'-x" and safe_cell(3) == 3


@pytest.mark.parametrize("query, warning", [
    ("unit=fortnight", "unknown unit 'fortnight'"),
    ("s=a&s=b&s=c&s=d&s=e&s=f", "at most 5 series are drawn"),
    ("unit=day&from=1900&to=2100", "are too many to draw"),
    ("from=2020-13", "from='2020-13' is not a date"),
])
def test_trends_bad_parameters_are_warnings(client, query, warning):
    resp = client.get("/api/trends?" + query)
    assert resp.status_code == 200
    assert any(warning in w for w in resp.get_json()["warnings"]), resp.get_json()["warnings"]


def test_trends_unknown_format_is_a_400_that_says_why(client):
    resp = client.get("/api/trends?format=xml")
    assert resp.status_code == 400 and "use json or csv" in resp.get_json()["message"]


def test_trends_over_centuries_is_not_an_error(client):
    for query in ("from=0001&to=9999&unit=year", "from=9999-12-31&unit=week", "to=0001-01-01"):
        assert client.get("/api/trends?" + query).status_code == 200
        assert client.get("/trends?" + query).status_code == 200


def hrefs(html):
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]


def test_related_page_links_every_node_to_the_filtered_search(client, stored):
    person = top_person(stored)
    resp = client.get("/related", query_string={"person": person, "limit": 100})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    svg = html[html.index("<svg viewBox"):html.index("</svg>")]
    nodes = re.findall(r'<a href="([^"]+)"><title>', svg)
    assert len(nodes) >= 2
    for link in nodes:
        parts = urlsplit(unescape(link))
        assert parts.path == "/search" and ("person", person) in parse_qsl(parts.query)
    inside = with_value(stored, "person", person)
    for name in ("person", "country"):
        for value, n in Counter(v for a in inside for v in a[name] if v != person).items():
            assert f"/search?person={person.replace(' ', '+')}" in html
            row = re.search(r'<tr class="\w+"><th scope="row"><a href="[^"]+" title="The results with '
                            + re.escape(value) + r' too">.*?</tr>', unescape(html))
            assert row and f'<td class="num">{n:,}</td>' in row.group(0), value


def test_trends_page_shows_the_numbers_under_the_chart(client, stored):
    person = top_person(stored)
    resp = client.get("/trends", query_string=[("s", f"person:{person}"), ("unit", "year")])
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'class="trend-chart"' in html and "<polyline" in html
    table = html[html.index('<table class="trend-table">'):html.index("</table>")]
    for year, n in year_counts(with_value(stored, "person", person)).items():
        assert re.search(rf'<th scope="row">{year}</th><td class="num"><a href="[^"]+">{n}</a>', table)
    assert "format=csv" in html


def test_every_facet_value_links_its_trend_and_related(client):
    html = unescape(client.get("/search?q=president").get_data(as_text=True))
    values = re.findall(r'id="(fv-[\w-]+)-add"', html)
    assert values
    trends = re.findall(r'<a href="(/trends\?[^"]+)" hx-boost="false">Trend of ([^<]+)</a>', html)
    related = re.findall(r'<a href="(/related\?[^"]+)" hx-boost="false">Who appears with ([^<]+)</a>', html)
    assert len(trends) == len(related) == len(values)
    for url, label in trends:
        pairs = parse_qsl(urlsplit(url).query)
        assert ("q", "president") in pairs and any(k == "s" and (v.endswith(":" + label) or v.endswith(" › " + label))
                                               for k, v in pairs)
    for url, label in related:
        pairs = parse_qsl(urlsplit(url).query)
        assert ("q", "president") in pairs and any(v == label or v.endswith(" › " + label) for k, v in pairs)


def test_the_histogram_shows_counts_and_links_the_trend(client, stored):
    html = unescape(client.get("/search").get_data(as_text=True))
    section = html[html.index('<section class="timeline"'):]
    section = section[:section.index("</section>")]
    counts = [int(c.replace(",", "")) for c in re.findall(r'<text class="hcount"[^>]*>([\d,]+)</text>', section)]
    assert counts and sum(counts) <= len(stored) and max(counts) == max(
        Counter((a["date"].year, a["date"].month) for a in stored if a.get("date")).values())
    assert re.search(r'href="/trends\?unit=month"', section)
    assert html.index('class="timeline"') < html.index('class="hits"')   # above the results


def test_search_until_the_last_possible_day_is_not_a_500(client):
    # OpenSearch's date range stopped before the day after `to`, which date.max does not have.
    resp = client.get("/api/search?to=9999-12-31")
    assert resp.status_code == 200 and resp.get_json()["total"] > 0
