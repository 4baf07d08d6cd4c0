"""Whoosh against an OpenSearch cluster behind the same /api/search: latency, bulk copy, memory, size.

usage: python bench/engines.py [--engine-url URL,URL,...] [--alias NAME] [--shards 2] [--replicas 1]
                               [--scale K] [--limit N] [--rounds 3] [--batch 500] [--copy-rounds 1]
                               [--workers 2] [--threads N] [--cli-rebuild N] [--skip-copy] [--drop]
                               [--json OUT] [--work-dir DIR] [--corpus FILE]

Steps (files under --work-dir, default $TMPDIR/facetwire-bench/engines, reused between runs):
  1. the 1x Whoosh index with NER, built by `app.py index` exactly as bench/search.py builds it
     (incremental: a second run only checks hashes);
  2. copy: every Document of that index through the contract,
     reader().export(SearchRequest()) -> writer(fresh=True).put(--batch) + commit() per batch,
     then publish(), into (a) a fresh Whoosh folder and (b) the OpenSearch alias --alias (a new
     versioned index with --shards / --replicas, swapped in; the one it replaces is deleted).
     With --scale K the 1x documents are written K times, copies under new ids r{k}-{id}
     (extraction reused: the Documents are copied, nothing goes through NER). Articles/s wall,
     split into reading (export) and writing (put + commit + publish), this process's CPU, and
     the cluster's CPU (sum over its nodes, `_nodes/stats`). --copy-rounds N alternates which
     target goes first and takes the median;
  3. `app.py serve --engine whoosh --index-dir <the Whoosh copy>` and
     `app.py serve --engine opensearch --engine-url URLS` (FACETWIRE_ENGINE_INDEX=--alias) on free
     loopback ports; a warm-up round over bench/search.py's QUERIES checks every answer (five
     facets, snippets) and compares the hit totals, then --rounds rounds, interleaved query by
     query, alternating which server goes first, a fresh connection per request;
  4. p50 / p95 / max, errors (non-200, refused or timed-out connections, a total that changed
     between rounds), the ratios OpenSearch / Whoosh, explorer CPU per query and the cluster's;
  5. memory after the rounds: each explorer's VmRSS / VmHWM and its process tree's RSS; each
     cluster node's JVM RSS (when the node runs on this machine) and heap in use;
  6. sizes: the Whoosh live generation on disk, and `_cat/indices` store.size (all copies) and
     pri.store.size (primaries) of the OpenSearch index, each also per article.
  7. with --cli-rebuild N (1x only): `app.py index CORPUS --engine E --rebuild` into each, N times,
     alternating: every extraction is found by content hash, so this is the indexing process
     alone (read, hash, one lookup per article, write), what a --cluster run's parent can do.
--drop deletes the alias's indexes at the end (the cluster may be shared).
"""
import argparse
import json
import os
import sys
import time
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (REUTERS, Server, ServerFailed, app_cmd, descendants, free_port, get,  # noqa: E402
                    latency_summary, machine, mb, median, print_table, remove, run_measured, save_json,
                    timed_get, tree_rss, vm_status, work_dir)
from indexing import parse_summary  # noqa: E402
from search import check_facetwire, facetwire_url, index_articles, prepare_index, queries  # noqa: E402

# Not in the query set (bench/search.py's QUERIES): the explorer's opening page, every facet counted
# over every article, timed apart after the rounds.
EXTRA_QUERIES = [("", [])]
EXTRA_ROUNDS = 5
DEFAULT_URLS = "http://127.0.0.1:19200,http://127.0.0.1:19201,http://127.0.0.1:19202"
ENGINES = ("whoosh", "opensearch")


# --- the cluster, as its HTTP API reports itself ------------------------------------------------

class Cluster:
    """Read-only looks at an OpenSearch cluster: health, node CPU and memory, index sizes."""

    def __init__(self, urls):
        self.urls = urls

    def get(self, path, timeout=60):
        """GET path from the first node that answers; return the decoded JSON."""
        problems = []
        for url in self.urls:
            try:
                status, body = get(url.rstrip("/") + path, timeout=timeout)
            except OSError as err:
                problems.append(f"{url}: {err}")
                continue
            if status == 200:
                return json.loads(body)
            problems.append(f"{url}: HTTP {status} {body[:200]!r}")
        raise RuntimeError(f"GET {path} failed on every node: {'; '.join(problems)}")

    def health(self, index="", wait_green=0):
        path = f"/_cluster/health/{quote(index)}"
        if wait_green:
            path += f"?wait_for_status=green&timeout={wait_green}s"
        h = self.get(path, timeout=wait_green + 30)
        return {k: h.get(k) for k in ("status", "number_of_nodes", "active_shards", "relocating_shards",
                                      "initializing_shards", "unassigned_shards", "timed_out")}

    def nodes(self):
        """{node name: {pid, version, heap_max}} from the nodes info API."""
        info = self.get("/_nodes/process,jvm")["nodes"]
        return {n["name"]: {"pid": n["process"]["id"], "version": n["version"],
                            "heap_max": n["jvm"]["mem"]["heap_max_in_bytes"]} for n in info.values()}

    def identity(self):
        """{node name: pid}: compare two of them to tell whether a node stopped or restarted meanwhile."""
        return {name: n["pid"] for name, n in self.nodes().items()}

    def cpu_seconds(self):
        """CPU seconds every node's process has used so far, summed (as the nodes report it)."""
        stats = self.get("/_nodes/stats/process")["nodes"]
        return sum(n["process"]["cpu"]["total_in_millis"] for n in stats.values()) / 1e3

    def memory(self):
        """Per node: heap in use (API) and the JVM's VmRSS / VmHWM (from /proc when it runs here)."""
        stats = self.get("/_nodes/stats/jvm")["nodes"]
        out = {}
        for name, node in sorted(self.nodes().items()):
            heap = next(s["jvm"]["mem"] for s in stats.values() if s["name"] == name)
            status = local_java_status(node["pid"])
            out[name] = {"pid": node["pid"], "heap_used_mb": mb(heap["heap_used_in_bytes"]),
                         "heap_max_mb": mb(heap["heap_max_in_bytes"]),
                         "vm_rss_mb": mb(status["VmRSS"]) if status else None,
                         "vm_hwm_mb": mb(status["VmHWM"]) if status else None}
        return out

    def shard_queries(self, alias):
        """Shard-level query phases the index has run so far (every copy): `_stats/search` query_total."""
        return self.get(f"/{quote(alias)}/_stats/search")["_all"]["total"]["search"]["query_total"]

    def index_size(self, alias):
        """The concrete index behind alias: docs, shards, store size of all copies and of primaries."""
        rows = self.get(f"/_cat/indices/{quote(alias)}?format=json&bytes=b"
                        "&h=index,health,pri,rep,docs.count,docs.deleted,store.size,pri.store.size")
        if len(rows) != 1:
            raise RuntimeError(f"{alias} names {len(rows)} indexes, not one: {[r['index'] for r in rows]}")
        r = rows[0]
        segments = self.get(f"/_cat/segments/{quote(alias)}?format=json&h=shard,prirep,segment")
        return {"index": r["index"], "health": r["health"], "primaries": int(r["pri"]),
                "replicas": int(r["rep"]), "docs": int(r["docs.count"]), "docs_deleted": int(r["docs.deleted"]),
                "store_bytes": int(r["store.size"]), "primary_store_bytes": int(r["pri.store.size"]),
                "primary_segments": sum(1 for s in segments if s["prirep"] == "p")}


def disturbed(before, after):
    """Say which nodes left, joined or restarted between two Cluster.identity() looks ('' if none)."""
    changes = [f"{name} {'left' if name not in after else 'joined' if name not in before else 'restarted'}"
               for name in sorted(set(before) | set(after)) if before.get(name) != after.get(name)]
    return ", ".join(changes)


def local_java_status(pid):
    """VmRSS / VmHWM of a node's JVM if that pid is a java process on this machine, else None."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            if b"java" not in fh.read():
                return None
    except OSError:
        return None
    return vm_status(pid)


# --- step 2: the copy through the contract ------------------------------------------------------

def engine_for(name, args, copy_dir):
    """The engine a target name means: a Whoosh folder, or the bench alias on the cluster."""
    from indexer.engines import config_from_env, open_engine

    if name == "whoosh":
        return open_engine(config_from_env(engine="whoosh", index_dir=str(copy_dir)))
    # Shards, replicas and the alias come from FACETWIRE_ENGINE_* (set in main), as for `serve`.
    return open_engine(config_from_env(engine="opensearch", engine_url=args.urls))


def copy_index(source_dir, target, scale, batch, cluster=None):
    """Write every document of the source Whoosh index `scale` times into target; return figures."""
    from indexer.engines.whoosh import WhooshEngine
    from indexer.search.request import SearchRequest

    source = WhooshEngine(str(source_dir))
    read_s = write_s = 0.0
    n = 0
    cluster_cpu = cluster.cpu_seconds() if cluster else None
    nodes = cluster.identity() if cluster else None
    load_start = os.getloadavg()
    cpu, started = time.process_time(), time.perf_counter()
    try:
        with target.writer(fresh=True) as writer:
            for k in range(scale):
                with source.reader() as reader:
                    docs = reader.export(SearchRequest())
                    while True:
                        t = time.perf_counter()
                        chunk = []
                        for doc in docs:
                            chunk.append(doc if k == 0 else replace(doc, id=f"r{k}-{doc.id}"))
                            if len(chunk) >= batch:
                                break
                        read_s += time.perf_counter() - t
                        if not chunk:
                            break
                        t = time.perf_counter()
                        writer.put(chunk)
                        writer.commit()
                        write_s += time.perf_counter() - t
                        n += len(chunk)
            t = time.perf_counter()
            writer.publish()
            write_s += time.perf_counter() - t
    finally:
        source.close()
    seconds = time.perf_counter() - started
    out = {"articles": n, "seconds": round(seconds, 2), "articles_per_s": round(n / seconds, 1),
           "read_s": round(read_s, 2), "write_s": round(write_s, 2),
           "write_articles_per_s": round(n / write_s, 1),
           "process_cpu_s": round(time.process_time() - cpu, 2), "loadavg_start": load_start,
           "loadavg_end": os.getloadavg()}
    if cluster:
        out["cluster_disturbed"] = disturbed(nodes, cluster.identity())
        if not out["cluster_disturbed"]:  # a node that restarted restarts its CPU count
            out["cluster_cpu_s"] = round(cluster.cpu_seconds() - cluster_cpu, 2)
            out["cluster_cpu_ms_per_article"] = round(out["cluster_cpu_s"] * 1e3 / n, 3)
    out["process_cpu_ms_per_article"] = round(out["process_cpu_s"] * 1e3 / n, 3)
    return out


def copy_rounds(args, source_dir, copy_dir, cluster):
    """--copy-rounds copies into each target, alternating which goes first; return per-target runs."""
    runs = {name: [] for name in ENGINES}
    for r in range(args.copy_rounds):
        for name in (ENGINES if r % 2 == 0 else ENGINES[::-1]):
            if name == "whoosh":
                remove(copy_dir)  # a fresh folder each time
            target = engine_for(name, args, copy_dir)
            print(f"copy {r + 1}/{args.copy_rounds}: {args.scale}x into {name} ({target.describe()}) ...",
                  flush=True)
            try:
                run = copy_index(source_dir, target, args.scale, args.batch,
                                 cluster if name == "opensearch" else None)
            finally:
                target.close()
            print(f"  {run['articles']} articles in {run['seconds']} s: {run['articles_per_s']} articles/s "
                  f"(writing alone {run['write_articles_per_s']}/s), load {fmt_load(run['loadavg_end'])}",
                  flush=True)
            runs[name].append(run)
    return {name: {"runs": rs, "median_articles_per_s": median([x["articles_per_s"] for x in rs]),
                   "median_write_articles_per_s": median([x["write_articles_per_s"] for x in rs])}
            for name, rs in runs.items()}


# --- steps 3 and 4: both explorers, interleaved -------------------------------------------------

def server_cmds(args, copy_dir):
    out = {}
    threads = ["--threads", args.threads] if args.threads else []
    for name in ENGINES:
        port = free_port()
        where = (["--index-dir", copy_dir] if name == "whoosh" else ["--engine-url", ",".join(args.urls)])
        out[name] = (app_cmd("serve", "--engine", name, *where, "--port", port, *threads), port)
    return out


def race(servers, qs, rounds, cluster):
    """A checked warm-up round, then `rounds` timed rounds of every query on both servers, interleaved."""
    lat = {n: [[] for _ in qs] for n in servers}
    totals = {n: [None] * len(qs) for n in servers}
    problems = {n: [] for n in servers}   # warm-up: an answer that is not what the explorer must give
    errors = {n: [] for n in servers}     # timed rounds: failed requests and changed totals
    warned = {n: {} for n in servers}     # query index -> the warnings an answer carried (e.g. cut short)
    cpu, cluster_cpu, nodes = {}, None, None
    for r in range(rounds + 1):
        if r == 1:
            cpu = {n: s.cpu_seconds() for n, s in servers.items()}
            cluster_cpu, nodes = cluster.cpu_seconds(), cluster.identity()
        for i, query in enumerate(qs):
            for name in (ENGINES if (i + r) % 2 == 0 else ENGINES[::-1]):
                server = servers[name]
                try:
                    seconds, status, body = timed_get(server.url(facetwire_url(*query)))
                except OSError as err:
                    (problems if r == 0 else errors)[name].append((r, i, f"{type(err).__name__}: {err}"))
                    continue
                if status != 200:
                    (problems if r == 0 else errors)[name].append((r, i, f"HTTP {status}: {body[:200]!r}"))
                    continue
                data = json.loads(body)
                if data.get("warnings"):
                    warned[name].setdefault(i, data["warnings"])
                if r == 0:
                    problem, data = check_facetwire(body)
                    if problem:
                        problems[name].append((r, i, problem))
                    totals[name][i] = data.get("total")
                    continue
                lat[name][i].append(seconds)
                total = data.get("total")
                if total != totals[name][i]:
                    errors[name].append((r, i, f"total {total}, {totals[name][i]} in the warm-up"))
    n = max(1, rounds * len(qs))
    cpu_ms = {name: round((s.cpu_seconds() - cpu.get(name, 0.0)) * 1e3 / n, 2) for name, s in servers.items()}
    changed = disturbed(nodes, cluster.identity()) if nodes is not None else ""
    cluster_ms = (round((cluster.cpu_seconds() - cluster_cpu) * 1e3 / n, 2)
                  if cluster_cpu is not None and not changed else None)
    return lat, totals, problems, errors, warned, cpu_ms, cluster_ms, changed


def shard_queries(server, qs, cluster, alias):
    """Per query, the shard query phases one /api/search costs (nobody else searches the bench alias).

    A search with dfs_query_then_fetch counts one per primary shard; a facet recounted with a
    paged composite aggregation (more values than one terms aggregation returns) adds more.
    """
    out = []
    for query in qs:
        before = cluster.shard_queries(alias)
        status, _body = get(server.url(facetwire_url(*query)))
        out.append(cluster.shard_queries(alias) - before if status == 200 else None)
    return out


def extra_queries(servers, cluster, alias):
    """EXTRA_QUERIES, EXTRA_ROUNDS times each on both servers, interleaved: median ms, hits, shard phases."""
    out = []
    for q, filters in EXTRA_QUERIES:
        row = {"q": q, "filters": filters}
        for r in range(EXTRA_ROUNDS):
            for name in (ENGINES if r % 2 == 0 else ENGINES[::-1]):
                before = cluster.shard_queries(alias) if name == "opensearch" else None
                seconds, status, body = timed_get(servers[name].url(facetwire_url(q, filters)))
                x = row.setdefault(name, {"ms": [], "errors": 0})
                if status != 200:
                    x["errors"] += 1
                    continue
                x["ms"].append(round(seconds * 1e3, 2))
                data = json.loads(body)
                x["total"] = data.get("total")
                if data.get("warnings"):
                    x["warnings"] = data["warnings"]
                if before is not None:
                    x["shard_queries"] = cluster.shard_queries(alias) - before
        for name in ENGINES:
            row[name]["median_ms"] = median(row[name]["ms"]) if row[name]["ms"] else None
        out.append(row)
    return out


def explorer_memory(server):
    status = vm_status(server.proc.pid)
    tree, largest = tree_rss(server.proc.pid)
    return {"vm_rss_mb": mb(status.get("VmRSS", 0)), "vm_hwm_mb": mb(status.get("VmHWM", 0)),
            "tree_rss_mb": mb(tree), "tree_largest_mb": mb(largest),
            "tree_processes": len(descendants(server.proc.pid))}


def serve_and_race(args, copy_dir, cluster, work, results):
    qs = queries()
    results["queries"] = [{"q": q, "filters": f} for q, f in qs]
    cmds = server_cmds(args, copy_dir)
    try:
        with ExitStack() as stack:
            servers, startup = {}, {}
            for name, (cmd, port) in cmds.items():
                t = time.perf_counter()
                servers[name] = stack.enter_context(Server(f"explorer-{name}", cmd, port, "/api/search?q=", work))
                startup[name] = round(time.perf_counter() - t, 2)
            print(f"explorers up: {', '.join(f'{n} :{s.port}' for n, s in servers.items())}; {len(qs)} queries "
                  f"x {args.rounds} rounds after a warm-up, interleaved ...", flush=True)
            results["loadavg_race_start"] = os.getloadavg()
            lat, totals, problems, errors, warned, cpu_ms, cluster_ms, changed = race(
                servers, qs, args.rounds, cluster)
            results["loadavg_race_end"] = os.getloadavg()
            results["cluster_disturbed_during_rounds"] = changed
            for name, server in servers.items():
                flat = [s for per_query in lat[name] for s in per_query]
                results[name] = {
                    **(latency_summary(flat) if flat else {}), "startup_s": startup[name],
                    "errors": len(errors[name]), "error_list": errors[name], "problems": problems[name],
                    "warnings": {qs[i][0] + " " + repr(qs[i][1]): w for i, w in warned[name].items()},
                    "cpu_ms_per_query": cpu_ms[name], **explorer_memory(server),
                    "per_query_median_ms": [round(median(x) * 1e3, 2) if x else None for x in lat[name]],
                    "totals": totals[name]}
            results["opensearch"]["cluster_cpu_ms_per_query"] = cluster_ms
            results["cluster_memory_after_rounds"] = cluster.memory()
            results["opensearch"]["shard_queries"] = shard_queries(servers["opensearch"], qs, cluster, args.alias)
            results["extra_queries"] = extra_queries(servers, cluster, args.alias)
    except ServerFailed as err:
        print(f"error: {err}", file=sys.stderr)
        results["error"] = str(err)


# --- step 7 (--cli-rebuild): one indexing process, every extraction reused ----------------------

def cli_rebuilds(args, corpus, copy_dir, cluster):
    """`app.py index CORPUS --rebuild` into each engine, alternating first: the writing process alone.

    Every article's content hash is found in the live index, so nothing goes through NER: what is
    timed is reading, hashing, one lookup per article and writing (the parent of a --cluster run).
    """
    runs = {name: [] for name in ENGINES}
    for r in range(args.cli_rebuild):
        for name in (ENGINES if r % 2 == 0 else ENGINES[::-1]):
            where = (["--index-dir", copy_dir] if name == "whoosh" else ["--engine-url", ",".join(args.urls)])
            before = cluster.cpu_seconds()
            load = os.getloadavg()
            m = run_measured(app_cmd("index", corpus, "--engine", name, *where, "--rebuild", "-q")).check()
            summary = parse_summary(m.stdout)
            n = summary.get("read", 0)
            run = {"seconds": round(m.seconds, 2), "articles": n, "articles_per_s": round(n / m.seconds, 1),
                   "cpu_s": round(m.cpu_seconds, 2), "cpu_ms_per_article": round(m.cpu_seconds * 1e3 / max(n, 1), 2),
                   "reused": summary.get("reused"), "all_reused": summary.get("reused") == n,
                   "summary_line": m.stdout.strip().splitlines()[-1], "loadavg_start": load,
                   "loadavg_end": os.getloadavg()}
            if name == "opensearch":
                run["cluster_cpu_ms_per_article"] = round((cluster.cpu_seconds() - before) * 1e3 / max(n, 1), 2)
            print(f"index --rebuild into {name}: {run['articles_per_s']} articles/s, {run['cpu_ms_per_article']} "
                  f"CPU-ms/article; {run['summary_line']}", flush=True)
            runs[name].append(run)
    return {name: {"runs": rs, "median_articles_per_s": median([x["articles_per_s"] for x in rs])}
            for name, rs in runs.items()}


# --- putting it together ------------------------------------------------------------------------

def sizes(copy_dir, alias, cluster):
    from indexer.engines.whoosh.store import index_size

    whoosh_articles = index_articles(copy_dir)
    whoosh_bytes = index_size(copy_dir)
    os_size = cluster.index_size(alias)
    return {
        "whoosh": {"articles": whoosh_articles, "bytes": whoosh_bytes,
                   "bytes_per_article": round(whoosh_bytes / max(whoosh_articles, 1))},
        "opensearch": {**os_size,
                       "primary_bytes_per_article": round(os_size["primary_store_bytes"] / max(os_size["docs"], 1)),
                       "total_bytes_per_article": round(os_size["store_bytes"] / max(os_size["docs"], 1))},
    }


def derive(r):
    w, o = r.get("whoosh", {}), r.get("opensearch", {})
    if w.get("p50_ms") and o.get("p50_ms"):
        r["ratios_opensearch_to_whoosh"] = {k: round(o[k] / w[k], 2) for k in ("p50_ms", "p95_ms", "max_ms")}
        r["ratios_opensearch_to_whoosh"]["cpu_ms_per_query"] = round(
            o["cpu_ms_per_query"] / max(w["cpu_ms_per_query"], 1e-9), 2)
        pairs = list(zip(w["totals"], o["totals"]))
        r["totals_equal"] = sum(a == b for a, b in pairs if a is not None)
        r["totals_compared"] = sum(a is not None and b is not None for a, b in pairs)


def fmt_load(load):
    return "/".join(f"{x:.1f}" for x in load)


def report(r, qs):
    m = r["machine"]
    print(f"\n{r['sizes']['whoosh']['articles']} articles ({r['scale']}x); {m['nproc']} cores, commit {m['commit']}, "
          f"OpenSearch {r['cluster']['version']} x {r['cluster']['nodes']} nodes, "
          f"{r['shards']} shards x {r['replicas']} replica(s); load {fmt_load(m['loadavg_start'])} at the start, "
          f"{fmt_load(m['loadavg_end'])} at the end")
    if "copy" in r:
        rows = []
        for name, c in r["copy"].items():
            for i, run in enumerate(c["runs"]):
                rows.append([name, i + 1, run["articles"], run["seconds"], run["articles_per_s"], run["read_s"],
                             run["write_s"], run["write_articles_per_s"], run["process_cpu_ms_per_article"],
                             run.get("cluster_cpu_ms_per_article", ""), fmt_load(run["loadavg_end"])])
        print("\ncopy through the contract (export -> put/commit per batch -> publish):")
        print_table(["target", "round", "articles", "wall s", "articles/s", "read s", "write s", "write art/s",
                     "bench CPU ms/art", "cluster CPU ms/art", "load at end"], rows)
        w, o = r["copy"]["whoosh"], r["copy"]["opensearch"]
        print(f"median articles/s: whoosh {w['median_articles_per_s']}, opensearch {o['median_articles_per_s']} "
              f"(ratio {o['median_articles_per_s'] / w['median_articles_per_s']:.2f}); writing alone "
              f"{w['median_write_articles_per_s']} vs {o['median_write_articles_per_s']}")
    rows = []
    for name in ENGINES:
        x = r.get(name)
        if x and "p50_ms" in x:
            rows.append([name, x["p50_ms"], x["p95_ms"], x["max_ms"], x["errors"], len(x["problems"]),
                         x["cpu_ms_per_query"], x.get("cluster_cpu_ms_per_query", ""), x["vm_rss_mb"],
                         x["tree_rss_mb"], x["startup_s"]])
    if rows:
        print()
        print_table(["explorer", "p50 ms", "p95 ms", "max ms", "errors", "warm-up problems", "CPU ms/q",
                     "cluster CPU ms/q", "VmRSS MB", "tree RSS MB", "start s"], rows)
    if "ratios_opensearch_to_whoosh" in r:
        ratios = r["ratios_opensearch_to_whoosh"]
        print("OpenSearch / Whoosh: " + ", ".join(f"{k} {v}" for k, v in ratios.items())
              + f"; hit totals equal on {r['totals_equal']}/{r['totals_compared']} queries")
    if r.get("cluster_memory_after_rounds"):
        print("\ncluster nodes after the rounds:")
        print_table(["node", "pid", "VmRSS MB", "VmHWM MB", "heap used MB", "heap max MB"],
                    [[n, x["pid"], x["vm_rss_mb"], x["vm_hwm_mb"], x["heap_used_mb"], x["heap_max_mb"]]
                     for n, x in r["cluster_memory_after_rounds"].items()])
    s = r["sizes"]
    print("\nsizes:")
    print_table(["engine", "articles", "on disk MB", "bytes/article", "primaries MB", "primary bytes/article",
                 "segments (primaries)"],
                [["whoosh", s["whoosh"]["articles"], mb(s["whoosh"]["bytes"]), s["whoosh"]["bytes_per_article"],
                  "", "", ""],
                 ["opensearch", s["opensearch"]["docs"], mb(s["opensearch"]["store_bytes"]),
                  s["opensearch"]["total_bytes_per_article"], mb(s["opensearch"]["primary_store_bytes"]),
                  s["opensearch"]["primary_bytes_per_article"], s["opensearch"]["primary_segments"]]])
    w, o = r.get("whoosh", {}), r.get("opensearch", {})
    if w.get("per_query_median_ms") and o.get("per_query_median_ms"):
        print("\nper query (median ms, hit totals from the warm-up, shard query phases of one OpenSearch answer):")
        rows = []
        phases = o.get("shard_queries") or [None] * len(qs)
        for i, (q, f) in enumerate(qs):
            a, b = w["per_query_median_ms"][i], o["per_query_median_ms"][i]
            rows.append([q or "(no words)", ", ".join(f"{k}={v}" for k, v in f), a, w["totals"][i], b,
                         o["totals"][i], round(b / a, 2) if a and b else "", phases[i],
                         "" if w["totals"][i] == o["totals"][i] else "totals differ"])
        print_table(["query", "filters", "whoosh", "hits", "opensearch", "hits", "ratio", "shard q", ""], rows)
    for x in r.get("extra_queries", []):
        w, o = x["whoosh"], x["opensearch"]
        print(f"\nnot in the query set, {EXTRA_ROUNDS} times each after the rounds: q={x['q']!r} {x['filters']}: "
              f"whoosh {w['median_ms']} ms ({w.get('total')} hits), opensearch {o['median_ms']} ms "
              f"({o.get('total')} hits, {o.get('shard_queries')} shard query phases); errors {w['errors']} / {o['errors']}"
              + "".join(f"; {n} warned: {x[n]['warnings']}" for n in ENGINES if x[n].get("warnings")))
    for name in ENGINES:
        for query, warnings in (r.get(name) or {}).get("warnings", {}).items():
            print(f"warnings in answers ({name}): {query}: {'; '.join(map(str, warnings))[:200]}")
        for rnd, i, p in (r.get(name) or {}).get("problems", []) + (r.get(name) or {}).get("error_list", []):
            print(f"{'warm-up problem' if rnd == 0 else f'error in round {rnd}'} ({name}): "
                  f"{qs[i][0]!r} {qs[i][1]}: {p}")
    if "cli_rebuild" in r:
        print("\n`app.py index CORPUS --rebuild`, every extraction reused (the indexing process alone):")
        print_table(["engine", "round", "articles/s", "wall s", "CPU ms/article (tree)", "cluster CPU ms/article",
                     "all reused", "load at end"],
                    [[name, i + 1, x["articles_per_s"], x["seconds"], x["cpu_ms_per_article"],
                      x.get("cluster_cpu_ms_per_article", ""), x["all_reused"], fmt_load(x["loadavg_end"])]
                     for name, c in r["cli_rebuild"].items() for i, x in enumerate(c["runs"])])
    print(f"cluster health at the start {r['cluster']['health_start']['status']}, "
          f"at the end {r['cluster'].get('health_end', {}).get('status')}")
    for name, c in (r.get("copy") or {}).items():
        for i, run in enumerate(c["runs"]):
            if run.get("cluster_disturbed"):
                print(f"note: during copy {i + 1} into {name}, cluster nodes changed: {run['cluster_disturbed']}")
    if r.get("cluster_disturbed_during_rounds"):
        print(f"note: during the timed rounds, cluster nodes changed: {r['cluster_disturbed_during_rounds']} "
              "(another user of the cluster?); its CPU per query is not shown")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine-url", default=os.environ.get("FACETWIRE_ENGINE_URL") or DEFAULT_URLS,
                    help="every node of the cluster, comma-separated (default: the local test cluster)")
    ap.add_argument("--alias", default="", help="FACETWIRE_ENGINE_INDEX for the bench (default facetwire-bench-Kx)")
    ap.add_argument("--shards", type=int, default=2)
    ap.add_argument("--replicas", type=int, default=1)
    ap.add_argument("--corpus", default=str(REUTERS), help="a .jsonl[.gz] corpus (default: Reuters-21578)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles with a body")
    ap.add_argument("--scale", type=int, default=1, help="copy the 1x documents K times, copies under new ids")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batch", type=int, default=500, help="documents per put + commit in the copy")
    ap.add_argument("--copy-rounds", type=int, default=1, help="copies into each target (median)")
    ap.add_argument("--workers", type=int, default=2, help="--workers for building the 1x index (NER)")
    ap.add_argument("--threads", type=int, help="--threads for both `app.py serve` (default: its own)")
    ap.add_argument("--cli-rebuild", type=int, default=0, metavar="N",
                    help="at 1x, after the rounds: N x `app.py index --rebuild` into each engine (all reused)")
    ap.add_argument("--skip-copy", action="store_true",
                    help="serve the Whoosh copy and the alias left by an earlier run instead of copying again")
    ap.add_argument("--drop", action="store_true", help="delete the alias's indexes on the cluster at the end")
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("--work-dir", help="indexes and logs (default: $TMPDIR/facetwire-bench/engines)")
    args = ap.parse_args(argv)
    args.urls = [u.strip() for u in args.engine_url.split(",") if u.strip()]
    alias = args.alias = args.alias or f"facetwire-bench-{args.scale}x"
    # What `serve --engine opensearch` and the copy's writer read: the same settings for both.
    os.environ.update(FACETWIRE_ENGINE_INDEX=alias, FACETWIRE_ENGINE_SHARDS=str(args.shards),
                      FACETWIRE_ENGINE_REPLICAS=str(args.replicas))
    tag = f"{Path(args.corpus).name.split('.')[0]}-{args.limit or 'all'}"
    work = work_dir(args.work_dir and Path(args.work_dir) / tag, f"engines/{tag}")
    info = machine()
    cluster = Cluster(args.urls)
    nodes = cluster.nodes()
    results = {"machine": info, "corpus": args.corpus, "limit": args.limit, "scale": args.scale,
               "alias": alias, "shards": args.shards, "replicas": args.replicas, "rounds": args.rounds,
               "batch": args.batch, "threads": args.threads, "engine_url": args.urls,
               "cluster": {"nodes": len(nodes), "version": sorted({n["version"] for n in nodes.values()}),
                           "heap_max_mb": {k: mb(v["heap_max"]) for k, v in nodes.items()},
                           "health_start": cluster.health()}}
    # Step 1: NER once, as bench/search.py does it (its index-1x, in this script's work folder).
    build_args = argparse.Namespace(corpus=args.corpus, limit=args.limit, scale=1, workers=args.workers)
    built, source_dir, corpus, _records = prepare_index(build_args, work)
    results["build"] = built
    copy_dir = work / f"copy-whoosh-{args.scale}x"
    if not args.skip_copy:
        results["copy"] = copy_rounds(args, source_dir, copy_dir, cluster)
    print("waiting for the index to be green (every replica copied) ...", flush=True)
    results["cluster"]["index_health"] = cluster.health(alias, wait_green=300)
    results["sizes_after_copy"] = sizes(copy_dir, alias, cluster)
    serve_and_race(args, copy_dir, cluster, work, results)
    results["sizes"] = sizes(copy_dir, alias, cluster)   # after the rounds: merges may have run
    if args.cli_rebuild and args.scale == 1:
        results["cli_rebuild"] = cli_rebuilds(args, corpus, copy_dir, cluster)
    results["cluster"]["health_end"] = cluster.health()
    info["loadavg_end"] = os.getloadavg()
    derive(results)
    report(results, queries())
    if args.drop:
        from indexer.engines import config_from_env, open_engine

        engine = open_engine(config_from_env(engine="opensearch", engine_url=args.urls))
        engine.drop()
        engine.close()
        print(f"dropped {alias} and its indexes")
    save_json(args.json, results)
    if "error" in results or any(results.get(n, {}).get("problems") for n in ENGINES):
        sys.exit(1)
    return results


if __name__ == "__main__":
    main()
