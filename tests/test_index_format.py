"""An index written in an older format (before issue 13's folding and words as written) says to rebuild.

Never a traceback: the reader, an incremental run, the web app and the CLI each give the same
clear message; a rebuild works and replaces it. Whoosh: the format is the FORMAT file of a
generation (none: format 1); OpenSearch: the mapping's _meta.facetwire_schema.
"""
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import app
from indexer.engines import EngineConfig, open_engine
from indexer.engines.whoosh import schema, store
from indexer.errors import IndexOutdated
from indexer.search.request import SearchRequest
from web import create_app

from clusters import OPENSEARCH_URL, opensearch_up
from handmade import ARTICLES, documents, load

SEED = Path(__file__).parent / "fixtures" / "seed"


def outdated_whoosh(index_dir):
    """A handmade Whoosh index whose live generation is of format 1 (as every index before FORMAT)."""
    engine = load(open_engine(EngineConfig(index_dir=str(index_dir))))
    live = store.live_path(index_dir)
    assert store.index_format(live) == schema.SCHEMA_VERSION == 2
    (live / store.FORMAT).unlink()
    engine.close()
    return index_dir


def test_whoosh_reader_of_an_old_index_says_to_rebuild(tmp_path):
    engine = open_engine(EngineConfig(index_dir=str(outdated_whoosh(tmp_path))))
    with pytest.raises(IndexOutdated, match=r"built in format 1 .* searches format 2 .*--rebuild"):
        engine.reader()
    with pytest.raises(IndexOutdated, match="--rebuild"):
        engine.writer(fresh=False)   # an incremental run cannot add to it


def test_whoosh_rebuild_of_an_old_index_replaces_it(tmp_path):
    engine = open_engine(EngineConfig(index_dir=str(outdated_whoosh(tmp_path))))
    with engine.writer(fresh=True) as writer:
        assert writer.document_by_hash("hash-a01").id == "a01"   # the old index's extractions are reused
        writer.put(documents())
        writer.commit()
        writer.publish()
    with engine.reader() as r:
        assert r.search(SearchRequest(q="harbour")).total > 0
    engine.close()


def test_whoosh_unfinished_build_of_an_old_format_starts_again(tmp_path):
    ix, resumed = store.open_building(tmp_path)
    (tmp_path / store.BUILDING / store.FORMAT).unlink()
    ix, resumed = store.open_building(tmp_path)
    assert not resumed and store.index_format(tmp_path / store.BUILDING) == schema.SCHEMA_VERSION


def test_web_app_on_an_old_index_is_a_503_that_says_to_rebuild(tmp_path):
    client = create_app({"INDEX_DIR": str(outdated_whoosh(tmp_path)), "TESTING": True}).test_client()
    page = client.get("/search?q=harbour")
    assert page.status_code == 503 and "--rebuild" in page.get_data(as_text=True)
    api = client.get("/api/search?q=harbour")
    assert api.status_code == 503 and "--rebuild" in api.get_json()["message"]


def test_cli_on_an_old_index_says_to_rebuild(tmp_path):
    runner = CliRunner()
    index_dir = tmp_path / "ix"
    assert runner.invoke(app.cli, ["index", str(SEED), "--index-dir", str(index_dir)]).exit_code == 0
    (store.live_path(index_dir) / store.FORMAT).unlink()
    for args in (["index", str(SEED)], ["export"], ["stats"]):
        result = runner.invoke(app.cli, args + ["--index-dir", str(index_dir)])
        assert result.exit_code != 0 and "--rebuild" in result.output and "Traceback" not in result.output, args
    result = runner.invoke(app.cli, ["index", str(SEED), "--index-dir", str(index_dir), "--rebuild"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app.cli, ["stats", "--index-dir", str(index_dir)]).exit_code == 0


@pytest.fixture
def opensearch_engine():
    import secrets

    if not opensearch_up():
        if os.environ.get("FACETWIRE_REQUIRE_OPENSEARCH"):
            pytest.fail(f"FACETWIRE_REQUIRE_OPENSEARCH is set but no cluster answers at {OPENSEARCH_URL}")
        pytest.skip(f"no OpenSearch cluster at {OPENSEARCH_URL}")
    config = EngineConfig(engine="opensearch", engine_url=[OPENSEARCH_URL], shards=1, replicas=0,
                          index_name=f"fw-format-{secrets.token_hex(3)}")
    engine = load(open_engine(config), ARTICLES[:3])
    yield config, engine
    engine.drop()
    engine.close()


def test_opensearch_reader_of_an_old_index_says_to_rebuild(opensearch_engine):
    config, engine = opensearch_engine
    live = engine.store.live()
    engine.store.client.indices.put_mapping(index=live, body={"_meta": {"facetwire_schema": 1, "state": "live"}})
    fresh = open_engine(config)   # a new process: the format is read from the cluster
    try:
        with pytest.raises(IndexOutdated, match=r"built in format 1 .* searches format 2 .*--rebuild"):
            fresh.reader()
        with pytest.raises(IndexOutdated, match="--rebuild"):
            fresh.writer(fresh=False)
        with fresh.writer(fresh=True) as writer:
            writer.put(documents(ARTICLES[:3]))
            writer.commit()
            writer.publish()
        with fresh.reader() as r:
            assert r.search(SearchRequest(q="harbour")).total > 0
    finally:
        fresh.close()
