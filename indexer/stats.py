"""Summaries of an index: size, article count, date range, top values per facet."""


def index_stats(engine, top=10):
    """Return the Stats (indexer.search.results) of the engine's live index."""
    with engine.reader() as reader:
        return reader.stats(top)
