"""The index-wide resolution step (indexer/resolve.py): rules on plain counts, and a real build."""
import json

import pytest

from indexer.build import build_index
from indexer.engines import EngineConfig, open_engine
from indexer.extract.analyze import Analyzer
from indexer.resolve import BY, Merge, is_spelling_variant, propose, resolutions


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer()


def test_lone_surname_joins_the_one_dominant_full_name():
    merges = propose({"Merkel": 3, "Angela Merkel": 9, "Trump": 5, "Donald Trump": 6, "Melania Trump": 5,
                      "Assad": 2, "Bashar al-Assad": 4}, {})
    assert Merge("person", "Merkel", "Angela Merkel", "surname") in merges
    assert Merge("person", "Assad", "Bashar al-Assad", "surname") in merges
    assert not [m for m in merges if m.value == "Trump"]   # two Trumps about as common: left as written


def test_spelling_variants_of_one_person_merge_but_two_people_never():
    merges = propose({"Volodymyr Zelensky": 7, "Volodymyr Zelenskyy": 3, "John Smith": 4, "John Smyth": 2,
                      "Anna Muzychuk": 2, "Mariya Muzychuk": 2}, {})
    assert merges == [Merge("person", "Volodymyr Zelenskyy", "Volodymyr Zelensky", "spelling")]
    assert is_spelling_variant("zelensky", "zelenskyy") and not is_spelling_variant("smith", "smyth")


def test_acronyms_and_country_prefixes_merge_into_one_org():
    merges = propose({}, {"MIT": 4, "Massachusetts Institute of Technology": 2, "WWE": 3,
                          "World Wrestling Entertainment": 1, "Democratic Party": 9,
                          "United States Democratic Party": 2, "U.S. Democratic Party": 1,
                          "ABC": 2, "American Broadcasting Company": 1, "Australian Broadcasting Corporation": 1})
    assert {(m.value, m.target) for m in merges} == {
        ("MIT", "Massachusetts Institute of Technology"), ("WWE", "World Wrestling Entertainment"),
        ("United States Democratic Party", "Democratic Party"), ("U.S. Democratic Party", "Democratic Party")}


def test_org_variants_merge_only_when_seen_in_the_same_country_news():
    # "ABC" of Australian stories joined "American Broadcasting Company", "CDC" a Christchurch court
    news = {"ABC": ("Australia", 0.8), "American Broadcasting Company": ("United States", 0.9),
            "CDC": ("United States", 0.7), "Christchurch District Court": ("New Zealand", 1.0),
            "MIT": ("United States", 0.6), "Massachusetts Institute of Technology": ("United States", 0.7),
            "United States Air Force": ("United States", 1.0), "Air Force": ("Afghanistan", 0.3)}
    merges = propose({}, {v: 2 for v in news} | {"CC BY-SA": 3, "CBS": 2}, context=lambda f, v: news.get(v, (None, 0)))
    assert {(m.value, m.target) for m in merges} == {("MIT", "Massachusetts Institute of Technology")}


def _write(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


ARTICLES = [
    {"id": "m1", "title": "Talks in Berlin", "body": "Chancellor Angela Merkel met the French president. "
     "Angela Merkel said the talks went well."},
    {"id": "m2", "title": "Budget", "body": "Chancellor Angela Merkel presented the budget on Tuesday."},
    {"id": "m3", "title": "Aid", "body": "Merkel said Germany would pay for the new plan."},
    {"id": "z1", "title": "Kyiv", "body": "President Volodymyr Zelensky spoke in Kyiv on Monday."},
    {"id": "z2", "title": "Kyiv", "body": "President Volodymyr Zelensky met soldiers in Kharkiv."},
    {"id": "z3", "title": "Kyiv", "body": "President Volodymyr Zelenskyy spoke to parliament on Friday."},
]


def test_index_wide_step_merges_across_articles_and_an_undo_sticks(tmp_path, analyzer):
    src, ix = tmp_path / "src", tmp_path / "ix"
    src.mkdir()
    _write(src / "a.jsonl", ARTICLES)
    report = build_index([src], ix, analyzer=analyzer, workers=0)
    made = {(m.facet, m.value, m.target) for m in report.resolved}
    assert ("person", "Merkel", "Angela Merkel") in made
    assert ("person", "Volodymyr Zelenskyy", "Volodymyr Zelensky") in made
    engine = open_engine(EngineConfig(index_dir=str(ix)))
    try:
        with engine.reader() as reader:
            assert reader.document("m3").person == ["Angela Merkel"]
            assert reader.document("z3").person == ["Volodymyr Zelensky"]
            # the mention still points at what was written, now counted as the full name
            m = reader.document("m3")
            assert [(mm[4], m.body[mm[1]:mm[2]]) for mm in m.mentions if mm[3] == "person"] == [
                ("Angela Merkel", "Merkel")]
        curation = engine.curation()
        assert ("person", "Merkel", "Angela Merkel") in resolutions(curation)
        n = next(c.n for c in curation.changes if c.by == BY and c.value == "Merkel")
        from indexer.curate import change
        change(engine, "undo", undo=n, by="desk")
    finally:
        engine.close()
    # a new article: the run resolves again, but the undone merge is not made again
    _write(src / "b.jsonl", [{"id": "m4", "title": "Visit", "body": "Chancellor Angela Merkel visited Rome."}])
    report = build_index([src], ix, analyzer=analyzer, workers=0)
    assert ("person", "Merkel", "Angela Merkel") not in {(m.facet, m.value, m.target) for m in report.resolved}
    engine = open_engine(EngineConfig(index_dir=str(ix)))
    try:
        with engine.reader() as reader:
            assert reader.document("m3").person == ["Merkel"]
            assert reader.document("z3").person == ["Volodymyr Zelensky"]
    finally:
        engine.close()


def test_no_resolution_when_switched_off(tmp_path, analyzer):
    src, ix = tmp_path / "src", tmp_path / "ix"
    src.mkdir()
    _write(src / "a.jsonl", ARTICLES)
    report = build_index([src], ix, analyzer=analyzer, workers=0, resolve=False)
    assert report.resolved == []
    engine = open_engine(EngineConfig(index_dir=str(ix)))
    try:
        assert not engine.curation()
    finally:
        engine.close()


def test_stats_lists_what_the_index_wide_step_merged(tmp_path, analyzer):
    from click.testing import CliRunner

    import app

    src, ix = tmp_path / "src", tmp_path / "ix"
    src.mkdir()
    _write(src / "a.jsonl", ARTICLES)
    build_index([src], ix, analyzer=analyzer, workers=0)
    result = CliRunner().invoke(app.cli, ["stats", "--index-dir", str(ix)])
    assert result.exit_code == 0, result.output
    assert "merge person 'Merkel' into 'Angela Merkel'  (index-wide resolution)" in result.output


def test_a_first_build_resolves_from_its_own_counts_exactly_as_from_the_index(tmp_path, analyzer):
    """A first build counts the values it writes (build._Run.counts) instead of counting them over
    the index: the same counts, so the same merges as the step run later over the same index."""
    from indexer.build import _Run
    from indexer.resolve import FACETS, resolve_index, values_of

    src = tmp_path / "src"
    src.mkdir()
    _write(src / "a.jsonl", ARTICLES + [dict(a, id=a["id"] + "-again") for a in ARTICLES[:4]])
    seen = {}
    counts = _Run.counts

    def keep(run):
        seen["counts"] = counts(run)
        return seen["counts"]

    _Run.counts = keep
    try:
        first = build_index([src], tmp_path / "first", analyzer=analyzer, workers=0, commit_every=3)
    finally:
        _Run.counts = counts
    later = build_index([src], tmp_path / "later", analyzer=analyzer, workers=0, resolve=False)
    assert later.resolved == []
    engine = open_engine(EngineConfig(index_dir=str(tmp_path / "later")))
    try:
        assert seen["counts"] == {facet: values_of(engine, facet) for facet in FACETS}
        assert seen["counts"]["person"]["Angela Merkel"] == 4
        assert resolve_index(engine) == first.resolved and first.resolved
    finally:
        engine.close()
    # an incremental run did not write the whole index: it counts over the index
    _write(src / "b.jsonl", [{"id": "m9", "title": "Visit", "body": "Chancellor Angela Merkel visited Rome."}])
    _Run.counts = keep
    try:
        build_index([src], tmp_path / "first", analyzer=analyzer, workers=0)
    finally:
        _Run.counts = counts
    assert seen["counts"] is None
