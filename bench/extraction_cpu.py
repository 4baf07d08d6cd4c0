"""CPU of entity extraction and topic classification per article, over stored NER Docs; and a golden check.

usage: python bench/extraction_cpu.py golden [--out DIR] [--shared DIR] [--reuters FILE]
       python bench/extraction_cpu.py check  [--out DIR] [--code CHECKOUT]
       python bench/extraction_cpu.py time   [--out DIR] [--code CHECKOUT] [--rounds 3] [--ner N]

`golden` runs NER once (Analyzer.docs) over three sets: the bundled sample (data/sample), the
first 3,000 Reuters articles of --reuters (JSONL) and the first 1,000 of the Wikinews topics dev
corpus; it writes each set's Docs as a spaCy DocBin (DIR/<set>.spacy), the articles' title and
dateline (DIR/<set>.articles.json) and the JSON of Analyzer.from_doc for each (DIR/<set>.golden.jsonl).

`check` loads the Docs and compares from_doc's JSON with the golden file, byte for byte, twice in one
process (the second pass over the sets backwards, caches warm); it exits 1 if any differs, naming
the first such article of each set. `time` prints the CPU time (time.process_time)
of Extractor.extract and TopicClassifier.classify (with the aliases step from_doc runs) per article,
median of --rounds, and NER's CPU per article on --ner of the same texts (0: none). --code runs the
extraction code of another checkout (a `git worktree` of the commit before), so two versions can be
run alternately on a busy machine. NER is not timed by `check`; NER runs with OMP_NUM_THREADS=1.
"""
import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
SETS = ("sample", "reuters", "wikinews")


def _setup(code):
    sys.path.insert(0, str(Path(code).resolve() if code else ROOT))


def _articles(name, args):
    from indexer.articles import read_sources

    problems = []
    if name == "sample":
        paths, limit = [ROOT / "data" / "sample" / "wikinews.jsonl"], None
    elif name == "reuters":
        paths, limit = [Path(args.reuters)], 3000
    else:
        paths, limit = [Path(args.shared) / "corpora" / "wikinews-topics" / "dev.jsonl.gz"], 1000
    out = []
    for a in read_sources(paths, problems.append):
        out.append(a)
        if limit and len(out) >= limit:
            break
    return out


def _json(analysis):
    return json.dumps(asdict(analysis), ensure_ascii=False)


def golden(args):
    from spacy.tokens import DocBin

    from indexer.extract.analyze import Analyzer, Settings

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    an = Analyzer(Settings())
    for name in SETS:
        arts = _articles(name, args)
        docs = DocBin(store_user_data=True)
        t0 = time.process_time()
        lines = []
        for doc, a in an.docs(arts):
            docs.add(doc)
            lines.append(_json(an.from_doc(doc, a)))
        (out / f"{name}.spacy").write_bytes(docs.to_bytes())
        (out / f"{name}.articles.json").write_text(json.dumps(
            [{"id": a.id, "title": a.title, "dateline": a.dateline} for a in arts], ensure_ascii=False))
        (out / f"{name}.golden.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{name}: {len(arts)} articles, {time.process_time() - t0:.1f} CPU s", flush=True)


def _load(out, name, vocab):
    from spacy.tokens import DocBin

    from indexer.articles import Article

    arts = [Article(id=a["id"], title=a["title"], body="", dateline=a["dateline"])
            for a in json.loads((out / f"{name}.articles.json").read_text())]
    docs = list(DocBin(store_user_data=True).from_bytes((out / f"{name}.spacy").read_bytes()).get_docs(vocab))
    assert len(docs) == len(arts), name
    return docs, arts


def check(args):
    from indexer.extract.analyze import Analyzer, Settings

    out = Path(args.out)
    an = Analyzer(Settings())
    bad = 0
    # twice, the second time backwards: what a cache keeps from one article must not change another's
    for name in SETS + SETS[::-1]:
        docs, arts = _load(out, name, an.nlp.vocab)
        want = (out / f"{name}.golden.jsonl").read_text(encoding="utf-8").splitlines()
        got = [_json(an.from_doc(d, a)) for d, a in zip(docs, arts)]
        diff = [k for k, (g, w) in enumerate(zip(got, want)) if g != w]
        if len(got) != len(want):
            diff.append(len(got))
        print(f"{name}: {len(got)} articles, {len(diff)} differ" +
              (f" (first: {arts[diff[0]].id}: {got[diff[0]][:300]} != {want[diff[0]][:300]})" if diff else ""))
        bad += len(diff)
    sys.exit(1 if bad else 0)


def timing(args):
    from indexer.extract.analyze import Analyzer, Settings

    out = Path(args.out)
    an = Analyzer(Settings())
    ex, topics, aliases = an.extractor, an.topics, an.aliases
    docs, arts = [], []
    for name in SETS:
        d, a = _load(out, name, an.nlp.vocab)
        docs += d
        arts += a
    n = len(docs)
    for d, a in zip(docs, arts):   # warm: gazetteer, caches, lazy tables, as in a long build
        an.from_doc(d, a)
    ext, cls = [], []
    clock = time.process_time
    for _ in range(args.rounds):
        e = c = 0.0
        for d, a in zip(docs, arts):   # as from_doc runs them: extraction, then topics of the same Doc
            t0 = clock()
            ex.extract(d, len(a.title), a.dateline or None)
            t1 = clock()
            aliases.apply_topics(topics.classify(d, len(a.title)))
            t2 = clock()
            e += t1 - t0
            c += t2 - t1
        ext.append(e)
        cls.append(c)
    e, c = statistics.median(ext), statistics.median(cls)
    line = {"code": str(args.code or ROOT), "articles": n, "extract_ms": round(1000 * e / n, 3),
            "classify_ms": round(1000 * c / n, 3), "rounds_extract_s": [round(x, 2) for x in ext],
            "rounds_classify_s": [round(x, 2) for x in cls]}
    if args.ner:
        texts = [d.text for d in docs[:args.ner]]
        t0 = time.process_time()
        for _ in an.nlp.pipe(texts, batch_size=32):
            pass
        ner = (time.process_time() - t0) / len(texts)
        line.update(ner_ms=round(1000 * ner, 2), ner_articles=len(texts),
                    extract_pct_ner=round(100 * e / n / ner, 1), classify_pct_ner=round(100 * c / n / ner, 1))
    print(json.dumps(line))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=("golden", "check", "time"))
    ap.add_argument("--out", default="/tmp/s5h1")
    ap.add_argument("--code", default=None, help="checkout whose indexer/ to run (default: this one)")
    ap.add_argument("--shared", default=os.environ.get("FACETWIRE_SHARED", str(ROOT.parent / "shared")))
    ap.add_argument("--reuters", default="/tmp/fw14s4/idx-full2/corpus/articles.jsonl")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--ner", type=int, default=0, help="also time NER on the first N stored texts")
    args = ap.parse_args(argv)
    _setup(args.code)
    {"golden": golden, "check": check, "time": timing}[args.what](args)


if __name__ == "__main__":
    main()
