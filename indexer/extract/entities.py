"""Person / country / org facet values from a spaCy NER Doc, with the mentions they came from.

The Doc is of `ner_text(title, body)`: the title, SEAM, the body. Rules, in short:
- person: PERSON entities with titles and possessives stripped, junk dropped; a short form joins the
  full name used elsewhere in the article ("Putin" -> "Vladimir Putin"); a string the model labels
  PERSON elsewhere in the article is a person even where it is labelled ORG/GPE/NORP.
- country: GPE/LOC/NORP entities and the dateline through the gazetteer, plus country names, codes and
  demonyms the model missed; not inside company names, not languages, seas or currencies.
- org: ORG entities, cleaned; well-known short forms and acronyms defined in the article joined.

The rules live in indexer.persons, indexer.places (countries) and indexer.orgs, their word lists in
indexer.lexicon; this module runs them over one article and turns their hits into values and mentions.
"""
import re
from dataclasses import dataclass, field

from .countries import load_gazetteer
from .lexicon import EDGE_PUNCT
from .orgs import find_orgs, scan_orgs
from .persons import find_persons
from .places import CountryHits, add_span_countries, scan_caps_title, scan_countries, scan_index
from .tokens import tokens_of

EXTRACTOR_VERSION = 5

# Between title and body in the text NER reads. A blank line alone is no sentence end to the model:
# it runs a title's last words into the body's first ("COVID-19\n\nVery" as one org, "Kisumu
# Researchers"); a full stop before it ends the title as a sentence. Body offsets start after it.
SEAM = ".\n\n"


# A line break between two capitalised words inside a paragraph (wire copy wrapped at 70 columns:
# "Clayton\nYeutter", "Satoshi\nSumita") splits the name for the model; NER reads it as a space. Other
# breaks stay: joined, "Jordan\ntwo cargoes" loses its GPE. Same length: offsets are the stored text's.
_WRAPPED_NAME = re.compile(r"(?<=\b[A-Z][a-z])([\w'’.-]*)\n(?=[A-Z][a-z])")


def ner_text(title, body):
    """Return the text NER reads for an article: its title, SEAM, its body with names wrapped across
    lines joined."""
    if "\n" in body:
        body = _WRAPPED_NAME.sub(r"\1 ", body)
    return f"{title}{SEAM}{body}"


@dataclass
class Mention:
    field: str   # "title" or "body"
    start: int   # char offset within that field's text
    end: int
    facet: str   # "person" | "country" | "org"
    value: str   # canonical value it counted as
    # how a short form several people share was read here ({"written", "as", "why", "named"}: "as" the
    # value it was read as, which curation may rename later), else None;
    # stored as the mention's optional sixth element (indexer.document.readings shows it)
    why: dict | None = field(default=None, compare=False)


@dataclass
class Entities:
    person: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    org: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    # how a short form several full names share was read, per value: [{"facet", "written", "value",
    # "uses", "why", "candidates", "named"}]; "why" starts with "ambiguous" where only proximity
    # decided; each mention of such a use carries {"written", "as", "why", "named"} as Mention.why
    evidence: list[dict] = field(default_factory=list, compare=False)


@dataclass
class _Span:
    """A cleaned entity candidate: doc char offsets, label, text, token range."""

    start: int
    end: int
    label: str
    text: str
    tok_start: int
    tok_end: int


class Extractor:
    """Turn NER entities into facet values; loads the gazetteer once."""

    def __init__(self, aliases=None):
        from .aliases import Aliases

        self.gaz = load_gazetteer()
        self.aliases = aliases or Aliases.empty()
        self._scan_first = scan_index(self.gaz)

    def extract(self, doc, title_len, dateline=None):
        """Return the person, country and org values of one article, most salient first."""
        return _Run(self, doc, title_len, dateline).run()


class _Run:
    """One article's extraction: runs the rules in order and collects their hits."""

    def __init__(self, ex, doc, title_len, dateline):
        self.ex, self.gaz, self.doc = ex, ex.gaz, doc
        self.dateline = dateline
        # Doc.text and Token attributes are rebuilt on every access: read them once per article.
        self.tokens = tokens_of(doc)
        self.text = self.tokens.text
        # SEAM after the title, or a bare blank line (texts made before SEAM; tests of old Docs)
        sep = len(SEAM) if self.text.startswith(SEAM, title_len) else 2
        self.title_len, self.body_off = title_len, title_len + sep
        self.words, self.lowers = self.tokens.words, self.tokens.lowers
        title = self.text[:title_len]
        letters = [c for c in title if c.isalpha()]
        self.caps_title = len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) > 0.9
        self.hits = {"person": [], "country": [], "org": []}   # facet -> [(start, end, value)]
        self.evidence = []   # how short forms shared by several people were read

    def run(self):
        doc, gaz, hits, words, lowers = self.doc, self.gaz, self.hits, self.words, self.lowers
        ents = self.tokens.ents
        spans = [s for s in (_clean(e, self.text, self.title_len) for e in ents) if s is not None]
        if self.caps_title:
            spans = [s for s in spans if s.start >= self.title_len]
        covered = [None] * len(doc)
        for e in ents:
            label = e.label_
            for i in range(e.start, e.end):
                covered[i] = label
        person_hits, persons = find_persons(spans, doc, gaz, self.caps_title, self.title_len, words, lowers,
                                            self.evidence, self.text)
        hits["person"].extend(person_hits)
        countries = CountryHits(doc, hits["country"], self.text)
        add_span_countries(spans, persons, doc, gaz, countries)
        if self.dateline:
            country = gaz.dateline(self.dateline)
            if country:
                hits["country"].append((-1, -1, country))
        hits["org"].extend(find_orgs(spans, persons, doc, gaz, self.text))
        hits["org"].extend(scan_orgs(doc, self.text, covered, gaz, persons))
        # An ALL-CAPS wire title is left to scan_caps_title: country names and the body's surnames only.
        scan_countries(doc, gaz, self.ex._scan_first, covered, self.body_off if self.caps_title else 0, countries,
                       self.tokens)
        if self.caps_title:
            title_countries, title_persons = scan_caps_title(doc, gaz, self.title_len, self.body_off, hits["person"],
                                                             self.tokens)
            hits["country"].extend(title_countries)
            hits["person"].extend(title_persons)
        return self._finish()

    def _finish(self):
        ents, mentions = Entities(), []
        readings = {}   # doc char start of a person hit -> how its short form was read
        for e in self.evidence:
            for start in e.pop("at", ()):
                readings[start] = {"written": e["written"], "as": e["value"], "why": e["why"], "named": e["named"]}
        for facet in ("person", "country", "org"):
            stats = {}
            for start, end, value in self.hits[facet]:
                value = self.ex.aliases.resolve(facet, value)
                if value is None:
                    continue
                n, first = stats.get(value, (0, start))
                stats[value] = (n + 1, min(first, start))
                if start >= 0:
                    m = self._mention(start, end, facet, value)
                    if m:
                        if facet == "person":
                            m.why = readings.get(start)
                        mentions.append(m)
            order = sorted(stats, key=lambda v: (-stats[v][0], stats[v][1]))
            setattr(ents, facet, order)
        mentions.sort(key=lambda m: (m.field != "title", m.start))
        ents.mentions = mentions
        ents.evidence = self.evidence
        return ents

    def _mention(self, start, end, facet, value):
        if end <= self.title_len:
            return Mention("title", start, end, facet, value)
        if start < self.title_len and end <= self.body_off:   # "U.S" + SEAM read as "U.S."
            return Mention("title", start, self.title_len, facet, value)
        if start >= self.body_off:
            return Mention("body", start - self.body_off, end - self.body_off, facet, value)
        return None


def _clean(ent, doc_text=None, title_len=None):
    """Strip "the", possessives, edge punctuation and line breaks; return None for nothing left.

    `ent` is a spaCy Span or a tokens.Ent (then pass `doc_text`); `doc_text` is the Doc's text if the
    caller has it: slicing it is cheaper than Span.text. An entity that runs from the title into SEAM
    ends with the title ("Salling Group A/S" + ".")."""
    start = ent.start_char
    end = ent.end_char
    label = ent.label_
    text = doc_text[start:end] if doc_text is not None else ent.text
    if title_len is not None and start < title_len < end:
        text, end = text[:title_len - start], title_len
    lead = len(text) - len(text.lstrip(EDGE_PUNCT))
    text, start = text[lead:], start + lead
    if text[:3].lower() == "the" and text[3:4].isspace() and label != "PERSON":   # "the\nDepartment"
        text, start = text[4:], start + 4
    for suffix in ("'s", "’s", "'", "’"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    text = text.rstrip(EDGE_PUNCT)
    end = start + len(text)
    text = " ".join(text.split())
    if not text:
        return None
    return _Span(start, end, label, text, ent.start, ent.end)
