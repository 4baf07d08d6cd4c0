"""Writing a Whoosh index through the contract: CPU per document, by commit size.

usage: python bench/writing.py [--source DIR] [--limit N] [--commits 500,2000] [--rounds 1]
                               [--work-dir DIR] [--json OUT]

The Documents of an existing Whoosh index (--source, default the scaling work's Reuters 1x index;
read with any_format: only its stored documents) are written into a fresh Whoosh folder through
the contract's writer (put + commit every N documents, then publish), once per commit size and
round, sizes interleaved within each round. No NER, no extraction: what the indexing process
spends writing (build.py commits every COMMIT_EVERY articles). Prints CPU ms per document
(time.process_time of this process), wall seconds and the segments left.
"""
import argparse
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, median, print_table, save_json, work_dir  # noqa: E402
from insights import DEFAULT_SOURCE, source_documents  # noqa: E402


def write(docs, folder, every):
    """Write docs into a fresh index in folder, committing every `every`; return (cpu s, wall s, segments)."""
    from indexer.engines import EngineConfig, open_engine
    from indexer.engines.whoosh import store

    shutil.rmtree(folder, ignore_errors=True)
    engine = open_engine(EngineConfig(index_dir=str(folder)))
    cpu, wall = time.process_time(), time.perf_counter()
    with engine.writer(fresh=True) as writer:
        for i in range(0, len(docs), every):
            writer.put(docs[i:i + every])
            writer.commit()
        writer.publish()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    segments = len(store.open_index(folder)._segments())
    engine.close()
    shutil.rmtree(folder, ignore_errors=True)
    return cpu, wall, segments


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", default=DEFAULT_SOURCE)
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents")
    ap.add_argument("--commits", default="500,2000", help="commit sizes (comma-separated)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--work-dir", default="")
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    docs = source_documents(args.source)
    docs = docs[:args.limit] if args.limit else docs
    sizes = [int(x) for x in args.commits.split(",")]
    folder = work_dir(args.work_dir, "writing") / "index"
    m = machine()
    print(f"{len(docs):,} documents from {args.source}", flush=True)
    runs = {n: [] for n in sizes}
    for round_no in range(args.rounds):
        for n in (sizes if round_no % 2 == 0 else sizes[::-1]):
            runs[n].append(write(docs, folder, n))
            print(f"  round {round_no + 1}, commits of {n}: {1000 * runs[n][-1][0] / len(docs):.2f} CPU ms "
                  "per document", flush=True)
    rows = [[f"commits of {n}", f"{1000 * median([r[0] for r in runs[n]]) / len(docs):.2f}",
             f"{median([r[1] for r in runs[n]]):.1f}", str(runs[n][-1][2])] for n in sizes]
    print_table(["", "CPU ms per document (median)", "wall s (median)", "segments left"], rows)
    print(f"load average at start {m['loadavg_start'][0]:.2f}, now {os.getloadavg()[0]:.2f}", flush=True)
    if args.json:
        save_json(args.json, {"machine": m, "args": vars(args), "documents": len(docs),
                              "runs": {str(n): runs[n] for n in sizes}})


if __name__ == "__main__":
    main()
