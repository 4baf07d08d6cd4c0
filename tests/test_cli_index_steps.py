"""`index --no-resolve` / `--no-dedupe`: the index-wide steps at the end of a run can be skipped."""
import json

from click.testing import CliRunner

import app
from indexer.engines.whoosh import WhooshEngine
from indexer.search.request import SearchRequest

from dupdata import FLOOD, FLOOD_V2

ARTICLES = [
    {"id": "m1", "title": "Talks in Berlin", "body": "Chancellor Angela Merkel met the French president. "
     "Angela Merkel said the talks went well."},
    {"id": "m2", "title": "Budget", "body": "Chancellor Angela Merkel presented the budget on Tuesday."},
    {"id": "m3", "title": "Aid", "body": "Merkel said Germany would pay for the new plan."},
    {"id": "f1", "title": "Floods in Vell", "body": FLOOD, "date": "2021-02-01"},
    {"id": "f2", "title": "Vell floods", "body": FLOOD_V2, "date": "2021-02-02"},
]


def index(tmp_path, *flags):
    corpus = tmp_path / "news.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    result = CliRunner().invoke(app.cli, ["index", str(corpus), "--index-dir", str(tmp_path / "ix"),
                                          "--workers", "0", *flags])
    assert result.exit_code == 0, result.output
    engine = WhooshEngine(tmp_path / "ix")
    with engine.reader(batch=True) as r:
        dups = {d.id: d.dup for d in r.export(SearchRequest())}
    by = {c.by for c in engine.curation().changes}
    engine.close()
    return result.output, dups, by


def test_by_default_a_run_resolves_and_groups(tmp_path):
    output, dups, by = index(tmp_path)
    assert "index-wide resolution merged" in output and "near-duplicates: 2 of 5" in output
    assert "resolve" in by and dups["f2"] == "f1"


def test_no_resolve_and_no_dedupe_skip_both_steps(tmp_path):
    output, dups, by = index(tmp_path, "--no-resolve", "--no-dedupe")
    assert "index-wide resolution" not in output and "near-duplicates" not in output
    assert "resolve" not in by and set(dups.values()) == {""}


def test_the_clis_commit_batch_is_the_builds():
    from indexer.build import COMMIT_EVERY

    option = next(p for p in app.index.params if p.name == "commit_every")
    assert option.default == COMMIT_EVERY
