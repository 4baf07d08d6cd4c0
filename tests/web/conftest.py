"""Web fixtures: a real index built from fixture_articles.jsonl (real NER, once per session),
and the handmade index of tests/test_search.py where exact values matter."""
import gc
import os
import warnings
from pathlib import Path

import pytest

from indexer.engines.whoosh.store import open_index
from indexer.facets import NAMES as FACET_FIELDS, split_values
from web import create_app

FIXTURE = Path(__file__).resolve().parent / "fixture_articles.jsonl"


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory):
    from indexer.build import build_index

    index_dir = tmp_path_factory.mktemp("web-index")
    with warnings.catch_warnings():
        # build_index leaves its reading generator (and so the open file) to the garbage collector;
        # collect it here rather than let the ResourceWarning land in an unrelated test.
        warnings.simplefilter("ignore", ResourceWarning)
        report = build_index(sources=[FIXTURE], index_dir=index_dir)
        gc.collect()
    assert report.added == len([line for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()])
    return index_dir


@pytest.fixture(scope="session")
def stored(real_index_dir):
    """Every article's stored fields, facet values split: the independent source of expected counts."""
    with open_index(real_index_dir).searcher() as s:
        out = []
        for fields in s.all_stored_fields():
            fields = dict(fields)
            for name in FACET_FIELDS:
                fields[name] = split_values(fields.get(name))
            out.append(fields)
    return out


@pytest.fixture(scope="session")
def opensearch_config():
    """The same fixture articles indexed into a fresh index on the local OpenSearch cluster."""
    import secrets

    from clusters import OPENSEARCH_URL, opensearch_up
    from indexer.build import build_index
    from indexer.engines import EngineConfig, open_engine

    if not opensearch_up():
        if os.environ.get("FACETWIRE_REQUIRE_OPENSEARCH"):
            pytest.fail(f"FACETWIRE_REQUIRE_OPENSEARCH is set but no cluster answers at {OPENSEARCH_URL}")
        pytest.skip(f"no OpenSearch cluster at {OPENSEARCH_URL} (make cluster-up)")
    config = EngineConfig(engine="opensearch", engine_url=[OPENSEARCH_URL], shards=2, replicas=1,
                          index_name=f"fw-web-{secrets.token_hex(3)}")
    engine = open_engine(config)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # as real_index_dir
        build_index(sources=[FIXTURE], engine=engine)
        gc.collect()
    yield config
    engine.drop()
    engine.close()


@pytest.fixture(params=["whoosh", "opensearch"])
def app(request, real_index_dir):
    """The explorer on the fixture articles: every page and API test runs once on each engine."""
    if request.param == "opensearch":
        return create_app({"ENGINE_CONFIG": request.getfixturevalue("opensearch_config"), "TESTING": True})
    return create_app({"INDEX_DIR": str(real_index_dir), "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def hand_dir(tmp_path_factory):
    from test_search import build_handmade

    index_dir = tmp_path_factory.mktemp("hand-web")
    build_handmade(index_dir, batches=2)
    return index_dir


@pytest.fixture
def hand_client(hand_dir):
    return create_app({"INDEX_DIR": str(hand_dir), "TESTING": True}).test_client()
