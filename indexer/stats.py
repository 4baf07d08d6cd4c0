"""Summaries of an index: size, article count, date range, top values per facet."""
import heapq

from . import store
from .facets import live_value_counts
from .schema import FACET_FIELDS

MISSING_DATE = 2**64 - 1  # what Whoosh's DATETIME column holds for a document without a date


def index_stats(index_dir, top=10):
    """Return a dict describing the live index of index_dir."""
    ix = store.open_index(index_dir)
    with ix.searcher() as s:
        reader = s.reader()
        facets, distinct = {}, {}
        for name in FACET_FIELDS:
            # Live documents only: the lexicon still counts replaced and deleted versions.
            counts = live_value_counts(s, name)
            distinct[name] = len(counts)
            facets[name] = heapq.nsmallest(top, counts.items(), key=lambda vc: (-vc[1], vc[0]))
        dates = None
        if s.doc_count():
            values = list(_date_values(reader))
            if values:
                to_date = ix.schema["date"].from_column_value
                dates = (to_date(min(values)).date().isoformat(), to_date(max(values)).date().isoformat())
        return {
            "path": str(store.live_path(index_dir)),
            "articles": s.doc_count(),
            "size_bytes": store.index_size(index_dir),
            "dates": dates,
            "facets": facets,
            "distinct": distinct,
        }


def _date_values(reader):
    """Yield the raw date column value of every live document that has a date.

    Segment by segment: Whoosh's multi-segment column reader fails when one segment has no
    date column at all (every article in it undated).
    """
    for leaf, _offset in reader.leaf_readers():
        if not leaf.has_column("date"):
            continue
        col = leaf.column_reader("date", translate=False)
        for n in leaf.all_doc_ids():
            if col[n] != MISSING_DATE:  # what an undated article holds
                yield col[n]
