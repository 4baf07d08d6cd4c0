"""A command's own reads of the index (resolution, near-duplicates) are never cut short by the
query budget's time limits, which exist for visitors' requests (SearchEngine.reader(batch=True))."""
from datetime import datetime

from indexer.document import Document
from indexer.duplicates import dedupe_index
from indexer.engines.whoosh import WhooshEngine
from indexer.resolve import Merge, resolve_index
from indexer.search.query import QueryBudget
from indexer.search.request import SearchRequest

OUT_OF_TIME = QueryBudget(seconds=0.0, quick=0.0)   # every interactive search is past its limit at once
STORY = ("The harbour authority said on Monday that shipping would resume after the storm, and dock "
         "workers returned to the quays as the first container ships came in from the open sea.")


def docs():
    people = [["Angela Merkel"], ["Angela Merkel"], ["Angela Merkel"], ["Merkel"]]
    out = [Document(id=f"m{i}", chash=f"h{i}", title=f"Talks {i}", body=f"Story number {i} about talks.",
                    date=datetime(2020, 1, 1 + i), person=p) for i, p in enumerate(people)]
    out += [Document(id=f"d{i}", chash=f"d{i}", title="Harbour", body=STORY + (" Updated." if i else ""),
                     date=datetime(2020, 2, 1 + i)) for i in range(2)]
    return out


def engine_out_of_time(tmp_path):
    engine = WhooshEngine(tmp_path, budget=OUT_OF_TIME)
    with engine.writer(fresh=True) as w:
        w.put(docs())
        w.commit()
        w.publish()
    return engine


def test_the_interactive_budget_cuts_counting_short_when_out_of_time(tmp_path):
    engine = engine_out_of_time(tmp_path)
    with engine.reader() as r:     # what the resolution step used to read through
        assert r.facet_values(SearchRequest(), "person")[0] == []
    with engine.reader(batch=True) as r:
        assert dict(r.facet_values(SearchRequest(), "person")[0]) == {"Angela Merkel": 3, "Merkel": 1}
    engine.close()


def test_resolution_and_near_duplicates_read_the_whole_index_however_busy_the_machine(tmp_path):
    engine = engine_out_of_time(tmp_path)
    merges = resolve_index(engine)
    assert Merge("person", "Merkel", "Angela Merkel", "surname") in merges
    report = dedupe_index(engine)
    assert (report.articles, report.grouped, report.groups) == (6, 2, 1)
    with engine.reader(batch=True) as r:
        assert r.document("d1").dup == "d0"
    engine.close()


def test_country_context_with_the_count_known_gives_what_counting_it_again_gives(tmp_path):
    from handmade import ARTICLES, documents
    from indexer.resolve import country_context, values_of

    engine = WhooshEngine(tmp_path)
    with engine.writer(fresh=True) as w:
        w.put(documents(ARTICLES))
        w.commit()
        w.publish()
    for facet in ("org", "person"):
        counts = values_of(engine, facet)
        assert counts
        for value, n in counts.items():
            assert country_context(engine, facet, value, n) == country_context(engine, facet, value)
    engine.close()
