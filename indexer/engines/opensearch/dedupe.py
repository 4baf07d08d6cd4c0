"""Near-duplicate groups in a cluster search: one group only (`dup`), or each group once (`dedupe`).

Every article stores `dup` (mapping.py): its group's id, or LONE + its own id when it has none, so
that field collapsing keeps every lone article. A page collapses on it (each group's best-ranked
member, in the search's order); a second small request counts the page's groups' members in the
result set. The number of groups is a `cardinality` aggregation, exact below its precision
threshold (40,000 groups in the set). Totals and facet counts stay counts of articles.
"""
from .mapping import LONE

PRECISION = 40_000   # cardinality's highest precision_threshold: exact below it


def scoped(request, q):
    """Return the query q limited to the request's group (q itself without one)."""
    if not request.dup:
        return q
    return {"bool": {"must": [q], "filter": [{"term": {"dup": request.dup}}]}}


def collapse_into(body, post):
    """Add the collapse and the group count to a page's search body."""
    body["collapse"] = {"field": "dup"}
    body.setdefault("aggs", {})["dedupe_groups"] = {
        "filter": post if post is not None else {"match_all": {}},
        "aggs": {"n": {"cardinality": {"field": "dup", "precision_threshold": PRECISION}}}}


def group_count(aggregations):
    return int(aggregations["dedupe_groups"]["n"]["value"])


def group_sizes(searcher, q, post, hits):
    """Return {group id: members in the result set} of the page's groups (lone articles left out)."""
    keys = sorted({h["_source"]["dup"] for h in hits if not str(h["_source"].get("dup", LONE)).startswith(LONE)})
    if not keys:
        return {}
    filters = [{"terms": {"dup": keys}}] + ([post] if post is not None else [])
    body = {"query": {"bool": {"must": [q], "filter": filters}}, "size": 0, "track_total_hits": False,
            "aggs": {"sizes": {"terms": {"field": "dup", "size": len(keys)}}}}
    buckets = searcher.run(body, "counting near-duplicates in")["aggregations"]["sizes"]["buckets"]
    return {b["key"]: b["doc_count"] for b in buckets}


def first_of_each(documents):
    """Yield the first document of each group (an export's order is the search's: its best-ranked)."""
    seen = set()
    for doc in documents:
        if doc.dup:
            if doc.dup in seen:
                continue
            seen.add(doc.dup)
        yield doc


ENTITY_BOOST = 2.0   # as engines/whoosh/dedupe.py: a shared person, org or country next to the key terms


def like_query(doc, mlt):
    """Return the "more like this" query of a document: its key terms (mlt) or its entities, its own
    near-duplicates left out (the article page lists them as versions, not as like it)."""
    should = [mlt] + [{"term": {name: {"value": v, "boost": ENTITY_BOOST}}}
                      for name in ("person", "org", "country") for v in getattr(doc, name)]
    must_not = [{"ids": {"values": [doc.id]}}] + ([{"term": {"dup": doc.dup}}] if doc.dup else [])
    return {"bool": {"should": should, "minimum_should_match": 1, "must_not": must_not}}
