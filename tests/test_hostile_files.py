"""Hostile input against the article reader: each test reproduces one finding of an attack.

Big or odd files (deep nesting, compression bombs, FIFOs, devices, file names that are not
UTF-8) are made in tmp_path; small fixed ones live in fixtures/hostile/.
"""
import csv
import gzip
import io
import json
import os
import shutil
import socket
import stat
import threading
import tracemalloc
import zlib
from pathlib import Path

import pytest

from indexer.articles import (BAD_ID, MAX_DEPTH, MAX_EXPANSION, MAX_ID, MAX_NODES, MAX_RECORD, read_file,
                              read_sources)

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"


def read(paths):
    problems = []
    return list(read_sources(paths, problems.append)), problems


def found(problems):
    """Map (file name, where) -> Problem, for assertions that name both."""
    return {(p.path.rsplit("/", 1)[-1], p.where): p for p in problems}


def jsonl(records):
    return "".join(json.dumps(r) + "\n" for r in records)


def assert_all_utf8(articles, problems):
    """Nothing the reader hands on may hold a str that cannot be encoded (Whoosh commits fail)."""
    for a in articles:
        for text in (a.id, a.title, a.body, a.source, a.url, a.section, a.dateline, a.origin, a.where):
            text.encode("utf-8")
        json.dumps(a.meta, ensure_ascii=False).encode("utf-8")
        a.content_hash()
    for p in problems:
        assert "\n" not in str(p)
        str(p).encode("utf-8")


def write_gzip(path, chunks):
    """Write a gzip file from byte chunks without holding what they expand to."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    with open(path, "wb") as fh:
        for chunk in chunks:
            fh.write(packer.compress(chunk))
        fh.write(packer.flush())


# 1. One bad record aborted the whole run.

def test_one_bad_record_never_costs_the_good_ones(tmp_path):
    good = [{"id": f"g{i}", "title": f"Good {i}", "body": f"Body {i}."} for i in range(184)]
    (tmp_path / "good.jsonl").write_text(jsonl(good))
    (tmp_path / "deep.jsonl").write_text(jsonl([{"id": "d1", "body": "x"}]) + "[" * 100_000 + "\n"
                                         + jsonl([{"id": "d2", "body": "x"}]))
    shutil.copy(HOSTILE / "records.jsonl", tmp_path)
    (tmp_path / os.fsdecode(b"caf\xff.jsonl")).write_text(jsonl([{"body": "No id of its own."}]))
    (tmp_path / os.fsdecode(b"page\xff.txt")).write_text("A page\n\nIts body.\n")

    articles, problems = read([tmp_path])
    ids = {a.id for a in articles}
    expected = {r["id"] for r in good} | {"d1", "d2", "before", "surrogate", "after",
                                          "caf\\xff.jsonl:1", "page\\xff.txt"}
    assert ids == expected
    by_place = found(problems)
    assert "nested deeper than" in by_place["deep.jsonl", "line 2"].reason
    assert "4300 digits" in by_place["records.jsonl", "line 3"].reason
    assert all(by_place[k].skipped for k in [("deep.jsonl", "line 2"), ("records.jsonl", "line 3")])
    repaired = by_place["records.jsonl", "line 2"]
    assert not repaired.skipped and "surrogate" in repaired.reason
    assert {p.path.rsplit("/", 1)[-1] for p in problems if "file name" in p.reason and not p.skipped} == {
        "caf\\xff.jsonl", "page\\xff.txt"}
    assert not any(p.source_error for p in problems) and len(problems) == 5
    assert_all_utf8(articles, problems)
    surrogate = next(a for a in articles if a.id == "surrogate")
    assert (surrogate.title, surrogate.body) == ("Half \ufffd a pair", "Low \ufffd alone")
    assert surrogate.meta == {"tag\ufffd": ["x\ufffd"], "emoji": "\U0001F600"}  # a proper pair is kept


def test_nesting_up_to_the_limit_is_kept(tmp_path):
    def nested(depth):  # the record itself is level 1, each list one more
        value = "leaf"
        for _ in range(depth - 1):
            value = [value]
        return {"id": f"depth{depth}", "body": "text", "tree": value}
    (tmp_path / "a.jsonl").write_text(jsonl([nested(MAX_DEPTH), nested(MAX_DEPTH + 1)]))
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == [f"depth{MAX_DEPTH}"]
    assert [(p.where, p.skipped) for p in problems] == [("line 2", True)]


def test_record_of_too_many_lists_is_skipped_before_parsing(tmp_path):
    flat = {"id": "many", "body": "text", "m": [[]] * MAX_NODES}  # with the record and "m": MAX_NODES + 2
    fewer = {"id": "fewer", "body": "text", "m": [[]] * (MAX_NODES - 2)}
    (tmp_path / "a.jsonl").write_text(jsonl([flat, fewer]))
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["fewer"]
    assert [(p.where, "lists and objects" in p.reason) for p in problems] == [("line 1", True)]


# 2. An unclosed CSV quote silently swallowed the rest of the file.

def test_unclosed_csv_quote_skips_its_record_and_reading_resumes(tmp_path):
    articles, problems = read([HOSTILE / "unclosed_quote.csv"])
    assert [(a.id, a.body) for a in articles] == [("c1", "First body"), ("c3", "Third body"),
                                                  ("c4", "Fourth body")]
    (p,) = problems
    assert (p.where, p.skipped, p.source_error) == ("line 3", True, False)
    assert "unclosed quote" in p.reason and "record 2" in p.reason and "line 4" in p.reason


def test_quote_closed_by_a_later_field_is_an_unclosed_quote(tmp_path):
    # csv.reader pairs the stray quote with q3's opening one and merges two rows into one field.
    articles, problems = read([HOSTILE / "quote_closed_by_later_field.csv"])
    assert [(a.id, a.body) for a in articles] == [("q1", "First body"), ("q3", "Third, quoted body"),
                                                  ("q4", "Fourth\n\nbody on two paragraphs")]
    assert [(p.where, "unclosed quote" in p.reason) for p in problems] == [("line 3", True)]


def test_unclosed_quote_in_the_last_record_and_in_the_header(tmp_path):
    (tmp_path / "last.csv").write_text('title,body\nFine,Body one\nCut,"no end to this\n')
    (tmp_path / "header.csv").write_text('title,"body\nFine,Body one\n')
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["last.csv:1"]
    by_place = found(problems)
    assert "the header row has an unclosed quote" in by_place["header.csv", "line 1"].reason
    assert by_place["header.csv", "line 1"].source_error  # none of its records could be read
    assert "unclosed quote" in by_place["last.csv", "line 3"].reason
    assert not by_place["last.csv", "line 3"].source_error


WELL_FORMED_CSV = {
    "quoted.csv": 'title,body\nA,"one, two"\nB,"say ""hi"""\nC,""""\n"D ""x""","multi\n\nline\n"\n',
    "lenient.csv": 'title,body\n5" screen,plain "quote" inside\nE,"closed"then more\n F, "spaced"\n',
    "crlf.csv": 'title,body\r\nA,"x\r\ny"\r\nB,z\r\n\r\nC,w',
    "cr.csv": 'title,body\rA,"x\ry"\rB,z\r',
    "semi.csv": 'title;body\nA;"x;y"\nB;"q""q"\n',
    "tab.csv": 'title\tbody\nA\t"x\ty"\n',
}


@pytest.mark.parametrize("name", sorted(WELL_FORMED_CSV))
def test_csv_records_are_what_the_csv_module_reads(tmp_path, name):
    text = WELL_FORMED_CSV[name]
    (tmp_path / name).write_bytes(text.encode())
    articles, problems = read([tmp_path / name])
    delimiter = max(",;\t", key=text.split("\n")[0].count)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    expected = [(f"{name}:{n}", dict(zip(rows[0], row))) for n, row in enumerate(rows[1:], 1) if row]
    assert [(a.id, a.body) for a in articles] == [(i, row["body"].strip()) for i, row in expected]
    assert [" ".join(row["title"].split()) for _, row in expected] == [a.title for a in articles]
    assert problems == []


def test_csv_field_longer_than_the_csv_module_default(tmp_path):
    body = "word " * 60_000  # 300 KB: over csv.field_size_limit()'s default of 128 KB
    (tmp_path / "big.csv").write_text(f'title,body\nBig,"{body}"\n')
    (article,), problems = read([tmp_path])
    assert (article.body, problems) == (body.strip(), [])


# 3. Small files, big costs.

def test_compressed_file_cannot_expand_without_bound(tmp_path):
    first = jsonl([{"id": "first", "body": "text"}]).encode()
    path = tmp_path / "zeros.jsonl.gz"
    write_gzip(path, [first] + [bytes(2**20)] * 100 + [b"\n", jsonl([{"id": "late", "body": "x"}]).encode()])
    tracemalloc.start()
    try:
        articles, problems = read([path])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [a.id for a in articles] == ["first"]
    by_place = found(problems)
    assert "longer than" in by_place["zeros.jsonl.gz", "line 2"].reason
    (bomb,) = [p for p in problems if f"more than {MAX_EXPANSION} times its size" in p.reason]
    assert bomb.source_error  # the rest of the file was not read: --prune must not act on it
    assert peak < 3 * MAX_RECORD  # 100 MB of zeros in one line; never held whole


def test_a_line_over_the_limit_is_skipped_and_one_at_the_limit_read(tmp_path):
    def line_of(size, rid):
        head = f'{{"id": "{rid}", "body": "'
        return head + "x" * (size - len(head) - 3) + '"}\n'
    text = line_of(MAX_RECORD, "at-limit") + line_of(MAX_RECORD + 1, "over") + jsonl([{"id": "after", "body": "x"}])
    assert len(text.splitlines(keepends=True)[0]) == MAX_RECORD
    (tmp_path / "big.jsonl").write_text(text)
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["at-limit", "after"]
    assert [(p.where, "longer than" in p.reason, p.skipped) for p in problems] == [("line 2", True, True)]


def test_runs_of_blank_lines_are_skipped_and_still_counted(tmp_path):
    blanks = b"\n" * 3_000_000 + b"  \r\n\t\n" * 1000
    write_gzip(tmp_path / "blank.jsonl.gz", [b'{"body": "first"}\n', blanks, b'{"body": "last"}\n'])
    (tmp_path / "blank.csv").write_bytes(b"title,body\nA,first\n" + blanks + b"B,last\n")
    articles, problems = read([tmp_path])
    lines = 1 + blanks.count(b"\n") + 1
    rows = 1 + blanks.count(b"\n") + 1  # csv.reader numbers blank rows too; ids must not move
    assert [(a.id, a.body) for a in articles] == [
        ("blank.csv:1", "first"), (f"blank.csv:{rows}", "last"),
        ("blank.jsonl.gz:1", "first"), (f"blank.jsonl.gz:{lines}", "last")]
    assert problems == []


def test_a_record_or_page_over_the_limit_is_skipped(tmp_path):
    paragraphs = "\n\n".join(["A paragraph of a story that goes on."] * (MAX_RECORD // 30))
    (tmp_path / "long.csv").write_text(f'title,body\nA,first\nHuge,"{paragraphs}"\nC,after\n')
    (tmp_path / "long.txt").write_text("Title\n\n" + paragraphs)
    articles, problems = read([tmp_path])
    assert [(a.id, a.body) for a in articles] == [("long.csv:1", "first"), ("long.csv:3", "after")]
    by_file = {p.path.rsplit("/", 1)[-1]: p for p in problems}
    assert by_file.keys() == {"long.csv", "long.txt"} and all("longer than" in p.reason for p in problems)
    assert by_file["long.csv"].where == "line 3" and "record 2" in by_file["long.csv"].reason
    assert not any(p.source_error for p in problems)


# 4. Ids from file names skipped the id check.

def test_ids_from_file_names_follow_the_id_rule(tmp_path):
    (tmp_path / "ctl\x01.txt").write_text("Control\n\nBody.\n")
    (tmp_path / "new\nline.txt").write_text("Newline\n\nBody.\n")
    (tmp_path / "tab\there.jsonl").write_text(jsonl([{"body": "no id"}, {"id": "own", "body": "own id"}]))
    deep = tmp_path / ("d" * 200) / ("e" * 200) / ("f" * 200)
    deep.mkdir(parents=True)
    for name in ("long-name-one.txt", "long-name-two.txt"):
        (deep / name).write_text(f"{name}\n\nBody.\n")
    articles, problems = read([tmp_path])
    ids = sorted(a.id for a in articles)
    long_ids = [i for i in ids if i.startswith("ddd")]
    assert ids == sorted(long_ids + ["ctl\\x01.txt", "new\\x0aline.txt", "tab\\x09here.jsonl:1", "own"])
    assert len(long_ids) == 2 and long_ids[0][:400] == long_ids[1][:400]  # distinct, by the hash
    for i in ids:
        assert len(i) <= MAX_ID and not BAD_ID.search(i)
    warned = [p for p in problems if "file name" in p.reason]
    assert len(warned) == len(problems) == 5 and not any(p.skipped or p.source_error for p in problems)
    assert_all_utf8(articles, problems)


# 5. Silently skipped without a message.

def test_fifo_devices_and_sockets_are_reported_never_opened(tmp_path):
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    (tmp_path / "null.txt").symlink_to("/dev/null")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(tmp_path / "sock.csv"))
        # Should the reader open the FIFO it would block: open the other end so that the test fails
        # instead of hanging.
        guard = threading.Timer(20, lambda: os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)))
        guard.daemon = True
        guard.start()
        try:
            articles, problems = read([tmp_path, "/dev/null"])
            direct = []
            list(read_file(fifo, direct.append, "pipe.jsonl"))  # as if swapped in after the listing
        finally:
            guard.cancel()
    assert articles == []
    reasons = {p.path.rsplit("/", 1)[-1]: (p.reason, p.skipped, p.source_error) for p in problems}
    assert reasons == {
        "pipe.jsonl": ("not a regular file (FIFO), not opened", True, False),
        "null.txt": ("not a regular file (character device), not opened", True, False),
        "sock.csv": ("not a regular file (socket), not opened", True, False),
        "null": ("not a regular file (character device), not opened", True, False),
    }
    assert [p.reason for p in direct] == ["not a regular file (FIFO), not read"]


def test_block_device_is_reported(tmp_path):
    try:
        os.mknod(tmp_path / "disk.txt", stat.S_IFBLK | 0o600, os.makedev(7, 200))
    except (PermissionError, OSError):
        pytest.skip("cannot make a block device here")
    articles, problems = read([tmp_path])
    assert articles == [] and [p.reason for p in problems] == ["not a regular file (block device), not opened"]


def test_links_to_folders_are_reported_not_followed(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("Title\n\nBody.\n")
    (tmp_path / "link").symlink_to("sub")
    (tmp_path / "sub" / "loop").symlink_to("..")
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["sub/a.txt"]
    assert sorted((p.path.rsplit("/", 1)[-1], p.reason, p.source_error) for p in problems) == [
        ("link", "symbolic link to a folder, not followed", False),
        ("loop", "symbolic link to a folder, not followed", False)]


def test_file_deleted_mid_run_is_a_source_error(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"{name}\n\nBody.\n")
    problems = []
    articles = read_sources([tmp_path], problems.append)
    assert next(articles).id == "a.txt"  # the folder is listed now
    (tmp_path / "b.txt").unlink()
    assert list(articles) == []
    assert [(p.path.rsplit("/", 1)[-1], p.reason, p.source_error) for p in problems] == [
        ("b.txt", "deleted after its folder was listed", True)]


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists any folder")
def test_unreadable_folder_is_a_source_error(tmp_path):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.txt").write_text("Title\n\nBody.\n")
    (tmp_path / "locked").chmod(0)
    try:
        articles, problems = read([tmp_path])
    finally:
        (tmp_path / "locked").chmod(0o700)
    assert articles == []
    assert [(p.reason, p.source_error) for p in problems] == [("cannot list the folder: Permission denied", True)]


def test_folders_nested_deeper_than_python_recurses(tmp_path):
    folders = [tmp_path]
    try:
        for _ in range(1500):  # made and removed a level at a time: mkdir(parents=True), rmtree recurse
            folders.append(folders[-1] / "a")
            folders[-1].mkdir()
        (folders[-1] / "page.txt").write_text("Title\n\nBody.\n")
        (article,), problems = read([tmp_path])
    finally:
        (folders[-1] / "page.txt").unlink(missing_ok=True)
        for folder in reversed(folders[1:]):
            folder.rmdir()
    assert len(article.id) <= MAX_ID and not BAD_ID.search(article.id)
    assert [p.skipped for p in problems] == [False]  # the id had to be shortened


def test_empty_and_header_only_files_are_reported(tmp_path):
    for name in ("empty.jsonl", "header_only.csv"):
        shutil.copy(HOSTILE / name, tmp_path)
    (tmp_path / "blank.jsonl").write_text("\n  \n\n")
    (tmp_path / "empty.jsonl.gz").write_bytes(gzip.compress(b""))
    (tmp_path / "empty.csv").write_text("\n\n")
    articles, problems = read([tmp_path])
    assert articles == []
    assert sorted((p.path.rsplit("/", 1)[-1], p.reason, p.skipped, p.source_error) for p in problems) == [
        ("blank.jsonl", "empty file", True, False),
        ("empty.csv", "empty file", True, False),
        ("empty.jsonl", "empty file", True, False),
        ("empty.jsonl.gz", "empty file", True, False),
        ("header_only.csv", "header only, no records", True, False)]


def test_hidden_files_stay_silent(tmp_path):
    (tmp_path / ".draft.jsonl").write_text("not json")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "a.txt").write_text("Title\n\nBody.\n")
    articles, problems = read([tmp_path])
    assert ([a.id for a in articles], problems) == (["a.txt"], [])
