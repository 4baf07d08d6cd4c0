"""Building and updating an index: incremental by content hash, committed in batches.

Talks to the engine through the contract's Writer only. A first build and --rebuild write a new
index beside the live one and publish it only when complete; an incremental run updates the live
index with atomic commits. Either way a killed run leaves a usable index, and the next run skips
what was already committed.
"""
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice

from .articles import Problem, read_sources
from .curate import BuildCuration, reusable
from .document import Document
from .engines import EngineConfig, open_engine
from .extract.analyze import CHUNK, MAX_TEXT, Analysis, Analyzer, Settings, analyze_stream
from .extract.entities import SEAM
from .resolve import FACETS as RESOLVED

# Articles per commit: what a kill -9 can lose at most (at 2,000, under a minute of NER on two
# cores). Each commit is a Whoosh segment, and Whoosh merges small segments by re-writing them:
# with 500 its merges made writing all of Reuters cost 8.1 CPU ms per article, with 2,000 3.2
# (docs/BENCHMARKS.md, session 4).
COMMIT_EVERY = 2000
LOOKUP = CHUNK      # articles whose content hashes are looked up together (one request per index)
PUT_EVERY = CHUNK   # documents given to the writer together (the curation applied to them at once)


@dataclass
class BuildReport:
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    reused: int = 0       # extraction copied from an article with the same content
    removed: int = 0
    duplicates: int = 0
    skipped: int = 0      # files or records that could not be read
    warnings: int = 0
    seconds: float = 0.0
    published: bool = False
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)   # what was deliberately not done, and why
    resolved: list = field(default_factory=list)   # indexer.resolve.Merge made by this run

    @property
    def source_errors(self):
        return [p for p in self.problems if p.source_error]

    def summary(self):
        return (f"{self.read} articles read: {self.added} added, {self.updated} updated, "
                f"{self.unchanged} unchanged, {self.reused} reused extraction, {self.removed} removed; "
                f"{self.skipped} skipped, {self.warnings} warnings, {self.duplicates} duplicate ids "
                f"in {self.seconds:.1f}s")


def build_index(sources, index_dir=None, rebuild=False, workers=1, prune=False, settings=None,
                on_problem=None, on_progress=None, analyzer=None, commit_every=COMMIT_EVERY,
                optimize=False, engine=None, cluster=None, batch=CHUNK, resolve=True, dedupe=True):
    """Index the articles in `sources` into the engine (a Whoosh folder index_dir by default).

    NER runs in `workers` processes, or on the Dask cluster whose scheduler is `cluster`, in
    tasks of `batch` articles.

    Nothing is removed and no rebuild is swapped in when a source could not be read in full:
    a missing folder or a cut-off file must not empty the index.

    With `resolve`, a run that changed the index ends with the index-wide resolution step
    (indexer/resolve.py): lone surnames, spelling variants, acronyms and country-prefixed names
    merged across articles, as curation changes anyone can list and undo. With `dedupe`, it then
    groups near-duplicate articles over the whole index (indexer/duplicates.py).
    """
    started = time.monotonic()
    owned = engine is None
    engine = engine or open_engine(EngineConfig(index_dir=str(index_dir)))
    try:
        with engine.writer(fresh=rebuild) as writer:
            run = _Run(writer, analyzer or Analyzer(settings or Settings()), on_problem)
            run.curation = BuildCuration(engine)   # the index's curation, on every article written
            if dedupe:   # near-duplicates of what is written, found while NER works on what follows
                from .duplicates import Grouping

                run.grouping = Grouping()
            ner = {"workers": workers, "cluster": cluster, "chunk": batch}
            run.write(run.pending(sources), ner, commit_every, on_progress)
            if optimize:
                writer.optimize()
            recurated = run.curation.finish(writer, resumed=run.fresh and bool(run.known))
            run.finish(prune)
        if resolve and (run.report.published or not run.fresh) and (
                run.report.added or run.report.updated or run.report.removed):
            counts = run.counts() if not recurated else None
            run.report.resolved = _resolve(engine, run.report, counts)
        if dedupe and (run.report.published or not run.fresh) and (
                run.report.added or run.report.updated or run.report.removed):
            _dedupe(engine, run.report, run.grouping)
    finally:
        if owned:
            engine.close()
    run.report.seconds = time.monotonic() - started
    return run.report


class _Run:
    """One indexing run: what the index held before it, and what this run read and wrote."""

    def __init__(self, writer, analyzer, on_problem):
        self.writer, self.analyzer, self.on_problem = writer, analyzer, on_problem
        self.report = BuildReport()
        self.has_live, self.fresh = writer.has_live, writer.fresh
        self.known = writer.known_hashes()  # id -> chash before this run
        self.seen = {}  # id -> (origin, where, chash) of what this run read
        self.grouping = None   # duplicates.Grouping of what this run wrote, when it groups them
        # {facet: Counter of values} of what this run wrote, as written, for the resolution step;
        # None once an id was written twice (the counts would hold both versions)
        self.values = {facet: Counter() for facet in RESOLVED}

    def counts(self):
        """{facet: {value: articles}} over the whole index, when this run wrote all of it (a first
        build, not resumed), else None: the resolution step then counts over the index."""
        if not self.fresh or self.known or self.values is None:
            return None
        return {facet: dict(c) for facet, c in self.values.items()}

    def problem(self, p):
        self.report.problems.append(p)
        if p.skipped:
            self.report.skipped += 1
        else:
            self.report.warnings += 1
        if self.on_problem:
            self.on_problem(p)

    def pending(self, sources):
        """Yield the articles that need writing, with their content hash set."""
        report = self.report
        for article in read_sources(sources, self.problem):
            report.read += 1
            article.chash = f"{self.analyzer.fingerprint}-{article.content_hash()}"
            article.duplicate = article.id in self.seen
            if len(article.title) + len(SEAM) + len(article.body) > MAX_TEXT:
                self.problem(Problem(article.origin, article.where, f"text longer than {MAX_TEXT:,} "
                                     "characters: entities and topics come from its beginning only",
                                     skipped=False))
            if article.duplicate:
                report.duplicates += 1
                origin, where, chash = self.seen[article.id]
                self.problem(Problem(article.origin, article.where, f"duplicate id {article.id!r} (also at "
                                     f"{origin}:{where}); the later one wins", skipped=False))
                if chash == article.chash:
                    continue
            self.seen[article.id] = (article.origin, article.where, article.chash)
            old = self.known.get(article.id)
            if not article.duplicate and old == article.chash:
                report.unchanged += 1
                continue
            yield article

    def write(self, articles, ner, commit_every, on_progress):
        """Analyse and write the articles, committing every `commit_every`.

        They go to the writer PUT_EVERY at a time as NER gives them (Whoosh analyses each as it is
        put), so that a commit waits only for the segment's flush."""
        pending, in_commit = [], 0
        for article, analysis in _analyses(self.writer, self.analyzer, articles, ner, self.report):
            if not article.duplicate:
                if article.id in self.known:
                    self.report.updated += 1
                else:
                    self.report.added += 1
            if article.duplicate:   # its id was written already
                self.values = None
            doc = Document.from_article(article, analysis)
            if self.grouping is not None:
                self.grouping.add(doc)
            pending.append(doc)
            if len(pending) >= PUT_EVERY or in_commit + len(pending) >= commit_every:
                in_commit += self._put(pending)
                if in_commit >= commit_every:
                    self._commit()
                    in_commit = 0
            if on_progress:
                on_progress(self.report)
        self._put(pending)
        self._commit()

    def _put(self, pending):
        """Put the pending documents, curated, and empty the list; return how many."""
        docs = self.curation.apply(pending)
        self.writer.put(docs)   # the last of an id wins
        if self.values is not None:
            for doc in docs:
                for facet, counter in self.values.items():
                    counter.update(set(getattr(doc, facet)))
        pending.clear()
        return len(docs)

    def _commit(self):
        self.writer.commit()
        self.curation.refresh()   # a change made meanwhile applies to what the run writes next

    def finish(self, prune):
        """Remove what is gone and publish a fresh build, unless the sources were not all read."""
        report, failed = self.report, len(self.report.source_errors)
        incomplete = failed or report.read == 0
        why = (f"{failed} source(s) could not be read in full" if failed else "no article could be read")
        if prune or self.fresh:
            if incomplete:
                if prune or self.has_live:
                    report.notes.append(f"nothing removed: {why}")
            else:
                report.removed = self._remove_unseen()
        if not self.fresh:
            return
        if self.has_live and incomplete:
            report.notes.append(f"the rebuild was not swapped in: {why}; the live index is unchanged "
                                "and the next --rebuild continues this one")
        elif not self.has_live and report.read == 0:
            self.writer.discard()
            report.notes.append("no index was created")
        else:
            self.writer.publish()
            report.published = True


    def _remove_unseen(self):
        """Delete documents whose id was not read in this run; return how many."""
        gone = [i for i in self.writer.known_hashes() if i not in self.seen]
        if gone:
            self.writer.delete(gone)
            self.writer.commit()
        return len(gone)


def _resolve(engine, report, counts=None):
    """Run the index-wide resolution step; return its merges, noting what it did or why it could not."""
    from .errors import FacetwireError
    from .resolve import resolve_index

    started = time.monotonic()
    try:
        merges = resolve_index(engine, counts=counts)
    except FacetwireError as err:   # a curation change or a long writer in the way: the next run retries
        report.notes.append(f"index-wide resolution not done: {err}")
        return []
    if merges:
        report.notes.append(f"index-wide resolution merged {len(merges)} values in "
                            f"{time.monotonic() - started:.1f}s (`app.py curate list` shows them, by "
                            f"\"resolve\"; undo any of them there)")
    return merges


def _dedupe(engine, report, grouping=None):
    """Run the index-wide near-duplicate grouping; note what it did or why it could not."""
    from .duplicates import dedupe_index
    from .errors import FacetwireError

    try:
        done = dedupe_index(engine, grouping)
    except FacetwireError as err:   # a long writer in the way: the next run groups again
        report.notes.append(f"near-duplicate grouping not done: {err}")
        return
    report.notes.append(f"near-duplicates: {done.grouped} of {done.articles} articles in {done.groups} "
                        f"groups ({done.rewritten} regrouped) in {done.seconds:.1f}s")


def _analyses(writer, analyzer, articles, ner, report):
    """Yield (article, Analysis), copying the extraction of identical content already indexed.

    The content hash includes the extractor's fingerprint, so a copy is exactly what NER +
    extraction would produce again.
    """
    def with_known():
        while batch := list(islice(articles, LOOKUP)):
            known = writer.documents_by_hash([a.chash for a in batch])
            for article in batch:
                yield article, _known_analysis(known.get(article.chash), report)

    yield from analyze_stream(analyzer, with_known(), **ner)


def _known_analysis(doc, report):
    """Return the stored Analysis of doc (one with the article's content hash), or None without one."""
    if doc is None:
        return None
    report.reused += 1
    return Analysis.from_document(reusable(doc))   # as extracted: the curation applies on top
