"""The embedded engine: a Whoosh index in a local folder (the default; nothing else to install).

store      index_dir/CURRENT -> gen-*/ generations, building/, the run lock
schema     the Whoosh schema and the Document <-> stored fields mapping
writer     one indexing run's writes (contract.Writer)
live       the live index of a process: a searcher per thread, swaps picked up
parse      the query text as a Whoosh query, with the friendly fallback
expand     wildcards, prefixes, fuzzy words and ranges as index words, once per search, within the budget
evaluate   matches and BM25F scores with numpy over cached posting lists
counting   facet counts, filters and the date histogram as masks over document numbers
snippets   highlighted fragments
searching  one search: hits, counts, the ordered filtered set
engine     the contract (SearchEngine, Reader) over all of the above
"""
from .engine import WhooshEngine

__all__ = ["WhooshEngine"]
