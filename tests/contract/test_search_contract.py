"""The search contract, read side: every engine gives these answers on the handmade articles.

Expected answers are computed from ARTICLES in plain Python (handmade.py), never from an engine.
"""
from collections import Counter
from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from indexer.export import iter_records
from indexer.facets import NAMES
from indexer.search.request import SearchRequest

from handmade import ARTICLES, expected_ids, values_of

BY_ID = {a["id"]: a for a in ARTICLES}


def request(args=()):
    return SearchRequest.from_args(MultiDict(list(args.items()) if isinstance(args, dict) else list(args)))


def every_id(reader, args):
    """Return (total, every hit id) of a search, walking all its pages."""
    req = request(args)
    first = reader.search(req)
    ids = [h.id for h in first.hits]
    for page in range(2, first.pages + 1):
        req.page = page
        ids += [h.id for h in reader.search(req).hits]
    return first.total, ids


def in_range(article, start, end):
    d = article["date"].date() if article["date"] else None
    if not (start or end):
        return True
    return d is not None and (not start or d >= start) and (not end or d <= end)


def expected_counts(name, q_words=(), filters=None, excludes=None, start=None, end=None):
    """Values of one facet over the articles matching the words and every OTHER facet's filters."""
    filters = {f: v for f, v in (filters or {}).items() if f != name}
    excludes = {f: v for f, v in (excludes or {}).items() if f != name}
    ids = set(expected_ids(q_words, filters, excludes))
    return Counter(v for a in ARTICLES if a["id"] in ids and in_range(a, start, end) for v in values_of(a, name))


def as_args(q_words, filters, excludes, start=None, end=None):
    args = [("q", " ".join(q_words))] if q_words else []
    args += [(f, v) for f, vals in filters.items() for v in vals]
    args += [("not_" + f, v) for f, vals in excludes.items() for v in vals]
    args += [("from", start.isoformat())] if start else []
    args += [("to", end.isoformat())] if end else []
    return args


# --- words, filters and counts ---------------------------------------------------------------

CASES = [
    ((), {}, {}),
    (("harbour",), {}, {}),
    (("election",), {}, {}),
    ((), {"person": ["Ana Lopez"]}, {}),
    ((), {"person": ["Ana Lopez", "Joe Biden"]}, {}),                       # OR within a facet
    ((), {"person": ["Joe Biden"], "country": ["United States"]}, {}),       # AND across facets
    ((), {"country": ["Spain", "France"], "topic": ["weather"]}, {}),
    (("election",), {"person": ["Donald Trump"]}, {}),
    ((), {}, {"country": ["Spain"]}),                                       # an exclude alone
    (("harbour",), {"country": ["Spain"]}, {"person": ["Ana Lopez"]}),
    ((), {"subtopic": ["politics and government › election"]}, {"person": ["Donald Trump"]}),
    ((), {"topic": ["arts, culture, entertainment and media"]}, {}),        # a value with commas
    ((), {"source": ["Wire A", "Wire C"]}, {"topic": ["weather"]}),
    ((), {"person": ["Nobody At All"]}, {}),
]


@pytest.mark.parametrize("q_words, filters, excludes", CASES)
def test_results_are_the_words_and_every_filter(reader, q_words, filters, excludes):
    total, ids = every_id(reader, as_args(q_words, filters, excludes) + [("per_page", "10")])
    expected = expected_ids(q_words, filters, excludes)
    assert total == len(expected)
    assert sorted(ids) == sorted(expected) and len(ids) == len(set(ids))


@pytest.mark.parametrize("q_words, filters, excludes", CASES)
def test_each_facet_counts_ignore_only_its_own_filter(reader, q_words, filters, excludes):
    result = reader.search(request(as_args(q_words, filters, excludes)))
    for name in NAMES:
        assert result.facets[name] == expected_counts(name, q_words, filters, excludes), name


@pytest.mark.parametrize("start, end", [(date(2020, 2, 1), date(2020, 3, 31)), (date(2020, 6, 2), None),
                                        (None, date(2020, 1, 5)), (date(2021, 1, 9), date(2021, 1, 9))])
def test_date_range_is_inclusive_days_and_undated_articles_fall_out(reader, start, end):
    args = as_args((), {"person": ["Ana Lopez"]}, {}, start, end) + [("per_page", "100")]
    total, ids = every_id(reader, args)
    expected = [i for i in expected_ids((), {"person": ["Ana Lopez"]}) if in_range(BY_ID[i], start, end)]
    assert sorted(ids) == sorted(expected) and total == len(expected)
    result = reader.search(request(args))
    assert result.facets["country"] == expected_counts("country", (), {"person": ["Ana Lopez"]}, None, start, end)


def test_histogram_counts_by_month_ignoring_the_date_range(reader):
    result = reader.search(request([("from", "2020-03-01"), ("to", "2020-03-31")]))
    months = Counter(a["date"].strftime("%Y-%m") for a in ARTICLES if a["date"])
    got = {b.label: b.count for b in result.histogram}
    assert {k: v for k, v in got.items() if v} == dict(months)
    labels = [b.label for b in result.histogram]
    assert labels == sorted(labels) and labels[0] == "2020-01" and labels[-1] == "2021-01"
    assert len(labels) == 13  # zero-filled months between
    assert all(b.start <= b.end for b in result.histogram)


def test_histogram_by_day_for_a_short_span(reader):
    result = reader.search(request({"q": "museum OR warning"}))   # 2020-02-28 and 2020-03-15
    days = Counter(BY_ID[i]["date"].date().isoformat() for i in ("a03", "a05"))
    got = {b.label: b.count for b in result.histogram if b.count}
    assert got == dict(days)
    assert [b.label for b in result.histogram][::16] == ["2020-02-28", "2020-03-15"]
    assert len(result.histogram) == 17


# --- words ------------------------------------------------------------------------------------

@pytest.mark.parametrize("q, expected", [
    ("elections", ["a02", "a04", "a08", "a11"]),              # stemmed: election
    ("harbour AND strike", ["a01"]),
    ("flood OR vaccine", ["a03", "a05", "a07", "a09", "a12"]),  # vaccine, vaccination: vaccin
    ("harbour NOT storm", ["a01", "a03", "a05", "a10"]),
    ('"pay deal"', ["a06"]),
    ("title:harbour", ["a01", "a10", "a12"]),
    ('person:"Joe Biden"', ["a02", "a04", "a11"]),
    ("vaccin*", ["a07", "a09"]),
    ("date:2021", ["a12"]),
    ("(storm OR strike) AND harbour", ["a01", "a12"]),
])
def test_query_syntax(reader, q, expected):
    total, ids = every_id(reader, {"q": q, "per_page": "100"})
    assert sorted(ids) == expected and total == len(expected)


def test_a_bad_query_falls_back_to_its_plain_words_with_a_message(reader):
    result = reader.search(request({"q": '"harbour strike'}))
    assert result.query_error and "plain words" in result.query_error
    assert sorted(h.id for h in result.hits) == ["a01"]


def test_a_query_of_stop_words_shows_everything_and_says_so(reader):
    result = reader.search(request({"q": "the"}))
    assert result.total == len(ARTICLES)
    assert any("no searchable words" in w for w in result.warnings)


def test_hits_carry_marked_snippets_titles_and_facets(reader):
    hit = reader.search(request({"q": "museum"})).hits[0]
    a = BY_ID["a03"]
    assert hit.id == "a03" and hit.title == a["title"] and hit.source == "Wire A"
    assert hit.person == a["person"] and hit.country == a["country"] and hit.topic == a["topic"]
    assert hit.subtopic == a["subtopic"] and hit.url == "https://example.org/a03"
    assert hit.date_iso == a["date"].isoformat()
    assert any(m and t.lower() == "museum" for t, m in hit.snippet)
    assert any(m and t.lower() == "museum" for t, m in hit.title_parts)
    assert "".join(t for t, _ in hit.title_parts) == a["title"]


def test_stemmed_matches_are_marked_as_written(reader):
    hit = reader.search(request({"q": "vaccination"})).hits[0]
    marked = {t.lower() for t, m in hit.snippet + hit.title_parts if m}
    assert marked and all(t.startswith("vaccin") for t in marked)


# --- order and paging -------------------------------------------------------------------------

@pytest.mark.parametrize("sort", ["newest", "oldest"])
@pytest.mark.parametrize("args", [{}, {"q": "harbour"}, {"country": "Spain"}, {"not_topic": "health"}])
def test_date_order(reader, sort, args):
    total, ids = every_id(reader, dict(args, sort=sort, per_page="10"))
    dated = [i for i in ids if BY_ID[i]["date"]]
    dates = [BY_ID[i]["date"] for i in dated]
    assert dates == sorted(dates, reverse=sort == "newest")
    undated = [i for i in ids if not BY_ID[i]["date"]]
    if undated:  # an article without a date sorts as if after every date: first when newest first
        assert (ids[:len(undated)] if sort == "newest" else ids[-len(undated):]) == undated


def test_relevance_puts_the_title_match_first_and_pages_never_repeat(reader):
    total, ids = every_id(reader, {"q": "harbour", "per_page": "10"})
    assert total == len(set(ids)) == len(expected_ids(("harbour",)))
    first = reader.search(request({"q": "harbour"})).hits
    assert first[0].id in {"a01", "a10", "a12"}  # "harbour" in the title weighs double
    assert all(h.score is None or h.score > 0 for h in first)


def test_paging_past_the_end_shows_the_last_page_with_a_warning(reader):
    result = reader.search(request({"per_page": "10", "page": "7"}))
    assert result.page == result.pages == 2 and len(result.hits) == len(ARTICLES) - 10
    assert any("only 2 pages" in w for w in result.warnings)


@pytest.mark.parametrize("per_page", ["10", "20"])
def test_pages_partition_the_result_set(reader, per_page):
    total, ids = every_id(reader, {"sort": "oldest", "per_page": per_page})
    assert total == len(ARTICLES) and sorted(ids) == sorted(BY_ID)


# --- facet values, one document, similar, export, stats ----------------------------------------

def test_facet_values_contain_and_pin_the_selection(reader):
    req = request([("person", "Jean Martin"), ("q", "harbour OR vaccine")])
    values, truncated = reader.facet_values(req, "person", contains="an", limit=10)
    counts = expected_counts("person", (), {}, {})
    match = set(expected_ids(("harbour",))) | set(expected_ids(("vaccine",)))
    counts = Counter(v for a in ARTICLES if a["id"] in match for v in a["person"])
    assert values[0] == ("Jean Martin", counts["Jean Martin"])
    rest = sorted(((v, c) for v, c in counts.items() if "an" in v.casefold() and v != "Jean Martin"),
                  key=lambda vc: (-vc[1], vc[0].casefold()))
    assert values[1:] == rest and not truncated
    values, truncated = reader.facet_values(request(), "country", limit=2)
    assert len(values) == 2 and truncated


def test_document_by_id(reader):
    doc = reader.document("a03")
    a = BY_ID["a03"]
    assert (doc.id, doc.title, doc.body, doc.person, doc.source) == ("a03", a["title"], a["body"], a["person"],
                                                                      ["Wire A"])
    assert doc.chash == "hash-a03" and doc.date_iso == a["date"].isoformat()
    assert reader.document("nope") is None


def test_more_like_this_never_returns_the_article_itself(reader):
    hits = reader.more_like_this("a04", top=5)   # the election and court stories share their words
    assert "a04" not in {h.id for h in hits}
    assert {h.id for h in hits} >= {"a08", "a11"} and len(hits) <= 5
    assert hits[0].id in {"a08", "a11"}
    assert reader.more_like_this("nope") == []


@pytest.mark.parametrize("args", [{}, {"q": "harbour OR election"}, {"country": "Spain", "sort": "oldest"},
                                  {"not_person": "Ana Lopez", "sort": "newest"}])
def test_export_is_the_whole_set_in_the_search_order(reader, args):
    _total, ids = every_id(reader, dict(args, per_page="10"))
    records = list(iter_records(reader, request(dict(args, per_page="10", page="2"))))
    assert [r["id"] for r in records] == ids


def test_export_record(reader):
    rec = next(iter_records(reader, request({"q": "museum"})))
    a = BY_ID["a03"]
    assert rec == {"id": "a03", "title": a["title"], "date": a["date"].isoformat(), "source": "Wire A",
                   "url": "https://example.org/a03", "person": a["person"], "country": a["country"],
                   "org": [], "topic": a["topic"], "subtopic": a["subtopic"]}


def test_stats(reader):
    stats = reader.stats(top=3)
    assert stats.articles == len(ARTICLES) and stats.size_bytes > 0
    dates = sorted(a["date"].date().isoformat() for a in ARTICLES if a["date"])
    assert stats.dates == (dates[0], dates[-1])
    for name in NAMES:
        counts = Counter(v for a in ARTICLES for v in values_of(a, name))
        assert stats.distinct[name] == len(counts), name
        assert stats.facets[name] == sorted(counts.items(), key=lambda vc: (-vc[1], vc[0]))[:3], name


def test_source_prefix(reader):
    assert reader.has_source_prefix("Wire") and not reader.has_source_prefix("Wikinews")
