"""The cluster engine: an OpenSearch index behind an alias, reached over HTTP (opensearch-py).

client     the client over every node URL; its failures as EngineError / IndexUnavailable
mapping    the index settings, analysis and mapping; the Document <-> _source mapping
store      versioned indexes, the live and building aliases, the atomic swap, the run lock
writer     one indexing run's writes (contract.Writer): bulk by id, refresh on commit
scan       every hit of a query in order: point in time + search_after
reading    the query text as a syntax tree (indexer.search.syntax)
dsl        a syntax tree as the query DSL
counting   filters, facet counts (exact) and the date histogram as aggregations
searching  one search: hits with highlighted parts, counts, histogram
reader     the contract's Reader over one concrete index
engine     the contract's SearchEngine over all of the above
"""
from .engine import OpenSearchEngine

__all__ = ["OpenSearchEngine"]
