"""One index per process, re-opened when index_dir/CURRENT names a new generation; new commits seen."""
import threading

from indexer import store
from web import create_app

from test_search import ARTICLES, build_handmade, document


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
    live = app.extensions["facetwire_index"]
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
