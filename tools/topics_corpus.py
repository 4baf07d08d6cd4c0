"""The Wikinews topics dev corpus, read and NER-ed once: shared by tools/train_topics.py and bench/.

The spaCy Docs are cached in bench/out/ under a key of the model and every text, so a change of
either (or of how the text NER reads is made) runs NER again instead of reading stale Docs.
"""
import gzip
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))   # after any other checkout a bench put first (--code)

try:
    from indexer.extract.entities import ner_text  # noqa: E402
except ImportError:   # a checkout from before ner_text (bench --code): title, blank line, body
    def ner_text(title, body):
        return f"{title}\n\n{body}"

DEV = ROOT.parent / "shared" / "corpora" / "wikinews-topics" / "dev.jsonl.gz"
CACHE = ROOT / "bench" / "out"


def read_dev(path=DEV):
    """The dev articles as dicts, in file order (id, url, date, title, body, topics, ...)."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def text_of(record):
    """The text the indexer's NER reads for this record."""
    return ner_text(record.get("title") or "", record.get("body") or "")


def cached_docs(nlp, name, records, batch_size=32, n_process=1):
    """NER every record once; keep the Docs in bench/out/<name>-<key>.spacy."""
    from spacy.tokens import DocBin

    texts = [text_of(r) for r in records]
    h = hashlib.sha1(f"{nlp.meta.get('name')} {nlp.meta.get('version')} {nlp.pipe_names}".encode())
    for t in texts:
        h.update(t.encode("utf-8"))
        h.update(b"\0")
    path = CACHE / f"{name}-{h.hexdigest()[:10]}.spacy"
    if path.exists():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    CACHE.mkdir(parents=True, exist_ok=True)
    docs = list(nlp.pipe(texts, batch_size=batch_size, n_process=n_process))
    db = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE", "SPACY"], store_user_data=False)
    for d in docs:
        db.add(d)
    db.to_disk(path)
    return docs
