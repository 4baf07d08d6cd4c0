"""Org values from an article's ORG spans: cleaned, well-known short forms and defined acronyms joined.

A span is an indexer.entities._Span; `doc` is the spaCy Doc of `title + "\\n\\n" + body`.
"""
import re
from collections import Counter

from .countries import fold
from .lexicon import (COMPANY_CUES, CONTEST_LAST, DOCUMENT_WORDS, GENERIC_ORG_NOUNS, NOT_PERSON_OR_ORG,
                      ORG_SHORT_FORMS, PERSON_LABELLED_ORGS, SOFTWARE_WORDS, SPEECH_VERBS, TIME_ZONES,
                      TITLE_WORDS, TRAILING_FUNCTION_WORDS)
from .persons import is_brand_word, is_speaker_label, name_tokens
from .places import org_country

# "Federal Security Service (FSB)" in one span; the ")" may have been cut off with the edge punctuation
_ACRONYM_DEF = re.compile(r"^(?P<long>.+?)\s*\((?P<short>[A-Z][A-Za-z&.\-]{1,11})\)?$")
# An acronym in brackets after a name: "Federal Security Service (FSB)". The name is read backwards from
# the bracket over a bounded number of words, so the scan stays linear in the text (a regex that grows
# the name forwards from every capital is quadratic on long unbroken tokens).
_ACRONYM_PAREN = re.compile(r" \((?P<short>[A-Z][A-Z&.]{1,9})\)")
_NAME_WORD = re.compile(r"[A-Z][\w'&.-]+")
_NAME_WORD_TAIL = re.compile(r"[A-Z][\w'&.-]+$")
_NAME_LINKS = {"of", "for", "and", "on", "de", "the"}
_LONG_FORM_WORDS = 12      # at most this many words before "(ABC)"
_LONG_FORM_CHARS = 200     # ... within this many characters
MAX_CUED = 50              # company names after a company noun looked up in one article
# A word with a capital inside ("YouTube", "CentOS"); is_brand_name decides.
_BRAND_SHAPE = re.compile(r"(?<![\w-])[A-Z][A-Za-z]*[a-z][A-Z][A-Za-z]*(?![\w-])")
# A capitalised word right after a company noun ("gas giant Gazprom").
_AFTER_CUE = re.compile(r"\b(?:" + "|".join(sorted(COMPANY_CUES, key=len, reverse=True))
                        + r") ([A-Z][a-z]+)(?![\w-])")


def find_orgs(spans, persons, doc, gaz, doc_text=None):
    """Return the org hits [(start, end, value)] of the ORG spans that are no person, country or place.

    `doc_text` is doc.text when the caller has it already (spaCy builds it anew on every access)."""
    acronyms = {}   # short -> long, from "Federal Security Service (FSB)" in this article
    people = [name_tokens(v) for v in persons.values() if v and " " in v]   # full names only
    if doc_text is None:
        doc_text = doc.text
    org_spans = []
    for i, s in enumerate(spans):
        # "GlaxoSmithKline", "SpaceX" labelled PERSON: a brand's shape, no person's
        brand = s.label == "PERSON" and persons.get(i) is None and (
            is_brand_name(s.text) or fold(s.text) in PERSON_LABELLED_ORGS)
        if (s.label != "ORG" and not brand) or i in persons or org_country(s, gaz) or gaz.lookup(s.text):
            continue
        if s.label == "ORG" and (is_common_word_org(s, gaz, doc_text) or is_speaking_person(s, doc)):
            continue
        text = s.text
        m = _ACRONYM_DEF.match(text)
        if m:
            acronyms[m["short"]] = m["long"]
            text = m["long"]
        elif s.tok_end + 2 < len(doc) and doc[s.tok_end].text == "(" and doc[s.tok_end + 2].text == ")":
            short = doc[s.tok_end + 1].text
            if short.isupper() and 2 <= len(short) <= 8:
                acronyms[short] = text
        text = clean_org(text)
        if is_org_junk(text) or is_speaker_label(s, doc_text) or is_person_name(text, people, gaz):
            continue
        org_spans.append((s, text))
    for m in _ACRONYM_PAREN.finditer(doc_text):
        # "The Federal Security Service (FSB)" where the model missed the long form
        long = long_form_before(doc_text, m.start(), m["short"])
        if long and m["short"] not in acronyms and not gaz.lookup(long):
            acronyms[m["short"]] = long
    hits = []
    for s, text in org_spans:
        value = ORG_SHORT_FORMS.get(text) or acronyms.get(text) or text
        if value != text and is_org_junk(value):   # "DMCA" of "Digital Millennium Copyright Act"
            continue
        if value.startswith("US "):
            value = "U.S. " + value[3:]
        hits.append((s.start, s.end, value))
    return merge_case_variants(hits)


def is_brand_name(text):
    """One word with a capital inside that no name prefix explains and letters only: "YouTube",
    "CentOS", "GlaxoSmithKline" (not "McCain", "PhD", "SARS-CoV-2")."""
    return (text.isalpha() and text[:1].isupper() and len(text) >= 5 and sum(c.islower() for c in text) >= 3
            and is_brand_word(text))


def is_common_word_org(s, gaz, doc_text):
    """A single ORG word that is a capitalised English word and no name ("Hydrogen", "Correct",
    "Heartbroken"), where the article also writes it in lower case or it opens a sentence."""
    text = s.text
    if " " in text or not text[1:].islower() or text in gaz.name_words or text.lower() not in gaz.common_words:
        return False
    before = doc_text[max(0, s.start - 3):s.start].strip(" \"'“”‘’([")
    return (not before or before[-1] in ".!?:\n") or f" {text.lower()}" in doc_text


def is_speaking_person(s, doc):
    """A one-word ORG that speaks as a person: "Amanda said she was happy"."""
    k = s.tok_end
    return (" " not in s.text and not s.text.isupper() and k + 1 < len(doc) and doc[k].lower_ in SPEECH_VERBS
            and doc[k + 1].lower_ in ("she", "he"))


def scan_orgs(doc, text, covered, gaz, persons):
    """Companies the model did not label: a brand-shaped word seen twice ("CentOS"), or a capitalised
    word after a company noun ("gas giant Gazprom"), with every use of the word outside entities.
    Return hits [(start, end, value)]; `text` is doc.text, `covered` each token's entity label or None.

    Read with regular expressions over the text: a Python pass over every token cost more than the
    rest of the org rules."""
    uses = {}   # candidate word -> [(start, end)]
    for m in _BRAND_SHAPE.finditer(text):
        uses.setdefault(m.group(), []).append(m.span())
    words = {w for w, at in uses.items() if len(at) >= 2 and is_brand_name(w)}
    cued = {m.group(1) for m in _AFTER_CUE.finditer(text)}
    cued = {w for w in cued if w.lower() not in gaz.common_words and w not in uses}
    if cued and len(cued) <= MAX_CUED:   # one pass for their uses
        for m in re.finditer(r"(?<![\w-])(?:" + "|".join(map(re.escape, cued)) + r")(?![\w-])", text):
            uses.setdefault(m.group(), []).append(m.span())
        words |= cued
    if not words:
        return []
    known = {t for v in persons.values() if v for t in name_tokens(v)}
    hits = []
    for w in words:
        if fold(w) in known or gaz.lookup(w):
            continue
        at = []
        for start, end in uses[w]:
            span = doc.char_span(start, end)
            if span is not None and len(span) == 1 and covered[span.start] is None:
                at.append((start, end, w))
        if at and (w in cued or len(at) >= 2):
            hits.extend(at)
    return hits


def clean_org(text):
    """Cut an unclosed bracket ("World Health Organization (WHO") and trailing function words
    ("Center for Biological Diversity and"); capitalise a generic last word ("Democratic party")."""
    if text.count("(") > text.count(")"):
        text = text[:text.rindex("(")].rstrip()
    words = text.split()
    while len(words) > 1 and words[-1] in TRAILING_FUNCTION_WORDS:
        words.pop()
    if (len(words) > 1 and words[-1] in GENERIC_ORG_NOUNS and words[0][:1].isupper()
            and all(w[:1].isupper() or w in _NAME_LINKS for w in words[:-1])):
        words[-1] = words[-1].capitalize()
    return " ".join(words)


def is_person_name(text, people, gaz):
    """An ORG that is one of the article's people, maybe after a place or title ("Vermont Bernie Sanders")."""
    words = text.split()
    while len(words) > 1 and (gaz.lookup(words[0]) or words[0].lower().rstrip(".") in TITLE_WORDS):
        words = words[1:]
    toks = name_tokens(" ".join(words))
    return bool(toks) and any(toks <= p for p in people)


def merge_case_variants(hits):
    """Count "Democratic party" and "Democratic Party" in one article as one value: the variant with
    the most capitals, then the most used."""
    variants = {}
    for _, _, value in hits:
        variants.setdefault(fold(value), Counter())[value] += 1
    best = {k: max(c, key=lambda v: (sum(ch.isupper() for ch in v), c[v])) for k, c in variants.items()}
    return [(start, end, best[fold(value)]) for start, end, value in hits]


def long_form_before(text, end, short):
    """The capitalised name of two or more words that ends at text[end] ("Federal Security Service"),
    words joined by single spaces, "of"/"and"/"the"... allowed inside; None if there is none.

    Where the initials of the name's last words spell `short`, the name is those words ("Director Anthony
    Fauci of the National Institute of Allergy and Infectious Diseases (NIAID)")."""
    head = text[max(0, end - _LONG_FORM_CHARS):end]
    words = head.split(" ")
    if end > _LONG_FORM_CHARS:
        words = words[1:]   # the first word may be cut by the window
    if not words or not _NAME_WORD.fullmatch(words[-1]):
        return None
    chain = []
    for w in reversed(words):
        if len(chain) == _LONG_FORM_WORDS:
            break
        if _NAME_WORD.fullmatch(w) or w in _NAME_LINKS:
            chain.append(w)
            continue
        tail = _NAME_WORD_TAIL.search(w)   # "(Federal", "\nFederal": the name starts inside the word
        if tail:
            chain.append(tail.group())
        break
    chain.reverse()
    # a lower-case "the" after no "of"/"for" starts the name: "On Monday the Federal Security Service"
    for n in range(len(chain) - 1, 0, -1):
        if chain[n] == "the" and chain[n - 1] not in _NAME_LINKS:
            chain = chain[n + 1:]
            break
    letters = "".join(c for c in short if c.isalpha())
    for n in range(len(chain) - 1):
        if chain[n][:1].isupper() and "".join(w[0] for w in chain[n:] if w[:1].isupper()) == letters:
            chain = chain[n:]
            break
    while chain and not chain[0][:1].isupper():
        chain.pop(0)
    if chain and chain[0] in ("The", "the"):
        chain.pop(0)
    while chain and not chain[0][:1].isupper():
        chain.pop(0)
    return " ".join(chain) if len(chain) >= 2 else None


def is_org_junk(text):
    """Whether an ORG string is no name: too short or long, no capital, only digits, a pronoun, a time
    zone, a generic word alone ("House"), a document ("United States Constitution")."""
    words = text.split()
    if len(text) < 2 or len(words) > 10 or not text[:1].isalnum():
        return True
    if not any(c.isupper() for c in text) or text.replace(" ", "").isdigit():
        return True
    low = fold(text)
    if low in NOT_PERSON_OR_ORG or low in TIME_ZONES or low in GENERIC_ORG_NOUNS or low in SOFTWARE_WORDS:
        return True
    if len(words) > 1 and words[-1].lower() in CONTEST_LAST:   # "TNT Championship", "Davis Cup"
        return True
    # "Patriot Act", "United States Constitution"; not "School of Law"
    return words[-1].lower() in DOCUMENT_WORDS and (len(words) < 2 or words[-2] not in _NAME_LINKS)
