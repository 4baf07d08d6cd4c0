"""Person / country / org facet values from a spaCy NER Doc, with the mentions they came from.

The Doc is of `title + "\\n\\n" + body` (see indexer.articles.analysis_text). Rules, in short:
- person: PERSON entities with titles and possessives stripped, junk dropped; a short form joins the
  full name used elsewhere in the article ("Putin" -> "Vladimir Putin"); a string the model labels
  PERSON elsewhere in the article is a person even where it is labelled ORG/GPE/NORP.
- country: GPE/LOC/NORP entities and the dateline through the gazetteer, plus country names, codes and
  demonyms the model missed; not inside company names, not languages, seas or currencies.
- org: ORG entities, cleaned; well-known short forms and acronyms defined in the article joined.
"""
import re
from collections import Counter
from dataclasses import dataclass, field

from indexer.countries import fold, load_gazetteer

# ---- word lists the rules use (lower case) ------------------------------------------------------------

# Leading words that are a title or role, not part of the name ("Foreign Minister Sergei Lavrov").
TITLE_WORDS = set("""
mr mrs ms miss mx dr prof professor sir dame lord lady president vice prime minister ministers premier
chancellor secretary senator sen rep representative congressman congresswoman congressmember gov governor
lt col gen general maj major capt captain sgt sergeant adm admiral cmdr commander officer detective
inspector constable chief superintendent deputy assistant associate judge justice magistrate attorney
lawyer counsel ambassador envoy consul mayor councillor councilman councilwoman alderman speaker leader
chairman chairwoman chair chairperson ceo cfo coo founder director executive manager spokesman
spokeswoman spokesperson king queen prince princess emperor empress sheikh sheik emir crown ayatollah
imam mufti sayyid seyed rabbi reverend rev father fr bishop archbishop cardinal pastor brother sister
saint st coach player striker goalkeeper defender actor actress singer rapper author writer journalist
reporter editor anchor host historian economist scientist researcher analyst doctor nurse mp mep mla
foreign defence defense interior finance health education justice trade economy agriculture energy
transport environment home state treasury labour labor culture emergencies information industry
commerce communications petroleum oil planning development affairs international national chief
former late then acting interim incumbent outgoing new candidate nominee presidential democratic
republican hon honourable honorable excellency his her majesty highness comrade citizen dj mc
mme mlle cde sheriff deputy trooper marshal pilot astronaut cosmonaut dean provost rector principal
guitarist drummer bassist pianist comedian broadcaster presenter photographer artist chef poet
novelist filmmaker producer musician footballer cricketer boxer wrestler grandmaster gm
""".split())
# Caption words that web text glues to a name ("Kamala Harris Image").
CAPTION_WORDS = ("Image", "Photo", "Video", "Credit")
# Name suffixes the model often leaves out ("Cyrus R. Vance Jr.", "Elizabeth II").
NAME_SUFFIXES = {"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"}
# Strings the model labels PERSON that are not people.
NOT_PERSON = set("""
i me you he she we they him her us them it his hers its their theirs god allah lord jesus christ
covid covid-19 coronavirus twitter facebook instagram youtube google brexit
wikinews wikipedia reuters afp ap politico bloomberg xinhua tass
""".split())
# A name whose last word is one of these is a place, building or thing ("Trafalgar Square").
THING_LAST = set("""
square bay sea parish county falls avenue street st lane boulevard road drive way island islands mall
hospital center centre facility telescope range precinct tribe tribes day express railway railways
olympiad studio studios linux bulletin platform partners award awards prize foundation institute
university college school airport station bridge park church cathedral mosque temple palace stadium
arena hall tower museum gallery library theatre theater hotel building group inc ltd corp company party
times post news magazine journal review show festival war act law river lake mountain valley
""".split())
# ... and whose first word is one of these ("Storm Lorenzo", "County Mayo").
THING_FIRST = set("county storm typhoon hurricane cyclone mount lake fort port team operation project "
                  "planet asteroid comet camp cape gulf the".split())
# "his wife Mary": a given name alone after these is not a facet value.
FAMILY_WORDS = set("""
wife husband son daughter brother sister mother father mom mum dad uncle aunt nephew niece cousin
grandson granddaughter grandmother grandfather boyfriend girlfriend fiance fiancee partner widow
widower stepson stepdaughter baby child
""".split())
# Country names that are also given names or surnames ("Jordan", "Chad").
NAME_LIKE_COUNTRIES = set("jordan chad georgia israel india kenya sudan niger guinea france china "
                          "america dominica oman cuba peru".split())
# Country names too often common words or names to take when the model did not label them.
AMBIGUOUS_COUNTRY_WORDS = set("turkey chad jordan georgia niger guinea jersey dominica china chile "
                              "israel soviet soviets america emirates".split())
# After a demonym, these mean a language, cuisine, currency or product, not the country.
DEMONYM_NEXT_STOP = set("""
language languages speaker speakers speaking translation translations version subtitles dub dubbed
word words name names dialect accent alphabet script grammar literature proficiency lessons
food cuisine dish dishes restaurant restaurants pub cooking recipe cheese toast fries wine
flu cartoon style-ish
dollar dollars pound pounds yuan yen rupee rupees peso pesos franc francs lira lari ruble rubles rouble
roubles won dinar dinars rial riyal krona krone euro mark marks
""".split())
# Languages that are no demonym of a country.
LANGUAGES = set("English Arabic Latin Hindi Mandarin Cantonese Esperanto Swahili Urdu Tagalog Hebrew "
                "Persian Farsi Catalan Basque Yiddish Sanskrit Bengali Punjabi Tamil Kurdish Berber".split())
# Before a demonym: "in Russian", "speak French", "ethnic Albanian".
DEMONYM_PREV_STOP = set("in into speak speaks spoke speaking spoken from ethnic ethnically "
                        "fluent learn learning teach teaching translated".split())
# A country name right before these is a sea or gulf ("South China Sea"), or after "Gulf of".
WATER_WORDS = set("sea ocean gulf bay strait straits channel lake river".split())
# Words that mark a national public body ("U.S. Congress", "Chinese Academy of Sciences").
PUBLIC_BODY_WORDS = set("""
congress senate house department ministry army navy air force forces military marines government
parliament court supreme academy institute agency bureau commission committee council survey
embassy consulate administration cabinet treasury police guard coast patrol office service
""".split())
# Words that mark a company, university or media name ("Air India Express", "University College London").
COMPANY_WORDS = set("""
university college school inc corp corporation co ltd limited plc llc group holdings airlines airways
express times news post press herald tribune journal broadcasting radio tv television network channel
hospital motors bank telecom petroleum energy foundation club fc united airport railways rail
""".split())
# Where the US state is meant unless these appear.
GEORGIA_CUES = ("Tbilisi", "Georgian", "Abkhazia", "South Ossetia", "Caucasus", "Saakashvili")
# Well-known short forms joined to one value.
ORG_SHORT_FORMS = {
    "UN": "United Nations", "U.N.": "United Nations", "EU": "European Union", "E.U.": "European Union",
    "Nato": "NATO", "North Atlantic Treaty Organization": "NATO", "North Atlantic Treaty Organisation": "NATO",
    "WHO": "World Health Organization", "World Health Organisation": "World Health Organization",
    "IMF": "International Monetary Fund", "Organization of Petroleum Exporting Countries": "OPEC",
    "Organisation of Petroleum Exporting Countries": "OPEC", "UN Security Council": "United Nations Security Council",
    "U.N. Security Council": "United Nations Security Council", "Security Council": "United Nations Security Council",
    "EC": "European Community", "EEC": "European Economic Community",
    "GATT": "General Agreement on Tariffs and Trade", "Fed": "Federal Reserve",
}

EXTRACTOR_VERSION = 1

_ACRONYM_DEF = re.compile(r"^(?P<long>.+?)\s*\((?P<short>[A-Z][A-Za-z&.\-]{1,11})\)$")
_DIGIT = re.compile(r"\d")
# A capitalised name followed by its acronym in brackets: "Federal Security Service (FSB)".
_ACRONYM_IN_TEXT = re.compile(
    r"(?P<long>(?:[Tt]he )?[A-Z][\w'&.-]+(?: (?:of|for|and|on|de|the|[A-Z][\w'&.-]+))*? [A-Z][\w'&.-]+) "
    r"\((?P<short>[A-Z][A-Z&.]{1,9})\)")
_EDGE_PUNCT = " \t\n\"'“”‘’`«»()[]{}<>,;:!?*|/\\-–—_"


@dataclass
class Mention:
    field: str   # "title" or "body"
    start: int   # char offset within that field's text
    end: int
    facet: str   # "person" | "country" | "org"
    value: str   # canonical value it counted as


@dataclass
class Entities:
    person: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    org: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


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
        from indexer.aliases import Aliases

        self.gaz = load_gazetteer()
        self.aliases = aliases or Aliases.empty()
        # First folded word of every country name/abbreviation/demonym -> longest name in words.
        self._scan_first = {}
        for key in list(self.gaz._names) + list(self.gaz._places):
            words = key.split()
            self._scan_first[words[0]] = max(self._scan_first.get(words[0], 0), len(words))

    def extract(self, doc, title_len, dateline=None):
        """Return the person, country and org values of one article, most salient first."""
        return _Run(self, doc, title_len, dateline).run()


class _Run:
    """One article's extraction; holds the per-article state the rules share."""

    def __init__(self, ex, doc, title_len, dateline):
        self.ex, self.gaz, self.doc = ex, ex.gaz, doc
        self.title_len, self.body_off = title_len, title_len + 2
        self.dateline = dateline
        title = doc.text[:title_len]
        letters = [c for c in title if c.isalpha()]
        self.caps_title = len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) > 0.9
        self.hits = {"person": [], "country": [], "org": []}   # facet -> [(start, end, value)]

    # ---- driver -------------------------------------------------------------------------------------

    def run(self):
        spans = [s for s in (self._clean(e) for e in self.doc.ents) if s is not None]
        if self.caps_title:
            spans = [s for s in spans if s.start >= self.title_len]
        covered = [None] * len(self.doc)
        for e in self.doc.ents:
            for i in range(e.start, e.end):
                covered[i] = e.label_
        persons = self._persons(spans)
        self._countries(spans, persons)
        self._orgs(spans, persons)
        self._scan_countries(covered)
        if self.caps_title:
            self._scan_caps_title()
        return self._finish()

    def _finish(self):
        ents, mentions = Entities(), []
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
                        mentions.append(m)
            order = sorted(stats, key=lambda v: (-stats[v][0], stats[v][1]))
            setattr(ents, facet, order)
        mentions.sort(key=lambda m: (m.field != "title", m.start))
        ents.mentions = mentions
        return ents

    def _mention(self, start, end, facet, value):
        if end <= self.title_len:
            return Mention("title", start, end, facet, value)
        if start >= self.body_off:
            return Mention("body", start - self.body_off, end - self.body_off, facet, value)
        return None

    # ---- cleaning -----------------------------------------------------------------------------------

    def _clean(self, ent):
        """Strip "the", possessives, edge punctuation and line breaks; return None for nothing left."""
        text = ent.text
        start = ent.start_char
        end = ent.end_char
        lead = len(text) - len(text.lstrip(_EDGE_PUNCT))
        text, start = text[lead:], start + lead
        if text[:4].lower() == "the " and ent.label_ != "PERSON":
            text, start = text[4:], start + 4
        for suffix in ("'s", "’s", "'", "’"):
            if text.endswith(suffix):
                text = text[: -len(suffix)]
                break
        text = text.rstrip(_EDGE_PUNCT)
        end = start + len(text)
        text = " ".join(text.split())
        if not text:
            return None
        return _Span(start, end, ent.label_, text, ent.start, ent.end)

    # ---- persons ------------------------------------------------------------------------------------

    def _persons(self, spans):
        """Find person spans, resolve short forms; return {span index: value}."""
        labels = {}
        for s in spans:
            labels.setdefault(s.text, Counter())[s.label] += 1
        cands = {}   # span index -> cleaned name
        self._titled_names = set()   # lone names introduced with a title: "President Reagan"
        for i, s in enumerate(spans):
            if s.label != "PERSON":
                continue
            name, start = self._strip_titles(s)
            if name and " " not in name and self._titled(s, name):
                self._titled_names.add(name)
            if not name or self._person_junk(name, s):
                continue
            if self._really_country(name, labels):
                continue
            if " " not in name and s.tok_start > 0 and self.doc[s.tok_start - 1].text == "Pope":
                name, start = "Pope " + name, self.doc[s.tok_start - 1].idx   # regnal: keep the title
            nxt = self.doc[s.tok_end] if s.tok_end < len(self.doc) else None
            if nxt is not None and nxt.text in NAME_SUFFIXES and not name.endswith(nxt.text):
                name += " " + nxt.text
            cands[i] = (name, start)
        # A city or region labelled PERSON is not a person, unless it is part of a longer name here.
        all_tokens = [_name_tokens(n) for n, _ in cands.values()]
        for i, (name, _) in list(cands.items()):
            key = fold(name)
            if key in self.gaz._dateline or key in self.gaz._places:
                toks = _name_tokens(name)
                if not any(toks < other for other in all_tokens):
                    del cands[i]
        known = {name for name, _ in cands.values()}
        known_tokens = {t for name in known if " " in name for t in name.split()}
        # The same string labelled ORG / GPE / NORP elsewhere: a person when PERSON is how the model
        # labels it in this article (or it is the surname of a full name here), and no gazetteer name.
        for i, s in enumerate(spans):
            if s.label in ("ORG", "GPE", "NORP", "LOC") and i not in cands:
                votes = labels.get(s.text, Counter())
                if (s.text in known and votes["PERSON"] >= votes[s.label]) or (
                        " " not in s.text and s.text in known_tokens and s.label == "ORG"):
                    if not self.gaz.lookup(s.text) and not self._person_junk(s.text, s):
                        cands[i] = (s.text, s.start)
        values = self._resolve_short_forms(cands)
        for i, (name, start) in cands.items():
            value = values.get(name)
            if value:
                self.hits["person"].append((start, spans[i].end, value))
        return {i: values.get(name) for i, (name, _) in cands.items()}

    def _strip_titles(self, s):
        """Drop a leading title ("Foreign Minister", "Mr", "Russian President") from a PERSON span."""
        words = s.text.split(" ")
        cut = 0
        for n, w in enumerate(words[:-1]):
            lw = w.lower().rstrip(".")
            if lw in TITLE_WORDS:
                cut = n + 1
            elif not (w[:1].islower() or w.endswith(("'s", "’s")) or self.gaz.lookup(w.rstrip("'s’"))):
                break
        # A leading place ("Koszalin Piotr Jedlinski") is no part of the name.
        while len(words) - cut > 2 and self.gaz.lookup(words[cut]):
            cut += 1
        while len(words) - cut > 1 and words[-1] in CAPTION_WORDS:
            words = words[:-1]
        for cap in CAPTION_WORDS:   # glued: "Jo JorgensenImage"
            w = words[-1]
            if w.endswith(cap) and len(w) > len(cap) + 3 and w[-len(cap) - 1].islower():
                words[-1] = w[: -len(cap)]
        name = " ".join(words[cut:])
        start = s.start + (len(" ".join(words[:cut])) + 1 if cut else 0)
        # A name must not start with punctuation left from the title ("Gen. -", "'s").
        lead = len(name) - len(name.lstrip(_EDGE_PUNCT + "."))
        return name[lead:], start + lead

    def _person_junk(self, name, s):
        words = name.split()
        if len(words) > 5 or _DIGIT.search(name) or any(c in name for c in "@#/\\|=+_[]{}()\""):
            return True
        if words[-1].lower().rstrip(".") in THING_LAST or (len(words) > 1 and words[0].lower() in THING_FIRST):
            return True
        if not any(w[:1].isupper() for w in words):
            return True
        if fold(name) in NOT_PERSON:
            return True
        if len(words) == 1:
            w = words[0]
            if len(w) < 2 or (w.isupper() and len(w) > 1 and not self.caps_title):
                return True
            if w.isupper() and len(w) <= 3:
                return True
            prev = self.doc[s.tok_start - 1].lower_ if s.tok_start > 0 else ""
            if prev in FAMILY_WORDS:   # "his wife Mary": a given name alone is no facet value
                return True
        elif all(w.isupper() for w in words if w.isalpha()) and not self.caps_title:
            return True
        return False

    def _really_country(self, name, labels):
        """A PERSON string that is a country name the model also labels GPE, or is no given name."""
        hit = self.gaz.name(name)
        if not hit or hit.kind == "demonym":
            return bool(hit) or bool(self.gaz.place(name) and labels.get(name, Counter())["GPE"])
        votes = labels.get(name, Counter())
        if fold(name) in NAME_LIKE_COUNTRIES:
            return votes["GPE"] + votes["LOC"] > votes["PERSON"]
        return True

    def _resolve_short_forms(self, cands):
        """Map each name to the fullest name of the article it is part of ("Putin" -> "Vladimir Putin")."""
        first = {}
        for name, start in cands.values():
            first[name] = min(first.get(name, start), start)
        toks = {n: _name_tokens(n) for n in first}
        out = {}
        for n in first:
            longer = [m for m in first if m != n and toks[n] and toks[n] < toks[m]]
            # keep only the maximal ones ("Barack Hussein Obama" over "Barack Obama")
            longer = [m for m in longer if not any(toks[m] < toks[o] for o in longer)]
            if not longer:
                full = self._complete_name(n) if " " not in n else None
                out[n] = full or (n if self._looks_like_name(n) and self._lone_ok(n, cands) else None)
            elif len(longer) == 1:
                out[n] = longer[0]
            else:
                # Two Clintons: the one named most recently before the short form's first use.
                before = [m for m in longer if first[m] <= first[n]]
                out[n] = max(before, key=lambda m: first[m]) if before else min(longer, key=first.get)
        return out

    def _complete_name(self, word):
        """A lone name the model found only in part: take the capitalised name words next to it in the
        text ("Alexei" + "Leonov", "Valeria" + "Gazzola") when they are no title, place or common word."""
        doc, best = self.doc, None
        for t in doc:
            if t.text != word or (self.caps_title and t.idx < self.title_len):
                continue
            j, k = t.i, t.i + 1
            while j > 0 and t.i - j < 2 and self._name_word(doc[j - 1]):
                j -= 1
            while k < len(doc) and k - t.i <= 2 and self._name_word(doc[k]):
                k += 1
            if k - j > 1 and (best is None or k - j > len(best.split())):
                best = doc[j:k].text
        return best

    def _name_word(self, tok):
        text = tok.text
        if tok.ent_type_ not in ("", "PERSON") or not text[:1].isupper() or text.isupper() and len(text) > 2:
            return False
        if not (tok.is_alpha or (len(text) == 2 and text[1] == ".")):
            return False
        low = text.lower().rstrip(".")
        return low not in TITLE_WORDS and low not in self.gaz.common_words and not self.gaz.lookup(text)

    def _titled(self, s, name):
        """The PERSON span carried a title, or a title word stands right before it ("Mr Nakasone")."""
        if name != s.text:
            return True
        prev = self.doc[s.tok_start - 1] if s.tok_start > 0 else None
        return prev is not None and prev.text[:1].isupper() and prev.lower_.rstrip(".") in TITLE_WORDS

    def _lone_ok(self, name, cands):
        """A lone name that joins no full name is kept when a title introduced it or it recurs:
        a single capitalised word seen once is too often a place, a product or a first name."""
        if " " in name:
            return True
        return name in self._titled_names or sum(n == name for n, _ in cands.values()) >= 2

    def _looks_like_name(self, name):
        words = name.split()
        if len(words) > 1:
            return True
        w = words[0]
        return (w[:1].isupper() and not w.isupper() and len(w) > 2 and w.replace("-", "").replace("'", "").isalpha()
                and w.lower() not in self.gaz.common_words and not self.gaz.lookup(w))

    # ---- countries ----------------------------------------------------------------------------------

    def _countries(self, spans, persons):
        for i, s in enumerate(spans):
            if i in persons:
                continue
            if s.label in ("GPE", "LOC", "FAC"):
                hit = self._place_hit(s)
                if hit and (s.label != "FAC" or hit.kind == "place"):
                    self._add_country(s, hit)
            elif s.label == "NORP":
                hit = self.gaz.name(s.text)
                if hit and self._demonym_ok(s.tok_start, s.tok_end):
                    self._add_country(s, hit)
            elif s.label == "ORG":
                hit = self._org_country(s)
                if hit:
                    self._add_country(s, hit)
            elif s.label == "PERSON" and persons.get(i) is None:
                hit = self.gaz.name(s.text)
                if hit and hit.kind != "demonym" and fold(s.text) not in NAME_LIKE_COUNTRIES:
                    self._add_country(s, hit)
        if self.dateline:
            country = self.gaz.dateline(self.dateline)
            if country:
                self.hits["country"].append((-1, -1, country))

    def _place_hit(self, s):
        hit = self.gaz.lookup(s.text)
        if hit:
            if hit.kind == "demonym" and not self._demonym_ok(s.tok_start, s.tok_end):
                return None
            return hit
        # "Portland, Oregon", "Kosovo, Serbia": the last part that is known.
        if "," in s.text:
            for part in reversed(s.text.split(",")):
                hit = self.gaz.lookup(part.strip())
                if hit:
                    return hit
        return None

    def _add_country(self, s, hit):
        country = hit.country
        if country == "Georgia" and self._georgia_is_us_state():
            country = "United States"
        self.hits["country"].append((s.start, s.end, country))

    def _georgia_is_us_state(self):
        if not hasattr(self, "_georgia"):
            text = self.doc.text
            cue = any(c in text for c in GEORGIA_CUES)
            us = any(v == "United States" for _, _, v in self.hits["country"]) or any(
                w in text for w in ("U.S.", "US ", "Atlanta", "United States", "American"))
            self._georgia = us and not cue
        return self._georgia

    def _demonym_ok(self, tok_start, tok_end):
        """A demonym counts unless it names a language, cuisine, ethnicity, currency or sea."""
        doc = self.doc
        nxt = doc[tok_end].lower_ if tok_end < len(doc) else ""
        prev = doc[tok_start - 1].lower_ if tok_start > 0 else ""
        if prev == "-" and tok_start > 1:   # "ethnic-Albanian"
            prev = doc[tok_start - 2].lower_
        if nxt in DEMONYM_NEXT_STOP or prev in DEMONYM_PREV_STOP:
            return False
        if prev in ("and", "or", ",") and tok_start >= 2:
            # "from Spanish into English and German": a list of languages
            before = doc[tok_start - 2]
            if before.text in LANGUAGES or (before.text[:1].isupper() and self.gaz.name(before.text)
                                           and not self._demonym_ok(tok_start - 2, tok_start - 1)):
                return False
        if nxt == "-" and tok_end + 1 < len(doc) and doc[tok_end + 1].lower_ in ("language", "speaking"):
            return False
        return True

    def _org_country(self, s):
        """An ORG that is a country ("U.S." mislabelled), a metonym, or a national public body."""
        hit = self.gaz.name(s.text)
        if hit and hit.kind != "demonym":
            return hit
        hit = self.gaz.place(s.text)
        if hit and s.text[:1].isupper():
            # metonyms ("Kremlin", "White House") and capitals ("Moscow" as a government) count
            return hit
        words = s.text.split()
        if len(words) < 2 or any(w.strip(".,").lower() in COMPANY_WORDS for w in words):
            return None
        if not any(w.strip(".,").lower() in PUBLIC_BODY_WORDS for w in words):
            return None
        for n in (3, 2, 1):
            hit = self.gaz.name(" ".join(words[:n]))
            if hit:
                return hit
        return None

    def _scan_countries(self, covered):
        """Country names, codes and demonyms the model did not label GPE/NORP (or labelled oddly)."""
        doc, gaz, first = self.doc, self.gaz, self.ex._scan_first
        start_tok = 0
        if self.caps_title:
            while start_tok < len(doc) and doc[start_tok].idx < self.body_off:
                start_tok += 1
        i, n_tok = start_tok, len(doc)
        while i < n_tok:
            t = doc[i]
            if not t.text[:1].isupper() or t.lower_ not in first:
                i += 1
                continue
            matched = False
            for n in range(min(first[t.lower_], n_tok - i), 0, -1):
                span = doc[i:i + n]
                key = fold(span.text)
                hit = gaz.name(span.text)
                if hit is None:
                    if key in gaz._places:
                        i += n   # a place name ("New Jersey") hides the country name inside it
                        matched = True
                        break
                    continue
                labels = {covered[j] for j in range(i, i + n)}
                if self._scan_ok(span, hit, labels):
                    self._add_country(_Span(span.start_char, span.end_char, "SCAN", span.text, i, i + n), hit)
                i += n
                matched = True
                break
            if not matched:
                i += 1

    def _scan_ok(self, span, hit, labels):
        # Entities the model labelled are handled by their label; inside names of things they don't count.
        if labels & {"GPE", "LOC", "NORP", "ORG", "PERSON", "WORK_OF_ART", "PRODUCT", "LAW", "LANGUAGE", "FAC"}:
            return False
        text = span.text
        if hit.kind == "abbr" and text != text.upper():
            return False
        if not text[:1].isupper() or fold(text) in AMBIGUOUS_COUNTRY_WORDS:
            return False
        if text.isupper() and hit.kind != "abbr" and len(text) > 3:
            return False   # "CHINA" in running text is a heading or a name; leave it
        if hit.kind == "demonym" and not self._demonym_ok(span.start, span.end):
            return False
        doc = self.doc
        nxt = doc[span.end].lower_ if span.end < len(doc) else ""
        if nxt in WATER_WORDS or nxt in ("dollar", "dollars", "$"):
            return False
        if span.start >= 2 and doc[span.start - 1].lower_ == "of" and doc[span.start - 2].lower_ in WATER_WORDS:
            return False
        return True

    def _scan_caps_title(self):
        """ALL-CAPS wire titles: country names and the surnames of the body's people."""
        doc, gaz = self.doc, self.gaz
        surnames = {}
        for start, end, value in self.hits["person"]:
            if start >= self.body_off:
                surnames.setdefault(value.split()[-1].upper(), value)
        i = 0
        while i < len(doc) and doc[i].idx < self.title_len:
            t = doc[i]
            for n in (3, 2, 1):
                span = doc[i:i + n]
                if span.end_char > self.title_len:
                    continue
                hit = gaz.name(span.text)
                if hit and hit.kind != "demonym" and fold(span.text) not in AMBIGUOUS_COUNTRY_WORDS:
                    self.hits["country"].append((span.start_char, span.end_char, hit.country))
                    i += n - 1
                    break
            else:
                if t.text in surnames:
                    self.hits["person"].append((t.idx, t.idx + len(t.text), surnames[t.text]))
            i += 1

    # ---- orgs ---------------------------------------------------------------------------------------

    def _orgs(self, spans, persons):
        acronyms = {}   # short -> long, from "Federal Security Service (FSB)" in this article
        org_spans = []
        for i, s in enumerate(spans):
            if s.label != "ORG" or i in persons or self._org_country(s) or self.gaz.lookup(s.text):
                continue
            text = s.text
            m = _ACRONYM_DEF.match(text)
            if m:
                acronyms[m["short"]] = m["long"]
                text = m["long"]
            elif s.tok_end + 2 < len(self.doc) and self.doc[s.tok_end].text == "(" and self.doc[s.tok_end + 2].text == ")":
                short = self.doc[s.tok_end + 1].text
                if short.isupper() and 2 <= len(short) <= 8:
                    acronyms[short] = text
            if self._org_junk(text):
                continue
            org_spans.append((s, text))
        for m in _ACRONYM_IN_TEXT.finditer(self.doc.text):
            # "The Federal Security Service (FSB)" where the model missed the long form
            long = m["long"].split(" ", 1)[1] if m["long"].startswith(("The ", "the ")) else m["long"]
            if m["short"] not in acronyms and len(long.split()) >= 2 and not self.gaz.lookup(long):
                acronyms[m["short"]] = long
        for s, text in org_spans:
            value = ORG_SHORT_FORMS.get(text) or acronyms.get(text) or text
            if value.startswith("US "):
                value = "U.S. " + value[3:]
            self.hits["org"].append((s.start, s.end, value))

    def _org_junk(self, text):
        words = text.split()
        if len(text) < 2 or len(words) > 10 or not text[:1].isalnum():
            return True
        if not any(c.isupper() for c in text) or text.replace(" ", "").isdigit():
            return True
        return fold(text) in NOT_PERSON


def _name_tokens(name):
    return frozenset(t for t in fold(name).replace(".", " ").split() if t)
