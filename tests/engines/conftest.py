"""The OpenSearch engine's tests: a real cluster (`make cluster-up`), skipped with the reason when none answers.

FACETWIRE_OPENSEARCH_URL names the first node (default http://127.0.0.1:19200); the other nodes of
the local test cluster are added when they answer, so that a test can stop one of them. Every
engine made here gets an index name of its own and is dropped at the end of its module.
"""
import os
import secrets
import urllib.request

import pytest

from indexer.engines import EngineConfig, open_engine

OPENSEARCH_URL = os.environ.get("FACETWIRE_OPENSEARCH_URL", "http://127.0.0.1:19200").rstrip("/")
LOCAL_NODES = ("http://127.0.0.1:19200", "http://127.0.0.1:19201", "http://127.0.0.1:19202")


def answers(url):
    try:
        with urllib.request.urlopen(url + "/_cluster/health", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


def node_urls():
    """Return the URL of every node to give the client: the configured one, then the local others that answer."""
    return [OPENSEARCH_URL] + [u for u in LOCAL_NODES if u != OPENSEARCH_URL and answers(u)]


@pytest.fixture(scope="module")
def cluster():
    if not answers(OPENSEARCH_URL):
        if os.environ.get("FACETWIRE_REQUIRE_OPENSEARCH"):   # `make test`: a missing cluster is a failure
            pytest.fail(f"FACETWIRE_REQUIRE_OPENSEARCH is set but no cluster answers at {OPENSEARCH_URL}")
        pytest.skip(f"no OpenSearch cluster answers at {OPENSEARCH_URL} (start one: make cluster-up, "
                    "or set FACETWIRE_OPENSEARCH_URL)")
    return node_urls()


@pytest.fixture(scope="module")
def local_cluster(cluster):
    """The 3-node cluster of cluster/ on this machine, for tests that stop and start its nodes."""
    if cluster[: len(LOCAL_NODES)] != list(LOCAL_NODES) or not all(answers(u) for u in LOCAL_NODES):
        pytest.skip("needs the 3-node local cluster of cluster/ (make cluster-up)")
    return cluster


class EngineFactory:
    """Make engines with a fresh index name each (2 shards, 1 replica); drop them all at the end."""

    def __init__(self, urls, prefix):
        self.urls, self.prefix, self.made = urls, prefix, []

    def config(self, **overrides):
        values = dict(engine="opensearch", engine_url=list(self.urls), shards=2, replicas=1,
                      index_name=f"{self.prefix}-{secrets.token_hex(3)}")
        values.update(overrides)
        return EngineConfig(**values)

    def __call__(self, **overrides):
        engine = open_engine(self.config(**overrides))
        self.made.append(engine)
        return engine

    def loaded(self, documents, batches=1, **overrides):
        """Return a new engine holding documents: a first build in `batches` commits, published."""
        engine = self(**overrides)
        size = max(1, -(-len(documents) // batches))
        with engine.writer(fresh=True) as writer:
            for start in range(0, len(documents), size):
                writer.put(documents[start:start + size])
                writer.commit()
            writer.publish()
        return engine

    def drop_all(self):
        for engine in self.made:
            engine.drop()
            engine.close()


@pytest.fixture(scope="module")
def make_engine(cluster, request):
    factory = EngineFactory(cluster, "fw-" + request.module.__name__.rsplit(".", 1)[-1].replace("_", "-")[:30])
    yield factory
    factory.drop_all()

