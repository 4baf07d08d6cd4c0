"""The learned part of the topic classifier: a linear model over the rule evidence and the article's words.

For an article the model reads two kinds of feature (`features`): per top-level topic, what the
rules found (its share of the evidence, log(1 + its score), whether it was founded, chosen, chosen
first), and every content stem outside names, weighted like the rules weight words (title words
count `title_weight`, repeats 1 + log) and scaled to unit length. A multinomial logistic regression
turns them into a probability per top; tools/train_topics.py fits it on the Wikinews topics dev
corpus and writes the weights file (`dump`), the runtime applies it with numpy (`predict`).
Every word feature belongs to a word of the article, so the words that raised a topic are its evidence.

Weights file (JSON, written only by `dump`, so the trainer's output and the shipped file are the
same bytes): {"format", "about", "stemmer", "tops": [qcode], "labels": [label], "scale",
"min_prob", "relative_prob", "bias": [int per top], "rule": {kind: [[int per top] per top]},
"words": {stem: [int per top]}}; a weight is the int / scale.
"""
import json
import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .stemming import ALGORITHM
from .topics_data import DATA, TopicsError, concept_key

__all__ = ["FORMAT", "KINDS", "SHIPPED_WEIGHTS", "Model", "dump", "features", "keep_rules", "rule_features",
           "word_features"]
FORMAT = 1
SHIPPED_WEIGHTS = DATA.parent / "topic-weights.json"   # indexer/extract/data/, beside iptc/
KINDS = ("share", "log", "founded", "chosen", "first")   # rule features, one of each per top


def _tf(count: float) -> float:
    return 1 + math.log(count) if count > 1 else count


def rule_features(reading, tops):
    """{(kind, i): value} for the rule evidence of each top `tops[i]` (zeros left out)."""
    out = {}
    first = reading.chosen[0] if reading.chosen else None
    for i, top in enumerate(tops):
        score = reading.scores.get(top, 0.0)
        if score > 0:
            out[("share", i)] = score / reading.total
            out[("log", i)] = math.log1p(score)
        if top in reading.founded:
            out[("founded", i)] = 1.0
        if top in reading.chosen:
            out[("chosen", i)] = 1.0
        if top == first:
            out[("first", i)] = 1.0
    return out


def word_features(reading, title_weight):
    """{stem: value}: each content stem's 1 + log(weighted count), the vector scaled to length 1."""
    raw = {s: _tf(w.body + title_weight * w.title) for s, w in reading.words.items()}
    norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
    return {s: v / norm for s, v in raw.items() if v > 0}


def features(reading, tops, title_weight):
    """All of an article's features: rule ones keyed (kind, i), word ones keyed by stem."""
    return {**rule_features(reading, tops), **word_features(reading, title_weight)}


@dataclass
class Model:
    """Weights as floats, per feature a list with one weight per top (`tops` are qcodes)."""
    tops: list[str]
    labels: list[str]
    bias: list[float]
    rule: dict[tuple[str, int], list[float]]
    words: dict[str, list[float]]
    min_prob: float
    relative_prob: float
    about: str = ""

    @classmethod
    def load(cls, path: Path = SHIPPED_WEIGHTS) -> "Model":
        """Read a weights file; raise TopicsError naming the file if it is not one."""
        try:
            d = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise TopicsError(f"{path}: cannot read topic weights: {err}") from err
        try:
            if d["format"] != FORMAT:
                raise TopicsError(f"{path}: topic weights format {d['format']!r}, this version reads {FORMAT}")
            if d["stemmer"] != ALGORITHM:
                raise TopicsError(f"{path}: weights were trained on {d['stemmer']!r} stems, the classifier "
                                  f"reads {ALGORITHM!r} stems: retrain (tools/train_topics.py)")
            n, scale = len(d["tops"]), d["scale"]
            vec = lambda v: [x / scale for x in v] if len(v) == n else None  # noqa: E731
            rule = {(kind, i): vec(v) for kind in KINDS for i, v in enumerate(d["rule"][kind])}
            words = {s: vec(v) for s, v in d["words"].items()}
            bias = vec(d["bias"])
            if None in rule.values() or None in words.values() or bias is None or len(d["labels"]) != n:
                raise TopicsError(f"{path}: every weight list must have one weight per top ({n})")
            return cls(list(d["tops"]), list(d["labels"]), bias, rule, words,
                       float(d["min_prob"]), float(d["relative_prob"]), d.get("about", ""))
        except (KeyError, TypeError, AttributeError) as err:
            raise TopicsError(f"{path}: not a topic weights file (missing or malformed {err})") from err

    def bind(self, tops: list[str]) -> "Model | None":
        """This model with its tops renamed to a taxonomy's qcodes, or None if the tops differ.

        The weights apply only to the top-level topics they were trained on: a taxonomy whose
        top level is another set (a user's own, an IPTC release that adds a top) gets none.
        """
        ours = {concept_key(q): q for q in tops}
        if sorted(ours) != sorted(concept_key(q) for q in self.tops):
            return None
        return replace(self, tops=[ours[concept_key(q)] for q in self.tops])

    def __post_init__(self):
        # the weights as matrices: one row per feature, one column per top
        self._row = {s: r for r, s in enumerate(self.words)}
        self._words = np.array(list(self.words.values()), dtype=float).reshape(len(self.words), len(self.tops))
        self._rule_row = {f: r for r, f in enumerate(self.rule)}
        self._rule = np.array(list(self.rule.values()), dtype=float).reshape(len(self.rule), len(self.tops))
        self._bias = np.array(self.bias, dtype=float)

    def predict(self, reading, title_weight):
        """(probability per top, per top the part of its logit its own rule features gave, the word
        features: [(stem, value, row)] of the words the model knows, and their logits per top)."""
        rf = rule_features(reading, self.tops)
        rrows = [self._rule_row[f] for f in rf]
        rvals = np.fromiter(rf.values(), float, len(rf))
        parts = self._rule[rrows] * rvals[:, None]                     # (rule features, tops)
        own = np.zeros(len(self.tops))
        for (_, i), row in zip(rf, parts):
            own[i] += row[i]
        known = [(s, v, self._row[s]) for s, v in word_features(reading, title_weight).items() if s in self._row]
        wvals = np.fromiter((v for _, v, _ in known), float, len(known))
        wlogits = self._words[[r for _, _, r in known]] * wvals[:, None]   # (known words, tops)
        logits = self._bias + parts.sum(axis=0) + wlogits.sum(axis=0)
        exp = np.exp(logits - logits.max())
        return (exp / exp.sum()).tolist(), own.tolist(), known, wlogits


def keep_rules(chosen, rules_chosen, keep, max_topics, keep_first=True):
    """The model's topic indexes `chosen` with the ones the rules' strong evidence keeps in.

    `rules_chosen` are the indexes of the rules' own topics, best first: their first one stays
    among the topics (if `keep_first`), and so does any of them in `keep` (the tops the training
    labels under-label, docs/TOPICS.md "Kept by the rules"); a kept top the model did not give
    takes the last place, the one in `keep` last of all. Both the classifier and the trainer's
    choice of thresholds apply it.
    """
    out = list(chosen)
    for k in (rules_chosen[:1] if keep_first else []) + [k for k in rules_chosen if k in keep]:
        if k not in out:
            out = out[:max_topics - 1] + [k]
    return out


def dump(tops, labels, bias, rule, words, min_prob, relative_prob, about, scale=1000) -> str:
    """The weights file's text: floats rounded to 1/scale, one word per line, words sorted.

    `rule` is {kind: [[weight per top] per top]}, `words` {stem: [weight per top]}; words whose
    weights all round to 0 are left out.
    """
    q = lambda v: [round(x * scale) for x in v]  # noqa: E731
    word_rows = {s: q(v) for s, v in sorted(words.items())}
    head = {"format": FORMAT, "about": about, "stemmer": ALGORITHM, "tops": list(tops), "labels": list(labels),
            "scale": scale, "min_prob": round(min_prob, 4), "relative_prob": round(relative_prob, 4),
            "bias": q(bias)}
    lines = [json.dumps(head, ensure_ascii=False)[:-1] + ","]
    lines.append('"rule": {' + ", ".join(f'"{kind}": {json.dumps([q(v) for v in rule[kind]])}'
                                         for kind in KINDS) + "},")
    lines.append('"words": {')
    rows = [f"{json.dumps(s)}: {json.dumps(v)}" for s, v in word_rows.items() if any(v)]
    lines.append(",\n".join(rows))
    lines.append("}}")
    return "\n".join(lines) + "\n"
