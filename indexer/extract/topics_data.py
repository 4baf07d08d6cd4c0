"""Reading a topics taxonomy (IPTC cptall JSON) and the cue-word file, and turning them into a lexicon.

A lexicon maps a normalised term (a tuple of 1-3 word stems) to the top-level topics it is evidence
for, each with a weight and the concepts that carry it. Terms come from each active concept's
label (weight 1), extra cue words (SKOS hiddenLabel/altLabel or the shipped cues file, weight 1)
and definition (weight `definition_weight`), so everything here is data, nothing is fitted.
"""
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS

from ..errors import FacetwireError
from .stemming import stem

DATA = Path(__file__).resolve().parent / "data" / "iptc"
SHIPPED = DATA / "mediatopics-en-GB.json"
SHIPPED_CUES = DATA / "cues-en.json"
LANGS = ("en-GB", "en-US", "en")
MAX_PHRASE = 3
# Words that label or define many concepts yet say nothing about a topic ("other", "related"...).
EXTRA_STOP = frozenset("""other related general including includes include e.g. etc. type types form forms
    kind kinds activity activities matter matters issue issues aspect aspects specific also various
    use used using relating concerning regarding""".split())
STOP = frozenset(STOP_WORDS) | EXTRA_STOP
WORD = re.compile(r"[a-z]+")


class TopicsError(FacetwireError, ValueError):
    """A topics or cues file cannot be used; the message names the file and the reason."""


@dataclass
class Concept:
    qcode: str
    label: str
    definition: str
    parent: str | None          # qcode of the broader concept, None at the top level
    cues: list[str] = field(default_factory=list)
    top: str = ""               # qcode of its top-level ancestor
    second: str | None = None   # qcode of its second-level ancestor (None for a top concept)


@dataclass
class Entry:
    """What one term is evidence of: per top qcode, a weight and the concept that carries it best."""
    weights: dict[str, float]
    concept: dict[str, str]                     # top -> qcode of the strongest concept
    seconds: dict[str, dict[str, float]]        # top -> {second-level qcode: share of the weight}
    # top -> how the term may found that top: None = weak only (definition words, a label's
    # parenthetical qualifier, what is left of "start-up"); "" = strong in any form (phrases);
    # else the label or cue words it came from, space-separated: strong only in one of their forms
    strong: dict[str, str | None] = field(default_factory=dict)


# A label or cue word names its subject ("boxing", "casting", "imports", "elect"); an article's word is that
# subject in the same word with an inflectional or a few naming endings ("strikes", "elected", "election",
# "environmental"), not in a shorter word or another derivation that merely shares the Porter stem
# ("box", "cast", "important", "finally").
ENDINGS = frozenset("""s es ed d ing ings er ers or ors al ic ical ist ists ism ion ions ation ations
    ment ments""".split()) | {""}


def same_word(word: str, form: str) -> bool:
    """True if the article's `word` is `form` or `form` with an ending in ENDINGS (both lowercased)."""
    bases = {form} | {form[:-len(e)] for e in ("es", "s", "ed", "d", "e")
                      if form.endswith(e) and len(form) - len(e) >= 3}
    for b in bases:
        for stem_ in (b, b[:-1] + "i" if b.endswith("y") else b):
            if word.startswith(stem_):
                rest = word[len(stem_):]
                # "stab" -> "stabbed": a doubled final consonant before the ending
                if rest in ENDINGS or (rest[:1] == stem_[-1:] and rest[1:] in ENDINGS and rest[1:]):
                    return True
    return False


class Normaliser:
    """Lowercase, drop stop words, Porter-stem; memoised because news reuses few thousand words."""

    def __init__(self):
        self._cache: dict[str, str | None] = {}

    def word(self, lower: str) -> str | None:
        """Return the stem of a lowercased word, or None for stop words and non-words."""
        try:
            return self._cache[lower]
        except KeyError:
            s = None if lower in STOP or len(lower) < 2 or not lower.isalpha() else stem(lower)
            self._cache[lower] = s
            return s

    def phrase(self, text: str) -> tuple[str, ...]:
        """Return the content stems of a short text, in order."""
        return tuple(s for w in WORD.findall(text.lower()) if (s := self.word(w)))


def _text(value, what, path, qcode):
    """A SKOS language map ({"en-GB": "..."}) or a plain string -> the English string."""
    if value is None or isinstance(value, str):
        return value or ""
    if isinstance(value, dict) and value:
        for lang in LANGS:
            if isinstance(value.get(lang), str):
                return value[lang]
        first = next(iter(value.values()))
        if isinstance(first, str):
            return first
    raise TopicsError(f"{path}: concept {qcode}: {what} must be a string or a language map of strings")


def _texts(value, what, path, qcode):
    """A list of strings, or a language map of lists -> list of strings."""
    if value is None:
        return []
    if isinstance(value, dict):
        value = next((value[lang] for lang in LANGS if lang in value), next(iter(value.values()), []))
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TopicsError(f"{path}: concept {qcode}: {what} must be a list of strings")
    return value


def concept_key(ref: str) -> str:
    """Qcode or URI -> the concept's own code ("medtop:20000065" and ".../mediatopic/20000065" agree)."""
    return re.split(r"[/:#]", ref.rstrip("/"))[-1]


def read_concepts(path: Path) -> dict[str, Concept]:
    """Read the active concepts of a cptall-format JSON file, keyed by qcode, tops and seconds resolved."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise TopicsError(f"{path}: cannot read: {err.strerror or err}") from err
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise TopicsError(f"{path}: not valid JSON: {err}") from err
    items = data.get("conceptSet") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise TopicsError(f"{path}: expected a JSON object with a \"conceptSet\" list (IPTC cptall format)")
    concepts: dict[str, Concept] = {}
    by_key: dict[str, str] = {}
    for n, c in enumerate(items):
        if not isinstance(c, dict) or not isinstance(c.get("qcode") or c.get("uri"), str):
            raise TopicsError(f"{path}: conceptSet[{n}]: a concept needs a \"qcode\" or \"uri\" string")
        if c.get("retired"):
            continue
        qcode = c.get("qcode") or c["uri"]
        label = _text(c.get("prefLabel"), "prefLabel", path, qcode).strip()
        if not label:
            raise TopicsError(f"{path}: concept {qcode}: missing prefLabel")
        broader = _texts(c.get("broader"), "broader", path, qcode)
        cues = _texts(c.get("hiddenLabel"), "hiddenLabel", path, qcode) + _texts(
            c.get("altLabel"), "altLabel", path, qcode)
        concepts[qcode] = Concept(qcode, label, _text(c.get("definition"), "definition", path, qcode),
                                  broader[0] if broader else None, cues)
        by_key[concept_key(qcode)] = qcode
    for c in concepts.values():
        if c.parent is not None:
            if concept_key(c.parent) not in by_key:
                raise TopicsError(f"{path}: concept {c.qcode}: broader {c.parent!r} is not an active concept")
            c.parent = by_key[concept_key(c.parent)]
    if not any(c.parent is None for c in concepts.values()):
        raise TopicsError(f"{path}: no top-level concept (one without \"broader\")")
    for c in concepts.values():
        chain = [c.qcode]
        while concepts[chain[-1]].parent is not None:
            chain.append(concepts[chain[-1]].parent)
            if len(chain) > len(concepts):
                raise TopicsError(f"{path}: concept {c.qcode}: its broader links form a cycle")
        c.top, c.second = chain[-1], (chain[-2] if len(chain) > 1 else None)
    return concepts


def read_cues(path: Path, concepts: dict[str, Concept]) -> None:
    """Add the cue phrases of a cues file ({"cues": {qcode: [phrase, ...]}}) to matching concepts."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise TopicsError(f"{path}: cannot read cues: {err}") from err
    if not isinstance(data, dict) or not isinstance(data.get("cues"), dict):
        raise TopicsError(f"{path}: expected a JSON object with a \"cues\" object {{qcode: [phrase, ...]}}")
    by_key = {concept_key(q): q for q in concepts}
    for ref, phrases in data["cues"].items():
        if concept_key(ref) in by_key:    # cues for concepts this taxonomy lacks are ignored
            concepts[by_key[concept_key(ref)]].cues.extend(_texts(phrases, "cues", path, ref))


def label_parts(label: str) -> list[str]:
    """ "crime, law and justice" -> ["crime", "law", "justice"]; "armed conflict" stays whole."""
    return [p for p in re.split(r",\s*|\s+and\s+|\s*/\s*|\s*\(|\)", label) if p and p.strip()]


def stronger(a: str | None, b: str | None) -> str | None:
    """Combine two Entry.strong values of one term: any form ("") beats label forms beats weak (None)."""
    if a is None or b is None:
        return b if a is None else a
    return "" if "" in (a, b) else " ".join(sorted(set(a.split()) | set(b.split())))


def qualifier(label: str) -> str:
    """The parenthetical qualifier of a label: "handball (team)" -> "team", "election" -> ""."""
    m = re.search(r"\(([^)]*)\)", label)
    return m.group(1).strip() if m else ""


def collect_terms(concepts: dict[str, Concept], norm: Normaliser, definition_weight: float,
                  definition_support: int) -> tuple[dict, dict, dict]:
    """Term -> {concept: weight} from labels and cues (1) and definitions, term -> concepts it names,
    and term -> {concept: how it may found a topic} (Entry.strong).

    A definition word counts only where `definition_support` concepts of the same top use it: one
    definition's "heavily" or "according" says nothing, "team" in many sport definitions does.
    """
    raw: dict[tuple, dict[str, float]] = defaultdict(dict)
    own: dict[tuple, set] = defaultdict(set)
    how: dict[tuple, dict[str, str | None]] = defaultdict(dict)
    defs: dict[tuple, dict[str, set]] = defaultdict(lambda: defaultdict(set))  # term -> top -> concepts
    for c in concepts.values():
        parts = label_parts(c.label)
        qual = qualifier(c.label)
        for n, text in enumerate(parts + c.cues):
            if not (t := norm.phrase(text)[:MAX_PHRASE]):
                continue
            raw[t][c.qcode] = 1.0
            is_label = n < len(parts)
            if is_label:
                own[t].add(c.qcode)
            words = WORD.findall(text.lower())
            if (is_label and text.strip() == qual) or ("-" in text and len(t) == 1 < len(words)):
                kind = None                   # "(team)" qualifies "handball"; "start-up" is not "start"
            elif len(t) == 1:
                kind = " ".join(w for w in words if norm.word(w))
            else:
                kind = ""
            how[t][c.qcode] = stronger(how[t].get(c.qcode), kind)
        for s in set(norm.phrase(c.definition)):
            defs[(s,)][c.top].add(c.qcode)
    for t, per_top in defs.items():
        for qcodes in per_top.values():
            if len(qcodes) >= definition_support:
                for q in sorted(qcodes):
                    raw[t].setdefault(q, definition_weight)
    return raw, own, how


def build_lexicon(concepts: dict[str, Concept], norm: Normaliser, definition_weight: float,
                  definition_support: int, size_power: float) -> dict[tuple[str, ...], Entry]:
    """Weight every term by how specific it is: idf over concepts times its share of each top.

    A top's share counts each concept as 1/size^size_power, size being the number of concepts
    under that top, so tops with hundreds of concepts (sport, economy) do not win on vocabulary alone.
    """
    raw, own, how = collect_terms(concepts, norm, definition_weight, definition_support)
    size: dict[str, int] = defaultdict(int)
    for c in concepts.values():
        size[c.top] += 1
    n = len(concepts)
    lexicon = {}
    for term, per_concept in raw.items():
        idf = math.log(1 + n / len(per_concept)) / math.log(1 + n)   # 1 = used by one concept
        tops: dict[str, float] = defaultdict(float)
        seconds: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        best: dict[str, tuple] = {}
        strong: dict[str, str | None] = {}
        for q, w in per_concept.items():
            c = concepts[q]
            share = w / size[c.top] ** size_power
            tops[c.top] += share
            strong[c.top] = stronger(strong.get(c.top), how[term].get(q))
            if c.second:
                seconds[c.top][c.second] += share
            rank = (w, q in own[term])    # shown as the concept whose label it is, if any
            if rank > best.get(c.top, ((0.0, False), ""))[0]:
                best[c.top] = (rank, q)
        total = sum(tops.values())
        strength = max(per_concept.values())
        lexicon[term] = Entry(
            weights={t: idf * strength * w / total for t, w in tops.items()},
            concept={t: q for t, (_, q) in best.items()},
            seconds={t: {s: w / tops[t] for s, w in d.items()} for t, d in seconds.items()},
            strong=strong,
        )
    return lexicon
