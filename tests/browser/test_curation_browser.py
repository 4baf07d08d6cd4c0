"""The curation round trip in headless Chromium, on each engine: merge (from a facet value and from
the article page), hide, move, not an entity, each undone from the log; CSRF and curation tokens.

Each test gets its own server (writing on: CURATION, as `serve --curation`) over a fresh copy of the
handmade articles, since it changes them: a folder for Whoosh, a uniquely named index (and its
NAME-curation index) on the test cluster for OpenSearch. One test runs the real `app.py serve
--curation --curation-token` and gives the token as the browser's password.
"""
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from indexer.engines import open_engine
from web import create_app
from web.serve import warm

from clusters import OPENSEARCH_URL, loaded_config
from handmade import ARTICLES
from served import served
from test_accessibility import WIDTHS, axe_violations

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"


def count(facet, value):
    return sum(value in a[facet] for a in ARTICLES)


BIDEN = count("person", "Joe Biden")


@pytest.fixture(params=["whoosh", "opensearch"])
def engine_config(request, tmp_path):
    """A fresh index of the handmade articles on one engine; the cluster's indexes are dropped after."""
    with loaded_config(request.param, tmp_path, "fw-curb", shards=2, replicas=1) as config:
        yield config


@pytest.fixture
def curating_server(engine_config):
    app = create_app({"ENGINE_CONFIG": engine_config, "CURATION": True})
    warm(app.extensions["facetwire_engine"])   # as `serve` does: a cold first search may be cut short
    with served(app) as url:
        yield url


def facet_row(page, facet, name):
    return page.locator(f"#facet-{facet} .fv-row").filter(
        has=page.locator(".fv-label", has_text=re.compile(f"^{re.escape(name)}$")))


def count_of(page, facet, name):
    return int(facet_row(page, facet, name).locator(".fv-count").inner_text().replace(",", ""))


def open_controls(page, facet, name):
    row = facet_row(page, facet, name)
    row.locator(".fv-curate > summary").click()
    # styled by curation.css (a column of small controls), which the search page did not load
    assert row.locator(".curate").evaluate("e => getComputedStyle(e).display") == "flex"
    return row


def chip(page, facet, name):
    return page.locator(f".chip-{facet}", has_text=re.compile(f"^{re.escape(name)}$"))


def undo_from_log(page, base, n):
    page.goto(base + "/curation")
    page.get_by_role("button", name=f"Undo change {n}", exact=True).click()
    expect(page.locator("#curate-done")).to_contain_text(f"undo change {n}")


def shoot(page, name, **options):
    """Refresh docs/screenshots only when asked (FACETWIRE_SCREENSHOTS=1), as the other browser tests."""
    if os.environ.get("FACETWIRE_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / name), **options)


def test_merge_changes_the_counts_and_undo_brings_them_back(page, curating_server, engine_config):
    page.goto(curating_server + "/search")
    assert count_of(page, "person", "Joe Biden") == BIDEN
    row = open_controls(page, "person", "Joe Biden")
    row.get_by_label("Merge Joe Biden into").fill("Joseph R. Biden")
    row.get_by_role("button", name="Merge").click()

    expect(page.locator("#curate-done")).to_contain_text(f"{BIDEN} articles rewritten")
    if engine_config.engine == "whoosh":
        shoot(page, "curation-log.png", full_page=True)
    page.locator("#curate-back").click()
    expect(facet_row(page, "person", "Joseph R. Biden")).to_have_count(1)
    assert count_of(page, "person", "Joseph R. Biden") == BIDEN
    expect(facet_row(page, "person", "Joe Biden")).to_have_count(0)
    open_controls(page, "person", "Joseph R. Biden")
    if engine_config.engine == "whoosh":
        shoot(page, "curation-controls.png")

    undo_from_log(page, curating_server, 1)
    page.goto(curating_server + "/search")
    assert count_of(page, "person", "Joe Biden") == BIDEN
    expect(facet_row(page, "person", "Joseph R. Biden")).to_have_count(0)
    engine = open_engine(engine_config)
    try:
        stored = engine.curation()   # where the engine keeps it (OpenSearch: NAME-curation)
    finally:
        engine.close()
    assert [(c.op, c.value, c.undoes) for c in stored.changes] == [("merge", "Joe Biden", 0), ("undo", "", 1)]
    if engine_config.engine == "opensearch":
        with urllib.request.urlopen(f"{OPENSEARCH_URL}/{engine_config.index_name}-curation/_count") as resp:
            assert json.load(resp)["count"] == 2


def test_the_article_page_merges_a_value_and_the_search_finds_it_under_the_new_name(page, curating_server):
    page.goto(curating_server + "/article/a02")
    page.get_by_label("Curate Kamala Harris").click()
    page.get_by_label("Merge Kamala Harris into").fill("Kamala D. Harris")
    page.get_by_role("button", name="Merge", exact=True).click()
    harris = count("person", "Kamala Harris")
    expect(page.locator("#curate-done")).to_contain_text(
        f"merge person 'Kamala Harris' into 'Kamala D. Harris'; {harris} articles rewritten")
    page.locator("#curate-back").click()
    assert page.url.endswith("/article/a02")
    expect(chip(page, "person", "Kamala D. Harris")).to_have_count(1)
    expect(chip(page, "person", "Kamala Harris")).to_have_count(0)
    page.goto(curating_server + "/search")
    assert count_of(page, "person", "Kamala D. Harris") == harris
    expect(facet_row(page, "person", "Kamala Harris")).to_have_count(0)


def test_the_article_page_can_hide_a_value_and_the_log_undoes_it(page, curating_server):
    page.goto(curating_server + "/article/a12")
    expect(chip(page, "org", "Met Office")).to_have_count(1)
    page.get_by_label("Curate Met Office").click()
    page.get_by_role("button", name="Hide Met Office").click()
    expect(page.locator("#curate-done")).to_contain_text("hide org 'Met Office'")
    page.locator("#curate-back").click()
    expect(chip(page, "org", "Met Office")).to_have_count(0)
    page.goto(curating_server + "/curation")
    page.locator("tr", has_text="hide org").get_by_role("button", name="Undo").click()
    page.goto(curating_server + "/article/a12")
    expect(chip(page, "org", "Met Office")).to_have_count(1)


def test_moving_a_value_to_another_facet_and_undoing_it(page, curating_server):
    met = count("org", "Met Office")
    page.goto(curating_server + "/search")
    row = open_controls(page, "org", "Met Office")
    row.get_by_role("button", name="Move to person: Met Office").click()
    expect(page.locator("#curate-done")).to_contain_text(f"{met} articles rewritten")
    page.locator("#curate-back").click()
    expect(facet_row(page, "org", "Met Office")).to_have_count(0)
    assert count_of(page, "person", "Met Office") == met
    undo_from_log(page, curating_server, 1)
    page.goto(curating_server + "/search")
    assert count_of(page, "org", "Met Office") == met
    expect(facet_row(page, "person", "Met Office")).to_have_count(0)


def test_not_an_entity_removes_the_value_everywhere_until_undone(page, curating_server):
    union = count("org", "Dockers Union")
    page.goto(curating_server + "/search")
    row = open_controls(page, "org", "Dockers Union")
    row.get_by_role("button", name="Dockers Union is not an entity").click()
    expect(page.locator("#curate-done")).to_contain_text(f"{union} articles rewritten")
    page.locator("#curate-back").click()
    expect(facet_row(page, "org", "Dockers Union")).to_have_count(0)
    page.goto(curating_server + "/article/a01")
    expect(chip(page, "org", "Dockers Union")).to_have_count(0)
    undo_from_log(page, curating_server, 1)
    page.goto(curating_server + "/article/a01")
    expect(chip(page, "org", "Dockers Union")).to_have_count(1)


def test_a_form_without_its_csrf_cookie_is_refused_and_changes_nothing(page, curating_server):
    page.goto(curating_server + "/search")
    row = open_controls(page, "person", "Joe Biden")
    page.context.clear_cookies()       # the form still carries its token, the cookie it is signed for is gone
    row.get_by_role("button", name="Hide Joe Biden").click()
    expect(page.locator("main")).to_contain_text("CSRF token is missing or stale")
    page.goto(curating_server + "/api/curation")
    assert '"version":0' in page.locator("body").inner_text().replace(" ", "")
    page.goto(curating_server + "/search")
    assert count_of(page, "person", "Joe Biden") == BIDEN


@pytest.mark.parametrize("engine_config", ["whoosh"], indirect=True)   # the pages' markup: one engine
@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_axe_and_width_with_the_curation_controls_open(browser, curating_server, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(curating_server + "/search")
        if page.locator("#filters").count() and width == WIDTHS["phone"]:
            page.locator("#filters > summary").click()
        open_controls(page, "person", "Joe Biden")
        assert axe_violations(page) == []
        page.goto(curating_server + "/article/a02")
        page.get_by_label("Curate Joe Biden").click()
        assert axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.get_by_role("button", name="Hide Joe Biden").click()
        expect(page.locator("#curate-done")).to_be_visible()
        assert axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        page.close()


@pytest.mark.parametrize("engine_config", ["whoosh"], indirect=True)   # plain forms: one engine
def test_curating_works_without_javascript(browser, curating_server):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(curating_server + "/search")
        row = open_controls(page, "person", "Joe Biden")
        row.get_by_role("button", name="Hide Joe Biden").click()
        expect(page.locator("#curate-done")).to_contain_text(f"hide person 'Joe Biden'; {BIDEN} articles rewritten")
        page.get_by_role("button", name="Undo change 1", exact=True).click()
        expect(page.locator("#curate-done")).to_contain_text("undo change 1")
        page.locator("#curate-back").click()
        assert count_of(page, "person", "Joe Biden") == BIDEN
    finally:
        context.close()


# --- the real `serve --curation --curation-token`, the token given as the browser's password --------

TOKEN = "desk-token-0123456789abcdef"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served_with_token(engine_config, tmp_path):
    tokens = tmp_path / "tokens"
    tokens.write_text(f"desk {TOKEN}\n", encoding="utf-8")
    port = free_port()
    args = [sys.executable, str(ROOT / "app.py"), "serve", "--curation", "--curation-token", str(tokens),
            "--port", str(port), "--threads", "2"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for name in ("FACETWIRE_CURATION_TOKEN", "FACETWIRE_ACCESS_TOKEN"):
        env.pop(name, None)
    if engine_config.engine == "whoosh":
        args += ["--index-dir", engine_config.index_dir]
    else:
        args += ["--engine", "opensearch", "--engine-url", ",".join(engine_config.engine_url)]
        env["FACETWIRE_ENGINE_INDEX"] = engine_config.index_name
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if proc.poll() is not None:
                pytest.fail(f"serve exited with {proc.returncode}: {log.read_text(errors='replace')}")
            try:
                urllib.request.urlopen(base + "/api/curation", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"serve did not answer: {log.read_text(errors='replace')}")
        yield base, log
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_with_a_curation_token_asks_the_browser_and_writes_each_change_to_the_server_log(browser, served_with_token):
    base, log = served_with_token
    anonymous = browser.new_context()
    try:
        page = anonymous.new_page()
        page.goto(base + "/search")
        row = open_controls(page, "person", "Joe Biden")
        with page.expect_response(lambda r: r.url.endswith("/curate")) as answer:
            row.get_by_role("button", name="Hide Joe Biden").click()
        assert answer.value.status == 401
    finally:
        anonymous.close()

    desk = browser.new_context(http_credentials={"username": "any", "password": TOKEN})
    try:
        page = desk.new_page()
        page.set_default_timeout(10000)
        page.goto(base + "/search")
        row = open_controls(page, "person", "Joe Biden")
        row.get_by_role("button", name="Hide Joe Biden").click()
        expect(page.locator("#curate-done")).to_contain_text(f"hide person 'Joe Biden'; {BIDEN} articles rewritten")
        expect(page.locator("#change-1")).to_contain_text("desk")
        page.goto(base + "/search")
        expect(facet_row(page, "person", "Joe Biden")).to_have_count(0)
    finally:
        desk.close()
    assert re.search(r"curation change 1 by desk: hide person 'Joe Biden'", log.read_text(errors="replace"))
