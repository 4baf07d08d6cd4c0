"""Topic figures on articles the classifier never trained on: a split of the Wikinews topics dev set by date, and the Wikinews gold.

usage: .venv/bin/python bench/topics_heldout.py [--code DIR] [--weights FILE] [--from YEAR] [--reuters N]
                                                [--shared DIR]

--code DIR classifies with the `indexer` package found in DIR (e.g. an older commit's tree, made
with `git archive COMMIT indexer | tar -x -C DIR`), for before/after figures of the same articles.
--weights FILE: learned weights other than the shipped ones; for a held-out figure they must be
trained only on articles before --from (`tools/train_topics.py --until 2009 --out FILE`).
The shipped weights are trained on every year of the dev set, so only the gold figures are
held out for them.

Held-out (dev articles dated --from onwards, 2010-2011 by default): first-label accuracy (the first
topic is one of the article's labels; no topic is a miss), micro P/R/F1 over topic sets, per topic
the share whose first topic it is and whose topics include it (recall), science and technology
split into its computing/internet kind (Wikinews categories in TECH) and the rest, and a five-class
proxy (single-label articles of the five classes of the classic business / entertainment / politics
/ sport / tech news sets). Gold: the 291 Wikinews 2019-2020 articles, scored as
shared/tools/score_facets.py does, and by that script itself on the same predictions. --reuters N:
also "economy, business and finance" first on N Reuters-21578 articles with an economic TOPICS label
(the same seeded sample as bench/topics_compare.py).
"""
import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ST = "science and technology"
TECH = frozenset("""Internet|Computing|Software|FLOSS|Google|Microsoft|Games|Apple Inc.|YouTube|Facebook|Linux|
    Sony|Yahoo!|MySpace|Amazon.com|Twitter|Robotics|IBM|Skype|Intel|Nintendo|Opera Software|Technorati|Wikipedia|
    Wikimedia Foundation|Wikimedia|Wikia|Electronic Frontier Foundation""".replace("\n    ", "").split("|"))
FIVE = ("economy, business and finance", "arts, culture, entertainment and media", "politics and government",
        "sport", ST)


def topic(label):
    """As score_facets.py: lower case, the 2025 rename of "politics" folded in."""
    t = label.strip().lower()
    return "politics and government" if t == "politics" else t


def scores(preds, golds):
    tp = fp = fn = top1 = 0
    for p, g in zip(preds, golds):
        top1 += bool(p) and p[0] in g
        tp += len(g & set(p)); fp += len(set(p) - g); fn += len(g - set(p))
    prec, rec = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {"n": len(preds), "top1": top1 / max(len(preds), 1), "P": prec, "R": rec,
            "F1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
            "none": sum(not p for p in preds) / max(len(preds), 1)}


def rates(preds, golds, label):
    ix = [i for i, g in enumerate(golds) if label in g]
    first = sum(preds[i][:1] == [label] for i in ix) / max(len(ix), 1)
    anyl = sum(label in preds[i] for i in ix) / max(len(ix), 1)
    return len(ix), first, anyl


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--code", default=str(ROOT), help="directory holding the indexer package to measure")
    ap.add_argument("--weights", help="learned weights file (default: the shipped one)")
    ap.add_argument("--from", dest="start", type=int, default=2010, help="first held-out year")
    ap.add_argument("--reuters", type=int, default=0, help="also score this many Reuters articles")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--pred", default=str(ROOT / "bench" / "out" / "pred_topics_gold.jsonl"))
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tools"))
    sys.path.insert(0, args.code)
    from topics_corpus import cached_docs, read_dev, text_of

    from indexer.extract.nlp import load_nlp
    from indexer.extract.topics import TopicClassifier

    clf = TopicClassifier.load(weights=args.weights) if args.weights else TopicClassifier.load()
    print(f"classifier from {args.code}/indexer, fingerprint {clf.fingerprint()}, "
          f"learned weights: {getattr(clf, 'weights_path', None) or 'none'}")
    nlp = load_nlp()
    shared = Path(args.shared)
    every = read_dev(shared / "corpora/wikinews-topics/dev.jsonl.gz")
    t0 = time.perf_counter()
    docs = cached_docs(nlp, "wikinews-topics-dev", every)   # the trainer's cache: NER once for both
    held = [i for i, r in enumerate(every) if int(r["date"][:4]) >= args.start]
    dev, docs = [every[i] for i in held], [docs[i] for i in held]
    print(f"(held-out Docs ready in {time.perf_counter() - t0:.0f}s)")
    preds = [[topic(t.label) for t in clf.classify(d, len(r["title"]))] for d, r in zip(docs, dev)]
    golds = [{topic(t) for t in r["topics"]} for r in dev]

    s = scores(preds, golds)
    print(f"\nHeld out by date: {s['n']} dev articles dated {args.start}-{max(r['date'][:4] for r in dev)}")
    print(f"first-label accuracy {s['top1']:.3f}  micro P={s['P']:.3f} R={s['R']:.3f} F1={s['F1']:.3f}  "
          f"no topic {s['none']:.3f}")
    print(f"{'topic':<46}{'n':>6}{'first':>8}{'any':>8}")
    for label in sorted(Counter(t for g in golds for t in g), key=lambda t: -sum(t in g for g in golds)):
        n, first, anyl = rates(preds, golds, label)
        print(f"{label:<46}{n:>6}{first:>8.3f}{anyl:>8.3f}")
    tech = [i for i, r in enumerate(dev) if ST in golds[i] and TECH & set(r.get("wikinews_categories", ()))]
    rest = [i for i, r in enumerate(dev) if ST in golds[i] and i not in set(tech)]
    for name, ix in (("  of which computing/internet (TECH categories)", tech), ("  of which the rest (space, research...)", rest)):
        n, first, anyl = rates([preds[i] for i in ix], [golds[i] for i in ix], ST)
        print(f"{name:<46}{n:>6}{first:>8.3f}{anyl:>8.3f}")
    five = [i for i, g in enumerate(golds) if len(g) == 1 and next(iter(g)) in FIVE]
    f5 = scores([preds[i] for i in five], [golds[i] for i in five])
    st5 = rates([preds[i] for i in five], [golds[i] for i in five], ST)
    print(f"five-class proxy (single-label {', '.join(t.split(',')[0] for t in FIVE)}): {f5['n']} articles, "
          f"first-label accuracy {f5['top1']:.3f}, science and technology first {st5[1]:.3f} of {st5[0]}")

    gold_path = shared / "corpora/wikinews/wikinews_gold.jsonl"
    wn = [json.loads(line) for line in open(shared / "corpora/wikinews/wikinews_en_2019_2020.jsonl", encoding="utf-8")]
    gold = {str(g["id"]): g for g in map(json.loads, open(gold_path, encoding="utf-8"))}
    wdocs = cached_docs(nlp, "wikinews-gold", wn)
    gpreds = [[t_.label for t_ in clf.classify(d, len(a["title"]))] for d, a in zip(wdocs, wn)]
    g = scores([[topic(x) for x in p] for p in gpreds], [{topic(x) for x in gold[str(a["id"])]["topics"]} for a in wn])
    print(f"\nWikinews gold, {g['n']} articles 2019-2020: top1 {g['top1']:.3f}  P={g['P']:.3f} R={g['R']:.3f} "
          f"F1={g['F1']:.3f}  no topic {g['none']:.3f}")
    gp, gg = [[topic(x) for x in p] for p in gpreds], [{topic(x) for x in gold[str(a["id"])]["topics"]} for a in wn]
    print("  " + "  ".join(f"{lab.split(',')[0]} {n} first {first:.3f} any {anyl:.3f}" for lab in
                           ("conflict, war and peace", "economy, business and finance", ST)
                           for n, first, anyl in [rates(gp, gg, lab)]))
    Path(args.pred).parent.mkdir(parents=True, exist_ok=True)
    with open(args.pred, "w", encoding="utf-8") as f:
        for a, p in zip(wn, gpreds):
            f.write(json.dumps({"id": a["id"], "topic": p}, ensure_ascii=False) + "\n")
    ref = subprocess.run([sys.executable, str(shared / "tools/score_facets.py"), "wikinews", str(gold_path), args.pred,
                          "--json"], capture_output=True, text=True)
    if ref.returncode == 0:
        out = json.loads(ref.stdout)
        print(f"score_facets.py on the same predictions: top1 {out['topic_top1_accuracy']:.3f}  "
              f"P={out['topic']['p']:.3f} R={out['topic']['r']:.3f} F1={out['topic']['f']:.3f}")
    else:
        print(f"score_facets.py failed: {ref.stderr.strip()[-300:]}")

    if args.reuters:
        reuters(clf, nlp, shared, args.reuters, cached_docs)

    # cost: classify() against NER on the same gold articles, CPU seconds of this process on one
    # BLAS thread (wall time on a shared machine measures the neighbours), best of 3
    try:
        from threadpoolctl import threadpool_limits   # tools/requirements.txt (with scikit-learn)
    except ImportError:
        from contextlib import nullcontext as threadpool_limits

    texts = [text_of(a) for a in wn]
    ner = cls = float("inf")
    with threadpool_limits(1):
        for _ in range(3):
            t = time.process_time()
            ds = list(nlp.pipe(texts, batch_size=32))
            ner = min(ner, time.process_time() - t)
            t = time.process_time()
            for d, a in zip(ds, wn):
                clf.classify(d, len(a["title"]))
            cls = min(cls, time.process_time() - t)
    print(f"cost on the {len(texts)} gold articles (CPU time): NER {1000 * ner / len(texts):.1f} ms/article, classify "
          f"{1000 * cls / len(texts):.2f} ms/article = {100 * cls / ner:.1f}% of NER")


def reuters(clf, nlp, shared, n, cached_docs):
    """Economy first on the first n articles of topics_compare.py's seeded Reuters sample."""
    import gzip
    import random

    econ, not_econ = "economy, business and finance", {"ship", "jobs"}   # as topics_compare.py
    with gzip.open(shared / "corpora/reuters21578/reuters21578.jsonl.gz", "rt", encoding="utf-8") as f:
        rt = [d for d in map(json.loads, f) if (d.get("body") or "").strip()]
    idx = list(range(len(rt)))
    random.Random(21578).shuffle(idx)
    sample = [rt[i] for i in sorted(idx[:n])]
    docs = cached_docs(nlp, f"reuters-sample{n}", sample)
    scored = [(d, a) for d, a in zip(docs, sample) if set(a["topics"]) - not_econ]
    first = sum([t.label for t in clf.classify(d, len(a["title"]))][:1] == [econ] for d, a in scored)
    print(f"Reuters-21578: economy first for {first / len(scored):.3f} of {len(scored)} economic articles "
          f"(of a {n}-article sample)")


if __name__ == "__main__":
    main()
