"""Extraction: an article's text -> facet values (person, country, org, topic) and their evidence.

analyze    the Analyzer (settings, fingerprint), Analysis records, NER in 1..N worker processes
nlp        loading the spaCy model
entities   people, countries and organisations from NER spans: persons, places, orgs, lexicon,
           countries (the offline gazetteer)
aliases    the user's merge and hide rules
topics     IPTC Media Topics from the text (topics_data: the taxonomy and cue words)
"""
