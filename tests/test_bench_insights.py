"""bench/insights.py on the handmade articles: it still runs, and reports both endpoints' latency."""
import json
import subprocess
import sys
from pathlib import Path

from indexer.engines import EngineConfig, open_engine

from handmade import load

ROOT = Path(__file__).resolve().parent.parent


def test_insights_bench_reports_related_and_trends(tmp_path):
    source = tmp_path / "source"
    engine = load(open_engine(EngineConfig(index_dir=str(source))))
    engine.close()
    out = tmp_path / "insights.json"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "insights.py"), "--source", str(source),
                           "--targets", "whoosh:2", "--rounds", "1", "--work-dir", str(tmp_path / "work"),
                           "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(out.read_text())["summary"]
    assert set(summary) == {"whoosh 2x related", "whoosh 2x trends"}
    assert summary["whoosh 2x related"]["n"] == 8 and summary["whoosh 2x trends"]["n"] == 4
    rows = json.loads(out.read_text())["per_request"]
    assert rows[0][3] == 24   # the first request is the whole index: 12 articles, twice
