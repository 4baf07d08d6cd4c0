"""Near-duplicates through the contract, on every engine: grouping, dedupe, one group, export, regrouping.

Articles in tests/dupdata.py; the groups they must form are checked in plain Python (Jaccard of
5-word shingles) before any engine is asked.
"""
import pytest
from werkzeug.datastructures import MultiDict

from indexer.duplicates import THRESHOLD, dedupe_index
from indexer.search.request import SearchRequest

import dupdata
from dupdata import ARTICLES, GROUPS

BY_ID = {a["id"]: a for a in ARTICLES}


def request(pairs=()):
    return SearchRequest.from_args(MultiDict(list(pairs)))


@pytest.fixture(scope="module")
def duped(make_engine):
    engine = make_engine()
    with engine.writer(fresh=True) as writer:
        writer.put(dupdata.documents())
        writer.commit()
        writer.publish()
    report = dedupe_index(engine)
    assert report.rewritten == 5
    return engine


def test_the_handmade_versions_are_near_duplicates_and_the_rest_are_not():
    for a, b in [("d1", "d2"), ("d1", "d3"), ("f1", "f2")]:
        assert dupdata.jaccard(BY_ID[a]["body"], BY_ID[b]["body"]) >= THRESHOLD
    for a, b in [("d1", "o1"), ("d2", "o1"), ("d1", "f1")]:
        assert dupdata.jaccard(BY_ID[a]["body"], BY_ID[b]["body"]) < 0.3


def test_each_article_stores_its_group_the_earliest_members_id(duped):
    with duped.reader() as r:
        assert {i: r.document(i).dup for i in GROUPS} == GROUPS


def test_dedupe_shows_each_group_once_at_its_best_ranked_member(duped):
    with duped.reader() as r:
        result = r.search(request([("dedupe", "1"), ("sort", "oldest")]))
    # oldest first: d1 (2021-03-02) leads its group, f1 (2021-02-01) its own; undated f2 is collapsed
    assert [h.id for h in result.hits] == ["f1", "d1", "o1", "s1", "s2"]
    assert {h.id: (h.dup, h.versions) for h in result.hits} == {
        "f1": ("f1", 2), "d1": ("d1", 3), "o1": ("", 1), "s1": ("", 1), "s2": ("", 1)}
    assert result.total == len(ARTICLES) and result.groups == 5   # totals count articles
    assert sum(result.facets["source"].values()) == len(ARTICLES)


def test_the_group_size_counts_the_members_in_the_result_set_only(duped):
    with duped.reader() as r:
        result = r.search(request([("q", "spring"), ("dedupe", "1")]))   # only d3 says "spring"
    assert [(h.id, h.versions) for h in result.hits] == [("d3", 1)]
    with duped.reader() as r:
        result = r.search(request([("q", "euro"), ("dedupe", "1"), ("sort", "newest")]))
    assert [(h.id, h.versions) for h in result.hits] == [("o1", 1), ("d3", 3)]


def test_without_dedupe_every_article_is_listed(duped):
    with duped.reader() as r:
        result = r.search(request([("sort", "oldest"), ("per_page", "10")]))
    assert len(result.hits) == len(ARTICLES) and result.groups is None


def test_dup_restricts_the_search_and_its_counts_to_one_group(duped):
    with duped.reader() as r:
        result = r.search(request([("dup", "d1"), ("sort", "oldest")]))
        assert [h.id for h in result.hits] == ["d1", "d2", "d3"]
        assert result.total == 3 and result.facets["country"] == {"Norland": 3}
        assert r.search(request([("dup", "nope")])).total == 0


def test_export_with_dedupe_yields_each_group_once(duped):
    with duped.reader() as r:
        ids = [d.id for d in r.export(request([("dedupe", "1"), ("sort", "oldest")]))]
    assert ids == ["f1", "d1", "o1", "s1", "s2"]


def test_dedupe_paging_counts_groups(duped):
    with duped.reader() as r:
        first = r.search(request([("dedupe", "1"), ("sort", "oldest"), ("per_page", "10")]))
    assert first.pages == 1 and len(first.hits) == 5


def test_a_new_version_joins_the_group_and_deletes_regroup(make_engine):
    engine = make_engine()
    with engine.writer(fresh=True) as writer:
        writer.put(dupdata.documents([BY_ID[i] for i in ("d1", "d2", "o1", "f1", "f2")]))
        writer.commit()
        writer.publish()
    dedupe_index(engine)
    with engine.writer(fresh=False) as writer:   # an incremental run: d3, later, is a third version
        writer.put(dupdata.documents([BY_ID["d3"]]))
        writer.commit()
    dedupe_index(engine)
    with engine.reader() as r:
        assert [r.document(i).dup for i in ("d1", "d2", "d3")] == ["d1", "d1", "d1"]
    with engine.writer(fresh=False) as writer:   # --prune removes a version and one of the flood pair
        writer.delete(["d2", "f1"])
        writer.commit()
    report = dedupe_index(engine)
    with engine.reader() as r:
        assert {i: r.document(i).dup for i in ("d1", "d3", "f2", "o1")} == {"d1": "d1", "d3": "d1", "f2": "", "o1": ""}
        assert r.search(request([("dedupe", "1")])).groups == 3
    assert report.rewritten == 1   # f2, alone now
    with engine.writer(fresh=False) as writer:   # the group's first member goes: d2 back, d1 removed
        writer.put(dupdata.documents([BY_ID["d2"]]))
        writer.delete(["d1"])
        writer.commit()
    dedupe_index(engine)
    # d2 and d3 were versions only through d1 (their own Jaccard is below the threshold)
    assert dupdata.jaccard(BY_ID["d2"]["body"], BY_ID["d3"]["body"]) < THRESHOLD
    with engine.reader() as r:
        assert {i: r.document(i).dup for i in ("d2", "d3")} == {"d2": "", "d3": ""}


def test_more_like_this_leaves_out_the_articles_own_versions(duped):
    with duped.reader() as r:
        ids = [h.id for h in r.more_like_this("d1")]
    assert not {"d1", "d2", "d3"} & set(ids)
    assert ids[0] == "o1"     # the same bank, governor and country; the flood story shares none of them
    assert "f1" not in ids[:1] and "f2" not in ids[:1]


def test_why_alike_names_the_shared_entities_and_words(duped):
    from indexer.search.similar import why_alike
    with duped.reader() as r:
        why = why_alike(r.document("d1"), r.document("o1"))
    assert why["entities"] == [("person", "Mira Holt"), ("country", "Norland")]
    d1, o1 = BY_ID["d1"], BY_ID["o1"]
    assert set(why["words"]) <= set(d1["body"].lower().split()) | set(d1["title"].lower().split())
    assert "bank" in why["words"] and "inflation" in why["words"]


def test_opensearch_documents_written_before_dup_existed_are_regrouped_not_folded_together(make_engine):
    engine = make_engine()
    if engine.name != "opensearch":
        pytest.skip("a Whoosh document without dup is alone already; collapsing is OpenSearch's")
    from indexer.engines.opensearch.mapping import to_source
    docs = dupdata.documents([BY_ID[i] for i in ("o1", "s1", "s2")])
    with engine.writer(fresh=True) as writer:
        writer.put(docs)
        writer.commit()
        writer.publish()
    index = engine.store.live()
    for doc in docs:   # as an index of the previous format holds them: no dup field at all
        source = to_source(doc)
        del source["dup"]
        engine.store.client.index(index=index, id=doc.id, body=source, params={"refresh": "true"})
    with engine.reader() as r:
        assert [h.dup for h in r.search(request([("q", "rates")])).hits] == ["", "", ""]
    assert dedupe_index(engine).rewritten == 3
    with engine.reader() as r:
        assert len(r.search(request([("dedupe", "1"), ("per_page", "10")])).hits) == 3
