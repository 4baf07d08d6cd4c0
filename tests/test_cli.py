"""The command line, run in-process with click's CliRunner on temporary folders."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import app

SEED = Path(__file__).parent / "fixtures" / "seed"
COMMANDS = ["index", "export", "stats", "serve"]


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("ix")
    result = CliRunner().invoke(app.cli, ["index", str(SEED), "--index-dir", str(index_dir)])
    assert result.exit_code == 0, result.output
    return index_dir


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(runner, command):
    result = runner.invoke(app.cli, [command, "--help"])
    assert result.exit_code == 0 and "--index-dir" in result.output


def test_index_prints_summary(seed_index, runner):
    result = runner.invoke(app.cli, ["index", str(SEED), "--index-dir", str(seed_index)])
    assert result.exit_code == 0
    assert "1 articles read: 0 added, 0 updated, 1 unchanged" in result.output


def test_export_jsonl_and_csv(seed_index, runner):
    result = runner.invoke(app.cli, ["export", "--index-dir", str(seed_index)])
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in result.output.splitlines()]
    assert record["id"] == "000_0460e67650089926.txt"
    assert record["source"] == "AFP"
    assert record["date"].startswith("2007-09-03")
    assert "Vladimir Putin" in record["person"] and "Kosovo" in record["country"]
    for key in ("title", "url", "org", "topic"):
        assert key in record
    csv_out = runner.invoke(app.cli, ["export", "--index-dir", str(seed_index), "--format", "csv"])
    assert csv_out.exit_code == 0 and csv_out.output.splitlines()[0].startswith("id,")


def test_export_with_filters(seed_index, runner):
    hit = runner.invoke(app.cli, ["export", "--index-dir", str(seed_index), "--country", "Kosovo"])
    miss = runner.invoke(app.cli, ["export", "--index-dir", str(seed_index), "--country", "Peru"])
    assert len(hit.output.splitlines()) == 1 and miss.output == ""
    query = runner.invoke(app.cli, ["export", "missile", "--index-dir", str(seed_index)])
    assert len(query.output.splitlines()) == 1


def test_stats(seed_index, runner):
    result = runner.invoke(app.cli, ["stats", "--index-dir", str(seed_index)])
    assert result.exit_code == 0, result.output
    assert "articles: 1" in result.output and "Vladimir Putin" in result.output


@pytest.mark.parametrize("command", [["stats"], ["export"], ["serve"]])
def test_missing_index_is_one_clear_line(tmp_path, runner, command):
    result = runner.invoke(app.cli, command + ["--index-dir", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.output.strip().startswith("error: no index in") and "Traceback" not in result.output


def test_index_of_nothing_readable_fails(tmp_path, runner):
    (tmp_path / "x.png").write_bytes(b"png")
    result = runner.invoke(app.cli, ["index", str(tmp_path), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 1
    assert "unknown file type" in result.output and "no articles could be read" in result.output


def test_serve_on_a_busy_port_is_one_clear_line(seed_index):
    # In a subprocess: waitress leaves half-made sockets to the garbage collector when it fails.
    import socket
    import subprocess
    import sys

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = subprocess.run([sys.executable, app.__file__, "serve", "--index-dir", str(seed_index),
                                 "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "error: cannot serve on 127.0.0.1" in result.stderr
    assert "Traceback" not in result.stderr


def test_interrupted_first_build_says_how_to_continue(tmp_path, runner):
    (tmp_path / "building").mkdir()
    result = runner.invoke(app.cli, ["stats", "--index-dir", str(tmp_path)])
    assert result.exit_code == 1 and "first build was interrupted" in result.output


def test_missing_source_with_prune_exits_1_and_removes_nothing(seed_index, runner, tmp_path):
    result = runner.invoke(app.cli, ["index", str(tmp_path / "typo"), "--index-dir", str(seed_index), "--prune"])
    assert result.exit_code == 1 and "nothing removed" in result.output
    assert "articles: 1" in runner.invoke(app.cli, ["stats", "--index-dir", str(seed_index)]).output


def test_stats_count_live_articles_only(tmp_path, runner):
    src = tmp_path / "src"
    src.mkdir()
    lines = [{"id": "a", "body": "Angela Merkel met Emmanuel Macron in Paris."},
             {"id": "b", "body": "Angela Merkel spoke in Berlin."}]
    (src / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines))
    ix = str(tmp_path / "ix")
    assert runner.invoke(app.cli, ["index", str(src), "--index-dir", ix, "--workers", "0"]).exit_code == 0
    lines[1]["body"] = "Olaf Scholz spoke in Berlin."  # b no longer mentions Merkel
    (src / "a.jsonl").write_text(json.dumps(lines[1]) + "\n")
    assert runner.invoke(app.cli, ["index", str(src), "--index-dir", ix, "--workers", "0", "--prune"]).exit_code == 0
    out = runner.invoke(app.cli, ["stats", "--index-dir", ix]).output
    assert "articles: 1" in out and "Angela Merkel" not in out and "Emmanuel Macron" not in out
    assert "1  Olaf Scholz" in out


@pytest.fixture(scope="module")
def handmade_index(tmp_path_factory):
    from test_search import build_handmade

    index_dir = tmp_path_factory.mktemp("hand")
    build_handmade(index_dir)
    return index_dir


def exported_ids(runner, index_dir, *args):
    result = runner.invoke(app.cli, ["export", "--index-dir", str(index_dir), *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line)["id"] for line in result.stdout.splitlines()]


@pytest.mark.parametrize("args, api_args", [
    (["--not-person", "Ana Lopez"], [("not_person", "Ana Lopez")]),
    (["--subtopic", "politics and government › election"], [("subtopic", "politics and government › election")]),
    (["--from", "2020-03", "--to", "2020-06-02"], [("from", "2020-03"), ("to", "2020-06-02")]),
    (["--country", "Spain", "--country", "France", "--not-topic", "weather", "--sort", "oldest"],
     [("country", "Spain"), ("country", "France"), ("not_topic", "weather"), ("sort", "oldest")]),
    (["--not-source", "Wire B", "--org", "Met Office"], [("not_source", "Wire B"), ("org", "Met Office")]),
])
def test_export_takes_the_same_filters_as_the_api(handmade_index, runner, args, api_args):
    # Regression: export knew --person/--country/--topic/--org/--source only.
    from web import create_app

    client = create_app({"INDEX_DIR": str(handmade_index), "TESTING": True}).test_client()
    resp = client.get("/api/export", query_string=api_args + [("format", "jsonl")])
    api_ids = [json.loads(line)["id"] for line in resp.get_data(as_text=True).splitlines()]
    assert exported_ids(runner, handmade_index, *args) == api_ids and api_ids


def test_every_facet_of_the_registry_is_an_export_option(runner):
    from indexer.facets import FACETS

    text = runner.invoke(app.cli, ["export", "--help"]).output
    for facet in FACETS:
        assert f"--{facet.name}" in text and f"--not-{facet.name}" in text


def test_gc_removes_a_replaced_generation(tmp_path, runner):
    for _ in range(2):
        result = runner.invoke(app.cli, ["index", str(SEED), "--index-dir", str(tmp_path), "--rebuild", "--workers", "0"])
        assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("gen-*"))) == 2       # the replaced one waits out its grace period
    result = runner.invoke(app.cli, ["gc", "--index-dir", str(tmp_path)])
    assert result.exit_code == 0 and result.output.startswith("removed 1:")
    assert len(list(tmp_path.glob("gen-*"))) == 1
    assert runner.invoke(app.cli, ["gc", "--index-dir", str(tmp_path)]).output == "nothing to remove\n"


def test_stats_never_prints_terminal_escapes_from_the_data(tmp_path, runner):
    # Regression: a facet value with ESC [ ... was printed raw and could rewrite the terminal.
    from indexer.document import Document
    from indexer.engines.whoosh import WhooshEngine

    engine = WhooshEngine(tmp_path)
    with engine.writer(fresh=True) as w:
        w.put([Document(id="x", title="t", body="b", person=["\x1b[2J\x1b[31mEvil\x07"], source=["S\x1b]0;pwned\x07"])])
        w.commit()
        w.publish()
    engine.close()
    result = runner.invoke(app.cli, ["stats", "--index-dir", str(tmp_path)])
    assert result.exit_code == 0
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b[2J\\x1b[31mEvil\\x07" in result.output


def test_a_full_disk_is_one_error_line(tmp_path, runner):
    # Regression: ENOSPC gave a raw traceback. /dev/full answers every write with ENOSPC.
    result = runner.invoke(app.cli, ["export", "--index-dir", str(tmp_path), "-o", "/dev/full"])
    assert result.exit_code == 1
    # no index there: the library's error comes first; now one with an index
    for _ in range(1):
        runner.invoke(app.cli, ["index", str(SEED), "--index-dir", str(tmp_path), "--workers", "0"])
    result = runner.invoke(app.cli, ["export", "--index-dir", str(tmp_path), "-o", "/dev/full"])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: No space left on device") and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.fixture
def small_disk(tmp_path):
    """A 300 KiB tmpfs (root only; skipped where mounting is not allowed)."""
    import subprocess

    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_indexing_onto_a_full_disk_is_one_error_line_and_keeps_the_live_index(small_disk, runner):
    index_dir = small_disk / "ix"
    first = runner.invoke(app.cli, ["index", str(SEED), "--index-dir", str(index_dir), "--workers", "0"])
    assert first.exit_code == 0, first.output
    filler = small_disk / "filler"
    try:
        with open(filler, "wb") as fh:   # fill what is left
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
    except OSError:
        pass
    result = runner.invoke(app.cli, ["index", str(SEED), "--index-dir", str(index_dir), "--rebuild", "--workers", "0"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "No space left on device" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: ")
    filler.unlink()
    export = runner.invoke(app.cli, ["export", "--index-dir", str(index_dir)])
    assert export.exit_code == 0 and len(export.stdout.splitlines()) == 1   # the live index is intact


def test_serving_beyond_loopback_warns_and_says_how_to_guard_it(seed_index, runner):
    import socket

    with socket.socket() as busy:                 # a taken port: serve warns, then cannot bind, exits
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        result = runner.invoke(app.cli, ["serve", "--index-dir", str(seed_index), "--host", "0.0.0.0", "--port", port])
        quiet = runner.invoke(app.cli, ["serve", "--index-dir", str(seed_index), "--host", "127.0.0.1", "--port", port])
    assert result.exit_code == 1 and "cannot serve" in result.stderr
    assert "warning: --host 0.0.0.0 listens beyond this machine" in result.stderr
    assert "FACETWIRE_ACCESS_TOKEN" in result.stderr and "--allow-host" in result.stderr
    assert "warning" not in quiet.stderr


def test_export_text_column_and_bom(handmade_index, runner):
    base = ["export", "--index-dir", str(handmade_index), "harbour"]
    body = runner.invoke(app.cli, base + ["--text", "body"])
    records = [json.loads(line) for line in body.stdout.splitlines()]
    assert records and all("harbour" in r["body"].lower() or "harbour" in r["title"].lower() for r in records)
    csv_out = runner.invoke(app.cli, base + ["--format", "csv", "--text", "snippet", "--bom"])
    assert csv_out.exit_code == 0 and csv_out.stdout.startswith("\ufeffid,") and ",snippet" in csv_out.stdout.splitlines()[0]
    plain = runner.invoke(app.cli, base + ["--format", "csv"])
    assert not plain.stdout.startswith("\ufeff")
    bad = runner.invoke(app.cli, base + ["--bom"])
    assert bad.exit_code == 2 and "--bom is for --format csv" in bad.output


def test_an_index_of_an_older_format_exits_3_so_make_run_can_rebuild_it(tmp_path, runner):
    """`make run`'s index-sample rebuilds on exit code 3 only: any other failure stops it."""
    from indexer.engines.whoosh import store

    index_dir = tmp_path / "ix"
    assert runner.invoke(app.cli, ["index", str(SEED), "--index-dir", str(index_dir)]).exit_code == 0
    (store.live_path(index_dir) / store.FORMAT).unlink()   # as every index written before formats
    for args in (["index", str(SEED)], ["export"], ["stats"]):
        result = runner.invoke(app.cli, args + ["--index-dir", str(index_dir)])
        assert result.exit_code == app.EXIT_OUTDATED == 3, (args, result.output)
    assert runner.invoke(app.cli, ["stats", "--index-dir", str(tmp_path / "none")]).exit_code == 1
    makefile = (Path(__file__).parent.parent / "Makefile").read_text()
    assert "if [ $$rc = 3 ]" in makefile and "--rebuild" in makefile.split("index-sample:")[1].split("\n\n")[0]
