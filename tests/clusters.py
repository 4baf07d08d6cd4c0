"""Where the tests' OpenSearch cluster is, and whether it answers (`make cluster-up` starts one)."""
import os
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
