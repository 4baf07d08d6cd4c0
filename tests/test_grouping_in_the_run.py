"""Near-duplicates found while a run writes (duplicates.Grouping, build.py): the groups are those
of the whole index grouped from scratch, whatever the run wrote and in whatever order."""
import itertools
import json
from dataclasses import replace

from indexer.build import build_index
from indexer.duplicates import Grouping, dedupe_index, groups
from indexer.engines.whoosh import WhooshEngine
from indexer.search.request import SearchRequest

from dupdata import ARTICLES, FLOOD, GROUPS, STORY, documents


def expected():
    return {i: g for i, g in GROUPS.items() if g}


def test_groups_do_not_depend_on_the_order_documents_are_added():
    docs = documents()
    for order in itertools.islice(itertools.permutations(docs), 0, None, 997):
        assert groups(order) == expected()


def load(tmp_path, docs):
    engine = WhooshEngine(tmp_path)
    with engine.writer(fresh=True) as w:
        w.put(docs)
        w.commit()
        w.publish()
    return engine


def stored_groups(engine):
    with engine.reader(batch=True) as r:
        return {d.id: d.dup for d in r.export(SearchRequest())}


def test_a_runs_grouping_of_some_articles_completed_from_the_index_gives_the_whole_groups(tmp_path):
    docs = documents()
    engine = load(tmp_path, docs)
    run = Grouping()
    for doc in docs[:3]:           # what "this run" wrote; the rest was there before it
        run.add(doc)
    report = dedupe_index(engine, run)
    assert (report.grouped, report.groups) == (5, 2)
    assert stored_groups(engine) == GROUPS
    engine.close()


def test_a_grouping_that_does_not_match_the_index_is_started_again(tmp_path):
    docs = documents()
    engine = load(tmp_path, docs)
    run = Grouping()
    run.add(replace(docs[0], chash="other-content", body=FLOOD))   # d2 as the run first saw it
    run.add(replace(docs[0], chash="other-content"))                # the same id again: stale
    assert run.stale
    stale_free = Grouping()
    stale_free.add(replace(docs[1], chash="changed-since", body=FLOOD))   # d1, not as the index has it
    for grouping in (run, stale_free):
        dedupe_index(engine, grouping)
        assert stored_groups(engine) == GROUPS
    engine.close()


def test_an_incremental_run_puts_a_new_version_in_the_group_of_articles_it_did_not_write(tmp_path):
    corpus = tmp_path / "news.jsonl"
    first = [a for a in ARTICLES if a["id"] in ("d1", "o1", "f1")]
    rows = [dict(id=a["id"], title=a["title"], body=a["body"],
                 date=a["date"].isoformat() if a["date"] else None) for a in first]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    index = tmp_path / "index"
    build_index([corpus], index_dir=index, workers=0, resolve=False)
    rows.append(dict(id="d9", title="Norland raises rates (corrected)", body=STORY.replace("half a point", "0.5 points"),
                     date="2021-03-08T10:00:00"))
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = build_index([corpus], index_dir=index, workers=0, resolve=False)
    assert (report.added, report.unchanged) == (1, 3)
    engine = WhooshEngine(index)
    assert stored_groups(engine) == {"d1": "d1", "d9": "d1", "o1": "", "f1": ""}
    engine.close()


def test_a_grouping_covers_an_index_only_with_every_document_as_the_index_has_it():
    docs = documents()
    run = Grouping()
    for doc in docs:
        run.add(doc)
    known = {d.id: d.chash for d in docs}
    assert run.covers(known)
    assert not run.covers({**known, "new": "h"})                          # one more in the index
    assert not run.covers({i: c for i, c in known.items() if i != docs[0].id})   # one fewer
    assert not run.covers({**known, docs[0].id: "changed-since"})          # other content
    run.add(docs[0])                                                        # an id twice: stale
    assert not run.covers(known)


def test_a_first_build_that_wrote_every_article_stores_the_whole_groups_and_rewrites_only_them(tmp_path):
    docs = documents()
    engine = load(tmp_path, docs)
    run = Grouping()
    for doc in docs:
        run.add(doc)
    report = dedupe_index(engine, run)
    assert stored_groups(engine) == GROUPS
    assert (report.articles, report.rewritten) == (len(docs), sum(1 for g in GROUPS.values() if g))
    assert sorted(report.changed) == sorted(i for i, g in GROUPS.items() if g)
    again = Grouping()
    with engine.reader(batch=True) as r:
        for doc in r.export(SearchRequest()):
            again.add(doc)
    assert dedupe_index(engine, again).rewritten == 0    # written with their groups: nothing to do
    engine.close()
