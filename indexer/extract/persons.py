"""Person values from an article's cleaned entity spans: titles stripped, junk dropped, short forms joined.

A span is an indexer.entities._Span (doc char offsets, label, text, token range); `doc` is the spaCy
Doc of `title + "\\n\\n" + body`; with `caps_title` (an ALL-CAPS wire title) nothing before
`title_len` is read as a name.
"""
import re
from collections import Counter
from dataclasses import dataclass

from .countries import fold
from .lexicon import (BIRTH_NAME_CUES, CAPTION_WORDS, CHARACTER_CUES, CHARACTER_CUES_2, COMPANY_WORDS, EDGE_PUNCT,
                      FAMILY_WORDS, GENERIC_ORG_NOUNS, HONORIFICS, INNER_CAPITAL_PREFIXES, NAME_LIKE_COUNTRIES,
                      NAME_PARTICLES, NAME_SUFFIXES, NOT_PERSON, PLACE_AFTER, PLACE_PREPOSITIONS, POST_NOMINALS,
                      PUBLIC_BODY_WORDS, QUESTION_OPENERS, ROLE_NOUNS, SPEECH_VERBS, SURNAME_THING_LAST, TEAM_WORDS,
                      THING_BEFORE, THING_FIRST, THING_LAST, TITLE_ADJECTIVES, TITLE_WORDS, TRAILING_FUNCTION_WORDS,
                      WORK_NOUNS)

# Labels of things: a name the model gives one of these as often as PERSON is that thing
# ("The Raspberry Pi" WORK_OF_ART beside "Raspberry Pi" PERSON).
THING_LABELS = ("WORK_OF_ART", "PRODUCT", "EVENT", "FAC", "LAW")
# Labels under which the model puts names of people it misreads ("Dr Valeria Gazzola" ORG); not dates,
# numbers or quantities.
SHAPE_LABELS = frozenset(("ORG", "WORK_OF_ART", "PRODUCT", "FAC", "GPE", "LOC", "NORP", "EVENT"))

# The votes of a text no span has: only read (a missing key of a Counter reads 0 and is not added).
NO_VOTES = Counter()
_DIGIT = re.compile(r"\d")
_INNER_CAPITAL = re.compile(r"[a-zà-ÿ][A-Z]")
_INITIAL = re.compile(r"[A-Z]\.")
_PARTICLE_NAME = re.compile(r"[dDlL]['’][A-ZÀ-Ý]\w+")   # "d'Estaing", "L'Heureux"


def find_persons(spans, doc, gaz, caps_title, title_len, words=None, lowers=None, evidence=None, text=None):
    """Find person spans, resolve short forms; return ([(start, end, value)], {span index: value}).

    `words` / `lowers` are the tokens' text and lower_ when the caller has them (a Token is built
    anew on every doc[i]) and `text` doc.text (built anew on every access); `evidence`, a list, receives
    how short forms shared by a family were read."""
    if words is None:
        words = [t.text for t in doc]
    if lowers is None:
        lowers = [t.lower_ for t in doc]
    if text is None:
        text = doc.text
    labels = {}   # span text -> Counter of its labels (read with labels.get(text, NO_VOTES))
    for s in spans:
        votes = labels.get(s.text)
        if votes is None:
            labels[s.text] = votes = Counter()
        votes[s.label] += 1
    label_at = LabelAt(spans)   # token index -> the label of the entity span over it
    cands = {}   # span index -> cleaned name
    titled_names = set()   # lone names introduced with a title: "President Reagan"
    for i, s in enumerate(spans):
        if s.label != "PERSON" or "\n\n" in text[s.start:s.end]:   # "Frozen\n\nGwenom": two paragraphs
            continue
        name, start = strip_titles(s, gaz)
        if ":" in name:   # a list's label glued on: "Manchester United: Schmeichel"
            cut = name.rindex(":") + 1
            rest = name[cut:].lstrip()
            name, start = rest.rstrip(), start + cut + (len(name) - cut - len(rest))
        if "[" in name or "]" in name:   # an editor's insertion: "[Augustine Triumph] Attah"
            name = " ".join(name.replace("[", "").replace("]", "").split())
        if " " in name and s.tok_start > 0 and lowers[s.tok_start - 1] in BIRTH_NAME_CUES:
            continue   # "was born Peter Edward Baker": the birth name of someone the article names otherwise
        if name and " " in name and name.split(" ", 1)[0].lower() in QUESTION_OPENERS and is_question(s, doc):
            name, start = name.split(" ", 1)[1], start + len(name.split(" ", 1)[0]) + 1
        if name and " " not in name and is_titled(s, name, doc):
            titled_names.add(name)
        if not name or is_person_junk(name, s, doc, caps_title, gaz):
            continue
        if is_really_country(name, labels, gaz):
            continue
        if " " not in name and s.tok_start > 0 and doc[s.tok_start - 1].text == "Pope":
            name, start = "Pope " + name, doc[s.tok_start - 1].idx   # regnal: keep the title
        nxt = doc[s.tok_end] if s.tok_end < len(doc) else None
        if nxt is not None and nxt.text in NAME_SUFFIXES and not name.endswith(nxt.text):
            name += " " + nxt.text
        elif (nxt is not None and nxt.text == "-" and not doc[s.tok_end - 1].whitespace_
              and s.tok_end + 1 < len(doc) and doc[s.tok_end + 1].is_lower):
            k = s.tok_end   # the model cut a hyphenated surname: "Chan" of "Chan-o-cha"
            while k + 1 < len(doc) and doc[k].text == "-" and not doc[k - 1].whitespace_ and doc[k + 1].is_lower:
                k += 2
            name += doc[s.tok_end:k].text
        elif nxt is not None and " " in name and is_name_tail(nxt, gaz):
            name += " " + nxt.text   # "Valéry Giscard" + "d'Estaing", "Yuval Noah" + "Hariri"
            for cap in CAPTION_WORDS:   # glued: "Gloria La RivaImage"
                if name.endswith(cap) and name[-len(cap) - 1].islower():
                    name = name[: -len(cap)]
        cands[i] = (name, start)
    # A lone name the article also gives as a storm, god or place ("Hurricane Humberto", "Waterloo station",
    # "Abydos, Saqqara and ...") is no person.
    things = thing_names(doc, spans, gaz, words, lowers)
    # Common words the article also names as an org or product ("Red Hat" of "Red Hat Enterprise
    # Linux", "Crew Dragon") are that thing.
    other = [s.text for s in spans if s.label != "PERSON"]
    works_evidence = work_names(cands, spans, words, lowers)
    works = works_evidence.thing
    # an interview's speaker tag "((Aparna Garg))" is often labelled WORK_OF_ART: no vote
    thing_votes = Counter(s.text for s in spans if s.label in THING_LABELS
                          and not (s.tok_start > 0 and words[s.tok_start - 1] in ("(", "[")))
    cued, captions = character_names(cands, spans, text, gaz, words, lowers)
    characters = cued | (captions - works_evidence.person)
    if characters:   # a character's short form goes with it ("Abe" of "Abe Sapien"), unless another name has it
        character_toks = [name_tokens(n) for n in characters]
        other_toks = [name_tokens(n) for n, _ in cands.values() if n not in characters]
        characters |= {n for n, _ in cands.values() if any(name_tokens(n) < c for c in character_toks)
                       and not any(name_tokens(n) < o for o in other_toks)}
    places = place_names(cands, spans, words, lowers) - works_evidence.person
    for i, (name, _) in list(cands.items()):
        if name in characters:
            del cands[i]   # "the character Tasha Yar", "Marty McFly from Back to the Future"
            continue
        if name in titled_names:
            continue
        if name in places:
            del cands[i]   # "a block of flats in La Llagosta", "Maidan Wardak province"
            continue
        votes = labels.get(name, NO_VOTES)
        if " " in name and (name in works or is_common_phrase(name, gaz) or is_team(name, gaz)
                            or thing_votes[name] >= max(votes["PERSON"], 1)):
            del cands[i]   # "Harry Potter" books, "Public Licensed", "Hertha Berlin", "Raspberry Pi" (a product)
            continue
        if (" " not in name and name in things) or (all(w.lower() in gaz.common_words for w in name.split())
                              and any(t == name or t.startswith(name + " ") for t in other)):
            del cands[i]
        elif " " not in name and sum(votes.values()) - votes["PERSON"] > votes["PERSON"]:
            del cands[i]   # "Samos" labelled GPE more often than PERSON
    # A city or region labelled PERSON is not a person, unless it is part of a longer name here.
    all_tokens = [name_tokens(n) for n, _ in cands.values()]
    for i, (name, _) in list(cands.items()):
        if gaz.has_dateline_city(name) or gaz.has_place(name):
            toks = name_tokens(name)
            if not any(toks < other for other in all_tokens):
                del cands[i]
    known = {name for name, _ in cands.values()}
    for i, s in enumerate(spans):
        if s.label == "ORG" and i not in cands:
            full = person_in_org(s, known, doc, gaz)   # "Ricardo Rosselló Nevares", "Vermont Bernie Sanders"
            if full and not is_person_junk(full[0], s, doc, caps_title, gaz):
                cands[i] = full
    for i, s in enumerate(spans):
        if s.label in SHAPE_LABELS and i not in cands:
            if " " in s.text:
                full = person_by_shape(s, spans, i, cands, words, lowers, text, gaz)
            else:   # a surname between two people of a list ("Schmeichel, Neville, Pallister")
                listed = (in_person_list(s, words, label_at, both=True) and looks_like_name(s.text, gaz)
                          and s.text not in gaz.name_words)
                full = (s.text, s.start) if listed else None
            if full and not is_person_junk(full[0], s, doc, caps_title, gaz):
                cands[i] = full
    known = {name for name, _ in cands.values()}
    known_tokens = {t for name in known if " " in name for t in name.split()}
    # The same string labelled ORG / GPE / NORP elsewhere: a person when PERSON is how the model
    # labels it in this article (or it is the surname of a full name here), and no gazetteer name.
    for i, s in enumerate(spans):
        if s.label in ("ORG", "GPE", "NORP", "LOC") and i not in cands:
            votes = labels.get(s.text, NO_VOTES)
            if (s.text in known and votes["PERSON"] >= votes[s.label]) or (
                    " " not in s.text and s.text in known_tokens and s.label == "ORG"):
                if not gaz.lookup(s.text) and not is_person_junk(s.text, s, doc, caps_title, gaz):
                    cands[i] = (s.text, s.start)
    # lone names in a list of people ("Irwin, May, Cantona, Beckham"): a line-up names people
    listed = {name for i, (name, _) in cands.items() if " " not in name and in_person_list(spans[i], words, label_at)}
    values, families = resolve_short_forms(cands, titled_names, doc, gaz, caps_title, title_len, words,
                                           spoken=works_evidence.person | listed)
    chosen = dict(values)
    picks = {}   # span index -> value, for the short forms a family shares ("Trump" of Donald and Melania)
    for name, members in families.items():
        picks.update(pick_family_members(name, members, cands, spans, words, evidence))
    hits = []
    for i, (name, start) in cands.items():
        value = picks.get(i) or chosen.get(name)
        if value:
            hits.append((start, spans[i].end, value))
    return hits, {i: picks.get(i) or values.get(name) for i, (name, _) in cands.items()}


def is_surname_use(words, gaz):
    """Whether a name ending in a thing word that is a surname too is a person's: "Doris Day", "Russell
    Church" (not "Memorial Day", "Canada Day", "Penny Lane"): a first word that is no English word or place."""
    if len(words) < 2:
        return False
    first = words[0]
    return first.lower() not in gaz.common_words and not gaz.lookup(first) and first[:1].isupper()


def character_names(cands, spans, text, gaz, words, lowers):
    """Names the article uses as a fictional character: after "the character" or "dressed as" ("the
    character Tasha Yar", "dressed as Charizard"), or on a caption line "Marty McFly from Back to the
    Future" (a name, "from", a title that is no place). Return (the cued ones, the captions)."""
    out, captions = set(), set()
    n = len(words)
    for i, (name, _) in cands.items():
        s = spans[i]
        k = s.tok_start
        p1 = lowers[k - 1] if k > 0 else ""
        p2 = (lowers[k - 2], p1) if k > 1 else ("", p1)
        if p1 in CHARACTER_CUES or p2 in CHARACTER_CUES_2:
            out.add(name)
            continue
        # a caption: the line opens with the name, then "from" and a capitalised title, and ends soon
        line_start = text.rfind("\n", 0, s.start) + 1
        k = s.tok_end + 2 if s.tok_end + 2 < n and lowers[s.tok_end + 1] == "the" else s.tok_end + 1
        if (k < n and lowers[s.tok_end] == "from" and words[k][:1].isupper()
                and not text[line_start:s.start].strip()):
            line_end = text.find("\n", s.end)
            line = text[s.end:line_end if line_end >= 0 else len(text)]
            rest = line.split(" from ", 1)[-1].strip(" .")
            if (len(line.split()) <= 10 and not any(c in line for c in ".,;:!?\"")
                    and not gaz.lookup(rest) and not gaz.has_place(rest) and not gaz.has_dateline_city(rest)
                    and not gaz.lookup(rest.split()[0])):
                captions.add(name)
    return out, captions


def place_names(cands, spans, words, lowers):
    """Names the article uses as a place or thing and never as a person: before a place noun ("Maidan
    Wardak province") or after a preposition of place ("in La Llagosta") in at least half their uses,
    or always as the start of a thing's name ("James Webb space telescope")."""
    place, thing, uses = Counter(), Counter(), Counter()
    n = len(words)
    for i, (name, _) in cands.items():
        s = spans[i]
        uses[name] += 1
        nxt = lowers[s.tok_end] if s.tok_end < n else ""
        if nxt in ("'s", "’s", "'") or words[s.tok_end - 1] in ("'s", "’s", "'"):
            continue   # "in Trump's view"
        if (nxt in PLACE_AFTER and words[s.tok_end].islower()) or (
                s.tok_start > 0 and lowers[s.tok_start - 1] in PLACE_PREPOSITIONS and words[s.tok_start][:1].isupper()):
            place[name] += 1
        elif thing_after(s.tok_end, words):
            thing[name] += 1
    return ({name for name, k in place.items() if 2 * k >= uses[name]}
            | {name for name, k in thing.items() if k == uses[name]})


def thing_after(k, words):
    """Whether the words from token k on end a thing's name in one or two words of one case: "James
    Webb space telescope", "Richard J. Donovan Correctional Facility", "Bernardo O'Higgins Riquelme Base"."""
    for m in (1, 2):
        seq = words[k:k + m]
        if len(seq) < m or not all(w.isalpha() for w in seq):
            return False
        if not (all(w.islower() for w in seq) or all(w.istitle() for w in seq)):
            return False
        if seq[-1].lower() in THING_LAST and seq[-1].lower() not in SURNAME_THING_LAST:
            return True
    return False


def person_by_shape(s, spans, i, cands, words, lowers, text, gaz):
    """A span the model labelled otherwise that is a person by its place in the text: a title inside it
    or a role noun before it ("Dr Valeria Gazzola", "Detective Constable Daniel Dubé" labelled ORG;
    "spokesperson Carlotta Weibl"), an interview's speaker tag ("((Valeria Gazzola))"), or a name in a
    list with a person ("Dr Christian Keysers and Dr Valeria Gazzola"). Return (name, doc char start)
    or None. `words` / `lowers` are the Doc's tokens' text and lower_, `text` the Doc's text."""
    parts = s.text.split()
    while len(parts) > 2 and (parts[-1].lower() in TRAILING_FUNCTION_WORDS   # "Patrice Talon of"
                              or parts[-1].rstrip(".") in POST_NOMINALS):     # "Kama Melly QC"
        parts = parts[:-1]
    cut, titled = 0, False
    while len(parts) - cut > 2 or (len(parts) - cut == 2 and parts[cut].lower().rstrip(".") in HONORIFICS):
        w = parts[cut]
        low = w.lower().rstrip(".")
        if low in HONORIFICS or (low in TITLE_WORDS and low not in TITLE_ADJECTIVES) or low in ROLE_NOUNS:
            titled = True
        elif not (low == "the" or gaz.lookup(w)):
            break
        cut += 1
    rest = parts[cut:]
    if not 2 <= len(rest) <= 3:
        return None
    # the context first (cheap), the shape of the name after; a title or a country in brackets says
    # more than a role noun, a list or a speaker tag, so after them a name may hold an English word
    # ("Usain Bolt (Jamaica)", "Dr Ben White"), after the others not ("spokesperson Solaris Paper")
    strong = (titled or role_before(s, words, lowers) or country_in_brackets(s, words, gaz)
              or person_after(s, words, lowers))
    if not (strong or listed_with_person(s, spans, i, cands, words) or is_speaker_label(s, text)):
        return None
    if not all(is_plain_name_word(w, gaz) or (_INITIAL.fullmatch(w) and 0 < k < len(rest) - 1)
               for k, w in enumerate(rest)):   # "Ulysses S. Grant"
        return None
    name = " ".join(rest)
    if is_common_phrase(name, gaz) or not strong and any(
            w.lower() in gaz.common_words and w not in gaz.name_words for w in rest):
        return None
    if gaz.lookup(name) or gaz.has_place(name) or gaz.has_dateline_city(name):   # "Puerto Rico"
        return None
    return name, s.start + (len(" ".join(parts[:cut])) + 1 if cut else 0)


def role_before(s, words, lowers):
    """Before the span, what only a person has: a role noun or title, maybe with a comma between
    ("Sea-Eye spokesperson Carlotta Weibl", "a State Department spokesperson, Morgan Ortagus",
    "opponent MP Tanya Davies"), an age ("40-year-old Skandaraj Navaratnam") or a relative ("wife of
    Valery Tsapkala")."""
    k = s.tok_start - 1
    if k > 0 and words[k] == ",":
        k -= 1
    if k < 0:
        return False
    low = lowers[k].rstrip(".")
    if low in ROLE_NOUNS or (low in TITLE_WORDS and low not in TITLE_ADJECTIVES) or low in HONORIFICS:
        return True
    if low == "old" and k >= 2 and words[k - 1] == "-" and lowers[k - 2] in ("year", "years"):
        return True   # "40-year-old": "40", "-", "year", "-", "old"
    return low == "of" and k > 0 and lowers[k - 1] in FAMILY_WORDS


def person_after(s, words, lowers):
    """After the span, what only a person has: ", who" ("Viktar Babaryka, who was arrested"), or an
    apposition naming a role within four words (", the Secretary of Justice", ", the Hungarian
    Government commissioner")."""
    k = s.tok_end
    n = len(words)
    if k + 1 >= n or words[k] != ",":
        return False
    first = lowers[k + 1]
    if first == "who":
        return True
    if first in ("the", "a", "an", "his", "her", "their"):
        k += 1
    elif not (words[k + 1].islower() and (first in TITLE_WORDS or first in ROLE_NOUNS)):
        return False   # ", also known as King T'Challa": no apposition
    for j in range(k + 1, min(n, k + 5)):
        low = lowers[j]
        if not any(c.isalnum() for c in low):   # punctuation ends the apposition
            return False
        if low in ROLE_NOUNS or (low in TITLE_WORDS and low not in TITLE_ADJECTIVES):
            return True
    return False


class LabelAt:
    """{token index: the label of the entity span over it}, built on first use (line-ups are rare)."""

    def __init__(self, spans):
        self.spans, self.at = spans, None

    def get(self, k):
        if self.at is None:
            self.at = {t: s.label for s in self.spans for t in range(s.tok_start, s.tok_end)}
        return self.at.get(k)


def in_person_list(s, words, label_at, both=False):
    """Whether the span is one item of a line-up: a list of four names or more, commas or "and"
    between them, three or more of which the model labels PERSON ("Schmeichel, Neville, Pallister,
    Irwin, May"); with `both`, a name the model labels PERSON on either side of it. Two or three
    names ("his children Christopher and Stanislaus") are no line-up. `words` are the tokens' text,
    `label_at` {token index: entity label}."""
    n = len(words)
    seps = (",", "and", ";")
    if both and not (s.tok_start >= 2 and words[s.tok_start - 1] in seps and s.tok_end + 1 < n
                     and words[s.tok_end] in seps and label_at.get(s.tok_start - 2) == "PERSON"
                     and label_at.get(s.tok_end + 1) == "PERSON"):
        return False
    items, people = 1, 0
    for step, edge in ((-1, s.tok_start - 1), (1, s.tok_end)):
        k = edge
        while 0 <= k < n and words[k] in seps:
            while 0 <= k < n and words[k] in seps:   # ", and"
                k += step
            # one item: a capitalised word, or a PERSON entity of up to four tokens
            if not (0 <= k < n and words[k][:1].isupper()):
                break
            label = label_at.get(k)
            j = k
            while label == "PERSON" and 0 <= j + step < n and abs(j + step - k) < 4 and label_at.get(j + step) == label:
                j += step
            items += 1
            people += label == "PERSON"
            k = j + step
            if items >= 12:
                break
    return items >= 4 and people >= 3


def country_in_brackets(s, words, gaz):
    """A country in brackets right after the span, as results lists give athletes ("1. Usain Bolt
    (Jamaica) 9.58", "beat Dominic Thiem (Austria) 7-5")."""
    k = s.tok_end
    if k + 2 >= len(words) or words[k] != "(":
        return False
    for m in (1, 2, 3):
        if k + m + 1 < len(words) and words[k + m + 1] == ")":
            hit = gaz.lookup(" ".join(words[k + 1:k + m + 1]))
            return bool(hit) and hit.kind != "demonym"
    return False


def listed_with_person(s, spans, i, cands, words):
    """A comma or "and" alone between the span and a PERSON span next to it that is a person here."""
    for j in (i - 1, i + 1):
        if not 0 <= j < len(spans) or j not in cands or spans[j].label != "PERSON":
            continue
        a, b = (spans[j], s) if j < i else (s, spans[j])
        if b.tok_start > a.tok_end and all(w in (",", "and", "&") for w in words[a.tok_end:b.tok_start]):
            return True
    return False


def is_speaker_label(s, text):
    """An interview's speaker tag: the span alone in brackets at the start of a line ("((WN)) What ...",
    "((Valeria Gazzola)) So ..."); `text` is the Doc's text."""
    line_start = text.rfind("\n", 0, s.start) + 1
    before, after = text[line_start:s.start], text[s.end:s.end + 3]
    return bool(before) and not before.strip("([ ") and after.startswith((")", "]"))


def title_of(s, name, words):
    """The title words of one PERSON span: the ones strip_titles cut ("President" of "President Trump")
    or a title right before it; lower case, dots dropped."""
    out = set()
    if name != s.text and s.text.endswith(name):
        out = {w.lower().rstrip(".") for w in s.text[: -len(name)].split()}
    if s.tok_start > 0:
        out.add(words[s.tok_start - 1].lower().rstrip("."))
    return out & TITLE_WORDS


def pick_family_members(name, members, cands, spans, words, evidence):
    """Resolve each use of a short form several full names share ("Trump": Donald and Melania Trump):
    a title one of them carries ("President Trump"), else the one mentioned clearly most (twice as
    often), else the one named last before it. Return {span index: value}; say in `evidence`
    (a list, or None) how each was chosen, and when only proximity decided: per value and reason,
    how many uses, the candidates, how often each is named in full ("named") and where the uses
    start in the Doc's text ("at")."""
    uses = {m: [i for i, (n, _) in cands.items() if n == m] for m in members}
    titles = {m: set().union(*[title_of(spans[i], m, words) for i in at]) if at else set()
              for m, at in uses.items()}
    ranked = sorted(members, key=lambda m: -len(uses[m]))
    dominant = ranked[0] if len(uses[ranked[0]]) >= 2 * max(1, len(uses[ranked[1]])) else None
    out, why, reasons = {}, {}, {}
    for i, (n, start) in cands.items():
        if n != name:
            continue
        own = title_of(spans[i], name, words)
        by_title = [m for m in members if own & titles[m]]
        if len(by_title) == 1:
            out[i], reason = by_title[0], "title " + "/".join(sorted(own & titles[by_title[0]]))
        elif dominant:
            out[i], reason = dominant, "most mentioned"
        else:
            before = [m for m in members if uses[m] and cands[uses[m][0]][1] <= start]
            out[i] = max(before, key=lambda m: max(cands[j][1] for j in uses[m] if cands[j][1] <= start)) \
                if before else min(members, key=lambda m: cands[uses[m][0]][1] if uses[m] else 1 << 60)
            reason = "ambiguous: nearest before"
        why.setdefault((out[i], reason), 0)
        why[(out[i], reason)] += 1
        reasons[i] = reason
    if evidence is not None:
        named = {m: len(uses[m]) for m in sorted(members)}
        for (value, reason), count in sorted(why.items()):
            evidence.append({"facet": "person", "written": name, "value": value, "uses": count,
                             "why": reason, "candidates": sorted(members), "named": named,
                             "at": sorted(cands[i][1] for i in out if out[i] == value and reasons[i] == reason)})
    return out


@dataclass
class Uses:
    thing: set    # names used as a work, product, team or event, and never as a person
    person: set   # names used as a speaker, author or owner ("Merkel said", "Trump's budget")


def work_names(cands, spans, words, lowers):
    """Names the article uses as a work, product, publication, team or event: one occurrence right before
    a noun such as "books", "computer", "striker", "attack" ("the Harry Potter books"), and none as a
    speaker ("..., Stephen King said"), an author ("by Stephen King") or an owner ("Mark Dvoretsky's
    books")."""
    thing, person = set(), set()
    n = len(words)
    for i, (name, _) in cands.items():
        s = spans[i]
        nxt = lowers[s.tok_end] if s.tok_end < n else ""
        # a speaker, an author or an owner ("Bob Woodward's book": the span holds the "'s")
        if (nxt in SPEECH_VERBS or nxt in ("'s", "’s", "'") or words[s.tok_end - 1] in ("'s", "’s", "'")
                or (s.tok_start > 0 and lowers[s.tok_start - 1] == "by")):
            person.add(name)
        elif nxt in WORK_NOUNS and words[s.tok_end].islower():
            thing.add(name)
    return Uses(thing - person, person)


def is_common_phrase(name, gaz):
    """A name of capitalised common words whose first is no given name: "Public Licensed", "Nature
    Astronomy", "Atmospheric Science" (not "Bill Gates", "Rose Young")."""
    words = name.split()
    return words[0] not in gaz.name_words and all(w.lower() in gaz.common_words for w in words)


def is_team(name, gaz):
    """A club's name: a team word then a city ("Hertha Berlin", "Dynamo Kyiv", "Real Madrid")."""
    words = name.split()
    return len(words) >= 2 and words[0].lower() in TEAM_WORDS and bool(gaz.lookup(words[-1]) or
                                                                         gaz.has_dateline_city(words[-1]))


def person_in_org(s, known, doc, gaz):
    """An ORG span that is a person's name: one a PERSON span of the article names in part ("Morgan
    Tsvangirai" beside "Tsvangirai"), or a given name and surname after a place ("Vermont Bernie Sanders").
    Return (name, doc char start) or None."""
    words = s.text.split()
    cut = next((n for n in (3, 2, 1) if len(words) - n >= 2 and gaz.lookup(" ".join(words[:n]))), 0)
    rest = words[cut:]
    if not 2 <= len(rest) <= 4 or not all(is_plain_name_word(w, gaz) for w in rest):
        return None
    toks = name_tokens(" ".join(rest))
    # the words it adds to the article's name are no English words ("Morgan", "Nevares"; not "Neither")
    part_of = any(name_tokens(k) < toks and all(t not in gaz.common_words for t in toks - name_tokens(k))
                  for k in known)
    # "Senator from Vermont Bernie Sanders", "First Minister of Scotland Nicola Sturgeon"
    after_place = (cut > 0 and len(rest) == 2 and rest[0].lower() not in gaz.common_words and s.tok_start >= 2
                   and doc[s.tok_start - 1].lower_ in ("from", "of")
                   and doc[s.tok_start - 2].lower_.rstrip(".") in TITLE_WORDS)
    if not (part_of or after_place):
        return None
    return " ".join(rest), s.start + len(" ".join(words[:cut])) + (1 if cut else 0)


def is_plain_name_word(w, gaz):
    """A word that can be part of a person's name in an ORG span: capitalised, letters, no institution
    word ("Party", "Bank"), title or place."""
    low = w.lower()
    return (w[:1].isupper() and not w.isupper() and w.replace("-", "").replace("'", "").isalpha()
            and low not in COMPANY_WORDS and low not in GENERIC_ORG_NOUNS and low not in THING_LAST
            and low not in PUBLIC_BODY_WORDS and low not in TITLE_WORDS and not gaz.lookup(w)
            and not ("-" in w and any(gaz.name(p) for p in w.split("-") if p)))   # "France-Presse"


def is_question(s, doc):
    """Whether the span opens a sentence that ends in a question mark ("Will Red Hat employees ...?")."""
    prev = doc[s.tok_start - 1].text if s.tok_start > 0 else "\n"
    if not (prev.strip() == "" or prev in ".?!)]\"'“”"):
        return False
    for t in doc[s.tok_end:s.tok_end + 60]:
        if t.text in (".", "!", "?") or "\n" in t.text:
            return t.text == "?"
    return False


def thing_names(doc, spans, gaz, words, lowers):
    """Single words the article shows to be a storm, god, ship or place: after "Hurricane", "the god"
    ("Humberto", "Thoth"), before "station", "pipeline" ("Waterloo"), or listed with places
    ("Abydos, Saqqara, and Tuna el-Gebel": not "Ted Cruz of Texas, David Perdue of Georgia").
    `words` / `lowers` are the tokens' text and lower_."""
    out = set()
    for i in range(1, len(words)):
        if words[i][:1].isupper() and lowers[i - 1] in THING_BEFORE:
            out.add(words[i])
        # cheap tests first: a Token is built only for the rare candidate
        if (lowers[i] in PLACE_AFTER and words[i - 1][:1].isupper() and doc[i].is_lower
                and doc[i - 1].ent_type_ == "PERSON"):
            out.add(words[i - 1])
    places = [s for s in spans if s.label in ("GPE", "LOC", "FAC") or (s.label != "PERSON" and gaz.lookup(s.text))]
    by_start = {s.tok_start: s for s in places}
    by_end = {s.tok_end: s for s in places}
    for s in spans:
        if s.label != "PERSON" or " " in s.text:
            continue
        # "Causeway Bay, and Tin Hau": a place, a comma or "and", then the name (or the other way round)
        j = s.tok_start - 1
        while j >= 0 and words[j] in (",", "and", "or"):
            j -= 1
        k = s.tok_end
        while k < len(words) and words[k] in (",", "and", "or"):
            k += 1
        if (j < s.tok_start - 1 and j + 1 in by_end) or (k > s.tok_end and k in by_start):
            out.add(s.text)
    return out


def strip_titles(s, gaz):
    """Drop a leading title ("Foreign Minister", "Mr", "Russian President") from a PERSON span."""
    words = s.text.split(" ")
    cut = 0
    for n, w in enumerate(words[:-1]):
        lw = w.lower().rstrip(".")
        if lw in TITLE_WORDS or (fold(w) in NOT_PERSON and words[n + 1][:1].isupper()):   # "Twitter West"
            cut = n + 1
        elif not (w[:1].islower() or w.endswith(("'s", "’s")) or gaz.lookup(w.rstrip("'s’"))):
            break
    # A leading place ("Koszalin Piotr Jedlinski") is no part of the name.
    # ("George W. Bush": a place name before an initial is the given name)
    while len(words) - cut > 2 and gaz.lookup(words[cut]) and not _INITIAL.fullmatch(words[cut + 1]):
        cut += 1
    # "Sally Capp's Mayorship": the name ends at a possessive
    for n in range(cut, len(words) - 1):
        if words[n].endswith(("'s", "’s")):
            words = words[:n] + [words[n][:-2]]
            break
    while len(words) - cut > 1 and words[-1] in CAPTION_WORDS:
        words = words[:-1]
    for cap in CAPTION_WORDS:   # glued: "Jo JorgensenImage"
        w = words[-1]
        if w.endswith(cap) and len(w) > len(cap) + 3 and w[-len(cap) - 1].islower():
            words[-1] = w[: -len(cap)]
    name = " ".join(words[cut:]).replace("\u2024", ".")   # ONE DOT LEADER: "Sergey M\u2024"
    start = s.start + (len(" ".join(words[:cut])) + 1 if cut else 0)
    # A name must not start with punctuation left from the title ("Gen. -", "'s").
    lead = len(name) - len(name.lstrip(EDGE_PUNCT + "."))
    return name[lead:], start + lead


def is_person_junk(name, s, doc, caps_title, gaz):
    """Whether a PERSON string is no name: too long, digits, a thing or place, a pronoun, shouting."""
    words = name.split()
    if len(words) > 5 or _DIGIT.search(name) or any(c in name for c in "@#/\\|=+_[]{}()\""):
        return True
    last = words[-1].lower().rstrip(".")
    if last in THING_LAST and not (last in SURNAME_THING_LAST and gaz is not None and is_surname_use(words, gaz)):
        return True
    if len(words) > 1 and words[0].lower() in THING_FIRST:
        return True
    if not any(w[:1].isupper() for w in words):
        return True
    if fold(name) in NOT_PERSON:
        return True
    if any(is_brand_word(w) for w in words):   # "SpaceX", "UpGuard", "EastMed"
        return True
    if any(w[:1].islower() and w.split("-")[0] not in NAME_PARTICLES and not w.split("-")[-1][:1].isupper()
           for w in words):   # "Si el Senado" (not "el-Sisi")
        return True
    if all(w.lower().rstrip(".") in TITLE_WORDS for w in words):   # "Det Supt", "Supt"
        return True
    if len(words) == 1:
        w = words[0]
        if len(w) < 2 or (w.isupper() and len(w) > 1 and not caps_title):
            return True
        if w.isupper() and len(w) <= 3:
            return True
        prev = doc[s.tok_start - 1].lower_ if s.tok_start > 0 else ""
        if prev in FAMILY_WORDS:   # "his wife Mary": a given name alone is no facet value
            return True
    elif all(w.isupper() for w in words if w.isalpha()) and not caps_title:
        return True
    return False


def is_brand_word(w):
    """A word with a capital inside that no name prefix explains: "SpaceX", "UpGuard" (not "McCain")."""
    for part in re.split(r"[-'’]", w):
        m = _INNER_CAPITAL.search(part)
        if m and part[:m.start() + 1] not in INNER_CAPITAL_PREFIXES:
            return True
    return False


def is_really_country(name, labels, gaz):
    """A PERSON string that is a country name the model also labels GPE, or is no given name."""
    hit = gaz.name(name)
    if not hit or hit.kind == "demonym":
        return bool(hit) or bool(gaz.place(name) and labels.get(name, NO_VOTES)["GPE"])
    votes = labels.get(name, NO_VOTES)
    if fold(name) in NAME_LIKE_COUNTRIES:
        return votes["GPE"] + votes["LOC"] > votes["PERSON"]
    return True


def resolve_short_forms(cands, titled_names, doc, gaz, caps_title, title_len, words, spoken=()):
    """Map each name to the fullest name of the article it is part of ("Putin" -> "Vladimir Putin");
    `words` are the tokens' text, `spoken` the names used as a speaker or owner. Return (that map,
    {short form: [full names]} for the short forms several full names share)."""
    first = {}
    for name, start in cands.values():
        first[name] = min(first.get(name, start), start)
    toks = {n: name_tokens(n) for n in first}
    out, families = {}, {}
    for n in first:
        longer = [m for m in first if m != n and toks[n] and toks[n] < toks[m]]
        # keep only the maximal ones ("Barack Hussein Obama" over "Barack Obama")
        longer = [m for m in longer if not any(toks[m] < toks[o] for o in longer)]
        if not longer:
            full = complete_name(n, doc, gaz, caps_title, title_len, words) if " " not in n else None
            out[n] = full or (n if looks_like_name(n, gaz, n in titled_names)
                              and is_lone_ok(n, cands, titled_names, spoken) else None)
        elif len(longer) == 1:
            out[n] = longer[0]
        else:
            # Two Clintons: by default the one named most recently before the short form's first use;
            # pick_family_members reads each use.
            before = [m for m in longer if first[m] <= first[n]]
            out[n] = max(before, key=lambda m: first[m]) if before else min(longer, key=first.get)
            families[n] = sorted(longer)
    return out, families


def complete_name(word, doc, gaz, caps_title, title_len, words):
    """A lone name the model found only in part: take the capitalised name words next to it in the
    text ("Alexei" + "Leonov", "Valeria" + "Gazzola") when they are no title, place or common word.
    `words` are the tokens' text."""
    if word.lower().rstrip(".") in TITLE_WORDS:   # "Cde [comrade] Robert Mugabe"
        return None
    best = None
    for i, text in enumerate(words):
        if text != word:
            continue
        t = doc[i]
        if caps_title and t.idx < title_len:
            continue
        j, k = t.i, t.i + 1
        while j > 0 and t.i - j < 2 and is_name_word(doc[j - 1], gaz):
            j -= 1
        while k < len(doc) and k - t.i <= 2 and is_name_word(doc[k], gaz):
            k += 1
        while (k + 1 < len(doc) and not doc[k - 1].whitespace_ and doc[k].text == "-"   # "Chan-o-cha"
               and doc[k + 1].is_lower and doc[k + 1].lower_ not in gaz.common_words):  # not "Lua-based"
            k += 2
        if k - j > 1 and (best is None or k - j > len(best.split())):
            best = doc[j:k].text
    return best


def is_name_word(tok, gaz):
    """Whether a token can extend a name: capitalised, alphabetic or an initial, no title or place."""
    text = tok.text
    if tok.ent_type_ not in ("", "PERSON") or not text[:1].isupper() or text.isupper() and len(text) > 2:
        return False
    if not (tok.is_alpha or (len(text) == 2 and text[1] == ".")):
        return False
    low = text.lower().rstrip(".")
    return low not in TITLE_WORDS and low not in gaz.common_words and not gaz.lookup(text)


def is_name_tail(tok, gaz):
    """A token the model left off the end of a full name: "d'Estaing", or an unlabelled capitalised
    word that is no English word, title or place ("Hariri")."""
    if tok.ent_type_ or tok.lower_.rstrip(".") in COMPANY_WORDS:
        return False
    return bool(_PARTICLE_NAME.fullmatch(tok.text)) or (is_name_word(tok, gaz) and not tok.text.isupper())


def is_titled(s, name, doc):
    """The PERSON span carried a title, or a title word stands right before it ("Mr Nakasone")."""
    if name != s.text:
        return True
    prev = doc[s.tok_start - 1] if s.tok_start > 0 else None
    return prev is not None and prev.text[:1].isupper() and prev.lower_.rstrip(".") in TITLE_WORDS


def is_lone_ok(name, cands, titled_names, spoken=()):
    """A lone name that joins no full name is kept when a title introduced it, it recurs, or it speaks,
    owns or stands in a list of people (`spoken`: "Merkel said", "Trump's budget", "Irwin, May,
    Cantona"): a single capitalised word seen once is otherwise too
    often a place, a product or a first name. The index-wide step (indexer.resolve) may join it to
    the one full name the index knows for it."""
    if " " in name:
        return True
    return name in titled_names or name in spoken or sum(n == name for n, _ in cands.values()) >= 2


def looks_like_name(name, gaz, titled=False):
    """Whether a name of one word looks like a name: capitalised, alphabetic, no common word or place.
    After a title a common word is a surname too ("President Trump", "Mr Baker")."""
    words = name.split()
    if len(words) > 1:
        return True
    w = words[0]
    return (w[:1].isupper() and not w.isupper() and len(w) > 2 and w.replace("-", "").replace("'", "").isalpha()
            and (titled or w.lower() not in gaz.common_words) and w.lower() not in TITLE_WORDS
            and not gaz.lookup(w))


def name_tokens(name):
    """The folded words of a name, initials' dots dropped: the unit short forms are matched by."""
    return frozenset(t for t in fold(name).replace(".", " ").split() if t)
