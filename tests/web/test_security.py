"""Exposure: host names the server answers to, the access token, export slots."""
import base64

import pytest

from web import create_app


@pytest.fixture
def make_client(hand_dir):
    def make(**config):
        return create_app({"INDEX_DIR": str(hand_dir), "TESTING": True, **config}).test_client()
    return make


@pytest.mark.parametrize("host, status", [
    ("localhost", 200), ("localhost:5000", 200), ("127.0.0.1:8080", 200), ("[::1]:5000", 200), ("LOCALHOST", 200),
    ("evil.example", 400), ("evil.example:5000", 400), ("127.0.0.1.evil.example", 400), ("", 400),
])
def test_only_configured_host_names_are_answered(make_client, host, status):
    # Regression: any Host was answered, so a DNS-rebinding page could read a loopback archive.
    assert make_client().get("/api/search", headers={"Host": host}).status_code == status


def test_more_host_names_can_be_allowed(make_client):
    client = make_client(ALLOWED_HOSTS=["localhost", "archive.example.org"])
    assert client.get("/", headers={"Host": "archive.example.org"}).status_code == 200
    assert client.get("/", headers={"Host": "other.example.org"}).status_code == 400


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize("path", ["/", "/api/search", "/help", "/static/app.css", "/api/export"])
def test_with_a_token_every_route_asks_for_it(make_client, path):
    client = make_client(ACCESS_TOKEN="s3cret")

    def status(auth=None):
        with client.get(path, headers={"Authorization": auth} if auth else {}) as resp:
            resp.get_data()
            return resp.status_code, resp.headers.get("WWW-Authenticate", "")

    assert status() == (401, 'Basic realm="Facetwire", charset="UTF-8"')
    assert status("Bearer wrong")[0] == status(basic("me", "wrong"))[0] == status("Token s3cret")[0] == 401
    assert status("Bearer s3cret")[0] == status(basic("anyone", "s3cret"))[0] == 200


def test_api_errors_about_the_token_are_json(make_client):
    resp = make_client(ACCESS_TOKEN="s3cret").get("/api/search")
    assert resp.status_code == 401 and resp.get_json()["status"] == 401


def test_exports_beyond_the_slots_are_told_to_come_back(make_client):
    client = make_client(EXPORT_SLOTS=1)
    first = client.get("/api/export", buffered=False)
    assert first.status_code == 200
    next(first.response)                     # streaming, slot held
    busy = client.get("/api/export")
    assert busy.status_code == 503 and "try again" in busy.get_json()["message"]
    assert client.get("/api/search").status_code == 200   # interactive pages still answer
    first.close()                            # done (or the client went away): the slot is free
    for _ in range(3):                       # a finished export gives its slot back
        with client.get("/api/export") as resp:
            assert resp.status_code == 200
            resp.get_data()
