"""Smoke test of bench/quality.py scoring on a hand-made two-article gold/prediction pair."""
import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("countrynames")
BENCH = Path(__file__).resolve().parent.parent / "bench" / "quality.py"


@pytest.fixture(scope="module")
def quality():
    spec = importlib.util.spec_from_file_location("bench_quality", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


GOLD = {
    "a": (["United States", "Russia"], ["Vladimir Putin", "Joe Biden"]),
    "b": (["west-germany", "ussr"], ["james-baker"]),   # Reuters-style labels, folded to successors
}
PRED = {
    "a": {"country": ["U.S.", "Russia", "France"], "person": ["Putin", "Joe Biden", "Bob"]},
    "b": {"country": ["Germany", "Russia"], "person": ["James A. Baker"]},
}


def test_scores_by_hand(quality):
    totals, per = quality.score(GOLD, PRED)
    # countries: a has US + Russia right, France wrong; b has both right after folding
    assert (totals["country"]["tp"], totals["country"]["fp"], totals["country"]["fn"]) == (4, 1, 0)
    assert totals["country"]["p"] == pytest.approx(0.8) and totals["country"]["r"] == 1.0
    # people: "Putin" alone does not find "Vladimir Putin" (but is no false positive); "Bob" is wrong
    assert (totals["person"]["tp"], totals["person"]["fp"], totals["person"]["fn"]) == (2, 1, 1)
    assert totals["person"]["f"] == pytest.approx(2 / 3)
    assert per["a"]["country"]["wrong"] == ["France"]
    assert per["a"]["person"]["missed"] == ["Vladimir Putin"] and per["a"]["person"]["wrong"] == ["Bob"]


def test_recall_only_mode_ignores_extra_people(quality):
    totals, _ = quality.score(GOLD, PRED, person_precision=False)
    assert totals["person"]["fp"] == 0


def test_report_prints_worst_articles(quality, capsys):
    totals, per = quality.score(GOLD, PRED)
    quality.report("toy", totals, per, [{"id": "a", "title": "Talks"}, {"id": "b", "title": "Bonn"}])
    out = capsys.readouterr().out
    assert "country  P=0.800 R=1.000" in out and "[a] Talks" in out and "missed=['Vladimir Putin']" in out
