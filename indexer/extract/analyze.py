"""Running NER, entity extraction and topic classification over articles: in 1..N processes, or on Dask.

Worker processes send back small Analysis records, not spaCy Docs: pickling Docs would cost
more than the extraction itself.
"""
import ctypes
import hashlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice

from ..facets import SUBTOPIC_JOIN
from .entities import ner_text

# Bump when extraction changes in a way that should re-extract unchanged articles.
EXTRACTOR_VERSION = "3"   # 3: topics the rules keep among the learned ones; 2: topics learned, Snowball stems
BATCH = 32
CHUNK = 64  # articles per task sent to a worker process or a Dask worker
# Articles a worker process may run ahead of the one writing the index. A commit (build.py,
# 2,000 articles) stops the writer for seconds: with only 3 chunks ahead the NER worker idled
# through each one (all of Reuters, one worker: 318 s against 236 CPU s of NER). Text and
# results of 2,048 articles are a few MB.
AHEAD = 2048
# spaCy's default Language.max_length; NER reads the beginning of longer texts.
MAX_TEXT = 1_000_000


@dataclass
class Settings:
    model: str | None = None        # spaCy model package; None = indexer.extract.nlp.MODEL
    aliases_file: str | None = None
    topics_file: str | None = None  # None = the shipped IPTC taxonomy


@dataclass
class Analysis:
    person: list = field(default_factory=list)
    country: list = field(default_factory=list)
    org: list = field(default_factory=list)
    topic: list = field(default_factory=list)      # top-level labels, best first
    subtopic: list = field(default_factory=list)   # "top › child"
    topics: list = field(default_factory=list)     # [{"label", "score", "evidence", "children"}]
    mentions: list = field(default_factory=list)   # [[field, start, end, facet, value(, reading)]]

    @classmethod
    def from_document(cls, doc):
        """Return the extraction a stored Document holds (to reuse it for identical content)."""
        return cls(person=doc.person, country=doc.country, org=doc.org, topic=doc.topic,
                   subtopic=doc.subtopic, topics=doc.topics, mentions=doc.mentions)


class Analyzer:
    """Everything that reads an article's text, loaded once per process."""

    def __init__(self, settings=None):
        from .aliases import Aliases
        from .topics import TopicClassifier

        self.settings = settings or Settings()
        # Loaded now, so that a bad file is reported before any work starts.
        self.aliases = Aliases.load(self.settings.aliases_file) if self.settings.aliases_file else Aliases.empty()
        self.topics = TopicClassifier.load(self.settings.topics_file)
        self.fingerprint = self._fingerprint()

    def __getstate__(self):
        # Shipped to Dask workers with its aliases and topics loaded, never with a model.
        return {k: v for k, v in vars(self).items() if k not in ("nlp", "extractor")}

    # The model and gazetteer load on first use: with worker processes the parent never needs them.
    @cached_property
    def nlp(self):
        from .nlp import MODEL, load_nlp

        return load_nlp(self.settings.model or MODEL)

    @cached_property
    def extractor(self):
        from .entities import Extractor

        return Extractor(self.aliases)

    def _fingerprint(self):
        """Digest of everything that decides what extraction produces, besides the text."""
        from . import countries, entities

        h = hashlib.sha1(f"{EXTRACTOR_VERSION}/{entities.EXTRACTOR_VERSION}".encode())
        h.update((self.settings.model or "").encode())
        for path in (countries.DATA, self.settings.aliases_file):
            if path:
                with open(path, "rb") as fh:
                    h.update(fh.read())
        h.update(self.topics.fingerprint().encode())
        return h.hexdigest()[:12]

    def analyze_batch(self, articles):
        """Return one Analysis per article, in order."""
        return [self.from_doc(doc, a) for doc, a in self.docs(articles)]

    def docs(self, articles):
        """Yield (spaCy Doc, article) for each article, in order: NER alone."""
        texts = ((ner_text(a.title, a.body)[:MAX_TEXT], a) for a in articles)
        return self.nlp.pipe(texts, as_tuples=True, batch_size=BATCH)

    def from_doc(self, doc, article):
        title_len = len(article.title)
        ents = self.extractor.extract(doc, title_len, article.dateline or None)
        topics = self.aliases.apply_topics(self.topics.classify(doc, title_len))
        return Analysis(
            person=ents.person, country=ents.country, org=ents.org,
            topic=[t.label for t in topics],
            subtopic=[f"{t.label}{SUBTOPIC_JOIN}{child}" for t in topics for child, _ in t.children],
            topics=[{"label": t.label, "score": round(t.score, 4), "evidence": list(t.evidence),
                     "children": [[c, round(s, 4)] for c, s in t.children]} for t in topics],
            mentions=[[m.field, m.start, m.end, m.facet, m.value, *([m.why] if m.why else [])] for m in ents.mentions],
        )


# --- worker processes -------------------------------------------------------------------------
_worker = None
PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCH_PARENT = 1.0    # seconds between a worker's looks at whether its parent is still there


def _init_worker(settings, parent):
    global _worker
    # Ctrl-C reaches the whole process group: the parent alone decides how to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(parent)
    _worker = Analyzer(settings)


def _exit_with_parent(parent):
    """End this worker when the indexing process `parent` dies, kill -9 included.

    Nothing else would: a worker waits on a call queue whose write end it holds itself, and
    multiprocessing's resource tracker lives until the last worker has gone. Linux sends
    SIGTERM at once (PR_SET_PDEATHSIG; strictly, when the parent's thread that started this
    worker ends, which in the CLI is its main thread); the watchdog thread covers other systems.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # it died before the signal was armed
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="watch-parent", daemon=True).start()


def _watch_parent(parent):
    # An orphan is adopted by init (or a subreaper): its parent pid changes.
    while os.getppid() == parent:
        time.sleep(WATCH_PARENT)
    os._exit(1)


def _work(articles):
    # Tuples of the fields, not asdict(): that deep-copies every list of every record first.
    return [tuple(getattr(a, f) for f in FIELDS) for a in _worker.analyze_batch(articles)]


def _ner_only(articles):
    """NER alone: per article, its token count and its entities as (start, end, label) in tokens.

    The parent tokenizes the same text again and puts these entities on it (see _rebuilt): a
    DocBin cost the worker, the one the build waits for, 14.5% of NER to write; this costs 0.5%."""
    return [(len(doc), [(e.start, e.end, e.label_) for e in doc.ents]) for doc, _article in _worker.docs(articles)]


FIELDS = tuple(Analysis.__dataclass_fields__)


def analyze_stream(analyzer, items, workers=1, chunk=CHUNK, cluster=None):
    """Yield (article, Analysis) for each (article, known Analysis or None) item, in order.

    Items with a known Analysis pass straight through; the others go to NER. workers=0 runs
    NER here; workers=N runs it in N processes while the caller goes on writing the index,
    which on a two-core machine keeps one core on NER and the other on Whoosh (with one worker,
    entities and topics are extracted here from its Docs: see _pooled). cluster (a Dask
    scheduler address such as tcp://host:8786) runs it on that cluster's workers instead.
    """
    items = iter(items)
    if cluster:
        from .cluster import analyze_on_cluster

        yield from analyze_on_cluster(analyzer, items, cluster, chunk)
        return
    if workers <= 0:
        while batch := list(islice(items, chunk)):
            fresh = iter(analyzer.analyze_batch([a for a, known in batch if known is None]))
            for article, known in batch:
                yield article, known if known is not None else next(fresh)
        return
    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                               initargs=(analyzer.settings, os.getpid()))
    try:
        yield from _pooled(pool, items, workers, chunk, analyzer if workers == 1 else None)
    except BaseException:
        # Interrupted (or the consumer failed): don't wait for the chunks in flight.
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _pooled(pool, items, workers, chunk, extractor=None):
    """The worker-process half of analyze_stream.

    extractor (an Analyzer, with one worker): the worker runs NER alone and sends the entities
    it found (see _ner_only); this process extracts entities and topics from them. That work
    (about a fifth of NER's time) then runs on the parent's core, which writing the index leaves
    partly idle, instead of after NER on the worker's, the one the build waits for. With two or more workers the parent's core is theirs too, so each worker
    extracts what it read.
    """
    pending = deque()
    work = _work if extractor is None else _ner_only
    while True:
        # A bounded number of chunks in flight: memory stays flat on huge inputs.
        while len(pending) < max(workers * 3, AHEAD // chunk) and (batch := list(islice(items, chunk))):
            todo = [a for a, known in batch if known is None]
            pending.append((batch, todo, pool.submit(work, todo) if todo else None))
        if not pending:
            return
        batch, todo, future = pending.popleft()
        fresh = iter(_results(future.result(), todo, extractor) if future else ())
        for article, known in batch:
            yield article, known if known is not None else next(fresh)


def _results(result, todo, extractor):
    """Return the Analyses of a worker's result for the articles todo, in order."""
    if extractor is None:
        return [Analysis(*fields) for fields in result]
    return [extractor.from_doc(doc, article) for doc, article in _rebuilt(extractor.nlp, todo, result)]


def _rebuilt(nlp, articles, found):
    """Yield (Doc, article): each article's text tokenized here, with the entities _ner_only found."""
    from spacy.tokens import Span

    for article, (length, ents) in zip(articles, found):
        doc = nlp.make_doc(ner_text(article.title, article.body)[:MAX_TEXT])
        if len(doc) != length:   # a different tokenizer here than in the worker: never silently
            raise RuntimeError(f"article {article.id!r}: {len(doc)} tokens here, {length} in the NER worker")
        doc.set_ents([Span(doc, start, end, label=label) for start, end, label in ents], default="outside")
        yield doc, article
