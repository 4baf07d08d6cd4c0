"""Issue 11 §2: how a short form several people share was read ("Trump": Donald or Melania) is kept
with the article on every engine, as the optional sixth element of its mentions, and comes back
through document() and export(); mentions of the old five-element shape still read."""
import dataclasses

from indexer.articles import Article
from indexer.document import Document, export_record, readings
from indexer.extract.analyze import Analyzer
from indexer.search.request import SearchRequest

from handmade import documents, load

TITLE = "Summit in Paris"
BODY = ("Donald Trump arrived in Paris on Monday. Donald Trump met Emmanuel Macron. Melania Trump visited a "
        "school. Later Trump said the talks went well.")


def analysed(nlp):
    analyzer = Analyzer()
    analyzer.__dict__["nlp"] = nlp   # the session's model, not a second load
    article = Article(id="fam1", title=TITLE, body=BODY)
    article.chash = f"{analyzer.fingerprint}-{article.content_hash()}"   # as indexer.build sets it
    return Document.from_article(article, analyzer.analyze_batch([article])[0])


def test_a_family_reading_is_stored_read_back_and_exported(make_engine, nlp):
    doc = analysed(nlp)
    trump = [m for m in doc.mentions if m[0] == "body" and BODY[m[1]:m[2]] == "Trump"]
    assert trump and all(len(m) == 6 and m[4] == "Donald Trump" for m in trump)
    assert trump[0][5] == {"written": "Trump", "as": "Donald Trump", "why": "most mentioned",
                           "named": {"Donald Trump": 2, "Melania Trump": 1}}
    engine = load(make_engine())
    with engine.writer(fresh=False) as w:
        w.put([doc])
        w.commit()
    with engine.reader() as r:
        back = r.document("fam1")
        assert back.mentions == doc.mentions
        exported = [export_record(d) for d in r.export(SearchRequest(q="Melania"))]
    got = readings(back.mentions)
    assert [(g["written"], g["value"], g["uses"]) for g in got] == [("Trump", "Donald Trump", len(trump))]
    assert got[0]["text"].startswith("“Trump” read as Donald Trump")
    assert "the most of the Trump family here (also: Melania Trump, named once)" in got[0]["text"]
    rec = next(e for e in exported if e["id"] == "fam1")
    assert rec["readings"] == got


def test_old_five_element_mentions_still_read_and_have_no_readings(make_engine):
    old = dataclasses.replace(documents()[0], id="old1", chash="hash-old1",
                              mentions=[["body", 0, 3, "person", "Ana Lopez"]])
    engine = load(make_engine())
    with engine.writer(fresh=False) as w:
        w.put([old])
        w.commit()
    with engine.reader() as r:
        back = r.document("old1")
        rec = next(export_record(d) for d in r.export(SearchRequest()) if d.id == "old1")
    assert back.mentions == [["body", 0, 3, "person", "Ana Lopez"]]
    assert readings(back.mentions) == [] and "readings" not in rec


def test_malformed_readings_are_ignored():
    mentions = [["body", 0, 5, "person", "Donald Trump", "not a dict"],
                ["body", 6, 11, "person", "Donald Trump", {"written": 5, "why": "most mentioned"}],
                ["body", 12, 17, "person", "Donald Trump", {"written": "Trump", "why": "most mentioned",
                                                            "named": "many"}],
                "junk", None]
    got = readings(mentions)
    assert [(g["written"], g["named"]) for g in got] == [("Trump", {})]


def test_a_merge_of_the_read_value_keeps_the_reading_under_the_new_value(make_engine, nlp):
    from indexer import curate

    engine = load(make_engine())
    with engine.writer(fresh=False) as w:
        w.put([analysed(nlp)])
        w.commit()
    curate.change(engine, "merge", "person", "Donald Trump", "Donald J. Trump", by="ed")
    with engine.reader() as r:
        got = readings(r.document("fam1").mentions)
    assert [(g["written"], g["value"]) for g in got] == [("Trump", "Donald J. Trump")]
    assert got[0]["text"] == ("“Trump” read as Donald J. Trump: named in full twice, the most of the Trump "
                              "family here (also: Melania Trump, named once)")
