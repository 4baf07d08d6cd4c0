"""The query language reads the same on both engines: the same articles and messages as Whoosh.

Over the handmade articles, every query of the Whoosh engine's own tests and the language's edge
cases: the OpenSearch engine must find exactly the articles the Whoosh engine finds and say the
same warnings. Order is not compared: scores differ (BM25 per field vs BM25F; prefixes score
constant), see indexer/engines/opensearch/__init__.py.
"""
import pytest

from indexer.engines import EngineConfig, open_engine
from indexer.search.request import SearchRequest

from handmade import documents
from test_search import ENGINE_QUERIES

EDGES = [
    "the", "C++", '"harbour strike', "harbour:strike", "http://example.com", "date:foo election",
    "date:[2020 to banana]", "vaccinate*", "title:harb*", "harbour^3 election", "election REQUIRE court",
    "person:Ana*", 'topic:"arts, culture, entertainment and media"', "id:a03", "id:[a01 TO a03]",
    "title:[a TO c]", "harbour~2", "NOT NOT harbour", "warning harbour", '"harbour wall"~2', "elections",
    "covid-19", "U.S.", "Harbour AND (Strike OR Storm)", "harbour OR", "(harbour", "date:2020-02 museum",
]


@pytest.fixture(scope="module")
def engines(make_engine, tmp_path_factory):
    whoosh = open_engine(EngineConfig(index_dir=str(tmp_path_factory.mktemp("parity"))))
    for engine in (whoosh, opensearch := make_engine()):
        with engine.writer(fresh=True) as w:
            w.put(documents())
            w.commit()
            w.publish()
    yield whoosh, opensearch
    whoosh.close()


@pytest.mark.parametrize("q", ENGINE_QUERIES + EDGES)
def test_same_articles_and_messages_as_whoosh(engines, q):
    results = []
    for engine in engines:   # a reader per test: tests/conftest.py closes Whoosh's searchers after each
        with engine.reader() as r:
            results.append(r.search(SearchRequest(q=q, per_page=100)))
    a, b = results
    assert sorted(h.id for h in b.hits) == sorted(h.id for h in a.hits) and b.total == a.total
    assert (b.warnings, b.query_error) == (a.warnings, a.query_error)
