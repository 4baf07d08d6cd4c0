"""Facetwire's library: reading news articles, extracting facets, and searching them.

    articles.py   sources -> Article records (+ Problem reports)       the shared nouns
    document.py   Document: one indexed article, as every engine stores it
    facets.py     the facet registry: person, country, topic, org, source, subtopic, declared once
    errors.py     FacetwireError and its kinds (what the CLI and the web app catch)
    contract.py   SearchEngine / Reader / Writer: all an index must do for the CLI and the web app

    extract/      text -> facet values: spaCy NER, persons, places, orgs, gazetteer, aliases, topics
    search/       engine-neutral: the request, the query language, the results
    engines/      the implementations of the contract: whoosh/ (embedded, default), opensearch/

    build.py      the `index` command: incremental by content hash, through a contract Writer
    export.py     the `export` command: the whole filtered set as JSON lines or CSV
    stats.py      the `stats` command

extract never imports search or engines; search never imports extract or engines; only
engines/whoosh imports whoosh. web/ and app.py talk to
the contract and never to an engine's modules. docs/DESIGN.md draws the same map.
"""
