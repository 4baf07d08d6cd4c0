"""A tiny run of each benchmark script on five sample articles: they still run and report their figures.

Nothing here asserts on time (benchmarks print figures, tests check behaviour). The Datasette half
of bench/search.py runs only when datasette is installed (requirements-bench.txt).
"""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample" / "wikinews.jsonl"

ARTICLES = 5


def run_script(name, *args):
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / name), *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def test_indexing_bench_reports_builds_and_incremental_runs(tmp_path):
    out = tmp_path / "indexing.json"
    run_script("indexing.py", "--corpus", SAMPLE, "--limit", ARTICLES, "--workers", "1", "--no-bare-2",
               "--work-dir", tmp_path / "work", "--json", out)
    r = json.loads(out.read_text())
    assert r["articles"] == ARTICLES
    assert r["bare_ner"]["words_per_s"] > 0
    assert r["builds"]["1"]["summary"]["added"] == ARTICLES
    assert r["builds"]["1"]["tree_peak_rss_mb"] > 0
    assert r["no_change"]["summary"]["unchanged"] == ARTICLES
    assert r["one_percent_changed"]["changed"] == 1
    assert r["one_percent_changed"]["only_changed_reextracted"]
    assert r["topics"]["articles"] == ARTICLES


def test_search_bench_answers_every_query(tmp_path):
    out = tmp_path / "search.json"
    run_script("search.py", "--corpus", SAMPLE, "--limit", ARTICLES, "--rounds", "1", "--workers", "1",
               "--work-dir", tmp_path / "work", "--json", out)
    r = json.loads(out.read_text())
    n = len(r["queries"])
    assert n >= 30
    assert r["facetwire"]["n"] == n and r["facetwire"]["problems"] == {}
    assert r["facetwire"]["vm_rss_mb"] > 0
    if importlib.util.find_spec("datasette"):
        assert r["datasette"]["n"] == n and r["datasette"]["problems"] == {}
        assert r["totals_compared"] == n


def test_every_bench_script_is_listed_in_the_bench_readme():
    bench = Path(__file__).parent.parent / "bench"
    readme = (bench / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in sorted(bench.glob("*.py")) if f"| `{p.name}` |" not in readme]
    assert not missing, f"bench/README.md does not list {missing}"
