"""The index-wide resolution step: values that name one person or org across the index, merged.

Extraction reads one article at a time: "Merkel said" in an article that never gives her full name
stays "Merkel", "MIT" stays "MIT" where the article does not spell it out. After a build this step
reads the index's person and org values once (with their article counts) and proposes merges:

- person, a lone surname -> the one full name of the index that ends with it, when that name holds
  at least DOMINANCE of the articles of all full names with that surname ("Merkel" -> "Angela
  Merkel"; "Trump" stays "Trump" if Melania Trump is about as common as Donald);
- person, spelling variants of one person: the same given name and surnames one letter apart by an
  insertion ("Volodymyr Zelensky" / "Volodymyr Zelenskyy"), surnames of MIN_VARIANT letters or more,
  into the more used; two names that differ otherwise (another given name, a changed letter) are
  never merged: they may be two people;
- org, an acronym -> the one org value whose capitalised words' initials spell it ("MIT" ->
  "Massachusetts Institute of Technology", "WWE" -> "World Wrestling Entertainment"); none when two
  long forms share the initials;
- org, a country prefix -> the value without it ("U.S. Democratic Party", "United States
  Democratic Party" -> "Democratic Party") when that value is in the index;
and an org merge only where both values are seen in the same contexts: most of the articles of
each name one same country (so "ABC" of Australian news stays apart from "American Broadcasting
Company", "United States Air Force" from "Air Force").

The merges are added to the index's curation (indexer/curation.py) as changes made by BY: they
are listed by `app.py curate list` and `app.py stats`, shown and undone like any change, and the
curation rewrites the stored values of the articles they touch (no NER). A value the curation
names already, in any change (a user's merge or hide, an undone resolution), is left alone, so an
undo sticks. Incremental builds stay correct: every article written is curated by the merges in
effect, and each run looks again for new ones. The step costs two facet counts and the rewrite.
"""
from collections import defaultdict
from dataclasses import dataclass

from .curation import CurationError
from .extract.countries import fold, load_gazetteer
from .search.request import SearchRequest

BY = "resolve"             # the curation's "by" of the merges this step makes
DOMINANCE = 0.8            # share of a surname's full-name articles the one full name needs
MIN_ARTICLES = 2           # articles a full name needs to take a lone surname
MIN_VARIANT = 6            # letters of the shorter surname of two spelling variants
MAX_VALUES = 1_000_000     # values read per facet: all of them
SAME_CONTEXT = 0.5         # share of an org's articles that name the country both values share
_LINKS = {"of", "and", "for", "the", "on", "in", "de", "&"}
_SURNAME_PREFIXES = ("al-", "el-", " al ", "el ")


@dataclass(frozen=True)
class Merge:
    facet: str
    value: str    # as the index has it
    target: str
    why: str      # "surname", "spelling", "acronym", "country prefix"


def values_of(engine, facet):
    """{value: article count} of one facet over the whole index."""
    with engine.reader(batch=True) as reader:
        pairs, _truncated = reader.facet_values(SearchRequest(), facet, limit=MAX_VALUES)
    return dict(pairs)


def propose(persons, orgs, gaz=None, context=None):
    """Return the Merges the person and org counts ({value: articles}) call for.

    `context(facet, value)` returns (the country most of the value's articles name, that share) or
    (None, 0): an org merge needs both values seen in the same country's news (SAME_CONTEXT of their
    articles), so "ABC" of Australian stories never joins "American Broadcasting Company"."""
    gaz = gaz or load_gazetteer()
    orgs_merged = org_merges(orgs, gaz)
    if context is not None:
        orgs_merged = [m for m in orgs_merged if same_context(context, m)]
    return person_merges(persons) + orgs_merged


def same_context(context, merge):
    """Whether both values of an org merge are mostly news of one country."""
    a, share_a = context(merge.facet, merge.value)
    b, share_b = context(merge.facet, merge.target)
    return a is not None and a == b and min(share_a, share_b) >= SAME_CONTEXT


def _surname(name):
    last = fold(name.split()[-1])
    for p in _SURNAME_PREFIXES:
        if last.startswith(p):
            return last[len(p):]
    return last


def person_merges(counts):
    out = []
    by_surname = defaultdict(list)
    for name, n in counts.items():
        if " " in name.strip():
            by_surname[_surname(name)].append((n, name))
    for name, n in counts.items():
        if " " in name.strip():
            continue
        full = sorted(by_surname.get(_surname(name), ()), reverse=True)
        if full and full[0][0] >= MIN_ARTICLES and full[0][0] >= DOMINANCE * sum(c for c, _ in full):
            out.append(Merge("person", name, full[0][1], "surname"))
    by_given = defaultdict(list)
    for _, names in by_surname.items():
        for n, name in names:
            by_given[fold(" ".join(name.split()[:-1]))].append((n, name))
    for names in by_given.values():
        if len(names) < 2:
            continue
        names.sort(key=lambda p: (-p[0], p[1]))
        taken = set()
        for i, (n, a) in enumerate(names):
            for m, b in names[i + 1:]:
                if b in taken or a in taken:
                    continue
                if is_spelling_variant(_surname(a), _surname(b)):
                    out.append(Merge("person", b, a, "spelling"))
                    taken.add(b)
    return out


def is_spelling_variant(x, y):
    """Two surnames one inserted letter apart, the shorter of MIN_VARIANT letters or more: "zelensky"
    / "zelenskyy". A changed letter ("smith" / "smyth") may be another person: no."""
    if len(x) > len(y):
        x, y = y, x
    if len(y) != len(x) + 1 or len(x) < MIN_VARIANT:
        return False
    return any(y[:i] + y[i + 1:] == x for i in range(len(y)))


def initials(name):
    """The initials of a name's capitalised words: "Massachusetts Institute of Technology" -> "MIT";
    "" when a word is neither capitalised nor a link word ("ABS-CBN Corporation", "CC BY-SA")."""
    words = name.split()
    if not all((w[:1].isupper() and w[1:].islower() and w.isalpha()) or w in _LINKS for w in words):
        return ""
    return "".join(w[0] for w in words if w[:1].isupper())


def org_merges(counts, gaz):
    out = []
    long_forms = defaultdict(list)
    for name in counts:
        if len(name.split()) >= 2 and initials(name):
            long_forms[initials(name)].append(name)
    for name in counts:
        short = name.replace(".", "")
        if " " in name or not short.isupper() or not 2 <= len(short) <= 8 or not short.isalpha():
            continue
        forms = [f for f in long_forms.get(short, ()) if f != name]
        if len(forms) == 1:
            out.append(Merge("org", name, forms[0], "acronym"))
    folded = {fold(v): v for v in counts}
    for name in counts:
        words = name.split()
        for k in (2, 1):
            if len(words) - k < 2:
                continue
            hit = gaz.name(" ".join(words[:k]))
            if hit is None or hit.kind == "demonym":
                continue
            rest = folded.get(fold(" ".join(words[k:])))
            if rest and rest != name:
                out.append(Merge("org", name, rest, "country prefix"))
                break
    return out


def country_context(engine, facet, value, articles=None):
    """(The country most articles with this value name, the share of its articles that do) or (None, 0).

    articles: how many articles hold the value, when the caller has counted it already (counting
    it again counts the whole facet over the index: its own filter does not narrow it; 60% of
    the step on Reuters)."""
    with engine.reader(batch=True) as reader:
        if articles is None:
            total, _ = reader.facet_values(SearchRequest(filters={facet: [value]}), facet, limit=1)
            articles = total[0][1] if total else 0
        top, _ = reader.facet_values(SearchRequest(filters={facet: [value]}), "country", limit=1)
    n = articles
    if not top or not n:
        return None, 0.0
    return top[0][0], top[0][1] / n


FACETS = ("person", "org")   # the facets whose values this step merges


def resolve_index(engine, gaz=None, counts=None):
    """Add the merges the index calls for to its curation and rewrite what they touch.

    counts: {facet: {value: articles}} of FACETS over the whole index, when the caller has them
    (a first build counts what it writes); otherwise the index counts them.
    Return the Merges made (none that the curation already names in any way)."""
    from .curate import replace_all

    counts = counts or {facet: values_of(engine, facet) for facet in FACETS}
    merges = propose(counts["person"], counts["org"], gaz, context=lambda facet, value: country_context(
        engine, facet, value, counts.get(facet, {}).get(value)))
    made = []

    def add(curation):
        made.clear()   # replace_all may call again on a newer curation
        # every value a change names, and the targets of the user's merges (not this step's)
        named = {(c.facet, fold(c.value)) for c in curation.changes} | {
            (c.facet, fold(c.target)) for c in curation.changes if c.op == "merge" and c.by != BY}
        for m in merges:
            if (m.facet, fold(m.value)) in named or (m.facet, fold(m.target)) in named:
                continue
            try:
                curation = curation.add("merge", m.facet, m.value, m.target, by=BY)
            except CurationError:   # already in effect, or it would close a cycle
                continue
            named.add((m.facet, fold(m.value)))
            made.append(m)
        return curation

    if merges:
        replace_all(engine, add, by=BY)
    return made


def resolutions(curation):
    """The merges in effect that this step made: [(facet, value, target)], for stats and curation views."""
    return [(c.facet, c.value, c.target) for c in curation.active() if c.op == "merge" and c.by == BY]
