"""Trends and related values over this engine: the contract's histogram() and cooccurring()."""


def histogram(reader, request, unit):
    raise NotImplementedError


def cooccurring(reader, request, facets, limit):
    raise NotImplementedError
