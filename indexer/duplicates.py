"""Near-duplicates: wire stories republished with small edits, grouped across the whole index.

Each article's body (its title when it has none) is cut into SHINGLE-word shingles (lower case,
words as \\w+); datasketch's MinHash of them goes into a MinHashLSH index that proposes pairs
likely above CANDIDATE, and each proposed pair is kept only when the exact Jaccard similarity of
the two shingle sets is at least THRESHOLD (so the LSH's false positives never join a group).
Pairs are joined transitively (union-find) into groups.

Why 5-word shingles and Jaccard >= 0.8: a one-word edit changes at most 5 of an article's
shingles, so a 200-word story with a new dateline, a corrected figure and an added sentence keeps
about 0.85 of its shingles, while two different stories on the same subject (same names, same
phrases) share well under 0.3 of theirs; shorter shingles (3 words) make common phrases
("said in a statement") count, longer ones let two edits push a true copy below the threshold.
Very short texts (fewer than MIN_WORDS words) are never grouped: two one-line briefs saying the
same thing are not a republication.

The group's id, stored on each member (Document.dup), is the id of its earliest member (by date,
undated last, then id): a later republication joins the group without renaming it. An article
without near-duplicates has dup "". The step runs after each indexing run that changed the index
(build.py) over every article, so incremental runs and --prune (a removed member, a group that
falls apart) keep the groups right; it rewrites only the articles whose group changed.
"""
import re
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime

from datasketch import MinHash, MinHashLSH

from .search.request import SearchRequest

SHINGLE = 5          # words per shingle
THRESHOLD = 0.8      # Jaccard similarity of the shingle sets two versions of one story need
NUM_PERM = 128       # MinHash permutations
CANDIDATE = 0.5      # the LSH's own threshold: well below THRESHOLD, so that a pair just above it is
                     # almost never missed (at 0.8 the LSH finds a pair of Jaccard 0.84 about 2 times in 3);
                     # the exact Jaccard then decides
MIN_WORDS = 20       # fewer words than this: never a near-duplicate
_WORD = re.compile(r"\w+")


def shingles(text):
    """Return the set of SHINGLE-word shingles of text (lower case); empty below MIN_WORDS words."""
    words = _WORD.findall((text or "").lower())
    if len(words) < MIN_WORDS:
        return set()
    return {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def text_of(doc):
    return doc.body if (doc.body or "").strip() else doc.title


def jaccard(a, b):
    return len(a & b) / len(a | b) if a and b else 0.0


def _hash32(shingle):
    """CRC-32 of a shingle: a C call, several times faster than datasketch's default SHA-1, and as
    good for MinHash over word shingles (signatures are compared within one run, never stored)."""
    return zlib.crc32(shingle.encode("utf-8"))


def _order(doc):
    return (doc.date is None, doc.date or datetime.min, doc.id)


class Grouping:
    """Near-duplicate groups of documents added one at a time: an indexing run adds each article
    as it writes it (build.py), so that the step at its end only adds what the run did not write.

    The groups do not depend on the order of adding: each pair the LSH proposes is checked once,
    when its later member comes, and a group is named by its earliest member (_order).
    """

    def __init__(self):
        self.lsh = MinHashLSH(threshold=CANDIDATE, num_perm=NUM_PERM, weights=(0.1, 0.9))
        made = MinHash(num_perm=NUM_PERM, seed=1)
        self._perms, self._scheme = made.permutations, made.scheme   # made once, shared by every MinHash
        self.sets, self.chash, self.order = {}, {}, {}
        self.dup = {}      # id -> the group the document was written with
        self.parent = {}
        self.stale = False   # an id added twice (its content changed within the run): start again

    def has(self, doc):
        """Return whether doc, with this content, was added."""
        return self.chash.get(doc.id, None) == doc.chash

    def covers(self, known):
        """Return whether this grouping holds every document of an index, {id: content hash}
        (Writer.known_hashes), with that content, and nothing else."""
        return not self.stale and len(known) == len(self.chash) and all(
            self.chash.get(doc_id, None) == chash for doc_id, chash in known.items())

    def add(self, doc):
        if doc.id in self.chash:
            self.stale = True
            return
        s = self.sets[doc.id] = shingles(text_of(doc))
        self.chash[doc.id], self.order[doc.id] = doc.chash, _order(doc)
        self.dup[doc.id] = doc.dup or ""
        if not s:
            return
        m = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=_hash32, permutations=self._perms,
                    scheme=self._scheme)
        m.update_batch(list(s))
        for other in self.lsh.query(m):
            if jaccard(s, self.sets[other]) >= THRESHOLD:
                a, b = self._find(doc.id), self._find(other)
                if a != b:
                    self.parent[a] = b
                    self.parent.setdefault(b, b)
        self.lsh.insert(doc.id, m)

    def _find(self, x):
        parent = self.parent
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    def groups(self):
        """Return {id: group id} of the documents that have near-duplicates (others absent)."""
        members = {}
        for doc_id in self.parent:
            members.setdefault(self._find(doc_id), []).append(doc_id)
        out = {}
        for ids in members.values():
            if len(ids) >= 2:
                first = min(ids, key=self.order.__getitem__)
                out.update({i: first for i in ids})
        return out


def groups(documents):
    """Return {id: group id} of the documents that have near-duplicates among them (others absent)."""
    grouping = Grouping()
    for doc in documents:
        grouping.add(doc)
    return grouping.groups()


@dataclass
class DedupeReport:
    articles: int = 0
    grouped: int = 0       # articles in a group of two or more
    groups: int = 0
    rewritten: int = 0     # articles whose stored group changed
    seconds: float = 0.0
    changed: list = field(default_factory=list)


def dedupe_index(engine, grouping=None):
    """Group the whole index's near-duplicates and store each article's group; return a DedupeReport.

    Reads every article through the contract (Reader.export), writes only those whose group
    changed (Writer.put, commit): no NER, the rest of each Document as stored. grouping: the
    Grouping of the articles this run wrote (build.py), each of them as the index now has it;
    the others are added to it here. When the run wrote every article the index holds, only
    those whose group changed are read.
    """
    started = time.monotonic()
    with engine.writer(fresh=False) as writer:   # first: no curation rewrite between the read and the put
        known = writer.known_hashes()
        if grouping is not None and grouping.covers(known):
            # The run wrote every article the index holds (a first build): its grouping is the
            # whole index's, and it knows the group each was written with. Only the articles whose
            # group changed are read (exporting all of Reuters was a third of the step).
            found = grouping.groups()
            with engine.reader(batch=True) as reader:
                changed = [reader.document(doc_id) for doc_id in known
                           if found.get(doc_id, "") != grouping.dup[doc_id]]
            articles = len(known)
        else:
            found, changed, articles = _regroup(engine, grouping)
        for doc in changed:
            doc.dup = found.get(doc.id, "")
        if changed:
            writer.put(changed)
            writer.commit()
    return DedupeReport(articles=articles, grouped=len(found), groups=len(set(found.values())),
                        rewritten=len(changed), seconds=time.monotonic() - started,
                        changed=[d.id for d in changed])


def _regroup(engine, grouping):
    """Return (groups, documents whose stored group differs, articles) over the whole index, read
    through the contract: grouping's articles are kept where the index has them as it has them."""
    with engine.reader(batch=True) as reader:
        docs = list(reader.export(SearchRequest(sort="oldest")))
    ids = {d.id for d in docs}
    if grouping is None or grouping.stale or any(i not in ids for i in grouping.chash) or any(
            d.id in grouping.chash and not grouping.has(d) for d in docs):
        grouping = Grouping()
    for doc in docs:
        if not grouping.has(doc):
            grouping.add(doc)
    found = grouping.groups()
    return found, [d for d in docs if (d.dup or "") != found.get(d.id, "")], len(docs)
