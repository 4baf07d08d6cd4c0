"""A curation round trip in headless Chromium: merge from a facet value, the counts change, undo, back.

Its own server (writing on: CURATION) over a fresh copy of the handmade articles, since it changes them.
"""
import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from waitress.server import create_server

from indexer.engines import EngineConfig, open_engine
from web import create_app

from handmade import ARTICLES, load

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
BIDEN = sum("Joe Biden" in a["person"] for a in ARTICLES)


@pytest.fixture(scope="module")
def curating_server(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("curation-browser")
    engine = load(open_engine(EngineConfig(index_dir=str(index_dir))))
    engine.close()
    app = create_app({"INDEX_DIR": str(index_dir), "CURATION": True})
    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


def person_row(page, name):
    return page.locator("#facet-person .fv-row").filter(has=page.locator(".fv-label", has_text=name))


def count_of(page, name):
    return int(person_row(page, name).locator(".fv-count").inner_text().replace(",", ""))


def shoot(page, name, **options):
    """Refresh docs/screenshots only when asked (FACETWIRE_SCREENSHOTS=1), as the other browser tests."""
    if os.environ.get("FACETWIRE_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / name), **options)


def test_merge_changes_the_counts_and_undo_brings_them_back(page, curating_server):
    page.goto(curating_server + "/search")
    assert count_of(page, "Joe Biden") == BIDEN
    row = person_row(page, "Joe Biden")
    row.locator(".fv-curate > summary").click()
    row.get_by_label("Merge Joe Biden into").fill("Joseph R. Biden")
    row.get_by_role("button", name="Merge").click()

    expect(page.locator("#curate-done")).to_contain_text(f"{BIDEN} articles rewritten")
    shoot(page, "curation-log.png", full_page=True)
    page.locator("#curate-back").click()
    expect(person_row(page, "Joseph R. Biden")).to_have_count(1)
    assert count_of(page, "Joseph R. Biden") == BIDEN
    expect(person_row(page, "Joe Biden")).to_have_count(0)
    person_row(page, "Joseph R. Biden").locator(".fv-curate > summary").click()
    shoot(page, "curation-controls.png")

    page.goto(curating_server + "/curation")
    page.get_by_role("button", name="Undo change 1").click()
    expect(page.locator("#curate-done")).to_contain_text("undo change 1")
    page.goto(curating_server + "/search")
    assert count_of(page, "Joe Biden") == BIDEN
    expect(person_row(page, "Joseph R. Biden")).to_have_count(0)


def test_the_article_page_can_hide_a_value_and_the_log_undoes_it(page, curating_server):
    page.goto(curating_server + "/article/a12")
    expect(page.locator(".chip-org", has_text="Met Office")).to_have_count(1)
    page.get_by_label("Curate Met Office").click()
    page.get_by_role("button", name="Hide Met Office").click()
    expect(page.locator("#curate-done")).to_contain_text("hide org 'Met Office'")
    page.locator("#curate-back").click()
    expect(page.locator(".chip-org", has_text="Met Office")).to_have_count(0)
    page.goto(curating_server + "/curation")
    page.locator("tr", has_text="hide org").get_by_role("button", name="Undo").click()
    page.goto(curating_server + "/article/a12")
    expect(page.locator(".chip-org", has_text="Met Office")).to_have_count(1)
