"""indexer.export: the whole filtered set, in order, as JSON lines and CSV."""
import csv
import io
import json

import pytest
from werkzeug.datastructures import MultiDict

from indexer.engines.whoosh import WhooshEngine
from indexer.export import iter_records, write_csv, write_jsonl
from indexer.search.request import SearchRequest

from handmade import ARTICLES, expected_ids, values_of
from test_search import build_handmade


@pytest.fixture(params=[1, 2], ids=["one-segment", "two-segments"], scope="module")
def engine(request, tmp_path_factory):
    path = tmp_path_factory.mktemp(f"export{request.param}")
    build_handmade(path, batches=request.param)
    engine = WhooshEngine(path)
    yield engine
    engine.close()


@pytest.fixture
def searcher(engine):
    with engine.reader() as reader:
        yield reader


def test_export_is_the_whole_set_not_one_page(searcher):
    req = SearchRequest.from_args({"per_page": "10", "page": "2"})
    records = list(iter_records(searcher, req))
    assert sorted(r["id"] for r in records) == sorted(a["id"] for a in ARTICLES)


def test_export_follows_filters_and_sort(searcher):
    req = SearchRequest.from_args(MultiDict([("country", "Spain"), ("not_person", "Jean Martin"), ("sort", "oldest")]))
    ids = [r["id"] for r in iter_records(searcher, req)]
    expected = expected_ids((), {"country": ["Spain"]}, {"person": ["Jean Martin"]})
    by_date = {a["id"]: a["date"] for a in ARTICLES}
    assert sorted(ids) == sorted(expected)
    assert [by_date[i] for i in ids] == sorted(by_date[i] for i in expected)


def test_export_of_nothing_is_empty(searcher):
    assert list(iter_records(searcher, SearchRequest.from_args({"q": "zzzyzzy"}))) == []


def test_record_fields(searcher):
    rec = next(iter_records(searcher, SearchRequest.from_args({"q": "museum"})))
    a = next(a for a in ARTICLES if a["id"] == "a03")
    assert rec == {
        "id": "a03", "title": a["title"], "date": a["date"].isoformat(), "source": "Wire A",
        "url": "https://example.org/a03", "person": a["person"], "country": a["country"], "org": [],
        "topic": a["topic"], "subtopic": a["subtopic"],
    }


def test_write_jsonl_round_trips(searcher):
    records = list(iter_records(searcher, SearchRequest()))
    fh = io.StringIO()
    assert write_jsonl(iter(records), fh) == len(ARTICLES)
    assert [json.loads(line) for line in fh.getvalue().splitlines()] == records


def test_write_csv_joins_lists_with_semicolons(searcher):
    records = list(iter_records(searcher, SearchRequest()))
    fh = io.StringIO()
    assert write_csv(records, fh) == len(ARTICLES)
    rows = list(csv.DictReader(io.StringIO(fh.getvalue())))
    assert len(rows) == len(ARTICLES)
    by_id = {a["id"]: a for a in ARTICLES}
    for row in rows:
        a = by_id[row["id"]]
        assert row["title"] == a["title"]  # commas, quotes and markup survive
        for name in ("person", "country", "org", "topic", "subtopic"):
            assert row[name] == "; ".join(values_of(a, name))


FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+2", "-3 degrees in Oslo", "@SUM(A1:A2)", "\tTabbed", "\rReturned"]


@pytest.fixture
def formula_searcher(tmp_path):
    """An index whose titles (and one person) start like spreadsheet formulas."""
    articles = [dict(ARTICLES[i], id=f"f{i}", title=title, person=["=cmd|' /C calc'!A0"] if i == 0 else [])
                for i, title in enumerate(FORMULAS)]
    build_handmade(tmp_path, articles=articles)
    engine = WhooshEngine(tmp_path)
    with engine.reader() as reader:
        yield reader
    engine.close()


def test_csv_export_defuses_formula_cells(formula_searcher):
    records = list(iter_records(formula_searcher, SearchRequest()))
    fh = io.StringIO()
    write_csv(records, fh)
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(fh.getvalue(), newline=""))}
    assert len(rows) == len(FORMULAS)
    for i, title in enumerate(FORMULAS):
        assert rows[f"f{i}"]["title"] == "'" + title
    assert rows["f0"]["person"] == "'=cmd|' /C calc'!A0"
    assert rows["f0"]["url"] == "https://example.org/f0"  # other cells untouched


def test_jsonl_export_keeps_formula_like_text_as_is(formula_searcher):
    fh = io.StringIO()
    write_jsonl(iter_records(formula_searcher, SearchRequest()), fh)
    titles = {json.loads(line)["title"] for line in fh.getvalue().splitlines()}
    assert titles == set(FORMULAS)


@pytest.mark.parametrize("cell", ["\n=1+1", " =1+1", "  @SUM(A1)", "＝HYPERLINK(\"x\")", "＋1", "\u3000=1", "\u00a0-2+3"])
def test_formulas_behind_spaces_line_breaks_or_in_full_width_are_defused(cell):
    # Regression: only the first character was checked, as written.
    from indexer.export import defuse

    assert defuse(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Harbour strike", " plain words", "", "1-0 win", "Ｆｕｌｌ width"])
def test_ordinary_cells_are_left_alone(cell):
    from indexer.export import defuse

    assert defuse(cell) == cell
