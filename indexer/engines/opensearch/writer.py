"""Writing for one indexing run: the live index, or a fresh versioned index beside it.

A first build and a rebuild write a new index that carries the building alias and becomes live
on publish(); a killed build is found again by that alias and continued. An incremental run
writes to the live index. put() and delete() are kept by id until commit(), which sends them as
bulk requests and refreshes: each document is replaced atomically, and a batch is visible at once
after the refresh (a batch cut off by a crash is sent again by the next run: known_hashes()
tells it what arrived).
"""
import json
import time

from ...contract import BatchedWriter
from ...errors import BuildError, EngineError
from . import curation
from .mapping import SCHEMA_VERSION, from_source, to_source
from .scan import scan

BULK_DOCS = 500                 # documents per bulk request ...
BULK_BYTES = 8 * 1024 * 1024    # ... or fewer, when their text adds up to this
REJECTED_RETRIES = 4            # an item the cluster rejected as overloaded (429) is sent again
SHOWN_ERRORS = 3


class OpenSearchWriter(BatchedWriter):
    """The contract's Writer over one index name on a cluster; holds the run lock while open."""

    def __init__(self, store, fresh):
        self.store, self.client = store, store.client
        self._lock = store.acquire_lock()
        try:
            live = store.live()
            self.has_live = live is not None
            self.fresh = fresh or not self.has_live
            if self.fresh:
                building = store.building()
                if building and store.index_format(building) != SCHEMA_VERSION:
                    store.discard(building)   # an unfinished build of an older format: start again
                    building = None
                self.index = building or store.create_building()
            else:
                store.check_format(live)   # an older format cannot be added to: it must be rebuilt
                self.index = live
            store.check_health(self.index)
            curation.ensure_mapping(store, self.index)   # an index made before the raw fields existed
            # Where identical content may already have been extracted: this build, and the live index.
            self._lookup = [self.index] + ([live] if self.fresh and self.has_live else [])
        except BaseException:
            self._lock.release()
            raise

    def known_hashes(self):
        body = {"query": {"match_all": {}}, "_source": ["chash"]}
        with self.store.failures(f"reading the content hashes of {self.index}"):
            return {hit["_id"]: hit["_source"].get("chash", "")
                    for hit in scan(self.client, self.index, body, [{"id": "asc"}])}

    def document_by_hash(self, chash):
        for index in self._lookup:
            with self.store.failures(f"looking up content hash {chash[:40]} in {index}"):
                found = self.client.search(index=index, body={
                    "query": {"term": {"chash": chash}}, "size": 1, "sort": [{"id": "asc"}]})
            hits = found["hits"]["hits"]
            if hits:
                return from_source(hits[0]["_source"])
        return None

    def documents_by_hash(self, chashes):
        """One search per index for a whole batch (document_by_hash's answer for each: the lowest id
        of that content, this build before the live index), not one per article."""
        found, todo = {}, list(dict.fromkeys(chashes))
        for index in self._lookup:
            if not todo:
                break
            with self.store.failures(f"looking up {len(todo)} content hashes in {index}"):
                result = self.client.search(index=index, body={
                    "query": {"terms": {"chash": todo}}, "size": len(todo), "sort": [{"id": "asc"}],
                    "collapse": {"field": "chash"}})
            for hit in result["hits"]["hits"]:
                doc = from_source(hit["_source"])
                found.setdefault(doc.chash, doc)
            todo = [c for c in todo if c not in found]
        return found

    def documents_with_raw(self, keys):
        return curation.documents_with_raw(self.store, self.index, keys)

    def commit(self):
        pending = self.take_batch()
        failed = []
        for chunk in _chunks(pending.items()):
            failed += self._send(chunk)
        with self.store.failures(f"refreshing {self.index}"):
            self.client.indices.refresh(index=self.index)
        if failed:
            shown = "; ".join(f"{doc_id}: {why}" for doc_id, why in failed[:SHOWN_ERRORS])
            more = f" (and {len(failed) - SHOWN_ERRORS} more)" if len(failed) > SHOWN_ERRORS else ""
            raise BuildError(f"{len(failed)} of {len(pending)} documents could not be written to "
                             f"{self.index}: {shown}{more}")
        self._lock.heartbeat()

    def _send(self, chunk):
        """Send one bulk request (again for items rejected as overloaded); return [(id, why)] that failed."""
        for attempt in range(REJECTED_RETRIES + 1):
            lines = []
            for doc_id, doc in chunk:
                if doc is None:
                    lines.append(json.dumps({"delete": {"_id": doc_id}}))
                else:
                    lines.append(json.dumps({"index": {"_id": doc_id}}))
                    lines.append(json.dumps(to_source(doc), ensure_ascii=False))
            with self.store.failures(f"writing {len(chunk)} documents to {self.index}"):
                response = self.client.bulk(index=self.index, body="\n".join(lines) + "\n")
            retry, failed = [], []
            for (doc_id, doc), item in zip(chunk, response["items"]):
                result = next(iter(item.values()))
                error = result.get("error")
                if error is None:
                    continue  # includes deleting an id that is not there (404, "not_found")
                if result.get("status") == 429 and attempt < REJECTED_RETRIES:
                    retry.append((doc_id, doc))
                else:
                    failed.append((doc_id, _item_error(error)))
            if not retry:
                return failed
            chunk = retry
            time.sleep(0.5 * 2 ** attempt)
        return failed

    def optimize(self):
        """Merge the index into one segment: slower to write, faster to search."""
        if self.has_batch():
            self.commit()
        self.store.optimize(self.index)
        self._lock.heartbeat()

    def publish(self):
        if not self.fresh:
            return  # an incremental run writes to the live index: nothing to swap
        if self.has_batch():
            self.commit()
        self.store.publish(self.index)

    def discard(self):
        if not self.fresh:
            raise EngineError("only a fresh build can be discarded; this run writes to the live index")
        self.drop_batch()
        self.store.discard(self.index)

    def cancel(self):
        self.drop_batch()

    def close(self):
        self._lock.release()


def _chunks(items):
    chunk, size = [], 0
    for doc_id, doc in items:
        chunk.append((doc_id, doc))
        size += len(doc.title) + len(doc.body) + 512 if doc is not None else 64
        if len(chunk) >= BULK_DOCS or size >= BULK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _item_error(error):
    if isinstance(error, dict):
        cause = error.get("caused_by") or {}
        text = f"{error.get('type', '')}: {error.get('reason', '')}"
        if cause:
            text += f" ({cause.get('type', '')}: {cause.get('reason', '')})"
        return " ".join(text.split())[:300]
    return " ".join(str(error).split())[:300]

