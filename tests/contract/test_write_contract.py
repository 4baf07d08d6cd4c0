"""The search contract, write side: incremental updates, deletes, content hashes, atomic rebuilds."""
import dataclasses

import pytest

from indexer.errors import IndexBusy, IndexMissing
from indexer.search.request import SearchRequest

from handmade import ARTICLES, documents, load


def ids(engine, **args):
    with engine.reader() as r:
        return sorted(d.id for d in r.export(SearchRequest.from_args(args)))


def test_no_index_yet(make_engine):
    engine = make_engine()
    assert not engine.exists()
    with pytest.raises(IndexMissing):
        engine.reader().search(SearchRequest())


def test_incremental_update_replaces_by_id_and_delete_removes(make_engine):
    engine = load(make_engine())
    changed = dataclasses.replace(documents()[0], chash="hash-a01-v2", person=["Zoe Quinn"],
                                  title="Quay repairs", body="A quay.")
    with engine.writer(fresh=False) as w:
        assert not w.fresh and w.has_live
        w.put([changed])
        w.delete(["a12"])
        w.commit()
    with engine.reader() as r:
        result = r.search(SearchRequest())
        assert result.total == len(ARTICLES) - 1
        people = result.facets["person"]
        assert people["Zoe Quinn"] == 1
        assert people["Ana Lopez"] == sum("Ana Lopez" in a["person"] for a in ARTICLES) - 2   # a01, a12
        assert r.document("a01").body == "A quay." and r.document("a12") is None
        assert r.search(SearchRequest(q="harbour")).total == sum(
            "harbour" in (a["title"] + a["body"]).lower() for a in ARTICLES if a["id"] not in ("a01", "a12"))


def test_the_last_put_of_an_id_wins(make_engine):
    engine = load(make_engine())
    first, second = (dataclasses.replace(documents()[1], title=t, chash=t) for t in ("First", "Second"))
    with engine.writer(fresh=False) as w:
        w.put([first])
        w.put([second])
        w.commit()
    with engine.reader() as r:
        assert r.document("a02").title == "Second"
        assert r.stats().articles == len(ARTICLES)


def test_in_a_fresh_build_a_later_put_or_delete_of_an_id_replaces_the_uncommitted_one(make_engine):
    """Whoosh adds each put document at once: an earlier one of the same id, not yet committed,
    must leave no trace in results, facet counts or word search."""
    engine = make_engine()
    a, b, c = documents()[:3]
    old_a = dataclasses.replace(a, title="Zanzibar cloves", body="Cloves.", person=["Old Name"], chash="old")
    with engine.writer(fresh=True) as w:
        w.put([old_a, b])
        w.put([a])               # replaces old_a
        w.delete([b.id])         # removes b
        w.put([c])
        w.delete([c.id])
        w.put([c])               # c again after its delete
        w.commit()
        w.publish()
    assert ids(engine) == sorted([a.id, c.id])
    with engine.reader() as r:
        result = r.search(SearchRequest())
        assert result.total == 2
        assert "Old Name" not in result.facets["person"]
        assert r.search(SearchRequest(q="zanzibar")).total == 0
        assert r.document(a.id).title == a.title
        assert r.stats().articles == 2


def test_known_hashes_and_lookup_by_hash(make_engine):
    engine = load(make_engine())
    with engine.writer(fresh=False) as w:
        assert w.known_hashes() == {a["id"]: f"hash-{a['id']}" for a in ARTICLES}
        doc = w.document_by_hash("hash-a07")
        assert doc.id == "a07" and doc.person == ARTICLES[6]["person"] and doc.topic == ARTICLES[6]["topic"]
        assert w.document_by_hash("no-such-hash") is None


def test_documents_by_hash_answers_for_many_what_document_by_hash_answers_for_each(make_engine):
    engine = load(make_engine())
    twin = dataclasses.replace(documents()[4], id="a00-twin")     # a05's content under another id
    with engine.writer(fresh=False) as w:
        w.put([twin])
        w.commit()
    asked = ["hash-a07", "no-such-hash", "hash-a02", "hash-a07", "hash-a05"]
    with engine.writer(fresh=False) as w:
        found = w.documents_by_hash(asked)
        assert set(found) == {"hash-a07", "hash-a02", "hash-a05"}
        for chash, doc in found.items():
            assert doc == w.document_by_hash(chash)
        assert found["hash-a05"].id in ("a05", "a00-twin") and found["hash-a07"].person == ARTICLES[6]["person"]
    with engine.writer(fresh=True) as w:          # a rebuild: this build first, then the live index
        w.put([dataclasses.replace(documents()[1], id="b02", title="rebuilt")])
        w.commit()
        found = w.documents_by_hash(["hash-a02", "hash-a03", "nothing"])
        assert (found["hash-a02"].id, found["hash-a03"].id) == ("b02", "a03") and "nothing" not in found
        assert found["hash-a02"] == w.document_by_hash("hash-a02")
        w.discard()


def test_cancel_drops_what_was_not_committed(make_engine):
    engine = load(make_engine())
    with engine.writer(fresh=False) as w:
        w.put([dataclasses.replace(documents()[0], id="new", chash="new")])
        w.cancel()
    assert "new" not in ids(engine)
    with pytest.raises(RuntimeError), engine.writer(fresh=False) as w:
        w.put([dataclasses.replace(documents()[0], id="newer", chash="newer")])
        raise RuntimeError("interrupted")   # leaving the writer on an error cancels its open batch
    assert "newer" not in ids(engine)


def test_a_rebuild_is_invisible_until_published_then_replaces_everything(make_engine):
    engine = load(make_engine())
    with engine.writer(fresh=True) as w:
        assert w.fresh and w.has_live
        # identical content already in the live index can be reused by a fresh build
        assert w.document_by_hash("hash-a03").id == "a03"
        assert w.known_hashes() == {}
        w.put(documents(ARTICLES[:2]))
        w.commit()
        assert len(ids(engine)) == len(ARTICLES)      # readers still see the live index
        w.publish()
    assert ids(engine) == ["a01", "a02"]


def test_a_discarded_rebuild_leaves_the_live_index_alone(make_engine):
    engine = load(make_engine())
    with engine.writer(fresh=True) as w:
        w.put(documents(ARTICLES[:1]))
        w.commit()
        w.discard()
    assert len(ids(engine)) == len(ARTICLES)


def test_an_unpublished_rebuild_is_resumed_by_the_next_one(make_engine):
    engine = load(make_engine())
    with engine.writer(fresh=True) as w:
        w.put(documents(ARTICLES[:3]))
        w.commit()          # then the run is killed: no publish
    with engine.writer(fresh=True) as w:
        assert sorted(w.known_hashes()) == ["a01", "a02", "a03"]   # what the killed run committed
        w.put(documents(ARTICLES[3:5]))
        w.commit()
        w.publish()
    assert ids(engine) == ["a01", "a02", "a03", "a04", "a05"]


def test_one_writer_at_a_time(make_engine):
    engine = load(make_engine())
    with engine.writer(fresh=False):
        with pytest.raises(IndexBusy):
            engine.writer(fresh=False)
    with engine.writer(fresh=False):
        pass  # released


def test_collect_never_touches_the_live_index(make_engine):
    engine = load(make_engine())
    load(engine, ARTICLES[:4])                  # a rebuild replaced the first index
    engine.collect(0.0)
    assert ids(engine) == ["a01", "a02", "a03", "a04"]
    assert engine.collect(0.0) == []
