"""What the near-duplicate step finds and costs: indexer/duplicates.groups() over a corpus's articles.

    .venv/bin/python bench/duplicates.py [--corpus reuters|sample] [--limit N]

Prints the articles, groups, grouped articles, seconds and articles per second of the grouping
(the step itself, without reading the index), and a few groups (ids, titles, Jaccard to the first)
to look at. The indexing run adds the reading of every article through the contract and the
rewrite of those whose group changed.
"""
import argparse
import sys
import time
from datetime import datetime

from common import REUTERS, SAMPLE, load_records

from indexer.document import Document
from indexer.duplicates import groups, jaccard, shingles, text_of


def documents(records):
    out = []
    for r in records:
        try:
            date = datetime.fromisoformat(str(r.get("date", ""))[:19]) if r.get("date") else None
        except ValueError:
            date = None
        out.append(Document(id=str(r["id"]), title=r.get("title", ""), body=r.get("body", ""), date=date))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", choices=["reuters", "sample"], default="reuters")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--show", type=int, default=5)
    ap.add_argument("--search", action="store_true", help="also: a Whoosh index of the articles (no NER), "
                    "the whole step (dedupe_index) timed, and searches with and without dedupe")
    args = ap.parse_args(argv)
    docs = documents(load_records(REUTERS if args.corpus == "reuters" else SAMPLE, args.limit))
    started = time.perf_counter()
    found = groups(docs)
    seconds = time.perf_counter() - started
    members = {}
    for doc_id, g in found.items():
        members.setdefault(g, []).append(doc_id)
    sizes = sorted((len(m) for m in members.values()), reverse=True)
    print(f"corpus {args.corpus}: {len(docs)} articles, {len(members)} groups, {len(found)} articles grouped "
          f"({len(found) / max(len(docs), 1):.1%}), largest groups {sizes[:5]}")
    print(f"grouping: {seconds:.1f} s, {len(docs) / seconds:.0f} articles/s")
    by_id = {d.id: d for d in docs}
    for g, ids in sorted(members.items(), key=lambda kv: -len(kv[1]))[:args.show]:
        first = shingles(text_of(by_id[g]))
        print(f"- group {g} ({len(ids)}):")
        for i in sorted(ids)[:4]:
            print(f"    {i}: {by_id[i].title[:70]!r} J={jaccard(first, shingles(text_of(by_id[i]))):.2f}")
    if args.search:
        search_costs(docs)
    return 0


QUERIES = ("", "bank", "oil prices", "trade deficit")


def search_costs(docs, runs=7):
    """Time the index-wide step on a Whoosh index and the median search with and without dedupe."""
    import statistics
    import tempfile

    from indexer.duplicates import dedupe_index
    from indexer.engines import EngineConfig, open_engine
    from indexer.search.request import SearchRequest

    with tempfile.TemporaryDirectory() as tmp:
        engine = open_engine(EngineConfig(index_dir=tmp))
        with engine.writer(fresh=True) as writer:
            for i in range(0, len(docs), 2000):
                writer.put(docs[i:i + 2000])
                writer.commit()
            writer.publish()
        report = dedupe_index(engine)
        print(f"dedupe_index (read every article, group, rewrite {report.rewritten}): {report.seconds:.1f} s")
        again = dedupe_index(engine)
        print(f"dedupe_index again (nothing changed): {again.seconds:.1f} s")
        with engine.reader() as r:
            for q in QUERIES:
                times = {}
                for dedupe in (None, True):
                    samples = []
                    for _ in range(runs):
                        started = time.perf_counter()
                        r.search(SearchRequest(q=q, dedupe=dedupe))
                        samples.append(time.perf_counter() - started)
                    times[dedupe] = statistics.median(samples)
                print(f"search {q!r}: median {times[None] * 1000:.0f} ms, with dedupe {times[True] * 1000:.0f} ms "
                      f"(x{times[True] / times[None]:.2f})")
        engine.close()


if __name__ == "__main__":
    sys.exit(main())
