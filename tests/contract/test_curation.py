"""The contract's curation: stored with the index, applied to the live index by rewriting stored values only.

Every engine: the log is kept across rebuilds, a change rewrites only the articles it touches and
undo brings back the raw extraction. Expected counts are plain Python over handmade.ARTICLES.
"""
import dataclasses
from collections import Counter

import pytest

from indexer import curate
from indexer.curation import Curation, CurationConflict, key
from indexer.search.request import SearchRequest

from handmade import ARTICLES, documents, load


def counts(engine, facet):
    with engine.reader() as r:
        return dict(r.search(SearchRequest()).facets[facet])


def expected(facet, mapping=None, drop=(), moved_in=None):
    """Counts of a facet over ARTICLES with values renamed by mapping, values in drop removed."""
    c = Counter()
    for a in ARTICLES:
        values = {(mapping or {}).get(v, v) for v in a[facet] if v not in drop}
        values |= {v for v in (moved_in or {}).get(a["id"], [])}
        c.update(values)
    return dict(c)


def test_a_new_index_has_an_empty_curation_and_saves_one_only_over_the_version_it_read(make_engine):
    engine = load(make_engine())
    assert engine.curation() == Curation()
    one = Curation().add("hide", "person", "Ana Lopez", by="ed")
    engine.save_curation(one, 0)
    assert engine.curation() == one
    with pytest.raises(CurationConflict):
        engine.save_curation(Curation().add("hide", "org", "Met Office"), 0)   # read before `one`
    assert engine.curation() == one


def test_merge_rewrites_the_live_index_and_undo_brings_the_raw_values_back(make_engine):
    engine = load(make_engine())
    result = curate.change(engine, "merge", "person", "joe biden", "Joseph R. Biden", by="ed")
    biden = sum("Joe Biden" in a["person"] for a in ARTICLES)
    assert result.rewritten == biden and result.pending == ""
    assert counts(engine, "person") == expected("person", {"Joe Biden": "Joseph R. Biden"})
    with engine.reader() as r:
        doc = r.document("a02")
        assert doc.person == ["Joseph R. Biden", "Kamala Harris"] and doc.raw["person"] == ["Joe Biden", "Kamala Harris"]
        assert r.search(SearchRequest(filters={"person": ["Joseph R. Biden"]})).total == biden
    undone = curate.change(engine, "undo", undo=result.change.n, by="ed")
    assert undone.rewritten == biden
    assert counts(engine, "person") == expected("person")
    with engine.reader() as r:
        assert r.document("a02") == documents()[1]      # exactly as written: raw, nothing kept beside it
    assert [c.op for c in engine.curation().changes] == ["merge", "undo"]


def test_hide_move_and_not_entity_change_only_the_articles_that_hold_the_value(make_engine):
    engine = load(make_engine())
    assert curate.change(engine, "hide", "org", "MET OFFICE").rewritten == 2
    assert counts(engine, "org") == expected("org", drop={"Met Office"})
    moved = curate.change(engine, "move", "person", "Donald Trump", "org")
    trump = [a["id"] for a in ARTICLES if "Donald Trump" in a["person"]]
    assert moved.rewritten == len(trump)
    assert counts(engine, "person") == expected("person", drop={"Donald Trump"})
    assert counts(engine, "org") == expected("org", drop={"Met Office"}, moved_in={i: ["Donald Trump"] for i in trump})
    gone = curate.change(engine, "not-entity", value="spain")
    assert gone.rewritten == sum("Spain" in a["country"] for a in ARTICLES)
    assert "Spain" not in counts(engine, "country")
    # Undo of the hide, with the others still in effect: Met Office is back, the rest stays.
    curate.change(engine, "undo", undo=1)
    assert counts(engine, "org") == expected("org", moved_in={i: ["Donald Trump"] for i in trump})
    assert "Spain" not in counts(engine, "country")


def test_a_topic_merge_renames_the_topic_and_its_subtopics(make_engine):
    engine = load(make_engine())
    curate.change(engine, "merge", "topic", "weather", "disaster, accident and emergency incident")
    with engine.reader() as r:
        a12 = r.document("a12")
    assert a12.topic == ["disaster, accident and emergency incident"]
    assert a12.subtopic == ["disaster, accident and emergency incident › storm"]
    assert "weather" not in counts(engine, "topic")


def test_documents_with_raw_finds_stored_values_ignoring_case_and_accents_and_curated_ones_by_raw(make_engine):
    engine = load(make_engine(), articles=[dict(ARTICLES[0], person=["José Núñez"]), *ARTICLES[1:]])
    with engine.writer(fresh=False) as w:
        assert [d.id for d in w.documents_with_raw({key("person", "JOSE NUNEZ")})] == ["a01"]
        assert w.documents_with_raw({key("person", "Nobody")}) == []
    curate.change(engine, "merge", "person", "jose nunez", "José Núñez Ruiz")
    with engine.writer(fresh=False) as w:
        # Stored values no longer hold the raw one: found by the raw keys the curation stored.
        assert [d.id for d in w.documents_with_raw({key("person", "José Núñez")})] == ["a01"]


def test_the_curation_is_kept_across_a_rebuild_and_a_build_applies_it(make_engine):
    engine = load(make_engine())
    curate.change(engine, "merge", "person", "Kamala Harris", "K. Harris")
    with engine.writer(fresh=True) as w:                  # a rebuild, written as build.py writes
        run = curate.BuildCuration(engine)
        w.put(run.apply(documents()))
        w.commit()
        assert run.finish(w) == 0
        w.publish()
    assert [c.op for c in engine.curation().changes] == ["merge"]
    assert counts(engine, "person") == expected("person", {"Kamala Harris": "K. Harris"})


def test_a_change_while_an_indexing_run_writes_is_saved_and_applied_when_the_run_finishes(make_engine, monkeypatch):
    engine = load(make_engine())
    monkeypatch.setattr(curate, "BUSY_WAIT", 0.0)
    with engine.writer(fresh=False) as w:
        run = curate.BuildCuration(engine)
        w.put(run.apply([dataclasses.replace(documents()[4], title="Flood warning, updated", chash="v2")]))
        w.commit()
        result = curate.change(engine, "hide", "org", "Met Office")     # the run holds the index
        assert result.pending and result.rewritten == 0
        assert run.finish(w) == 2
    assert "Met Office" not in counts(engine, "org")


def test_a_resumed_build_brings_documents_of_an_earlier_curation_up_to_date(make_engine):
    engine = load(make_engine())
    curate.change(engine, "hide", "person", "Jean Martin")
    with engine.writer(fresh=True) as w:
        w.put(documents())            # written by a run that knew no curation, then killed
        w.commit()
    with engine.writer(fresh=True) as w:
        assert w.known_hashes()       # the same build, resumed
        assert curate.BuildCuration(engine).finish(w, resumed=True) == 2
        w.publish()
    assert "Jean Martin" not in counts(engine, "person")


def test_a_server_reading_across_two_rewrites_shows_each_article_once(make_engine):
    # Regression: Whoosh's searcher.refresh() reused the reader of a segment that had new
    # deletions, so articles rewritten twice showed twice until the server restarted.
    engine = load(make_engine())
    for op in ("hide", "undo"):
        with engine.reader() as r:
            assert r.search(SearchRequest()).total == len(ARTICLES)
        curate.change(engine, op, "person", "Ana Lopez", undo=1 if op == "undo" else 0)
    with engine.reader() as r:
        assert r.search(SearchRequest()).total == len(ARTICLES)
        assert dict(r.search(SearchRequest()).facets["person"]) == expected("person")
