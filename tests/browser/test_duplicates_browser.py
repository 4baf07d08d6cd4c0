"""In Chromium, on each engine: the explorer collapses near-duplicates, and "N similar versions" lists the group.

A server of its own, on an index built from tests/dupdata.py (the session's browser index has no
near-duplicates)."""
import gc
import json
import os
import secrets
import warnings
from pathlib import Path

import pytest
from playwright.sync_api import expect

from indexer.build import build_index
from indexer.engines import EngineConfig, open_engine
from web import create_app
from web.serve import warm

from clusters import OPENSEARCH_URL, need_opensearch
from dupdata import ARTICLES
from served import served

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module", params=["whoosh", "opensearch"])
def dup_server(request, tmp_path_factory):
    src = tmp_path_factory.mktemp("dup-browser-src") / "a.jsonl"
    src.write_text("".join(json.dumps({"id": a["id"], "title": a["title"], "body": a["body"],
                                       "date": a["date"].isoformat() if a["date"] else ""}) + "\n"
                           for a in ARTICLES), encoding="utf-8")
    if request.param == "whoosh":
        config = EngineConfig(index_dir=str(tmp_path_factory.mktemp("dup-browser-index")))
    else:
        need_opensearch()
        config = EngineConfig(engine="opensearch", engine_url=[OPENSEARCH_URL], shards=2, replicas=1,
                              index_name=f"fw-dupb-{secrets.token_hex(3)}")
    engine = open_engine(config)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)   # see tests/web/conftest.py
        build_index(sources=[src], engine=engine)
        gc.collect()
    app = create_app({"ENGINE_CONFIG": config})
    warm(app.extensions["facetwire_engine"])   # as `serve` does: a cold first search may be cut short
    with served(app) as url:
        yield url
    if hasattr(engine, "drop"):
        engine.drop()
    engine.close()


def test_similar_versions_control_shows_the_group(page, dup_server, request):
    page.goto(dup_server + "/search?sort=oldest")
    expect(page.locator(".hit")).to_have_count(5)
    expect(page.locator(".dedupe-line")).to_contain_text("5 after collapsing near-duplicates")
    link = page.locator(".hit", has_text="Norland raises rates").locator(".versions-link")
    expect(link).to_have_text("2 similar versions")
    if os.environ.get("FACETWIRE_SCREENSHOTS") and request.node.callspec.params["dup_server"] == "whoosh":
        page.screenshot(path=str(SHOTS / "near-duplicates.png"), full_page=True)
    link.click()
    expect(page.locator(".dedupe-line")).to_contain_text("Versions of one story")
    expect(page.locator(".hit-title")).to_have_text(["Norland raises rates", "Norland raises rates again",
                                                     "Norland bank raises rates (update)"])
    page.locator(".dedupe-switch").click()          # back to all articles, collapsed
    expect(page.locator(".hit")).to_have_count(5)
