"""Indexing on a Dask cluster: `index --cluster` with N local workers against `index --workers N`.

usage: python bench/dask_indexing.py [--corpus FILE] [--limit N] [--workers 2] [--rounds 3]
                                     [--batch-size 64] [--overhead-batches 20] [--json OUT] [--work-dir DIR]

Figures, in one run and on the same corpus (Reuters-21578 when present, else the bundled sample
repeated under new ids up to --limit):
  index --workers N   `app.py index FILE --index-dir TMP --workers N -q`, fresh index, wall time
                      (interpreter start and the workers' model loading included).
  index --cluster     the same with `--cluster tcp://127.0.0.1:P` against a `dask scheduler` and N
                      `dask worker --nthreads 1 --nworkers 1` started here, as the README says. The
                      workers are long-lived: the first (cold) run loads the model on them and is
                      reported apart; the median is over warm runs, alternating with --workers N.
  worker busy         per cluster run, the workers' compute time (task stream) / (wall x N).
  overhead per batch  --overhead-batches batches submitted one at a time from this process
                      through the indexer's own plugin and task: submit-to-result wall time minus
                      the worker's compute time from the task's metadata (Dask's task stream).
  parent ceiling      what one indexing process can write, however many workers: its own CPU time
                      per article in the --cluster runs (NER is elsewhere; start-up included, so
                      an upper bound), and `index --rebuild` over the built index, where every
                      extraction is reused (the parent alone, plus a lookup per article).
  batch size for 50   the arithmetic, from those figures, printed.
Goal: cluster / --workers N articles/s >= 0.9.
"""
import argparse
import json
import math
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (APP, PYTHON, REUTERS, ROOT, SAMPLE, free_port, goal, load_records, machine,  # noqa: E402
                    median, print_table, read_articles, remove, run_measured, save_json, work_dir,
                    write_jsonl)

DASK = Path(PYTHON).with_name("dask")
GOAL_RATIO = 0.9
FAR_WORKERS = 50
KEY = "facetwire-ner"  # indexer.extract.cluster.KEY: the prefix of the index run's tasks
BUILD_SECONDS = re.compile(r" in (\d+(?:\.\d+)?)s$")


def corpus_records(path, limit):
    """Reuters (or --corpus); the sample repeated under new ids when it has fewer than `limit`."""
    records = load_records(path, limit)
    if path == SAMPLE and limit and len(records) < limit:
        base, records = records, []
        for k in range(math.ceil(limit / len(base))):
            records += [dict(r, id=f"r{k}-{r['id']}") for r in base]
        records = records[:limit]
    return records


class LocalCluster:
    """`dask scheduler` and N `dask worker`s on 127.0.0.1 as subprocesses, each its own process group."""

    def __init__(self, work, n):
        self.work, self.n = Path(work), n
        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.procs = []

    def __enter__(self):
        from distributed import Client

        port = self.address.rsplit(":", 1)[1]
        self._start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard",
                                  "--dashboard-address", "127.0.0.1:0"])
        for i in range(self.n):
            self._start(f"worker{i}", ["worker", self.address, "--nthreads", "1", "--nworkers", "1",
                                       "--host", "127.0.0.1", "--no-dashboard", "--dashboard-address",
                                       "127.0.0.1:0", "--local-directory", str(self.work / f"w{i}")])
        self.client = Client(self.address, set_as_default=False, timeout="60s")
        self.client.wait_for_workers(self.n, timeout=180)
        return self

    def _start(self, name, args):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with open(self.work / f"{name}.log", "w") as log:
            self.procs.append(subprocess.Popen([str(DASK), *args], cwd=self.work, env=env, stdout=log,
                                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                               start_new_session=True))

    def __exit__(self, *exc):
        if getattr(self, "client", None):
            self.client.close()
        for proc in reversed(self.procs):
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            except ProcessLookupError:
                proc.wait()

    def task_stream(self, start, stop):
        """The index run's batches between two wall-clock times: [(compute seconds, worker)]."""
        records = self.client.get_task_stream(start=start, stop=stop)
        return [(compute_seconds(r), r.get("worker")) for r in records if str(r["key"]).startswith(KEY)]


def compute_seconds(record):
    return sum(s["stop"] - s["start"] for s in record["startstops"] if s["action"] == "compute")


def index_run(corpus, index_dir, n, extra, fresh=True):
    """Run the index CLI once; return its wall seconds, CPU seconds and summary line."""
    if fresh:
        remove(index_dir)
    started = time.time()
    m = run_measured([PYTHON, str(APP), "index", corpus, "--index-dir", index_dir, "-q", *extra]).check()
    summary = m.stdout.strip().splitlines()[-1]
    build = float(BUILD_SECONDS.search(summary).group(1))  # build_index's own time: no interpreter start
    return {"seconds": round(m.seconds, 2), "cpu_seconds": round(m.cpu_seconds, 2),
            "articles_per_s": round(n / m.seconds, 1), "build_seconds": build,
            "build_articles_per_s": round(n / build, 1), "started": started, "ended": time.time(),
            "summary": summary}


def overhead(client, articles, batch, count):
    """Batches one at a time through the indexer's plugin and task: (wall - compute) per batch, in s."""
    from distributed import get_task_stream

    from indexer.extract import cluster as dask_ner
    from indexer.extract.analyze import Analyzer

    name = dask_ner.register(client, Analyzer())
    batches = [articles[i:i + batch] for i in range(0, len(articles), batch)][:count]
    walls = {}
    with get_task_stream(client=client) as ts:
        for n, b in enumerate(batches):
            t = time.perf_counter()
            future = client.submit(dask_ner._analyze, name, b, key=f"bench-overhead-{n}", pure=False)
            future.result()
            walls[future.key] = time.perf_counter() - t
    compute = {r["key"]: compute_seconds(r) for r in ts.data if r["key"] in walls}
    rows = [(walls[k], compute[k], len(batches[int(k.rsplit("-", 1)[1])])) for k in walls if k in compute]
    return {"batches": len(rows), "batch_size": batch,
            "wall_s": round(median([w for w, _, _ in rows]), 4),
            "compute_s": round(median([c for _, c, _ in rows]), 4),
            "overhead_s": round(median([w - c for w, c, _ in rows]), 4),
            "compute_per_article_s": round(sum(c for _, c, _ in rows) / sum(k for _, _, k in rows), 5)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(REUTERS if REUTERS.exists() else SAMPLE),
                    help="a .jsonl[.gz] corpus (default: Reuters-21578, else the sample repeated)")
    ap.add_argument("--limit", type=int, default=1500, help="articles (default 1500)")
    ap.add_argument("--workers", type=int, default=2, help="NER processes / Dask workers (default 2)")
    ap.add_argument("--rounds", type=int, default=3, help="warm runs of each, alternating (median)")
    ap.add_argument("--batch-size", type=int, default=64, help="articles per batch (index --batch-size)")
    ap.add_argument("--overhead-batches", type=int, default=20, help="batches for the overhead figure")
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("--work-dir", help="temporary files (default: $TMPDIR/facetwire-bench/dask)")
    args = ap.parse_args(argv)
    work = work_dir(args.work_dir, "dask")
    info = machine()
    records = corpus_records(Path(args.corpus), args.limit)
    corpus = write_jsonl(records, work / "corpus" / "articles.jsonl")
    articles, _ = read_articles(corpus)
    n, w, b = len(articles), args.workers, args.batch_size
    print(f"{n} articles from {args.corpus}; {w} workers, batches of {b}; load {info['loadavg_start']}; "
          f"work dir {work}", flush=True)

    results = {"machine": info, "corpus": args.corpus, "articles": n, "workers": w, "batch_size": b}
    batch = ["--batch-size", b]
    with LocalCluster(work, w) as cluster:
        results["scheduler"] = cluster.address
        on_cluster = ["--cluster", cluster.address, *batch]
        on_pool = ["--workers", w, *batch]
        cluster.client.get_task_stream(start=time.time())  # turns the scheduler's task stream on
        print("cold cluster run (the workers load the model) ...", flush=True)
        cold = index_run(corpus, work / "ix-cluster", n, on_cluster)
        runs = {"cluster": [], "pool": []}
        for r in range(args.rounds):
            order = ("cluster", "pool") if r % 2 == 0 else ("pool", "cluster")
            for kind in order:
                print(f"round {r + 1}: index {'--cluster' if kind == 'cluster' else f'--workers {w}'} ...",
                      flush=True)
                run = index_run(corpus, work / f"ix-{kind}", n, on_cluster if kind == "cluster" else on_pool)
                if kind == "cluster":
                    tasks = cluster.task_stream(run["started"], run["ended"])
                    run["batches"] = len(tasks)
                    run["worker_busy"] = round(sum(c for c, _ in tasks) / (run["seconds"] * w), 3)
                    run["compute_per_batch_s"] = round(median([c for c, _ in tasks]), 3) if tasks else None
                runs[kind].append(run)
        print("parent alone (index --rebuild, every extraction reused) ...", flush=True)
        parent = index_run(corpus, work / "ix-cluster", n, on_cluster + ["--rebuild"], fresh=False)
        print(f"overhead: {args.overhead_batches} batches one at a time ...", flush=True)
        results["overhead"] = overhead(cluster.client, articles, b, args.overhead_batches)

    exports_equal = _same_export(work / "ix-cluster", work / "ix-pool")
    info["loadavg_end"] = os.getloadavg()
    results.update(cold=cold, runs=runs, parent_alone=parent, exports_equal=exports_equal)
    derive(results)
    report(results)
    save_json(args.json, results)
    return results


def _same_export(a, b):
    out = [subprocess.run([PYTHON, str(APP), "export", "--index-dir", str(d)], capture_output=True, check=True,
                          cwd=ROOT).stdout for d in (a, b)]
    return out[0] == out[1]


def derive(r):
    """Medians, the ratio, and what batch size keeps FAR_WORKERS workers busy."""
    cl, po = r["runs"]["cluster"], r["runs"]["pool"]
    r["cluster_articles_per_s"] = median([x["articles_per_s"] for x in cl])
    r["pool_articles_per_s"] = median([x["articles_per_s"] for x in po])
    r["ratio"] = round(r["cluster_articles_per_s"] / r["pool_articles_per_s"], 3)
    r["worker_busy"] = median([x["worker_busy"] for x in cl])
    o = r["overhead"]
    a, oh = o["compute_per_article_s"], o["overhead_s"]
    # The scheduler and the parent handle batches one after another; at most oh seconds each (the
    # measured latency, an upper bound on their serial cost: in a pipelined run the network part
    # overlaps). FAR_WORKERS workers finish FAR_WORKERS batches per b*a seconds, so they stay busy
    # while FAR_WORKERS * oh <= b * a.
    # The parent writes every article itself: its CPU time per article bounds the whole cluster.
    parent_cpu = median([x["cpu_seconds"] for x in cl]) / r["articles"]
    r["far"] = {"workers": FAR_WORKERS, "min_batch": math.ceil(FAR_WORKERS * oh / a),
                "needed_articles_per_s": round(FAR_WORKERS / a, 1),
                "parent_cpu_per_article_s": round(parent_cpu, 5),
                "parent_ceiling_articles_per_s": round(1 / parent_cpu, 1),
                "rebuild_articles_per_s": r["parent_alone"]["build_articles_per_s"],
                "workers_parent_can_feed": round(a / parent_cpu, 1)}


def report(r):
    m, o, far = r["machine"], r["overhead"], r["far"]
    print(f"\n{r['articles']} articles, {r['workers']} workers, batches of {r['batch_size']}; "
          f"{m['nproc']} cores, load {m['loadavg_start']} -> {m['loadavg_end']}, commit {m['commit']}")
    rows = [["cold cluster run", f"{r['cold']['seconds']} s", f"{r['cold']['articles_per_s']} art/s", ""]]
    for kind, label in (("cluster", "index --cluster"), ("pool", f"index --workers {r['workers']}")):
        for i, x in enumerate(r["runs"][kind]):
            busy = f"workers busy {x['worker_busy']:.0%}, {x['batches']} batches" if kind == "cluster" else ""
            rows.append([f"{label} #{i + 1}", f"{x['seconds']} s ({x['cpu_seconds']} cpu-s)",
                         f"{x['articles_per_s']} art/s", busy])
    p = r["parent_alone"]
    rows.append(["parent alone (--rebuild, all reused)", f"{p['seconds']} s (build {p['build_seconds']} s)",
                 f"{p['build_articles_per_s']} art/s in the build", ""])
    print_table(["run", "wall", "throughput", ""], rows)
    print(f"\nmedian: --cluster {r['cluster_articles_per_s']} art/s, --workers {r['workers']} "
          f"{r['pool_articles_per_s']} art/s: ratio {r['ratio']} (goal >= {GOAL_RATIO}: "
          f"{goal(r['ratio'], GOAL_RATIO, at_most=False)}); exports equal: {r['exports_equal']}")
    print(f"overhead per batch ({o['batches']} batches of {o['batch_size']}, one at a time): submit-to-result "
          f"{o['wall_s'] * 1e3:.1f} ms - compute {o['compute_s'] * 1e3:.1f} ms = {o['overhead_s'] * 1e3:.1f} ms "
          f"median; compute {o['compute_per_article_s'] * 1e3:.2f} ms per article")
    a, oh = o["compute_per_article_s"], o["overhead_s"]
    print(f"\nbatch size to keep {far['workers']} workers busy:\n"
          f"  the scheduler and the parent see each batch one after another, <= {oh * 1e3:.1f} ms each;\n"
          f"  {far['workers']} workers finish {far['workers']} batches every b x {a * 1e3:.2f} ms, so they stay "
          f"busy while\n  {far['workers']} x {oh * 1e3:.1f} ms <= b x {a * 1e3:.2f} ms  =>  b >= "
          f"{far['workers'] * oh * 1e3:.1f} / {a * 1e3:.2f} = {far['workers'] * oh / a:.1f}: "
          f"b >= {far['min_batch']} (the default, 64, is {'enough' if 64 >= far['min_batch'] else 'too small'})")
    pc = far["parent_cpu_per_article_s"]
    print(f"  but {far['workers']} workers produce {far['workers']} / {a * 1e3:.2f} ms = "
          f"{far['needed_articles_per_s']} art/s, and the parent writes every article: in the --cluster "
          f"runs it spent\n  {pc * 1e3:.2f} cpu-ms per article (start-up included), at most "
          f"{far['parent_ceiling_articles_per_s']} art/s (a --rebuild reusing every extraction: "
          f"{far['rebuild_articles_per_s']} art/s),\n  so one indexing process keeps about "
          f"{a * 1e3:.2f} / {pc * 1e3:.2f} = {far['workers_parent_can_feed']} workers busy, whatever the batch size")
    print("\n" + json.dumps({k: r[k] for k in ("ratio", "cluster_articles_per_s", "pool_articles_per_s",
                                                 "worker_busy")}, default=str))


if __name__ == "__main__":
    main()
