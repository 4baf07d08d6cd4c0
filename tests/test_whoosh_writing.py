"""Writing a Whoosh index faster (issue 14) changes how, never what: the same segments and terms."""
from whoosh.analysis import CompositeAnalyzer
from whoosh.codec.whoosh3 import W3Codec

from indexer.engines.whoosh import WhooshEngine, store
from indexer.engines.whoosh.schema import fold_stem, fold_word, get_schema
from indexer.engines.whoosh.writer import Codec
from indexer.search.folding import fold
from indexer.search.request import SearchRequest
from whoosh.lang.porter import stem

from handmade import ARTICLES, documents


def test_segments_written_name_whooshs_own_codec_so_an_index_never_needs_ours_to_open(tmp_path):
    engine = WhooshEngine(tmp_path)
    with engine.writer(fresh=True) as w:
        w.put(documents(ARTICLES[:3]))
        w.commit()
        w.put(documents(ARTICLES[3:]))
        w.commit()
        w.publish()
    ix = store.open_index(tmp_path)
    segments = ix._segments()
    assert segments and all(type(seg.codec()) is W3Codec for seg in segments)
    assert not any(isinstance(seg.codec(), Codec) for seg in segments)
    with engine.reader() as r:
        assert r.search(SearchRequest(q="harbour")).total == sum(
            "harbour" in (a["title"] + " " + a["body"]).lower() for a in ARTICLES)
    engine.close()


def test_the_cached_word_functions_give_what_folding_and_stemming_give():
    for word in ("governments", "matovič", "running", "zoë", "covid", "e-mail"):
        assert fold_stem(word) == stem(fold(word))
        assert fold_word(word) == fold(word)


def test_the_analyzers_of_title_body_and_words_read_text_as_before():
    schema = get_schema()
    text = "Matovič said the Governments were running; Zoë's e-mail"
    assert [t.text for t in schema["body"].analyzer(text)] == \
        [stem(fold(w)) for w in ("matovič", "said", "governments", "were", "running", "zoë", "mail")]
    assert [t.text for t in schema["words"].analyzer(text)] == \
        [fold(w) for w in ("matovič", "said", "governments", "were", "running", "zoë", "mail")]


TRICKY = ["", "   ", "a", "The the THE", "U.S. officials said e-mail wasn't sent; 3.5% rose, 1,000 died",
          "Zoë Ñandú ŁÓDŹ straße İstanbul ǅemal", "the of and a I x y z", "x" * 300 + " word",
          "Covid-19 COVID19 covid_19 __init__ 2020-01-05T09:00", "Ünïcödé\u00a0spaces\tand\nlines",
          "مرحبا بالعالم 你好世界 привет мир", "..., --- ;;; !!!", "It's the end... of the road."]


def sample_texts():
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "data" / "sample" / "wikinews.jsonl"
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            yield record.get("title") or ""
            yield record.get("body") or ""


def chain(analyzer, text, **kwargs):
    # The plain Whoosh chain, as every use but writing runs it.
    return [(t.text, t.pos if kwargs.get("positions") else None, t.boost)
            for t in CompositeAnalyzer.__call__(analyzer, text, mode="index", **kwargs) if not t.stopped]


def test_writing_reads_every_text_into_the_tokens_whooshs_chain_gives():
    schema = get_schema()
    body, words = schema["body"].analyzer, schema["words"].analyzer
    texts = TRICKY + list(sample_texts())
    assert len(texts) > 500
    for text in texts:
        for positions in (True, False):
            fast = [(t.text, t.pos if positions else None, t.boost) for t in body(text, mode="index", positions=positions)]
            assert fast == chain(body, text, positions=positions), text[:80]
        # (each word once as written: two that fold alike, Brudziński and Brudzinski, give one word twice)
        assert {t.text for t in words(text, mode="index")} == {t for t, _, _ in chain(words, text)}
    # ... and what the index's formats make of them, a field at a time
    for text in texts[:60]:
        for name, analyzer in (("body", body), ("words", words)):
            by_chain = schema[name].format.word_values(
                text, lambda v, a=analyzer, **kw: CompositeAnalyzer.__call__(a, v, **kw), mode="index")
            assert sorted(schema[name].index(text)) == sorted((w.encode("utf-8"), *rest) for w, *rest in by_chain)


def test_queries_and_highlighting_still_run_whooshs_chain():
    body = get_schema()["body"].analyzer
    text = "Leaders of the Governments, meeting"
    query = [(t.text, t.startchar, t.endchar) for t in body(text, chars=True, removestops=False)]
    assert query[0] == ("leader", 0, 7) and ("of", 8, 10) in query    # chars and stop words kept: the chain
