"""Export options (indexer/export.py and /api/export): a text column, a CSV for Excel, a file name
that says what was exported; and without options, the output it always had."""
import csv
import io
import json
import re
from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from handmade import ARTICLES
from indexer import export
from indexer.search.request import SearchRequest

BY_ID = {a["id"]: a for a in ARTICLES}
LISTS = ("person", "country", "org", "topic", "subtopic")


def get(client, pairs):
    """Return the response and its body; closed, so its export slot is free again."""
    resp = client.get("/api/export", query_string=MultiDict(pairs))
    body = resp.get_data()
    resp.close()
    return resp, body


def reference_csv(rows):
    """The CSV format as it has always been: FIELDS, lists joined by "; ", csv's default dialect."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["id", "title", "date", "source", "url", *LISTS])
    for r in rows:
        writer.writerow([r["id"], r["title"], r["date"], r["source"], r["url"], *("; ".join(r[f]) for f in LISTS)])
    return buf.getvalue().encode("utf-8")


@pytest.mark.parametrize("pairs", [[], [("q", "harbour")], [("country", "Spain"), ("sort", "oldest")]])
def test_default_export_is_byte_identical_to_the_plain_format(hand_client, pairs):
    _, jsonl = get(hand_client, pairs + [("format", "jsonl")])
    rows = [json.loads(line) for line in jsonl.decode("utf-8").splitlines()]
    assert rows and all(list(r) == ["id", "title", "date", "source", "url", *LISTS] for r in rows)
    assert jsonl == "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    _, body = get(hand_client, pairs + [("format", "csv")])
    assert not body.startswith(b"\xef\xbb\xbf")
    assert body == reference_csv(rows)   # the handmade titles hold no formula signs to defuse


def test_text_body_adds_the_article_text_as_the_last_column(hand_client):
    _, body = get(hand_client, [("format", "csv"), ("text", "body"), ("q", "harbour")])
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert list(rows[0])[-1] == "body" and list(rows[0])[:-1] == list(export.FIELDS)
    assert {r["id"]: r["body"] for r in rows} == {i: BY_ID[i]["body"] for i in ("a01", "a03", "a05", "a10", "a12")}
    _, lines = get(hand_client, [("format", "jsonl"), ("text", "body"), ("q", "harbour")])
    assert [json.loads(x)["body"] for x in lines.decode("utf-8").splitlines()] == [r["body"] for r in rows]


def test_text_snippet_is_the_part_around_the_query_words(tmp_path):
    from test_search import build_handmade
    from web import create_app

    long_body = ("Filler words about nothing much. " * 30 + "The harbour flooded after the storm. "
                 + "More filler about other things. " * 30)
    build_handmade(tmp_path, articles=[dict(ARTICLES[0], body=long_body)])
    client = create_app({"INDEX_DIR": str(tmp_path), "TESTING": True}).test_client()
    _, lines = get(client, [("format", "jsonl"), ("text", "snippet"), ("q", "flood")])
    (rec,) = [json.loads(x) for x in lines.decode("utf-8").splitlines()]
    snippet = rec["snippet"]
    assert "The harbour flooded after the storm." in snippet
    assert snippet.startswith("… ") and snippet.endswith(" …") and len(snippet) <= export.SNIPPET_CHARS + 4
    assert " ".join(snippet.strip("… ").split()) in " ".join(long_body.split())
    _, lines = get(client, [("format", "jsonl"), ("text", "snippet")])
    opening = json.loads(lines)["snippet"]
    assert opening.startswith("Filler words about nothing much.") and opening.endswith(" …")


def test_bom_makes_an_excel_csv_and_changes_nothing_else(hand_client):
    _, plain = get(hand_client, [("format", "csv")])
    resp, excel = get(hand_client, [("format", "csv"), ("bom", "1")])
    assert excel == b"\xef\xbb\xbf" + plain
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert get(hand_client, [("format", "csv"), ("bom", "0")])[1] == plain


@pytest.mark.parametrize("pairs, message", [
    ([("text", "html")], "unknown text"),
    ([("bom", "yes"), ("format", "csv")], "bom="),
    ([("bom", "1"), ("format", "jsonl")], "CSV only"),
])
def test_bad_export_options_are_a_clear_400(hand_client, pairs, message):
    resp, _ = get(hand_client, pairs)
    assert resp.status_code == 400 and resp.is_json and message in resp.get_json()["message"]


def test_download_name_says_what_was_exported(hand_client):
    resp, _ = get(hand_client, [("format", "csv"), ("q", "harbour"), ("person", "Ana López"),
                                ("not_country", "France"), ("from", "2020-01")])
    name = re.fullmatch(r'attachment; filename="([^"]+)"', resp.headers["Content-Disposition"])[1]
    today = date.today().isoformat()
    assert name == f"facetwire-q-harbour-person-ana-lopez-not-country-france-from-2020-01-01-{today}.csv"
    resp, _ = get(hand_client, [("format", "jsonl")])
    assert resp.headers["Content-Disposition"] == f'attachment; filename="facetwire-{today}.jsonl"'


@pytest.mark.parametrize("pairs", [
    [("q", 'x"; filename=evil.exe; "\r\n')], [("person", "../../etc/passwd")], [("q", "Владимир Путин")],
    [("q", "word " * 200)], [("org", "\x00\u202e")],
])
def test_download_name_is_safe_and_short(hand_client, pairs):
    resp, _ = get(hand_client, pairs + [("format", "csv")])
    name = re.fullmatch(r'attachment; filename="([^"]+)"', resp.headers["Content-Disposition"])[1]
    assert re.fullmatch(r"facetwire(-[a-z0-9]+)*\.csv", name)
    assert len(name) <= len("facetwire-") + export.NAME_CHARS + len("-2024-01-01.csv")


def test_library_functions_take_the_options(hand_dir):
    """What the CLI calls: iter_records(text=), write_csv(text=, bom=), export_filename()."""
    from indexer.engines.whoosh import WhooshEngine

    engine = WhooshEngine(hand_dir)
    try:
        with engine.reader() as reader:
            req = SearchRequest.from_args({"q": "vaccine"})
            records = list(export.iter_records(reader, req, text="snippet"))
            fh = io.StringIO()
            assert export.write_csv(records, fh, text="snippet", bom=True) == len(records) == 2
            assert fh.getvalue().startswith("\ufeffid,title,date,source,url,person,country,org,topic,subtopic,snippet\r\n")
            fh = io.StringIO()
            export.write_jsonl(records, fh)
            assert all("snippet" in json.loads(x) for x in fh.getvalue().splitlines())
            assert export.export_filename(req, "csv", today=date(2024, 5, 1)) == "facetwire-q-vaccine-2024-05-01.csv"
            with pytest.raises(ValueError, match="unknown text column"):
                list(export.iter_records(reader, req, text="html"))
    finally:
        engine.close()


def test_explorer_offers_the_export_options(hand_client):
    html = hand_client.get("/search?q=harbour&person=Ana+Lopez").get_data(as_text=True)
    form = html.split('<form class="export-form"', 1)[1].split("</form>", 1)[0]
    assert 'action="/api/export"' in form and 'hx-boost="false"' in form
    assert '<input type="hidden" name="q" value="harbour">' in form
    assert '<input type="hidden" name="person" value="Ana Lopez">' in form
    assert 'name="text"' in form and 'value="snippet"' in form and 'value="body"' in form
    assert 'name="bom" value="1"' in form and 'name="format"' in form
