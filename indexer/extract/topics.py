"""IPTC Media Topics for an article: top-level topics (+ second level), each with its evidence.

The method (docs/TOPICS.md): every active concept's label, cue words and definition are evidence
for its top-level ancestor; an article's content words (Porter stems, title weighted up, names of
people and places left out) are matched against them, longest phrase first, and each top sums
the specificity of the terms it matched. Tops far behind the best one, or with too little
evidence, are dropped: no topic is better than a wrong one. A top needs two pieces of strong
evidence, one in the body; a common word that merely shares a stem or sits in a definition
corroborates a topic but never carries one. Where the taxonomy's tops are the IPTC ones, learned
weights (topics_model.py) then rank the tops from that evidence and the article's words, and the
words that raised a topic most are its evidence; the rules' first topic, and a war story's conflict
(which the training labels under-label), stay among the topics with their rule evidence.
"""
import hashlib
import math
from collections import defaultdict
from functools import lru_cache
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .topics_data import (MAX_PHRASE, SHIPPED, SHIPPED_CUES, Normaliser, TopicsError,
                          build_lexicon, read_concepts, read_cues, same_word)
from .tokens import tokens_of
from .topics_model import SHIPPED_WEIGHTS, Model, keep_rules

__all__ = ["Settings", "Topic", "TopicClassifier", "TopicsError"]
METHOD_VERSION = 4   # 4: the rules' first topic, and conflict when they choose it, stay among the learned topics
# 3: learned weights over the rule evidence and words; Snowball Porter stems
# 2: weak evidence founds no topic (corroboration), title capped by body
# Words inside these entities are names, not subject matter ("Price", "Bush"); ORG names count half.
SKIP_ENTS = frozenset({"PERSON", "GPE", "LOC", "NORP", "FAC", "DATE", "TIME", "CARDINAL", "ORDINAL",
                       "MONEY", "QUANTITY", "PERCENT"})

# An article's word against a label word: a pure function of the two, asked of the same few thousand
# pairs over and over.
_same_word = lru_cache(maxsize=1 << 16)(same_word)


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
    learned: bool = True             # apply the shipped learned weights where the taxonomy's tops are theirs
    min_words: int = 8               # ... to an article with this many content words in its body
    keep_first: bool = True          # the rules' first topic stays among the learned topics
    keep_chosen: tuple[str, ...] = ("conflict, war and peace",)   # ... and these tops whenever the rules choose them


@dataclass
class Match:
    """One lexicon term found in an article."""
    surface: str                    # its first occurrence, as written
    body: float = 0.0               # weighted count in the body ...
    title: float = 0.0              # ... and in the title (before `title_weight`)
    forms: dict[str, int] = field(default_factory=dict)   # lowercased words matched -> times in the body


@dataclass
class Word:
    """One content stem of an article (outside names): its first form and weighted counts."""
    surface: str
    body: float = 0.0
    title: float = 0.0


@dataclass
class Reading:
    """What the classifier read in one article: rule evidence per top qcode, and the article's words."""
    words: dict[str, Word] = field(default_factory=dict)
    strong: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    weak: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    pieces: dict[str, int] = field(default_factory=lambda: defaultdict(int))    # strong evidence: terms, a body repeat 2
    in_body: dict[str, bool] = field(default_factory=lambda: defaultdict(bool))  # some strong term is in the body
    contrib: dict[str, list] = field(default_factory=lambda: defaultdict(list))  # top -> [(amount, term, surface)]
    scores: dict[str, float] = field(default_factory=dict)
    total: float = 0.0
    founded: set = field(default_factory=set)
    chosen: list[str] = field(default_factory=list)    # the rules' topics, best first


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

    def __init__(self, concepts, path, settings, cue_path=None, model=None, weights_path=None):
        self.concepts = concepts
        self.path = Path(path)
        self.settings = settings
        self.cue_path = cue_path
        self.model = model                  # a Model bound to this taxonomy's tops, or None: rules only
        self.weights_path = weights_path if model is not None else None
        self.norm = Normaliser()
        self._fingerprint = None
        self.lexicon = build_lexicon(concepts, self.norm, settings.definition_weight,
                                     settings.definition_support, settings.size_power)
        self.max_len = max(len(t) for t in self.lexicon) if self.lexicon else 1
        # first stem of a term -> the longest term that starts with it; no term starts elsewhere: skip the word
        self._longest = {}
        for t in self.lexicon:
            self._longest[t[0]] = min(max(self._longest.get(t[0], 0), len(t)), self.max_len, MAX_PHRASE)
        tops = model.tops if model is not None else []
        self._top_ix = {q: k for k, q in enumerate(tops)}
        self._keep = frozenset(k for k, q in enumerate(tops) if concepts[q].label in settings.keep_chosen)

    @classmethod
    def load(cls, path=None, settings: Settings | None = None, weights=None) -> "TopicClassifier":
        """Load a cptall-format taxonomy (None = the shipped IPTC one); raise TopicsError if unusable.

        The shipped cues file is merged into any taxonomy whose concepts are IPTC medtop codes; the
        shipped learned weights apply to any taxonomy whose top level is the 17 IPTC tops they were
        trained on (with the cues; `settings.learned`), else the rules alone classify. `weights`
        names another weights file (tools/train_topics.py --out).
        """
        weights = Path(weights) if weights is not None else SHIPPED_WEIGHTS
        settings = settings or Settings()
        path = Path(path) if path is not None else SHIPPED
        concepts = read_concepts(path)
        cue_path = model = None
        if settings.use_cues and any(q.startswith("medtop:") for q in concepts):
            cue_path = SHIPPED_CUES
            read_cues(cue_path, concepts)
            if settings.learned:
                model = Model.load(weights).bind([q for q, c in concepts.items() if c.parent is None])
        return cls(concepts, path, settings, cue_path, model, weights)

    def fingerprint(self) -> str:
        """A short hash of the taxonomy, cues, settings and method: changes -> re-classify."""
        if self._fingerprint is None:
            h = hashlib.sha256(f"topics v{METHOD_VERSION} {sorted(asdict(self.settings).items())}".encode())
            for p in (self.path, self.cue_path, self.weights_path):
                if p is not None:
                    h.update(p.read_bytes())
            self._fingerprint = h.hexdigest()[:12]
        return self._fingerprint

    def terms(self, doc, title_len: int, words: dict | None = None) -> dict[tuple[str, ...], "Match"]:
        """Matched lexicon terms, longest phrase first, with their weighted counts in body and title.

        `words`, if given, receives every content stem outside names: stem -> Word.
        """
        s = self.settings
        tokens = tokens_of(doc)   # a Token is built anew on every doc[i]: read their attributes once
        weight = {}
        for ent in tokens.ents:
            w = s.org_weight if ent.label_ == "ORG" else 0.0 if ent.label_ in SKIP_ENTS else 1.0
            for i in range(ent.start, ent.end):
                weight[i] = w
        # content words only, each with its weight and place; a stop word does not break a phrase
        seq = []
        word = self.norm.word
        for i, (alpha, lower, at) in enumerate(zip(tokens.alpha, tokens.lowers, tokens.idx)):
            if alpha and (st := word(lower)):
                seq.append((st, w := weight.get(i, 1.0), i, at < title_len))
                if words is not None and w > 0:
                    c = words.get(st) or words.setdefault(st, Word(lower))
                    if at < title_len:
                        c.title += w
                    else:
                        c.body += w
        found: dict[tuple, Match] = {}
        longest, lexicon = self._longest, self.lexicon
        stems = [x[0] for x in seq]
        i = 0
        while i < len(seq):
            most = longest.get(stems[i])
            if most is None:
                i += 1
                continue
            for n in range(min(most, len(seq) - i), 0, -1):
                term = tuple(stems[i:i + n])
                # a phrase may have stop words inside ("act of terror"), but not a whole clause
                if term in lexicon and (n == 1 or seq[i + n - 1][2] - seq[i][2] < 2 * n):
                    span = seq[i:i + n]
                    w = min(x[1] for x in span)
                    if w > 0:
                        text = tokens.span_text(span[0][2], span[-1][2] + 1)
                        m = found.get(term)
                        if m is None:
                            found[term] = m = Match(text)
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

    def read(self, doc, title_len: int) -> "Reading":
        """Everything the classifier reads in an article: the rule evidence per top, and its words."""
        s = self.settings
        r = Reading()
        for term, m in self.terms(doc, title_len, r.words).items():
            tf = _tf(m.body + s.title_weight * m.title)
            for top, w in self.lexicon[term].weights.items():
                kind = self.lexicon[term].strong.get(top)
                own = m.forms if kind == "" else {} if kind is None else {
                    f: n for f, n in m.forms.items() if any(_same_word(f, src) for src in kind.split())}
                strong = bool(own)
                if kind is not None and not strong:
                    w *= s.definition_weight    # "box" for "boxing": a weak hint, like a definition word
                if strong:
                    n_body = sum(own.values())
                    # a phrase is two pieces; a word one, or two when the body repeats it
                    r.pieces[top] += s.min_terms if len(term) > 1 else min(2, max(1, n_body))
                    r.in_body[top] |= n_body > 0
                    r.strong[top] += tf * w
                else:
                    r.weak[top] += tf * w
                r.contrib[top].append((tf * w, term, m.surface))
        # weak evidence supports a top's strong evidence, at most doubling it; alone it is nothing
        r.scores = {t: r.strong[t] + min(r.weak[t], s.weak_cap * r.strong[t]) for t in r.contrib}
        r.total = sum(r.scores.values())
        founded = {t for t in r.scores if r.pieces[t] >= s.min_terms and r.in_body[t]}
        r.founded = founded
        ranked = sorted(((t, v) for t, v in r.scores.items() if t in founded), key=lambda kv: -kv[1])
        for top, score in ranked[:s.max_topics]:
            if score < s.min_evidence or score < s.min_share * r.total or score < s.relative * ranked[0][1]:
                break
            r.chosen.append(top)
        return r

    def classify(self, doc, title_len: int) -> list[Topic]:
        """Return 0..3 topics, best first; none when the evidence is weak.

        With learned weights (the shipped IPTC taxonomy, docs/TOPICS.md "Learned weights") an
        article of at least `min_words` content words is ranked by the linear model; otherwise
        by the rules: a top needs `min_terms` pieces of strong evidence, one of them in the body
        (different label or cue words in their own form, a word the body repeats, or one phrase);
        weak evidence (definition words, a word that only shares a label word's stem) adds to such
        a top, at most `weak_cap` times its strong evidence, but founds none.
        """
        r = self.read(doc, title_len)
        if self.model is not None and sum(1 for w in r.words.values() if w.body) >= self.settings.min_words:
            return self._learned(r)
        return [Topic(self.concepts[top].label, round(r.scores[top] / r.total, 3),
                      self._evidence(top, r.contrib[top]), self._children(top, r.contrib[top]))
                for top in r.chosen]

    def _learned(self, r) -> list[Topic]:
        """Topics by the linear model's probabilities; evidence = the words that raised each most.

        A top the rules keep in (`keep_first`, `keep_chosen`) and the model did not give is shown
        with its probability and the rule evidence that kept it.
        """
        s = self.settings
        model = self.model
        probs, own, known, wlogits = model.predict(r, s.title_weight)
        ranked = sorted(range(len(probs)), key=lambda k: (-probs[k], k))
        chosen = []
        later = max(model.min_prob, model.relative_prob * probs[ranked[0]])   # what a second or third needs
        for k in ranked[:s.max_topics]:
            if probs[k] < (later if chosen else model.min_prob):
                break
            chosen.append(k)
        ix = self._top_ix
        kept = keep_rules(chosen, [ix[q] for q in r.chosen], self._keep, s.max_topics, s.keep_first)
        kept = [k for k in kept if k in chosen] + sorted((k for k in kept if k not in chosen), key=lambda k: -probs[k])
        topics = []
        for k in kept:
            top = model.tops[k]
            evidence = (self._learned_evidence(top, r, own[k], known, wlogits[:, k]) if k in chosen
                        else self._evidence(top, r.contrib[top]))
            topics.append(Topic(self.concepts[top].label, round(probs[k], 3), evidence,
                                self._children(top, r.contrib[top])))
        return topics

    def _learned_evidence(self, top, r, rule_logit, known, word_logits) -> list[str]:
        """The article's words by what they added to topic k's logit, strongest first.

        A lexicon term gets its share of the top's own rule features' part of the logit (its share
        of the top's rule evidence) and is shown with its concept; any other word its learned weight.
        """
        amounts: dict[tuple, float] = defaultdict(float)
        shown: dict[tuple, str] = {}
        total = sum(c[0] for c in r.contrib.get(top, ())) or 1.0
        for amount, term, surface in r.contrib.get(top, ()):
            if rule_logit > 0:
                amounts[term] += rule_logit * amount / total
                shown[term] = self._shown(top, term, surface)
        for (stem, _, _), amount in zip(known, word_logits.tolist()):
            if amount > 0:
                amounts[(stem,)] += amount
                shown.setdefault((stem,), f"{r.words[stem].surface} ({self.concepts[top].label})")
        best = sorted((t for t in amounts if amounts[t] > 0), key=lambda t: (-amounts[t], t))
        return [shown[t] for t in best[:self.settings.max_evidence]]

    def _shown(self, top, term, surface) -> str:
        concept = self.concepts[self.lexicon[term].concept[top]]
        path = self.concepts[top].label + ("" if concept.qcode == top else f" › {concept.label}")
        return f"{' '.join(surface.lower().split())} ({path})"

    def _evidence(self, top, contributions) -> list[str]:
        """The strongest matched words, each with the concept it stands for."""
        return [self._shown(top, term, surface)
                for _, term, surface in sorted(contributions, key=lambda c: -c[0])[:self.settings.max_evidence]]

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
