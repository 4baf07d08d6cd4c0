"""Person values from an article's cleaned entity spans: titles stripped, junk dropped, short forms joined.

A span is an indexer.entities._Span (doc char offsets, label, text, token range); `doc` is the spaCy
Doc of `title + "\\n\\n" + body`; with `caps_title` (an ALL-CAPS wire title) nothing before
`title_len` is read as a name.
"""
import re
from collections import Counter

from indexer.countries import fold
from indexer.lexicon import (CAPTION_WORDS, EDGE_PUNCT, FAMILY_WORDS, NAME_LIKE_COUNTRIES, NAME_SUFFIXES,
                             NOT_PERSON, THING_FIRST, THING_LAST, TITLE_WORDS)

_DIGIT = re.compile(r"\d")


def find_persons(spans, doc, gaz, caps_title, title_len):
    """Find person spans, resolve short forms; return ([(start, end, value)], {span index: value})."""
    labels = {}
    for s in spans:
        labels.setdefault(s.text, Counter())[s.label] += 1
    cands = {}   # span index -> cleaned name
    titled_names = set()   # lone names introduced with a title: "President Reagan"
    for i, s in enumerate(spans):
        if s.label != "PERSON":
            continue
        name, start = strip_titles(s, gaz)
        if name and " " not in name and is_titled(s, name, doc):
            titled_names.add(name)
        if not name or is_person_junk(name, s, doc, caps_title):
            continue
        if is_really_country(name, labels, gaz):
            continue
        if " " not in name and s.tok_start > 0 and doc[s.tok_start - 1].text == "Pope":
            name, start = "Pope " + name, doc[s.tok_start - 1].idx   # regnal: keep the title
        nxt = doc[s.tok_end] if s.tok_end < len(doc) else None
        if nxt is not None and nxt.text in NAME_SUFFIXES and not name.endswith(nxt.text):
            name += " " + nxt.text
        cands[i] = (name, start)
    # A city or region labelled PERSON is not a person, unless it is part of a longer name here.
    all_tokens = [name_tokens(n) for n, _ in cands.values()]
    for i, (name, _) in list(cands.items()):
        if gaz.has_dateline_city(name) or gaz.has_place(name):
            toks = name_tokens(name)
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
                if not gaz.lookup(s.text) and not is_person_junk(s.text, s, doc, caps_title):
                    cands[i] = (s.text, s.start)
    values = resolve_short_forms(cands, titled_names, doc, gaz, caps_title, title_len)
    hits = []
    for i, (name, start) in cands.items():
        value = values.get(name)
        if value:
            hits.append((start, spans[i].end, value))
    return hits, {i: values.get(name) for i, (name, _) in cands.items()}


def strip_titles(s, gaz):
    """Drop a leading title ("Foreign Minister", "Mr", "Russian President") from a PERSON span."""
    words = s.text.split(" ")
    cut = 0
    for n, w in enumerate(words[:-1]):
        lw = w.lower().rstrip(".")
        if lw in TITLE_WORDS:
            cut = n + 1
        elif not (w[:1].islower() or w.endswith(("'s", "’s")) or gaz.lookup(w.rstrip("'s’"))):
            break
    # A leading place ("Koszalin Piotr Jedlinski") is no part of the name.
    while len(words) - cut > 2 and gaz.lookup(words[cut]):
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
    lead = len(name) - len(name.lstrip(EDGE_PUNCT + "."))
    return name[lead:], start + lead


def is_person_junk(name, s, doc, caps_title):
    """Whether a PERSON string is no name: too long, digits, a thing or place, a pronoun, shouting."""
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


def is_really_country(name, labels, gaz):
    """A PERSON string that is a country name the model also labels GPE, or is no given name."""
    hit = gaz.name(name)
    if not hit or hit.kind == "demonym":
        return bool(hit) or bool(gaz.place(name) and labels.get(name, Counter())["GPE"])
    votes = labels.get(name, Counter())
    if fold(name) in NAME_LIKE_COUNTRIES:
        return votes["GPE"] + votes["LOC"] > votes["PERSON"]
    return True


def resolve_short_forms(cands, titled_names, doc, gaz, caps_title, title_len):
    """Map each name to the fullest name of the article it is part of ("Putin" -> "Vladimir Putin")."""
    first = {}
    for name, start in cands.values():
        first[name] = min(first.get(name, start), start)
    toks = {n: name_tokens(n) for n in first}
    out = {}
    for n in first:
        longer = [m for m in first if m != n and toks[n] and toks[n] < toks[m]]
        # keep only the maximal ones ("Barack Hussein Obama" over "Barack Obama")
        longer = [m for m in longer if not any(toks[m] < toks[o] for o in longer)]
        if not longer:
            full = complete_name(n, doc, gaz, caps_title, title_len) if " " not in n else None
            out[n] = full or (n if looks_like_name(n, gaz) and is_lone_ok(n, cands, titled_names) else None)
        elif len(longer) == 1:
            out[n] = longer[0]
        else:
            # Two Clintons: the one named most recently before the short form's first use.
            before = [m for m in longer if first[m] <= first[n]]
            out[n] = max(before, key=lambda m: first[m]) if before else min(longer, key=first.get)
    return out


def complete_name(word, doc, gaz, caps_title, title_len):
    """A lone name the model found only in part: take the capitalised name words next to it in the
    text ("Alexei" + "Leonov", "Valeria" + "Gazzola") when they are no title, place or common word."""
    best = None
    for t in doc:
        if t.text != word or (caps_title and t.idx < title_len):
            continue
        j, k = t.i, t.i + 1
        while j > 0 and t.i - j < 2 and is_name_word(doc[j - 1], gaz):
            j -= 1
        while k < len(doc) and k - t.i <= 2 and is_name_word(doc[k], gaz):
            k += 1
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


def is_titled(s, name, doc):
    """The PERSON span carried a title, or a title word stands right before it ("Mr Nakasone")."""
    if name != s.text:
        return True
    prev = doc[s.tok_start - 1] if s.tok_start > 0 else None
    return prev is not None and prev.text[:1].isupper() and prev.lower_.rstrip(".") in TITLE_WORDS


def is_lone_ok(name, cands, titled_names):
    """A lone name that joins no full name is kept when a title introduced it or it recurs:
    a single capitalised word seen once is too often a place, a product or a first name."""
    if " " in name:
        return True
    return name in titled_names or sum(n == name for n, _ in cands.values()) >= 2


def looks_like_name(name, gaz):
    """Whether a name of one word looks like a name: capitalised, alphabetic, no common word or place."""
    words = name.split()
    if len(words) > 1:
        return True
    w = words[0]
    return (w[:1].isupper() and not w.isupper() and len(w) > 2 and w.replace("-", "").replace("'", "").isalpha()
            and w.lower() not in gaz.common_words and not gaz.lookup(w))


def name_tokens(name):
    """The folded words of a name, initials' dots dropped: the unit short forms are matched by."""
    return frozenset(t for t in fold(name).replace(".", " ").split() if t)
