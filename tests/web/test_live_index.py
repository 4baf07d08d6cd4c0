"""One index per process, re-opened when index_dir/CURRENT names a new generation; new commits seen."""
import threading

from indexer.engines.whoosh import store
from web import create_app

from handmade import ARTICLES
from test_search import build_handmade, document


def total(client):
    return client.get("/api/search").get_json()["total"]


def test_a_swapped_index_is_picked_up_without_restart(tmp_path):
    build_handmade(tmp_path, articles=ARTICLES[:4])
    client = create_app({"INDEX_DIR": str(tmp_path), "TESTING": True}).test_client()
    assert total(client) == 4
    first = store.current_generation(tmp_path)
    build_handmade(tmp_path, articles=ARTICLES[:7])       # a --rebuild beside it, then the swap
    assert store.current_generation(tmp_path) != first
    assert total(client) == 7


def test_new_commits_in_the_live_generation_are_seen(tmp_path):
    ix = build_handmade(tmp_path, articles=ARTICLES[:3])
    client = create_app({"INDEX_DIR": str(tmp_path), "TESTING": True}).test_client()
    assert total(client) == 3
    writer = ix.writer()
    writer.add_document(**document(ARTICLES[5]))
    writer.commit()
    assert total(client) == 4


def test_one_searcher_per_thread(tmp_path):
    build_handmade(tmp_path, articles=ARTICLES[:3])
    app = create_app({"INDEX_DIR": str(tmp_path), "TESTING": True})
    live = app.extensions["facetwire_engine"].live
    seen = []

    def grab():
        seen.append((live.searcher(), live.searcher()))

    threads = [threading.Thread(target=grab) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    (a1, a2), (b1, b2) = seen
    assert a1 is a2 and b1 is b2 and a1 is not b1
    assert a1.ixreader is not None and live._ix is not None


def test_a_vanished_generation_is_a_503_then_recovers(tmp_path):
    import shutil

    build_handmade(tmp_path, articles=ARTICLES[:4])
    client = create_app({"INDEX_DIR": str(tmp_path), "TESTING": True}).test_client()
    assert total(client) == 4                                   # the index is open and in use
    shutil.rmtree(tmp_path / store.current_generation(tmp_path))
    for path in ("/api/search", "/api/search?q=harbour", "/api/article/a01", "/api/export"):
        resp = client.get(path)
        assert resp.status_code == 503 and resp.is_json, path
        body = resp.get_json()
        assert body["error"] == "Index unavailable" and "python app.py index" in body["message"]
    build_handmade(tmp_path, articles=ARTICLES[:6])             # a new generation is published
    assert total(client) == 6


def test_a_generation_with_its_files_gone_is_a_503(tmp_path):
    build_handmade(tmp_path, articles=ARTICLES[:4])
    client = create_app({"INDEX_DIR": str(tmp_path), "TESTING": True}).test_client()
    assert total(client) == 4
    for f in (tmp_path / store.current_generation(tmp_path)).iterdir():
        f.unlink()                                              # the folder stays, empty
    resp = client.get("/api/search")
    assert resp.status_code == 503 and resp.get_json()["error"] == "Index unavailable"
    assert client.get("/").status_code == 503


def test_an_unreachable_search_cluster_is_a_503_not_a_500():
    from indexer.engines import EngineConfig

    config = EngineConfig(engine="opensearch", engine_url=["http://127.0.0.1:9"], timeout=2)
    client = create_app({"ENGINE_CONFIG": config, "TESTING": True, "WIKINEWS_ATTRIBUTION": False}).test_client()
    for url, kind in (("/?q=flood", "text/html"), ("/api/search?q=flood", "application/json")):
        resp = client.get(url)
        assert resp.status_code == 503, url
        assert resp.headers["Retry-After"] == "5"
        assert resp.mimetype == kind
        assert "cannot reach OpenSearch at http://127.0.0.1:9" in resp.get_data(as_text=True)
