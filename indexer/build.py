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
from .analyze import Analysis, Analyzer, Settings, analyze_stream
from .articles import read_sources
from .schema import join_values

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

    def summary(self):
        return (f"{self.read} articles read: {self.added} added, {self.updated} updated, "
                f"{self.unchanged} unchanged, {self.reused} reused extraction, {self.removed} removed; "
                f"{self.skipped} skipped, {self.warnings} warnings, {self.duplicates} duplicate ids "
                f"in {self.seconds:.1f}s")


def build_index(sources, index_dir, rebuild=False, workers=1, prune=False, settings=None,
                on_problem=None, on_progress=None, analyzer=None, commit_every=COMMIT_EVERY):
    """Index the articles in `sources` into `index_dir`; return a BuildReport."""
    started = time.monotonic()
    report = BuildReport()
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)

    def problem(p):
        report.problems.append(p)
        if p.skipped:
            report.skipped += 1
        else:
            report.warnings += 1
        if on_problem:
            on_problem(p)

    fresh = rebuild or store.current_generation(index_dir) is None
    ix, _resumed = store.open_building(index_dir) if fresh else (store.open_index(index_dir), False)
    analyzer = analyzer or Analyzer(settings or Settings())
    known = _known_hashes(ix)
    caches = [ix]
    if fresh and store.current_generation(index_dir):
        caches.append(store.open_index(index_dir))  # a rebuild reuses what the live index knows
    seen = {}

    def pending_articles():
        for article in read_sources(sources, problem):
            report.read += 1
            if article.id in seen:
                report.duplicates += 1
                problem(_duplicate(article, seen[article.id]))
            seen[article.id] = article.origin
            article.chash = f"{analyzer.fingerprint}-{article.content_hash()}"
            old = known.get(article.id)
            if old and old[1] == article.chash:
                report.unchanged += 1
                continue
            yield article

    writer = _writer(ix, index_dir)
    in_batch = {}
    try:
        for article, analysis in _analyses(caches, analyzer, pending_articles(), workers, report):
            if article.id in known:
                report.updated += 1
            else:
                report.added += 1
            known[article.id] = (None, article.chash)
            in_batch[article.id] = (article, analysis)
            if len(in_batch) >= commit_every:
                _commit(writer, in_batch)
                writer = _writer(ix, index_dir)
            if on_progress:
                on_progress(report)
        _commit(writer, in_batch)
        if prune or fresh:
            report.removed = _remove_unseen(ix, index_dir, seen)
    except BaseException:
        writer.cancel()
        raise
    if fresh:
        store.publish_building(index_dir)
        report.published = True
    report.seconds = time.monotonic() - started
    return report


def _analyses(caches, analyzer, articles, workers, report):
    """Yield (article, Analysis), copying the extraction of identical content already indexed.

    The content hash includes the extractor's fingerprint, so a copy is exactly what NER +
    extraction would produce again.
    """
    searchers = [ix.searcher() for ix in caches]

    def with_known():
        for article in articles:
            yield article, _known_analysis(searchers, article.chash, report)

    try:
        yield from analyze_stream(analyzer, with_known(), workers)
    finally:
        for searcher in searchers:
            searcher.close()


def _known_analysis(searchers, chash, report):
    """Return the stored Analysis of a document with this content hash, or None."""
    for searcher in searchers:
        docnum = searcher.document_number(chash=chash)
        if docnum is not None:
            report.reused += 1
            return _stored_analysis(searcher.stored_fields(docnum))
    return None


def _stored_analysis(fields):
    from .schema import split_values

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
    try:
        return ix.writer(timeout=2.0)
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


def _duplicate(article, first_origin):
    from .articles import Problem

    return Problem(article.origin, "", f"duplicate id {article.id!r} (also in {first_origin}); the later one wins",
                   skipped=False)
