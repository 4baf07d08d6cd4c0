"""Where the live index lives on the cluster: versioned indexes, the aliases that name them, the run lock.

    facetwire                  alias -> the live index (what every reader searches)
    facetwire-building         alias -> a first build or rebuild in progress (resumable)
    facetwire-20250102030405-1a2b   a versioned index, created with the building alias on it
    facetwire-lock             one document while an indexing run writes
    facetwire-curation         the curation's changes, one document each (curation.py)

publish() moves the live alias onto the building index and takes the building alias off it in
one _aliases request (atomic: a reader sees the old index or the new one, never neither), then
deletes the index it replaced.
"""
import os
import re
import secrets
import socket
import time

from opensearchpy import exceptions as ox

from ...errors import EngineError, IndexBusy, IndexMissing, IndexOutdated
from .client import failures, reason
from .mapping import SCHEMA_VERSION, index_body

LOCK_ID = "run"
LOCK_STALE = 15 * 60        # seconds without a heartbeat (each commit) after which a lock is taken over
FORCEMERGE_TIMEOUT = 3600   # seconds: optimize() merges the whole index into one segment


class Store:
    """The indexes and aliases of one Facetwire index name on one cluster."""

    def __init__(self, client, config):
        self.client, self.config = client, config
        self.alias = config.index_name
        self.building_alias = f"{self.alias}-building"
        self.lock_index = f"{self.alias}-lock"
        self.curation_index = f"{self.alias}-curation"
        self.where = ",".join(config.engine_url)

    def describe(self):
        return f"opensearch {self.alias}@{self.where}"

    def failures(self, what):
        return failures(what, self.where)

    # --- naming ----------------------------------------------------------------------------

    def _indexes_of(self, alias):
        with self.failures(f"looking up the alias {alias}"):
            found = self.client.indices.get_alias(name=alias, params={"ignore": 404})
        if "status" in found and "error" in found:
            return []  # no such alias (asked with ignore=404: a missing alias is no failure to log)
        return sorted(found)

    def live(self):
        """Return the name of the live index, or None."""
        names = self._indexes_of(self.alias)
        if len(names) > 1:
            raise EngineError(f"the alias {self.alias} names {len(names)} indexes ({', '.join(names)}); "
                              "it must name one: remove it from all but the newest")
        return names[0] if names else None

    def live_or_raise(self):
        name = self.live()
        if name is None:
            hint = (" (a first build was interrupted: run the same index command again to continue)"
                    if self.building() else "")
            raise IndexMissing(f"no index {self.alias} on OpenSearch at {self.where}{hint}: build one with "
                               "`FACETWIRE_ENGINE=opensearch python app.py index PATH`")
        self.check_format(name)
        return name

    def index_format(self, name):
        """Return the schema version (mapping.SCHEMA_VERSION) index `name` was created with (remembered)."""
        formats = self.__dict__.setdefault("_formats", {})
        if name not in formats:
            with self.failures(f"reading the mapping of {name}"):
                found = self.client.indices.get_mapping(index=name)
            meta = (found.get(name, {}).get("mappings", {}).get("_meta") or {})
            formats[name] = int(meta.get("facetwire_schema") or 1)
        return formats[name]

    def check_format(self, name):
        """Raise IndexOutdated when index `name` is of a format this version cannot search."""
        found = self.index_format(name)
        if found != SCHEMA_VERSION:
            raise IndexOutdated(
                f"the index {self.alias} on OpenSearch at {self.where} ({name}) was built in format {found} "
                f"and this version of Facetwire searches format {SCHEMA_VERSION} (accent-folded words, "
                "wildcards on words as written): rebuild it with "
                "`FACETWIRE_ENGINE=opensearch python app.py index PATH --rebuild`")

    def building(self):
        """Return the name of the unpublished build, or None (the newest, if several)."""
        names = self._indexes_of(self.building_alias)
        return names[-1] if names else None

    def create_building(self):
        """Create a new versioned index, born with the building alias on it; return its name."""
        name = f"{self.alias}-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}-{secrets.token_hex(2)}"
        body = index_body(self.config.shards, self.config.replicas)
        body["aliases"] = {self.building_alias: {}}
        # No scheduled refreshes while building: commit() refreshes, and nobody else reads it.
        body["settings"]["index"]["refresh_interval"] = "-1"
        with self.failures(f"creating the index {name}"):
            self.client.indices.create(index=name, body=body, params={"wait_for_active_shards": "1"})
        return name

    def create_live(self):
        """Create and publish an empty index (a first incremental run): return its name."""
        name = self.create_building()
        self.publish(name)
        return name

    def publish(self, name):
        """Make `name` the live index in one atomic alias swap, then delete the index it replaced."""
        old = [i for i in self._indexes_of(self.alias) if i != name]
        with self.failures(f"publishing {name}"):
            self.client.indices.put_settings(index=name, body={"index": {"refresh_interval": None}})
            self.client.indices.put_mapping(index=name, body={"_meta": {"facetwire_schema": self.index_format(name),
                                                                         "state": "live"}})
            self.client.indices.refresh(index=name)
            actions = [{"add": {"index": name, "alias": self.alias}},
                       {"remove": {"index": name, "alias": self.building_alias}}]
            actions += [{"remove": {"index": i, "alias": self.alias}} for i in old]
            self.client.indices.update_aliases(body={"actions": actions})
        for index in old:
            with self.failures(f"deleting the replaced index {index} (the new one, {name}, is live)"):
                self.client.indices.delete(index=index, params={"ignore_unavailable": "true"})

    def collect(self, min_age=0.0):
        """Delete versioned indexes of this name that are neither live nor being built (a publish
        that could not delete the index it replaced), created min_age seconds ago or more."""
        keep = {self.live(), self.building()}
        pattern = re.compile(rf"{re.escape(self.alias)}-\d{{14}}-[0-9a-f]{{4}}")
        with self.failures(f"listing the indexes of {self.alias}"):
            found = self.client.indices.get(index=f"{self.alias}-*", params={"ignore_unavailable": "true"})
        now_ms, removed = time.time() * 1000, []
        for name, info in sorted(found.items()):
            created = float(info.get("settings", {}).get("index", {}).get("creation_date", now_ms))
            if pattern.fullmatch(name) and name not in keep and now_ms - created >= min_age * 1000:
                with self.failures(f"deleting the leftover index {name}"):
                    self.client.indices.delete(index=name, params={"ignore_unavailable": "true"})
                removed.append(name)
        return removed

    def discard(self, name):
        with self.failures(f"deleting the unpublished build {name}"):
            self.client.indices.delete(index=name, params={"ignore_unavailable": "true"})

    def size_bytes(self, name):
        with self.failures(f"reading the size of {name}"):
            stats = self.client.indices.stats(index=name, metric="store")
        return int(stats["_all"]["primaries"]["store"]["size_in_bytes"])

    def check_health(self, name=None):
        """Raise EngineError when the cluster (or the index) is red: some data cannot be read or written."""
        with self.failures("reading the cluster health"):
            health = self.client.cluster.health(index=name)
        if health.get("status") == "red":
            what = f"index {name}" if name else f"cluster {health.get('cluster_name', '')}"
            raise EngineError(f"the OpenSearch {what} at {self.where} is red: {health.get('unassigned_shards', '?')} "
                              "shard(s) unassigned, so some articles can be neither read nor written")
        return health

    def optimize(self, name):
        with self.failures(f"merging {name} into one segment"):
            self.client.indices.forcemerge(index=name, params={"max_num_segments": "1",
                                                               "request_timeout": FORCEMERGE_TIMEOUT})

    def drop(self):
        """Delete every index and alias of this name: live, building, lock, curation (for tests and `wipe`)."""
        names = (set(self._indexes_of(self.alias)) | set(self._indexes_of(self.building_alias))
                 | {self.lock_index, self.curation_index})
        with self.failures(f"deleting the indexes of {self.alias}"):
            for name in sorted(names):
                self.client.indices.delete(index=name, params={"ignore_unavailable": "true"})

    # --- the run lock ----------------------------------------------------------------------

    def acquire_lock(self):
        """Create the lock document (op_type=create: one run wins); return a Lock. Raise IndexBusy."""
        lock = Lock(self)
        lock.acquire()
        return lock


class Lock:
    """The run lock: a document created only if absent, refreshed on each commit, deleted on release.

    A killed run leaves its document behind; the next run takes it over when its heartbeat is older
    than LOCK_STALE, or at once when it was held by a process of this host that no longer exists.
    """

    def __init__(self, store):
        self.store, self.client = store, store.client
        self.token = secrets.token_hex(8)
        self.version = None   # (seq_no, primary_term) of our document

    def _holder(self):
        return {"token": self.token, "host": socket.gethostname(), "pid": os.getpid(),
                "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "heartbeat": time.time()}

    def acquire(self):
        store = self.store
        with store.failures(f"taking the run lock {store.lock_index}"):
            self._ensure_index()
            for _attempt in range(2):
                try:
                    r = self.client.index(index=store.lock_index, id=LOCK_ID, body=self._holder(),
                                          params={"op_type": "create", "refresh": "false"})
                except ox.ConflictError:
                    if not self._take_over_stale():
                        raise self._busy() from None
                    continue
                self.version = (r["_seq_no"], r["_primary_term"])
                return
        raise self._busy()

    def _ensure_index(self):
        found = self.client.indices.create(index=self.store.lock_index, body={"settings": {"index": {
            "number_of_shards": 1, "auto_expand_replicas": "0-all"}}},
            params={"wait_for_active_shards": "1", "ignore": 400})  # 400: it exists (no failure to log)
        error = found.get("error")
        if error and (error.get("type") if isinstance(error, dict) else error) != "resource_already_exists_exception":
            raise EngineError(f"cannot create the run lock index {self.store.lock_index}: {error}")

    def _current(self):
        try:
            return self.client.get(index=self.store.lock_index, id=LOCK_ID)
        except ox.NotFoundError:
            return None

    def _take_over_stale(self):
        """Delete the lock document if its holder is gone; return whether the lock may be tried again."""
        found = self._current()
        if found is None:
            return True
        held = found["_source"]
        if not _is_stale(held):
            self._held = held
            return False
        try:
            self.client.delete(index=self.store.lock_index, id=LOCK_ID,
                               params={"if_seq_no": found["_seq_no"], "if_primary_term": found["_primary_term"]})
        except (ox.ConflictError, ox.NotFoundError):
            pass  # another run took it over (or released it) first: try again, once
        return True

    def _busy(self):
        held = getattr(self, "_held", None) or {}
        who = f" (pid {held.get('pid')} on {held.get('host')}, since {held.get('started')})" if held else ""
        return IndexBusy(f"another indexing run{who} is writing to {self.store.describe()}; wait for it to finish")

    def heartbeat(self):
        """Record that the run is alive (called on each commit)."""
        if self.version is None:
            return
        with self.store.failures("refreshing the run lock"):
            try:
                r = self.client.index(index=self.store.lock_index, id=LOCK_ID, body=self._holder(),
                                      params={"if_seq_no": self.version[0], "if_primary_term": self.version[1]})
            except ox.ConflictError as err:
                self.version = None
                raise EngineError(f"the run lock of {self.store.describe()} was taken over by another run "
                                  f"({reason(err)}); this run stops") from err
        self.version = (r["_seq_no"], r["_primary_term"])

    def release(self):
        if self.version is None:
            return
        with self.store.failures("releasing the run lock"):
            try:
                self.client.delete(index=self.store.lock_index, id=LOCK_ID,
                                   params={"if_seq_no": self.version[0], "if_primary_term": self.version[1]})
            except (ox.ConflictError, ox.NotFoundError):
                pass  # taken over as stale meanwhile: not ours to delete any more
        self.version = None


def _is_stale(held):
    if time.time() - float(held.get("heartbeat") or 0) > LOCK_STALE:
        return True
    if held.get("host") == socket.gethostname():
        try:
            os.kill(int(held.get("pid")), 0)
        except ProcessLookupError:
            return True
        except (PermissionError, TypeError, ValueError):
            return False
    return False
