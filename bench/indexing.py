"""Indexing speed: the `index` CLI against bare spaCy NER, 1 vs 2 workers, incremental runs, topics cost.

usage: python bench/indexing.py [--corpus FILE] [--limit N] [--workers 1,2] [--rounds 1]
                                [--topics-limit N] [--json OUT] [--work-dir DIR]

Figures, all on the same texts (title + "\\n\\n" + body as the indexer reads them):
  bare NER       indexer.extract.nlp.load_nlp() + nlp.pipe(batch_size=indexer.extract.analyze.BATCH), in this
                 process; model loading not timed. Also with n_process=2 for reference.
  index -w N     `app.py index FILE --index-dir TMP --workers N -q` as a subprocess, wall time
                 (interpreter start and model loading included), peak RSS of its process tree.
  no-change      the same command again on the same file: fraction of the full build's time.
  1% changed     a copy of the corpus with 1% of the bodies changed (same ids): time, and the
                 summary line must say exactly that many were updated.
  topics on/off  Analyzer.analyze_batch over the same chunks with the real topic classifier and
                 with a no-op one, chunk by chunk in alternating order, so that load from other
                 processes hits both sides alike.
"""
import argparse
import gc
import os
import random
import re
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (REUTERS, app_cmd, goal, load_records, machine, mb, median,  # noqa: E402
                    print_table, read_articles, remove, run_measured, save_json, word_count,
                    work_dir, write_jsonl)

SUMMARY = re.compile(
    r"(?P<read>\d+) articles read: (?P<added>\d+) added, (?P<updated>\d+) updated, "
    r"(?P<unchanged>\d+) unchanged, (?P<reused>\d+) reused extraction, (?P<removed>\d+) removed")
CHANGED_SHARE = 0.01
GOALS = {"fraction_of_bare": 0.85, "speedup_2_workers": 1.6, "no_change_fraction": 0.03,
         "topics_drop": 0.10}


def parse_summary(stdout):
    """Return the counts of the CLI's summary line as a dict of ints (empty if absent)."""
    m = SUMMARY.search(stdout)
    return {k: int(v) for k, v in m.groupdict().items()} if m else {}


def bare_ner(texts, words, rounds, n_process=1):
    """Time nlp.pipe over texts; return the median words/s and the per-round seconds."""
    from indexer.extract.analyze import BATCH
    from indexer.extract.nlp import load_nlp

    nlp = load_nlp()
    for _ in nlp.pipe(texts[:BATCH], batch_size=BATCH):
        pass  # warm-up: first-call allocations are not what we measure
    times, cpu = [], []
    for _ in range(rounds):
        gc.collect()
        c = cpu_seconds()
        t = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=BATCH, n_process=n_process):
            pass
        times.append(time.perf_counter() - t)
        cpu.append(cpu_seconds() - c)
    return {"n_process": n_process, "seconds": [round(s, 2) for s in times],
            "words_per_s": round(words / median(times)), "cpu_seconds": round(median(cpu), 2),
            "words_per_cpu_s": round(words / median(cpu))}


def cpu_seconds():
    """User + system time of this process and its reaped children (n_process workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def index_run(corpus, index_dir, workers, fresh=True):
    """Run the index CLI once; return its measurement and parsed summary."""
    if fresh:
        remove(index_dir)
    m = run_measured(app_cmd("index", corpus, "--index-dir", index_dir, "--workers", workers, "-q")).check()
    return {"workers": workers, "seconds": round(m.seconds, 2), "cpu_seconds": round(m.cpu_seconds, 2),
            "parent_cpu_seconds": round(m.root_cpu_seconds, 2),
            "summary": parse_summary(m.stdout),
            "summary_line": m.stdout.strip().splitlines()[-1] if m.stdout.strip() else "",
            "tree_peak_rss_mb": mb(m.tree_peak_rss), "process_peak_rss_mb": mb(m.process_peak_rss)}


def full_builds(corpus, work, workers, rounds, n, words):
    """Fresh builds with each worker count; the median round is reported."""
    out = {}
    for w in workers:
        runs = [index_run(corpus, work / f"index-w{w}", w) for _ in range(rounds)]
        best = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
        best["seconds_rounds"] = [r["seconds"] for r in runs]
        best["articles_per_s"] = round(n / best["seconds"], 1)
        best["words_per_s"] = round(words / best["seconds"])
        best["words_per_cpu_s"] = round(words / best["cpu_seconds"])
        out[w] = best
    return out


def changed_copy(records, path, share=CHANGED_SHARE, seed=1987):
    """Write the corpus with `share` of the bodies changed (same ids); return the changed ids."""
    rng = random.Random(seed)
    k = max(1, round(len(records) * share))
    picked = set(rng.sample(range(len(records)), k))
    out = []
    for i, r in enumerate(records):
        if i in picked:
            r = dict(r, body=r["body"].rstrip() + "\n    The figures were revised later in the day.")
        out.append(r)
    write_jsonl(out, path)
    return [str(records[i]["id"]) for i in sorted(picked)]


class NoTopics:
    """Measurement stand-in for the topic classifier: classifies nothing."""

    def classify(self, doc, title_len):
        return []


def topics_on_off(articles, words, chunk=64):
    """Time Analyzer.analyze_batch with and without topics over the same chunks, alternating order.

    One Analyzer (one model) whose classifier is swapped per run, so both sides share every cache.
    """
    from indexer.extract.analyze import Analyzer

    analyzer = Analyzer()
    real, none = analyzer.topics, NoTopics()
    analyzer.analyze_batch(articles[:8])  # load the model, gazetteer and taxonomy: not timed
    t_on = t_off = 0.0
    for n, start in enumerate(range(0, len(articles), chunk)):
        batch = articles[start:start + chunk]
        for topics in ((real, none) if n % 2 == 0 else (none, real)):
            analyzer.topics = topics
            t = time.perf_counter()
            analyzer.analyze_batch(batch)
            dt = time.perf_counter() - t
            if topics is real:
                t_on += dt
            else:
                t_off += dt
    return {"articles": len(articles), "seconds_on": round(t_on, 2), "seconds_off": round(t_off, 2),
            "words_per_s_on": round(words / t_on), "words_per_s_off": round(words / t_off),
            "drop": round(1 - t_off / t_on, 4)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(REUTERS), help="a .jsonl[.gz] corpus (default: Reuters-21578)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles with a body")
    ap.add_argument("--workers", default="1,2", help="worker counts to build with (comma-separated)")
    ap.add_argument("--rounds", type=int, default=1, help="rounds of each full build and bare NER (median)")
    ap.add_argument("--topics-limit", type=int, default=0,
                    help="articles for the topics on/off comparison (default: all)")
    ap.add_argument("--no-topics", action="store_true", help="skip the topics on/off comparison")
    ap.add_argument("--no-bare-2", action="store_true", help="skip bare NER with n_process=2")
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("--work-dir", help="temporary files (default: $TMPDIR/facetwire-bench/indexing)")
    args = ap.parse_args(argv)
    workers = [int(w) for w in args.workers.split(",") if w.strip()]
    work = work_dir(args.work_dir, "indexing")
    info = machine()

    records = load_records(args.corpus, args.limit)
    corpus = write_jsonl(records, work / "corpus" / "articles.jsonl")
    articles, problems = read_articles(corpus)
    texts = [f"{a.title}\n\n{a.body}" for a in articles]
    n, words = len(articles), word_count(texts)
    print(f"{n} articles, {words} words from {args.corpus} ({len(problems)} reader problems); work dir {work}",
          flush=True)

    results = {"machine": info, "corpus": str(args.corpus), "limit": args.limit, "articles": n,
               "words": words, "goals": GOALS}
    print("bare NER, 1 process ...", flush=True)
    results["bare_ner"] = bare_ner(texts, words, args.rounds)
    print("index builds ...", flush=True)
    builds = full_builds(corpus, work, workers, args.rounds, n, words)
    results["builds"] = {str(w): b for w, b in builds.items()}
    if not args.no_bare_2:
        print("bare NER, n_process=2 ...", flush=True)
        results["bare_ner_2"] = bare_ner(texts, words, args.rounds, n_process=2)

    # Incremental runs on the index of the last worker count, with that same command.
    w = workers[-1]
    index_dir = work / f"index-w{w}"
    nochange = index_run(corpus, index_dir, w, fresh=False)
    nochange["fraction_of_full"] = round(nochange["seconds"] / builds[w]["seconds"], 4)
    results["no_change"] = nochange
    changed_ids = changed_copy(records, work / "changed" / "articles.jsonl")
    changed = index_run(work / "changed" / "articles.jsonl", index_dir, w, fresh=False)
    changed["changed"] = len(changed_ids)
    changed["fraction_of_full"] = round(changed["seconds"] / builds[w]["seconds"], 4)
    s = changed["summary"]
    changed["only_changed_reextracted"] = (s.get("updated") == len(changed_ids) and s.get("added") == 0
                                           and s.get("unchanged") == n - len(changed_ids))
    results["one_percent_changed"] = changed

    if not args.no_topics:
        subset = articles[:args.topics_limit] if args.topics_limit else articles
        print(f"topics on/off over {len(subset)} articles ...", flush=True)
        results["topics"] = topics_on_off(subset, word_count(f"{a.title}\n\n{a.body}" for a in subset))

    derive(results, builds)
    info["loadavg_end"] = os.getloadavg()
    report(results)
    save_json(args.json, results)
    return results


def derive(results, builds):
    """Ratios against bare NER and between worker counts, on wall time and on CPU time.

    Wall time is what a user sees but moves with whatever else runs on the machine. The CPU
    estimate does not: it is the wall time the run would take on idle cores, the largest of the
    parent's own CPU time, one worker's share of the NER processes' time and the total spread over
    the cores (start-up excluded), compared with bare NER's CPU time.
    """
    bare = results["bare_ner"]["words_per_s"]
    bare_cpu = results["words"] / results["bare_ner"]["words_per_cpu_s"]
    cores = results["machine"]["nproc"]
    for w, b in builds.items():
        b["fraction_of_bare_1"] = round(b["words_per_s"] / bare, 3)
        b["cpu_fraction_of_bare"] = round(b["words_per_cpu_s"] / results["bare_ner"]["words_per_cpu_s"], 3)
        if "bare_ner_2" in results:
            b["fraction_of_bare_2"] = round(b["words_per_s"] / results["bare_ner_2"]["words_per_s"], 3)
        cpu, parent = b["cpu_seconds"], b["parent_cpu_seconds"]
        b["idle_bound_seconds"] = round(cpu if w == 0 else max(parent, (cpu - parent) / w, cpu / cores), 2)
        b["idle_estimate_fraction_of_bare"] = round(bare_cpu / b["idle_bound_seconds"], 3)
    if 1 in builds and 2 in builds:
        results["speedup_2_workers"] = round(builds[2]["words_per_s"] / builds[1]["words_per_s"], 3)
        results["speedup_2_workers_idle_estimate"] = round(
            builds[1]["idle_bound_seconds"] / builds[2]["idle_bound_seconds"], 3)
    if "topics" in results and 1 in builds:
        # The classifier's time per article, as a share of the whole CLI build with 1 worker.
        t = results["topics"]
        extra = (t["seconds_on"] - t["seconds_off"]) / t["articles"] * results["articles"]
        t["share_of_cli_build_w1"] = round(extra / builds[1]["seconds"], 4)
    if "bare_ner_2" in results:
        results["bare_speedup_2"] = round(results["bare_ner_2"]["words_per_s"] / bare, 3)


def report(r):
    """Print the figures as a table, each with its goal."""
    print(f"\n{r['articles']} articles, {r['words']} words; {r['machine']['nproc']} cores, "
          f"Python {r['machine']['python']}, spaCy {r['machine']['spacy']}, commit {r['machine']['commit']}")
    rows = [["bare NER, 1 process", f"{r['bare_ner']['words_per_s']} words/s",
             f"{r['bare_ner']['words_per_cpu_s']} words/cpu-s", "", ""]]
    if "bare_ner_2" in r:
        rows.append(["bare NER, n_process=2", f"{r['bare_ner_2']['words_per_s']} words/s",
                     f"x{r['bare_speedup_2']} of 1 process", "", ""])
    for w, b in r["builds"].items():
        est = b["idle_estimate_fraction_of_bare"]
        rows.append([f"index --workers {w}",
                     f"{b['seconds']} s, {b['articles_per_s']} art/s, {b['words_per_s']} words/s",
                     f"{b['fraction_of_bare_1']} of bare NER (wall); {est} (idle-core estimate)",
                     f">= {GOALS['fraction_of_bare']}" if w == "1" else "(reference)",
                     goal(est, GOALS["fraction_of_bare"], at_most=False) if w == "1" else ""])
        rows.append(["  CPU", f"{b['cpu_seconds']} cpu-s (parent {b['parent_cpu_seconds']})",
                     f"{b['cpu_fraction_of_bare']} of bare NER's words/cpu-s", "", ""])
        rows.append(["  peak RSS (tree / largest process)",
                     f"{b['tree_peak_rss_mb']} / {b['process_peak_rss_mb']} MB", "", "", ""])
    if "speedup_2_workers" in r:
        est = r["speedup_2_workers_idle_estimate"]
        rows.append(["2 workers vs 1", f"x{r['speedup_2_workers']} (wall)", f"x{est} (idle-core estimate)",
                     f">= {GOALS['speedup_2_workers']}", goal(est, GOALS["speedup_2_workers"], at_most=False)])
    nc = r["no_change"]
    rows.append(["no-change re-run", f"{nc['seconds']} s", f"{nc['fraction_of_full']} of full build",
                 f"<= {GOALS['no_change_fraction']}", goal(nc["fraction_of_full"], GOALS["no_change_fraction"])])
    ch = r["one_percent_changed"]
    rows.append([f"{ch['changed']} changed (1%)", f"{ch['seconds']} s", f"{ch['fraction_of_full']} of full build",
                 "only they re-extracted", "met" if ch["only_changed_reextracted"] else "NOT met"])
    if "topics" in r:
        t = r["topics"]
        rows.append([f"topics on/off ({t['articles']} art.)",
                     f"{t['words_per_s_on']} vs {t['words_per_s_off']} words/s",
                     f"drop {t['drop'] * 100:.1f}%", f"<= {GOALS['topics_drop'] * 100:.0f}%",
                     goal(t["drop"], GOALS["topics_drop"])])
    print_table(["figure", "value", "ratio", "goal", ""], rows)
    print(f"1% changed run: {ch['summary_line']}")
    print(f"load average at start {r['machine']['loadavg_start']}, at the end {r['machine'].get('loadavg_end')}")


if __name__ == "__main__":
    main()
