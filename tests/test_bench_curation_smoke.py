"""A tiny run of bench/curation.py: it still runs and reports its figures (no assertion on time)."""
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample" / "wikinews.jsonl"


def test_curation_bench_merges_the_top_person_and_compares_with_a_rebuild(tmp_path):
    corpus = tmp_path / "five.jsonl"
    corpus.write_text("".join(SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)[:5]), encoding="utf-8")
    ix = tmp_path / "ix"
    assert CliRunner().invoke(app.cli, ["index", str(corpus), "--index-dir", str(ix), "--workers", "0"]).exit_code == 0
    out = tmp_path / "curation.json"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "curation.py"), "--index", str(ix), "--corpus",
                           str(corpus), "--rebuild-articles", "5", "--rounds", "1", "--workers", "0",
                           "--work-dir", str(tmp_path / "work"), "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    r = json.loads(out.read_text())
    assert r["whoosh"]["rewritten"] == r["count"] > 0
    assert r["rebuild"] > 0 and "/ rebuild" in proc.stdout
    assert not (ix / "curation.json").exists()     # the index given is copied, never changed
