"""indexer.search: request parsing, query parsing with fallback, hits, paging, sorting, snippets.

The handmade index below (ARTICLES, build_handmade) is also used by test_facets and test_export:
facet values are set exactly, and every expected answer is computed from ARTICLES in plain Python.
"""
from datetime import date

import numpy as np
import pytest
from werkzeug.datastructures import MultiDict

from indexer.engines.whoosh import counting as facets, store
from indexer.engines.whoosh.evaluate import evaluate
from indexer.engines.whoosh.parse import parse_query
from indexer.engines.whoosh.schema import WORDS, words_text
from indexer.engines.whoosh.searching import search
from indexer.facets import join_values
from indexer.search.request import MAX_PAGE, SearchRequest

from handmade import ARTICLES, FACET_NAMES, expected_ids, values_of

def document(article):
    doc = {k: article[k] for k in ("id", "title", "body")}
    doc[WORDS] = words_text(article["title"], article["body"])   # as schema.to_fields
    if article["date"]:
        doc["date"] = article["date"]
        doc["date_iso"] = article["date"].isoformat()
    for name in FACET_NAMES:
        doc[name] = join_values(values_of(article, name))
    doc["url"] = f"https://example.org/{article['id']}"
    return doc


def build_handmade(index_dir, batches=1, articles=ARTICLES):
    """Write articles into a published index, committed in `batches` separate segments."""
    ix, _ = store.open_building(index_dir)
    size = -(-len(articles) // batches)
    for start in range(0, len(articles), size):
        writer = ix.writer()
        for article in articles[start:start + size]:
            writer.add_document(**document(article))
        writer.commit(merge=False)
    store.publish_building(index_dir)
    return store.open_index(index_dir)


@pytest.fixture(params=[1, 3], ids=["one-segment", "three-segments"], scope="module")
def handmade(request, tmp_path_factory):
    ix = build_handmade(tmp_path_factory.mktemp(f"hand{request.param}"), batches=request.param)
    assert len(ix.reader().leaf_readers()) == request.param
    with ix.searcher() as s:
        yield s


def all_ids(searcher, args):
    """Return every hit id of a search, walking all pages."""
    req = SearchRequest.from_args(MultiDict(args))
    first = search(searcher, req)
    ids = [h.id for h in first.hits]
    for page in range(2, first.pages + 1):
        req.page = page
        ids += [h.id for h in search(searcher, req).hits]
    return first.total, ids


# --- the request ------------------------------------------------------------------------------

@pytest.mark.parametrize("args, page, warned", [
    ({"page": "-3"}, 1, True), ({"page": "x"}, 1, True), ({"page": "9" * 40}, 1, True),
    ({"page": str(MAX_PAGE + 5)}, MAX_PAGE, True), ({"page": "2"}, 2, False), ({}, 1, False),
    ({"page": "1e9"}, 1, True), ({"page": ""}, 1, False),
])
def test_request_page_is_clamped_never_raises(args, page, warned):
    req = SearchRequest.from_args(MultiDict(args))
    assert req.page == page
    assert bool(req.warnings) == warned


def test_request_nonsense_is_ignored_with_warnings():
    req = SearchRequest.from_args(MultiDict([
        ("sort", "sideways"), ("not_colour", "red"), ("colour", "blue"), ("per_page", "100000"),
        ("from", "2020-13-45"), ("to", "yesterday"), ("q", "x" * 5000),
    ]))
    assert req.sort == "" and req.per_page == 100 and req.date_from is None and req.date_to is None
    assert len(req.q) == 500
    text = " ".join(req.warnings)
    for word in ("sideways", "colour", "per_page", "from", "to"):
        assert word in text


def test_request_reads_repeated_values_and_dates():
    req = SearchRequest.from_args(MultiDict([
        ("person", "Joe  Biden"), ("person", "Kamala Harris"), ("person", "Joe Biden"),
        ("not_country", "France"), ("topic", "arts, culture, entertainment and media"),
        ("from", "2020-02"), ("to", "2020"),
    ]))
    assert req.filters["person"] == ["Joe Biden", "Kamala Harris"]
    assert req.excludes["country"] == ["France"]
    assert req.filters["topic"] == ["arts, culture, entertainment and media"]  # never split on commas
    assert (req.date_from, req.date_to) == (date(2020, 2, 1), date(2020, 12, 31))


def test_request_swaps_reversed_dates_and_caps_values():
    req = SearchRequest.from_args(MultiDict([("from", "2021-01-01"), ("to", "2020-01-01")]
                                            + [("org", f"o{i}") for i in range(50)]))
    assert req.date_from < req.date_to
    assert len(req.filters["org"]) == 20


def test_request_accepts_a_plain_dict():
    req = SearchRequest.from_args({"q": "flood", "person": ["A", "B"], "page": 2})
    assert req.q == "flood" and req.filters["person"] == ["A", "B"] and req.page == 2


def test_request_params_round_trip():
    args = MultiDict([("q", "flood OR storm"), ("person", "Ana Lopez"), ("person", "Joe Biden"),
                      ("not_topic", "weather"), ("from", "2020-01-01"), ("to", "2020-06-30"),
                      ("sort", "oldest"), ("page", "3")])
    req = SearchRequest.from_args(args)
    again = SearchRequest.from_args(MultiDict(req.params()))
    assert again == req
    assert sorted(req.params()) == sorted(args.items(multi=True))


def test_effective_sort_defaults():
    assert SearchRequest(q="x").effective_sort == "relevance"
    assert SearchRequest().effective_sort == "newest"
    assert SearchRequest(q="x", sort="oldest").effective_sort == "oldest"


# --- query parsing ----------------------------------------------------------------------------

@pytest.mark.parametrize("q", [
    "election", "election AND campaign", "flood OR storm", "harbour NOT strike", '"election campaign"',
    "title:vaccine", 'person:"Joe Biden"', "vaccin*", "electon~", "(flood OR storm) AND harbour", "date:2020",
])
def test_parse_query_well_formed(handmade, q):
    parsed = parse_query(q, handmade.schema)
    assert parsed.error is None and not parsed.fallback


@pytest.mark.parametrize("q", [
    '"unclosed phrase', "(flood OR storm", "flood)", "flood AND", "OR flood", "NOT",
    "title:[a TO", "x^", "\\", "AND OR",
])
def test_parse_query_bad_gives_message_and_plain_words(handmade, q):
    parsed = parse_query(q, handmade.schema)
    assert parsed.error and parsed.fallback
    assert "plain words" in parsed.error or "no searchable words" in parsed.error


def test_parse_query_clamps_fuzzy_distance(handmade):
    parsed = parse_query("election~9", handmade.schema)
    assert all(leaf.maxdist <= 2 for leaf in parsed.query.leaves())


@pytest.mark.parametrize("q", [
    '"unclosed', "((((", ")))", "*", "?", "a*b*c*", "~~~", 'person:"', "title:", ":", "date:[2020 to",
    "date:banana", "election~99", "<script>alert(1)</script>", "\x00\x01", "AND AND AND", "NOT NOT",
    "title:(election", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "x" * 600, "date:", "id:*", "harbour^^2",
])
def test_search_never_raises_on_bad_queries(handmade, q):
    result = search(handmade, SearchRequest.from_args({"q": q}))
    assert result.total >= 0
    assert result.pages >= 1


# --- hits ------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, q_words, filters, excludes", [
    ({"q": "election"}, ["election"], None, None),
    ({"q": "harbour"}, ["harbour"], None, None),
    ({"q": "harbour", "country": "Spain"}, ["harbour"], {"country": ["Spain"]}, None),
    ({"q": "harbour", "not_country": "Spain"}, ["harbour"], None, {"country": ["Spain"]}),
    ({}, [], {"person": ["Ana Lopez", "Jean Martin"]}, None),
    ({}, [], {"person": ["Joe Biden"], "org": ["Supreme Court"]}, None),
    ({"q": "election campaign"}, ["election", "campaign"], None, None),
])
def test_search_total_and_hits_match_plain_python(handmade, args, q_words, filters, excludes):
    args = dict(args)
    for name, vals in (filters or {}).items():
        args[name] = vals
    total, ids = all_ids(handmade, args)
    expected = expected_ids(q_words, filters, excludes)
    assert total == len(expected)
    assert sorted(ids) == sorted(expected)


def test_pages_cover_every_hit_once(handmade):
    total, ids = all_ids(handmade, {"per_page": "10"})
    assert total == len(ARTICLES) == len(ids) == len(set(ids))


def test_page_past_the_end_shows_the_last_page(handmade):
    result = search(handmade, SearchRequest.from_args({"page": "50", "per_page": "10"}))
    assert result.page == result.pages == 2
    assert len(result.hits) == len(ARTICLES) - 10
    assert any("pages" in w for w in result.warnings)


@pytest.mark.parametrize("sort, reverse", [("newest", True), ("oldest", False)])
def test_sort_by_date(handmade, sort, reverse):
    _, ids = all_ids(handmade, {"sort": sort, "per_page": "10"})
    dated = [a for a in ARTICLES if a["date"]]
    expected = [a["id"] for a in sorted(dated, key=lambda a: a["date"], reverse=reverse)]
    assert [i for i in ids if i != "a09"] == expected


def test_relevance_is_the_default_with_words(handmade):
    result = search(handmade, SearchRequest.from_args({"q": "election"}))
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)


def test_filters_do_not_change_scores(handmade):
    plain = {h.id: h.score for h in search(handmade, SearchRequest.from_args({"q": "election"})).hits}
    filtered = search(handmade, SearchRequest.from_args({"q": "election", "person": "Donald Trump"})).hits
    assert filtered and all(h.score == pytest.approx(plain[h.id]) for h in filtered)


def test_snippet_marks_the_query_words(handmade):
    result = search(handmade, SearchRequest.from_args({"q": "harbour"}))
    for hit in result.hits:
        marked = [t.lower() for t, m in hit.snippet if m] + [t.lower() for t, m in hit.title_parts if m]
        assert "harbour" in marked


def test_snippet_marks_stemmed_and_wildcard_matches(handmade):
    hits = search(handmade, SearchRequest.from_args({"q": "vaccin*"})).hits
    assert {h.id for h in hits} == {"a07", "a09"}
    marked = {t.lower() for h in hits for t, m in h.snippet if m}
    assert {"vaccine", "vaccination"} <= marked


def test_snippet_without_query_is_the_opening(handmade):
    hit = next(h for h in search(handmade, SearchRequest()).hits if h.id == "a01")
    assert hit.snippet == [(ARTICLES[0]["body"], False)]


def test_hit_carries_facet_values(handmade):
    hit = search(handmade, SearchRequest.from_args({"q": "museum"})).hits[0]
    assert hit.id == "a03"
    assert hit.topic == ["arts, culture, entertainment and media", "disaster, accident and emergency incident"]
    assert hit.country == ["Spain", "France"] and hit.source == "Wire A"


def test_facet_field_query_keeps_whole_values(handmade):
    result = search(handmade, SearchRequest.from_args({"q": 'topic:"arts, culture, entertainment and media"'}))
    assert sorted(h.id for h in result.hits) == ["a03", "a10"]


# --- regressions ------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["the", "a", "C++", "\x00", "\U0001F600", "\u200b", "title:the", '"the'])
def test_query_without_searchable_words_says_so_and_shows_all(handmade, q):
    result = search(handmade, SearchRequest.from_args({"q": q}))
    assert result.total == len(ARTICLES)
    message = result.warnings[0]
    assert "no searchable words in “" in message and message.endswith("— showing all articles")
    assert not any("plain words" in w for w in result.warnings)
    assert "\x00" not in message and "\u200b" not in message  # invisible characters are written out


def test_no_searchable_words_message_quotes_the_query(handmade):
    result = search(handmade, SearchRequest.from_args({"q": "the"}))
    assert result.warnings == ["no searchable words in “the” — showing all articles"]


@pytest.mark.parametrize("asked, used, warned", [
    ("0", 10, True), ("15", 10, True), ("-5", 10, True), ("35", 20, True), ("70", 50, True),
    ("100000", 100, True), ("x", 20, True), ("20", 20, False), ("50", 50, False), ("", 20, False),
])
def test_per_page_warning_says_the_size_actually_used(handmade, asked, used, warned):
    req = SearchRequest.from_args({"per_page": asked})
    assert req.per_page == used
    said = [w for w in req.warnings if w.startswith("per_page=")]
    assert len(said) == (1 if warned else 0)
    assert all(w.endswith(f"; used {used}") for w in said)
    assert len(search(handmade, req).hits) == min(used, len(ARTICLES))


@pytest.mark.parametrize("term", ["date:foo", "date:2020-02-30", "date:>2020", "date:[2020 to banana]"])
def test_a_date_term_that_is_not_a_date_is_left_out_with_a_warning(handmade, term):
    result = search(handmade, SearchRequest.from_args({"q": f"election {term}"}))
    assert sorted(h.id for h in result.hits) == sorted(expected_ids(["election"]))
    assert any(term in w and "From/To" in w for w in result.warnings)
    alone = search(handmade, SearchRequest.from_args({"q": term}))
    assert alone.total == len(ARTICLES)
    assert any(term in w for w in alone.warnings) and any("showing all articles" in w for w in alone.warnings)


def test_a_good_date_term_still_filters(handmade):
    result = search(handmade, SearchRequest.from_args({"q": "date:2021", "per_page": "50"}))
    assert [h.id for h in result.hits] == [a["id"] for a in ARTICLES if a["date"] and a["date"].year == 2021]
    assert result.warnings == []


def test_an_unknown_field_prefix_is_searched_as_a_word(handmade):
    result = search(handmade, SearchRequest.from_args({"q": "harbour:strike"}))
    assert sorted(h.id for h in result.hits) == sorted(expected_ids(["harbour", "strike"]))
    assert result.query_error is None
    assert len(result.warnings) == 1 and "no field “harbour”" in result.warnings[0]


@pytest.mark.parametrize("q", ["http://example.com", "https://en.wikinews.org/wiki/Harbour", "HTTPS://x.org/a:b"])
def test_a_pasted_url_is_searched_as_words_without_an_error(handmade, q):
    result = search(handmade, SearchRequest.from_args({"q": q}))
    assert result.query_error is None and result.warnings == []
    assert result.total == 0  # no article holds these host names


# --- evaluating queries with numpy: the same answers as plain Whoosh --------------------------

# Two more articles dated like others (ties for the date sort), and an update and a deletion,
# so that the index has deleted documents in several segments.
EXTRA = [
    dict(ARTICLES[4], id="a13", title="Harbour flood warning repeated", body="Another flood warning for the harbour."),
    dict(ARTICLES[8], id="a14", title="Undated harbour note", body="The harbour strike note, undated."),
]
ENGINE_QUERIES = [
    "harbour", "harbour election", "harbour OR election", "harbour AND NOT flood", "harbour NOT flood",
    "NOT harbour", "NOT (harbour OR election)", "strike OR (election AND campaign)", "harbour ANDNOT strike",
    "harbour ANDMAYBE strike", "flood ANDMAYBE harbour", '"pay deal"', '"harbour wall" OR vaccine',
    '"the harbour" NOT storm', "harb*", "vacc* OR elect*", "h?rbour", "harbor~", "harbour~ AND NOT flood",
    'title:harbour', 'body:"election challenge"', 'person:"Ana Lopez"', 'person:"Ana Lopez" OR election',
    'country:Spain AND NOT harbour', "date:2020", "harbour date:[2020-03 to 2021-12]", "nothingmatches",
    "harbour AND nothingmatches", "NOT nothingmatches", "*", '"flood warning was issued"', '"harbour wall"~3',
    '"strike strike"', '"warning for the harbour" OR "arts festival"', '"crowds filled" AND NOT festival',
    "harbour REQUIRE strike", "vacc* REQUIRE (harbour OR trial)", "(harbour OR storm) REQUIRE boats",
]


@pytest.fixture(scope="module")
def churned(tmp_path_factory):
    """An index of three segments with deletions in two of them, and articles with tied dates."""
    path = tmp_path_factory.mktemp("churned")
    ix = build_handmade(path, batches=3, articles=ARTICLES + EXTRA)
    writer = ix.writer()
    writer.delete_by_term("id", "a02")
    writer.update_document(**document(dict(ARTICLES[11], body="A storm damaged the harbour quay again.")))
    writer.commit(merge=False)
    ix = store.open_index(path)
    assert len(ix.reader().leaf_readers()) == 4 and ix.reader().has_deletions()
    with ix.searcher() as s:
        yield s


def whoosh_docs(searcher, q):
    return {hit.docnum for hit in searcher.search(q, limit=None, scored=False)}


@pytest.mark.parametrize("text", ENGINE_QUERIES)
def test_query_mask_is_what_whoosh_matches(churned, text):
    q = parse_query(text, churned.schema).query
    mask = facets.query_mask(churned, q)
    assert set(np.flatnonzero(mask).tolist()) == whoosh_docs(churned, q)


@pytest.mark.parametrize("text", ENGINE_QUERIES)
def test_scores_and_order_are_whooshs(churned, text):
    q = parse_query(text, churned.schema).query
    expected = [(hit["id"], hit.score) for hit in churned.search(q, limit=None)]
    request = SearchRequest.from_args({"q": text, "per_page": "100", "sort": "relevance"})
    hits = [(h.id, h.score) for h in search(churned, request).hits]
    assert [d for d, _ in hits] == [d for d, _ in expected]
    assert [s for _, s in hits] == pytest.approx([s for _, s in expected], rel=1e-12)


@pytest.mark.parametrize("text", ["harbour", "harbour OR election", "NOT harbour", "strike AND NOT pay", "harbour REQUIRE strike"])
def test_numpy_scoring_path_is_taken_for_plain_terms(churned, text):
    _mask, scores = evaluate(churned, parse_query(text, churned.schema).query, scored=True)
    assert scores is not None


@pytest.mark.parametrize("limit", [1, 2, 3, 5])
def test_top_hits_at_a_cut_through_equal_scores_keep_the_lowest_docnums(churned, limit):
    # "harbour" in the title only: several documents score the same
    q = parse_query("title:harbour OR person:nobody", churned.schema).query
    expected = [(hit["id"], hit.score) for hit in churned.search(q, limit=limit)]
    request = SearchRequest.from_args({"q": "title:harbour OR person:nobody", "per_page": "10"})
    hits = search(churned, request).hits[:limit]
    assert [h.id for h in hits] == [d for d, _ in expected]


@pytest.mark.parametrize("sort", ["newest", "oldest"])
@pytest.mark.parametrize("args", [{}, {"q": "harbour"}, {"country": "Spain"}, {"q": "NOT flood"}])
def test_date_order_and_ties_are_whooshs(churned, sort, args):
    q = parse_query(args.get("q", ""), churned.schema).query
    request = SearchRequest.from_args(dict(args, sort=sort, per_page="100"))
    result = search(churned, request)
    allowed = {h.id for h in result.hits}
    assert result.total == len(allowed)
    expected = [hit["id"] for hit in churned.search(q, limit=None, sortedby="date", reverse=sort == "newest")
                if hit["id"] in allowed]
    assert [h.id for h in result.hits] == expected


def test_paging_a_scored_search_matches_whoosh_page_by_page(churned):
    q = parse_query("harbour OR strike OR election", churned.schema).query
    expected = [hit["id"] for hit in churned.search(q, limit=None)]
    got = []
    for page in (1, 2, 3):
        got += [h.id for h in search(churned, SearchRequest.from_args(
            {"q": "harbour OR strike OR election", "per_page": "10", "page": str(page)})).hits]
    assert got[:len(expected)] == expected


def test_a_small_postings_cache_gives_the_same_answers(churned, monkeypatch):
    from indexer.engines.whoosh import evaluate

    evaluate.clear_cache()
    monkeypatch.setattr(evaluate, "MAX_CACHED_POSTINGS", 4)
    for text in ENGINE_QUERIES[:12]:
        q = parse_query(text, churned.schema).query
        assert set(np.flatnonzero(facets.query_mask(churned, q)).tolist()) == whoosh_docs(churned, q)
        assert evaluate._postings_size <= 4 or len(evaluate._postings) == 1
    evaluate.clear_cache()


def whoosh_snippet(text, terms, analyzer, top=2):
    """The snippet as whoosh.highlight.highlight makes it from the full token stream."""
    from whoosh import highlight
    from indexer.engines.whoosh.snippets import SNIPPET_CHARS, MarkFormatter, marked_parts
    frag = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS // top + 60, surround=70)
    return marked_parts(highlight.highlight(text, frozenset(terms), analyzer, frag, MarkFormatter(), top=top))


LONG_BODY = " ".join(
    f"Paragraph {i}: the harbour board said U.S. shipping rates rose 6.5 pct; officials' strike talks "
    f"({'flooded' if i % 7 == 0 else 'calm'}) went on, and it was, as ever, a matter of rates." for i in range(60))


@pytest.mark.parametrize("terms", [{"harbour"}, {"rate", "strike"}, {"flood"}, {"u.s"}, {"6.5"}, {"the"},
                                   {"offici", "wa"}, {"nomatch"}, {"a", "it"}])
@pytest.mark.parametrize("text", [a["body"] for a in ARTICLES] + [LONG_BODY, LONG_BODY[:2000], "Flood!" * 3])
def test_snippets_are_whooshs_highlight(handmade, terms, text):
    from indexer.engines.whoosh.snippets import snippet
    analyzer = handmade.schema["body"].analyzer
    expected = whoosh_snippet(text, terms, analyzer)
    got = snippet(text, terms, analyzer)
    assert got == expected if expected else not any(m for _, m in got)


@pytest.mark.parametrize("terms", [{"harbour"}, {"elect", "heat"}, {"nomatch"}])
def test_titles_are_marked_as_whoosh_marks_them(handmade, terms):
    from whoosh import highlight
    from indexer.engines.whoosh.snippets import MarkFormatter, highlight_all, marked_parts
    analyzer = handmade.schema["title"].analyzer
    for a in ARTICLES:
        marked = highlight.highlight(a["title"], frozenset(terms), analyzer, highlight.WholeFragmenter(),
                                     MarkFormatter(), top=1, minscore=0)
        assert highlight_all(a["title"], terms, analyzer) == (marked_parts(marked) if marked else [(a["title"], False)])
