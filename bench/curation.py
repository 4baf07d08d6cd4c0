"""A curation merge on the Reuters index against a full rebuild's time (issue 12: goal <= 2 %).

Before curation, fixing an entity meant editing the aliases file, which is part of the extraction
fingerprint: every article changed, and `index --rebuild` ran NER over the whole archive again.
Now `curate merge` rewrites the stored values of the articles that hold the value, nothing else.

What it measures, on a COPY of a built Reuters index (the source folder is only read):
  1. `app.py curate merge person TOP "TOP (merged)"` as a subprocess: the wall time a user waits,
     Python start included; then the undo the same way. TOP is the index's most frequent person,
     the most articles a person merge can touch.
  2. the same change in-process (indexer.curate.change): the work alone, median of --rounds
     merge + undo pairs.
  3. the reference: a full rebuild with NER, `app.py index SUBSET --rebuild --workers N` on the
     first --rebuild-articles articles into a fresh folder, scaled to the whole corpus by words
     (NER time is linear in words); or --rebuild-seconds S, a full rebuild timed before.
  --opensearch also copies the index into a fresh index on the cluster and times 2. there.

    .venv/bin/python bench/curation.py --index /tmp/fw-scaling/work/reuters21578-all/index-1x \\
        --rebuild-articles 1000 --opensearch
"""
import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

from common import REUTERS, app_cmd, load_records, run_measured, work_dir, write_jsonl

GOAL = 0.02


def top_person(engine):
    with engine.reader() as r:
        (value, count), = r.stats(top=1).facets["person"][:1]
    return value, count


def cli_change(index_dir, *args):
    m = run_measured(app_cmd("curate", *args, "--index-dir", index_dir, "--by", "bench"))
    if m.returncode != 0:
        sys.exit(f"curate {args[0]} failed:\n{m.stderr}")
    return m.seconds, m.stdout.strip()


def in_process(engine, value, rounds):
    """Return ([merge seconds], [undo seconds], articles rewritten) over `rounds` merge + undo pairs."""
    from indexer import curate

    merges, undos, rewritten = [], [], 0
    for _ in range(rounds):
        t = time.perf_counter()
        done = curate.change(engine, "merge", "person", value, f"{value} (merged)", by="bench")
        merges.append(time.perf_counter() - t)
        rewritten = done.rewritten
        t = time.perf_counter()
        curate.change(engine, "undo", undo=done.change.n, by="bench")
        undos.append(time.perf_counter() - t)
    return merges, undos, rewritten


def copy_to_opensearch(source, url, name):
    """Copy every document of the Whoosh index into a fresh index on the cluster (no NER)."""
    from indexer.engines import EngineConfig, open_engine
    from indexer.search.request import SearchRequest

    target = open_engine(EngineConfig(engine="opensearch", engine_url=[url], index_name=name,
                                      shards=1, replicas=1))
    with source.reader() as r, target.writer(fresh=True) as w:
        batch = []
        for doc in r.export(SearchRequest()):
            batch.append(doc)
            if len(batch) >= 500:
                w.put(batch)
                w.commit()
                batch = []
        w.put(batch)
        w.commit()
        w.publish()
    return target


def rebuild_reference(args, work):
    """Return (seconds for the whole corpus, how it was found)."""
    if args.rebuild_seconds:
        return args.rebuild_seconds, f"given: {args.rebuild_seconds:.0f} s"
    records = load_records(args.corpus)
    subset = records[:args.rebuild_articles]
    words = lambda rs: sum(len(f"{r.get('title', '')} {r.get('body', '')}".split()) for r in rs)  # noqa: E731
    path = write_jsonl(subset, work / "subset" / "articles.jsonl")
    target = work / "rebuild-subset"
    shutil.rmtree(target, ignore_errors=True)
    m = run_measured(app_cmd("index", path, "--index-dir", target, "--rebuild", "--workers", args.workers, "-q"))
    if m.returncode != 0:
        sys.exit(f"the reference rebuild failed:\n{m.stderr}")
    scale = words(records) / words(subset)
    return m.seconds * scale, (f"{m.seconds:.1f} s for {len(subset):,} articles with NER (--workers "
                               f"{args.workers}), x{scale:.1f} by words for {len(records):,}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", required=True, help="A built Reuters index folder (Whoosh); it is copied, not changed.")
    ap.add_argument("--corpus", default=str(REUTERS))
    ap.add_argument("--work-dir")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rebuild-articles", type=int, default=1000)
    ap.add_argument("--rebuild-seconds", type=float, default=0.0)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--opensearch", metavar="URL", nargs="?", const="http://127.0.0.1:19200")
    ap.add_argument("--json")
    args = ap.parse_args(argv)

    from indexer.engines import EngineConfig, open_engine

    work = work_dir(args.work_dir, "curation")
    copy = work / "index"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(args.index, copy, ignore=shutil.ignore_patterns(".readers", ".lock", "curation.json"))
    engine = open_engine(EngineConfig(index_dir=str(copy)))
    value, count = top_person(engine)
    with engine.reader() as r:
        articles = r.stats(top=1).articles
    print(f"index: {articles:,} articles (a copy of {args.index}); top person {value!r} in {count:,}")

    out = {"articles": articles, "value": value, "count": count}
    out["cli_merge"], said = cli_change(copy, "merge", "person", value, f"{value} (merged)")
    print(f"CLI merge: {out['cli_merge']:.2f} s wall  ({said})")
    out["cli_undo"], said = cli_change(copy, "undo", "1")
    print(f"CLI undo:  {out['cli_undo']:.2f} s wall  ({said})")
    merges, undos, rewritten = in_process(engine, value, args.rounds)
    out["whoosh"] = {"merge": statistics.median(merges), "undo": statistics.median(undos), "rewritten": rewritten}
    print(f"whoosh in-process: merge {out['whoosh']['merge']:.2f} s, undo {out['whoosh']['undo']:.2f} s "
          f"(medians of {args.rounds}; {rewritten:,} articles rewritten)")
    engine.close()

    if args.opensearch:
        name = f"fw-bench-curation-{int(time.time())}"
        t = time.perf_counter()
        os_engine = copy_to_opensearch(open_engine(EngineConfig(index_dir=str(copy))), args.opensearch, name)
        print(f"opensearch copy: {time.perf_counter() - t:.1f} s into {name}")
        try:
            merges, undos, rewritten = in_process(os_engine, value, args.rounds)
            out["opensearch"] = {"merge": statistics.median(merges), "undo": statistics.median(undos),
                                 "rewritten": rewritten}
            print(f"opensearch in-process: merge {out['opensearch']['merge']:.2f} s, undo "
                  f"{out['opensearch']['undo']:.2f} s (medians of {args.rounds}; {rewritten:,} rewritten)")
        finally:
            os_engine.drop()
            os_engine.close()

    out["rebuild"], how = rebuild_reference(args, work)
    print(f"full rebuild with NER: {out['rebuild']:.0f} s ({how})")
    for what, seconds in [("CLI merge", out["cli_merge"]), ("whoosh merge", out["whoosh"]["merge"])] + (
            [("opensearch merge", out["opensearch"]["merge"])] if "opensearch" in out else []):
        ratio = seconds / out["rebuild"]
        print(f"{what} / rebuild: {ratio:.4f} ({ratio * 100:.2f} %; goal <= {GOAL * 100:.0f} %: "
              f"{'met' if ratio <= GOAL else 'NOT met'})")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
