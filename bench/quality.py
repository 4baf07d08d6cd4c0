"""Quality benchmark of the person / country / org extraction: precision, recall, F1 per facet.

usage: python bench/quality.py [--corpus wikinews|reuters|both] [--limit N] [--direct] [--workers N]
                               [--json OUT] [--shared DIR]

Default mode builds an index with the product's CLI (`app.py index`) and scores `app.py export`;
--direct runs load_nlp() + Extractor in this process (the fast tuning loop). Scoring follows
shared/tools/score_facets.py: countries as ISO codes via countrynames (historical codes folded),
a gold person found when all its name tokens are in one extracted name. Predictions are written to
bench/out/pred_<corpus>.jsonl so the reference scorer can be run on them too.
"""
import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT_DIR = ROOT / "bench" / "out"

# Same as shared/tools/score_facets.py: historical codes fold into their successors.
FOLD = {"SUHH": "RU", "DD": "DE", "CSHH": "CZ", "YUCS": "RS", "ZR": "CD", "AN": "CW", "UK": "GB"}


# ---- scoring (kept equal to the reference scorer) ------------------------------------------------

def code(name):
    """ISO code of a country name or Reuters label ("west-germany"), folded; None if unknown."""
    import countrynames

    n = name.replace("-", " ") if re.fullmatch(r"[a-z-]+", name) else name
    c = countrynames.to_code(n) or countrynames.to_code(n.replace(".", ""))
    return FOLD.get(c, c) if c else None


def tokens(name):
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return set(re.findall(r"[a-z]+", s))


def person_match(gold, preds):
    g = tokens(gold)
    return any(g and g <= tokens(p) for p in preds)


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"p": p, "r": r, "f": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}


def score_article(gold_countries, gold_people, pred, person_precision=True):
    """Per-article errors: {facet: {"tp", "fp", "fn", "missed", "wrong"}}."""
    g = {code(x): x for x in gold_countries if code(x)}
    pc = {}
    for x in pred.get("country", []):
        c = code(x)
        if c:
            pc.setdefault(c, x)
    country = {"tp": len(g.keys() & pc.keys()), "fp": len(pc.keys() - g.keys()), "fn": len(g.keys() - pc.keys()),
               "missed": sorted(g[c] for c in g.keys() - pc.keys()),
               "wrong": sorted(pc[c] for c in pc.keys() - g.keys())}
    preds = pred.get("person", [])
    missed = [x for x in gold_people if not person_match(x, preds)]
    wrong = []
    if person_precision:
        wrong = [y for y in preds if not any(
            tokens(x) and tokens(x) <= tokens(y) or tokens(y) <= tokens(x) for x in gold_people)]
    person = {"tp": len(gold_people) - len(missed), "fp": len(wrong), "fn": len(missed),
              "missed": missed, "wrong": wrong}
    return {"country": country, "person": person}


def score(golds, preds, person_precision=True):
    """Micro-averaged P/R/F1 per facet over the ids in both, plus per-article errors."""
    per, tot = {}, {"country": [0, 0, 0], "person": [0, 0, 0]}
    for i, (gc, gp) in golds.items():
        if i not in preds:
            continue
        per[i] = score_article(gc, gp, preds[i], person_precision)
        for f in tot:
            tot[f][0] += per[i][f]["tp"]
            tot[f][1] += per[i][f]["fp"]
            tot[f][2] += per[i][f]["fn"]
    return {f: prf(*v) for f, v in tot.items()}, per


def score_topics(name, arts, preds, shared):
    """Topic figures: Wikinews top-1 and micro P/R/F1 against the gold; Reuters economy first."""
    from topics_compare import ECON, NOT_ECON

    scored = [a for a in arts if a["id"] in preds and "topic" in preds[a["id"]]]
    if not scored:
        return None  # --direct runs the entity extractor only
    if name == "reuters":
        econ = [a for a in scored if set(a.get("topics", [])) - NOT_ECON]
        first = sum(preds[a["id"]]["topic"][:1] == [ECON] for a in econ)
        return {"econ_articles": len(econ), "econ_first": first / max(len(econ), 1)}
    path = Path(shared) / "corpora" / "wikinews" / "wikinews_gold.jsonl"
    gold = {g["id"]: set(g["topics"]) for g in map(json.loads, open(path, encoding="utf-8")) if g}
    tp = fp = fn = top1 = 0
    for a in scored:
        g, p = gold[a["id"]], preds[a["id"]]["topic"]
        top1 += bool(p) and p[0] in g
        tp, fp, fn = tp + len(g & set(p)), fp + len(set(p) - g), fn + len(g - set(p))
    return {"top1": top1 / len(scored), **prf(tp, fp, fn)}


def print_topics(t):
    if t is None:
        return
    if "econ_first" in t:
        print(f"topic    economy first for {t['econ_first']:.3f} of {t['econ_articles']} articles "
              "with an economic TOPICS label (target >= 0.90)")
    else:
        print(f"topic    top1={t['top1']:.3f} (target >= 0.85)  P={t['p']:.3f} R={t['r']:.3f} "
              f"F1={t['f']:.3f} (target >= 0.70)  (tp={t['tp']} fp={t['fp']} fn={t['fn']})")


# ---- corpora -------------------------------------------------------------------------------------

def load_wikinews(shared, limit):
    d = Path(shared) / "corpora" / "wikinews"
    arts = [json.loads(l) for l in open(d / "wikinews_en_2019_2020.jsonl", encoding="utf-8") if l.strip()]
    gold = {g["id"]: (g["countries"], g["people"]) for g in
            (json.loads(l) for l in open(d / "wikinews_gold.jsonl", encoding="utf-8") if l.strip())}
    arts = arts[:limit] if limit else arts
    return arts, {a["id"]: gold[a["id"]] for a in arts}


def load_reuters(shared, limit):
    path = Path(shared) / "corpora" / "reuters21578" / "reuters21578.jsonl.gz"
    arts = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            if a.get("body", "").strip():
                a["id"] = str(a["id"])
                arts.append(a)
                if limit and len(arts) >= limit:
                    break
    return arts, {a["id"]: (a.get("places", []), a.get("people", [])) for a in arts}


# ---- predictions ---------------------------------------------------------------------------------

def predict_direct(arts):
    """Run NER + Extractor in-process; return ({id: record}, timing)."""
    from indexer.extract.entities import Extractor, ner_text
    from indexer.extract.nlp import load_nlp

    nlp, ex = load_nlp(), Extractor()
    preds, t_ext, words = {}, 0.0, 0
    t0 = time.perf_counter()
    texts = ((ner_text(a["title"], a["body"]), a) for a in arts)   # the text the product's NER reads
    for doc, a in nlp.pipe(texts, as_tuples=True, batch_size=32):
        t = time.perf_counter()
        ents = ex.extract(doc, len(a["title"]), a.get("dateline") or None)
        t_ext += time.perf_counter() - t
        words += len(doc)
        preds[a["id"]] = {"id": a["id"], "person": ents.person, "country": ents.country, "org": ents.org}
    total = time.perf_counter() - t0
    return preds, {"articles": len(arts), "tokens": words, "total_s": total, "extract_s": t_ext,
                   "ner_s": total - t_ext}


def predict_cli(arts, workers):
    """Index the articles with `app.py index`, read them back with `app.py export`."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        with open(src / "articles.jsonl", "w", encoding="utf-8") as f:
            for a in arts:
                rec = {k: a.get(k) for k in ("id", "title", "body", "date", "dateline", "url") if a.get(k)}
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        idx = Path(tmp) / "index"
        py = sys.executable
        t0 = time.perf_counter()
        notes = run([py, "app.py", "index", str(src), "--index-dir", str(idx), "--workers", str(workers)],
                    stream="stderr")
        total = time.perf_counter() - t0
        out = run([py, "app.py", "export", "--index-dir", str(idx), "--format", "jsonl"])
    preds = {}
    for line in out.splitlines():
        if line.strip():
            r = json.loads(line)
            # the id may have been made relative to the source file; take the record id if it is there
            rid = str(r["id"]).rsplit("#", 1)[-1]
            preds[rid] = r
    # the index run's notes say what the index-wide resolution step merged (indexer/resolve.py)
    return preds, {"articles": len(arts), "total_s": total,
                   "notes": [line for line in notes.splitlines() if line.startswith("note:")]}


def run(cmd, stream="stdout"):
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if p.returncode:
        raise SystemExit(f"{' '.join(cmd[1:3])} failed ({p.returncode}):\n{p.stderr[-3000:]}")
    return getattr(p, stream)


# ---- report --------------------------------------------------------------------------------------

def report(name, totals, per, arts, worst=10):
    titles = {a["id"]: a["title"] for a in arts}
    print(f"\n== {name}: {len(per)} articles")
    for f, v in totals.items():
        print(f"{f:8s} P={v['p']:.3f} R={v['r']:.3f} F1={v['f']:.3f}  (tp={v['tp']} fp={v['fp']} fn={v['fn']})")
    for f in totals:
        bad = sorted(per, key=lambda i: -(per[i][f]["fp"] + per[i][f]["fn"]))[:worst]
        print(f"-- worst {worst} for {f}")
        for i in bad:
            e = per[i][f]
            if e["fp"] + e["fn"] == 0:
                break
            print(f"  [{i}] {titles.get(i, '')[:70]}\n      missed={e['missed']} wrong={e['wrong']}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", choices=["wikinews", "reuters", "both"], default="both")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--direct", action="store_true", help="run NER + Extractor in-process")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", metavar="OUT", help="write figures and per-article errors here")
    ap.add_argument("--shared", default=os.environ.get("FACETWIRE_SHARED", str(ROOT.parent / "shared")))
    args = ap.parse_args(argv)

    results = {}
    corpora = ["wikinews", "reuters"] if args.corpus == "both" else [args.corpus]
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name in corpora:
        arts, golds = (load_wikinews if name == "wikinews" else load_reuters)(args.shared, args.limit)
        preds, timing = predict_direct(arts) if args.direct else predict_cli(arts, args.workers)
        with open(OUT_DIR / f"pred_{name}.jsonl", "w", encoding="utf-8") as f:
            for a in arts:
                if a["id"] in preds:
                    f.write(json.dumps(preds[a["id"]], ensure_ascii=False) + "\n")
        totals, per = score(golds, preds, person_precision=(name == "wikinews"))
        if name == "reuters":
            totals = {"places": totals["country"], "people": totals["person"]}
            per = {i: {"places": e["country"], "people": e["person"]} for i, e in per.items()}
        report(name, totals, per, arts)
        topics = score_topics(name, arts, preds, args.shared)
        print_topics(topics)
        if "extract_s" in timing:
            n = max(timing["articles"], 1)
            print(f"timing: NER {timing['ner_s']:.1f}s ({timing['tokens'] / max(timing['ner_s'], 1e-9):.0f} tokens/s), "
                  f"extraction {timing['extract_s']:.2f}s = {1000 * timing['extract_s'] / n:.2f} ms/article "
                  f"= {100 * timing['extract_s'] / max(timing['ner_s'], 1e-9):.1f}% of NER time")
        else:
            print(f"timing: index {timing['total_s']:.1f}s for {timing['articles']} articles")
            for note in timing["notes"]:
                print(note)
        results[name] = {"totals": totals, "topics": topics, "timing": timing, "articles": per}
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
