"""Hostile queries over every route: never a server error, and every answer within its query budget.

A few hundred generated queries (wildcards, fuzzy words, ranges, long AND chains, unicode,
operators, huge numbers, deep parentheses, every field) go to the explorer (full page and htmx
fragment), the API, the export, the Atom feed, an article's marks and the facet find boxes. What each search spent is read from its cost record
(logger indexer.search.cost, search/query.py): words kept, postings they hold and index words
looked at never pass the budget, and an answer cut short says so. Nothing here measures time: the
budget under test has caps small enough to bite on 21 articles and a time limit that is either
never reached (an hour) or always (0 s).
"""
import json
import logging
import random
from urllib.parse import quote

import pytest

from indexer.search.query import BUSY_NOTE, LEADING_HINT, LongSearches, QueryBudget
from indexer.search.syntax import QUERY_FIELDS
from web import create_app

SEED = 20261202
CAPS = QueryBudget(part_terms=8, query_terms=40, query_postings=400, scanned=3000, seconds=3600, quick=3600)
WORDS = ["president", "election", "Russia", "police", "storm", "the", "a", "x", "zz", "é", "東京", "🙂",
         "\u200b", "\u202e", "İstanbul", "straße", "0", "9" * 40, "e-mail", "U.S.", "don't", "C++", "ﷺ"]
FIELDS = QUERY_FIELDS + ("colour", "url", "chash", "meta")
MARKS = ["AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE", "(", ")", '"', "^2", "~", "*:*", "TO", "[", "]", "{",
         "}", ":", "*", "?", "'", "\\", "/", "-", "+"]


def hostile(count=300, seed=SEED):
    """Return count seeded hostile queries of every kind, each at most 500 characters."""
    rng = random.Random(seed)
    word = lambda: rng.choice(WORDS)  # noqa: E731
    big = lambda: "9" * rng.randint(3, 400)  # noqa: E731
    quoted = lambda: '"' + word() + '"'  # noqa: E731
    kinds = [
        lambda: rng.choice(["*", "?", "*a*", "?*?*?*", "**", "*?" * 40, f"{word()}*", f"*{word()}", f"{word()[:1]}?*",
                            f"{word()}?{word()}*", "*:* *", "[*", "*]"]),
        lambda: f"{word()}~{rng.choice(['', '1', '2', '9', '0', '2/0', '1/99', '9/9', '/3', big()])}",
        lambda: " ".join(f"{w}~2" for w in rng.sample(WORDS, rng.randint(5, 20))),
        lambda: (f"{rng.choice(FIELDS)}:{rng.choice('[{')}{rng.choice(['', 'a', word(), big()])} TO "
                 f"{rng.choice(['', 'z', word(), big()])}{rng.choice(']}')}"),
        lambda: " AND ".join(word() + rng.choice(["", "*", "~2", "^3"]) for _ in range(rng.randint(20, 80))),
        lambda: "".join(chr(rng.choice([rng.randint(0x20, 0x7e), rng.randint(0x80, 0x2fff), rng.randint(0x3000, 0xffff),
                                        rng.randint(0x10000, 0x10ffff)])) for _ in range(rng.randint(1, 60))
                        ).encode("utf-8", "replace").decode("utf-8", "replace"),
        lambda: " ".join(rng.choice(MARKS + WORDS) for _ in range(rng.randint(1, 40))),
        lambda: rng.choice([f"{word()}^{big()}", f"date:{big()}", f'"{word()} {word()}"~{big()}', f"{word()}~{big()}",
                            f"date:[{big()} TO {big()}]", f"page:{big()}", f"{word()}^-{big()}"]),
        lambda: (lambda n: "(" * n + rng.choice([word(), "a* OR b*", "x~2"]) + ")" * n)(rng.randint(20, 240)),
        lambda: f"{rng.choice(FIELDS)}:{rng.choice([word(), '*', word() + '*', word() + '~2', quoted()])}",
        lambda: "(" * rng.randint(1, 9) + " OR ".join(rng.choice(["a*", "p*", "s*", "e*", "*e*", "?*", "r?*"])
                                                      for _ in range(rng.randint(3, 30))),
    ]
    out = []
    while len(out) < count:
        out.append(rng.choice(kinds)()[:500])
    return out


QUERIES = hostile()
ODD_PARAMS = [{}, {"page": "9" * 40}, {"per_page": "-1"}, {"page": "0", "per_page": "100"}, {"sort": "oldest"},
              {"from": "0000-00-00", "to": "9999"}, {"facet_size": "9" * 30}, {"not_person": "\x00"}]


@pytest.fixture(scope="module")
def budgeted(real_index_dir):
    app = create_app({"INDEX_DIR": str(real_index_dir), "TESTING": True})
    use_budget(app, CAPS)
    return app


def use_budget(app, budget):
    engine = app.extensions["facetwire_engine"]   # the Whoosh engine of the test index
    engine.budget, engine.long_searches = budget, LongSearches(budget.long_searches)


@pytest.fixture
def costs(caplog):
    """Return a function that gives the cost records logged since it was last called."""
    caplog.set_level(logging.DEBUG, logger="indexer.search.cost")

    def taken():
        found = [r.cost for r in caplog.records if r.name == "indexer.search.cost"]
        caplog.clear()
        return found

    return taken


def urls(q, i, article_id):
    """Return the (route, URL) pairs one query goes to: the API always, and one other route in turn."""
    extra = ODD_PARAMS[i % len(ODD_PARAMS)]
    args = "&".join(f"{k}={quote(v)}" for k, v in extra.items())
    qs = f"q={quote(q)}" + (f"&{args}" if args else "")
    facet = ("person", "country", "org", "topic")[i % 4]
    other = [
        ("search", f"/search?{qs}"),
        ("home", f"/?{qs}"),
        ("export", f"/api/export?{qs}&format={'csv' if i % 2 else 'jsonl'}{'&text=snippet' if i % 3 else ''}"),
        ("article", f"/article/{quote(article_id)}?q={quote(q)}"),
        ("find", f"/search?{qs}&more={facet}&fq_{facet}={quote(q[:100])}"),
        ("fragment", f"/search?{qs}"),
        ("feed", f"/feed.atom?{qs}"),
        ("help", "/help"),
    ][i % 8]
    return [("api", f"/api/search?{qs}"), other]


@pytest.mark.parametrize("start", range(0, len(QUERIES), 50))
def test_hostile_queries_never_fail_and_stay_within_the_budget(budgeted, stored, costs, start):
    client = budgeted.test_client()
    article_id = stored[start % len(stored)]["id"]
    for i, q in enumerate(QUERIES[start:start + 50], start):
        for route, url in urls(q, i, article_id):
            headers = {"HX-Request": "true", "HX-Target": "explorer"} if route == "fragment" else {}
            resp = client.get(url, headers=headers)
            body = resp.get_data()   # an export streams: reading it to the end ...
            resp.close()             # ... and closing it gives its export slot back
            assert resp.status_code < 500, (route, q, resp.status_code, body[:300])
            for cost in costs():
                assert cost.terms <= CAPS.query_terms, (route, q)
                assert cost.kept_postings <= CAPS.query_postings, (route, q)
                assert cost.scanned <= CAPS.scanned, (route, q)
                assert cost.parts == 0 or cost.terms <= CAPS.part_share(cost.parts)[0] * cost.parts
                assert not cost.cut, (route, q)   # an hour is never reached on 21 articles
                if route == "api" and cost.capped:
                    warnings = json.loads(body)["warnings"]
                    assert all(any(note in w for w in warnings) for _f, _k, note in cost.capped.values()), q


def test_every_route_answers_the_findings_of_the_attack(budgeted, stored, costs):
    client = budgeted.test_client()
    for q in ("*", "?*?*?*", "ab~2", "*a*", "body:[a to]", "police~2", "parlament~2",
              " AND ".join(["president~2"] * 27), " ".join(["abcdefghijklmnopqrst~2"] * 8)):
        for route, url in urls(q, 0, stored[0]["id"]) + [(r, u) for i in range(1, 8) for r, u in urls(q, i, stored[0]["id"])]:
            resp = client.get(url)
            resp.get_data()
            resp.close()
            assert resp.status_code < 500, (route, q)
        assert all(c.terms <= CAPS.query_terms for c in costs())


def test_a_capped_leading_wildcard_is_explained_on_the_page_and_in_the_api(budgeted, costs):
    client = budgeted.test_client()
    warnings = client.get("/api/search?q=" + quote("?*?*?*")).get_json()["warnings"]
    (note,) = [w for w in warnings if "“?*?*?*” matches" in w]
    assert note.endswith(LEADING_HINT)
    (cost,) = costs()
    assert cost.capped and cost.terms <= 2 * CAPS.part_terms
    page = client.get("/search?q=" + quote("?*?*?*")).get_data(as_text=True)
    assert "only 8 were searched" in page


@pytest.fixture
def out_of_time(real_index_dir):
    app = create_app({"INDEX_DIR": str(real_index_dir), "TESTING": True})
    use_budget(app, QueryBudget(seconds=0))
    return app.test_client()


@pytest.mark.parametrize("q", ["president", "*a*", "police~2", "", "body:[a to]"])
def test_past_the_time_limit_every_search_route_answers_partially_and_says_so(out_of_time, stored, costs, q):
    warnings = out_of_time.get("/api/search?q=" + quote(q)).get_json()["warnings"]
    assert any("reached its time limit of 0 s" in w for w in warnings)
    assert all(c.cut for c in costs())
    for url in (f"/search?q={quote(q)}", f"/?q={quote(q)}", f"/search?q={quote(q)}&more=person&fq_person=a"):
        resp = out_of_time.get(url)
        assert resp.status_code == 200 and "time limit of 0 s" in resp.get_data(as_text=True)
    assert out_of_time.get(f"/article/{quote(stored[0]['id'])}?q={quote(q)}").status_code == 200
    assert out_of_time.get("/help").status_code == 200


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_export_past_the_time_limit_is_a_503_with_retry_after_never_half_a_file(out_of_time, fmt):
    resp = out_of_time.get(f"/api/export?q=president&format={fmt}")
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "5"
    assert resp.is_json and "time limit of 0 s" in resp.get_json()["message"]


def test_when_the_long_search_slots_are_taken_a_long_search_stops_and_an_export_waits(real_index_dir):
    app = create_app({"INDEX_DIR": str(real_index_dir), "TESTING": True})
    use_budget(app, QueryBudget(quick=0, long_searches=1))
    client = app.test_client()
    slots = app.extensions["facetwire_engine"].long_searches
    assert slots.take()   # another long search is running
    warnings = client.get("/api/search?q=president").get_json()["warnings"]
    assert any(w.startswith(BUSY_NOTE.split("{")[0]) for w in warnings)
    resp = client.get("/api/export?q=president")
    assert resp.status_code == 503 and "other long searches" in resp.get_json()["message"]
    assert client.get("/help").status_code == 200
    slots.give()
    assert client.get("/api/search?q=president").get_json()["warnings"] == []
    assert client.get("/api/export?q=president").status_code == 200


def test_serve_warms_the_caches_before_listening_and_never_fails_on_a_missing_index(real_index_dir, tmp_path,
                                                                                    caplog):
    from indexer.engines.whoosh import WhooshEngine
    from web.serve import warm

    engine = WhooshEngine(real_index_dir)
    warm(engine)
    assert engine.long_searches.take() and engine.long_searches.take()   # both slots free again
    engine.close()
    missing = WhooshEngine(tmp_path / "nothing")
    with caplog.at_level(logging.WARNING, logger="web.serve"):
        warm(missing)
    assert "could not warm the index" in caplog.text
