"""`index --cluster`: NER on a real Dask scheduler and workers on 127.0.0.1, the same index as a local build.

Real processes throughout: `dask scheduler` and `dask worker` (one thread, one process each, no nanny,
PYTHONPATH to this checkout, as the README says to start them), the CLI as a subprocess, the
export compared byte for byte with a `--workers 0` build of the same articles. Each Dask
process is its own process group, killed with SIGKILL where a test needs a machine to vanish
and at teardown.
"""
import os
import pickle
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample" / "wikinews.jsonl"
DASK = Path(sys.executable).with_name("dask")
ARTICLES = 24  # the sample's first 24: 12 batches of 2
BATCH = ["--batch-size", "2", "--commit-every", "2"]
POLLS, EVERY = 600, 0.1


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def poll(check, what, polls=POLLS):
    """Call check() until it returns something true; fail naming `what` after `polls` tries."""
    for _ in range(polls):
        if value := check():
            return value
        time.sleep(EVERY)
    pytest.fail(f"timed out waiting for {what}")


def env(**extra):
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


class Cluster:
    """A `dask scheduler` and its `dask worker`s on 127.0.0.1, each in its own process group."""

    def __init__(self, tmp):
        self.tmp, self.port = Path(tmp), free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.procs = []
        # --dashboard-address too: its HTTP server (health, JSON) starts even without the dashboard.
        self.scheduler = self._start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", str(self.port),
                                                   "--no-dashboard", "--dashboard-address", "127.0.0.1:0"])

    def _start(self, name, args):
        self.tmp.mkdir(parents=True, exist_ok=True)
        with open(self.tmp / f"{name}.log", "w") as out:  # the child keeps its own copy
            proc = subprocess.Popen([str(DASK), *args], cwd=self.tmp, env=env(), stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        proc.log = self.tmp / f"{name}.log"
        self.procs.append(proc)
        return proc

    def add_worker(self, name):
        return self._start(name, ["worker", self.address, "--nthreads", "1", "--nworkers", "1", "--no-nanny",
                                  "--no-dashboard", "--dashboard-address", "127.0.0.1:0", "--host", "127.0.0.1",
                                  "--name", name, "--local-directory", str(self.tmp / name)])

    def wait_registered(self, *workers):
        poll(lambda: all("Registered to:" in w.log.read_text() for w in workers), "the workers to register")

    def kill(self, proc):
        """SIGKILL a whole `dask` process group (nanny and worker): a machine that vanishes."""
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()

    def stop(self):
        for proc in reversed(self.procs):
            self.kill(proc)


def app(*args, **extra):
    return subprocess.run([sys.executable, str(ROOT / "app.py"), *map(str, args)], cwd=ROOT, env=env(**extra),
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)


def start_app(log, *args):
    return subprocess.Popen([sys.executable, str(ROOT / "app.py"), *map(str, args)], cwd=ROOT, env=env(),
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)


def export(index_dir):
    result = app("export", "--format", "jsonl", "--index-dir", index_dir)
    assert result.returncode == 0, result.stderr
    return result.stdout


def first_commit(index_dir):
    """True once a first build has committed a batch (Whoosh's _MAIN_1.toc): results came back."""
    return any(p.name != "_MAIN_0.toc" for p in (Path(index_dir) / "building").glob("_MAIN_*.toc"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "articles.jsonl"
    lines = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    path.write_text("\n".join(lines[:ARTICLES]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def clusters(tmp_path_factory):
    """Two clusters, started together: one of two workers, and one whose scheduler a test kills."""
    main, doomed = Cluster(tmp_path_factory.mktemp("dask")), Cluster(tmp_path_factory.mktemp("doomed"))
    try:
        main.workers = [main.add_worker("w1"), main.add_worker("w2")]
        doomed.workers = [doomed.add_worker("lonely")]
        yield main, doomed
    finally:
        doomed.stop()
        main.stop()


@pytest.fixture(scope="module")
def cluster(clusters):
    """The scheduler and two workers; a test may kill one worker, the others need only one."""
    return clusters[0]


@pytest.fixture(scope="module")
def local_export(corpus, tmp_path_factory, cluster):
    """The reference: the same articles indexed in this machine's one process (`--workers 0`)."""
    index_dir = tmp_path_factory.mktemp("local") / "ix"
    result = app("index", corpus, "--index-dir", index_dir, "--workers", "0", *BATCH)
    assert result.returncode == 0, result.stderr
    out = export(index_dir)
    assert len(out.splitlines()) == ARTICLES
    return out


def test_cluster_build_equals_local_build(cluster, corpus, local_export, tmp_path):
    cluster.wait_registered(*cluster.workers)
    result = app("index", corpus, "--index-dir", tmp_path / "ix", "--cluster", cluster.address, *BATCH)
    assert result.returncode == 0, result.stderr
    assert f"{ARTICLES} articles read: {ARTICLES} added" in result.stdout
    assert export(tmp_path / "ix") == local_export




def test_worker_killed_mid_run_loses_nothing(cluster, corpus, local_export, tmp_path):
    cluster.wait_registered(*cluster.workers)
    victim = cluster.workers[-1]
    index_dir = tmp_path / "ix"
    with open(tmp_path / "index.log", "w+") as log:
        run = start_app(log, "index", corpus, "--index-dir", index_dir, "--cluster", cluster.address, *BATCH)
        poll(lambda: first_commit(index_dir) or run.poll() is not None, "a first batch to come back")
        assert run.poll() is None, "the run ended before a worker could be killed"
        cluster.kill(victim)
        assert run.wait(timeout=300) == 0
        log.seek(0)
        output = log.read()
    assert f"{ARTICLES} articles read: {ARTICLES} added, 0 updated" in output, output
    assert export(index_dir) == local_export


def test_lost_scheduler_is_one_error_line_and_the_rerun_continues(clusters, corpus, local_export, tmp_path):
    cluster, doomed = clusters
    doomed.wait_registered(*doomed.workers)
    index_dir = tmp_path / "ix"
    with open(tmp_path / "index.log", "w+") as log:
        run = start_app(log, "index", corpus, "--index-dir", index_dir, "--cluster", doomed.address, *BATCH)
        poll(lambda: first_commit(index_dir) or run.poll() is not None, "a first batch to come back")
        assert run.poll() is None, "the run ended before its scheduler could be killed"
        doomed.kill(doomed.scheduler)
        assert run.wait(timeout=300) == 1
        log.seek(0)
        lines = log.read().splitlines()
    assert "Traceback" not in "\n".join(lines)
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: lost the Dask scheduler at {doomed.address}"), lines

    again = app("index", corpus, "--index-dir", index_dir, "--cluster", cluster.address, *BATCH)
    assert again.returncode == 0, again.stderr
    unchanged = int(again.stdout.split(" unchanged")[0].rsplit(" ", 1)[1])
    assert unchanged >= 2, again.stdout  # at least the first committed batch was kept
    assert export(index_dir) == local_export


def test_no_scheduler_there_is_one_clear_error(corpus, tmp_path):
    """Through $FACETWIRE_DASK_SCHEDULER, which the other tests' --cluster stands in for."""
    address = f"tcp://127.0.0.1:{free_port()}"
    result = app("index", corpus, "--index-dir", tmp_path / "ix", FACETWIRE_DASK_SCHEDULER=address,
                 DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT="1s")
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: cannot connect to the Dask scheduler at {address}: Timed out"), line


def test_workers_get_the_aliases_and_topics_contents_not_their_paths(tmp_path):
    """What a worker unpickles needs neither file: they exist only where the index is built."""
    from indexer.extract.analyze import Analyzer, Settings
    from indexer.extract.cluster import AnalyzerPlugin
    from indexer.extract.topics_data import SHIPPED

    aliases, topics = tmp_path / "aliases.toml", tmp_path / "topics.json"
    aliases.write_text('[person]\nhide = ["Allah"]\n\n[person.merge]\n"Barack Obama" = ["Obama"]\n',
                       encoding="utf-8")
    topics.write_bytes(SHIPPED.read_bytes())
    analyzer = Analyzer(Settings(aliases_file=str(aliases), topics_file=str(topics)))
    analyzer.nlp = lambda text: None  # where a loaded model would be: it must not travel (nor could it)
    shipped = pickle.dumps(AnalyzerPlugin(analyzer))
    aliases.unlink()
    topics.unlink()
    worker_side = pickle.loads(shipped).analyzer
    assert worker_side.fingerprint == analyzer.fingerprint
    assert worker_side.aliases.merge == analyzer.aliases.merge and worker_side.aliases.hide["person"]
    assert worker_side.topics.lexicon == analyzer.topics.lexicon
    assert worker_side.topics.fingerprint() == analyzer.topics.fingerprint()
    assert "nlp" not in vars(worker_side)  # the model loads on the worker, from its own package


def test_workers_and_cluster_together_is_a_usage_error(corpus, tmp_path):
    result = app("index", corpus, "--index-dir", tmp_path / "ix", "--workers", "2", "--cluster", "tcp://127.0.0.1:1")
    assert result.returncode == 2 and "exclude each other" in result.stderr
