"""Search, engine-neutral: the request, the query language's text rules and the results.

request    SearchRequest from URL arguments or CLI options (never raises; warnings say what changed)
query      the query language: fields, operators, well-formedness, plain-words fallback text
results    Hit, SearchResult, Bucket, Stats, and the facet value ordering every engine shares
"""
