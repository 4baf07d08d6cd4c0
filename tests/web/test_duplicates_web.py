"""Near-duplicates in the explorer, the API, the export and the CLI, on an index built by build_index
(real NER) from tests/dupdata.py's articles: the grouping step of the indexing run, incremental
runs and --prune included."""
import gc
import json
import re
import secrets
import warnings

import pytest
from click.testing import CliRunner

from indexer.build import build_index
from indexer.engines import EngineConfig, open_engine
from web import create_app

import dupdata
from dupdata import ARTICLES, GROUPS


def write_jsonl(path, articles):
    path.write_text("".join(json.dumps({"id": a["id"], "title": a["title"], "body": a["body"],
                                        "date": a["date"].isoformat() if a["date"] else ""}) + "\n"
                            for a in articles), encoding="utf-8")


def build(sources, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)   # see tests/web/conftest.py
        report = build_index(sources=sources, **kw)
        gc.collect()
    return report


@pytest.fixture(scope="module", params=["whoosh", "opensearch"])
def dup_config(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("dup-src")
    write_jsonl(folder / "a.jsonl", ARTICLES)
    if request.param == "whoosh":
        config = EngineConfig(index_dir=str(tmp_path_factory.mktemp("dup-index")))
    else:
        from clusters import OPENSEARCH_URL, need_opensearch
        need_opensearch()
        config = EngineConfig(engine="opensearch", engine_url=[OPENSEARCH_URL], shards=2, replicas=1,
                              index_name=f"fw-dup-{secrets.token_hex(3)}")
    engine = open_engine(config)
    report = build([folder], engine=engine)
    assert any(n.startswith("near-duplicates: 5 of 8 articles in 2 groups") for n in report.notes), report.notes
    yield config
    if getattr(engine, "drop", None):
        engine.drop()
    engine.close()


@pytest.fixture(scope="module")
def dup_client(dup_config):
    return create_app({"ENGINE_CONFIG": dup_config, "TESTING": True}).test_client()


def hit_ids(html):
    return re.findall(r'href="/article/([^"?]+)', html)


def test_the_page_collapses_near_duplicates_by_default(dup_client):
    html = dup_client.get("/search?sort=oldest").get_data(as_text=True)
    assert hit_ids(html) == ["f1", "d1", "o1", "s1", "s2"]
    assert "2 similar versions" in html and "1 similar version<" in html
    assert "5 after collapsing near-duplicates (3 similar versions folded; counts are of articles)" in html
    assert "8 articles" in html


def test_the_versions_control_lists_the_group(dup_client):
    html = dup_client.get("/search?sort=oldest").get_data(as_text=True)
    url = re.search(r'class="versions-link" href="([^"]+)"[^>]*>2 similar versions', html)[1].replace("&amp;", "&")
    assert "dup=d1" in url and "dedupe=0" in url
    shown = dup_client.get(url).get_data(as_text=True)
    assert hit_ids(shown) == ["d1", "d2", "d3"]
    assert "Versions of one story" in shown


def test_dedupe_0_lists_every_version(dup_client):
    html = dup_client.get("/search?sort=oldest&dedupe=0&per_page=10").get_data(as_text=True)
    assert sorted(hit_ids(html)) == sorted(GROUPS)
    assert "collapse near-duplicates" in html and "similar version" not in html


def test_api_dedupe_gives_groups_and_versions(dup_client):
    data = dup_client.get("/api/search?dedupe=1&sort=oldest").get_json()
    assert [(h["id"], h["dup"], h["versions"]) for h in data["hits"]] == [
        ("f1", "f1", 2), ("d1", "d1", 3), ("o1", "", 1), ("s1", "", 1), ("s2", "", 1)]
    assert data["total"] == 8 and data["groups"] == 5
    plain = dup_client.get("/api/search?sort=oldest&per_page=10").get_json()   # the API's default: every article
    assert len(plain["hits"]) == 8 and plain["groups"] is None


def test_a_bad_dedupe_value_is_a_warning_not_an_error(dup_client):
    resp = dup_client.get("/api/search?dedupe=maybe")
    assert resp.status_code == 200
    assert "dedupe='maybe' is not 1 or 0; ignored" in resp.get_json()["warnings"]


def test_export_dedupe(dup_client):
    resp = dup_client.get("/api/export?dedupe=1&sort=oldest&format=jsonl")
    ids = [json.loads(line)["id"] for line in resp.get_data(as_text=True).splitlines()]
    resp.close()
    assert ids == ["f1", "d1", "o1", "s1", "s2"]


def test_cli_export_dedupe(dup_config):
    from app import cli
    if dup_config.engine == "whoosh":
        where, env = ["--index-dir", dup_config.index_dir], {}
    else:
        where = ["--engine", "opensearch", "--engine-url", ",".join(dup_config.engine_url)]
        env = {"FACETWIRE_ENGINE_INDEX": dup_config.index_name}
    out = CliRunner().invoke(cli, ["export", *where, "--dedupe", "--sort", "oldest"], env=env)
    assert out.exit_code == 0, out.output
    assert [json.loads(line)["id"] for line in out.output.splitlines()] == ["f1", "d1", "o1", "s1", "s2"]
    out = CliRunner().invoke(cli, ["export", *where, "--dup", "f1"], env=env)
    assert sorted(json.loads(line)["id"] for line in out.output.splitlines()) == ["f1", "f2"]


def test_incremental_runs_and_prune_keep_groups_right(tmp_path):
    by_id = {a["id"]: a for a in ARTICLES}
    src = tmp_path / "src"
    src.mkdir()
    write_jsonl(src / "one.jsonl", [by_id[i] for i in ("d1", "d2", "o1")])
    index_dir = tmp_path / "index"
    build([src], index_dir=index_dir)
    write_jsonl(src / "two.jsonl", [by_id["d3"]])                      # a later version arrives
    build([src], index_dir=index_dir)
    engine = open_engine(EngineConfig(index_dir=str(index_dir)))
    with engine.reader() as r:
        assert [r.document(i).dup for i in ("d1", "d2", "d3", "o1")] == ["d1", "d1", "d1", ""]
    write_jsonl(src / "one.jsonl", [by_id[i] for i in ("d1", "o1")])   # d2 withdrawn
    build([src], index_dir=index_dir, prune=True)
    with engine.reader() as r:
        assert r.document("d2") is None
        assert [r.document(i).dup for i in ("d1", "d3")] == ["d1", "d1"]
    write_jsonl(src / "one.jsonl", [by_id["o1"]])                        # d1 withdrawn: d3 alone
    build([src], index_dir=index_dir, prune=True)
    with engine.reader() as r:
        assert r.document("d3").dup == ""
    engine.close()
    assert dupdata.jaccard(by_id["d1"]["body"], by_id["d3"]["body"]) >= 0.8


def test_the_article_page_lists_its_versions_apart_from_articles_like_it(dup_client):
    html = dup_client.get("/article/d1").get_data(as_text=True)
    versions = html.split("Other versions of this story", 1)[1].split("</section>", 1)[0]
    assert re.findall(r'href="/article/([^"]+)"', versions) == ["d2", "d3"]
    like = html.split("More like this", 1)[1].split("</section>", 1)[0]
    ids = re.findall(r'href="/article/([^"]+)"', like)
    assert ids[0] == "o1" and not {"d1", "d2", "d3"} & set(ids)
    assert "shares Mira Holt, Norland" in like


def test_the_api_article_gives_versions_and_what_similar_articles_share(dup_client):
    data = dup_client.get("/api/article/d2").get_json()
    assert [v["id"] for v in data["versions"]] == ["d1", "d3"]
    first = data["more_like_this"][0]
    assert first["id"] == "o1"
    assert {"facet": "person", "value": "Mira Holt"} in first["shared_entities"]
    assert "inflation" in first["shared_words"]
