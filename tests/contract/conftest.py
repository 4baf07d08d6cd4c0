"""The engines the contract suite runs on, each loaded with the handmade articles.

Whoosh always; OpenSearch when a cluster answers (`make cluster-up`, or FACETWIRE_OPENSEARCH_URL).
Each engine gets a fresh, empty index of its own: a temporary folder, or a uniquely named index.
"""
import os
import secrets

import pytest

from indexer.engines import EngineConfig, open_engine

from clusters import OPENSEARCH_URL, opensearch_up
from handmade import load


def engine_params():
    if os.environ.get("FACETWIRE_REQUIRE_OPENSEARCH") and not opensearch_up():
        raise pytest.UsageError(f"FACETWIRE_REQUIRE_OPENSEARCH is set but no cluster answers at {OPENSEARCH_URL}")
    return ["whoosh", pytest.param("opensearch", marks=pytest.mark.skipif(
        not opensearch_up(), reason=f"no OpenSearch cluster at {OPENSEARCH_URL} (make cluster-up)"))]


class Factory:
    """Make fresh, empty engines of one kind; drop them all at the end."""

    def __init__(self, kind, tmp_path_factory):
        self.kind, self.tmp, self.made = kind, tmp_path_factory, []

    def __call__(self):
        if self.kind == "whoosh":
            config = EngineConfig(index_dir=str(self.tmp.mktemp("contract")))
        else:
            config = EngineConfig(engine="opensearch", engine_url=[OPENSEARCH_URL],
                                  index_name=f"fw-test-{secrets.token_hex(4)}", shards=2, replicas=1)
        engine = open_engine(config)
        self.made.append(engine)
        return engine

    def drop_all(self):
        for engine in self.made:
            drop = getattr(engine, "drop", None)  # the cluster keeps indexes; a folder goes with tmp
            if drop:
                drop()
            engine.close()


@pytest.fixture(scope="module", params=engine_params())
def make_engine(request, tmp_path_factory):
    factory = Factory(request.param, tmp_path_factory)
    yield factory
    factory.drop_all()


@pytest.fixture(scope="module", params=[1, 3], ids=["one-batch", "three-batches"])
def loaded(request, make_engine):
    """An engine holding ARTICLES, written in one or three commits (Whoosh: segments)."""
    return load(make_engine(), batches=request.param)


@pytest.fixture
def reader(loaded):
    with loaded.reader() as r:
        yield r
