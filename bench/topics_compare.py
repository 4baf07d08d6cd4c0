"""Compare topic methods on Wikinews gold and Reuters-21578, side by side, and measure their cost.

usage: .venv/bin/python bench/topics_compare.py [--reuters N|all] [--shared DIR] [--cv]

Methods:
  taxonomy       IPTC labels + definitions only (TopicClassifier, use_cues=False)
  taxonomy+cues  the same plus the shipped cue words: the rules alone (learned=False)
  +learned       the same read by the shipped learned weights (the product default; trained on the
                 Wikinews topics dev set 2004-2011, not on these articles: bench/topics_heldout.py)
  nb-weak        multinomial naive Bayes trained on weak labels (taxonomy+cues' topics) over
                 unlabelled text: the other Wikinews half / other Reuters articles (never the
                 article being scored)
Wikinews figures are scored like shared/tools/score_facets.py, on all articles and on the two
halves (even / odd corpus position); --cv picks the thresholds on one half and scores the other.
Reuters: share of articles with an economic TOPICS label whose first topic is
"economy, business and finance" (ECON_TOPICS below). NER Docs are cached in bench/out/.
"""
import argparse
import gzip
import itertools
import json
import math
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.extract.entities import ner_text  # noqa: E402
from indexer.extract.nlp import load_nlp  # noqa: E402
from indexer.extract.topics import Settings, TopicClassifier  # noqa: E402

OUT = ROOT / "bench" / "out"
ECON = "economy, business and finance"
# Every Reuters-21578 TOPICS category is an economic subject (commodities, currencies, corporate
# news, indicators) except these two, which IPTC files elsewhere as often as not: `ship` covers
# tanker attacks and port strikes, `jobs` is labour. An article counts if any topic is economic.
NOT_ECON = {"ship", "jobs"}


def cached_docs(nlp, name, articles):
    """NER every article once; keep the Docs in bench/out/<name>.spacy."""
    from spacy.tokens import DocBin

    path = OUT / f"{name}-seam.spacy"   # Docs of ner_text (title + SEAM + body)
    if path.exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        if len(docs) == len(articles):
            return docs
    OUT.mkdir(parents=True, exist_ok=True)
    docs = list(nlp.pipe((ner_text(a["title"], a["body"]) for a in articles), batch_size=32))
    db = DocBin(store_user_data=False)
    for d in docs:
        db.add(d)
    db.to_disk(path)
    return docs


def load_corpora(shared, n_reuters):
    wn = [json.loads(line) for line in open(shared / "corpora/wikinews/wikinews_en_2019_2020.jsonl", encoding="utf-8")]
    gold = {str(g["id"]): g["topics"] for g in map(json.loads, open(shared / "corpora/wikinews/wikinews_gold.jsonl", encoding="utf-8"))}
    with gzip.open(shared / "corpora/reuters21578/reuters21578.jsonl.gz", "rt", encoding="utf-8") as f:
        rt = [d for d in map(json.loads, f) if (d.get("body") or "").strip()]
    return wn, gold, rt


def score_wikinews(preds, gold_sets):
    """top1 (no topic = miss) and micro P/R/F1 over topic sets, as score_facets.py does."""
    tp = fp = fn = top1 = 0
    for p, g in zip(preds, gold_sets):
        top1 += bool(p) and p[0] in g
        tp += len(g & set(p)); fp += len(set(p) - g); fn += len(g - set(p))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"top1": top1 / len(preds), "P": prec, "R": rec, "F1": f1, "n/art": (tp + fp) / len(preds)}


def econ_first(preds, reuters):
    econ = [p for p, a in zip(preds, reuters) if set(a["topics"]) - NOT_ECON]
    return sum(bool(p) and p[0] == ECON for p in econ) / len(econ), len(econ)


class WeakNB:
    """Multinomial NB over content stems, trained on another classifier's topics (weak labels)."""

    def __init__(self, teacher, docs, title_lens):
        self.teacher = teacher
        counts = defaultdict(Counter)
        for doc, tl in zip(docs, title_lens):
            for t in teacher.classify(doc, tl):
                counts[t.label].update(self.stems(doc))
        vocab = set().union(*counts.values())
        self.logp = {}
        for label, c in counts.items():
            total = sum(c.values()) + len(vocab)
            self.logp[label] = ({w: math.log((n + 1) / total) for w, n in c.items()}, math.log(1 / total))

    def stems(self, doc):
        norm = self.teacher.norm
        return [s for tok in doc if tok.is_alpha and not tok.ent_type_ and (s := norm.word(tok.lower_))]

    def classify(self, doc, title_len, relative=0.5):
        words = self.stems(doc)
        if not words:
            return []
        # per-word mean log-likelihood, uniform prior: long articles do not make it overconfident
        ll = {lab: sum(lp.get(w, unk) for w in words) / len(words) for lab, (lp, unk) in self.logp.items()}
        best = max(ll.values())
        post = {lab: math.exp(20 * (v - best)) for lab, v in ll.items()}
        z = sum(post.values())
        ranked = sorted(post.items(), key=lambda kv: -kv[1])
        return [lab for lab, p in ranked[:3] if p >= relative * ranked[0][1] and p / z > 0.15]


GRID = {"size_power": (0.5, 1.0), "relative": (0.4, 0.5, 0.6), "min_share": (0.1, 0.15, 0.2)}


def tune(docs, meta, gold_sets):
    """The grid settings with the best top1 + F1 on these articles."""
    best = None
    for values in itertools.product(*GRID.values()):
        s = replace(Settings(), **dict(zip(GRID, values)))
        c = TopicClassifier.load(settings=s)
        r = score_wikinews([[t.label for t in c.classify(d, m)] for d, m in zip(docs, meta)], gold_sets)
        if best is None or r["top1"] + r["F1"] > best[0]:
            best = (r["top1"] + r["F1"], s)
    return best[1]


def row(name, res):
    return f"{name:<28}" + "".join(f"{res[k]:>8.3f}" for k in ("top1", "P", "R", "F1", "n/art"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reuters", default="2000", help="sample size, or 'all'")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--cv", action="store_true", help="also tune thresholds on one Wikinews half, score the other")
    args = ap.parse_args()
    nlp = load_nlp()
    wn, gold, rt_all = load_corpora(Path(args.shared), args.reuters)
    t0 = time.perf_counter()
    wdocs = cached_docs(nlp, "wikinews", wn)
    rdocs_all = cached_docs(nlp, "reuters", rt_all)
    print(f"(docs ready in {time.perf_counter() - t0:.0f}s)")
    idx = list(range(len(rt_all)))
    random.Random(21578).shuffle(idx)
    n = len(idx) if args.reuters == "all" else int(args.reuters)
    scored = sorted(idx[:n])
    rt, rdocs = [rt_all[i] for i in scored], [rdocs_all[i] for i in scored]
    wmeta = [len(a["title"]) for a in wn]
    gsets = [set(gold[str(a["id"])]) for a in wn]
    halves = {"even": range(0, len(wn), 2), "odd": range(1, len(wn), 2)}

    methods = {"taxonomy": TopicClassifier.load(settings=Settings(use_cues=False)),
               "taxonomy+cues (rules)": TopicClassifier.load(settings=Settings(learned=False)),
               "taxonomy+cues+learned": TopicClassifier.load()}
    preds = {name: ([[t.label for t in c.classify(d, m)] for d, m in zip(wdocs, wmeta)],
                    [[t.label for t in c.classify(d, len(a["title"]))] for d, a in zip(rdocs, rt)])
             for name, c in methods.items()}
    # naive Bayes, never scored on its own training text: a Wikinews half is classified by a model
    # trained on the other half + 2,000 Reuters articles; a Reuters fold by one trained on all of
    # Wikinews + up to 2,000 Reuters articles outside that fold
    teacher = methods["taxonomy+cues (rules)"]
    wn_train = idx[n:n + 2000] or idx[:2000]
    nb_w, nb_r = [None] * len(wn), [None] * len(rt)
    for half in halves.values():
        other = [i for i in range(len(wn)) if i not in set(half)]
        nb = WeakNB(teacher, [wdocs[i] for i in other] + [rdocs_all[i] for i in wn_train],
                    [wmeta[i] for i in other] + [len(rt_all[i]["title"]) for i in wn_train])
        for i in half:
            nb_w[i] = nb.classify(wdocs[i], wmeta[i])
    for fold in (range(0, len(rt), 2), range(1, len(rt), 2)):
        inside = {scored[j] for j in fold}
        train = [i for i in idx if i not in inside][:2000]
        nb = WeakNB(teacher, wdocs + [rdocs_all[i] for i in train],
                    wmeta + [len(rt_all[i]["title"]) for i in train])
        for j in fold:
            nb_r[j] = nb.classify(rdocs[j], len(rt[j]["title"]))
    preds["nb-weak"] = (nb_w, nb_r)

    print(f"\nWikinews gold, {len(wn)} articles (targets: top1 >= 0.85, micro-F1 >= 0.70)")
    print(f"{'method / subset':<28}{'top1':>8}{'P':>8}{'R':>8}{'F1':>8}{'n/art':>8}")
    for name, (pw, _) in preds.items():
        print(row(name, score_wikinews(pw, gsets)))
        for h, ix in halves.items():
            print(row(f"  {h} half", score_wikinews([pw[i] for i in ix], [gsets[i] for i in ix])))
    if args.cv:
        print("\nthresholds tuned on one half (grid " + ", ".join(GRID) + "), scored on the other:")
        for h, ix in halves.items():
            other = [i for i in range(len(wn)) if i not in set(ix)]
            s = tune([wdocs[i] for i in other], [wmeta[i] for i in other], [gsets[i] for i in other])
            c = TopicClassifier.load(settings=s)
            res = score_wikinews([[t.label for t in c.classify(wdocs[i], wmeta[i])] for i in ix], [gsets[i] for i in ix])
            print(row(f"  {h} half (tuned on other)", res), {k: getattr(s, k) for k in GRID})

    print(f"\nReuters-21578, {len(rt)} articles with a body (target: economy first >= 0.90)")
    for name, (_, pr) in preds.items():
        share, m = econ_first(pr, rt)
        anyt = [p for p, a in zip(pr, rt) if a["topics"]]
        any_share = sum(bool(p) and p[0] == ECON for p in anyt) / len(anyt)
        print(f"{name:<28} economy first: {share:.3f} of {m} econ-labelled "
              f"({any_share:.3f} of {len(anyt)} with any TOPICS label)")

    cost(nlp, wn, methods["taxonomy+cues+learned"])


def cost(nlp, wn, clf):
    """classify() time per article against NER time per article, same articles, one core."""
    sample = wn[::3]
    texts = [ner_text(a["title"], a["body"]) for a in sample]
    ner = cls = float("inf")
    for _ in range(2):   # best of several runs: other processes share the cores
        t = time.perf_counter()
        docs = list(nlp.pipe(texts, batch_size=32))
        ner = min(ner, time.perf_counter() - t)
        for _ in range(3):
            t = time.perf_counter()
            for d, a in zip(docs, sample):
                clf.classify(d, len(a["title"]))
            cls = min(cls, time.perf_counter() - t)
    t = time.perf_counter()
    TopicClassifier.load()
    load = time.perf_counter() - t
    words = sum(len(d) for d in docs)
    print(f"\ncost on {len(sample)} Wikinews articles ({words} tokens): NER {1000 * ner / len(sample):.1f} ms/article "
          f"({words / ner:.0f} tok/s), classify {1000 * cls / len(sample):.2f} ms/article = {100 * cls / ner:.1f}% of NER; "
          f"load {1000 * load:.0f} ms; fingerprint {clf.fingerprint()}")


if __name__ == "__main__":
    main()
