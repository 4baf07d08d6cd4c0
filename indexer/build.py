"""Building and updating an index: incremental by content hash, committed in batches.

A first build and --rebuild write beside the live index (store.BUILDING) and are published only
when complete; an incremental run updates the live index with Whoosh's own atomic commits. Either
way a killed run leaves a usable index, and the next run skips what was already committed.
"""
import json
import time
from pathlib import Path
from dataclasses import dataclass, field

from whoosh.writing import LockError

from . import store
from .analyze import MAX_TEXT, Analysis, Analyzer, Settings, analyze_stream
from .articles import Problem, read_sources
from .schema import join_values, split_values

COMMIT_EVERY = 500  # articles per commit: what a kill -9 can lose at most


class BuildError(RuntimeError):
    """An indexing run could not proceed (the message says why)."""


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

    @property
    def source_errors(self):
        return [p for p in self.problems if p.source_error]

    def summary(self):
        return (f"{self.read} articles read: {self.added} added, {self.updated} updated, "
                f"{self.unchanged} unchanged, {self.reused} reused extraction, {self.removed} removed; "
                f"{self.skipped} skipped, {self.warnings} warnings, {self.duplicates} duplicate ids "
                f"in {self.seconds:.1f}s")


def build_index(sources, index_dir, rebuild=False, workers=1, prune=False, settings=None,
                on_problem=None, on_progress=None, analyzer=None, commit_every=COMMIT_EVERY,
                optimize=False):
    """Index the articles in `sources` into `index_dir`; return a BuildReport.

    Nothing is removed and no rebuild is swapped in when a source could not be read in full:
    a missing folder or a cut-off file must not empty the index.
    """
    started = time.monotonic()
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    with store.run_lock(index_dir):
        run = _Run(index_dir, rebuild, analyzer or Analyzer(settings or Settings()), on_problem)
        run.write(run.pending(sources), workers, commit_every, on_progress)
        if optimize:
            run.optimize()
        run.finish(prune)
    run.report.seconds = time.monotonic() - started
    return run.report


class _Run:
    """One indexing run: what the index held before it, and what this run read and wrote."""

    def __init__(self, index_dir, rebuild, analyzer, on_problem):
        self.index_dir, self.analyzer, self.on_problem = index_dir, analyzer, on_problem
        self.report = BuildReport()
        self.has_live = store.current_generation(index_dir) is not None
        self.fresh = rebuild or not self.has_live
        self.ix = store.open_building(index_dir)[0] if self.fresh else store.open_index(index_dir)
        self.known = _known_hashes(self.ix)  # id -> (docnum, chash) before this run
        self.caches = [self.ix] + ([store.open_index(index_dir)] if self.fresh and self.has_live else [])
        self.seen = {}  # id -> (origin, where, chash) of what this run read

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
            if len(article.title) + len(article.body) + 2 > MAX_TEXT:
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
            if not article.duplicate and old and old[1] == article.chash:
                report.unchanged += 1
                continue
            yield article

    def write(self, articles, workers, commit_every, on_progress):
        """Analyse and write the articles, committing every `commit_every`."""
        writer = _writer(self.ix, self.index_dir)
        in_batch = {}
        searchers = [ix.searcher() for ix in self.caches]
        try:
            for article, analysis in _analyses(searchers, self.analyzer, articles, workers, self.report):
                if not article.duplicate:
                    if article.id in self.known:
                        self.report.updated += 1
                    else:
                        self.report.added += 1
                in_batch[article.id] = (article, analysis)
                if len(in_batch) >= commit_every:
                    _commit(writer, in_batch)
                    writer = _writer(self.ix, self.index_dir)
                    # The commit may have merged away segments the cache searcher still reads
                    # (reopened, not refresh(): Whoosh's refresh fails when reusing a one-segment reader).
                    searchers[0].close()
                    searchers[0] = self.ix.searcher()
                if on_progress:
                    on_progress(self.report)
            _commit(writer, in_batch)
        except BaseException:
            writer.cancel()
            raise
        finally:
            for searcher in searchers:
                searcher.close()

    def optimize(self):
        """Merge all segments into one: slower to write, faster to search."""
        writer = _writer(self.ix, self.index_dir)
        writer.commit(optimize=True)

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
                report.removed = _remove_unseen(self.ix, self.index_dir, self.seen)
        if not self.fresh:
            return
        if self.has_live and incomplete:
            report.notes.append(f"the rebuild was not swapped in: {why}; the live index is unchanged "
                                "and the next --rebuild continues this one")
        elif not self.has_live and report.read == 0:
            store.discard_building(self.index_dir)
            report.notes.append("no index was created")
        else:
            store.publish_building(self.index_dir)
            report.published = True


def _analyses(searchers, analyzer, articles, workers, report):
    """Yield (article, Analysis), copying the extraction of identical content already indexed.

    The content hash includes the extractor's fingerprint, so a copy is exactly what NER +
    extraction would produce again. `searchers` is read at each lookup: the caller refreshes it.
    """
    def with_known():
        for article in articles:
            yield article, _known_analysis(searchers, article.chash, report)

    yield from analyze_stream(analyzer, with_known(), workers)


def _known_analysis(searchers, chash, report):
    """Return the stored Analysis of a document with this content hash, or None."""
    for searcher in searchers:
        docnum = searcher.document_number(chash=chash)
        if docnum is not None:
            report.reused += 1
            return _stored_analysis(searcher.stored_fields(docnum))
    return None


def _stored_analysis(fields):
    return Analysis(
        person=split_values(fields.get("person")), country=split_values(fields.get("country")),
        org=split_values(fields.get("org")), topic=split_values(fields.get("topic")),
        subtopic=split_values(fields.get("subtopic")),
        topics=json.loads(fields.get("topics_json") or "[]"),
        mentions=json.loads(fields.get("mentions") or "[]"),
    )


def _known_hashes(ix):
    """Map id -> (docnum, content hash) for every live document, read from columns."""
    with ix.searcher() as s:
        reader = s.reader()
        if reader.doc_count_all() == 0:
            return {}
        ids = reader.column_reader("id")
        hashes = reader.column_reader("chash")
        return {ids[n]: (n, hashes[n]) for n in reader.all_doc_ids()}


def _writer(ix, index_dir):
    # compound=False: a searcher of a compound segment copies it into memory (1.5 GB for
    # 8 server threads on Reuters); separate files are memory-mapped and shared.
    try:
        return ix.writer(timeout=2.0, compound=False)
    except LockError as err:
        raise BuildError(f"another run is writing to the index in {index_dir}; wait for it to finish") from err


def _commit(writer, in_batch):
    """Write a batch (the last version of each id wins) and commit it atomically."""
    for article, analysis in in_batch.values():
        writer.update_document(**_document(article, analysis))
    writer.commit()
    in_batch.clear()


def _document(article, analysis):
    date = article.date
    doc = {
        "id": article.id,
        "chash": article.chash,
        "title": article.title,
        "body": article.body,
        "date": date.replace(tzinfo=None) if date else None,
        "date_iso": date.isoformat() if date else "",
        "source": join_values([article.source]),
        "person": join_values(analysis.person),
        "country": join_values(analysis.country),
        "org": join_values(analysis.org),
        "topic": join_values(analysis.topic),
        "subtopic": join_values(analysis.subtopic),
        "url": article.url,
        "section": article.section,
        "dateline": article.dateline,
        "origin": article.origin,
        "mentions": json.dumps(analysis.mentions, ensure_ascii=False),
        "topics_json": json.dumps(analysis.topics, ensure_ascii=False),
        "meta": json.dumps(article.meta, ensure_ascii=False, default=str),
    }
    return {k: v for k, v in doc.items() if v is not None}


def _remove_unseen(ix, index_dir, seen):
    """Delete documents whose id was not read in this run; return how many."""
    gone = [i for i in _known_hashes(ix) if i not in seen]
    if gone:
        writer = _writer(ix, index_dir)
        for i in gone:
            writer.delete_by_term("id", i)
        writer.commit()
    return len(gone)
