"""NER worker processes end with their parent: `kill -9` of `index --workers N` leaves nothing behind.

Real processes: the CLI as a subprocess, its children found through /proc, the parent killed
with SIGKILL. Each check polls the state (are the children still there?) a bounded number of
times; nothing is asserted on how long it took.
"""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample" / "wikinews.jsonl"
POLLS, EVERY = 300, 0.1  # up to 30 s of looking, 0.1 s apart


def children(pid):
    """Pids of pid's descendants, from /proc/PID/task/*/children."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except FileNotFoundError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    kids = [int(c) for c in fh.read().split()]
            except FileNotFoundError:
                continue
            out.extend(kids)
            todo.extend(kids)
    return out


def stat(pid):
    """(state, start time, CPU seconds) of a process from /proc/PID/stat, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return fields[0], fields[19], (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def alive(pid, started):
    """Whether the process that had this pid and start time still runs (a zombie has ended)."""
    s = stat(pid)
    return s is not None and s[1] == started and s[0] != "Z"


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace")
    except FileNotFoundError:
        return ""


def poll(check, polls=POLLS):
    """Call check() until it returns something true, at most `polls` times; return its last value."""
    for _ in range(polls):
        if value := check():
            return value
        time.sleep(EVERY)
    return check()


def corpus(path, copies):
    """The sample `copies` times over with distinct ids: a run that is still busy when it is killed."""
    records = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    with open(path, "w", encoding="utf-8") as fh:
        for k in range(copies):
            for r in records:
                fh.write(json.dumps(dict(r, id=f"{r['id']}-{k}")) + "\n")
    return path


def test_kill_9_of_index_ends_its_ner_workers_and_resource_tracker(tmp_path):
    log = open(tmp_path / "index.log", "w")
    parent = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "index", str(corpus(tmp_path / "a.jsonl", 5)),
                               "--index-dir", str(tmp_path / "ix"), "--workers", "2", "-q"],
                              cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    seen = {}
    try:
        def busy_workers():
            # Mid-run: both NER processes spawned and past loading the model (a few CPU seconds each).
            for pid in children(parent.pid):
                if pid not in seen and (s := stat(pid)):
                    seen[pid] = s[1]
            workers = [p for p in seen if "multiprocessing.spawn" in cmdline(p)]
            return len(workers) == 2 and all((stat(p) or ("", "", 0))[2] >= 3 for p in workers)

        assert poll(busy_workers, polls=1200), f"no two busy NER workers: {dict((p, cmdline(p)) for p in seen)}"
        assert any("resource_tracker" in cmdline(p) for p in seen), "expected multiprocessing's resource tracker"
        parent.send_signal(signal.SIGKILL)
        parent.wait()

        poll(lambda: not any(alive(p, t) for p, t in seen.items()))
        left = [f"{p}: {cmdline(p)}" for p, t in seen.items() if alive(p, t)]
        assert not left, f"still running after the parent was killed: {left}"
    finally:
        for pid, started in seen.items():  # ours to clean up if the fix regressed
            if alive(pid, started):
                os.kill(pid, signal.SIGKILL)
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        log.close()


WATCHED = """
import os, sys, threading, time
sys.path.insert(0, {root!r})
from indexer.extract import analyze
parent = int(sys.argv[1])
analyze.WATCH_PARENT = 0.05
threading.Thread(target=analyze._watch_parent, args=(parent,), daemon=True).start()
print("watching", flush=True)
time.sleep(600)
"""

MIDDLE = """
import subprocess, sys, os, time
child = subprocess.Popen([sys.executable, "-c", sys.argv[1], str(os.getpid())], stdout=subprocess.PIPE, text=True)
assert child.stdout.readline().strip() == "watching"
print(child.pid, flush=True)
time.sleep(600)
"""


def test_watchdog_ends_a_worker_whose_parent_is_gone_without_prctl():
    """The portable half alone (as on systems without PR_SET_PDEATHSIG): the parent pid changes."""
    middle = subprocess.Popen([sys.executable, "-c", MIDDLE, WATCHED.format(root=str(ROOT))],
                              stdout=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    child = started = None
    try:
        child = int(middle.stdout.readline())
        started = stat(child)[1]
        middle.send_signal(signal.SIGKILL)
        middle.wait()
        gone = poll(lambda: not alive(child, started))
        assert gone, f"the watched process {child} outlived its parent"
    finally:
        if child and alive(child, started):
            os.kill(child, signal.SIGKILL)
        if middle.poll() is None:
            middle.kill()
            middle.wait()
        middle.stdout.close()


def test_one_worker_whose_parent_extracts_gives_what_ner_in_one_process_gives():
    """With one worker the parent extracts from the entities the worker found (analyze._pooled): the same
    Analysis, article for article, as NER and extraction in one process; with two workers too."""
    from indexer.articles import read_sources
    from indexer.extract.analyze import Analyzer, analyze_stream

    articles = list(read_sources([str(SAMPLE)], lambda problem: None))[:24]
    known = Analyzer().analyze_batch(articles[:1])[0]   # an already-known article passes through
    items = [(a, known if i == 5 else None) for i, a in enumerate(articles)]
    analyzer = Analyzer()
    alone = list(analyze_stream(analyzer, items, workers=0, chunk=8))
    assert [a.id for a, _ in alone] == [a.id for a in articles]
    assert any(r.person or r.country or r.org for _, r in alone) and any(r.topic for _, r in alone)
    for workers in (1, 2):
        pooled = list(analyze_stream(analyzer, items, workers=workers, chunk=8))
        assert [(a.id, r) for a, r in pooled] == [(a.id, r) for a, r in alone], workers
    assert alone[5][1] is known
