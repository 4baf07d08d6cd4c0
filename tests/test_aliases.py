"""The aliases file: merge and hide facet values; a bad file names its path and line."""
import pytest

from indexer.extract.aliases import Aliases, AliasesError
from indexer.extract.analyze import Settings

GOOD = """\
[person]
hide = ["Allah"]

[person.merge]
"Barack Obama" = ["Obama", "Barack H. Obama"]
"Donald Trump" = "Trump"

[org.merge]
"United Nations" = ["UN"]
"""


def write(tmp_path, text):
    path = tmp_path / "aliases.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_merge_and_hide(tmp_path):
    a = Aliases.load(write(tmp_path, GOOD))
    got = a.apply("person", ["Obama", "Allah", "Barack Obama", "Joe Biden", "trump", "Barack H. Obama"])
    assert got == ["Barack Obama", "Joe Biden", "Donald Trump"]
    assert a.apply("org", ["UN", "NATO"]) == ["United Nations", "NATO"]
    # facets are separate: an org alias does not touch persons
    assert a.apply("person", ["UN"]) == ["UN"]
    assert a.resolve("person", "ALLAH") is None


def test_whole_values_only(tmp_path):
    a = Aliases.load(write(tmp_path, GOOD))
    assert a.apply("person", ["Michelle Obama"]) == ["Michelle Obama"]


def test_empty_changes_nothing():
    assert Aliases.empty().apply("country", ["Russia", "Russia", "Iran"]) == ["Russia", "Iran"]


def test_chains_are_followed(tmp_path):
    a = Aliases.load(write(tmp_path, '[org.merge]\n"B" = ["A"]\n"C" = ["B"]\n'))
    assert a.apply("org", ["A", "B", "C"]) == ["C"]


def test_example_file_loads():
    from pathlib import Path

    a = Aliases.load(Path(__file__).resolve().parent.parent / "aliases.example.toml")
    assert a.resolve("person", "Obama") == "Barack Obama"


@pytest.mark.parametrize("text, line, words", [
    ('[person]\nhide = ["x"]\nfoo bar\n', 3, "not valid TOML"),
    ('[people]\nhide = []\n', 1, "unknown facet"),
    ('[person]\nhidden = ["x"]\n', 2, "unknown key"),
    ('[person]\nhide = "x"\n', 2, "list"),
    ('[person.merge]\n"A" = ["x"]\n"B" = ["x"]\n', 3, "both"),
    ('[person]\nhide = ["x"]\n[person.merge]\n"A" = ["x"]\n', 4, "merged and hidden"),
    ('[org.merge]\n"A" = ["B"]\n"B" = ["A"]\n', None, "cycle"),
])
def test_bad_file_names_path_and_line(tmp_path, text, line, words):
    path = write(tmp_path, text)
    with pytest.raises(AliasesError) as err:
        Aliases.load(path)
    msg = str(err.value)
    assert str(path) in msg and words in msg
    if line is not None:
        assert f"line {line}" in msg


def test_missing_file(tmp_path):
    with pytest.raises(AliasesError, match="cannot read"):
        Aliases.load(tmp_path / "nope.toml")


TOPIC_ALIASES = """\
[topic]
hide = ["weather"]

[topic.merge]
"politics" = ["politics and government"]
"""


def test_topic_sections_are_applied_to_what_indexing_writes(tmp_path):
    # Regression: [topic] was validated and then silently ignored.
    from indexer.build import build_index
    from indexer.engines.whoosh import WhooshEngine
    from indexer.search.request import SearchRequest

    source = tmp_path / "a.jsonl"
    source.write_text(
        '{"id": "vote", "title": "Parliament votes on the election law", "body": "The parliament passed the '
        'election law after a long debate; the government and the opposition parties voted, and the '
        'minister said the new electoral rules take effect before the next general election."}\n'
        '{"id": "storm", "title": "Storm brings heavy rain and snow", "body": "Forecasters issued a weather '
        'warning as the storm brought heavy rain, strong winds and snow; meteorologists expect more rainfall '
        'and cold temperatures this week."}\n', encoding="utf-8")
    plain = build_index([source], tmp_path / "plain", workers=0)
    aliased = build_index([source], tmp_path / "aliased", workers=0,
                          settings=Settings(aliases_file=str(write(tmp_path, TOPIC_ALIASES))))
    assert plain.added == aliased.added == 2

    def topics(path):
        engine = WhooshEngine(path)
        with engine.reader() as r:
            found = {d.id: (d.topic, d.subtopic, [t["label"] for t in d.topics]) for d in r.export(SearchRequest())}
        engine.close()
        return found

    before, after = topics(tmp_path / "plain"), topics(tmp_path / "aliased")
    assert "politics and government" in before["vote"][0] and "weather" in before["storm"][0]
    assert "politics" in after["vote"][0] and "politics and government" not in after["vote"][0]
    assert all(s.startswith("politics › ") for s in after["vote"][1] if "politic" in s)
    assert "politics" in after["vote"][2]
    assert "weather" not in after["storm"][0] and not any(s.startswith("weather") for s in after["storm"][1])
