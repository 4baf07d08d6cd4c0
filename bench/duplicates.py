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
    return 0


if __name__ == "__main__":
    sys.exit(main())
