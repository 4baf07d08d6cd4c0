"""Time bare spaCy NER (the pipeline indexer.extract.nlp.load_nlp() loads: ner alone) over a corpus; run it under each spaCy version to compare.

usage: python bench/ner_speed.py [--rounds 3] [--limit N] [CORPUS.jsonl]
Prints the spaCy version, words/s per round and the median.
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from indexer.extract.nlp import load_nlp  # noqa: E402

DEFAULT = Path(__file__).resolve().parent.parent / "data" / "sample" / "wikinews.jsonl"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    with open(args.corpus, encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    if args.limit:
        records = records[: args.limit]
    texts = [f"{r.get('title', '')}\n\n{r.get('body') or r.get('text', '')}" for r in records]
    words = sum(len(t.split()) for t in texts)
    nlp = load_nlp()
    import spacy

    rates = []
    for _ in range(args.rounds):
        t = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=32):
            pass
        rates.append(words / (time.perf_counter() - t))
    print(f"spacy {spacy.__version__}: {len(texts)} articles, {words} words; words/s per round: "
          + ", ".join(f"{r:.0f}" for r in rates) + f"; median {statistics.median(rates):.0f}")


if __name__ == "__main__":
    main()
