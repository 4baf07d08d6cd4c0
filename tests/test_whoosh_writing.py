"""Writing a Whoosh index faster (issue 14) changes how, never what: the same segments and terms."""
from whoosh.analysis import CompositeAnalyzer
from whoosh.codec.whoosh3 import W3Codec

from indexer.engines.whoosh import WhooshEngine, store
from indexer.engines.whoosh.schema import fold_stem, fold_word, get_schema
from indexer.engines.whoosh.writer import Codec
from indexer.search.folding import fold
from indexer.search.request import SearchRequest
from whoosh.lang.porter import stem
from pathlib import Path

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


# --- the segments FastSegmentWriter writes are the files plain Whoosh writes ------------------------

def golden_documents():
    """The handmade articles, the sample's first texts and the tricky ones as Documents (ids may repeat)."""
    from dataclasses import replace

    from indexer.document import Document

    docs = documents(ARTICLES)
    texts = list(sample_texts())[:120]
    for i in range(0, len(texts) - 1, 2):
        docs.append(Document(id=f"s{i}", chash=f"c{i}", title=texts[i], body=texts[i + 1], person=["Ana Lopez"],
                             org=[f"Org {i % 7}"], topic=["politics"], mentions=[["body", 0, 3, "person", "Ana"]]))
    for i, text in enumerate(TRICKY):
        docs.append(Document(id=f"t{i}", title=TRICKY[-1 - i], body=text, country=["Spain", "Zoë Land"][: i % 3]))
    docs.append(Document(id="empty"))
    docs.append(replace(docs[0], title="Harbour strike ends", body=docs[0].body + " Work resumed."))  # a1 again
    return docs


def write_plain_and_fast(tmp_path, docs, every, optimize=False):
    """Write docs, `every` per commit, once with Whoosh's SegmentWriter and once with ours; return both."""
    from whoosh import index

    from indexer.engines.whoosh.schema import to_fields
    from indexer.engines.whoosh.segments import FastSegmentWriter

    out, fast_used = [], []
    for name in ("plain", "fast"):
        (tmp_path / name).mkdir()
        ix = index.create_in(str(tmp_path / name), get_schema())
        for start in range(0, len(docs), every):
            if name == "plain":
                w = ix.writer(compound=False, codec=W3Codec())
            else:
                w = FastSegmentWriter(ix, compound=False, codec=Codec())
            for doc in docs[start:start + every]:
                w.update_document(**to_fields(doc))
            if name == "fast":
                fast_used.append(bool(w._terms))
            w.commit(optimize=optimize and start + every >= len(docs))
        out.append(ix)
    assert all(fast_used)
    return out


def reader_facts(ix):
    with ix.reader() as r:
        facts = [r.doc_count_all(), r.doc_count(), sorted(r.indexed_field_names())]
        for name in sorted(r.indexed_field_names()):
            facts.append((name, r.field_length(name)))
            for btext in r.lexicon(name):
                ti = r.term_info(name, btext)
                m, postings = r.postings(name, btext), []
                while m.is_active():
                    postings.append((m.id(), m.weight(), m.value()))
                    m.next()
                facts.append((name, btext, ti.weight(), ti.doc_frequency(), ti.min_length(), ti.max_length(),
                              ti.max_weight(), postings))
        for docnum in range(r.doc_count_all()):
            facts.append((r.stored_fields(docnum), r.is_deleted(docnum),
                          [r.doc_field_length(docnum, n) for n in ("title", "body", "words")]))
        facts.append([list(r.column_reader(n, translate=False)) for n in ("id", "chash", "date")])
    return facts


def segment_bytes(ix):
    out = []
    for seg in ix._segments():
        prefix = f"{seg.indexname}_{seg.segid}"
        out.append({f[len(prefix):]: (Path(ix.storage.folder) / f).read_bytes()
                    for f in ix.storage.list() if f.startswith(prefix)})
    return out


def assert_same_index(plain, fast):
    assert reader_facts(fast) == reader_facts(plain)
    plain_files, fast_files = segment_bytes(plain), segment_bytes(fast)
    assert [sorted(f) for f in fast_files] == [sorted(f) for f in plain_files]
    for p, f in zip(plain_files, fast_files):
        for ext in p:
            assert f[ext] == p[ext], ext


def test_writing_faster_writes_the_segment_files_whoosh_writes(tmp_path):
    docs = golden_documents()
    assert len(docs) > 80
    plain, fast = write_plain_and_fast(tmp_path, docs, every=30)
    assert len(plain._segments()) > 1
    assert_same_index(plain, fast)
    with fast.searcher() as s:   # and the index answers as before: a1's second version replaced the first
        assert [s.stored_fields(n)["title"] for n in s.document_numbers(id="a01")] == ["Harbour strike ends"]


def test_a_commit_that_merges_segments_writes_what_whoosh_writes(tmp_path):
    # optimize: the older segments' postings come through Whoosh's pool, merged with ours
    plain, fast = write_plain_and_fast(tmp_path, golden_documents(), every=25, optimize=True)
    assert len(plain._segments()) == 1
    assert_same_index(plain, fast)


def test_a_segment_too_big_to_keep_goes_to_whooshs_pool_and_writes_the_same(tmp_path, monkeypatch):
    from indexer.engines.whoosh import segments

    monkeypatch.setattr(segments, "MAX_KEPT_POSTINGS", 300)
    plain, fast = write_plain_and_fast(tmp_path, golden_documents(), every=200)
    assert_same_index(plain, fast)
