"""The OpenSearch Reader on a real cluster (2 shards, 1 replica): every answer computed in plain Python."""
import dataclasses
from collections import Counter
from datetime import date, datetime

import pytest
from werkzeug.datastructures import MultiDict

from indexer.document import Document
from indexer.engines.opensearch import counting
from indexer.engines.opensearch.searching import BETWEEN, SNIPPET_CHARS
from indexer.facets import NAMES
from indexer.search.request import SearchRequest
from indexer.search.results import top_values

from handmade import ARTICLES, documents, expected_ids, values_of

BY_ID = {a["id"]: a for a in ARTICLES}
FILLER = " ".join(f"word{i}" for i in range(300))
# More than the handmade articles: twins (same words, same date) for ties, an old article for a
# histogram by year, and a long body for a snippet of two fragments.
EXTRA = [
    Document(id="t1", chash="t1", title="Twin report", body="Identical twin text about lighthouses.",
             date=datetime(2020, 5, 5), source=["Wire T"]),
    Document(id="t2", chash="t2", title="Twin report", body="Identical twin text about lighthouses.",
             date=datetime(2020, 5, 5), source=["Wire T"]),
    Document(id="old", chash="old", title="Old news", body="An old lighthouse story.", date=datetime(1999, 12, 31, 23),
             source=["Wire T"]),
    Document(id="long", chash="long", title="Long read", body=f"Beacon at the start. {FILLER}. Beacon at the end.",
             date=None, source=["Wire T"]),
]


def request(args=()):
    return SearchRequest.from_args(MultiDict(list(args.items()) if isinstance(args, dict) else list(args)))


def every_id(reader, args):
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


@pytest.fixture(scope="module", params=[1, 3], ids=["one-batch", "three-batches"])
def reader(request, make_engine):
    with make_engine.loaded(documents(), batches=request.param).reader() as r:
        yield r


@pytest.fixture(scope="module")
def extra(make_engine):
    with make_engine.loaded(documents() + EXTRA).reader() as r:
        yield r


CASES = [
    ((), {}, {}),
    (("harbour",), {}, {}),
    (("harbour", "strike"), {}, {}),
    ((), {"person": ["Ana Lopez"]}, {}),
    ((), {"person": ["Ana Lopez", "Joe Biden"]}, {}),
    ((), {"person": ["Joe Biden"], "country": ["United States"], "org": ["Supreme Court"]}, {}),
    ((), {}, {"country": ["Spain"]}),
    ((), {"country": ["France"]}, {"country": ["Spain"]}),
    (("election",), {"source": ["Wire B"]}, {"person": ["Donald Trump"]}),
    ((), {"topic": ["arts, culture, entertainment and media"]}, {"subtopic": ["weather › storm"]}),
    ((), {"person": ["Nobody"]}, {}),
]


@pytest.mark.parametrize("q_words, filters, excludes", CASES)
def test_hits_are_the_words_and_every_filter(reader, q_words, filters, excludes):
    total, ids = every_id(reader, as_args(q_words, filters, excludes) + [("per_page", "10")])
    expected = expected_ids(q_words, filters, excludes)
    assert total == len(expected) and sorted(ids) == sorted(expected) and len(ids) == len(set(ids))


@pytest.mark.parametrize("q_words, filters, excludes", CASES)
def test_each_facet_counts_over_the_other_filters(reader, q_words, filters, excludes):
    result = reader.search(request(as_args(q_words, filters, excludes)))
    for name in NAMES:
        assert result.facets[name] == expected_counts(name, q_words, filters, excludes), name


@pytest.mark.parametrize("q_words, filters, excludes", CASES[:6])
def test_counts_stay_exact_when_a_shard_holds_more_values_than_asked(reader, monkeypatch, q_words, filters, excludes):
    monkeypatch.setattr(counting, "FACET_TERMS", 1)      # every terms aggregation is cut off ...
    monkeypatch.setattr(counting, "COMPOSITE_PAGE", 2)   # ... and recounted by composite pages of 2
    result = reader.search(request(as_args(q_words, filters, excludes)))
    for name in NAMES:
        assert result.facets[name] == expected_counts(name, q_words, filters, excludes), name
    stats = reader.stats(top=2)
    assert stats.distinct["subtopic"] == len({v for a in ARTICLES for v in a["subtopic"]})


@pytest.mark.parametrize("start, end", [(date(2020, 2, 1), date(2020, 3, 31)), (date(2020, 6, 30), None),
                                        (None, date(2020, 1, 5)), (date(2021, 1, 9), date(2021, 1, 9))])
def test_date_range_is_inclusive_days(reader, start, end):
    args = as_args((), {"person": ["Ana Lopez"]}, {}, start, end) + [("per_page", "100")]
    total, ids = every_id(reader, args)
    expected = [i for i in expected_ids((), {"person": ["Ana Lopez"]}) if in_range(BY_ID[i], start, end)]
    assert sorted(ids) == sorted(expected) and total == len(expected)
    result = reader.search(request(args))
    assert result.facets["country"] == expected_counts("country", (), {"person": ["Ana Lopez"]}, None, start, end)
    assert result.facets["person"] == expected_counts("person", (), {"person": ["Ana Lopez"]}, None, start, end)


def test_a_late_evening_counts_on_its_own_day(reader):
    # a10 is dated 2020-06-30 23:59 (naive): the last day includes it, the next day does not
    assert "a10" in every_id(reader, {"to": "2020-06-30", "from": "2020-06-30"})[1]
    assert "a10" not in every_id(reader, {"from": "2020-07-01"})[1]


def test_histogram_by_month_ignores_the_date_range_but_not_the_filters(reader):
    result = reader.search(request([("from", "2020-03-01"), ("to", "2020-03-31"), ("not_country", "France")]))
    months = Counter(a["date"].strftime("%Y-%m") for a in ARTICLES if a["date"] and "France" not in a["country"])
    assert {b.label: b.count for b in result.histogram if b.count} == dict(months)
    labels = [b.label for b in result.histogram]
    assert labels[0] == "2020-01" and labels[-1] == "2021-01" and len(labels) == 13
    feb = next(b for b in result.histogram if b.label == "2020-02")
    assert (feb.start, feb.end) == (date(2020, 2, 1), date(2020, 2, 29))


def test_histogram_by_day_for_a_short_span(reader):
    result = reader.search(request({"person": "Jean Martin"}))     # a06 2020-04-01, a07 2020-05-20
    assert [(b.label, b.count) for b in result.histogram if b.count] == [("2020-04-01", 1), ("2020-05-20", 1)]
    assert len(result.histogram) == 50 and result.histogram[0].start == result.histogram[0].end


def test_histogram_by_year_for_a_long_span(extra):
    result = extra.search(request({"source": "Wire T"}))            # 1999-12-31 and 2020-05-05 (twice)
    got = [(b.label, b.count) for b in result.histogram]
    assert got[0] == ("1999", 1) and got[-1] == ("2020", 2) and len(got) == 22
    assert sum(c for _, c in got) == 3
    assert (result.histogram[0].start, result.histogram[0].end) == (date(1999, 1, 1), date(1999, 12, 31))


def test_no_dated_article_no_histogram(extra):
    assert extra.search(request({"q": "beacon"})).histogram == []


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_date_order_ties_by_id_and_undated_as_after_every_date(extra, sort):
    total, ids = every_id(extra, {"sort": sort, "per_page": "10"})
    docs = {d.id: d for d in documents() + EXTRA}
    key = lambda i: (docs[i].date or datetime.max, i)  # noqa: E731  undated: after every date
    assert ids == sorted(docs, key=key, reverse=sort == "newest") and total == len(docs)


def test_relevance_ties_by_id(extra):
    hits = extra.search(request({"q": "twin"})).hits
    assert [h.id for h in hits] == ["t1", "t2"] and hits[0].score == hits[1].score > 0


def test_relevance_puts_the_title_matches_first(reader):
    hits = reader.search(request({"q": "harbour"})).hits
    assert {h.id for h in hits[:3]} == {"a01", "a10", "a12"}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_filters_do_not_change_scores(reader):
    plain = {h.id: h.score for h in reader.search(request({"q": "harbour"})).hits}
    filtered = reader.search(request({"q": "harbour", "country": "Spain"})).hits
    assert filtered and all(h.score == pytest.approx(plain[h.id]) for h in filtered)


def test_dates_sort_without_scores(reader):
    assert all(h.score is None for h in reader.search(request({"q": "harbour", "sort": "newest"})).hits)


@pytest.mark.parametrize("per_page", ["10", "20"])
def test_pages_partition_the_result_set(reader, per_page):
    total, ids = every_id(reader, {"sort": "oldest", "per_page": per_page})
    assert total == len(ARTICLES) and sorted(ids) == sorted(BY_ID)


def test_a_page_past_the_end_is_the_last_with_a_warning(reader):
    result = reader.search(request({"per_page": "10", "page": "7", "sort": "oldest"}))
    assert result.page == result.pages == 2 and [h.id for h in result.hits] == ["a12", "a09"]  # undated last
    assert "there are only 2 pages; showing the last" in result.warnings


def test_snippet_and_title_mark_stemmed_matches_as_written(reader):
    hit = next(h for h in reader.search(request({"q": "vaccination"})).hits if h.id == "a07")
    assert [t for t, m in hit.snippet if m] == ["vaccine", "vaccination"]
    assert hit.title_parts == [("Vaccine", True), (" trial begins", False)]
    assert "".join(t for t, _ in hit.snippet) == BY_ID["a07"]["body"]


def test_title_parts_keep_the_title_as_written(reader):
    hit = reader.search(request({"q": "heated"})).hits[0]
    assert hit.id == "a11" and "".join(t for t, _ in hit.title_parts) == BY_ID["a11"]["title"]
    assert ("heated", True) in hit.title_parts


def test_two_fragments_of_a_long_body_and_the_opening_without_words(extra):
    hit = extra.search(request({"q": "beacon"})).hits[0]
    assert hit.id == "long" and [t for t, m in hit.snippet if m] == ["Beacon", "Beacon"]
    assert (BETWEEN, False) in hit.snippet and len(hit.snippet_text) < len(EXTRA[3].body)
    plain = extra.search(request({"q": "long"})).hits[0]
    assert plain.title_parts == [("Long", True), (" read", False)]
    assert len(plain.snippet) == 1 and not plain.snippet[0][1]
    text = plain.snippet[0][0]
    assert text.endswith(" …") and len(text) <= SNIPPET_CHARS + 2 and EXTRA[3].body.startswith(text[:-2])


def test_hits_carry_the_stored_fields(reader):
    hit = reader.search(request({"q": "museum"})).hits[0]
    a = BY_ID["a03"]
    assert (hit.id, hit.title, hit.source, hit.url) == ("a03", a["title"], "Wire A", "https://example.org/a03")
    assert (hit.person, hit.country, hit.topic, hit.subtopic) == (a["person"], a["country"], a["topic"], a["subtopic"])
    assert hit.date == a["date"] and hit.date_iso == a["date"].isoformat()


def test_facet_values_pin_the_selection_then_count_and_contain(reader):
    req = request([("person", "Jean Martin"), ("not_person", "Ana Lopez"), ("q", "harbour")])
    counts = expected_counts("person", ("harbour",))
    assert reader.facet_values(req, "person", contains="", limit=10) == top_values(
        counts, 10, ["Jean Martin"], ["Ana Lopez"])
    assert reader.facet_values(req, "person", contains="MART", limit=10) == ([("Jean Martin", 0)], False)
    values, truncated = reader.facet_values(request(), "country", limit=2)
    assert len(values) == 2 and truncated


def test_document_round_trips_every_field(make_engine):
    doc = dataclasses.replace(documents()[2], section="Culture", dateline="PARIS", origin="feed.jsonl",
                              mentions=[["body", 4, 10, "org", "Museum"]],
                              topics=[{"label": "arts", "score": 0.5, "evidence": ["museum"], "children": []}],
                              meta={"lang": "en", "n": 3},
                              date=datetime(2020, 2, 28, 13, 45, 10, 123456), date_iso="2020-02-28T13:45:10.123456+01:00")
    with make_engine.loaded([doc]).reader() as r:
        assert r.document("a03") == doc
        assert r.document("nope") is None


def test_more_like_this_never_returns_the_article_itself(reader):
    hits = reader.more_like_this("a04", top=5)
    assert "a04" not in {h.id for h in hits} and len(hits) <= 5
    assert hits[0].id in {"a08", "a11", "a02"} and {"a08", "a11"} <= {h.id for h in hits}
    assert reader.more_like_this("nope") == []


@pytest.mark.parametrize("args", [{}, {"q": "harbour election"}, {"q": "harbour"}, {"country": "Spain", "sort": "oldest"},
                                  {"not_person": "Ana Lopez", "sort": "newest"}, {"sort": "relevance"}])
def test_export_is_the_whole_set_in_the_search_order(reader, args, monkeypatch):
    from indexer.engines.opensearch import scan
    monkeypatch.setattr(scan, "PAGE", 3)     # several pages of search_after
    _total, ids = every_id(reader, dict(args, per_page="10"))
    assert [d.id for d in reader.export(request(dict(args, page="2")))] == ids


def test_stats_are_exact(reader):
    stats = reader.stats(top=3)
    assert stats.articles == len(ARTICLES) and stats.size_bytes > 0
    dates = sorted(a["date"].date().isoformat() for a in ARTICLES if a["date"])
    assert stats.dates == (dates[0], dates[-1])
    for name in NAMES:
        counts = Counter(v for a in ARTICLES for v in values_of(a, name))
        assert stats.distinct[name] == len(counts), name
        assert stats.facets[name] == sorted(counts.items(), key=lambda vc: (-vc[1], vc[0]))[:3], name


def test_source_prefix(reader):
    assert reader.has_source_prefix("Wire") and reader.has_source_prefix("Wire C")
    assert not reader.has_source_prefix("Wikinews") and not reader.has_source_prefix("wire")


@pytest.mark.parametrize("q", ["the", "a", "\u200b", "of the"])
def test_no_searchable_words_shows_everything_and_says_so(reader, q):
    result = reader.search(request({"q": q}))
    assert result.total == len(ARTICLES)
    assert result.warnings and result.warnings[0].startswith("no searchable words in “")
    assert result.warnings[0].endswith("— showing all articles") and "\u200b" not in result.warnings[0]


def test_concurrent_searches_keep_their_connections_alive(make_engine, caplog):
    """Regression: urllib3's default pool of 1 connection per node discarded every concurrent one."""
    import logging
    import threading

    engine = make_engine.loaded(documents())
    errors = []

    def searches():
        try:
            for _ in range(4):
                with engine.reader() as r:
                    r.search(request({"q": "lighthouse"}))
        except Exception as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    with caplog.at_level(logging.WARNING, logger="urllib3.connectionpool"):
        threads = [threading.Thread(target=searches) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors
    assert not [r for r in caplog.records if "pool is full" in r.getMessage()]
