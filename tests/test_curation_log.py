"""The curation log (indexer/curation.py) and its TOML form, on plain Documents: no index, no NER."""
import tomllib

import pytest

from indexer.curation import Curation, CurationError, NoChange, raw_document, raw_extraction, raw_keys
from indexer.curation_toml import import_toml, read_toml, to_toml
from indexer.document import Document
from indexer.extract.aliases import Aliases

ECON = "economy, business and finance"
POL = "politics and government"


def article():
    return Document(
        id="x1", title="Zelenskyy meets Reuters", body="Body.",
        person=["Zelenskyy", "Reuters", "Ana Lopez"], country=["Ukraine"], org=["Tuesday", "NATO"],
        topic=[POL, ECON], subtopic=[f"{POL} › election", f"{ECON} › employment"],
        topics=[{"label": POL, "score": 0.9, "evidence": ["vote"], "children": [["election", 0.5]]},
                {"label": ECON, "score": 0.4, "evidence": ["pay"], "children": [["employment", 0.3]]}],
        mentions=[["title", 0, 9, "person", "Zelenskyy"], ["title", 16, 23, "person", "Reuters"],
                  ["body", 0, 4, "org", "Tuesday"]])


def test_an_empty_curation_changes_nothing_and_keeps_no_raw_copy():
    doc = article()
    assert Curation().curate(doc) == doc and Curation().curate(doc).raw == {}


def test_merge_hide_move_and_not_entity_rewrite_values_and_mentions():
    c = (Curation().add("merge", "person", "zelenskyy", "Volodymyr Zelensky", by="ed")
         .add("move", "person", "Reuters", "org").add("not-entity", value="tuesday")
         .add("hide", "country", "UKRAINE"))
    doc = c.curate(article())
    assert doc.person == ["Volodymyr Zelensky", "Ana Lopez"]
    assert doc.org == ["NATO", "Reuters"]          # its own values first, then what moved in
    assert doc.country == []
    assert doc.mentions == [["title", 0, 9, "person", "Volodymyr Zelensky"], ["title", 16, 23, "org", "Reuters"]]
    # The raw extraction is kept for the changed fields only, and restores the article exactly.
    assert set(doc.raw) == {"person", "country", "org", "mentions"}
    assert raw_document(doc) == article()
    assert c.changes[0].by == "ed" and c.changes[0].at.endswith("Z")


def test_applying_a_newer_curation_works_from_the_raw_values_not_the_stored_ones():
    first = Curation().add("merge", "person", "Zelenskyy", "Volodymyr Zelensky")
    once = first.curate(article())
    undone = first.undo(1)
    assert undone.curate(once) == article()       # back to the raw extraction, nothing kept
    assert raw_keys(once) and raw_keys(undone.curate(once)) == []


def test_merges_chain_the_latest_change_wins_and_undo_of_an_undo_redoes():
    c = Curation().add("merge", "person", "A", "B").add("merge", "person", "B", "C")
    assert c.resolve("person", "a") == ("person", "C")
    c = c.add("merge", "person", "A", "D")       # A re-targeted
    assert c.resolve("person", "A") == ("person", "D")
    c = c.undo(3)
    assert c.resolve("person", "A") == ("person", "C")
    c = c.undo(4)                                  # undo the undo: A -> D again
    assert c.resolve("person", "A") == ("person", "D")
    assert [x.n for x in c.active()] == [1, 2, 3]  # 1 is replaced for A by 3 but stays in effect (undo 3: back)
    assert c.rule("person", "a").n == 3


def test_hiding_a_canonical_value_hides_what_was_merged_into_it():
    c = Curation().add("merge", "org", "FBI", "Federal Bureau of Investigation").add(
        "hide", "org", "Federal Bureau of Investigation")
    assert c.resolve("org", "fbi") is None


def test_a_respelling_merge_fixes_case_and_accents():
    c = Curation().add("merge", "person", "erdogan", "Recep Erdoğan").add("merge", "person", "recep erdogan", "Recep Tayyip Erdoğan")
    assert c.resolve("person", "ERDOGAN") == ("person", "Recep Tayyip Erdoğan")


@pytest.mark.parametrize("ops, message", [
    ([("merge", "person", "A", "B"), ("merge", "person", "B", "A")], "cycle"),
    ([("move", "person", "X", "org"), ("move", "org", "X", "person")], "cycle"),
    ([("merge", "person", "A", "A")], "into itself"),
    ([("move", "country", "France", "org")], "moves between person and org"),
    ([("hide", "nope", "A", "")], "unknown facet"),
    ([("merge", "person", "A", "")], "into what"),
    ([("hide", "person", "  ", "")], "needs a value"),
    ([("explode", "person", "A", "")], "unknown change"),
])
def test_changes_that_cannot_be_made_are_refused_with_a_reason(ops, message):
    c = Curation()
    with pytest.raises(CurationError, match=message):
        for op, facet, value, target in ops:
            c = c.add(op, facet, value, target)


def test_a_change_already_in_effect_and_bad_undos_are_refused():
    c = Curation().add("hide", "person", "Allah")
    with pytest.raises(NoChange):
        c.add("hide", "person", "allah")
    with pytest.raises(CurationError, match="no change 5"):
        c.undo(5)
    with pytest.raises(CurationError, match="already undone"):
        c.undo(1).undo(1)
    # Undoing the undo that would close a cycle is refused too.
    c = Curation().add("merge", "person", "A", "B").undo(1).add("merge", "person", "B", "A")
    with pytest.raises(CurationError, match="cycle"):
        c.undo(2)


def test_changed_keys_are_the_values_whose_outcome_differs():
    c = Curation().add("merge", "person", "A", "B").add("hide", "org", "Junk")
    assert c.changed_keys(c.add("merge", "person", "B", "C")) == {"person:b"} | {"person:a"}
    assert c.changed_keys(c.undo(2)) == {"org:junk"}
    assert c.changed_keys(c) == set()


def test_topics_merge_renames_subtopic_prefixes_and_keeps_the_best_evidence():
    c = Curation().add("merge", "topic", ECON, POL)
    doc = c.curate(article())
    assert doc.topic == [POL]
    assert doc.subtopic == [f"{POL} › election", f"{POL} › employment"]
    assert [t["label"] for t in doc.topics] == [POL] and doc.topics[0]["evidence"] == ["vote"]
    hidden = Curation().add("hide", "topic", POL).curate(article())
    assert hidden.topic == [ECON] and hidden.subtopic == [f"{ECON} › employment"]


def test_the_log_round_trips_through_json():
    c = Curation().add("merge", "person", "A", "B", by="ed").add("not-entity", value="Tuesday").undo(1)
    assert Curation.loads(c.dumps()) == c
    with pytest.raises(CurationError, match="not a Facetwire curation"):
        Curation.loads('{"changes": []}')
    with pytest.raises(CurationError, match="not valid JSON"):
        Curation.loads("{")


def test_export_is_the_aliases_format_and_means_what_the_curation_means():
    c = (Curation().add("merge", "person", "Obama", "Barack Obama").add("merge", "person", "Barack H. Obama", "Barack Obama")
         .add("hide", "person", "Allah").add("merge", "org", "FBI", "Federal Bureau of Investigation"))
    text, left_out = to_toml(c)
    assert left_out == []
    data = tomllib.loads(text)
    assert data == {"person": {"hide": ["Allah"], "merge": {"Barack Obama": ["Obama", "Barack H. Obama"]}},
                    "org": {"merge": {"Federal Bureau of Investigation": ["FBI"]}}}


def test_the_exported_file_is_a_valid_aliases_file_for_index(tmp_path):
    c = Curation().add("merge", "person", "Obama", "Barack Obama").add("hide", "org", "Junk")
    path = tmp_path / "aliases.toml"
    path.write_text(to_toml(c)[0], encoding="utf-8")
    aliases = Aliases.load(path)
    assert aliases.resolve("person", "OBAMA") == "Barack Obama" and aliases.resolve("org", "junk") is None


def test_moves_and_not_entity_marks_are_exported_as_extensions_or_left_out_by_name():
    c = Curation().add("move", "person", "Reuters", "org").add("not-entity", value="Tuesday").add("hide", "org", "X")
    text, left_out = to_toml(c)
    assert tomllib.loads(text) == {"person": {"move": {"Reuters": "org"}}, "org": {"hide": ["X"]},
                                   "not-entity": {"values": ["Tuesday"]}}
    plain, left_out = to_toml(c, plain=True)
    assert tomllib.loads(plain) == {"org": {"hide": ["X"]}}
    assert left_out == ["move person 'Reuters' to org", "'Tuesday' is not an entity"]


def test_import_adds_what_is_not_in_effect_yet_and_round_trips():
    c = (Curation().add("merge", "person", "A", "B").add("move", "person", "Reuters", "org")
         .add("not-entity", value="Tuesday").add("hide", "topic", POL))
    text = to_toml(c)[0]
    again, added = import_toml(Curation(), text, "x.toml", by="import")
    assert added == 4 and all(ch.by == "import" for ch in again.changes)
    for facet, value in [("person", "a"), ("person", "reuters"), ("org", "tuesday"), ("topic", POL), ("person", "Z")]:
        assert again.resolve(facet, value) == c.resolve(facet, value)
    assert import_toml(again, text, "x.toml")[1] == 0     # everything already in effect


@pytest.mark.parametrize("text, message", [
    ("[person\n", "not valid TOML"),
    ("[people]\nhide = ['x']\n", "line 1: unknown facet"),
    ("[person]\nhide = 'x'\n", "line 2: .person. hide must be a list"),
    ("[person]\nmerge = 3\n", "merge must be a table"),
    ("[person.move]\n\"X\" = \"country\"\n", "moves between"),
    ("[not-entity]\nvalue = ['x']\n", "holds one key"),
    ("[person.merge]\n\"A\" = [\"B\"]\n\"B\" = [\"A\"]\n", "cycle"),
])
def test_a_bad_import_file_is_refused_naming_file_and_line(text, message):
    with pytest.raises(CurationError, match=message):
        import_toml(Curation(), text, "bad.toml")
    try:
        read_toml(text, "bad.toml")
    except CurationError as err:
        assert str(err).startswith("bad.toml")


def test_raw_extraction_of_an_uncurated_document_is_its_stored_values():
    doc = article()
    assert raw_extraction(doc)["person"] == doc.person and raw_keys(doc) == []
