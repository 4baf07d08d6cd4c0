"""Summaries of an index: size, article count, date range, top values per facet."""
from .engines import EngineConfig, open_engine


def index_stats(index_dir=None, top=10, engine=None):
    """Return the Stats (indexer.search.results) of the live index."""
    owned = engine is None
    engine = engine or open_engine(EngineConfig(index_dir=str(index_dir)))
    try:
        with engine.reader() as reader:
            return reader.stats(top)
    finally:
        if owned:
            engine.close()
