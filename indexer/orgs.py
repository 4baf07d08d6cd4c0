"""Org values from an article's ORG spans: cleaned, well-known short forms and defined acronyms joined.

A span is an indexer.entities._Span; `doc` is the spaCy Doc of `title + "\\n\\n" + body`.
"""
import re

from indexer.countries import fold
from indexer.lexicon import NOT_PERSON, ORG_SHORT_FORMS
from indexer.places import org_country

_ACRONYM_DEF = re.compile(r"^(?P<long>.+?)\s*\((?P<short>[A-Z][A-Za-z&.\-]{1,11})\)$")
# A capitalised name followed by its acronym in brackets: "Federal Security Service (FSB)".
_ACRONYM_IN_TEXT = re.compile(
    r"(?P<long>(?:[Tt]he )?[A-Z][\w'&.-]+(?: (?:of|for|and|on|de|the|[A-Z][\w'&.-]+))*? [A-Z][\w'&.-]+) "
    r"\((?P<short>[A-Z][A-Z&.]{1,9})\)")


def find_orgs(spans, persons, doc, gaz):
    """Return the org hits [(start, end, value)] of the ORG spans that are no person, country or place."""
    acronyms = {}   # short -> long, from "Federal Security Service (FSB)" in this article
    org_spans = []
    for i, s in enumerate(spans):
        if s.label != "ORG" or i in persons or org_country(s, gaz) or gaz.lookup(s.text):
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
        if is_org_junk(text):
            continue
        org_spans.append((s, text))
    for m in _ACRONYM_IN_TEXT.finditer(doc.text):
        # "The Federal Security Service (FSB)" where the model missed the long form
        long = m["long"].split(" ", 1)[1] if m["long"].startswith(("The ", "the ")) else m["long"]
        if m["short"] not in acronyms and len(long.split()) >= 2 and not gaz.lookup(long):
            acronyms[m["short"]] = long
    hits = []
    for s, text in org_spans:
        value = ORG_SHORT_FORMS.get(text) or acronyms.get(text) or text
        if value.startswith("US "):
            value = "U.S. " + value[3:]
        hits.append((s.start, s.end, value))
    return hits


def is_org_junk(text):
    """Whether an ORG string is no name: too short or long, no capital, only digits, a pronoun."""
    words = text.split()
    if len(text) < 2 or len(words) > 10 or not text[:1].isalnum():
        return True
    if not any(c.isupper() for c in text) or text.replace(" ", "").isdigit():
        return True
    return fold(text) in NOT_PERSON
