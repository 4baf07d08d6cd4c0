"""Facet counts of the Whoosh engine (counting.count_values) against counts made in plain Python.

count_values gathers every (document, value) pair of a facet over all segments at once
(counting.merged_pairs); these tests pin that it counts exactly what the stored documents hold,
over several segments, with deleted and replaced documents, and for any set of documents.
"""
import random

import numpy as np
import pytest
from whoosh.query import Every

from indexer.engines.whoosh import counting, store
from indexer.engines.whoosh.engine import WhooshEngine
from indexer.engines.whoosh.schema import from_fields

from handmade import ARTICLES, FACET_NAMES, documents, load


@pytest.fixture(scope="module", params=[1, 4], ids=["one-segment", "four-segments"])
def churned(request, tmp_path_factory):
    """The handmade articles in 1 or 4 commits, then one deleted and one replaced (new values)."""
    engine = load(WhooshEngine(tmp_path_factory.mktemp("counting")), batches=request.param)
    changed = documents(ARTICLES[3:4])[0]
    changed.person, changed.country = ["Zoe Newname"], ["Iceland", "Peru"]
    with engine.writer(fresh=False) as writer:
        writer.delete([ARTICLES[0]["id"]])
        writer.put([changed])
        writer.commit()
    engine.close()
    with store.open_index(engine.index_dir).searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) >= request.param and searcher.reader().has_deletions()
        yield searcher


def plain_counts(searcher, name, docnums):
    """Count the facet's values over the given documents from their stored fields, in plain Python."""
    counts = {}
    for d in docnums:
        for value in getattr(from_fields(searcher.stored_fields(d)), name):
            counts[value] = counts.get(value, 0) + 1
    return counts


def live_docnums(searcher):
    return [d for d in range(searcher.doc_count_all()) if not searcher.reader().is_deleted(d)]


@pytest.mark.parametrize("name", FACET_NAMES)
def test_counts_over_every_live_document_are_the_stored_values(churned, name):
    mask = counting.query_mask(churned, Every())
    expected = plain_counts(churned, name, live_docnums(churned))
    assert dict(counting.count_values(churned, name, mask)) == expected
    if name == "person":
        assert expected.get("Zoe Newname") == 1   # the replaced document's new value counts once


@pytest.mark.parametrize("seed", range(6))
def test_counts_over_any_set_of_documents_are_the_plain_counts(churned, seed):
    rng = random.Random(seed)
    live = live_docnums(churned)
    chosen = sorted(rng.sample(live, rng.randint(0, len(live))))
    mask = np.zeros(churned.doc_count_all(), dtype=bool)
    mask[chosen] = True
    for name in FACET_NAMES:
        got = counting.count_values(churned, name, mask)
        assert dict(got) == plain_counts(churned, name, chosen)
        assert all(c > 0 for c in got.values())   # zero counts are left out


def test_an_empty_set_counts_nothing(churned):
    for name in FACET_NAMES:
        assert counting.count_values(churned, name, counting.empty_mask(churned)) == {}
