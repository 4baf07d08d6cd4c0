"""The OpenSearch engine: the search contract (indexer.contract) over an alias on a cluster."""
from . import curation
from .client import make_client
from .reader import OpenSearchReader
from .store import Store
from .writer import OpenSearchWriter


class OpenSearchEngine:
    """An index name on a cluster (config.index_name is the live alias); connects on first use."""

    name = "opensearch"

    def __init__(self, config):
        self.config = config
        self._store = None

    @property
    def store(self):
        if self._store is None:
            self._store = Store(make_client(self.config), self.config)
        return self._store

    def reader(self, batch=False):
        # No time limit is applied to OpenSearch searches (QUERY_SYNTAX.md): batch changes nothing.
        return OpenSearchReader(self.store, self.store.live_or_raise())

    def writer(self, fresh):
        return OpenSearchWriter(self.store, fresh)

    def exists(self):
        return self.store.live() is not None

    def curation(self):
        return curation.load(self.store)

    def save_curation(self, new, base_version):
        curation.save(self.store, new, base_version)

    def check(self):
        """Raise EngineError when the cluster cannot be reached or is red, IndexMissing without a live index."""
        self.store.check_health()
        self.store.live_or_raise()

    def describe(self):
        return f"opensearch {self.config.index_name}@{','.join(self.config.engine_url)}"

    def collect(self, min_age=0.0):
        return self.store.collect(min_age)

    def drop(self):
        """Delete this name's live index, unpublished build and run lock (tests; starting over)."""
        self.store.drop()

    def close(self):
        if self._store is not None:
            self._store.client.close()
            self._store = None
