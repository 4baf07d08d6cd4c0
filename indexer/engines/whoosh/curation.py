"""The curation of a Whoosh index: index_dir/curation.json, beside the generations, and the articles a change touches.

The file belongs to the index folder, not to a generation: `--rebuild` replaces generations and
`gc` removes old ones, the curation stays. It is replaced atomically (temp file + rename) under
index_dir/.curation.lock, and only when the version it was read at is still the stored one.
"""
import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from whoosh import query as wq

from ...curation import Curation, CurationConflict
from ...extract.countries import fold
from .schema import from_fields

FILE = "curation.json"
LOCK = ".curation.lock"


def load(index_dir):
    """Return the stored curation of index_dir (empty when there is none)."""
    path = Path(index_dir) / FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Curation()
    return Curation.loads(text, str(path))


@contextmanager
def _locked(index_dir):
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(index_dir) / LOCK, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)   # held for a read and a small write: waiting is right
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def save(index_dir, curation, base_version):
    """Store curation if the stored one is still at base_version (and a prefix of it); else CurationConflict."""
    with _locked(index_dir):
        stored = load(index_dir)
        if stored.version != base_version or curation.changes[:base_version] != stored.changes:
            raise CurationConflict(f"the curation of {index_dir} changed meanwhile (now version "
                                   f"{stored.version}); read it again and redo the change")
        path = Path(index_dir) / FILE
        tmp = path.with_name(f"{FILE}.{os.getpid()}.tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(curation.dumps())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)


def documents_with_raw(ix, keys):
    """Return the Documents of ix whose raw extraction holds a value of `keys` ("facet:folded value").

    A curated document is found by its raw keys (the raw_keys field); any other by its stored
    values, which are its raw ones: every term of the facet's lexicon that folds to a key.
    """
    by_facet = {}
    for k in keys:
        facet, folded = k.split(":", 1)
        by_facet.setdefault(facet, set()).add(folded)
    terms = [wq.Term("raw_keys", k) for k in sorted(keys)]
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for facet, folded in by_facet.items():
            if facet in searcher.schema.names():
                terms += [wq.Term(facet, t) for t in (b.decode("utf-8") for b in reader.lexicon(facet))
                          if fold(t) in folded]
        if not terms:
            return []
        hits = searcher.search(wq.Or(terms), limit=None, scored=False, sortedby=None)
        return [from_fields(searcher.stored_fields(hit.docnum)) for hit in hits]
