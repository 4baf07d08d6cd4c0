"""The curation of an OpenSearch index: its own small index, one document per change, and the articles a change touches.

    facetwire-curation     documents "1", "2", ...: the changes of the log (indexer/curation.py)

A change is written with op_type=create under its number, so two writers adding change n at the
same time cannot both succeed: the second gets CurationConflict. The index belongs to the name,
not to a versioned index: rebuilds, prunes and gc leave it alone; drop() removes it.
"""
from opensearchpy import exceptions as ox

from ...curation import Change, Curation, CurationConflict
from ...errors import EngineError
from .mapping import FOLDED, RAW_PROPERTIES, from_source

PAGE = 1000
CHUNK = 1000     # terms per query


def _ensure_index(store):
    found = store.client.indices.create(index=store.curation_index, body={
        "settings": {"index": {"number_of_shards": 1, "auto_expand_replicas": "0-all"}},
        "mappings": {"dynamic": False, "properties": {"n": {"type": "integer"}}}},
        params={"wait_for_active_shards": "1", "ignore": 400})   # 400: it exists
    error = found.get("error")
    if error and (error.get("type") if isinstance(error, dict) else error) != "resource_already_exists_exception":
        raise EngineError(f"cannot create the curation index {store.curation_index}: {error}")


def load(store):
    """Return the stored curation (empty when there is none)."""
    changes, after = [], None
    with store.failures(f"reading the curation {store.curation_index}"):
        if not store.client.indices.exists(index=store.curation_index):
            return Curation()
        while True:
            body = {"size": PAGE, "sort": [{"n": "asc"}], "query": {"match_all": {}}}
            if after is not None:
                body["search_after"] = after
            hits = store.client.search(index=store.curation_index, body=body)["hits"]["hits"]
            changes += [Change.from_json(h["_source"]) for h in hits]
            if len(hits) < PAGE:
                break
            after = hits[-1]["sort"]
    return Curation.from_changes(changes, store.curation_index)


def save(store, curation, base_version):
    """Store the changes after base_version; CurationConflict when another writer stored one first."""
    stored = load(store)
    if stored.version != base_version or curation.changes[:base_version] != stored.changes:
        raise CurationConflict(f"the curation of {store.describe()} changed meanwhile (now version "
                               f"{stored.version}); read it again and redo the change")
    with store.failures(f"writing the curation {store.curation_index}"):
        _ensure_index(store)
        for change in curation.changes[base_version:]:
            try:
                store.client.index(index=store.curation_index, id=str(change.n), body=change.to_json(),
                                   params={"op_type": "create", "refresh": "true"})
            except ox.ConflictError:
                raise CurationConflict(f"change {change.n} of the curation of {store.describe()} was "
                                       "written by someone else meanwhile; read it again and redo the change") from None


def ensure_mapping(store, index):
    """Add the raw-extraction fields to an index created before they existed (a no-op otherwise)."""
    with store.failures(f"adding the curation fields to {index}"):
        store.client.indices.put_mapping(index=index, body={"properties": RAW_PROPERTIES})


def documents_with_raw(store, index, keys):
    """Return the Documents of index whose raw extraction holds a value of `keys` ("facet:folded").

    A curated document is found by raw_keys, any other by its stored values (the folded sub-field).
    """
    keys = sorted(keys)
    should = [{"terms": {"raw_keys": keys[i:i + CHUNK]}} for i in range(0, len(keys), CHUNK)]
    by_facet = {}
    for k in keys:
        facet, folded = k.split(":", 1)
        by_facet.setdefault(facet, []).append(folded)
    for facet, values in by_facet.items():   # term-level queries apply the sub-field's normalizer
        should += [{"terms": {f"{facet}.{FOLDED}": values[i:i + CHUNK]}} for i in range(0, len(values), CHUNK)]
    if not should:
        return []
    out, after = [], None
    with store.failures(f"finding the articles a curation change touches in {index}"):
        while True:
            body = {"size": PAGE, "sort": [{"id": "asc"}], "query": {"bool": {"should": should,
                                                                               "minimum_should_match": 1}}}
            if after is not None:
                body["search_after"] = after
            hits = store.client.search(index=index, body=body)["hits"]["hits"]
            out += [from_source(h["_source"]) for h in hits]
            if len(hits) < PAGE:
                return out
            after = hits[-1]["sort"]
