"""The offline country gazetteer: names, abbreviations, demonyms, places and datelines -> country.

The data is precomputed by tools/make_gazetteer.py into data/gazetteer.json (GeoNames data,
CC BY 4.0: see data/ATTRIBUTION-geonames.txt), so nothing but the JSON is read at run time. It also
carries a list of lower-case English words (SCOWL, see data/ATTRIBUTION-scowl.txt) that tells a name
from a capitalised word.
"""
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "gazetteer.json"

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# The date and anything after it at the end of a dateline: "Feb 26", "March 3 -", "26 February".
_DATE_TAIL = re.compile(rf"[\s,]*(?:{_MONTH}\s*\d{{1,2}}|\d{{1,2}}\s+{_MONTH})\b.*$", re.I)
_UNSEEN = object()   # a key not looked up yet (None is a looked-up key whose code names no country)


# Memoised: extraction folds the same few thousand names many times per article (a pure function of str).
@lru_cache(maxsize=1 << 16)
def fold(name):
    """Return the lookup key of a name: accents stripped, lower case, one space, straight quotes."""
    if name.isascii():   # no accents or curly quotes to fold: the same key, several times faster
        return " ".join(name.lower().split())
    s = unicodedata.normalize("NFKD", name.replace("’", "'").replace("‘", "'"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(s.lower().split())


@dataclass(frozen=True)
class Hit:
    """A gazetteer answer: the canonical country and what kind of name led to it."""

    country: str
    kind: str  # country | abbr | historical | demonym | place


class Gazetteer:
    """Name -> country lookups over the precomputed tables."""

    def __init__(self, data):
        self.names = data["countries"]               # ISO code -> canonical name
        self._names = data["names"]                  # key -> [code, kind]
        self._places = data["places"]                # key -> code (cities, regions, metonyms)
        self._dateline = data["dateline"]            # key -> code (every unambiguous city)
        self._state_abbr = data["us_state_abbr"]     # "calif." -> "US"
        self.canonical = frozenset(self.names.values())
        self.common_words = frozenset(data.get("common_words", ()))   # lower-case English words
        self.name_words = frozenset(data.get("name_words", ()))       # ... that are also names: "Bill"
        # folded key -> Hit or None, filled on first use: bounded by the tables, Hits are immutable
        self._name_hits, self._place_hits = {}, {}

    @classmethod
    def load(cls, path=DATA):
        """Read the gazetteer JSON; raise FileNotFoundError naming the path if it is missing."""
        with open(path, encoding="utf-8") as f:
            return cls(json.load(f))

    def name(self, text):
        """Look up a country name, abbreviation, former name or demonym (not cities)."""
        return self._lookup(text, self._names, self._name_hits, self._name_hit)

    def place(self, text):
        """Look up a city (100,000+), region, state or metonym ("Kremlin")."""
        return self._lookup(text, self._places, self._place_hits, self._place_hit)

    def _name_hit(self, got):
        return Hit(self.names[got[0]], got[1]) if got[0] in self.names else None

    def _place_hit(self, code):
        return Hit(self.names[code], "place") if code in self.names else None

    @staticmethod
    def _lookup(text, table, cache, make_hit):
        """Return make_hit(table entry) for text, memoised; None when text is not in the table."""
        key = fold(text)
        hit = cache.get(key, _UNSEEN)   # most texts are in no table: no KeyError raised for them
        if hit is _UNSEEN:
            entry = table.get(key)
            if entry is None:
                return None
            cache[key] = hit = make_hit(entry)  # only table keys are cached: it cannot outgrow the table
        return hit

    def lookup(self, text):
        """Country name first, then place."""
        return self.name(text) or self.place(text)

    def keys(self):
        """Every lookup key of names and places (folded), for scanning text word by word."""
        return list(self._names) + list(self._places)

    def has_place(self, text):
        """Whether the text is a known place, even one no country resolves (unlike place())."""
        return fold(text) in self._places

    def has_dateline_city(self, text):
        """Whether the text is a city the dateline table knows."""
        return fold(text) in self._dateline

    def dateline(self, dateline):
        """Return the country a dateline ("SALVADOR, Feb 26", "PORTLAND, Ore., Feb 26") places the story in."""
        if not dateline:
            return None
        head = _DATE_TAIL.sub("", dateline.strip())
        parts = [p.strip(" -–—.") for p in re.split(r",|\s[-–—]\s", head) if p.strip(" -–—.")]
        if not parts:
            return None
        # "CITY, Region" or "CITY, Country": the last part is the more specific evidence of country.
        for part in reversed(parts[1:]):
            key = fold(part)
            code = self._state_abbr.get(key) or self._state_abbr.get(key + ".")
            if code:
                return self.names.get(code)
            hit = self.lookup(part)
            if hit:
                return hit.country
        hit = self.name(parts[0])
        if hit:
            return hit.country
        code = self._places.get(fold(parts[0])) or self._dateline.get(fold(parts[0]))
        return self.names.get(code)


@lru_cache(maxsize=4)
def load_gazetteer(path=DATA):
    """Load the gazetteer once per process (and per path)."""
    return Gazetteer.load(path)
