"""IPTC Media Topics for an article: top-level topics (+ second level), each with its evidence.

The method (docs/TOPICS.md): every active concept's label, cue words and definition are evidence
for its top-level ancestor; an article's content words (Porter stems, title weighted up, names of
people and places left out) are matched against them, longest phrase first, and each top sums
the specificity of the terms it matched. Tops far behind the best one, or with too little
evidence, are dropped: no topic is better than a wrong one. A top needs two pieces of strong
evidence, one in the body; a common word that merely shares a stem or sits in a definition
corroborates a topic but never carries one.
"""
import hashlib
import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .topics_data import (MAX_PHRASE, SHIPPED, SHIPPED_CUES, Normaliser, TopicsError,
                                 build_lexicon, read_concepts, read_cues, same_word)

__all__ = ["Settings", "Topic", "TopicClassifier", "TopicsError"]
METHOD_VERSION = 2   # 2: weak evidence founds no topic (corroboration), title capped by body
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
    min_terms: int = 2               # different strong terms a top needs (or one strong phrase)
    weak_cap: float = 1.0            # weak evidence adds at most this multiple of a top's strong evidence
    min_evidence: float = 1.0        # below this a top is not reported (~ one specific label word)
    min_share: float = 0.15          # ... nor when it has less than this share of all evidence
    relative: float = 0.5            # later topics need this fraction of the best one's score
    max_topics: int = 3
    max_children: int = 2
    child_share: float = 0.25        # a second-level topic needs this share of its top's evidence
    max_evidence: int = 5


@dataclass
class Match:
    """One lexicon term found in an article."""
    surface: str                    # its first occurrence, as written
    body: float = 0.0               # weighted count in the body ...
    title: float = 0.0              # ... and in the title (before `title_weight`)
    forms: dict[str, int] = field(default_factory=dict)   # lowercased words matched -> times in the body


def _tf(count: float) -> float:
    """Repeats count 1 + log(count)."""
    return 1 + math.log(count) if count > 1 else count


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
        self._firsts = frozenset(t[0] for t in self.lexicon)   # no term starts elsewhere: skip the word

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

    def terms(self, doc, title_len: int) -> dict[tuple[str, ...], "Match"]:
        """Matched lexicon terms, longest phrase first, with their weighted counts in body and title."""
        s = self.settings
        weight = {}
        for ent in doc.ents:
            w = s.org_weight if ent.label_ == "ORG" else 0.0 if ent.label_ in SKIP_ENTS else 1.0
            for i in range(ent.start, ent.end):
                weight[i] = w
        # content words only, each with its weight and place; a stop word does not break a phrase
        seq = []
        word = self.norm.word
        for i, tok in enumerate(doc):   # i == tok.i, without building it again
            if tok.is_alpha and (st := word(tok.lower_)):
                seq.append((st, weight.get(i, 1.0), i, tok.idx < title_len))
        found: dict[tuple, Match] = {}
        firsts = self._firsts
        i = 0
        while i < len(seq):
            if seq[i][0] not in firsts:
                i += 1
                continue
            for n in range(min(self.max_len, MAX_PHRASE, len(seq) - i), 0, -1):
                span = seq[i:i + n]
                term = tuple(x[0] for x in span)
                # a phrase may have stop words inside ("act of terror"), but not a whole clause
                if term in self.lexicon and (n == 1 or span[-1][2] - span[0][2] < 2 * n):
                    w = min(x[1] for x in span)
                    if w > 0:
                        text = doc[span[0][2]:span[-1][2] + 1].text
                        m = found.setdefault(term, Match(text))
                        form = text.lower()
                        if span[0][3]:
                            m.title += w
                            m.forms.setdefault(form, 0)
                        else:
                            m.body += w
                            m.forms[form] = m.forms.get(form, 0) + 1
                    i += n
                    break
            else:
                i += 1
        return found

    def classify(self, doc, title_len: int) -> list[Topic]:
        """Return 0..3 topics, best first; none when the evidence is weak.

        A top needs `min_terms` pieces of strong evidence, one of them in the body: different label or
        cue words in their own form, a word the body repeats, or one phrase. Weak evidence (definition
        words, a word that only shares a label word's stem) adds to such a top, at most `weak_cap` times
        its strong evidence, but founds none.
        """
        s = self.settings
        strong_ev: dict[str, float] = defaultdict(float)
        weak_ev: dict[str, float] = defaultdict(float)
        pieces: dict[str, int] = defaultdict(int)     # top -> strong evidence: terms, a body repeat 2
        in_body: dict[str, bool] = defaultdict(bool)   # top -> some strong term is in the body
        contrib: dict[str, list] = defaultdict(list)   # top -> [(amount, term, surface)]
        for term, m in self.terms(doc, title_len).items():
            tf = _tf(m.body + s.title_weight * m.title)
            for top, w in self.lexicon[term].weights.items():
                kind = self.lexicon[term].strong.get(top)
                own = m.forms if kind == "" else {} if kind is None else {
                    f: n for f, n in m.forms.items() if any(same_word(f, src) for src in kind.split())}
                strong = bool(own)
                if kind is not None and not strong:
                    w *= s.definition_weight    # "box" for "boxing": a weak hint, like a definition word
                if strong:
                    n_body = sum(own.values())
                    # a phrase is two pieces; a word one, or two when the body repeats it
                    pieces[top] += s.min_terms if len(term) > 1 else min(2, max(1, n_body))
                    in_body[top] |= n_body > 0
                    strong_ev[top] += tf * w
                else:
                    weak_ev[top] += tf * w
                contrib[top].append((tf * w, term, m.surface))
        # weak evidence supports a top's strong evidence, at most doubling it; alone it is nothing
        scores = {t: strong_ev[t] + min(weak_ev[t], s.weak_cap * strong_ev[t]) for t in contrib}
        total = sum(scores.values())
        founded = {t for t in scores if pieces[t] >= s.min_terms and in_body[t]}
        ranked = sorted(((t, v) for t, v in scores.items() if t in founded), key=lambda kv: -kv[1])
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
