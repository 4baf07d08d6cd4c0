"""Every example on /help finds articles in the bundled sample (data/sample/wikinews.jsonl), on each engine.

The sample is indexed once per session with the real NER (Whoosh); the OpenSearch index gets the
same Documents through the contract's writer (no second NER pass). The examples are read from the
rendered page (every <code class="example">), so a new example is tested the day it is written.
"""
import gc
import re
import secrets
import warnings
from html import unescape
from pathlib import Path

import pytest

from indexer.engines import EngineConfig, open_engine
from indexer.search.query import LongSearches, QueryBudget
from indexer.search.request import SearchRequest
from web import create_app

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "wikinews.jsonl"
ARTICLES = sum(1 for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip())
# The cold index builds its word lists in the first searches: no time limit may cut them here.
PATIENT = QueryBudget(seconds=600, quick=600)


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory):
    from indexer.build import build_index

    index_dir = tmp_path_factory.mktemp("sample-index")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)   # as tests/web/conftest.py's real_index_dir
        report = build_index(sources=[SAMPLE], index_dir=index_dir)
        gc.collect()
    assert report.added == ARTICLES
    return index_dir


@pytest.fixture(scope="session")
def sample_opensearch(sample_dir):
    from clusters import OPENSEARCH_URL, opensearch_up

    if not opensearch_up():
        import os
        if os.environ.get("FACETWIRE_REQUIRE_OPENSEARCH"):
            pytest.fail(f"FACETWIRE_REQUIRE_OPENSEARCH is set but no cluster answers at {OPENSEARCH_URL}")
        pytest.skip(f"no OpenSearch cluster at {OPENSEARCH_URL}")
    config = EngineConfig(engine="opensearch", engine_url=[OPENSEARCH_URL], shards=2, replicas=1,
                          index_name=f"fw-help-{secrets.token_hex(3)}")
    source = open_engine(EngineConfig(index_dir=str(sample_dir)))
    target = open_engine(config)
    with source.reader() as r:
        documents = list(r.export(SearchRequest()))
    source.close()
    with target.writer(fresh=True) as writer:
        writer.put(documents)
        writer.commit()
        writer.publish()
    yield config
    target.drop()
    target.close()


@pytest.fixture(scope="module", params=["whoosh", "opensearch"])
def sample_client(request, sample_dir):
    if request.param == "opensearch":
        return create_app({"ENGINE_CONFIG": request.getfixturevalue("sample_opensearch"), "TESTING": True}).test_client()
    app = create_app({"INDEX_DIR": str(sample_dir), "TESTING": True})
    engine = app.extensions["facetwire_engine"]
    engine.budget, engine.long_searches = PATIENT, LongSearches(PATIENT.long_searches)
    return app.test_client()


def examples(client):
    html = client.get("/help").get_data(as_text=True)
    return [unescape(e) for e in re.findall(r'<code class="example">(.*?)</code>', html)]


def test_help_lists_examples_and_every_code_in_a_write_column_is_one(sample_client):
    html = sample_client.get("/help").get_data(as_text=True)
    found = examples(sample_client)
    assert len(found) >= 25 and len(set(found)) == len(found)
    for row in re.findall(r"<tr><td>(.*?)</td>", html):
        assert re.findall(r"<code>", row) == [], row   # a plain <code> in the Write column is an untested example


def test_every_help_example_finds_articles_in_the_sample(sample_client):
    empty = {}
    for q in examples(sample_client):
        data = sample_client.get("/api/search", query_string={"q": q}).get_json()
        if not data["total"] or data["total"] == ARTICLES or data["warnings"]:
            empty[q] = (data["total"], data["warnings"])
    # every example finds some articles, not all of them (a query read as nothing shows all), as written
    assert empty == {}
