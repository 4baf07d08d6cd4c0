"""Making a curation change take effect: store it, then rewrite the stored values of the articles it touches.

Talks to the engine through the contract only (SearchEngine.curation / save_curation,
Writer.documents_with_raw / put / commit). No NER: each article's raw extraction is stored with it.

    result = change(engine, "merge", "person", "Zelenskyy", "Volodymyr Zelensky", by="desk")
    result.rewritten      # articles whose stored values changed
    result.pending        # "" or why the live index is not rewritten yet (an indexing run holds it)

Builds apply the curation to every article they write (BuildCuration) and, when it changed during
the run, rewrite what they wrote before the change.
"""
import time

from .curation import Curation, CurationConflict, Rewrite, raw_document
from .errors import IndexBusy, IndexMissing

ATTEMPTS = 5          # a change is redone on a newer curation when another writer came first
BUSY_WAIT = 5.0       # seconds to wait for another short writer (another curation change) to finish


def change(engine, op, facet="", value="", target="", by="", undo=0):
    """Add one change (or undo change `undo`) to the engine's curation and apply it; return a Rewrite."""
    if op == "undo":
        return _store(engine, lambda old: old.undo(undo, by=by), "change")
    return _store(engine, lambda old: old.add(op, facet, value, target, by=by), "change")


def replace_all(engine, new_changes, by=""):
    """Store a curation made from the current one by a function (an import); return a Rewrite."""
    return _store(engine, new_changes, "import")


def _store(engine, make, what):
    """Save make(current curation), redone on a newer one when another writer came first; apply it."""
    for _attempt in range(ATTEMPTS):
        old = engine.curation()
        new = make(old)
        if new.version == old.version:   # nothing to add (an import of what is in effect)
            return Rewrite(curation=old)
        try:
            engine.save_curation(new, old.version)
            break
        except CurationConflict:
            continue
    else:
        raise CurationConflict(f"the curation kept changing under this {what}; try again")
    result = Rewrite(change=new.changes[-1], curation=new)
    apply(engine, old, new, result)
    return result


def apply(engine, old, new, result):
    """Rewrite the live index from curation old to new, waiting briefly for a short writer."""
    if not engine.exists():
        result.pending = "there is no index yet: the curation applies to the first build"
        return
    deadline = time.monotonic() + BUSY_WAIT
    while True:
        try:
            with engine.writer(fresh=False) as writer:
                result.rewritten = recurate(writer, old, new)
            return
        except IndexMissing as err:   # outdated (to rebuild) or unavailable: saved, applied by the next build
            result.pending = f"the change is saved; the index cannot be rewritten now ({err})"
            return
        except IndexBusy:
            if time.monotonic() >= deadline:
                result.pending = ("an indexing run is writing the index: the change is saved and "
                                  "takes effect when that run finishes")
                return
            time.sleep(0.2)


def recurate(writer, old, new, keys=None):
    """Rewrite the documents whose values differ between curations old and new; return how many."""
    keys = old.changed_keys(new) if keys is None else keys
    if not keys:
        return 0
    changed = []
    for doc in writer.documents_with_raw(keys):
        curated = new.curate(doc)
        if curated != doc:
            changed.append(curated)
    if changed:
        writer.put(changed)
        writer.commit()
    return len(changed)


class BuildCuration:
    """The curation an indexing run applies: read again at each commit; changes made during the run
    are applied to what it wrote before them when it finishes."""

    def __init__(self, engine):
        self.engine = engine
        self.first = self.current = engine.curation()

    def refresh(self):
        """Read the stored curation again (a build does at each commit)."""
        self.current = self.engine.curation()

    def apply(self, documents):
        """Return the documents (as extraction made them) with the curation last read applied."""
        if not self.current:
            return list(documents)
        return [self.current.curate(doc) for doc in documents]

    def finish(self, writer, resumed=False):
        """Bring what this run wrote up to the stored curation; return how many documents changed.

        A resumed build holds documents of an earlier run, curated by whatever was stored then:
        every value the log ever named is looked at again.
        """
        latest = self.engine.curation()
        if resumed and latest:
            return recurate(writer, Curation(), latest, keys=latest.keys())
        if latest.version != self.first.version:   # the log's keys: every version's changes are in it
            return recurate(writer, self.first, latest, keys=latest.keys())
        return 0


def reusable(doc):
    """Return a stored document as extraction made it, to copy its extraction to identical content."""
    return raw_document(doc)
