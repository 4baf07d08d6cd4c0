"""The query budget on the OpenSearch engine (issue 13, point 7, in part): the fuzzy rules and shares.

What it applies so far: the budget's fuzzy rules on the tree (a short word is matched exactly, a
medium one one letter different, each with the note Whoosh's search gives) and each fuzzy part's
share of index words as the cluster's max_expansions. Not yet: wildcard and prefix caps, the time
limit and the long-search slots (docs/QUERY_SYNTAX.md says so).
"""
from dataclasses import replace

from indexer.engines.opensearch.dsl import compile
from indexer.search import syntax as s
from indexer.search.query import DEFAULT_BUDGET, EXACT_NOTE, ONE_LETTER_NOTE, QueryBudget
from indexer.search.request import SearchRequest

from handmade import ARTICLES, documents, expected_ids


def fuzzy_settings(q):
    """Return the fuzziness, prefix length and max_expansions of every fuzzy query in a DSL body."""
    out = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("match", "fuzzy") and isinstance(value, dict):
                    for spec in value.values():
                        if isinstance(spec, dict) and "fuzziness" in spec:
                            out.append((spec["fuzziness"], spec["prefix_length"], spec.get("max_expansions")))
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(q)
    return out


def test_compile_gives_each_fuzzy_part_its_share_as_max_expansions():
    q = compile(s.Fuzzy(None, "harbor", 1, 1), max_expansions=7)
    assert fuzzy_settings(q) == [(1, 1, 7), (1, 1, 7)]   # title and body
    assert fuzzy_settings(compile(s.Fuzzy("person", "Ana Lopes", 1, 1), max_expansions=3)) == [(1, 1, 3)]
    assert fuzzy_settings(compile(s.Fuzzy(None, "harbor", 1, 1))) == [(1, 1, None), (1, 1, None)]


def test_the_searcher_reads_fuzzy_words_by_the_budget_as_whoosh_does(make_engine):
    with make_engine.loaded(documents(), batches=1).reader() as reader:
        searcher = reader.searcher
        parsed = searcher.parsed("harbor~2 ab~ vote~2")
        lengths = DEFAULT_BUDGET.fuzzy_lengths
        assert parsed.notes == [EXACT_NOTE.format(part="ab~1", letters=lengths[0]),
                                ONE_LETTER_NOTE.format(part="vote~2", letters=lengths[1])]
        share = DEFAULT_BUDGET.part_share(6)[0]   # three unfielded parts: six
        # harbor: 2 letters, the first 2 fixed; ab: exact; vote: 1 letter, the first fixed (title and body each)
        assert sorted(set(fuzzy_settings(parsed.query))) == [(0, 2, share), (1, 1, share), (2, 2, share)]
        searcher.budget = replace(QueryBudget(), part_terms=1, query_terms=1)
        narrow = searcher.parsed("harbor~")
        assert {m for _d, _p, m in fuzzy_settings(narrow.query)} == {1}
        result = reader.search(SearchRequest(q="harbor~"))
        assert sorted(h.id for h in result.hits) == sorted(expected_ids(("harbour",)))
        assert len(ARTICLES) > result.total > 0
