"""Curation: the user's corrections of facet values, kept with the index as an ordered log of changes.

    merge       person "Zelenskyy" counts as "Volodymyr Zelensky" (within one facet)
    hide        org "Reuters Staff" is never shown
    move        person "Reuters" is an org (person <-> org)
    not-entity  "Tuesday" is no entity at all (dropped from person, country and org)
    undo        change n no longer applies (an undone undo applies its change again)

Each change records when, what and by which token name. Applying the curation to an article's
raw extraction (the facet values, topics and mentions as extraction made them) gives what the
index stores and shows; the raw extraction is kept beside them (Document.raw, only the fields the
curation changed) so that a change rewrites stored values without a new NER pass. Values match
whole, ignoring case and accents, as in the aliases file (docs/ALIASES.md); the latest change of a
value wins; merges and moves chain; a cycle is refused.

The log converts to and from the aliases TOML (curation_toml.py); engines store it (contract:
SearchEngine.curation / save_curation), indexer/curate.py applies a change to a live index.
"""
import json
import time
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property

from .errors import FacetwireError
from .extract.countries import fold
from .facets import ALIASABLE, SUBTOPIC_JOIN, clean_values

CURATED = ALIASABLE                  # facets a change may name: person, country, topic, org
ENTITIES = ("person", "country", "org")   # what "not an entity" removes a value from
MOVABLE = ("person", "org")          # a value may move between these
OPS = ("merge", "hide", "move", "not-entity", "undo")
# The Document fields a curation rewrites, from the raw extraction.
RAW_FIELDS = ("person", "country", "org", "topic", "subtopic", "topics", "mentions")
FORMAT = "facetwire-curation/1"
MAX_VALUE = 300                      # characters of a value a change may name
MAX_CHAIN = 64                       # merges and moves followed for one value


class CurationError(FacetwireError, ValueError):
    """A change cannot be made (the message says why); nothing was changed."""


class NoChange(CurationError):
    """The change is already in effect."""


class CurationConflict(CurationError):
    """The stored curation changed since it was read: read it again and redo the change."""


@dataclass(frozen=True)
class Change:
    n: int                 # 1-based position in the log: what an undo names
    op: str
    facet: str = ""        # merge, hide, move; "" for not-entity and undo
    value: str = ""        # the value changed ("" for undo)
    target: str = ""       # merge: the value it counts as; move: the facet it moves to
    undoes: int = 0        # undo: the change it cancels
    at: str = ""           # UTC, ISO 8601
    by: str = ""           # the token name (or CLI user) that made it

    def describe(self):
        """Return one line saying what the change does."""
        if self.op == "merge":
            return f"merge {self.facet} {self.value!r} into {self.target!r}"
        if self.op == "hide":
            return f"hide {self.facet} {self.value!r}"
        if self.op == "move":
            return f"move {self.value!r} from {self.facet} to {self.target}"
        if self.op == "not-entity":
            return f"{self.value!r} is not an entity"
        return f"undo change {self.undoes}"

    def to_json(self):
        return {k: v for k, v in asdict(self).items() if v not in ("", 0) or k in ("n", "op")}

    @classmethod
    def from_json(cls, data):
        try:
            return cls(**{k: data[k] for k in ("n", "op", "facet", "value", "target", "undoes", "at", "by")
                          if k in data})
        except TypeError as err:
            raise CurationError(f"a stored curation change is not readable: {data!r:.200}") from err


def now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass(frozen=True)
class Curation:
    """The log of changes, oldest first; immutable (add and undo return a new one)."""

    changes: tuple = ()

    @property
    def version(self):
        return len(self.changes)

    def __bool__(self):
        return bool(self.changes)

    # --- reading the log ------------------------------------------------------------------

    @cached_property
    def undone(self):
        """Return {n} of the changes an effective undo cancels (an undo itself may be undone)."""
        cancelled = set()
        for change in reversed(self.changes):
            if change.op == "undo" and change.n not in cancelled:
                cancelled.add(change.undoes)
        return cancelled

    def active(self):
        """Return the changes in effect, oldest first (undos and what they cancel left out)."""
        return [c for c in self.changes if c.op != "undo" and c.n not in self.undone]

    @cached_property
    def _rules(self):
        # (facet, folded value) -> change; ("*", folded value) -> not-entity. The latest wins.
        rules = {}
        for c in self.active():
            rules[("*" if c.op == "not-entity" else c.facet, fold(c.value))] = c
        return rules

    def rule(self, facet, value):
        """Return the change in effect for a value of a facet ("*": its not-entity mark), or None."""
        return self._rules.get((facet, fold(value)))

    def trace(self, facet, value):
        """Return ((facet, value) or None when dropped, (n of every change followed))."""
        rules, path, seen = self._rules, [], set()
        while True:
            key = fold(value)
            rule = rules.get((facet, key))
            wildcard = rules.get(("*", key)) if facet in ENTITIES else None
            if wildcard and (rule is None or wildcard.n > rule.n):
                rule = wildcard
            if rule is None:
                return (facet, value), tuple(path)
            path.append(rule.n)
            if rule.op in ("hide", "not-entity"):
                return None, tuple(path)
            if (facet, key) in seen or len(path) > MAX_CHAIN:
                raise CurationError(f"the curation makes a cycle through {facet} {value!r} "
                                    f"(changes {', '.join(map(str, path))})")
            seen.add((facet, key))
            if rule.op == "merge":
                if fold(rule.target) == key:
                    return (facet, rule.target), tuple(path)   # a respelling: nothing to follow
                value = rule.target
            else:  # move
                facet = rule.target

    def resolve(self, facet, value):
        """Return the (facet, value) a raw value counts as, or None when it is dropped."""
        return self.trace(facet, value)[0]

    def keys(self):
        """Return every raw key ("facet:folded value") any change of the log ever named."""
        out = set()
        for c in self.changes:
            if c.op == "not-entity":
                out |= {key(f, c.value) for f in ENTITIES}
            elif c.op != "undo":
                out.add(key(c.facet, c.value))
                if c.op == "merge":
                    out.add(key(c.facet, c.target))
        return out

    def changed_keys(self, other):
        """Return the raw keys whose values count differently under `other` than under self."""
        out = set()
        for k in self.keys() | other.keys():
            facet, folded = k.split(":", 1)
            if self.trace(facet, folded)[1] != other.trace(facet, folded)[1]:
                out.add(k)
        return out

    # --- changing the log -----------------------------------------------------------------

    def add(self, op, facet="", value="", target="", by="", at=None):
        """Return the curation with one more change; raise CurationError if it cannot be made."""
        value, target = " ".join(str(value).split()), " ".join(str(target).split())
        if op == "undo":
            raise CurationError("use undo(n) to undo a change")
        if op not in OPS:
            raise CurationError(f"unknown change {op!r}; expected one of {', '.join(OPS)}")
        if not value or len(value) > MAX_VALUE:
            raise CurationError(f"a {op} needs a value of 1 to {MAX_VALUE} characters")
        if op == "not-entity":
            facet = ""
        elif facet not in CURATED:
            raise CurationError(f"unknown facet {facet!r} for {op}; expected one of {', '.join(CURATED)}")
        if op == "merge":
            if not target or len(target) > MAX_VALUE:
                raise CurationError(f"merge {facet} {value!r} into what? (a value of 1 to {MAX_VALUE} characters)")
            if target == value:
                raise CurationError(f"cannot merge {facet} {value!r} into itself")
        elif op == "move":
            if facet not in MOVABLE or target not in MOVABLE or target == facet:
                raise CurationError(f"a value moves between {' and '.join(MOVABLE)} only "
                                    f"(asked: {facet} to {target or '?'})")
        else:
            target = ""
        if op in ("move", "not-entity") and facet == "topic":
            raise CurationError("topics can be merged or hidden, not moved or marked 'not an entity'")
        before = self._effect_of(op, facet, value)
        change = Change(n=self.version + 1, op=op, facet=facet, value=value, target=target,
                        at=at or now_iso(), by=by)
        new = Curation(self.changes + (change,))
        new._check()
        if new._effect_of(op, facet, value) == before:
            raise NoChange(f"nothing to change: {change.describe()} is already in effect")
        return new

    def undo(self, n, by="", at=None):
        """Return the curation with change n undone (undoing an undo applies its change again)."""
        if not isinstance(n, int) or not 1 <= n <= self.version:
            raise CurationError(f"no change {n} to undo (the curation has {self.version})")
        if n in self.undone:
            raise CurationError(f"change {n} is already undone")
        new = Curation(self.changes + (Change(n=self.version + 1, op="undo", undoes=n, at=at or now_iso(),
                                              by=by),))
        new._check()
        return new

    def _effect_of(self, op, facet, value):
        facets = ENTITIES if op == "not-entity" else (facet,)
        return tuple(self.resolve(f, value) for f in facets)

    def _check(self):
        """Raise CurationError when some value's merges and moves go round in a cycle."""
        for c in self.active():
            for f in (ENTITIES if c.op == "not-entity" else (c.facet,)):
                self.trace(f, c.value)

    # --- applying it ----------------------------------------------------------------------

    def apply_raw(self, raw):
        """Return the stored fields (RAW_FIELDS) of an article's raw extraction under this curation."""
        if not self.changes:
            return {name: raw[name] for name in RAW_FIELDS}
        own, moved = {name: [] for name in ENTITIES}, {name: [] for name in ENTITIES}
        for name in ENTITIES:
            for value in raw[name]:
                found = self.resolve(name, value)
                if found is not None:
                    (own if found[0] == name else moved)[found[0]].append(found[1])
        out = {name: clean_values(own[name] + moved[name]) for name in ENTITIES}   # its own values first
        label = {t: self._topic(t) for t in raw["topic"]}
        out["topic"] = clean_values(v for v in label.values() if v is not None)
        subtopic = []
        for s in raw["subtopic"]:
            top, sep, child = s.partition(SUBTOPIC_JOIN)
            new = self._topic(top) if sep else None
            if new is not None:
                subtopic.append(f"{new}{SUBTOPIC_JOIN}{child}")
        out["subtopic"] = clean_values(subtopic)
        topics, seen = [], set()
        for t in raw["topics"]:   # best first: a merged topic keeps the better one's evidence
            new = self._topic(t.get("label", "")) if isinstance(t, dict) else None
            if new is not None and new not in seen:
                seen.add(new)
                topics.append(t if new == t.get("label") else {**t, "label": new})
        out["topics"] = topics
        mentions = []
        for m in raw["mentions"]:
            if isinstance(m, list) and len(m) >= 5 and m[3] in CURATED:
                found = self.resolve(m[3], m[4])
                if found is None:
                    continue
                m = [*m[:3], found[0], found[1], *m[5:]]
            mentions.append(m)
        out["mentions"] = mentions
        return out

    def _topic(self, label):
        found = self.resolve("topic", label)
        return found[1] if found else None

    def curate(self, doc):
        """Return the Document with this curation applied to its raw extraction (doc.raw + its fields)."""
        raw = raw_extraction(doc)
        stored = self.apply_raw(raw)
        return replace(doc, **stored, raw={k: raw[k] for k in RAW_FIELDS if raw[k] != stored[k]})

    # --- storage --------------------------------------------------------------------------

    def to_json(self):
        return {"format": FORMAT, "version": self.version, "changes": [c.to_json() for c in self.changes]}

    @classmethod
    def from_json(cls, data, where="the stored curation"):
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("changes"), list):
            raise CurationError(f"{where} is not a Facetwire curation ({FORMAT})")
        return cls.from_changes([Change.from_json(c) for c in data["changes"]], where)

    @classmethod
    def from_changes(cls, changes, where="the stored curation"):
        changes = tuple(sorted(changes, key=lambda c: c.n))
        if [c.n for c in changes] != list(range(1, len(changes) + 1)):
            raise CurationError(f"{where} has gaps or repeats in its change numbers")
        return cls(changes)

    def dumps(self):
        return json.dumps(self.to_json(), ensure_ascii=False, indent=1)

    @classmethod
    def loads(cls, text, where="the stored curation"):
        try:
            data = json.loads(text)
        except ValueError as err:
            raise CurationError(f"{where} is not valid JSON: {err}") from err
        return cls.from_json(data, where)


def key(facet, value):
    """Return the raw key of a value: what documents are found by when a change names it."""
    return f"{facet}:{fold(value)}"


def raw_extraction(doc):
    """Return the raw extraction of a Document: its stored fields, where the curation kept none."""
    raw = getattr(doc, "raw", None) or {}
    return {name: raw.get(name, getattr(doc, name)) for name in RAW_FIELDS}


def raw_document(doc):
    """Return the Document as extraction made it (no curation): to reuse its extraction."""
    return replace(doc, **raw_extraction(doc), raw={})


def raw_keys(doc):
    """Return the raw keys of a curated Document (empty when the curation changed nothing of it).

    Engines index them: a document whose stored values differ from its raw ones is found by its
    raw values through them; the others by their stored values.
    """
    if not getattr(doc, "raw", None):
        return []
    raw = raw_extraction(doc)
    out = [key(name, v) for name in CURATED for v in raw[name]]
    out += [key("topic", s.split(SUBTOPIC_JOIN, 1)[0]) for s in raw["subtopic"]]
    return clean_values(out)


@dataclass
class Rewrite:
    """What applying a change did to an index."""

    change: Change | None = None
    curation: Curation = field(default_factory=Curation)
    rewritten: int = 0     # articles whose stored values changed
    pending: str = ""      # why the live index was not rewritten yet ("" when it was)
