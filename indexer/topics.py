"""IPTC Media Topics for an article: top-level topics (+ second level), each with its evidence.

The method (docs/TOPICS.md): every active concept's label, cue words and definition are evidence
for its top-level ancestor; an article's content words (Porter stems, title weighted up, names of
people and places left out) are matched against them, longest phrase first, and each top sums
the specificity of the terms it matched. Tops far behind the best one, or with too little
evidence, are dropped: no topic is better than a wrong one.
"""
import hashlib
import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from indexer.topics_data import (MAX_PHRASE, SHIPPED, SHIPPED_CUES, Normaliser, TopicsError,
                                 build_lexicon, read_concepts, read_cues)

__all__ = ["Settings", "Topic", "TopicClassifier", "TopicsError"]
METHOD_VERSION = 1
# Words inside these entities are names, not subject matter ("Price", "Bush"); ORG names count half.
SKIP_ENTS = frozenset({"PERSON", "GPE", "LOC", "NORP", "FAC", "DATE", "TIME", "CARDINAL", "ORDINAL",
                       "MONEY", "QUANTITY", "PERCENT"})


@dataclass(frozen=True)
class Settings:
    """Everything that changes the output besides the taxonomy; part of the fingerprint."""
    use_cues: bool = True            # merge the shipped cues file into a medtop taxonomy
    definition_weight: float = 0.25  # a definition word counts this much of a label word
    definition_support: int = 2      # ... and only if this many concepts of one top use it
    size_power: float = 0.5          # a top's share of a term is divided by (its concepts)^this
    title_weight: float = 3.0        # a title word counts this many body words
    org_weight: float = 0.5          # words inside ORG names ("Supreme Court") count half
    min_evidence: float = 1.0        # below this a top is not reported (~ one specific label word)
    min_share: float = 0.15          # ... nor when it has less than this share of all evidence
    relative: float = 0.5            # later topics need this fraction of the best one's score
    max_topics: int = 3
    max_children: int = 2
    child_share: float = 0.25        # a second-level topic needs this share of its top's evidence
    max_evidence: int = 5


@dataclass
class Topic:
    label: str                      # top-level label, e.g. "politics and government"
    score: float
    evidence: list[str]
    children: list[tuple[str, float]] = field(default_factory=list)


class TopicClassifier:
    """Classify spaCy Docs into the top-level topics of a taxonomy."""

    def __init__(self, concepts, path, settings, cue_path=None):
        self.concepts = concepts
        self.path = Path(path)
        self.settings = settings
        self.cue_path = cue_path
        self.norm = Normaliser()
        self._fingerprint = None
        self.lexicon = build_lexicon(concepts, self.norm, settings.definition_weight,
                                     settings.definition_support, settings.size_power)
        self.max_len = max(len(t) for t in self.lexicon) if self.lexicon else 1

    @classmethod
    def load(cls, path=None, settings: Settings | None = None) -> "TopicClassifier":
        """Load a cptall-format taxonomy (None = the shipped IPTC one); raise TopicsError if unusable.

        The shipped cues file is merged into any taxonomy whose concepts are IPTC medtop codes.
        """
        settings = settings or Settings()
        path = Path(path) if path is not None else SHIPPED
        concepts = read_concepts(path)
        cue_path = None
        if settings.use_cues and any(q.startswith("medtop:") for q in concepts):
            cue_path = SHIPPED_CUES
            read_cues(cue_path, concepts)
        return cls(concepts, path, settings, cue_path)

    def fingerprint(self) -> str:
        """A short hash of the taxonomy, cues, settings and method: changes -> re-classify."""
        if self._fingerprint is None:
            h = hashlib.sha256(f"topics v{METHOD_VERSION} {sorted(asdict(self.settings).items())}".encode())
            for p in (self.path, self.cue_path):
                if p is not None:
                    h.update(p.read_bytes())
            self._fingerprint = h.hexdigest()[:12]
        return self._fingerprint

    def terms(self, doc, title_len: int) -> dict[tuple[str, ...], tuple[float, str]]:
        """Matched lexicon terms -> (weighted count, first surface form), longest phrase first."""
        s = self.settings
        weight = {}
        for ent in doc.ents:
            w = s.org_weight if ent.label_ == "ORG" else 0.0 if ent.label_ in SKIP_ENTS else 1.0
            for i in range(ent.start, ent.end):
                weight[i] = w
        # content words only, each with its weight and surface; a stop word does not break a phrase
        seq = []
        for tok in doc:
            if tok.is_alpha and (st := self.norm.word(tok.lower_)):
                w = weight.get(tok.i, 1.0) * (s.title_weight if tok.idx < title_len else 1.0)
                seq.append((st, w, tok.i))
        found: dict[tuple, list] = {}
        i = 0
        while i < len(seq):
            for n in range(min(self.max_len, MAX_PHRASE, len(seq) - i), 0, -1):
                span = seq[i:i + n]
                term = tuple(x[0] for x in span)
                # a phrase may have stop words inside ("act of terror"), but not a whole clause
                if term in self.lexicon and (n == 1 or span[-1][2] - span[0][2] < 2 * n):
                    w = min(x[1] for x in span)
                    if w > 0:
                        entry = found.setdefault(term, [0.0, doc[span[0][2]:span[-1][2] + 1].text])
                        entry[0] += w
                    i += n
                    break
            else:
                i += 1
        return {t: (c, surface) for t, (c, surface) in found.items()}

    def classify(self, doc, title_len: int) -> list[Topic]:
        """Return 0..3 topics, best first; none when the evidence is weak."""
        s = self.settings
        scores: dict[str, float] = defaultdict(float)
        contrib: dict[str, list] = defaultdict(list)   # top -> [(amount, term, surface)]
        for term, (count, surface) in self.terms(doc, title_len).items():
            tf = 1 + math.log(count) if count > 1 else count
            for top, w in self.lexicon[term].weights.items():
                scores[top] += tf * w
                contrib[top].append((tf * w, term, surface))
        total = sum(scores.values())
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        topics = []
        for top, score in ranked[:s.max_topics]:
            if score < s.min_evidence or score < s.min_share * total or score < s.relative * ranked[0][1]:
                break
            topics.append(Topic(self.concepts[top].label, round(score / total, 3),
                                self._evidence(top, contrib[top]), self._children(top, contrib[top])))
        return topics

    def _evidence(self, top, contributions) -> list[str]:
        """The strongest matched words, each with the concept it stands for."""
        out = []
        for _, term, surface in sorted(contributions, key=lambda c: -c[0])[:self.settings.max_evidence]:
            concept = self.concepts[self.lexicon[term].concept[top]]
            path = self.concepts[top].label + ("" if concept.qcode == top else f" › {concept.label}")
            out.append(f"{' '.join(surface.lower().split())} ({path})")
        return out

    def _children(self, top, contributions) -> list[tuple[str, float]]:
        """Second-level concepts under `top`, by their share of its evidence."""
        total = sum(c[0] for c in contributions) or 1.0
        seconds: dict[str, float] = defaultdict(float)
        for amount, term, _ in contributions:
            for q, share in self.lexicon[term].seconds.get(top, {}).items():
                seconds[q] += amount * share
        best = sorted(seconds.items(), key=lambda kv: -kv[1])[:self.settings.max_children]
        return [(self.concepts[q].label, round(v / total, 3)) for q, v in best
                if v >= self.settings.child_share * total]
