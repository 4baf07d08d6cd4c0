"""Writing a Whoosh index faster (issue 14) changes how, never what: the same segments and terms."""
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
