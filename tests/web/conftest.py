"""Web fixtures: a real index built from fixture_articles.jsonl (real NER, once per session),
and the handmade index of tests/test_search.py where exact values matter."""
import gc
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


@pytest.fixture
def app(real_index_dir):
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
