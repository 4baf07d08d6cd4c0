"""Attack: what hostile queries and hostile files cost, measured on Reuters over HTTP against `app.py serve`.

usage: python bench/attack.py [--app APP.py] [--index-dir DIR] [--rounds 3] [--storm-seconds 20]
                              [--no-files] [--good N] [--timeout S] [--json OUT] [--work-dir DIR]

Steps (files under --work-dir, default $TMPDIR/facetwire-bench/attack, reused between runs):
  1. the Reuters 1x index: --index-dir, else WORK/index-1x, else bench/search.py's
     $TMPDIR/facetwire-bench/search/reuters21578-all/index-1x; built with `app.py index` when none
     exists (about 12 minutes with --workers 1);
  2. `app.py serve --threads 8` on a free loopback port (--app: another checkout's app.py, e.g. a
     `git worktree` of the commit before a change, for its figures on the same index);
  3. every hostile query of HOSTILE over /api/search and /search, --rounds times: latency (request
     to last byte, fresh connection), status, whether the answer says it was cut short or capped;
  4. the storm: 8 client threads send the heaviest hostile queries back to back for
     --storm-seconds while another asks for /help every 0.1 s: /help's latency, and the storm's;
  5. hostile files (the kinds of tests/test_hostile_files.py) in a folder beside --good Reuters
     records: `app.py index` on it, its time and peak RSS (process tree), and whether every good
     record was indexed (`app.py export`).
"""
import argparse
import json
import os
import random
import shutil
import socket
import sys
import threading
import time
import zlib
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (APP, PYTHON, REUTERS, ROOT, Server, free_port, get, latency_summary,  # noqa: E402
                    load_records, machine, mb, print_table, run_measured, save_json, work_dir, write_jsonl)

FIXTURES = ROOT / "tests" / "fixtures" / "hostile"
TIME_NOTE = "time limit"           # words of the warning a search cut short carries (search/query.py)
CAPPED_NOTE = "were searched"      # ... and of one whose wildcard, fuzzy word or range kept fewer words


def _fuzzy_words(n, length, seed):
    rng = random.Random(seed)
    return [("".join(rng.choice("aeioubcdlmnprst") for _ in range(length))) + "~2" for _ in range(n)]


SHORT_FUZZY = " AND ".join(w + "~2" for w in (
    "bank", "oil", "rate", "trade", "price", "stock", "market", "share", "dollar", "yen", "gold", "corn",
    "wheat", "sugar", "coffee", "steel", "ship", "loan", "debt", "tax", "bond", "fund", "cash", "sale",
    "cost", "plan", "deal"))
# The findings of the attack, in its words (docs/RELIABILITY.md), and a few more of the same kinds.
HOSTILE = [
    ("star", "*"),
    ("qmarks", "?*?*?*"),
    ("ab~2", "ab~2"),
    ("*a*", "*a*"),
    ("range", "body:[a to]"),
    ("police~2", "police~2"),
    ("parlament~2", "parlament~2"),
    ("27 fuzzy AND", SHORT_FUZZY),
    ("20-char fuzzy", " ".join(_fuzzy_words(20, 20, 7))),
    ("a*", "a*"),
    ("id:*", "id:*"),
    ("person:*", "person:*"),
    ("s* t* c*", "s* OR t* OR c* OR p* OR m*"),
    ("title range", "title:[a TO zz] OR body:[m TO n]"),
    ("long AND", " AND ".join(["said", "mln", "pct", "year", "dlrs", "billion", "company", "market"] * 7)),
    ("sloppy phrase", '"said mln"~50 OR "pct year"~50'),
    ("deep parens", "(" * 120 + "oil" + ")" * 120),
]
STORM = ["20-char fuzzy", "27 fuzzy AND", "qmarks", "*a*", "range", "s* t* c*", "20-char fuzzy", "title range"]


def find_index(args, work):
    """Return the Reuters 1x index to attack: --index-dir, ours, bench/search.py's, or a new build."""
    candidates = [Path(args.index_dir)] if args.index_dir else [
        work / "index-1x", work.parent / "search" / "reuters21578-all" / "index-1x"]
    for path in candidates:
        if (path / "CURRENT").exists():
            return path, None
    path = candidates[0]
    print(f"building the Reuters index in {path} (about 12 minutes) ...", flush=True)
    m = run_measured([PYTHON, args.app, "index", args.corpus, "--index-dir", path, "--workers", "1", "-q"]).check()
    return path, {"seconds": round(m.seconds, 1), "summary": m.stdout.strip().splitlines()[-1]}


def timed(url, timeout):
    """GET url; return (seconds, status, body) (status 0: no answer within timeout)."""
    t = time.perf_counter()
    try:
        status, body = get(url, timeout=timeout)
    except OSError as err:
        status, body = 0, str(err).encode()
    return time.perf_counter() - t, status, body


def api_url(q, **extra):
    return "/api/search?" + urlencode({"q": q, **extra})


def page_url(q):
    return "/search?" + urlencode({"q": q})


def answer_marks(status, body):
    """Return (cut short, capped) as the answer says (API JSON warnings, or the page's text)."""
    if status != 200:
        return False, False
    text = body.decode("utf-8", "replace")
    if text.startswith("{"):
        text = " ".join(json.loads(text).get("warnings", []))
    return TIME_NOTE in text, CAPPED_NOTE in text


def query_costs(server, rounds, timeout, only=None):
    """Time every hostile query (only: those labels) over the API and the explorer page, `rounds` times."""
    rows, every = [], []
    for label, q in HOSTILE:
        if only and label not in only:
            continue
        row = {"label": label, "q": q[:80], "api": [], "page": [], "status": set(), "cut": 0, "capped": 0}
        for r in range(rounds):
            for route, url in (("api", api_url(q)), ("page", page_url(q)))[::1 if r % 2 == 0 else -1]:
                seconds, status, body = timed(server.url(url), timeout)
                cut, capped = answer_marks(status, body)
                row[route].append(seconds)
                row["status"].add(status)
                row["cut"] += cut
                row["capped"] += capped
                every.append(seconds)
        row["status"] = sorted(row["status"])
        row["max_ms"] = round(max(row["api"] + row["page"]) * 1e3)
        rows.append(row)
        print(f"  {label:16} max {row['max_ms']:>7} ms  statuses {row['status']}  cut {row['cut']}  "
              f"capped {row['capped']}", flush=True)
    return rows, latency_summary(every)


def storm(server, seconds, timeout):
    """8 threads send heavy queries back to back while /help is asked for every 0.1 s."""
    queries = dict(HOSTILE)
    stop = threading.Event()
    hostile, lock = [], threading.Lock()

    def attacker(i):
        n = 0
        while not stop.is_set():
            q = queries[STORM[(i + n) % len(STORM)]]
            result = timed(server.url(api_url(q)), timeout)
            with lock:
                hostile.append(result[:2])
            n += 1

    idle = []
    for _ in range(20):   # /help with nothing else running: what the machine gives it at all
        idle.append(timed(server.url("/help"), timeout)[0])
        time.sleep(0.05)
    threads = [threading.Thread(target=attacker, args=(i,), daemon=True) for i in range(8)]
    for t in threads:
        t.start()
    time.sleep(0.5)   # every attacker has a request in flight
    helps, statuses, end = [], set(), time.monotonic() + seconds
    while time.monotonic() < end:
        s, status, _ = timed(server.url("/help"), timeout)
        helps.append(s)
        statuses.add(status)
        time.sleep(0.1)
    stop.set()
    for t in threads:
        t.join(timeout)
    return {"help_idle": latency_summary(idle), "help": latency_summary(helps), "help_statuses": sorted(statuses),
            "hostile": latency_summary([s for s, _ in hostile]) if hostile else {},
            "hostile_statuses": sorted({st for _, st in hostile}), "hostile_requests": len(hostile)}


# --- hostile files ------------------------------------------------------------------------------

def jsonl(records):
    return "".join(json.dumps(r) + "\n" for r in records)


def write_gzip(path, chunks):
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    with open(path, "wb") as fh:
        for chunk in chunks:
            fh.write(packer.compress(chunk))
        fh.write(packer.flush())


def _unix_socket(path):
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))   # the socket file stays behind


def hostile_folder(folder, good):
    """Write the good records and one file of each hostile kind (tests/test_hostile_files.py); return the kinds."""
    from indexer.articles import MAX_NODES, MAX_RECORD

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    write_jsonl(good, folder / "good.jsonl")
    kinds = {
        "deep.jsonl": lambda p: p.write_text(jsonl([{"id": "d1", "body": "x"}]) + "[" * 100_000 + "\n"),
        "many-lists.jsonl": lambda p: p.write_text(jsonl([{"id": "many", "body": "x", "m": [[]] * MAX_NODES}])),
        "long-line.jsonl": lambda p: p.write_text('{"id": "over", "body": "' + "x" * MAX_RECORD + '"}\n'),
        "zeros.jsonl.gz": lambda p: write_gzip(p, [bytes(2**20)] * 100 + [b"\n"]),
        "blank.jsonl.gz": lambda p: write_gzip(p, [b"\n" * 3_000_000, b'{"body": "last"}\n']),
        "huge.csv": lambda p: p.write_text('title,body\nHuge,"' + "A paragraph.\n\n" * (MAX_RECORD // 14) + '"\n'),
        os.fsdecode(b"caf\xff.jsonl"): lambda p: p.write_text(jsonl([{"body": "No id of its own."}])),
        "ctl\x01.txt": lambda p: p.write_text("Control\n\nBody.\n"),
        "deep-folders": lambda p: (p / "/".join(["d"] * 120)).mkdir(parents=True),
        "loop": lambda p: p.symlink_to(folder),
        "fifo": lambda p: os.mkfifo(p),
        "socket": _unix_socket,
    }
    for name in ("records.jsonl", "unclosed_quote.csv", "quote_closed_by_later_field.csv", "empty.jsonl",
                 "header_only.csv"):
        shutil.copy(FIXTURES / name, folder / name)
    for name, make in kinds.items():
        make(folder / name)
    return sorted(kinds) + ["records.jsonl", "unclosed_quote.csv", "quote_closed_by_later_field.csv",
                            "empty.jsonl", "header_only.csv"]


def hostile_files(args, work):
    """Index hostile files beside good records; return time, peak RSS and whether every good one is in."""
    good = [dict(r, id=f"good-{r['id']}") for r in load_records(args.corpus, args.good)]
    folder, index = work / "hostile-files", work / "hostile-index"
    kinds = hostile_folder(folder, good)
    shutil.rmtree(index, ignore_errors=True)
    m = run_measured([PYTHON, args.app, "index", folder, "--index-dir", index, "--workers", "1", "-q"])
    out = work / "hostile-export.jsonl"
    exported = run_measured([PYTHON, args.app, "export", "--index-dir", index, "--format", "jsonl", "-o", out])
    ids = set()
    if exported.returncode == 0:
        with open(out, encoding="utf-8") as fh:
            ids = {json.loads(line)["id"] for line in fh if line.strip()}
    missing = [r["id"] for r in good if r["id"] not in ids]
    reported = [ln for ln in m.stderr.splitlines() if ln.startswith(("skipped:", "warning:", "error:"))]
    return {"kinds": kinds, "good": len(good), "good_indexed": len(good) - len(missing), "missing": missing[:10],
            "exit_code": m.returncode, "seconds": round(m.seconds, 1), "tree_peak_rss_mb": mb(m.tree_peak_rss),
            "process_peak_rss_mb": mb(m.process_peak_rss), "problems_reported": len(reported),
            "summary": (m.stdout.strip().splitlines() or [""])[-1][:200]}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--app", default=str(APP), help="the app.py to run (default: this checkout's)")
    ap.add_argument("--corpus", default=str(REUTERS))
    ap.add_argument("--index-dir", help="attack this index (built from --corpus) instead of finding one")
    ap.add_argument("--rounds", type=int, default=3, help="times each hostile query is sent per route")
    ap.add_argument("--storm-seconds", type=float, default=20.0)
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds a client waits for an answer")
    ap.add_argument("--good", type=int, default=300, help="good records indexed beside the hostile files")
    ap.add_argument("--no-files", action="store_true", help="skip the hostile files")
    ap.add_argument("--no-queries", action="store_true", help="skip the queries and the storm")
    ap.add_argument("--only", help="comma-separated labels of HOSTILE to send (default: all)")
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("--work-dir", help="default: $TMPDIR/facetwire-bench/attack")
    args = ap.parse_args(argv)
    work = work_dir(args.work_dir, "attack")
    results = {"machine": machine(), "app": args.app, "rounds": args.rounds}
    print(f"app: {args.app}; load average {os.getloadavg()}", flush=True)
    if not args.no_queries:
        index, built = find_index(args, work)
        results.update(index=str(index), index_build=built)
        port = free_port()
        cmd = [PYTHON, args.app, "serve", "--index-dir", index, "--port", port, "--threads", "8"]
        t = time.perf_counter()
        with Server("facetwire", cmd, port, "/help", work, timeout=600) as server:
            results["startup_s"] = round(time.perf_counter() - t, 1)
            print(f"serving {index} on port {port} (ready in {results['startup_s']} s); hostile queries:",
                  flush=True)
            only = set(args.only.split(",")) if args.only else None
            rows, overall = query_costs(server, args.rounds, args.timeout, only)
            results.update(queries=rows, overall=overall)
            print(f"every hostile request: p95 {overall['p95_ms']} ms, max {overall['max_ms']} ms", flush=True)
            print(f"storm: 8 threads of heavy queries for {args.storm_seconds:g} s, /help every 0.1 s ...",
                  flush=True)
            results["storm"] = storm(server, args.storm_seconds, args.timeout)
            results["server_memory_mb"] = {k: mb(v) for k, v in server.memory().items()}
        report_queries(results)
    if not args.no_files:
        print(f"hostile files beside {args.good} good records ...", flush=True)
        results["files"] = hostile_files(args, work)
        f = results["files"]
        print(f"indexed in {f['seconds']} s, peak RSS {f['tree_peak_rss_mb']} MB (tree), "
              f"{f['good_indexed']}/{f['good']} good records in the index, {f['problems_reported']} problems "
              f"reported, exit code {f['exit_code']}\n  {f['summary']}")
    results["loadavg_end"] = os.getloadavg()
    save_json(args.json, results)


def report_queries(r):
    print()
    print_table(["query", "api max ms", "page max ms", "statuses", "cut short", "capped"],
                [[row["label"], round(max(row["api"]) * 1e3), round(max(row["page"]) * 1e3), row["status"],
                  row["cut"], row["capped"]] for row in r["queries"]])
    s = r["storm"]
    print(f"\nevery hostile request: p95 {r['overall']['p95_ms']} ms, max {r['overall']['max_ms']} ms")
    print(f"/help alone: p50 {s['help_idle']['p50_ms']} ms, p95 {s['help_idle']['p95_ms']} ms; during the storm: "
          f"p50 {s['help']['p50_ms']} ms, p95 {s['help']['p95_ms']} ms, max {s['help']['max_ms']} ms over "
          f"{s['help']['n']} requests, statuses {s['help_statuses']}")
    if s["hostile"]:
        print(f"storm requests: {s['hostile_requests']}, p95 {s['hostile']['p95_ms']} ms, "
              f"max {s['hostile']['max_ms']} ms, statuses {s['hostile_statuses']}")
    print(f"server memory after: {r['server_memory_mb']}")


if __name__ == "__main__":
    main()
