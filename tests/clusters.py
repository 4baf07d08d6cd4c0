"""Where the tests' OpenSearch cluster is, and whether it answers (`make cluster-up` starts one)."""
import contextlib
import os
import secrets
import urllib.request

OPENSEARCH_URL = os.environ.get("FACETWIRE_OPENSEARCH_URL", "http://127.0.0.1:19200").rstrip("/")


def opensearch_up():
    try:
        with urllib.request.urlopen(OPENSEARCH_URL + "/_cluster/health", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


def need_opensearch():
    """Skip the calling test when no cluster answers; fail it when FACETWIRE_REQUIRE_OPENSEARCH is set."""
    import pytest

    if opensearch_up():
        return
    if os.environ.get("FACETWIRE_REQUIRE_OPENSEARCH"):
        pytest.fail(f"FACETWIRE_REQUIRE_OPENSEARCH is set but no cluster answers at {OPENSEARCH_URL}")
    pytest.skip(f"no OpenSearch cluster at {OPENSEARCH_URL} (make cluster-up)")


@contextlib.contextmanager
def loaded_config(kind, tmp_path, prefix, shards=1, replicas=0):
    """Yield the EngineConfig of a fresh index of the handmade articles on `kind` ("whoosh" or
    "opensearch"); an OpenSearch index (its versions, alias and NAME-curation) is dropped after."""
    from handmade import load
    from indexer.engines import EngineConfig, open_engine

    if kind == "whoosh":
        config = EngineConfig(index_dir=str(tmp_path / "ix"))
    else:
        need_opensearch()
        config = EngineConfig(engine="opensearch", engine_url=[OPENSEARCH_URL],
                              index_name=f"{prefix}-{secrets.token_hex(4)}", shards=shards, replicas=replicas)
    engine = load(open_engine(config))
    try:
        yield config
    finally:
        if hasattr(engine, "drop"):
            engine.drop()
        engine.close()
