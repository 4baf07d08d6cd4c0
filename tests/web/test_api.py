"""The JSON API: shapes, counts against the stored values, OR/AND/exclude, paging, sort, export, errors."""
import csv
import io
import json
from collections import Counter

import pytest
from werkzeug.datastructures import MultiDict

FACETS = ("person", "country", "topic", "org", "source")
HIT_KEYS = {"id", "title", "date", "source", "url", "snippet", "person", "country", "org", "topic"}


def matching(stored, filters=(), excludes=()):
    """Ids of stored articles passing the filters: OR within a facet, AND across, excludes none."""
    inc, exc = {}, {}
    for f, v in filters:
        inc.setdefault(f, set()).add(v)
    for f, v in excludes:
        exc.setdefault(f, set()).add(v)
    return [a for a in stored
            if all(vals & set(a[f]) for f, vals in inc.items()) and not any(vals & set(a[f]) for f, vals in exc.items())]


def expected_facet(stored, name, filters, excludes):
    others = matching(stored, [(f, v) for f, v in filters if f != name], [(f, v) for f, v in excludes if f != name])
    return Counter(v for a in others for v in a[name])


def api(client, pairs):
    resp = client.get("/api/search", query_string=MultiDict(pairs))
    assert resp.status_code == 200 and resp.is_json
    return resp.get_json()


def test_search_shape(client):
    data = api(client, [("q", "president")])
    assert {"query", "total", "page", "pages", "hits", "facets"} <= set(data)
    assert data["query"] == "president" and data["page"] == 1
    assert data["hits"] and all(HIT_KEYS <= set(h) for h in data["hits"])
    assert all(isinstance(h["person"], list) for h in data["hits"])
    assert set(FACETS) <= set(data["facets"])
    for values in data["facets"].values():
        for v in values:
            assert set(v) == {"value", "count", "selected", "excluded"}


def some_values(stored, name, n=2):
    return [v for v, _ in Counter(v for a in stored for v in a[name]).most_common(n)]


@pytest.mark.parametrize("case", ["none", "or", "and", "exclude", "or+exclude-other"])
def test_facet_counts_match_the_stored_values(client, stored, case):
    people, countries = some_values(stored, "person"), some_values(stored, "country")
    filters, excludes = {
        "none": ([], []),
        "or": ([("person", people[0]), ("person", people[1])], []),
        "and": ([("person", people[0]), ("country", countries[0])], []),
        "exclude": ([], [("country", countries[0])]),
        "or+exclude-other": ([("person", people[0]), ("person", people[1])], [("country", countries[1])]),
    }[case]
    data = api(client, [*filters, *(("not_" + f, v) for f, v in excludes), ("facet_size", "500")])
    assert data["total"] == len(matching(stored, filters, excludes))
    for name in FACETS:
        got = {v["value"]: v["count"] for v in data["facets"][name] if v["count"]}
        assert got == dict(expected_facet(stored, name, filters, excludes)), name
        for v in data["facets"][name]:
            assert v["selected"] == ((name, v["value"]) in filters)
            assert v["excluded"] == ((name, v["value"]) in excludes)


def test_or_widens_and_narrows(client, stored):
    p = some_values(stored, "person")
    one = api(client, [("person", p[0])])["total"]
    either = api(client, [("person", p[0]), ("person", p[1])])["total"]
    both_facets = api(client, [("person", p[0]), ("country", some_values(stored, "country")[0])])["total"]
    assert either >= one >= both_facets
    assert either == len(matching(stored, [("person", p[0]), ("person", p[1])]))


def test_pages_cover_the_whole_set(client, stored):
    first = api(client, [("per_page", "10")])
    ids = [h["id"] for h in first["hits"]]
    for page in range(2, first["pages"] + 1):
        ids += [h["id"] for h in api(client, [("per_page", "10"), ("page", str(page))])["hits"]]
    assert sorted(ids) == sorted(a["id"] for a in stored) and first["pages"] == 3


@pytest.mark.parametrize("sort, reverse", [("newest", True), ("oldest", False)])
def test_sort(client, stored, sort, reverse):
    dates = [h["date"] for h in api(client, [("sort", sort), ("per_page", "50")])["hits"]]
    assert dates == sorted(dates, reverse=reverse) and len(dates) == len(stored)


def test_date_range(client, stored):
    data = api(client, [("from", "2020-01-01"), ("to", "2020-06-30"), ("per_page", "50")])
    expected = [a for a in stored if "2020-01-01" <= a["date_iso"][:10] <= "2020-06-30"]
    assert data["total"] == len(expected)
    assert sum(b["count"] for b in data["histogram"]) == len(stored)  # the histogram ignores the range


def test_bad_parameters_are_warnings_not_errors(client):
    data = api(client, [("page", "-3"), ("sort", "nope"), ("q", '"unclosed'), ("not_colour", "x")])
    assert data["page"] == 1 and len(data["warnings"]) >= 3


def test_article(client, stored):
    art = next(a for a in stored if a["person"])
    resp = client.get(f"/api/article/{art['id']}")
    data = resp.get_json()
    assert resp.status_code == 200
    assert data["id"] == art["id"] and data["title"] == art["title"] and data["body"] == art["body"]
    assert data["mentions"] == json.loads(art["mentions"])
    assert data["topics"] == json.loads(art["topics_json"])
    for field, start, end, facet, value in data["mentions"]:
        text = data[field]
        assert 0 <= start < end <= len(text) and value in data[facet]
    assert all({"label", "score", "evidence", "children"} <= set(t) for t in data["topics"])
    assert isinstance(data["more_like_this"], list) and art["id"] not in {m["id"] for m in data["more_like_this"]}


@pytest.mark.parametrize("path, status", [
    ("/api/article/no-such-id", 404), ("/api/article/..%2F..%2Fetc", 400), ("/api/article/a%01", 400),
    ("/api/export?format=xml", 400), ("/api/nothing", 404),
])
def test_errors_are_json(client, path, status):
    resp = client.get(path)
    assert resp.status_code == status and resp.is_json
    body = resp.get_json()
    assert body["status"] == status and body["message"]


def test_export_jsonl_is_the_whole_filtered_set(client, stored):
    country = some_values(stored, "country")[0]
    resp = client.get("/api/export", query_string={"format": "jsonl", "country": country, "per_page": "10"})
    assert resp.status_code == 200 and resp.is_streamed
    assert resp.headers["Content-Type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in resp.get_data(as_text=True).splitlines()]
    assert sorted(r["id"] for r in rows) == sorted(a["id"] for a in matching(stored, [("country", country)]))
    assert {"id", "title", "date", "source", "url", "person", "country", "org", "topic", "subtopic"} == set(rows[0])


def test_export_csv(client, stored):
    resp = client.get("/api/export?format=csv")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert len(rows) == len(stored)
    by_id = {a["id"]: a for a in stored}
    for row in rows:
        assert row["person"] == "; ".join(by_id[row["id"]]["person"])
        assert row["topic"] == "; ".join(by_id[row["id"]]["topic"])


# --- regressions ------------------------------------------------------------------------------

@pytest.mark.parametrize("asked, used", [("0", 10), ("15", 10), ("1", 10), ("40", 50), ("500", 100), ("abc", 20)])
def test_per_page_warning_names_the_size_used(client, stored, asked, used):
    data = api(client, [("per_page", asked)])
    assert data["per_page"] == used and len(data["hits"]) == min(used, len(stored))
    said = [w for w in data["warnings"] if w.startswith("per_page=")]
    assert len(said) == 1 and said[0].endswith(f"; used {used}")


def test_per_page_that_is_a_choice_is_not_warned_about(client):
    assert api(client, [("per_page", "50")])["warnings"] == []


@pytest.mark.parametrize("q", ["the", "a", "C++", "\x00", "\U0001F600", "\u200b"])
def test_api_warns_when_the_query_has_no_searchable_words(client, stored, q):
    data = api(client, [("q", q)])
    assert data["total"] == len(stored)
    assert len(data["warnings"]) == 1
    assert data["warnings"][0].startswith("no searchable words in “")
    assert data["warnings"][0].endswith("— showing all articles")


@pytest.mark.parametrize("q", ["date:foo", "date:2020-02-30", "date:>2020"])
def test_api_warns_about_a_date_term_it_cannot_read(client, stored, q):
    data = api(client, [("q", q)])
    assert data["total"] == len(stored)
    assert any(q in w and "From/To" in w for w in data["warnings"])


def test_api_reads_a_pasted_url_as_words(client):
    data = api(client, [("q", "http://example.com")])
    assert data["warnings"] == [] and data["total"] == 0  # no fixture article mentions example.com


def test_csv_export_defuses_formula_titles(tmp_path):
    from handmade import ARTICLES
    from test_search import build_handmade
    from web import create_app

    titles = {"a01": "=1+1", "a02": "+SUM(A1)", "a03": "-2 degrees", "a04": "@import", "a05": "Plain title"}
    build_handmade(tmp_path, articles=[dict(a, title=titles[a["id"]]) for a in ARTICLES if a["id"] in titles])
    client = create_app({"INDEX_DIR": str(tmp_path), "TESTING": True}).test_client()
    rows = list(csv.DictReader(io.StringIO(client.get("/api/export?format=csv").get_data(as_text=True))))
    expected = {i: ("'" + t if t[0] in "=+-@" else t) for i, t in titles.items()}
    assert {r["id"]: r["title"] for r in rows} == expected
    lines = client.get("/api/export?format=jsonl").get_data(as_text=True).splitlines()
    assert {json.loads(line)["id"]: json.loads(line)["title"] for line in lines} == titles


@pytest.mark.parametrize("size, used", [("²", 20), ("٣", 20), ("0", 1), ("-5", 1), ("9999", 500), ("7", 7), ("", 20)])
def test_facet_size_that_is_no_ascii_number_is_a_warning_not_a_500(client, size, used):
    # Regression: str.isdigit() accepted "²", and int("²") raised: the API's only 500.
    resp = client.get("/api/search", query_string={"facet_size": size})
    assert resp.status_code == 200
    data = resp.get_json()
    assert all(len(values) <= used for values in data["facets"].values())
    assert bool(data["warnings"]) == (size not in ("7", ""))
