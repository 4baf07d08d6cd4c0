"""`app.py curate ...` and the curation in `stats`, on a real index built by `index` (real NER)."""
import json

import pytest
from click.testing import CliRunner

import app

LINES = [{"id": "a", "title": "Zelenskyy meets Angela Merkel", "body": "Zelenskyy met Angela Merkel in Berlin."},
         {"id": "b", "title": "Merkel in Paris", "body": "Angela Merkel spoke in Paris with Emmanuel Macron."},
         {"id": "c", "title": "Macron speaks", "body": "Emmanuel Macron spoke in Paris."}]


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def built(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in LINES), encoding="utf-8")
    ix = str(tmp_path / "ix")
    result = CliRunner().invoke(app.cli, ["index", str(src), "--index-dir", ix, "--workers", "0"])
    assert result.exit_code == 0, result.output
    return src, ix


def people(runner, ix):
    out = runner.invoke(app.cli, ["export", "--index-dir", ix]).output
    return {r["id"]: r["person"] for r in map(json.loads, out.splitlines())}


def test_merge_undo_and_list_change_the_exported_values_and_are_logged(built, runner):
    src, ix = built
    before = people(runner, ix)
    merkel = [i for i, p in before.items() if "Angela Merkel" in p]
    assert merkel, before
    result = runner.invoke(app.cli, ["curate", "merge", "person", "angela merkel", "Merkel, Angela",
                                     "--index-dir", ix, "--by", "desk"])
    assert result.exit_code == 0, result.output
    assert f"{len(merkel)} article(s) rewritten" in result.output
    after = people(runner, ix)
    assert {i for i, p in after.items() if "Merkel, Angela" in p} == set(merkel)
    assert not any("Angela Merkel" in p for p in after.values())
    log = runner.invoke(app.cli, ["curate", "list", "--index-dir", ix]).output
    assert "desk" in log and "merge person 'angela merkel' into 'Merkel, Angela'" in log
    assert runner.invoke(app.cli, ["curate", "undo", "1", "--index-dir", ix]).exit_code == 0
    assert people(runner, ix) == before
    assert "(undone)" in runner.invoke(app.cli, ["curate", "list", "--index-dir", ix]).output


def test_the_curation_survives_index_rebuild_and_prune_and_shows_in_stats(built, runner):
    src, ix = built
    assert runner.invoke(app.cli, ["curate", "hide", "person", "Emmanuel Macron", "--index-dir", ix]).exit_code == 0
    for extra in ([], ["--rebuild"], ["--prune"]):
        result = runner.invoke(app.cli, ["index", str(src), "--index-dir", ix, "--workers", "0", *extra])
        assert result.exit_code == 0, result.output
        assert not any("Emmanuel Macron" in p for p in people(runner, ix).values()), extra
    # A rebuild copied nothing of the curated values as extraction: undo brings Macron back everywhere.
    assert runner.invoke(app.cli, ["curate", "undo", "1", "--index-dir", ix]).exit_code == 0
    assert sum("Emmanuel Macron" in p for p in people(runner, ix).values()) == 2
    stats = runner.invoke(app.cli, ["stats", "--index-dir", ix]).output
    assert "curation (2 changes, 0 in effect" in stats


def test_export_and_import_round_trip_between_indexes(built, runner, tmp_path):
    src, ix = built
    for args in (["move", "person", "Emmanuel Macron", "org"], ["not-entity", "Paris"],
                 ["merge", "person", "Zelenskyy", "Volodymyr Zelensky"]):
        assert runner.invoke(app.cli, ["curate", *args, "--index-dir", ix]).exit_code == 0
    exported = runner.invoke(app.cli, ["curate", "export", "--index-dir", ix])
    assert exported.exit_code == 0 and '[person.move]' in exported.output
    plain = runner.invoke(app.cli, ["curate", "export", "--plain", "--index-dir", ix])
    assert "[person.move]" not in plain.stdout and "left out" in plain.stderr
    path = tmp_path / "curation.toml"
    path.write_text(exported.output, encoding="utf-8")
    other = str(tmp_path / "other")
    assert runner.invoke(app.cli, ["index", str(src), "--index-dir", other, "--workers", "0"]).exit_code == 0
    result = runner.invoke(app.cli, ["curate", "import", str(path), "--index-dir", other])
    assert result.exit_code == 0 and "3 change(s) added" in result.output, result.output
    assert people(runner, other) == people(runner, ix)


def test_bad_changes_and_files_are_one_error_line(built, runner, tmp_path):
    src, ix = built
    bad = runner.invoke(app.cli, ["curate", "move", "country", "France", "org", "--index-dir", ix])
    assert bad.exit_code == 1 and bad.output.startswith("error:") and "moves between" in bad.output
    assert runner.invoke(app.cli, ["curate", "undo", "9", "--index-dir", ix]).output.startswith("error: no change 9")
    path = tmp_path / "bad.toml"
    path.write_text("[people]\nhide = ['x']\n", encoding="utf-8")
    result = runner.invoke(app.cli, ["curate", "import", str(path), "--index-dir", ix])
    assert result.exit_code == 1 and "line 1: unknown facet [people]" in result.output
    assert runner.invoke(app.cli, ["curate", "list", "--index-dir", ix]).output == "no curation yet\n"
