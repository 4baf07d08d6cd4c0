"""The OpenSearch engine's writes on a real cluster: versioned indexes, the alias swap, resuming, the lock."""
import dataclasses
import os
import socket
import time

import pytest

from indexer.document import Document
from indexer.engines import EngineConfig, config_from_env, open_engine
from indexer.engines.opensearch import store as os_store
from indexer.engines.opensearch.mapping import index_body
from indexer.errors import BuildError, EngineError, IndexBusy, IndexMissing
from indexer.search.request import SearchRequest

from handmade import ARTICLES, documents

DOCS = documents()


def ids(engine):
    with engine.reader() as r:
        return sorted(d.id for d in r.export(SearchRequest()))


def aliases(engine):
    """Return {index: [aliases]} of every index of the engine's name."""
    client, name = engine.store.client, engine.config.index_name
    found = client.indices.get_alias(index=f"{name}-*")
    return {index: sorted(info["aliases"]) for index, info in found.items()}


def test_first_build_is_a_versioned_index_behind_the_alias(make_engine):
    engine = make_engine()
    assert not engine.exists()
    with pytest.raises(IndexMissing, match="no index"):
        engine.reader()
    with engine.writer(fresh=False) as w:   # no live index yet: a first build, whatever was asked
        assert w.fresh and not w.has_live
        building = w.index
        assert aliases(engine)[building] == [engine.store.building_alias]
        w.put(DOCS)
        w.commit()
        assert not engine.exists()          # readers see nothing before publish
        w.publish()
    name = engine.config.index_name
    assert building.startswith(name + "-") and len(building) == len(name) + 20   # -YYYYmmddHHMMSS-xxxx
    assert aliases(engine)[building] == [name]
    assert ids(engine) == sorted(a["id"] for a in ARTICLES)
    settings = engine.store.client.indices.get_settings(index=building)[building]["settings"]["index"]
    assert (settings["number_of_shards"], settings["number_of_replicas"]) == ("2", "1")
    assert "refresh_interval" not in settings   # back to the default once live


def test_rebuild_swaps_the_alias_in_one_step_and_deletes_the_old_index(make_engine):
    engine = make_engine.loaded(DOCS)
    old = engine.store.live()
    with engine.reader() as before:
        with engine.writer(fresh=True) as w:
            new = w.index
            assert new != old and w.has_live
            w.put(DOCS[:2])
            w.commit()
            assert ids(engine) == sorted(a["id"] for a in ARTICLES)      # still the old index
            assert w.document_by_hash("hash-a09").id == "a09"            # reused from the live one
            w.publish()
        assert before.index == old   # a reader keeps the index it opened on
    assert ids(engine) == ["a01", "a02"]
    assert engine.store.live() == new and old not in aliases(engine)
    assert not engine.store.client.indices.exists(index=old)


def test_a_killed_rebuild_is_resumed_and_readers_never_see_it(make_engine):
    engine = make_engine.loaded(DOCS)
    with engine.writer(fresh=True) as w:
        w.put(DOCS[:3])
        w.commit()
        unpublished = w.index
    # the run ended without publish (killed): the build stays, marked by the building alias
    assert engine.store.building() == unpublished
    assert len(ids(engine)) == len(ARTICLES)
    with engine.writer(fresh=True) as w:
        assert w.index == unpublished
        assert sorted(w.known_hashes()) == ["a01", "a02", "a03"]
        w.put(DOCS[3:5])
        w.commit()
        w.publish()
    assert ids(engine) == ["a01", "a02", "a03", "a04", "a05"]
    assert engine.store.building() is None


def test_discard_drops_the_build_only(make_engine):
    engine = make_engine.loaded(DOCS)
    with engine.writer(fresh=True) as w:
        w.put(DOCS[:1])
        w.commit()
        building = w.index
        w.discard()
    assert not engine.store.client.indices.exists(index=building)
    assert len(ids(engine)) == len(ARTICLES)


def test_incremental_runs_write_to_the_live_index(make_engine):
    engine = make_engine.loaded(DOCS, batches=3)
    live = engine.store.live()
    changed = dataclasses.replace(DOCS[0], chash="v2", title="Quay repairs", body="A quay.", person=["Zoe Quinn"])
    with engine.writer(fresh=False) as w:
        assert w.index == live and not w.fresh and w.has_live
        w.put([changed, changed])
        w.delete(["a12", "no-such-id"])     # deleting what is not there is no error
        w.commit()
        assert w.known_hashes()["a01"] == "v2" and "a12" not in w.known_hashes()
    assert engine.store.live() == live
    with engine.reader() as r:
        assert r.document("a01").title == "Quay repairs" and r.document("a12") is None
        result = r.search(SearchRequest())
        assert result.total == len(ARTICLES) - 1
        assert result.facets["person"]["Zoe Quinn"] == 1
        assert result.facets["person"]["Ana Lopez"] == sum("Ana Lopez" in a["person"] for a in ARTICLES) - 2


def test_put_then_delete_in_one_batch_deletes_and_cancel_drops_the_batch(make_engine):
    engine = make_engine.loaded(DOCS)
    with engine.writer(fresh=False) as w:
        w.put([dataclasses.replace(DOCS[0], id="new")])
        w.delete(["new"])
        w.put([dataclasses.replace(DOCS[0], id="other")])
        w.cancel()
        w.commit()
    assert "new" not in ids(engine) and "other" not in ids(engine)


def test_known_hashes_has_no_10000_cap(make_engine):
    many = [Document(id=f"d{i:05d}", chash=f"h{i}", title=f"t{i}", body="x") for i in range(10_050)]
    engine = make_engine.loaded(many, replicas=0)
    with engine.writer(fresh=False) as w:
        known = w.known_hashes()
    assert len(known) == len(many) and known["d10049"] == "h10049"
    assert len(ids(engine)) == len(many)


def test_a_document_the_cluster_refuses_is_reported_by_id(make_engine):
    engine = make_engine.loaded(DOCS)
    bad = dataclasses.replace(DOCS[0], person=["x" * 40_000])   # a keyword term is at most 32,766 bytes
    with engine.writer(fresh=False) as w:
        w.put([bad, dataclasses.replace(DOCS[1], title="Still written")])
        with pytest.raises(BuildError, match=r"1 of 2 documents could not be written .*: a01: .*immense term"):
            w.commit()
    with engine.reader() as r:
        assert r.document("a02").title == "Still written"


def test_one_run_at_a_time(make_engine):
    engine = make_engine.loaded(DOCS)
    with engine.writer(fresh=False):
        with pytest.raises(IndexBusy, match=f"pid {os.getpid()} on {socket.gethostname()}"):
            engine.writer(fresh=True)
    with engine.writer(fresh=False):
        pass   # released on close


def test_a_stale_lock_is_taken_over(make_engine):
    engine = make_engine.loaded(DOCS)
    client, store = engine.store.client, engine.store
    # what a killed run leaves: its lock document, with an old heartbeat ...
    client.index(index=store.lock_index, id=os_store.LOCK_ID, params={"refresh": "true"}, body={
        "token": "old", "host": "elsewhere", "pid": 1, "started": "2020-01-01T00:00:00Z",
        "heartbeat": time.time() - os_store.LOCK_STALE - 1})
    with engine.writer(fresh=False):
        pass
    # ... or a process of this host that is gone
    client.index(index=store.lock_index, id=os_store.LOCK_ID, params={"refresh": "true"}, body={
        "token": "old", "host": socket.gethostname(), "pid": 2 ** 22 + 1, "started": "2020-01-01T00:00:00Z",
        "heartbeat": time.time()})
    with engine.writer(fresh=False):
        pass
    # a live holder elsewhere is respected
    client.index(index=store.lock_index, id=os_store.LOCK_ID, params={"refresh": "true"}, body={
        "token": "old", "host": "elsewhere", "pid": 1, "started": "2020-01-01T00:00:00Z", "heartbeat": time.time()})
    with pytest.raises(IndexBusy, match="pid 1 on elsewhere"):
        engine.writer(fresh=False)
    client.delete(index=store.lock_index, id=os_store.LOCK_ID)


def test_an_unreachable_cluster_is_one_clear_line():
    engine = open_engine(EngineConfig(engine="opensearch", engine_url=["http://127.0.0.1:9"], timeout=2))
    for call in (engine.exists, engine.check, lambda: engine.writer(fresh=False)):
        with pytest.raises(EngineError) as info:
            call()
        message = str(info.value)
        assert "cannot reach OpenSearch at http://127.0.0.1:9" in message and "\n" not in message
    engine.close()


def test_a_missing_index_says_how_to_build_one(make_engine):
    engine = make_engine()
    with pytest.raises(IndexMissing, match="build one with"):
        engine.check()
    assert engine.describe().startswith(f"opensearch {engine.config.index_name}@")


def test_a_red_index_is_refused_with_a_clear_message(make_engine):
    engine = make_engine()
    client, name = engine.store.client, f"{engine.config.index_name}-20200101000000-0000"
    # a live index whose shards may live only on a node that does not exist: red, as after losing nodes
    body = index_body(2, 1, state="live")
    body["settings"]["index"]["routing.allocation.require._name"] = "no-such-node"
    body["aliases"] = {engine.config.index_name: {}}
    client.indices.create(index=name, body=body, params={"wait_for_active_shards": "0"})
    try:
        with pytest.raises(EngineError, match=r"is red: \d+ shard\(s\) unassigned"):
            engine.writer(fresh=False)
        with pytest.raises(EngineError, match="red"):
            engine.check()
        with pytest.raises(EngineError) as info:
            engine.reader().search(SearchRequest())
        assert name in str(info.value) and "\n" not in str(info.value)
    finally:
        client.indices.delete(index=name)


def test_config_from_env_reads_the_opensearch_settings():
    env = {"FACETWIRE_ENGINE": "opensearch", "FACETWIRE_ENGINE_URL": "https://a:9200, https://b:9200",
           "FACETWIRE_ENGINE_USERNAME": "u", "FACETWIRE_ENGINE_PASSWORD": "p", "FACETWIRE_ENGINE_VERIFY": "0",
           "FACETWIRE_ENGINE_CA_FILE": "/ca.pem", "FACETWIRE_ENGINE_INDEX": "news", "FACETWIRE_ENGINE_SHARDS": "3",
           "FACETWIRE_ENGINE_REPLICAS": "2", "FACETWIRE_ENGINE_TIMEOUT": "5"}
    config = config_from_env(env, index_name="given")
    assert config.engine == "opensearch" and config.engine_url == ["https://a:9200", "https://b:9200"]
    assert (config.username, config.password, config.verify_certs, config.ca_file) == ("u", "p", False, "/ca.pem")
    assert (config.index_name, config.shards, config.replicas, config.timeout) == ("given", 3, 2, 5.0)
    assert config_from_env({}).engine == "whoosh"
    with pytest.raises(Exception, match="FACETWIRE_ENGINE_SHARDS"):
        config_from_env({"FACETWIRE_ENGINE_SHARDS": "many"})
