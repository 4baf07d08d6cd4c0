"""The shortcuts extraction takes for speed give what the slow ways give (issue 14).

The main guarantee is bench/extraction_cpu.py's golden check (every output byte for byte on
4,291 articles); these tests pin each shortcut on small real inputs.
"""
import unicodedata

import pytest

from indexer.extract.countries import fold, load_gazetteer
from indexer.extract.entities import Extractor, ner_text
from indexer.extract.tokens import Tokens, tokens_of

TITLE = "Müller’s talks in São Paulo"
BODY = ("German Chancellor Angela Merkel met Brazil's president in  São Paulo on Monday.\n\n"
        "The U.S.-based firm said   it would invest $2 billion; Reuters reported.  ")


def slow_fold(name):
    """countries.fold as it was before its ASCII shortcut."""
    s = unicodedata.normalize("NFKD", name.replace("’", "'").replace("‘", "'"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(s.lower().split())


@pytest.mark.parametrize("name", ["United  States", "U.S.", " new\tyork ", "D'Estaing", "ÉIRE", "Côte d’Ivoire",
                                  "o‘neill", "ﬁnland", "", "SAN\nJOSE"])
def test_fold_gives_the_key_of_the_unicode_path(name):
    assert fold(name) == slow_fold(name)


def test_gazetteer_answers_the_same_for_every_casing_and_repeat():
    gaz = load_gazetteer()
    first = [gaz.name("France"), gaz.place("Paris"), gaz.name("Atlantis"), gaz.lookup("paris")]
    assert first[0].country == "France" and first[1].country == "France" and first[2] is None
    # the memo is keyed by the folded text: other casings and spacing, and repeats, get the same Hit
    assert [gaz.name("FRANCE"), gaz.place("  PARIS "), gaz.name("atlantis"), gaz.lookup("Paris")] == first
    assert [gaz.name("France"), gaz.place("Paris"), gaz.name("Atlantis"), gaz.lookup("paris")] == first


def test_tokens_are_the_docs_token_attributes(nlp):
    doc = nlp(ner_text(TITLE, BODY))
    t = Tokens(doc)
    assert t.words == [tok.text for tok in doc]
    assert t.lowers == [tok.lower_ for tok in doc]
    assert t.idx == [tok.idx for tok in doc]
    assert t.space == [tok.whitespace_ == " " for tok in doc]
    assert t.alpha == [tok.is_alpha for tok in doc]
    assert t.text == doc.text
    assert [(e.start, e.end, e.start_char, e.end_char, e.label_) for e in t.ents] == [
        (e.start, e.end, e.start_char, e.end_char, e.label_) for e in doc.ents]
    assert t.ents, "the text has entities"
    for i in range(len(doc)):
        assert t.end_char(i) == doc[i].idx + len(doc[i].text)
        for j in range(i + 1, min(i + 5, len(doc)) + 1):
            assert t.span_text(i, j) == doc[i:j].text


def test_tokens_of_builds_a_new_table_for_another_doc_of_the_same_text(nlp):
    a, b = nlp(ner_text(TITLE, BODY)), nlp(ner_text(TITLE, BODY))
    ta = tokens_of(a)
    assert tokens_of(a) is ta
    tb = tokens_of(b)
    assert tb is not ta and tb.doc is b and tb.words == ta.words


def test_extraction_of_a_doc_read_twice_or_after_another_is_the_same(nlp):
    ex = Extractor()
    other = nlp(ner_text("Putin meets Xi in Moscow", "Russian President Vladimir Putin met Xi Jinping."))
    doc = nlp(ner_text(TITLE, BODY))
    first = ex.extract(doc, len(TITLE))
    assert "Angela Merkel" in first.person and "Brazil" in first.country
    ex.extract(other, 24)
    assert ex.extract(doc, len(TITLE)) == first
    assert ex.extract(doc, len(TITLE)) == first
