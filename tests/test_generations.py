"""Old Whoosh generations: removed once no process reads them, so disk use does not grow with rebuilds."""
import os
import subprocess
import sys

import pytest

from indexer.engines.whoosh import WhooshEngine, store
from indexer.search.request import SearchRequest

from handmade import ARTICLES, documents


def rebuild(index_dir, articles):
    engine = WhooshEngine(index_dir)
    with engine.writer(fresh=True) as w:
        w.put(documents(articles))
        w.commit()
        w.publish()
    engine.close()


def generations(index_dir):
    return sorted(p.name for p in index_dir.glob("gen-*"))


def test_a_rebuild_keeps_the_replaced_generation_only_for_the_grace_period(tmp_path, monkeypatch):
    rebuild(tmp_path, ARTICLES[:2])
    first = generations(tmp_path)
    rebuild(tmp_path, ARTICLES[:3])
    assert len(generations(tmp_path)) == 2            # retired just now: requests may still read it
    monkeypatch.setattr(store, "GRACE", 0.0)
    rebuild(tmp_path, ARTICLES[:4])
    assert generations(tmp_path) == [store.current_generation(tmp_path)]   # nothing piles up
    assert first[0] not in generations(tmp_path)


def test_a_generation_a_server_reads_is_kept_until_it_moves_on(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "GRACE", 0.0)
    rebuild(tmp_path, ARTICLES[:2])
    server = WhooshEngine(tmp_path)
    with server.reader() as r:
        assert r.search(SearchRequest()).total == 2
    old = store.current_generation(tmp_path)
    rebuild(tmp_path, ARTICLES[:5])
    assert old in generations(tmp_path)               # the server still leases it
    assert store.collect(tmp_path) == []
    with server.reader() as r:                        # its next request opens the new generation ...
        assert r.search(SearchRequest()).total == 5
    assert generations(tmp_path) == [store.current_generation(tmp_path)]   # ... and drops the old one
    server.close()
    assert list((tmp_path / store.READERS).iterdir()) == []


def test_the_lease_of_a_process_that_died_does_not_keep_a_generation(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "GRACE", 0.0)
    rebuild(tmp_path, ARTICLES[:2])
    old = store.current_generation(tmp_path)
    # A server that read `old` and was killed -9: its lease file stays behind.
    code = (f"from indexer.engines.whoosh import store; store.lease({str(tmp_path)!r}, {old!r}, 'x'); "
            "import os; os._exit(0)")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=os.getcwd())
    assert len(list((tmp_path / store.READERS).iterdir())) == 1
    rebuild(tmp_path, ARTICLES[:3])
    assert generations(tmp_path) == [store.current_generation(tmp_path)]
    assert list((tmp_path / store.READERS).iterdir()) == []


@pytest.mark.parametrize("unfinished", [True, False])
def test_collect_never_touches_the_live_generation_or_an_unfinished_rebuild(tmp_path, unfinished):
    rebuild(tmp_path, ARTICLES[:2])
    if unfinished:
        engine = WhooshEngine(tmp_path)
        with engine.writer(fresh=True) as w:
            w.put(documents(ARTICLES[:1]))
            w.commit()   # killed before publish
        engine.close()
    assert store.collect(tmp_path) == []
    assert (tmp_path / store.BUILDING).exists() == unfinished
    assert len(generations(tmp_path)) == 1
