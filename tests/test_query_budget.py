"""The query budget: every search bounded in words expanded, postings read and time (search/query.py).

Each finding of the attack (bench/attack.py, docs/RELIABILITY.md) has its regression test here,
on an index of made-up articles whose words and frequencies are known: the expected words and
articles are computed in plain Python from the articles, with the schema's analyzer as the
index reads them. The budget's accounting (QueryCost) is asserted, never a wall-clock time:
the time limit is tested with a limit of 0 s, where every stage is cut at its first look.
"""
import re
from collections import Counter
from dataclasses import replace
from datetime import datetime

import pytest

from indexer.engines.whoosh import WhooshEngine
from indexer.engines.whoosh.evaluate import evaluate
from indexer.engines.whoosh.expand import Expanded
from indexer.engines.whoosh.parse import parse_query
from indexer.engines.whoosh.schema import WORDS, get_schema
from indexer.engines.whoosh.searching import ordered_docnums, search
from indexer.search import syntax as s
from indexer.search.query import (BUSY_NOTE, DEFAULT_BUDGET, EXACT_NOTE, LEADING_HINT, MAX_FUZZY, ONE_LETTER_NOTE,
                                  LongSearches, QueryBudget, QueryTooCostly, expanding_parts, part_text)
from indexer.search.query import parse_query as neutral_parse_query
from indexer.search.request import SearchRequest

from test_search import build_handmade

SCHEMA = get_schema()
# Made-up words (the analyzer leaves them as they are) with frequencies 1..N: word i is in the
# articles whose number is a multiple of i + 1, so the most frequent words are the first ones.
KA = [f"ka{a}{b}" for a in "bdgkmnprt" for b in "bdgkmnprt"][:60]   # 60 words starting with "ka"
FUZZY = ["harbour", "harbor", "barbour", "harboru", "hrabour", "parliament", "parlament"]
N = 48


def body(n):
    words = [w for i, w in enumerate(KA) if n % (i + 1) == 0]
    words += [w for i, w in enumerate(FUZZY) if n % (i + 2) == 0]
    return " ".join(words) + f" common number{n}"


ARTICLES = [dict(id=f"b{n:02d}", title=f"Title {n} {KA[n % len(KA)]}", body=body(n), date=datetime(2020, 1, 1 + n % 28),
                 person=[], country=[], org=[], topic=[], subtopic=[], source="Wire")
            for n in range(1, N + 1)]


def analysed(text, field="body"):
    return [t.text for t in SCHEMA[field].analyzer(text)]


def vocabulary(field):
    """Return {word: number of articles} of a field, as the index holds it."""
    return Counter(w for a in ARTICLES for w in set(analysed(a[field], field)))


def articles_with(words_by_field):
    """Return the ids of the articles holding any of the words, per field."""
    return {a["id"] for a in ARTICLES for field, words in words_by_field.items()
            if set(analysed(a[field], field)) & set(words)}


def damerau(a, b):
    """Return the Damerau-Levenshtein distance of a and b (optimal string alignment), in plain Python."""
    d = [[i + j if not i * j else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def kept(field_counts, candidates, share):
    """Return the words a part keeps: the most frequent candidates (ties: in order) that fit its share."""
    terms, room = share
    out = []
    for w in sorted(candidates, key=lambda w: (-field_counts[w], w)):
        if field_counts[w] <= room:
            out.append(w)
            room -= field_counts[w]
            if len(out) == terms:
                break
    return set(out)


@pytest.fixture(scope="module", params=[1, 3], ids=["one-segment", "three-segments"])
def searcher(request, tmp_path_factory):
    ix = build_handmade(tmp_path_factory.mktemp(f"budget{request.param}"), batches=request.param, articles=ARTICLES)
    with ix.searcher() as searcher:
        yield searcher


def run(searcher, q, budget=DEFAULT_BUDGET, slots=None, **args):
    """Return (result, cost) of a search of q within budget."""
    cost = budget.start(slots)
    result = search(searcher, SearchRequest.from_args({"q": q, "per_page": "100", **args}), cost=cost)
    return result, cost


def expanded(searcher, q, budget=DEFAULT_BUDGET):
    """Return ({field: words} the query's parts were expanded to, cost)."""
    from indexer.engines.whoosh.expand import Expander

    cost = budget.start()
    parsed = parse_query(q, searcher.schema, budget, Expander(searcher, cost))
    out = {}
    for leaf in parsed.query.leaves():
        if isinstance(leaf, Expanded) and leaf.fieldname != WORDS:   # WORDS: the words as written they require
            out.setdefault(leaf.fieldname, set()).update(leaf.words)
    return out, cost


def ids(result):
    return {h.id for h in result.hits}


# --- the budget is declared once ------------------------------------------------------------

def test_the_numbers_live_in_one_dataclass_and_the_engine_uses_them(tmp_path):
    assert WhooshEngine(tmp_path).budget is DEFAULT_BUDGET
    assert DEFAULT_BUDGET == QueryBudget()
    assert DEFAULT_BUDGET.part_share(1) == (DEFAULT_BUDGET.part_terms, DEFAULT_BUDGET.query_postings)
    assert DEFAULT_BUDGET.part_share(64) == (DEFAULT_BUDGET.query_terms // 64, DEFAULT_BUDGET.query_postings // 64)
    assert DEFAULT_BUDGET.part_share(10**6) == (1, 1)   # never nothing at all


def test_expanding_parts_count_an_unfielded_part_twice():
    tree = neutral_parse_query("vacc* title:wom?n parlament~2 [a TO b] flood", lambda t: t).tree
    assert expanding_parts(tree) == 2 + 1 + 2 + 2
    assert [part_text(n) for n in (s.Prefix("title", "vacc"), s.Fuzzy(None, "x", 2, 1), s.TermRange("body", "a", None))] == [
        "title:vacc*", "x~2", "body:[a TO ]"]


# --- fuzzy words: the rules on the tree, the same for every engine ----------------------------

def tree_of(q, budget=DEFAULT_BUDGET):
    parsed = neutral_parse_query(q, lambda t: t, budget)
    return parsed.tree, parsed.notes


@pytest.mark.parametrize("q, dist, prefix", [
    ("ab~2", 0, 2), ("abc~2", 1, 1), ("flod~", 1, 1), ("parlament~", 1, 1), ("parlament~2", 2, 2),
    ("parlament~9", MAX_FUZZY, 2), ("parlament~1/4", 1, 4), ("abcdefghijklmnopqrst~2", 2, 2), ("x~", 0, 1),
])
def test_a_fuzzy_word_gets_the_distance_its_length_allows_and_a_prefix(q, dist, prefix):
    (node,) = tree_of(q)[0].children
    assert (node.maxdist, node.prefixlength) == (dist, prefix)


def test_a_short_fuzzy_word_says_it_is_matched_exactly():
    assert tree_of("ab~2")[1] == [EXACT_NOTE.format(part="ab~2", letters=3)]
    assert tree_of("flod~2")[1] == [ONE_LETTER_NOTE.format(part="flod~2", letters=6)]
    assert tree_of("flod~1 parlament~2")[1] == []


def test_without_a_budget_the_tree_is_the_languages_own():
    (node,) = tree_of("parlament~2", budget=None)[0].children
    assert (node.maxdist, node.prefixlength) == (2, 0)


# --- the findings -----------------------------------------------------------------------------

def test_star_finds_every_article_without_expanding_a_word(searcher):
    result, cost = run(searcher, "*")
    assert result.total == N and cost.parts == 0 and cost.terms == 0 and not cost.capped


def test_question_marks_and_stars_are_capped_with_a_hint(searcher):
    budget = QueryBudget(part_terms=5)
    words, cost = expanded(searcher, "?*?*?*", budget)
    for field in ("title", "body"):
        counts = vocabulary(field)
        matching = [w for w in counts if len(w) >= 3]
        assert words[field] == kept(counts, matching, budget.part_share(2))
    assert cost.terms == len(words["title"]) + len(words["body"]) <= 2 * budget.part_terms
    result, _cost = run(searcher, "?*?*?*", budget)
    assert ids(result) == articles_with(words)
    (note,) = [w for w in result.warnings if "?*?*?*" in w]
    assert note.endswith(LEADING_HINT) and f"only {budget.part_terms} were searched" in note


def test_star_a_star_is_capped_like_any_leading_wildcard(searcher):
    budget = QueryBudget(part_terms=4, query_postings=60)
    words, cost = expanded(searcher, "*a*", budget)
    counts = vocabulary("body")
    assert words["body"] == kept(counts, [w for w in counts if "a" in w], budget.part_share(2))
    assert cost.kept_postings <= budget.query_postings and cost.terms <= 2 * budget.part_terms


def test_ab_fuzzy_two_is_matched_exactly(searcher):
    words, cost = expanded(searcher, "kabd~2")
    counts = vocabulary("body")
    assert words["body"] == {w for w in counts if w.startswith("ka") and damerau(w, "kabd") <= 1}  # 4 letters: one
    words, cost = expanded(searcher, "ka~2")
    assert words.get("body", set()) <= {"ka"} and cost.terms == 0   # two letters: only the word itself, not here


def test_fuzzy_matches_share_the_first_letters(searcher):
    words, _cost = expanded(searcher, "harbour~")
    counts = vocabulary("body")
    assert words["body"] == {w for w in counts if w[:1] == "h" and damerau(w, "harbour") <= 1}
    assert "barbour" not in words["body"] and {"harbor", "harboru", "hrabour"} <= words["body"]


def test_fuzzy_at_distance_two_shares_two_letters(searcher):
    words, _cost = expanded(searcher, "harbour~2")
    counts = vocabulary("body")
    assert words["body"] == {w for w in counts if w[:2] == "ha" and damerau(w, "harbour") <= 2}


def test_parlament_from_the_docs_still_finds_parliament(searcher):
    result, _cost = run(searcher, "parlament~2")
    assert ids(result) == articles_with({"body": ["parliament", "parlament"]}) and result.warnings == []


def test_fuzzy_keeps_its_closest_words_first(searcher):
    budget = QueryBudget(part_terms=2)
    words, cost = expanded(searcher, "harbour~2", budget)
    counts = vocabulary("body")
    near = sorted((damerau(w, "harbour"), -counts[w], w) for w in counts if w[:2] == "ha" and damerau(w, "harbour") <= 2)
    assert words["body"] == {w for _d, _f, w in near[:2]}
    assert any("harbour~2" in note[2] and "closest" in note[2] for note in cost.capped.values())


def test_an_open_text_range_is_capped(searcher):
    budget = QueryBudget(part_terms=6)
    words, cost = expanded(searcher, "body:[a to]", budget)
    counts = vocabulary("body")
    assert words == {"body": kept(counts, [w for w in counts if w >= "a"], budget.part_share(1))}
    result, _ = run(searcher, "body:[a to]", budget)
    assert ids(result) == articles_with(words)
    assert any(w.startswith("“body:[a TO ]” matches") for w in result.warnings)


def test_a_prefix_over_its_share_keeps_the_most_frequent_words(searcher):
    budget = QueryBudget(part_terms=10)
    words, _ = expanded(searcher, "body:ka*", budget)
    counts = vocabulary("body")
    assert words["body"] == kept(counts, [w for w in counts if w.startswith("ka")], budget.part_share(1))
    assert words["body"] == set(KA[:10])   # word i is in N // (i + 1) articles


def test_many_fuzzy_words_share_the_query_budget(searcher):
    q = " AND ".join(f"{w}~2" for w in KA[:27])
    budget = QueryBudget(query_terms=54)
    words, cost = expanded(searcher, q, budget)
    assert cost.parts == 54 and budget.part_share(54)[0] == 1
    assert cost.terms <= budget.query_terms
    result, cost = run(searcher, q, budget)
    assert cost.terms <= budget.query_terms and cost.kept_postings <= budget.query_postings


def test_twenty_letter_fuzzy_words_look_at_few_words(searcher):
    q = " ".join(["abcdefghijklmnopqrst~2", "harbourharbourharbou~2", "kabdkabdkabdkabdkabd~2"])
    result, cost = run(searcher, q)
    vocab = len(vocabulary("body")) + len(vocabulary("title"))
    assert cost.scanned < vocab   # only the words that share their first two letters
    assert result.total == 0


def test_an_expanded_part_is_scored_without_whoosh_expanding_it_again(searcher):
    words, cost = expanded(searcher, "harbour~")
    parsed = parse_query("harbour~", searcher.schema, DEFAULT_BUDGET, _expander(searcher, cost))
    _mask, scores = evaluate(searcher, parsed.query, scored=True, cost=cost)
    assert scores is not None   # numpy scored it: Searcher.search (per-segment expansion) is not needed
    assert cost.parts == 2 * 2   # title and body, for each of the two parses above: never per segment


def _expander(searcher, cost):
    from indexer.engines.whoosh.expand import Expander

    return Expander(searcher, cost)


def test_expanded_words_are_highlighted(searcher):
    result, _ = run(searcher, "harbour~")
    marked = {t.lower() for h in result.hits for t, m in h.snippet if m}
    assert marked and marked <= {"harbour", "harbor", "harboru", "hrabour"}


# --- time: a limit of 0 s cuts every stage at its first look ---------------------------------

def test_past_the_time_limit_the_answer_is_partial_and_says_so(searcher):
    result, cost = run(searcher, "common ka*", QueryBudget(seconds=0))
    assert cost.timed_out and "expanding" in cost.cut and "counting" in cost.cut
    (note,) = [w for w in result.warnings if "time limit of 0 s" in w]
    assert "narrower query" in note
    assert all(not counts for counts in result.facets.values()) and result.histogram == []


def test_an_export_past_the_time_limit_raises_rather_than_stopping_halfway(searcher):
    request = SearchRequest.from_args({"q": "common"})
    with pytest.raises(QueryTooCostly, match="time limit of 0 s"):
        ordered_docnums(searcher, request, QueryBudget(seconds=0).start())
    assert len(ordered_docnums(searcher, request, DEFAULT_BUDGET.start())) == N


def test_a_long_search_without_a_free_slot_stops_and_says_the_server_is_busy(searcher):
    slots = LongSearches(1)
    assert slots.take()   # another long search holds the only slot
    budget = QueryBudget(quick=0)
    result, cost = run(searcher, "common", budget, slots)
    assert cost.busy and not cost.holding
    assert any(w.startswith(BUSY_NOTE.split("{")[0]) for w in result.warnings)
    with pytest.raises(QueryTooCostly, match="other long searches"):
        ordered_docnums(searcher, SearchRequest(q="common"), budget.start(slots))
    slots.give()
    result, cost = run(searcher, "common", budget, slots)
    assert not cost.busy and result.total == N and not result.warnings
    assert slots.take()   # the search gave its slot back
    slots.give()


def test_a_quick_search_needs_no_slot(searcher):
    slots = LongSearches(1)
    assert slots.take()
    result, cost = run(searcher, "common", QueryBudget(quick=3600), slots)
    assert not cost.busy and result.total == N


# --- ordinary queries: the budget changes nothing ---------------------------------------------

@pytest.mark.parametrize("q", ["common", "harbour", "harbour OR parliament", "hrabour", "parliament~", "kabdx~",
                               '"common number7"', "NOT common", "number48*", "title:titl*"])
def test_ordinary_queries_answer_as_without_a_budget(searcher, q):
    unbudgeted = parse_query(q, searcher.schema).query
    expected = [(hit["id"], hit.score) for hit in searcher.search(unbudgeted, limit=None)]
    result, cost = run(searcher, q)
    assert [h.id for h in result.hits] == [i for i, _ in expected]
    assert [h.score for h in result.hits] == pytest.approx([sc for _, sc in expected], rel=1e-12)
    assert not cost.capped and not cost.cut and result.warnings == []


@pytest.mark.parametrize("q", ["ka*", "title:ka*", "kab* AND NOT kabb", "harbour~2"])
def test_a_part_of_many_words_scores_as_the_sum_of_its_words(searcher, q):
    # Whoosh scored such a part 1.0 per document on an index of at most 5,000 documents and as the
    # sum of its words' scores on a bigger one (Or.AUTO_MATCHER); the sum, always, is what both
    # the numpy path and Whoosh's own matcher of an Expanded part give.
    from whoosh import query as wq

    words, _cost = expanded(searcher, q)
    parsed = parse_query(q, searcher.schema, DEFAULT_BUDGET, _expander(searcher, DEFAULT_BUDGET.start()))
    as_terms = parsed.query.accept(lambda node: wq.Or([wq.Term(node.fieldname, w) for w in node.words])
                                   if isinstance(node, Expanded) else node)
    expected = [(hit["id"], hit.score) for hit in searcher.search(as_terms, limit=None)]
    result, _cost = run(searcher, q)
    assert {h.id for h in result.hits} == {i for i, _ in expected}
    by_id = dict(expected)
    assert [h.score for h in result.hits] == pytest.approx([by_id[h.id] for h in result.hits], rel=1e-9)
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)


def test_a_transposition_is_one_letter_different_in_every_segment(searcher):
    # Whoosh's automaton (one segment) counted hrabour -> harbour as two edits, its MultiReader
    # (several segments) as one: now one everywhere, as OpenSearch's default (transpositions).
    words, _cost = expanded(searcher, "hrabour~")
    assert "harbour" in words["body"]


def test_the_accounting_never_passes_the_budget(searcher):
    budget = QueryBudget(part_terms=7, query_terms=20, query_postings=200, scanned=150)
    for q in ["*a*", "?*", "ka* OR h* OR p*", "body:[a TO z] title:[a TO z]", "harbour~2 parlament~2 kabd~",
              " ".join(f"k{c}*" for c in "abcdefgh")]:
        _result, cost = run(searcher, q, budget)
        assert cost.terms <= budget.query_terms
        assert cost.kept_postings <= budget.query_postings
        assert cost.scanned <= budget.scanned
        share = budget.part_share(max(cost.parts, 1))
        assert cost.terms <= share[0] * max(cost.parts, 1)


def test_a_scan_cut_short_says_so(searcher):
    budget = QueryBudget(scanned=10)
    result, cost = run(searcher, "*a* ka*", budget)
    assert cost.scanned == 10
    assert any("first 10 index words" in w for w in result.warnings)


def test_budgets_are_plain_values():
    assert replace(DEFAULT_BUDGET, seconds=0).seconds == 0 and DEFAULT_BUDGET.seconds > 0
    assert re.fullmatch(r"[\d.]+", str(DEFAULT_BUDGET.seconds))
