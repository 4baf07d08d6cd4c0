"""Near-duplicate groups in a Whoosh search: restricting to one group, collapsing each to its best.

The group of an article is its `dup` field (indexer/duplicates.py; absent when it has none). The
collapse keeps a group's best-ranked member in the request's order and counts the group's
members in the result set; totals and facet counts stay counts of articles.
"""
import numpy as np

from . import counting


def group_codes(searcher):
    """Return (codes: int array per document number, -1 when alone; [group id per code]).

    From counting.column: the dup field's values per segment, read once and cached by segment id.
    A deleted document keeps its code: it is in no result set, so it is never ranked or counted.
    """
    codes = np.full(searcher.doc_count_all(), -1, dtype=np.int64)
    index = {}
    for sub, offset in searcher.leaf_searchers():
        col = counting.column(sub.reader(), "dup")
        if not col.values:
            continue
        mapped = np.array([index.setdefault(v, len(index)) for v in col.values], dtype=np.int64)
        codes[col.docs + offset] = mapped[col.ords]
    return codes, list(index)


def restrict(searcher, qmask, group):
    """Return the query's mask limited to the articles of one group (none when it is unknown)."""
    mask = np.zeros_like(qmask)
    if "dup" in searcher.schema:
        try:
            ids = list(searcher.postings("dup", group).all_ids())
        except Exception:   # whoosh raises TermNotFound for a group the index does not hold
            ids = []
        mask[ids] = True
    return qmask & mask


def collapse(searcher, ranked, final_mask):
    """Return ([(docnum, score, group id, members in the set)] of the ranked ones, best of each group first)."""
    codes, names = group_codes(searcher)
    in_set = codes[np.flatnonzero(final_mask)]
    sizes = np.bincount(in_set[in_set >= 0], minlength=len(names))
    out, seen = [], set()
    for docnum, score in ranked:
        code = int(codes[docnum])
        if code < 0:
            out.append((docnum, score, "", 1))
        elif code not in seen:
            seen.add(code)
            out.append((docnum, score, names[code], int(sizes[code])))
    return out


MLT_TERMS = 25        # key terms of title and body (Whoosh's more_like takes 5: mostly unrelated articles)
ENTITY_BOOST = 2.0    # a person, organisation or country both name counts as much as two key terms


def like_query(searcher, docnum):
    """Return (the query of articles like this one, the documents to leave out: it and its versions).

    Its key terms (Bo1 over title and body, weighted) OR the people, organisations and countries
    it names; near-duplicates of it are not "like" it, they are it (the article page lists them apart).
    """
    from whoosh import query as wq

    from .schema import from_fields

    doc = from_fields(searcher.stored_fields(docnum))
    terms = searcher.key_terms_from_text("body", f"{doc.title}\n{doc.body}", numterms=MLT_TERMS, normalize=True)
    parts = [wq.Term("body", t, boost=w) for t, w in terms]
    mean = sum(w for _t, w in terms) / len(terms) if terms else 1.0
    parts += [wq.Term(name, v, boost=ENTITY_BOOST * mean)
              for name in ("person", "org", "country") for v in getattr(doc, name)]
    if not parts:
        return None, None
    leave = {docnum}
    if doc.dup:
        leave.update(searcher.postings("dup", doc.dup).all_ids())
    return wq.Or(parts), leave
