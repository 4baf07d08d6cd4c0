"""The contract's trends and related values: every engine gives these answers on the handmade articles.

histogram(request, unit) and cooccurring(request, facets, limit), then search/insights.py's trend()
and related() over them. Expected answers are counted from ARTICLES in plain Python.
"""
import math
from collections import Counter
from datetime import date, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from indexer.search.insights import UNITS, g2, related, trend
from indexer.search.request import SearchRequest

from handmade import ARTICLES, expected_ids, values_of

BY_ID = {a["id"]: a for a in ARTICLES}


def request(pairs=()):
    return SearchRequest.from_args(MultiDict(list(pairs)))


def start_of(d, unit):
    """The bucket's first day, written out again here: weeks from Monday, months, years."""
    if unit == "day":
        return d
    if unit == "week":
        return d - timedelta(days=d.weekday())
    return d.replace(day=1) if unit == "month" else d.replace(month=1, day=1)


def expected_histogram(ids, unit, start=None, end=None):
    days = [BY_ID[i]["date"].date() for i in ids if BY_ID[i]["date"]]
    days = [d for d in days if (not start or d >= start) and (not end or d <= end)]
    return Counter(start_of(d, unit) for d in days)


CASES = [
    ((), {}, {}),
    (("election",), {}, {}),
    ((), {"person": ["Ana Lopez"]}, {}),
    ((), {"person": ["Joe Biden", "Ana Lopez"]}, {}),
    ((), {"country": ["United States"]}, {"person": ["Donald Trump"]}),
    (("harbour",), {"topic": ["weather"]}, {}),
]


def pairs_of(q_words, filters, excludes):
    out = [("q", " ".join(q_words))] if q_words else []
    out += [(f, v) for f, vals in filters.items() for v in vals]
    return out + [("not_" + f, v) for f, vals in excludes.items() for v in vals]


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("q_words, filters, excludes", CASES)
def test_histogram_counts_the_set_per_unit_zero_filled(reader, q_words, filters, excludes, unit):
    buckets = reader.histogram(request(pairs_of(q_words, filters, excludes)), unit)
    want = expected_histogram(expected_ids(q_words, filters, excludes), unit)
    got = {b.start: b.count for b in buckets if b.count}
    assert got == dict(want)
    if want:
        assert buckets[0].start == min(want) and buckets[-1].start == max(want)   # first to last non-empty
        for before, after in zip(buckets, buckets[1:]):
            assert after.start == before.end + timedelta(days=1)                     # no gap, no overlap
        assert all(b.start == start_of(b.start, unit) for b in buckets)
    else:
        assert buckets == []


def test_histogram_applies_the_date_range_and_leaves_out_undated(reader):
    buckets = reader.histogram(request([("from", "2020-02-15"), ("to", "2020-06-30")]), "month")
    want = expected_histogram([a["id"] for a in ARTICLES], "month", date(2020, 2, 15), date(2020, 6, 30))
    assert {b.start: b.count for b in buckets} == dict(want)
    assert [b.label for b in buckets] == ["2020-02", "2020-03", "2020-04", "2020-05", "2020-06"]
    assert sum(b.count for b in reader.histogram(request(), "year")) == sum(1 for a in ARTICLES if a["date"])


def test_week_buckets_start_on_monday_and_carry_iso_labels(reader):
    buckets = reader.histogram(request([("person", "Ana Lopez")]), "week")
    first = BY_ID["a01"]["date"].date()   # Sunday 2020-01-05: its week began Monday 2019-12-30
    assert buckets[0].start == date(2019, 12, 30) and buckets[0].label == "2020-W01"
    assert buckets[0].end == date(2020, 1, 5) == first


def expected_set(q_words, filters, excludes):
    return expected_ids(q_words, filters, excludes)


@pytest.mark.parametrize("q_words, filters, excludes", CASES)
def test_cooccurring_counts_in_the_set_with_every_filter_and_in_the_index(reader, q_words, filters, excludes):
    facets = ("person", "country", "org", "topic", "subtopic", "source")
    found = reader.cooccurring(request(pairs_of(q_words, filters, excludes)), facets, 50)
    ids = expected_set(q_words, filters, excludes)
    assert found.set_size == len(ids) and found.index_size == len(ARTICLES)
    for name in facets:
        in_set = Counter(v for i in ids for v in values_of(BY_ID[i], name))
        in_index = Counter(v for a in ARTICLES for v in values_of(a, name))
        want = sorted(in_set.items(), key=lambda vc: (-vc[1], vc[0]))
        assert [(v, c) for v, c, _ in found.values[name]] == want, name
        assert all(total == in_index[v] for v, _, total in found.values[name]), name


def test_cooccurring_keeps_the_most_frequent_within_limit(reader):
    found = reader.cooccurring(request(), ("country",), 2)
    in_index = Counter(v for a in ARTICLES for v in values_of(a, "country"))
    assert [(v, c) for v, c, _ in found.values["country"]] == sorted(in_index.items(), key=lambda vc: (-vc[1], vc[0]))[:2]


def test_cooccurring_with_an_empty_set(reader):
    found = reader.cooccurring(request([("person", "Nobody At All")]), ("person", "org"), 10)
    assert found.set_size == 0 and found.values == {"person": [], "org": []}


# --- what search/insights.py makes of them -----------------------------------------------------

def test_related_leaves_out_the_selected_value_and_ranks_by_signed_g2(reader):
    got = related(reader, request([("person", "Joe Biden")]), ("person", "org"), limit=10)
    ids = expected_set((), {"person": ["Joe Biden"]}, {})
    assert got.set_size == len(ids)
    people = [v.value for v in got.facets["person"]]
    assert "Joe Biden" not in people and set(people) == {"Kamala Harris", "Donald Trump"}
    for v in got.facets["person"] + got.facets["org"]:
        in_index = sum(1 for a in ARTICLES if v.value in values_of(a, v.facet))
        assert v.index_count == in_index
        assert v.lift == pytest.approx((v.count / len(ids)) / (in_index / len(ARTICLES)))
    scores = [v.score for v in got.facets["org"]]
    assert scores == sorted(scores, reverse=True)


def test_related_leaves_out_values_the_set_holds_less_often_than_the_index(reader):
    # Wire C's articles: every value that co-occurs, scored by hand; those below 0 are not "related".
    got = related(reader, request([("source", "Wire C")]), ("person", "country"), limit=50)
    ids = expected_set((), {"source": ["Wire C"]}, {})
    for name in ("person", "country"):
        in_set = Counter(v for i in ids for v in values_of(BY_ID[i], name))
        in_index = Counter(v for a in ARTICLES for v in values_of(a, name))
        scores = {v: g2(c, len(ids), in_index[v], len(ARTICLES)) for v, c in in_set.items()}
        assert any(score < 0 for score in scores.values()), name     # the case this test is about
        assert {v.value for v in got.facets[name]} == {v for v, score in scores.items() if score >= 0}, name
        assert all(v.score >= 0 for v in got.facets[name])


def test_g2_is_zero_without_difference_and_signed_by_direction():
    assert g2(5, 10, 50, 100) == pytest.approx(0.0)
    assert g2(9, 10, 50, 100) > 0 > g2(1, 10, 50, 100)
    # The 2×2 table written out: 2 Σ O ln(O/E).
    table = [(9, 10 * 50 / 100), (1, 10 * 50 / 100), (41, 90 * 50 / 100), (49, 90 * 50 / 100)]
    assert g2(9, 10, 50, 100) == pytest.approx(2 * sum(o * math.log(o / e) for o, e in table))
    # A value named once in the archive, once in the set, scores below one named often, mostly in the set.
    assert g2(1, 10, 1, 1000) < g2(8, 10, 12, 1000)


def test_trend_puts_every_series_on_one_axis(reader):
    t = trend(reader, request(), ["person:Ana Lopez", "election", 'country:"France"'], "month")
    assert [s.label for s in t.series] == ["person: Ana Lopez", "election", "country: France"]
    first, last = t.axis[0].start, t.axis[-1].start
    assert (first, last) == (date(2020, 1, 1), date(2021, 1, 1))
    sets = [expected_ids((), {"person": ["Ana Lopez"]}), expected_ids(("election",)),
            expected_ids((), {"country": ["France"]})]
    for s, ids in zip(t.series, sets):
        assert [b.start for b in s.buckets] == [b.start for b in t.axis]
        assert {b.start: b.count for b in s.buckets if b.count} == dict(expected_histogram(ids, "month"))


def test_trend_series_narrow_the_base_search(reader):
    t = trend(reader, request([("country", "Spain")]), ["person:Ana Lopez", "harbour"], "year")
    spain_ana = expected_ids((), {"country": ["Spain"], "person": ["Ana Lopez"]})
    spain_harbour = expected_ids(("harbour",), {"country": ["Spain"]})
    assert [s.total for s in t.series] == [sum(1 for i in spain_ana if BY_ID[i]["date"]),
                                           sum(1 for i in spain_harbour if BY_ID[i]["date"])]


def test_trend_of_a_second_value_of_a_selected_facet_ands_it(reader):
    t = trend(reader, request([("person", "Joe Biden")]), ["person:Donald Trump"], "year")
    both = [a for a in ARTICLES if {"Joe Biden", "Donald Trump"} <= set(a["person"])]
    assert t.series[0].total == len(both)


def test_trend_without_series_is_the_search_itself_and_more_than_five_warn(reader):
    t = trend(reader, request([("q", "harbour")]), [], "year")
    assert len(t.series) == 1 and t.series[0].total == sum(1 for i in expected_ids(("harbour",)) if BY_ID[i]["date"])
    many = trend(reader, request(), [f"person:P{i}" for i in range(7)], "year")
    assert len(many.series) == 5 and any("at most 5 series" in w for w in many.warnings)


def test_trend_over_a_date_range_spans_it_whole(reader):
    t = trend(reader, request([("from", "2019-11"), ("to", "2020-02")]), ["harbour"], "month")
    assert [b.label for b in t.axis] == ["2019-11", "2019-12", "2020-01", "2020-02"]


@pytest.mark.parametrize("narrow, wide", [(1, 50_000), (1, 1)], ids=["second-try", "composite"])
def test_cooccurring_is_exact_when_shards_list_fewer_values_than_they_hold(reader, monkeypatch, narrow, wide):
    # OpenSearch: a shard listing one value per facet leaves values out, so the answer must come
    # from the wider second try or from the composite count; Whoosh ignores both settings.
    from indexer.engines.opensearch import counting as os_counting, insights as os_insights
    monkeypatch.setattr(os_counting, "FACET_TERMS", narrow)
    monkeypatch.setattr(os_insights, "WIDE_TERMS", wide)
    found = reader.cooccurring(request(), ("person", "org", "country"), 1)
    for name in ("person", "org", "country"):
        counts = Counter(v for a in ARTICLES for v in values_of(a, name))
        best = sorted(counts.items(), key=lambda vc: (-vc[1], vc[0]))[0]
        assert [(v, c) for v, c, _ in found.values[name]] == [best], name
