"""Reading articles: the scraped-page layout, JSONL/CSV records, and every kind of bad input."""
import gzip
import json

import pytest
from datetime import datetime, timedelta, timezone

from pathlib import Path

from indexer.articles import Problem, read_sources

SEED = Path(__file__).parent / "fixtures" / "seed"


def read(paths):
    problems = []
    return list(read_sources(paths, problems.append)), problems


def test_seed_page_layout():
    (article,), problems = read([SEED])
    assert problems == []
    assert article.id == "000_0460e67650089926.txt"
    assert article.title == "Russia draws 'red line' on Kosovo, US missile defence: Lavrov"
    assert article.section == "Other News Materials"
    assert article.date == datetime(2007, 9, 3, 13, 5, tzinfo=timezone(timedelta(hours=4)))
    assert article.date.isoformat() == "2007-09-03T13:05:00+04:00"
    assert article.source == "AFP"
    assert article.body.startswith("Russia will not back down on \"red line\" issues")
    assert article.body.endswith("Chechen rebel leader Akhmed Zakayev.")
    for junk in ("Latest", "...", "Other News Materials", "( AFP )"):
        assert junk not in article.body


def test_text_without_layout_uses_first_line_as_title(tmp_path):
    (tmp_path / "note.txt").write_text("\n\nA plain headline\nFirst line of text.\nSecond line.\n")
    (article,), problems = read([tmp_path])
    assert problems == []
    assert (article.title, article.date, article.source) == ("A plain headline", None, "")
    assert article.body == "First line of text.\n\nSecond line."


def test_jsonl_gz_and_csv_records(tmp_path):
    rec = {"id": 7, "title": "T", "body": "B text", "date": "2020-01-02", "url": "http://x/1",
           "source": "Reuters", "places": ["usa"], "extra": "kept"}
    with gzip.open(tmp_path / "a.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(rec) + "\n")
    (tmp_path / "b.csv").write_text("title,text,date,source\nCsv title,\"Csv, body\",2021-05-06T07:08:09+02:00,AP\n")
    articles, problems = read([tmp_path])
    assert problems == []
    a, b = articles
    assert (a.id, a.title, a.body, a.source, a.url) == ("7", "T", "B text", "Reuters", "http://x/1")
    assert a.date == datetime(2020, 1, 2)
    assert a.meta == {"places": ["usa"], "extra": "kept"}  # labels are metadata, never facets
    assert (b.id, b.title, b.body, b.source) == ("b.csv:1", "Csv title", "Csv, body", "AP")
    assert b.date.utcoffset() == timedelta(hours=2)


def write_broken_folder(root):
    """One good file of each format plus one broken input of each kind; return the good ids."""
    (root / "good.txt").write_text("Good page\n\nSome body text about Paris.\n")
    good = {"id": "g1", "title": "Good record", "body": "Body of a good record."}
    (root / "mixed.jsonl").write_bytes(b"\n".join([
        json.dumps(good).encode(),
        b'{"id": "broken", "title": ',                                   # malformed JSON
        json.dumps({"id": "nobody", "title": "No body"}).encode(),      # no body
        json.dumps(["not", "an", "object"]).encode(),                   # not an object
        json.dumps({"id": "g1", "title": "Good record v2", "body": "Second version."}).encode(),  # dup
        '{"id": "latin", "title": "caf\xe9", "body": "na\xefve"}'.encode("latin-1"),  # bad UTF-8
    ]))
    (root / "empty.txt").write_text("")
    (root / "binary.txt").write_bytes(b"\x00\x01\x02binary\x00")
    (root / "picture.png").write_bytes(b"\x89PNG....")
    (root / "bad.csv").write_text("title,body\nno body here,\n")
    (root / "cut.jsonl.gz").write_bytes(gzip.compress(json.dumps(good | {"id": "gz1"}).encode() + b"\n")[:-12])
    return {"good.txt", "g1", "latin"}


def test_broken_inputs_are_reported_and_skipped(tmp_path):
    good = write_broken_folder(tmp_path)
    articles, problems = read([tmp_path, tmp_path / "missing-folder"])
    assert {a.id for a in articles} == good | {"g1"}
    reasons = {(p.path.rsplit("/", 1)[-1], p.where, p.skipped): p.reason for p in problems}
    expected = {
        ("mixed.jsonl", "line 2", True): "malformed JSON",
        ("mixed.jsonl", "line 3", True): "no body",
        ("mixed.jsonl", "line 4", True): "expected a JSON object",
        ("mixed.jsonl", "line 6", False): "not UTF-8: decoded as cp1252",
        ("empty.txt", "", True): "empty file",
        ("binary.txt", "", True): "binary file",
        ("picture.png", "", True): "unknown file type",
        ("bad.csv", "record 1", True): "no body",
        ("missing-folder", "", True): "no such file",
    }
    for key, words in expected.items():
        assert words in reasons[key], (key, reasons)
    cut = [p for p in problems if p.path.endswith("cut.jsonl.gz")]
    assert len(cut) == 1 and cut[0].skipped and "cannot read" in cut[0].reason
    assert all(str(p).startswith(("skipped: ", "warning: ")) for p in problems)
    latin = next(a for a in articles if a.id == "latin")
    assert latin.title == "café" and latin.body == "naïve"   # latin-1, read by its guessed encoding


def test_problem_message_names_path_place_and_reason():
    assert str(Problem("/x/a.jsonl", "line 3", "malformed JSON")) == "skipped: /x/a.jsonl:line 3: malformed JSON"


def test_page_dates_bad_offset_unknown_day_and_abbreviated_month(tmp_path):
    page = "Title {n}\n\nNews {line}\n\n( Reuters ) - Body {n}.\n"
    lines = {"bad_offset": "3 September 2007 13:05 (UTC +25:00)", "feb31": "31 February 2007 13:05 (UTC +01:00)",
             "sept": "3 Sept 2007 13:05 (UTC +01:00)", "minus": "3 Sep 2007 13:05 (UTC \u221203:00)"}
    for n, line in lines.items():
        (tmp_path / f"{n}.txt").write_text(page.format(n=n, line=line))
    articles, problems = read([tmp_path])
    by_id = {a.id: a for a in articles}
    assert len(by_id) == 4 and all(a.source == "Reuters" and a.section == "News" for a in articles)
    assert by_id["sept.txt"].date == datetime(2007, 9, 3, 13, 5, tzinfo=timezone(timedelta(hours=1)))
    assert by_id["minus.txt"].date.utcoffset() == timedelta(hours=-3)
    assert by_id["bad_offset.txt"].date is None and by_id["feb31.txt"].date is None
    assert sorted(p.path.rsplit("/", 1)[-1] for p in problems if "unreadable date" in p.reason and not p.skipped) == [
        "bad_offset.txt", "feb31.txt"]


def test_jsonl_line_with_bad_utf8_and_bad_json_is_skipped(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(b'{"id": "ok", "body": "fine"}\n{"id": "x", "body": "caf\xe9"\n')
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["ok"]
    assert [(p.where, p.skipped) for p in problems] == [("line 2", False), ("line 2", True)]


def test_jsonl_with_byte_order_mark_keeps_first_record(tmp_path):
    (tmp_path / "bom.jsonl").write_bytes(b'\xef\xbb\xbf{"id": "first", "body": "text"}\n')
    articles, problems = read([tmp_path])
    assert ([a.id for a in articles], problems) == (["first"], [])


def test_unusable_ids_fall_back_to_file_and_line(tmp_path):
    ids = ["/abs/path", "a/../b", "ctrl\u0001id", True, {"x": 1}, "  ", 42, " spaced "]
    write = "".join(json.dumps({"id": i, "body": "text"}) + "\n" for i in ids)
    (tmp_path / "ids.jsonl").write_text(write)
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["ids.jsonl:1", "ids.jsonl:2", "ids.jsonl:3", "ids.jsonl:4",
                                        "ids.jsonl:5", "ids.jsonl:6", "42", "spaced"]
    assert [p.where for p in problems] == ["line 1", "line 2", "line 3", "line 4", "line 5"]
    assert all(not p.skipped and "instead" in p.reason for p in problems)


def test_broken_symlink_and_unreadable_source_are_source_errors(tmp_path):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    articles, problems = read([tmp_path, tmp_path / "missing"])
    assert articles == []
    assert [(p.reason, p.source_error) for p in problems] == [
        ("broken symbolic link", True), ("no such file or folder", True)]


def test_csv_headers_any_case_and_semicolons(tmp_path):
    (tmp_path / "a.csv").write_text(" ID ; Title ;Body\n7;Semicolons;It works\n", encoding="utf-8")
    (article,), problems = read([tmp_path])
    assert problems == [] and (article.id, article.title, article.body) == ("7", "Semicolons", "It works")


WESTERN = "Café society: Zürich’s “naïve” résumé — 5 €, said Señor Peña."


def read_all(paths):
    problems = []
    return list(read_sources(paths, problems.append)), problems


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_a_text_page_not_in_utf8_is_decoded_by_its_guessed_encoding(tmp_path, encoding):
    # Regression: cp1252 and latin-1 pages came out with replacement characters.
    text = WESTERN if encoding == "cp1252" else WESTERN.replace("’", "'").replace("“", '"').replace(
        "”", '"').replace("—", "-").replace("€", "EUR")
    (tmp_path / "page.txt").write_bytes(f"Zürich café reopens\n\n{text}\n".encode(encoding))
    (article,), problems = read_all([tmp_path])
    assert article.title == "Zürich café reopens" and article.body == text and "\ufffd" not in article.body
    (warning,) = problems
    assert not warning.skipped and "not UTF-8: decoded as cp1252" in warning.reason


def test_jsonl_and_csv_records_in_cp1252_are_decoded_too(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(json.dumps({"id": "x", "title": "Zürich", "body": WESTERN},
                                                  ensure_ascii=False).encode("cp1252") + b"\n")
    (tmp_path / "b.csv").write_bytes(f'id,title,body\ny,Café,"{WESTERN}"\n'.encode("cp1252"))
    articles, problems = read_all([tmp_path / "a.jsonl", tmp_path / "b.csv"])
    assert [a.body for a in articles] == [WESTERN, WESTERN] and [a.title for a in articles] == ["Zürich", "Café"]
    assert len(problems) == 2 and all("decoded as cp1252" in p.reason for p in problems)


def test_bytes_no_encoding_reads_well_still_get_replacement_and_a_warning(tmp_path):
    (tmp_path / "noise.txt").write_bytes(b"Title\n\n" + bytes(range(0x80, 0x100)) * 3 + b" end")
    (article,), problems = read_all([tmp_path])
    assert article.title == "Title"
    assert problems and not problems[0].skipped
