"""Country values from an article's entity spans and text: places, demonyms, public bodies, scans.

The gazetteer (countries.py) answers what a name means; this module decides when a name in the
text counts: not a language or currency after a demonym, not inside a company name, not a sea. A span
is an indexer.entities._Span; `doc` is the spaCy Doc of `title + "\\n\\n" + body`.
"""
from bisect import bisect_left

from .countries import fold
from .lexicon import (AMBIGUOUS_COUNTRY_WORDS, COMPANY_WORDS, DEMONYM_NEXT_STOP, DEMONYM_PREV_STOP,
                             GEORGIA_CUES, LANGUAGES, NAME_LIKE_COUNTRIES, PUBLIC_BODY_WORDS, STYLE_WORDS,
                             WATER_WORDS)
from .tokens import tokens_of

# Labels whose entities are handled by their label; inside names of things a country doesn't count.
_SCAN_SKIP_LABELS = {"GPE", "LOC", "NORP", "ORG", "PERSON", "WORK_OF_ART", "PRODUCT", "LAW", "LANGUAGE", "FAC"}


class CountryHits:
    """One article's country hits [(start, end, country)]; "Georgia" becomes the US state where the
    article reads American (decided once, at the first Georgia)."""

    def __init__(self, doc, hits, text=None):
        self.doc, self.hits, self._text = doc, hits, text   # text: doc.text if the caller has it
        self._georgia = None

    def add(self, start, end, hit):
        """Count a gazetteer hit at doc chars start..end."""
        country = hit.country
        if country == "Georgia" and self._georgia_is_us_state():
            country = "United States"
        self.hits.append((start, end, country))

    def _georgia_is_us_state(self):
        if self._georgia is None:
            text = self._text if self._text is not None else self.doc.text
            cue = any(c in text for c in GEORGIA_CUES)
            us = any(v == "United States" for _, _, v in self.hits) or any(
                w in text for w in ("U.S.", "US ", "Atlanta", "United States", "American"))
            self._georgia = us and not cue
        return self._georgia


def scan_index(gaz):
    """First folded word of every country name/abbreviation/demonym/place -> longest name in words."""
    first = {}
    for key in gaz.keys():
        words = key.split()
        first[words[0]] = max(first.get(words[0], 0), len(words))
    return first


def add_span_countries(spans, persons, doc, gaz, countries):
    """Count the countries of GPE/LOC/FAC, NORP, ORG and non-person PERSON spans."""
    for i, s in enumerate(spans):
        if i in persons:
            continue
        if is_style_compound(doc, s.tok_end) and is_former_state(s.text, gaz):
            continue
        if s.label in ("GPE", "LOC", "FAC"):
            hit = place_hit(s, doc, gaz)
            if hit and (s.label != "FAC" or hit.kind == "place"):
                countries.add(s.start, s.end, hit)
        elif s.label == "NORP":
            hit = gaz.name(s.text)
            if hit and is_demonym_ok(doc, gaz, s.tok_start, s.tok_end):
                countries.add(s.start, s.end, hit)
        elif s.label == "ORG":
            hit = org_country(s, gaz)
            if hit:
                countries.add(s.start, s.end, hit)
        elif s.label == "PERSON" and persons.get(i) is None:
            hit = gaz.name(s.text)
            if hit and hit.kind != "demonym" and fold(s.text) not in NAME_LIKE_COUNTRIES:
                countries.add(s.start, s.end, hit)


def is_style_compound(doc, tok_end):
    """Whether the name ending before token `tok_end` opens a manner or period modifier ("Soviet-style
    economy", "Soviet-era tanks"). Of a former state that names no country of the story; of a country
    it still does ("Venezuela-style inflation")."""
    return (tok_end + 1 < len(doc) and doc[tok_end].text == "-" and not doc[tok_end - 1].whitespace_
            and doc[tok_end + 1].lower_ in STYLE_WORDS)


def is_former_state(text, gaz):
    """Whether the text names a former state ("Soviet", "Yugoslav"), not a country of today."""
    hit = gaz.name(text)
    return hit is not None and hit.kind == "historical"


def place_hit(s, doc, gaz):
    """The gazetteer hit of a GPE/LOC/FAC span, or of the last known part of "Portland, Oregon"."""
    hit = gaz.lookup(s.text)
    if hit:
        if hit.kind == "demonym" and not is_demonym_ok(doc, gaz, s.tok_start, s.tok_end):
            return None
        return hit
    # "Portland, Oregon", "Kosovo, Serbia": the last part that is known.
    if "," in s.text:
        for part in reversed(s.text.split(",")):
            hit = gaz.lookup(part.strip())
            if hit:
                return hit
    return None


def is_demonym_ok(doc, gaz, tok_start, tok_end):
    """A demonym counts unless it names a language, cuisine, ethnicity, currency or sea."""
    nxt = doc[tok_end].lower_ if tok_end < len(doc) else ""
    prev = doc[tok_start - 1].lower_ if tok_start > 0 else ""
    if prev == "-" and tok_start > 1:   # "ethnic-Albanian"
        prev = doc[tok_start - 2].lower_
    if nxt in DEMONYM_NEXT_STOP or prev in DEMONYM_PREV_STOP:
        return False
    if prev in ("and", "or", ",") and tok_start >= 2:
        # "from Spanish into English and German": a list of languages
        before = doc[tok_start - 2]
        if before.text in LANGUAGES or (before.text[:1].isupper() and gaz.name(before.text)
                                       and not is_demonym_ok(doc, gaz, tok_start - 2, tok_start - 1)):
            return False
    if nxt == "-" and tok_end + 1 < len(doc) and doc[tok_end + 1].lower_ in ("language", "speaking"):
        return False
    return True


def org_country(s, gaz):
    """An ORG that is a country ("U.S." mislabelled), a metonym, or a national public body."""
    hit = gaz.name(s.text)
    if hit and hit.kind != "demonym":
        return hit
    hit = gaz.place(s.text)
    if hit and s.text[:1].isupper():
        # metonyms ("Kremlin", "White House") and capitals ("Moscow" as a government) count
        return hit
    words = s.text.split()
    if len(words) < 2 or any(w.strip(".,").lower() in COMPANY_WORDS for w in words):
        return None
    if not any(w.strip(".,").lower() in PUBLIC_BODY_WORDS for w in words):
        return None
    for n in (3, 2, 1):
        hit = gaz.name(" ".join(words[:n]))
        if hit:
            return hit
    return None


def scan_countries(doc, gaz, first, covered, from_char, countries, tokens=None):
    """Count country names, codes and demonyms the model did not label GPE/NORP (or labelled oddly).

    `first` is scan_index(gaz); `covered` the entity label of each token (None outside entities);
    tokens before doc char `from_char` are not read. `tokens` is the Doc's tokens.Tokens.
    """
    tokens = tokens or tokens_of(doc)
    words, lowers = tokens.words, tokens.lowers
    n_tok = len(tokens)
    i = bisect_left(tokens.idx, from_char)   # the first token at or after from_char
    while i < n_tok:
        low = lowers[i]
        if low not in first or not words[i][:1].isupper():
            i += 1
            continue
        matched = False
        for n in range(min(first[low], n_tok - i), 0, -1):
            text = tokens.span_text(i, i + n)   # doc[i:i + n].text, without building the Span
            hit = gaz.name(text)
            if hit is None:
                if gaz.has_place(text):
                    i += n   # a place name ("New Jersey") hides the country name inside it
                    matched = True
                    break
                continue
            labels = {covered[j] for j in range(i, i + n)}
            span = doc[i:i + n]
            if is_scan_ok(span, hit, labels, doc, gaz):
                countries.add(span.start_char, span.end_char, hit)
            i += n
            matched = True
            break
        if not matched:
            i += 1


def is_scan_ok(span, hit, labels, doc, gaz):
    """Whether a country name the scan found counts: no labelled entity, no common word, sea or currency."""
    # Entities the model labelled are handled by their label; inside names of things they don't count.
    if labels & _SCAN_SKIP_LABELS:
        return False
    text = span.text
    if hit.kind == "abbr" and text != text.upper():
        return False
    if not text[:1].isupper() or fold(text) in AMBIGUOUS_COUNTRY_WORDS:
        return False
    if text.isupper() and hit.kind != "abbr" and len(text) > 3:
        return False   # "CHINA" in running text is a heading or a name; leave it
    if hit.kind == "demonym" and not is_demonym_ok(doc, gaz, span.start, span.end):
        return False
    if hit.kind == "historical" and is_style_compound(doc, span.end):
        return False
    nxt = doc[span.end].lower_ if span.end < len(doc) else ""
    if nxt in WATER_WORDS or nxt in ("dollar", "dollars", "$"):
        return False
    if span.start >= 2 and doc[span.start - 1].lower_ == "of" and doc[span.start - 2].lower_ in WATER_WORDS:
        return False
    return True


def scan_caps_title(doc, gaz, title_len, body_off, person_hits, tokens=None):
    """ALL-CAPS wire titles: country names and the surnames of the body's people.

    Return (country hits, person hits) found in the title; `person_hits` are the article's so far;
    `tokens` the Doc's tokens.Tokens.
    """
    tokens = tokens or tokens_of(doc)
    words, idx, n_tok = tokens.words, tokens.idx, len(tokens)
    surnames = {}
    for start, end, value in person_hits:
        if start >= body_off:
            surnames.setdefault(value.split()[-1].upper(), value)
    countries, persons = [], []
    i = 0
    while i < n_tok and idx[i] < title_len:
        for n in (3, 2, 1):
            j = min(i + n, n_tok)   # doc[i:i + n] ends at the Doc's end
            end_char = tokens.end_char(j - 1)
            if end_char > title_len:
                continue
            text = tokens.span_text(i, j)
            hit = gaz.name(text)
            if hit and hit.kind != "demonym" and fold(text) not in AMBIGUOUS_COUNTRY_WORDS:
                countries.append((idx[i], end_char, hit.country))
                i += n - 1
                break
        else:
            if words[i] in surnames:
                persons.append((idx[i], idx[i] + len(words[i]), surnames[words[i]]))
        i += 1
    return countries, persons
