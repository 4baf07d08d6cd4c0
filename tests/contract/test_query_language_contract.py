"""Queries that do what people type (issue 13), on every engine: signs, folding, wildcards, did-you-mean.

The articles are the handmade ones and a few with accents, stems that collide and frequencies
that differ; every expected answer is computed here in plain Python from their text and values.
"""
import re
import unicodedata
from datetime import datetime

import pytest

from indexer.search import didyoumean
from indexer.search.query import MIN_WORD_LENGTH, STOP_WORDS
from indexer.search.request import SearchRequest

from handmade import ARTICLES, load, values_of

EXTRA = [
    dict(id="x01", title="Matovič wins the vote", body="Igor Matovič provided figures on covid. Trump spoke; Biden did not.",
         date=datetime(2021, 2, 1), person=["Igor Matovič"], country=["Slovakia"], org=["WHO"], topic=["health"],
         subtopic=["health › disease"], source="Wire D"),
    dict(id="x02", title="Trump rally in Ohio", body="Trump held a rally. Supporters provided the crowd.",
         date=datetime(2021, 2, 2), person=["Donald Trump"], country=["United States"], org=[],
         topic=["politics and government"], subtopic=["politics and government › election"], source="Wire D"),
    dict(id="x03", title="Biden and Trump debate", body="Trump and Biden debated climate change and covid vaccines.",
         date=datetime(2021, 2, 3), person=["Joe Biden", "Donald Trump"], country=["United States"], org=[],
         topic=["politics and government"], subtopic=["politics and government › election"], source="Wire D"),
    dict(id="x04", title="Elections in Łódź", body="The elections in Łódź were calm. Electoral officials counted.",
         date=datetime(2021, 2, 4), person=[], country=["Poland"], org=[], topic=["politics and government"],
         subtopic=["politics and government › election"], source="Wire D"),
]
ALL = ARTICLES + EXTRA


def fold(text):
    """Lower case without accents, written independently of indexer.search.folding (ł has no decomposition)."""
    text = unicodedata.normalize("NFKD", text.lower().replace("ł", "l"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def words(article):
    return set(re.findall(r"\w+", fold(article["title"] + " " + article["body"])))


def having(*ws, without=()):
    return sorted(a["id"] for a in ALL if all(w in words(a) for w in ws) and not any(w in words(a) for w in without))


def with_value(facet, value):
    return sorted(a["id"] for a in ALL if value in values_of(a, facet))


@pytest.fixture(scope="module")
def engine(make_engine):
    return load(make_engine(), ALL, batches=2)


@pytest.fixture
def reader(engine):
    with engine.reader() as r:
        yield r


def found(reader, q, **args):
    result = reader.search(SearchRequest(q=q, per_page=100, **args))
    assert result.total == len(result.hits)
    return sorted(h.id for h in result.hits)


# --- signs ------------------------------------------------------------------------------------

def test_minus_word_excludes_articles_that_contain_it(reader):
    # the regression: `Trump -Biden` returned articles that all contained Biden
    assert found(reader, "Trump -Biden") == having("trump", without=("biden",)) == ["x02"]


@pytest.mark.parametrize("q, expected", [
    ('Trump -"climate change"', having("trump", without=("climate",))),
    ("Trump -person:\"Joe Biden\"", sorted(set(having("trump")) - set(with_value("person", "Joe Biden")))),
    ("+Trump +rally", having("trump", "rally")),
    ("Trump +Biden", having("trump", "biden")),
    ("(Trump OR Biden) -covid", having("trump", without=("covid",))),
])
def test_signs_exclude_and_require(reader, q, expected):
    assert found(reader, q) == expected


# --- folding ----------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["Matovic", "Matovič", "MATOVIČ", "matovic"])
def test_text_search_folds_accents_and_the_exact_accent_still_works(reader, q):
    assert found(reader, q) == having("matovic") == ["x01"]


@pytest.mark.parametrize("q, facet, value", [
    ('person:"joe biden"', "person", "Joe Biden"),
    ("person:'IGOR MATOVIC'", "person", "Igor Matovič"),
    ("country:spain", "country", "Spain"),
    ("org:who", "org", "WHO"),
    ("country:poland", "country", "Poland"),
])
def test_facet_fields_ignore_case_and_accents(reader, q, facet, value):
    assert found(reader, q) == with_value(facet, value)


def test_subtopics_answer_to_their_short_name(reader):
    assert found(reader, "subtopic:election") == found(reader, 'subtopic:Election') == with_value(
        "subtopic", "politics and government › election")
    assert found(reader, 'subtopic:"politics and government › election"') == with_value(
        "subtopic", "politics and government › election")


def test_facet_filters_stay_exact(reader):
    # the URL's filters are the panels' values, chosen from the index: matched as they are
    assert reader.search(SearchRequest(filters={"person": ["joe biden"]})).total == 0


# --- wildcards --------------------------------------------------------------------------------

@pytest.mark.parametrize("q, pattern", [
    ("*ovid", r".*ovid"),          # covid; not provided (stem provid)
    ("provid*", r"provid.*"),
    ("elect*", r"elect.*"),
    ("*ions", r".*ions"),          # elections; not election (stem elect)
    ("vaccin?", r"vaccin."),       # vaccine
    ("lod?", r"lod."),             # Łódź folded
])
def test_wildcards_match_words_as_written_not_stems(reader, q, pattern):
    expected = sorted(a["id"] for a in ALL if any(re.fullmatch(pattern, w) for w in words(a)))
    assert found(reader, q) == expected
    assert found(reader, "*ovid") != having("provided")


# --- did you mean -----------------------------------------------------------------------------

def vocabulary():
    counts = {}
    for a in ALL:
        for w in words(a):
            counts[w] = counts.get(w, 0) + 1
    return counts


def nearest(word, limit=5):
    """The contract's answer in plain Python: words within the edit limit sharing the first letter,
    nearest first, then the most frequent, then A-Z."""
    counts, text = vocabulary(), fold(word)
    limit_d = 1 if len(text) <= 4 else 2
    found_ = [(w, didyoumean.edit_distance(w, text), c) for w, c in counts.items()
              if w[:1] == text[:1] and len(w) >= MIN_WORD_LENGTH and w not in STOP_WORDS]
    return [w for w, d, c in sorted(found_, key=lambda t: (t[1], -t[2], t[0])) if d <= limit_d][:limit]


@pytest.mark.parametrize("word", ["elction", "harbuor", "vacine", "Matovic", "covid", "trmp", "stirke"])
def test_suggest_words_are_the_nearest_words_as_written(reader, word):
    got = reader.suggest_words(word, 3)
    assert got == nearest(word, 3)
    assert got and all(w in vocabulary() for w in got)   # words as written, never stems ("elect")


def test_suggest_words_of_a_word_nothing_is_near(reader):
    assert reader.suggest_words("zzzzqqq", 5) == []
    assert reader.suggest_words("ab", 5) == []           # too short to guess


def test_a_query_that_finds_nothing_says_why_and_offers_the_nearest_words(reader):
    result = reader.search(SearchRequest(q="elction harbour"))
    assert result.total == 0
    (s,) = didyoumean.explain(reader, result)
    assert s.message == "no article contains “elction”"
    assert [o.request.q for o in s.options][0] == "election harbour"


def test_a_facet_part_that_matches_nothing_offers_the_nearest_values(reader):
    result = reader.search(SearchRequest(q='person:"joe bidne"'))
    assert result.total == 0
    (s,) = didyoumean.explain(reader, result)
    assert "joe bidne" in s.message and s.options[0].label == "person: Joe Biden"
    assert found(reader, s.options[0].request.q) == with_value("person", "Joe Biden")


def test_a_filter_value_no_article_holds_offers_the_nearest_values(reader):
    req = SearchRequest(filters={"person": ["Joe Bidne"]})
    result = reader.search(req)
    (s,) = didyoumean.explain(reader, result)
    assert s.message == "no article has the person “Joe Bidne”"
    assert s.options[0].request.filters["person"] == ["Joe Biden"]
    assert reader.search(s.options[0].request).total == len(with_value("person", "Joe Biden"))


def test_words_and_filters_that_each_find_articles_but_not_together(reader):
    result = reader.search(SearchRequest(q="Matovic", filters={"country": ["Spain"]}))
    assert result.total == 0
    (s,) = didyoumean.explain(reader, result)
    assert "none of them with all the filters" in s.message
    assert reader.search(s.options[0].request).total == len(having("matovic"))


def test_a_search_that_finds_articles_has_nothing_to_explain(reader):
    assert didyoumean.explain(reader, reader.search(SearchRequest(q="harbour"))) == []
