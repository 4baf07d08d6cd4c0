"""indexer.facets: counts over the query and the OTHER filters, against plain Python over ARTICLES."""
from collections import Counter
from datetime import date

import numpy as np
import pytest
from werkzeug.datastructures import MultiDict

from whoosh.query import Every

from indexer.engines.whoosh import counting as facets, store
from indexer.engines.whoosh.searching import search
from indexer.search.request import SearchRequest
from indexer.search.results import children, top_values
from indexer.engines.whoosh import WhooshEngine
from indexer.stats import index_stats

from handmade import ARTICLES, FACET_NAMES, expected_ids, values_of
from test_search import build_handmade


@pytest.fixture(params=[1, 3], ids=["one-segment", "three-segments"], scope="module")
def searcher(request, tmp_path_factory):
    ix = build_handmade(tmp_path_factory.mktemp(f"facets{request.param}"), batches=request.param)
    with ix.searcher() as s:
        yield s


def stats_of(path, top=10):
    engine = WhooshEngine(path)
    try:
        return index_stats(engine, top)
    finally:
        engine.close()


def index_top_values(path, name, n):
    return stats_of(path, n).facets[name]


def in_dates(article, start, end):
    if not (start or end):
        return True
    d = article["date"].date() if article["date"] else None
    return d is not None and (not start or d >= start) and (not end or d <= end)


def expected_counts(name, q_words=(), filters=None, excludes=None, start=None, end=None):
    """Count name's values over articles matching the words and every filter except name's own."""
    filters = {f: v for f, v in (filters or {}).items() if f != name}
    excludes = {f: v for f, v in (excludes or {}).items() if f != name}
    ids = set(expected_ids(q_words, filters, excludes))
    counts = Counter()
    for a in ARTICLES:
        if a["id"] in ids and in_dates(a, start, end):
            counts.update(values_of(a, name))
    return counts


CASES = [
    ({}, (), None, None),
    ({"q": "harbour"}, ["harbour"], None, None),
    ({"person": ["Ana Lopez"]}, (), {"person": ["Ana Lopez"]}, None),
    ({"person": ["Ana Lopez", "Joe Biden"]}, (), {"person": ["Ana Lopez", "Joe Biden"]}, None),
    ({"person": ["Joe Biden"], "country": ["United States"], "org": ["Supreme Court"]}, (),
     {"person": ["Joe Biden"], "country": ["United States"], "org": ["Supreme Court"]}, None),
    ({"not_country": ["Spain"]}, (), None, {"country": ["Spain"]}),
    ({"country": ["France"], "not_country": ["Spain"]}, (), {"country": ["France"]}, {"country": ["Spain"]}),
    ({"q": "election", "not_person": ["Donald Trump"], "source": ["Wire B"]}, ["election"],
     {"source": ["Wire B"]}, {"person": ["Donald Trump"]}),
    ({"topic": ["arts, culture, entertainment and media"]}, (), {"topic": ["arts, culture, entertainment and media"]}, None),
    ({"subtopic": ["politics and government › election"], "topic": ["crime, law and justice"]}, (),
     {"subtopic": ["politics and government › election"], "topic": ["crime, law and justice"]}, None),
]


@pytest.mark.parametrize("args, q_words, filters, excludes", CASES)
def test_counts_ignore_only_their_own_facet(searcher, args, q_words, filters, excludes):
    result = search(searcher, SearchRequest.from_args(MultiDict([(k, v) for k, vs in args.items()
                                                                  for v in ([vs] if isinstance(vs, str) else vs)])))
    for name in FACET_NAMES:
        assert result.facets[name] == expected_counts(name, q_words, filters, excludes), name
    assert result.total == len(expected_ids(q_words, filters, excludes))


def test_counts_with_a_date_range(searcher):
    req = SearchRequest.from_args({"from": "2020-02-10", "to": "2020-04", "person": "Ana Lopez"})
    result = search(searcher, req)
    start, end = date(2020, 2, 10), date(2020, 4, 30)
    for name in FACET_NAMES:
        assert result.facets[name] == expected_counts(name, (), {"person": ["Ana Lopez"]}, None, start, end)
    ids = {h.id for h in result.hits}
    assert ids == {a["id"] for a in ARTICLES if in_dates(a, start, end) and "Ana Lopez" in a["person"]}


def test_date_range_ends_are_inclusive(searcher):
    mask = facets.date_mask(searcher, date(2020, 6, 30), date(2020, 6, 30))
    ids = {searcher.stored_fields(int(n))["id"] for n in mask.nonzero()[0]}
    assert ids == {"a10"}  # dated 23:59 on the last day


def test_undated_articles_are_outside_any_date_range(searcher):
    mask = facets.date_mask(searcher, date(1900, 1, 1), None)
    assert int(mask.sum()) == len([a for a in ARTICLES if a["date"]])


def test_or_within_a_facet_and_across_facets(searcher):
    one = search(searcher, SearchRequest.from_args(MultiDict([("person", "Ana Lopez")]))).total
    both = search(searcher, SearchRequest.from_args(MultiDict([("person", "Ana Lopez"), ("person", "Jean Martin")]))).total
    narrowed = search(searcher, SearchRequest.from_args(MultiDict([("person", "Ana Lopez"), ("country", "France")]))).total
    assert one == 4 and both == 5 and narrowed == 1


def test_histogram_counts_by_month_ignoring_the_date_range(searcher):
    result = search(searcher, SearchRequest.from_args({"from": "2020-03-01", "to": "2020-03-31"}))
    months = Counter(a["date"].strftime("%Y-%m") for a in ARTICLES if a["date"])
    got = {b.label: b.count for b in result.histogram}
    assert {k: v for k, v in got.items() if v} == dict(months)
    assert list(got) == sorted(got)          # zero-filled, in order
    assert "2020-09" in got and got["2020-09"] == 0
    assert all(b.start <= b.end for b in result.histogram)


def test_histogram_uses_days_for_a_short_span(searcher):
    result = search(searcher, SearchRequest.from_args({"person": "Jean Martin"}))  # 1 Apr and 20 May
    labels = [b.label for b in result.histogram]
    assert labels[0] == "2020-04-01" and labels[-1] == "2020-05-20" and len(labels) == 50
    assert sum(b.count for b in result.histogram) == 2


def test_top_values_pins_selected_and_finds_truncation():
    counts = Counter({"a": 5, "b": 4, "c": 3, "d": 1})
    shown, truncated = top_values(counts, 2)
    assert shown == [("a", 5), ("b", 4)] and truncated
    shown, truncated = top_values(counts, 2, selected=["d"], excluded=["zz"])
    assert shown == [("d", 1), ("zz", 0)] and truncated
    shown, truncated = top_values(counts, 10, contains="B")
    assert shown == [("b", 4)] and not truncated
    assert top_values(counts, 4) == ([("a", 5), ("b", 4), ("c", 3), ("d", 1)], False)


def test_children_of_a_topic(searcher):
    result = search(searcher, SearchRequest())
    kids = children(result.facets["subtopic"], "politics and government")
    assert kids == [("election", "politics and government › election", 3)]


def test_deleted_documents_are_not_counted(tmp_path):
    ix = build_handmade(tmp_path, batches=2)
    with ix.searcher() as s:
        facets.count_values(s, "person", facets.query_mask(s, Every()))  # cache the columns first
    writer = ix.writer()
    writer.delete_by_term("id", "a01")
    writer.commit(merge=False)
    ix = store.open_index(tmp_path)
    with ix.searcher() as s:
        result = search(s, SearchRequest())
        assert result.total == len(ARTICLES) - 1
        assert result.facets["person"]["Ana Lopez"] == 3


def test_values_with_commas_are_kept_whole(searcher):
    counts = search(searcher, SearchRequest()).facets["topic"]
    assert counts["arts, culture, entertainment and media"] == 2
    assert "arts" not in counts


@pytest.mark.parametrize("batches", [1, 3], ids=["one-segment", "three-segments"])
def test_index_top_values_and_distinct_count_skip_deleted_documents(tmp_path, batches):
    from test_search import document

    ix = build_handmade(tmp_path, batches=batches)
    # a01 is updated (its old version is left deleted in its segment), a12 deleted outright.
    updated = dict(ARTICLES[0], person=["Zoe Quinn"], country=["Portugal"])
    writer = ix.writer()
    writer.update_document(**document(updated))
    writer.delete_by_term("id", "a12")
    writer.commit(merge=False)
    live = [updated if a["id"] == "a01" else a for a in ARTICLES if a["id"] != "a12"]

    ix = store.open_index(tmp_path)
    with ix.searcher() as s:
        for name in FACET_NAMES:
            expected = Counter(v for a in live for v in values_of(a, name))
            ranked = sorted(expected.items(), key=lambda vc: (-vc[1], vc[0]))
            assert index_top_values(tmp_path, name, 3) == ranked[:3], name
            assert index_top_values(tmp_path, name, 1000) == ranked, name
            assert stats_of(tmp_path).distinct[name] == len(expected), name
        # The lexicon still counts the deleted versions: what these functions are for.
        assert s.reader().doc_frequency("person", "Ana Lopez") == 4
        people = dict(index_top_values(tmp_path, "person", 100))
        assert people["Ana Lopez"] == 2 and people["Zoe Quinn"] == 1


def test_index_top_values_breaks_ties_by_value(tmp_path):
    build_handmade(tmp_path)
    # The three sources hold the same number of articles: only the value orders them.
    expected = Counter(a["source"] for a in ARTICLES)
    ranked = sorted(expected.items(), key=lambda vc: (-vc[1], vc[0]))
    assert index_top_values(tmp_path, "source", 10) == ranked


@pytest.mark.parametrize("name", FACET_NAMES)
def test_count_values_over_any_mask_matches_plain_python(searcher, name):
    # every third document: masks that no query gives, over values held in only some segments
    ids = [searcher.stored_fields(d)["id"] for d in range(searcher.doc_count_all())]
    mask = np.zeros(len(ids), dtype=bool)
    mask[::3] = True
    expected = Counter()
    for a in ARTICLES:
        if mask[ids.index(a["id"])]:
            expected.update(values_of(a, name))
    assert facets.count_values(searcher, name, mask) == expected


def test_values_mask_with_values_missing_from_some_segments(searcher):
    mask = facets.values_mask(searcher, "person", ["Kamala Harris", "Nobody At All"])
    ids = {searcher.stored_fields(int(d))["id"] for d in np.flatnonzero(mask)}
    assert ids == {a["id"] for a in ARTICLES if "Kamala Harris" in a["person"]}


def test_top_values_is_the_sorted_order_cut_at_the_limit():
    """Regression guard for the heap: the same values, order and `truncated` as sorting them all."""
    import random

    from indexer.search.results import top_values

    rng = random.Random(7)
    names = ["Ab", "ab", "Bé", "be", "C", "d", "Éa", "ea"] + [f"v{i}" for i in range(60)]
    for _ in range(300):
        counts = {n: rng.randint(1, 6) for n in rng.sample(names, rng.randint(0, len(names)))}
        selected = rng.sample(sorted(counts) or ["x"], 1) if rng.random() < 0.4 else []
        limit, needle = rng.randint(0, 12), rng.choice(["", "a", "E", "v1"])
        ranked = sorted(((v, c) for v, c in counts.items() if v not in selected
                         and needle.casefold() in v.casefold()), key=lambda vc: (-vc[1], vc[0].casefold()))
        pinned = [(v, counts.get(v, 0)) for v in selected if needle.casefold() in v.casefold()]
        room = max(limit - len(pinned), 0)
        assert top_values(counts, limit, selected, (), needle) == (pinned + ranked[:room], len(ranked) > room)
