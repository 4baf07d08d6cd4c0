"""Issue 11 §2 on the article page: how a short form several people share was read is shown beside
the article ("“Trump” read as Donald Trump: ..."), on an index built by the real pipeline; an
article without such a reading (or stored before readings existed) shows no such block."""
import gc
import html
import json
import warnings

import pytest

from web import create_app

FAMILY = {"id": "family-1", "date": "2020-01-06", "title": "Summit in Paris",
          "body": "Donald Trump arrived in Paris on Monday. Donald Trump met Emmanuel Macron. Melania Trump "
                  "visited a school. Later Trump said the talks went well."}
CLINTONS = {"id": "family-2", "date": "2020-01-07", "title": "Clintons campaign",
            "body": "Bill Clinton spoke in Ohio. Later Hillary Clinton spoke in Iowa, where Clinton said she "
                    "would win."}
PLAIN = {"id": "plain-1", "date": "2020-01-08", "title": "Harbour reopens",
         "body": "Mayor Ana Lopez reopened the harbour in Valencia on Tuesday."}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from indexer.build import build_index

    src = tmp_path_factory.mktemp("readings-src") / "articles.jsonl"
    src.write_text("".join(json.dumps(a) + "\n" for a in (FAMILY, CLINTONS, PLAIN)), encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("readings-index")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)   # as tests/web/conftest.py
        build_index(sources=[src], index_dir=index_dir)
        gc.collect()
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()


def readings_block(page):
    start = page.find('<section class="side-block readings">')
    return "" if start < 0 else page[start:page.index("</section>", start)]


def test_article_page_says_how_a_family_surname_was_read(client):
    resp = client.get("/article/family-1")
    assert resp.status_code == 200
    block = html.unescape(readings_block(resp.get_data(as_text=True)))
    assert "How names were read" in block
    assert "“Trump” read as Donald Trump: named in full twice, the most of the Trump family here " \
           "(also: Melania Trump, named once)" in block


def test_article_page_says_when_only_proximity_decided(client):
    block = html.unescape(readings_block(client.get("/article/family-2").get_data(as_text=True)))
    assert "“Clinton” read as Hillary Clinton: ambiguous" in block and "(also: Bill Clinton)" in block


def test_article_without_a_shared_short_form_has_no_readings(client, hand_client):
    assert readings_block(client.get("/article/plain-1").get_data(as_text=True)) == ""
    # the handmade index stores documents with no mentions at all: the page is as before
    resp = hand_client.get("/article/a01")
    assert resp.status_code == 200 and readings_block(resp.get_data(as_text=True)) == ""
