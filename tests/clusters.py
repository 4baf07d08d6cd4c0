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
