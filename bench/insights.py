"""Related values and trends: latency of /api/related and /api/trends on Reuters, Whoosh and OpenSearch.

usage: python bench/insights.py [--source DIR] [--work-dir DIR] [--targets whoosh:1,opensearch:1,opensearch:10]
                                [--rounds 5] [--engine-url URL,URL,...] [--shards 2] [--replicas 1]
                                [--batch 500] [--keep] [--json OUT]

Steps:
  1. the source: the Documents of a Reuters Whoosh index (--source, default the 1x index the
     scaling work built, /tmp/fw-scaling/work/reuters21578-all/index-1x; read with any_format, so
     an index of an older format serves: only its stored documents are read);
  2. each target ENGINE:SCALE gets those Documents SCALE times (copies under new ids r{k}-{id}),
     through the contract's writer: a Whoosh folder under --work-dir (reused when it already holds
     as many articles) or a fresh index on the cluster (dropped at the end unless --keep);
  3. the requests: related values of the whole index, of words (oil, bank, trade) and of the top
     values of four facets; trends of one to five series per day, week and month (REQUESTS below,
     the values taken from the index's own top values);
  4. --rounds rounds (plus one warm-up round, not counted) through the real app in this process
     (Flask's test client: routing, parsing, the engine, JSON), interleaved request by request,
     alternating the targets' order; p50 / p95 / max per endpoint and target, and the load average.
"""
import argparse
import os
import secrets
import sys
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import latency_summary, machine, print_table, save_json, work_dir  # noqa: E402

DEFAULT_SOURCE = "/tmp/fw-scaling/work/reuters21578-all/index-1x"
DEFAULT_URLS = "http://127.0.0.1:19200,http://127.0.0.1:19201,http://127.0.0.1:19202"


def source_documents(source):
    """Return every stored Document of a Whoosh index folder, whatever its format."""
    from indexer.engines.whoosh.schema import from_fields
    from indexer.engines.whoosh.store import open_index

    ix = open_index(source, any_format=True)
    with ix.searcher() as s:
        return [from_fields(dict(f)) for f in s.all_stored_fields()]


def fill(engine, docs, scale, batch):
    """Write docs scale times through the contract; return (articles, seconds)."""
    started, n = time.perf_counter(), 0
    with engine.writer(fresh=True) as writer:
        for k in range(scale):
            for i in range(0, len(docs), batch):
                chunk = docs[i:i + batch]
                writer.put(chunk if k == 0 else [replace(d, id=f"r{k}-{d.id}") for d in chunk])
                writer.commit()
                n += len(chunk)
        writer.publish()
    return n, time.perf_counter() - started


def open_target(kind, scale, args, docs):
    """Return (engine, app, description) of one target, filled if needed."""
    from indexer.engines import EngineConfig, open_engine
    from web import create_app

    if kind == "whoosh":
        folder = work_dir(args.work_dir, "insights") / f"whoosh-{scale}x"
        config = EngineConfig(index_dir=str(folder))
        engine = open_engine(config)
        have = 0
        try:
            with engine.reader() as r:
                have = r.stats(top=1).articles
        except Exception as err:   # missing, or of another format: built again below
            print(f"  {folder}: {str(err)[:90]}; building it", flush=True)
        if have != len(docs) * scale:
            n, seconds = fill(engine, docs, scale, args.batch)
            print(f"  whoosh {scale}x: {n:,} articles written in {seconds:.0f} s", flush=True)
    else:
        config = EngineConfig(engine="opensearch", engine_url=args.engine_url.split(","),
                              index_name=f"fw-bench-insights-{scale}x-{secrets.token_hex(3)}",
                              shards=args.shards, replicas=args.replicas)
        engine = open_engine(config)
        try:
            n, seconds = fill(engine, docs, scale, args.batch)
        except BaseException:
            engine.drop()
            raise
        print(f"  opensearch {scale}x: {n:,} articles written in {seconds:.0f} s", flush=True)
    app = create_app({"ENGINE_CONFIG": config, "TESTING": True, "WIKINEWS_ATTRIBUTION": False})
    return engine, app


def requests_of(engine):
    """Return [(name, url)]: related and trends requests built from the index's own top values.

    From stats(), not /api/search: under load a search's budget may leave facets uncounted.
    """
    with engine.reader() as r:
        top = r.stats(top=3).facets
    first = {name: [v for v, _n in top[name]] for name in ("person", "country", "org", "topic")}
    related = [[], [("q", "oil")], [("q", "bank")], [("q", "trade"), ("country", first["country"][1])]]
    related += [[(name, values[0])] for name, values in first.items() if values]
    series = [f"country:{first['country'][0]}", f"country:{first['country'][1]}", "oil",
              f"org:{first['org'][0]}", "bank"]
    trends = [([("s", s) for s in series[:5]] + [("unit", "week")]),
              ([("s", s) for s in series[:3]] + [("unit", "month")]),
              ([("q", "oil"), ("unit", "day")]),
              ([("s", f"person:{first['person'][0]}"), ("unit", "day")])]
    out = [("related", "/api/related?" + urlencode(p)) for p in related]
    return out + [("trends", "/api/trends?" + urlencode(p)) for p in trends]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", default=DEFAULT_SOURCE)
    ap.add_argument("--work-dir", default="")
    ap.add_argument("--targets", default="whoosh:1,opensearch:1,opensearch:10")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--engine-url", default=DEFAULT_URLS)
    ap.add_argument("--shards", type=int, default=2)
    ap.add_argument("--replicas", type=int, default=1)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--keep", action="store_true", help="keep the cluster's bench indexes")
    ap.add_argument("--json", default="")
    args = ap.parse_args(argv)

    docs = source_documents(args.source)
    print(f"source: {len(docs):,} documents from {args.source}", flush=True)
    targets = []
    try:
        for spec in args.targets.split(","):
            kind, scale = spec.split(":")
            engine, app = open_target(kind, int(scale), args, docs)
            targets.append((f"{kind} {scale}x", engine, app))
        reqs = requests_of(targets[0][1])
        times = {(t, r): [] for t, _, _ in targets for r in range(len(reqs))}
        checks, cut = {}, {}
        load_before = os.getloadavg()
        clients = {name: app.test_client() for name, _, app in targets}
        for round_no in range(args.rounds + 1):
            order = targets if round_no % 2 == 0 else targets[::-1]
            for r, (_kind, url) in enumerate(reqs):
                for name, _engine, _app in order:
                    t = time.perf_counter()
                    resp = clients[name].get(url)
                    elapsed = time.perf_counter() - t
                    if resp.status_code != 200:
                        raise RuntimeError(f"{name} {url}: HTTP {resp.status_code} {resp.get_data(as_text=True)[:300]}")
                    data = resp.get_json()
                    total = data.get("set_size", sum(s["total"] for s in data.get("series", [])))
                    checks.setdefault((name, r), total)
                    if data["warnings"]:   # e.g. a query cut short by its time budget: say so
                        cut.setdefault((name, r), data["warnings"][:2])
                    if round_no:
                        times[(name, r)].append(elapsed)
        load_after = os.getloadavg()
        rows, summary = [], {}
        for name, _e, _a in targets:
            for kind in ("related", "trends"):
                seconds = [s for r, (k, _u) in enumerate(reqs) if k == kind for s in times[(name, r)]]
                figures = latency_summary(seconds)
                summary[f"{name} {kind}"] = figures
                rows.append([name, kind, figures["n"], figures["p50_ms"], figures["p95_ms"], figures["max_ms"]])
        print_table(["target", "endpoint", "n", "p50 ms", "p95 ms", "max ms"], rows)
        per_request = [[name, url[:90], latency_summary(times[(name, r)])["p50_ms"], checks[(name, r)]]
                       for r, (_k, url) in enumerate(reqs) for name, _e, _a in targets]
        print_table(["target", "request", "p50 ms", "articles"], per_request)
        for (name, r), warnings in cut.items():
            print(f"warnings: {name} {reqs[r][1][:80]}: {warnings}")
        print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min)")
        if args.json:
            save_json(args.json, {"machine": machine(), "args": vars(args), "summary": summary,
                                  "per_request": per_request, "load": [load_before, load_after],
                                  "warnings": [[name, reqs[r][1], w] for (name, r), w in cut.items()]})
    finally:
        for name, engine, _app in targets:
            if not args.keep and hasattr(engine, "drop"):
                engine.drop()
            engine.close()


if __name__ == "__main__":
    main()
