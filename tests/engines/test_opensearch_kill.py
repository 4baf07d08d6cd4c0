"""An `index` run into OpenSearch killed mid-way (kill -9): the rerun completes, nothing lost or doubled."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "wikinews.jsonl"


def cli(config, *args, **kwargs):
    env = dict(os.environ, FACETWIRE_ENGINE="opensearch", FACETWIRE_ENGINE_URL=",".join(config.engine_url),
               FACETWIRE_ENGINE_INDEX=config.index_name, FACETWIRE_ENGINE_SHARDS="2", FACETWIRE_ENGINE_REPLICAS="1")
    return subprocess.Popen([sys.executable, str(ROOT / "app.py"), *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def export_ids(config):
    out, _err = cli(config, "export").communicate(timeout=120)
    return [json.loads(line)["id"] for line in out.splitlines()]


def test_a_killed_index_run_is_completed_by_the_rerun(make_engine, tmp_path):
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()[:60]
    source = tmp_path / "part.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ids = [json.loads(line)["id"] for line in lines]
    engine = make_engine()            # dropped at the end; the CLI reaches the same index by its name
    config = engine.config
    run = cli(config, "index", str(source), "--workers", "0", "--commit-every", "10", "--batch-size", "8")
    # Kill once a batch is committed into the (unpublished) first build, well before the end.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and run.poll() is None:
        building = engine.store.building()
        if building and engine.store.client.count(index=building)["count"] >= 10:
            break
        time.sleep(0.2)
    assert run.poll() is None, "the run ended before it could be killed: use a bigger part of the sample"
    os.kill(run.pid, signal.SIGKILL)
    run.communicate(timeout=30)       # reaps it and closes its pipes
    assert not engine.exists()        # readers never see a half-built first index
    rerun = cli(config, "index", str(source), "--workers", "0")
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    assert ", 0 added" not in out                                          # the rerun wrote the rest ...
    got = export_ids(config)
    assert sorted(got) == sorted(set(ids)) and len(got) == len(set(ids))   # nothing lost, nothing doubled
