"""The cluster engine: an OpenSearch index behind an alias, reached over HTTP (opensearch-py).

client     the client over every node URL; its failures as EngineError / IndexUnavailable
mapping    the index settings, analysis and mapping; the Document <-> _source mapping
store      versioned indexes, the live and building aliases, the atomic swap, the run lock
writer     one indexing run's writes (contract.Writer): bulk by id, refresh on commit
scan       every hit of a query in order: point in time + search_after
dsl        a syntax tree (search/parser.py reads the text into one) as the query DSL
counting   filters, facet counts (exact) and the date histogram as aggregations
searching  one search: hits with highlighted parts, counts, histogram
reader     the contract's Reader over one concrete index
engine     the contract's SearchEngine over all of the above

Where answers differ from the Whoosh engine's, and why:
- Scores: Lucene's BM25 per field, summed over title (x2) and body, vs Whoosh's BM25F; term
  statistics are gathered over all shards (dfs_query_then_fetch), so shards do not skew them.
  The same articles match; the order of close scores may differ.
- Prefixes and wildcards score constant per field (Lucene's rewrite), where Whoosh scores each
  word they expand to; what they match is the same.
- Ties (equal scores, equal dates) break by id, not by index order, which a cluster does not keep.
- Stemming: Lucene's Porter stemmer and Whoosh's differ on a few words ("running": run / runn).
- Phrases: Whoosh renumbers positions after dropping stop words, Lucene leaves gaps, so a phrase
  that skips a stop word of the text ("warning harbour" for "warning for the harbour") matches in
  Whoosh only; slop 2 and more also lets Lucene swap two words.
- Snippets: the unified highlighter's fragments (sentence-bounded, about 180 characters, best two
  in text order) are not Whoosh's ContextFragmenter's; the marked words and the opening without
  matches are the same.
- more_like_this: up to 25 key terms of the body (Lucene's rule), where Whoosh takes 5 by Bo1.
"""
from .engine import OpenSearchEngine

__all__ = ["OpenSearchEngine"]
