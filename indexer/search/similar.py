"""Why two articles are alike: the entities and the key words they share (for "more like this").

Engine-neutral, over two Documents: what the article page and the API show beside each article
that more_like_this found. Words are lower-cased \\w+ of MIN_LETTERS letters or more, not stop
words; a word shared counts by how often the less frequent of the two texts uses it, so that the
words both articles are about come first ("inflation", "wages"), not a word each says once.
"""
import re
from collections import Counter

from .query import STOP_WORDS

ENTITY_FACETS = ("person", "org", "country")
MIN_LETTERS = 4
SHOWN_WORDS = 5
_WORD = re.compile(r"\w+")


def word_counts(doc):
    words = _WORD.findall(f"{doc.title or ''}\n{doc.body or ''}".lower())
    return Counter(w for w in words if len(w) >= MIN_LETTERS and w not in STOP_WORDS and not w.isdigit())


def shared_words(doc, other, limit=SHOWN_WORDS):
    """Return the words both articles use most (by the lower of their two counts), longer words first
    among equals (a plain stand-in for rarity: "inflation" before "again"), then A-Z. Words of the
    entities shown beside them ("norland" of Norland) are left out."""
    a, b = word_counts(doc), word_counts(other)
    named = {w for _f, v in shared_entities(doc, other) for w in _WORD.findall(v.lower())}
    both = [(min(a[w], b[w]), w) for w in (a.keys() & b.keys()) - named]
    return [w for _n, w in sorted(both, key=lambda p: (-p[0], -len(p[1]), p[1]))[:limit]]


def shared_entities(doc, other, facets=ENTITY_FACETS):
    """Return [(facet, value)] of the people, organisations and countries both articles name."""
    return [(name, v) for name in facets for v in getattr(doc, name) if v in set(getattr(other, name))]


def why_alike(doc, other):
    """Return {"entities": [(facet, value)], "words": [word]}: what the two articles share."""
    return {"entities": shared_entities(doc, other), "words": shared_words(doc, other)}
