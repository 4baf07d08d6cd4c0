"""Curating from the browser (web/curation.py): off by default, CSRF and curation tokens, the round trip.

Each test gets a fresh copy of the handmade articles on each engine, since changes rewrite it.
"""
import base64
import re
from collections import Counter

import pytest

from indexer.engines import EngineConfig, open_engine
from web import create_app

from clusters import loaded_config
from handmade import ARTICLES, load

TOKEN = "a-long-curation-token-0123456789"


@pytest.fixture(params=["whoosh", "opensearch"])
def engine_config(request, tmp_path):
    with loaded_config(request.param, tmp_path, "fw-cur") as config:
        yield config


@pytest.fixture
def make_client(engine_config):
    def make(**config):
        return create_app({"ENGINE_CONFIG": engine_config, "TESTING": True, **config}).test_client()
    return make


def person_counts(client):
    return {v["value"]: v["count"] for v in client.get("/api/search?facet_size=100").get_json()["facets"]["person"]}


def expected_people(rename=None, drop=()):
    c = Counter()
    for a in ARTICLES:
        c.update({(rename or {}).get(v, v) for v in a["person"] if v not in drop})
    return dict(c)


def csrf_of(client, path="/"):
    resp = client.get(path)
    html = resp.get_data(as_text=True)
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, (resp.status_code, html[:3000])
    return found.group(1)


def post(client, csrf, headers=None, **form):
    return client.post("/curate", data={"csrf": csrf, "next": "/search?q=", **form}, headers=headers or {})


def test_writing_is_off_unless_switched_on(make_client):
    client = make_client()
    assert 'name="csrf"' not in client.get("/").get_data(as_text=True)
    resp = client.post("/curate", data={"op": "hide", "facet": "person", "value": "Ana Lopez"})
    assert resp.status_code == 403 and "serve --curation" in resp.get_data(as_text=True)
    assert person_counts(client) == expected_people()
    assert "off on this server" in client.get("/curation").get_data(as_text=True)


def test_merge_then_undo_from_forms_changes_the_counts_and_back(make_client):
    client = make_client(CURATION=True)
    csrf = csrf_of(client)
    resp = post(client, csrf, op="merge", facet="person", value="Joe Biden", target="Joseph R. Biden")
    assert resp.status_code == 303 and resp.headers["Location"].startswith("/curation?done=1")
    assert person_counts(client) == expected_people({"Joe Biden": "Joseph R. Biden"})
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "merge person &#39;Joe Biden&#39; into &#39;Joseph R. Biden&#39;; 3 articles rewritten" in page
    assert 'href="/search?q="' in page                                 # back to where the change was made
    assert post(client, csrf, op="undo", undo="1").status_code == 303
    assert person_counts(client) == expected_people()
    log = client.get("/api/curation").get_json()
    assert [(c["op"], c["by"], c["undone"]) for c in log["changes"]] == [("merge", "local", True), ("undo", "local", False)]


def test_every_post_needs_the_pages_csrf_token_and_this_sites_origin(make_client):
    client = make_client(CURATION=True)
    csrf = csrf_of(client)
    form = {"op": "hide", "facet": "person", "value": "Ana Lopez"}
    assert client.post("/curate", data=form).status_code == 403
    assert post(client, "0" * 64, **form).status_code == 403
    other = make_client(CURATION=True)                                  # a token of another browser's page
    csrf_of(other)
    assert post(other, csrf, **form).status_code == 403
    assert post(client, csrf, headers={"Origin": "https://evil.example"}, **form).status_code == 403
    assert person_counts(client) == expected_people()
    assert post(client, csrf, headers={"Origin": "http://localhost"}, **form).status_code == 303
    assert person_counts(client) == expected_people(drop={"Ana Lopez"})


def test_with_curation_tokens_a_change_needs_one_and_is_logged_with_its_name(make_client):
    client = make_client(CURATION=True, CURATION_TOKENS={TOKEN: "desk"})
    csrf = csrf_of(client)
    form = {"op": "move", "facet": "person", "value": "Donald Trump", "target": "org"}
    resp = post(client, csrf, **form)
    assert resp.status_code == 401 and "curation token" in resp.get_data(as_text=True)
    assert post(client, csrf, headers={"Authorization": "Bearer wrong-token-0123456789"}, **form).status_code == 401
    basic = "Basic " + base64.b64encode(f"me:{TOKEN}".encode()).decode()
    assert post(client, csrf, headers={"Authorization": basic}, **form).status_code == 303
    assert client.get("/api/curation").get_json()["changes"][0]["by"] == "desk"
    assert "Donald Trump" not in person_counts(client)


def test_a_curator_token_also_opens_an_archive_that_needs_its_access_token(make_client):
    client = make_client(ACCESS_TOKEN="reader-token", CURATION=True, CURATION_TOKENS={TOKEN: "desk"})
    assert client.get("/").status_code == 401
    assert client.get("/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


@pytest.mark.parametrize("form, status, message", [
    ({"op": "explode"}, 400, "Unknown change"),
    ({"op": "merge", "facet": "person", "value": "Ana Lopez", "target": "Ana Lopez"}, 400, "into itself"),
    ({"op": "move", "facet": "country", "value": "Spain", "target": "org"}, 400, "moves between"),
    ({"op": "undo", "undo": "99"}, 400, "no change 99"),
    ({"op": "undo", "undo": "x"}, 400, "number of a change"),
    ({"op": "hide", "facet": "person", "value": ""}, 400, "needs a value"),
])
def test_bad_changes_are_a_clear_400_and_change_nothing(make_client, form, status, message):
    client = make_client(CURATION=True)
    resp = post(client, csrf_of(client), **form)
    assert resp.status_code == status and message in resp.get_data(as_text=True)
    assert client.get("/api/curation").get_json()["changes"] == []


def test_controls_are_on_facet_values_and_the_article_page_only_when_writing_is_on(make_client):
    on, off = make_client(CURATION=True), make_client()
    search = on.get("/").get_data(as_text=True)
    assert 'data-curate-facet="person" data-curate-value="Ana Lopez"' in search
    assert 'data-curate-facet="source"' not in search                 # sources come from the data, not NER
    article = on.get("/article/a02").get_data(as_text=True)
    assert 'data-curate-facet="person" data-curate-value="Joe Biden"' in article
    assert "Move to org: Joe Biden" in article
    assert "data-curate-facet" not in off.get("/article/a02").get_data(as_text=True)


def test_the_search_page_loads_the_stylesheet_of_its_curation_controls(make_client):
    # The facet values' controls were unstyled: only the article page and the log linked curation.css.
    on, off = make_client(CURATION=True), make_client()
    for path in ("/search", "/article/a02", "/curation"):
        assert "/static/curation.css" in on.get(path).get_data(as_text=True), path
    assert "/static/curation.css" not in off.get("/search").get_data(as_text=True)


def test_the_export_is_the_aliases_toml(make_client):
    client = make_client(CURATION=True)
    post(client, csrf_of(client), op="hide", facet="org", value="Met Office")
    resp = client.get("/curation.toml")
    assert resp.status_code == 200 and '[org]\nhide = ["Met Office"]' in resp.get_data(as_text=True)


def test_a_curation_log_that_cannot_be_read_is_a_503_that_says_so_not_a_500(tmp_path):
    # The Whoosh log is a file in the index folder: a hand edit can break it.
    index_dir = tmp_path / "ix"
    load(open_engine(EngineConfig(index_dir=str(index_dir)))).close()
    (index_dir / "curation.json").write_text("{broken", encoding="utf-8")
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True, "CURATION": True}).test_client()
    for path in ("/curation", "/api/curation", "/curation.toml"):
        resp = client.get(path)
        assert resp.status_code == 503 and "curation" in resp.get_data(as_text=True) and "not valid JSON" in resp.get_data(as_text=True)
    resp = post(client, csrf_of(client), op="hide", facet="person", value="Ana Lopez")
    assert resp.status_code == 400 and "not valid JSON" in resp.get_data(as_text=True)
    assert client.get("/api/search").status_code == 200      # searching does not need the log


def test_curation_tokens_are_read_as_name_token_lines_and_short_ones_refused():
    from indexer.errors import FacetwireError
    from web.curation import read_curation_tokens

    text = f"# who may curate\ndesk {TOKEN}\n\n{TOKEN[::-1]}  # a bare token\n"
    assert read_curation_tokens(text, "tokens.txt") == {TOKEN: "desk", TOKEN[::-1]: "curator"}
    assert read_curation_tokens(f"a {TOKEN},b {TOKEN}x", "FACETWIRE_CURATION_TOKEN") == {TOKEN: "a", TOKEN + "x": "b"}
    with pytest.raises(FacetwireError, match="tokens.txt, line 2: expected NAME TOKEN"):
        read_curation_tokens(f"desk {TOKEN}\nshort abc\n", "tokens.txt")


def test_serve_refuses_a_curation_token_without_curation(tmp_path):
    from click.testing import CliRunner

    import app

    index_dir = tmp_path / "ix"
    load(open_engine(EngineConfig(index_dir=str(index_dir)))).close()
    tokens = tmp_path / "tokens.txt"
    tokens.write_text(f"desk {TOKEN}\n", encoding="utf-8")
    result = CliRunner().invoke(app.cli, ["serve", "--index-dir", str(index_dir), "--curation-token", str(tokens),
                                          "--port", "1"])
    assert result.exit_code == 2 and "needs --curation" in result.output
