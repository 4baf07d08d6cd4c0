"""CPU cost of entity extraction against NER, per article, on the first N Reuters articles.

usage: python bench/extraction_cost.py [N] [--shared DIR]

NER runs once over the articles (time.process_time), then Extractor.extract over its Docs three
times; the best of the three is reported, as ms per article and as a share of NER's CPU time. CPU
time moves little with the machine's load, so two checkouts can be compared on a busy machine:
run it from each (set OMP_NUM_THREADS=1 for both).
"""
import argparse
import gzip
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=800)
    ap.add_argument("--shared", default=os.environ.get("FACETWIRE_SHARED", str(ROOT.parent / "shared")))
    args = ap.parse_args(argv)

    from indexer.extract.entities import Extractor, ner_text
    from indexer.extract.nlp import load_nlp

    arts = []
    with gzip.open(Path(args.shared) / "corpora" / "reuters21578" / "reuters21578.jsonl.gz", "rt",
                   encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            if a.get("body", "").strip():
                arts.append(a)
                if len(arts) >= args.n:
                    break
    nlp, ex = load_nlp(), Extractor()
    t0 = time.process_time()
    docs = list(nlp.pipe((ner_text(a["title"], a["body"]) for a in arts), batch_size=32))
    ner = time.process_time() - t0
    best = None
    for _ in range(3):
        t0 = time.process_time()
        for a, d in zip(arts, docs):
            ex.extract(d, len(a["title"]), a.get("dateline") or None)
        t = time.process_time() - t0
        best = t if best is None else min(best, t)
    n = max(len(arts), 1)
    print(f"{len(arts)} articles: NER {ner:.1f} CPU s ({1000 * ner / n:.2f} ms/article), extraction best of 3 "
          f"{best:.2f} CPU s = {1000 * best / n:.2f} ms/article = {100 * best / max(ner, 1e-9):.1f}% of NER")


if __name__ == "__main__":
    main()
