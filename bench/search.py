"""Search latency over HTTP: Facetwire's /api/search against Datasette on the same articles and facets.

usage: python bench/search.py [--scale K] [--limit N] [--rounds 3] [--per-page 20] [--workers 2] [--no-datasette]
                              [--threads N] [--index-dir DIR] [--profile N] [--json OUT]
                              [--work-dir DIR] [--corpus FILE]

Steps (files under --work-dir, default $TMPDIR/facetwire-bench/search, reused between runs):
  1. index the corpus (articles with a body) with `app.py index` (incremental: a re-run is quick);
     with --scale K, the corpus repeated K times under new ids r{k}-{id}, into a copy of the 1x
     index so that the copies reuse its extraction by content hash (checked in the summary line);
  2. `app.py export` -> SQLite: articles(id, title, body, date, source, url, person, country, org,
     topic; facets as JSON arrays) + FTS5 (porter) on title and body, the layout Datasette facets;
  3. `app.py serve` and `datasette serve` on free loopback ports; a warm-up round, then --rounds
     rounds of QUERIES against both, alternating which goes first; latency = request sent to body
     read, over a fresh connection each time;
  4. p50 / p95 / max for each, the ratios, the explorer's VmRSS after the rounds, index sizes;
  5. with --profile N, the N slowest Facetwire queries again in-process under pyinstrument.
"""
import argparse
import json
import os
import shutil
import sqlite3
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (PYTHON, REUTERS, Server, ServerFailed, app_cmd, free_port,  # noqa: E402
                    get, goal, latency_summary, load_records, machine, mb, median, print_table,
                    run_measured, save_json, timed_get, work_dir, write_jsonl)
from indexing import parse_summary  # noqa: E402

FACETS = ("person", "country", "topic", "org", "source")
LIST_FACETS = ("person", "country", "topic", "org")
PER_PAGE = 20
FACET_SIZE = 20   # values per facet panel: web.viewmodels.API_FACET_SIZE, and _facet_size for Datasette
DATASETTE_SETTINGS = {"facet_time_limit_ms": "10000", "sql_time_limit_ms": "20000",
                      # Suggested facets are extra queries Facetwire does not run: off, for a fair race.
                      "suggest_facets": "off"}
GOALS = {"p50_ratio": 0.5, "p95_ratio": 0.3, "p95_ms_at_10x": 150, "rss_mb_1x": 400}

# Words, phrases, booleans; half with one or two facet filters whose values exist in Reuters-21578
# (checked at run time: a filter value that matches nothing is reported). The same strings are
# valid Whoosh and FTS5 syntax, so both engines get the same query.
QUERIES = [
    ("oil", {}),
    ("wheat", {}),
    ("dollar", {}),
    ("earnings", {}),
    ("merger", {}),
    ("coffee", {}),
    ("inflation", {}),
    ("bank", {}),
    ('"interest rates"', {}),
    ('"trade deficit"', {}),
    ('"crude oil"', {}),
    ('"central bank"', {}),
    ("oil AND opec", {}),
    ("gold OR silver", {}),
    ("wheat NOT corn", {}),
    ("(sugar OR cocoa) AND brazil", {}),
    ("oil", {"country": "Saudi Arabia"}),
    ("trade", {"country": "Japan"}),
    ("trade", {"country": "Japan", "person": "Yasuhiro Nakasone"}),
    ("dollar", {"country": "United States", "person": "James Baker"}),
    ("rates", {"org": "Federal Reserve"}),
    ("shares", {"country": "United Kingdom"}),
    ("debt", {"country": "Brazil"}),
    ('"interest rates"', {"country": "Germany"}),
    ("tariffs", {"country": "United States"}),
    ("loss", {"topic": "economy, business and finance"}),
    ("strike", {"topic": "labour"}),
    ("oil AND prices", {"country": "United States", "topic": "economy, business and finance"}),
    ("gold OR silver", {"country": "Canada"}),
    ("grain", {"country": "Russia"}),
    ("sterling", {"person": "Nigel Lawson"}),
    ("production", {"org": "OPEC"}),
    ("", {"country": "Japan"}),
    ("", {"person": "James Baker"}),
    # Broad words matching thousands of articles: facet counting and snippets over large sets.
    ("government", {}),
    ("prices", {}),
    ("shares", {}),
    ("profit", {}),
    ("london", {}),
    ("said", {}),
    ("market", {}),
    ("year", {}),
]


def queries():
    """The benchmark queries as (q, [(facet, value), ...])."""
    return [(q, list(filters.items())) for q, filters in QUERIES]


def facetwire_url(q, filters, per_page=PER_PAGE):
    return "/api/search?" + urlencode([("q", q)] + filters + [("per_page", per_page)])


def datasette_url(db, q, filters, per_page=PER_PAGE):
    params = [("_search", q), ("_searchmode", "raw")] if q else []
    params += [("_facet_array", f) for f in LIST_FACETS] + [("_facet", "source")]
    params += [("_size", per_page), ("_facet_size", FACET_SIZE)]
    params += [(f"{k}__arraycontains" if k in LIST_FACETS else f"{k}__exact", v) for k, v in filters]
    return f"/{db}/articles.json?" + urlencode(params)


# --- preparing the indexes --------------------------------------------------------------------

def index_corpus(corpus, index_dir, workers):
    """Run `app.py index` (incremental); return seconds and the summary counts."""
    m = run_measured(app_cmd("index", corpus, "--index-dir", index_dir, "--workers", workers, "-q")).check()
    return {"seconds": round(m.seconds, 2), "cpu_seconds": round(m.cpu_seconds, 2),
            "tree_peak_rss_mb": mb(m.tree_peak_rss), "summary": parse_summary(m.stdout),
            "summary_line": m.stdout.strip().splitlines()[-1]}


def prepare_index(args, work):
    """Build (or update) the 1x index and, with --scale K, the Kx one; return what was done."""
    records = load_records(args.corpus, args.limit)
    n = len(records)
    c1 = write_jsonl(records, work / "corpus-1x" / "articles.jsonl")
    print(f"{n} articles with a body; indexing 1x into {work / 'index-1x'} ...", flush=True)
    out = {"articles_1x": n, "index_1x": index_corpus(c1, work / "index-1x", args.workers)}
    if args.scale == 1:
        return out, work / "index-1x", c1, records
    k = args.scale
    ck = write_jsonl(records + [dict(r, id=f"r{i}-{r['id']}") for i in range(1, k) for r in records],
                     work / f"corpus-{k}x" / "articles.jsonl")
    index_k = work / f"index-{k}x"
    first = not index_k.exists()
    if first:
        # Start from the 1x index: every copy then finds its extraction by content hash.
        shutil.copytree(work / "index-1x", index_k)
    print(f"{k * n} articles; indexing {k}x into {index_k} ({'first build' if first else 'update'}) ...",
          flush=True)
    build = index_corpus(ck, index_k, 1)
    s = build["summary"]
    build["first_build"] = first
    # Every new id must have found its extraction by content hash: nothing went through NER.
    build["reuse_ok"] = s.get("added") == s.get("reused") and s.get("updated") == 0
    out[f"index_{k}x"] = build
    return out, index_k, ck, records


def build_sqlite(index_dir, records, db_path, log_dir):
    """Export the index and load it with the corpus bodies into SQLite + FTS5; return seconds, size."""
    started = time.perf_counter()
    export_path = Path(log_dir) / f"{db_path.stem}-export.jsonl"
    run_measured(app_cmd("export", "--index-dir", index_dir, "--format", "jsonl", "-o", export_path)).check()
    bodies = {str(r["id"]): str(r["body"]).strip() for r in records}  # as the indexer stores them
    tmp = db_path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    conn.execute("CREATE TABLE articles (id TEXT PRIMARY KEY, title TEXT, body TEXT, date TEXT, source TEXT, "
                 f"url TEXT, {', '.join(f + ' TEXT' for f in LIST_FACETS)})")

    def rows():
        with open(export_path, encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                rid = rec["id"]
                original = rid.split("-", 1)[1] if rid.startswith("r") and "-" in rid else rid
                yield (rid, rec["title"], bodies[original], rec["date"], rec["source"], rec["url"],
                       *(json.dumps(rec[f], ensure_ascii=False) for f in LIST_FACETS))

    conn.executemany("INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?)", rows())
    # The table Datasette's detect_fts() finds for `articles` (content="articles"), as sqlite-utils makes it.
    conn.execute('CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content="articles", '
                 'tokenize="porter unicode61")')
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
    conn.commit()
    count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    conn.close()
    os.replace(tmp, db_path)
    export_path.unlink()
    return {"seconds": round(time.perf_counter() - started, 1), "rows": count, "size_mb": mb(db_path.stat().st_size)}


def index_articles(index_dir):
    from indexer.engines.whoosh.store import open_index

    ix = open_index(index_dir)
    try:
        return ix.doc_count()
    finally:
        ix.close()


def datasette_available():
    import importlib.util

    return importlib.util.find_spec("datasette") is not None


# --- measuring ----------------------------------------------------------------------------------

def check_facetwire(body):
    """Return a problem with a Facetwire answer, or None: all five facets, snippets on the hits."""
    data = json.loads(body)
    missing = [f for f in FACETS if f not in data.get("facets", {})]
    if missing:
        return f"facets missing: {missing}", data
    if data.get("total") and not data.get("hits"):
        return "total > 0 but no hits", data
    if any("snippet" not in h for h in data.get("hits", [])):
        return "hits without a snippet", data
    return None, data


def check_datasette(body):
    data = json.loads(body)
    missing = [f for f in FACETS if f not in data.get("facet_results", {})]
    if missing:
        return f"facets missing: {missing}", data
    if data.get("facets_timed_out"):
        return f"facets timed out: {data['facets_timed_out']}", data
    return None, data


def measure(servers, qs, rounds):
    """Warm up, then `rounds` rounds of every query against every server, alternating the order."""
    names = list(servers)
    lat = {name: [[] for _ in qs] for name in names}
    totals = {name: [None] * len(qs) for name in names}
    problems = {name: {} for name in names}
    cpu = {}
    for r in range(rounds + 1):
        if r == 1:
            cpu = {name: servers[name]["server"].cpu_seconds() for name in names}
        for i, query in enumerate(qs):
            order = names if (i + r) % 2 == 0 else names[::-1]
            for name in order:
                spec = servers[name]
                url, check, total_key = spec["server"].url(spec["url"](query)), spec["check"], spec["total"]
                seconds, status, body = timed_get(url)
                if status != 200:
                    problems[name][i] = f"HTTP {status}: {body[:200]!r}"
                    continue
                if r == 0:  # warm-up round: check the answers, do not time them
                    problem, data = check(body)
                    if problem:
                        problems[name][i] = problem
                    totals[name][i] = data.get(total_key)
                    continue
                lat[name][i].append(seconds)
    # Server CPU per timed request: the cost of an answer, whatever else the machine is running.
    cpu_ms = {name: round((servers[name]["server"].cpu_seconds() - cpu.get(name, 0.0)) * 1e3
                          / max(1, rounds * len(qs)), 2) for name in names}
    return lat, totals, problems, cpu_ms


def server_figures(spec, lat, totals, problems, qs):
    """Latency summary, memory after the rounds, per-query medians and totals of one server."""
    mem = spec["server"].memory()
    flat = [s for per_query in lat for s in per_query]
    return {
        **(latency_summary(flat) if flat else {}), "startup_s": spec["startup_s"],
        "vm_rss_mb": mb(mem.get("VmRSS", 0)), "vm_hwm_mb": mb(mem.get("VmHWM", 0)),
        "per_query_median_ms": [round(median(x) * 1e3, 2) if x else None for x in lat],
        "totals": totals, "problems": {f"{qs[i][0]} {qs[i][1]}": p for i, p in problems.items()},
    }


def unmatched_filters(server, qs):
    """Return the facet filter values of the queries that match no article in the index."""
    out = []
    for facet, value in sorted({pair for _, filters in qs for pair in filters}):
        status, body = get(server.url(facetwire_url("", [(facet, value)])))
        if status != 200 or not json.loads(body).get("total"):
            out.append(f"{facet}={value}")
    return out


def profile_queries(index_dir, slowest, repeat=3, per_page=PER_PAGE):
    """Run the given queries in-process through the Flask app under pyinstrument; return its text."""
    from pyinstrument import Profiler

    from web import create_app

    app = create_app({"INDEX_DIR": str(Path(index_dir).resolve()), "TESTING": True})
    client = app.test_client()
    for q, filters in slowest:
        client.get(facetwire_url(q, filters, per_page))  # warm: open the index, load the facet columns
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(repeat):
        for q, filters in slowest:
            client.get(facetwire_url(q, filters, per_page))
    profiler.stop()
    return profiler.output_text(unicode=True, color=False, show_all=False)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(REUTERS), help="a .jsonl[.gz] corpus (default: Reuters-21578)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles with a body")
    ap.add_argument("--scale", type=int, default=1, help="repeat the corpus K times under new ids")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--start-timeout", type=int, default=180, help="seconds each server may take to answer first")
    ap.add_argument("--per-page", type=int, default=PER_PAGE, help="hits per answer, both servers (API default 20)")
    ap.add_argument("--workers", type=int, default=2, help="--workers for building the 1x index")
    ap.add_argument("--no-datasette", action="store_true", help="measure Facetwire only")
    ap.add_argument("--threads", type=int, help="--threads for `app.py serve` (default: its own default)")
    ap.add_argument("--index-dir", help="serve this existing index (built from --corpus, copies named "
                                        "r{k}-{id}) instead of building one")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="profile the N slowest queries")
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("--work-dir", help="index, database and logs (default: $TMPDIR/facetwire-bench/search)")
    args = ap.parse_args(argv)
    tag = f"{Path(args.corpus).name.split('.')[0]}-{args.limit or 'all'}"
    work = work_dir(args.work_dir and Path(args.work_dir) / tag, f"search/{tag}")
    info = machine()
    results = {"machine": info, "corpus": args.corpus, "limit": args.limit, "scale": args.scale,
               "threads": args.threads, "rounds": args.rounds, "per_page": args.per_page, "goals": GOALS,
               "datasette_settings": DATASETTE_SETTINGS}
    if args.index_dir:
        index_dir, records = Path(args.index_dir), load_records(args.corpus, args.limit)
        results["build"] = {"articles_1x": len(records), "served_index": str(index_dir)}
    else:
        built, index_dir, _corpus, records = prepare_index(args, work)
        results["build"] = built
    from indexer.engines.whoosh.store import index_size

    results["index_size_mb"] = mb(index_size(index_dir))
    results["articles"] = index_articles(index_dir)
    use_datasette = not args.no_datasette and datasette_available()
    if not args.no_datasette and not use_datasette:
        print("datasette is not installed (pip install -r requirements-bench.txt): Facetwire only")
    db = work / f"articles-{index_dir.name}.db"
    if use_datasette:
        print("building the SQLite database for Datasette ...", flush=True)
        results["sqlite"] = build_sqlite(index_dir, records, db, work)

    qs = queries()
    results["queries"] = [{"q": q, "filters": f} for q, f in qs]
    race(server_specs(args, index_dir, db if use_datasette else None), qs, args.rounds, work, results)
    derive(results, qs)
    info["loadavg_end"] = os.getloadavg()
    report(results, qs)
    if args.profile and "facetwire" in results and "error" not in results:
        per = results["facetwire"]["per_query_median_ms"]
        slowest = [qs[i] for i in sorted(range(len(qs)), key=lambda i: -(per[i] or 0))[:args.profile]]
        text = profile_queries(index_dir, slowest, repeat=args.rounds, per_page=args.per_page)
        path = work / f"profile-{index_dir.name}.txt"
        path.write_text(text, encoding="utf-8")
        results["profile"] = {"queries": slowest, "file": str(path)}
        print(f"\nprofile of the {args.profile} slowest queries (x{args.rounds}), full text in {path}:")
        print("\n".join(text.splitlines()[:80]))
    save_json(args.json, results)
    if "error" in results or "facetwire" not in results:
        sys.exit(1)
    return results


def server_specs(args, index_dir, db):
    """How to start, probe and query each server (Datasette only when db is given)."""
    port = free_port()
    for_all = dict(start_timeout=args.start_timeout)
    specs = {"facetwire": dict(for_all,
        cmd=app_cmd("serve", "--index-dir", index_dir, "--port", port,
                    *(["--threads", args.threads] if args.threads else [])), port=port,
        ready="/api/search?q=", url=lambda query: facetwire_url(*query, args.per_page), check=check_facetwire, total="total")}
    if db:
        port = free_port()
        settings = [a for k, v in DATASETTE_SETTINGS.items() for a in ("--setting", k, v)]
        specs["datasette"] = dict(
            for_all, cmd=[PYTHON, "-m", "datasette", "serve", db, "--port", port, *settings], port=port,
            ready="/-/versions.json", url=lambda query: datasette_url(db.stem, *query, args.per_page), check=check_datasette,
            total="filtered_table_rows_count")
    return specs


def race(specs, qs, rounds, work, results):
    """Start every server, run the rounds, record each one's figures in results; stop them."""
    servers = {}
    try:
        with ExitStack() as stack:
            for name, spec in specs.items():
                t = time.perf_counter()
                server = stack.enter_context(Server(name, spec["cmd"], spec["port"], spec["ready"], work,
                                                    timeout=spec["start_timeout"]))
                servers[name] = dict(spec, server=server, startup_s=round(time.perf_counter() - t, 2))
            up = ", ".join(f"{n} :{s['port']}" for n, s in servers.items())
            print(f"servers up: {up}; {len(qs)} queries x {rounds} rounds after a warm-up ...", flush=True)
            results["filter_values_matching_nothing"] = unmatched_filters(servers["facetwire"]["server"], qs)
            lat, totals, problems, cpu_ms = measure(servers, qs, rounds)
            for name, spec in servers.items():
                results[name] = server_figures(spec, lat[name], totals[name], problems[name], qs)
                results[name]["cpu_ms_per_query"] = cpu_ms[name]
    except ServerFailed as err:
        print(f"error: {err}", file=sys.stderr)
        results["error"] = str(err)


def derive(results, qs):
    fw, ds = results.get("facetwire"), results.get("datasette")
    if fw and ds and fw.get("p50_ms") and ds.get("p50_ms"):
        results["p50_ratio"] = round(fw["p50_ms"] / ds["p50_ms"], 3)
        results["p95_ratio"] = round(fw["p95_ms"] / ds["p95_ms"], 3)
        results["cpu_ratio"] = round(fw["cpu_ms_per_query"] / max(ds["cpu_ms_per_query"], 1e-9), 3)
        # Same query, same articles: the counts should be close (both stem; Whoosh drops stop words).
        pairs = [(a, b) for a, b in zip(fw["totals"], ds["totals"]) if a is not None and b is not None]
        results["totals_within_10pct"] = sum(abs(a - b) <= 0.1 * max(a, b, 1) for a, b in pairs)
        results["totals_compared"] = len(pairs)


def report(r, qs):
    m = r["machine"]
    n = r["build"]["articles_1x"]
    print(f"\n{r['articles']} articles ({r['articles'] / n:.2f}x the corpus); {m['nproc']} cores, "
          f"Python {m['python']}, commit {m['commit']}")
    for key, b in r["build"].items():
        if key.startswith("index_"):
            print(f"{key}: {b['seconds']} s ({b['cpu_seconds']} cpu-s, peak RSS {b['tree_peak_rss_mb']} MB); "
                  f"{b['summary_line']}" + ("" if b.get("reuse_ok", True) else "  <- NOT all reused"))
    rows = []
    for name in ("facetwire", "datasette"):
        x = r.get(name)
        if x and "p50_ms" in x:
            rows.append([name, x["p50_ms"], x["p95_ms"], x["max_ms"], x["cpu_ms_per_query"], x["vm_rss_mb"],
                         x["startup_s"], len(x["problems"])])
    print_table(["server", "p50 ms", "p95 ms", "max ms", "CPU ms/query", "VmRSS MB", "start s", "problems"], rows)
    goals = []
    if "p50_ratio" in r:
        goals.append(["p50 Facetwire / Datasette", r["p50_ratio"], f"<= {GOALS['p50_ratio']}",
                      goal(r["p50_ratio"], GOALS["p50_ratio"])])
        goals.append(["p95 Facetwire / Datasette", r["p95_ratio"], f"<= {GOALS['p95_ratio']}",
                      goal(r["p95_ratio"], GOALS["p95_ratio"])])
        goals.append(["server CPU per query, Facetwire / Datasette", r["cpu_ratio"], "", ""])
    fw = r.get("facetwire", {})
    scale = r["articles"] / r["build"]["articles_1x"]
    if scale >= 5 and "p95_ms" in fw:
        goals.append([f"Facetwire p95 at {scale:.1f}x (ms)", fw["p95_ms"], f"<= {GOALS['p95_ms_at_10x']}",
                      goal(fw["p95_ms"], GOALS["p95_ms_at_10x"])])
    if scale < 1.5 and "vm_rss_mb" in fw:
        goals.append(["explorer VmRSS after the rounds (MB)", fw["vm_rss_mb"], f"<= {GOALS['rss_mb_1x']}",
                      goal(fw["vm_rss_mb"], GOALS["rss_mb_1x"])])
    goals.append(["Facetwire index on disk (MB)", r["index_size_mb"], "", ""])
    if "sqlite" in r:
        goals.append(["SQLite + FTS5 database (MB)", r["sqlite"]["size_mb"], "", ""])
    if "totals_compared" in r:
        goals.append(["queries whose totals agree within 10%", f"{r['totals_within_10pct']}/{r['totals_compared']}",
                      "", ""])
    print()
    print_table(["figure", "value", "goal", ""], goals)
    if fw.get("per_query_median_ms"):
        ds = r.get("datasette", {}).get("per_query_median_ms") or [None] * len(qs)
        print("\nper query (median ms, total hits):")
        rows = [[q or "(no words)", ", ".join(f"{k}={v}" for k, v in f), a, fw["totals"][i], b,
                 (r.get("datasette") or {}).get("totals", [None] * len(qs))[i]]
                for i, ((q, f), a, b) in enumerate(zip(qs, fw["per_query_median_ms"], ds))]
        print_table(["query", "filters", "facetwire", "hits", "datasette", "hits"], rows)
    print(f"load average at start {m['loadavg_start']}, at the end {m.get('loadavg_end')}")
    for value in r.get("filter_values_matching_nothing", []):
        print(f"problem: filter value {value} matches no article in this index")
    for name in ("facetwire", "datasette"):
        for q, p in (r.get(name) or {}).get("problems", {}).items():
            print(f"problem ({name}): {q}: {p}")


if __name__ == "__main__":
    main()
