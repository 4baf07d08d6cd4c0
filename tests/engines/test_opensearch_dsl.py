"""dsl.py: syntax trees built by hand, run on a real index of the handmade articles, answers in plain Python."""
from datetime import datetime

import pytest

from indexer.engines.opensearch.dsl import compile, pattern_words, stemmed_words
from indexer.engines.opensearch.mapping import PATTERN_FORM
from indexer.search import syntax as s

from handmade import ARTICLES, documents, expected_ids

ALL = [a["id"] for a in ARTICLES]


def having(word):
    return expected_ids((word,))


def minus(ids, *others):
    drop = set().union(*map(set, others))
    return [i for i in ids if i not in drop]


def of(facet, value):
    return [a["id"] for a in ARTICLES if value in (a[facet] if isinstance(a[facet], list) else [a[facet]])]


T = lambda text, field=None, **kw: s.Term(field, text, **kw)  # noqa: E731

CASES = [
    (T("harbour"), having("harbour")),
    (T("Harbour"), having("harbour")),
    (T("elections"), having("election")),                                      # stemmed
    (s.And((T("harbour"), T("strike"))), ["a01"]),
    (s.Or((T("flood"), T("vaccine"))), ["a03", "a05", "a07", "a09", "a12"]),     # flooded, vaccination
    (s.And((T("harbour"), s.Not(T("storm")))), minus(having("harbour"), having("storm"))),
    (s.AndNot(T("harbour"), T("storm")), minus(having("harbour"), having("storm"))),
    (s.Not(T("harbour")), minus(ALL, having("harbour"))),
    (s.Not(s.Or((T("harbour"), T("election")))), minus(ALL, having("harbour"), having("election"))),
    (s.AndMaybe(T("harbour"), T("strike")), having("harbour")),
    (s.Phrase(None, ("pay", "deal")), ["a06"]),
    (s.Phrase(None, ("deal", "pay")), []),                                     # in order
    (s.Phrase(None, ("strike", "ended")), ["a06"]),
    (s.Phrase(None, ("harbour", "shipping"), slop=3), ["a01"]),                  # 3 positions apart at most
    (s.Phrase(None, ("harbour", "shipping"), slop=2), []),
    (s.Prefix(None, "vacc"), ["a07", "a09"]),
    # Issue 13: prefixes and wildcards match the words as written (the words sub-fields), no longer
    # the stems (Whoosh's parser stemmed "vaccinate*" to vaccin* and found vaccine).
    (s.Prefix(None, "vaccinate"), []),              # no word starts so
    (s.Prefix(None, "vaccinat"), ["a07", "a09"]),   # vaccination
    (s.Prefix(None, "harbours"), []),
    (s.Wildcard(None, "*ine"), ["a07"]),            # vaccine; its stem vaccin does not end so
    (s.Prefix(None, "HARB"), having("harbour")),
    (s.Wildcard(None, "h?rbour"), having("harbour")),
    (s.Wildcard(None, "*"), ALL),
    (s.Fuzzy(None, "harbor", maxdist=1), having("harbour")),
    (s.Fuzzy(None, "harbou", maxdist=1, prefixlength=3), having("harbour")),
    (s.Fuzzy(None, "xarbou", maxdist=1, prefixlength=1), []),
    (T("harbour", "title"), ["a01", "a10", "a12"]),
    (T("election", "body"), ["a02", "a04", "a08", "a11"]),
    (s.Phrase("body", ("election", "challenge")), ["a08"]),
    (T("Joe Biden", "person"), of("person", "Joe Biden")),
    (T("joe biden", "person"), of("person", "Joe Biden")),                     # case and accents ignored (issue 13)
    (T("election", "subtopic"), of("subtopic", "politics and government › election")),   # a child's own label
    (s.Phrase("topic", ("arts,", "culture,", "entertainment", "and", "media")),
     of("topic", "arts, culture, entertainment and media")),
    (s.Prefix("org", "World"), of("org", "World Health Organization")),
    (s.TermRange("person", "A", "B"), of("person", "Ana Lopez")),
    (s.And((T("Spain", "country"), s.Not(T("harbour")))), minus(of("country", "Spain"), having("harbour"))),
    (T("a03", "id"), ["a03"]),
    (s.DateRange(datetime(2021, 1, 1), datetime(2021, 12, 31, 23, 59, 59, 999999)), ["a12"]),
    (s.And((T("harbour"), s.DateRange(datetime(2020, 3, 1), None))),
     [i for i in having("harbour") if (a := ARTICLES[ALL.index(i)])["date"] and a["date"] >= datetime(2020, 3, 1)]),
    (s.Every(), ALL),
    # a word the analyzer drops (a stop word, one letter) is left out of its And / Or, as Whoosh drops it
    (s.And((T("the"), T("harbour"))), having("harbour")),
    (s.Or((T("a"), T("harbour"))), having("harbour")),
    (s.And((T("the"), s.Not(T("flood")))), minus(ALL, ["a03", "a05", "a12"])),
    (s.AndNot(T("harbour"), T("of")), having("harbour")),
    (T("covid-19"), []),
]


@pytest.fixture(scope="module")
def index(make_engine):
    with make_engine.loaded(documents(), batches=3).reader() as reader:
        yield reader


def run(reader, tree, size=100):
    q = reader.searcher.compile(tree)   # compile() with the prefixes stemmed by the cluster
    response = reader.store.client.search(index=reader.index, params={"search_type": "dfs_query_then_fetch"},
                                          body={"query": q, "size": size, "sort": ["_score", {"id": "asc"}]})
    return [h["_id"] for h in response["hits"]["hits"]]


@pytest.mark.parametrize("tree, expected", CASES, ids=[repr(c[0])[:70] for c in CASES])
def test_tree_matches_what_plain_python_says(index, tree, expected):
    assert sorted(run(index, tree)) == sorted(expected)


@pytest.mark.parametrize("tree", [T("the"), T("a"), s.Phrase(None, ("the", "of")), s.And((T("the"), T("of"))),
                                  s.Or((T("x"),)), s.Fuzzy(None, "the"), s.Not(T("the"))])
def test_nothing_searchable_compiles_to_none(tree):
    assert compile(tree) is None


def test_title_weighs_double(index):
    # "harbour" in the title of a01, a10 and a12; only in the body of a03 and a05
    assert set(run(index, T("harbour"))[:3]) == {"a01", "a10", "a12"}


def test_and_maybe_ranks_the_optional_match_first(index):
    assert run(index, s.AndMaybe(T("harbour"), T("strike")))[0] == "a01"


def test_boost_changes_the_order(index):
    plain = run(index, s.Or((T("harbour"), T("election"))))
    boosted = run(index, s.Or((T("harbour"), T("election", boost=20.0))))
    assert sorted(plain) == sorted(boosted)
    assert set(boosted[:4]) == set(having("election"))


def test_patterns_are_folded_and_range_bounds_stemmed_by_the_index_filters(index):
    tree = s.Or((s.Prefix(None, "Vaccinate"), s.Wildcard("title", "Hárb*"), s.Prefix("person", "Jo"),
                 s.TermRange(None, "Elections", None)))
    assert index.searcher.word_forms(pattern_words(tree), PATTERN_FORM) == {"Vaccinate": "vaccinate", "Hárb*": "harb*"}
    assert index.searcher.word_forms(stemmed_words(tree)) == {"Elections": "elect"}
    assert index.searcher.word_forms(stemmed_words(tree, highlight=True)) == {
        "Vaccinate": "vaccin", "Hárb*": "harb*", "Elections": "elect"}
    assert compile(s.Prefix(None, "Vaccinate"), patterns={"Vaccinate": "vaccinate"}) == compile(
        s.Prefix(None, "vaccinate"))


def test_a_word_is_a_match_in_the_title_twice_or_the_body():
    q = compile(s.And((T("harbour"), T("Spain", "country"))))
    assert q == {"bool": {"must": [
        {"bool": {"should": [{"bool": {"must": [{"match": {"title": {"query": "harbour", "operator": "and"}}}],
                                       "boost": 2.0}},
                             {"match": {"body": {"query": "harbour", "operator": "and"}}}],
                  "minimum_should_match": 1}},
        {"term": {"country.folded": "Spain"}}]}}   # case and accents ignored (issue 13)
    assert "query_string" not in repr(compile(s.Wildcard(None, "h*r")))
