"""What the words-as-written vocabulary (issue 13) costs in index size, on both engines.

usage: python bench/vocabulary_size.py [--corpus data/sample/wikinews.jsonl] [--engine-url URL] [--work-dir DIR]
                                      [--no-ner]

Builds the corpus once with NER (`build_index`, into --work-dir, reused), then writes its
Documents into two fresh indexes per engine, each merged into one segment so that sizes compare:
  Whoosh:     today's schema, and the same schema without the `words` field;
  OpenSearch: today's mapping (1 shard, 0 replicas), and the same without the title.words /
              body.words sub-fields (skipped when no cluster answers at --engine-url).
With --no-ner the Documents are the articles without facet values (the text alone decides what
the vocabulary costs; for a corpus too big to run NER on here, e.g. Reuters-21578).
Prints bytes, bytes per article and the vocabulary's share; also the words' and stems' counts.
"""
import argparse
import os
import secrets
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from whoosh import index as whoosh_index  # noqa: E402

from indexer.build import build_index  # noqa: E402
from indexer.engines import EngineConfig, open_engine  # noqa: E402
from indexer.engines.opensearch import mapping  # noqa: E402
from indexer.engines.whoosh.schema import WORDS, get_schema, to_fields  # noqa: E402
from indexer.search.request import SearchRequest  # noqa: E402


def whoosh_size(docs, folder, with_words):
    schema = get_schema()
    if not with_words:
        schema.remove(WORDS)
    folder.mkdir(parents=True)
    ix = whoosh_index.create_in(str(folder), schema)
    writer = ix.writer()
    for doc in docs:
        fields = to_fields(doc)
        if not with_words:
            fields.pop(WORDS)
        writer.add_document(**fields)
    writer.commit(optimize=True)
    with ix.searcher() as s:
        counts = {f: sum(1 for _ in s.reader().lexicon(f)) for f in ("title", "body", WORDS) if f in schema}
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file()), counts


def opensearch_size(docs, url, with_words):
    from opensearchpy import OpenSearch, helpers

    client = OpenSearch([url], timeout=120)
    name = f"fw-bench-vocab-{secrets.token_hex(3)}"
    body = mapping.index_body(1, 0, state="live")
    if not with_words:
        for f in ("title", "body"):
            body["mappings"]["properties"][f] = {k: v for k, v in body["mappings"]["properties"][f].items() if k != "fields"}
    client.indices.create(index=name, body=body)
    try:
        helpers.bulk(client, ({"_index": name, "_id": d.id, "_source": mapping.to_source(d)} for d in docs))
        client.indices.refresh(index=name)
        client.indices.forcemerge(index=name, params={"max_num_segments": "1", "request_timeout": 600})
        client.indices.refresh(index=name)
        stats = client.indices.stats(index=name, metric="store")
        return int(stats["_all"]["primaries"]["store"]["size_in_bytes"])
    finally:
        client.indices.delete(index=name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="data/sample/wikinews.jsonl")
    ap.add_argument("--engine-url", default=os.environ.get("FACETWIRE_OPENSEARCH_URL", "http://127.0.0.1:19200"))
    ap.add_argument("--work-dir", default=os.path.join(tempfile.gettempdir(), "facetwire-bench", "vocabulary"))
    ap.add_argument("--no-ner", action="store_true", help="the articles' text only, no extraction")
    args = ap.parse_args()
    work = Path(args.work_dir)
    if args.no_ner:
        from indexer.articles import read_sources
        from indexer.document import Document

        docs = [Document(id=a.id, title=a.title, body=a.body)
                for a in read_sources([args.corpus], lambda problem: None)]
    else:
        built = work / "built"
        build_index(sources=[Path(args.corpus)], index_dir=built)
        engine = open_engine(EngineConfig(index_dir=str(built)))
        with engine.reader() as r:
            docs = list(r.export(SearchRequest()))
        engine.close()
    n = len(docs)
    print(f"corpus {args.corpus}: {n} articles")
    run = work / secrets.token_hex(3)
    with_size, counts = whoosh_size(docs, run / "with", True)
    without_size, _ = whoosh_size(docs, run / "without", False)
    print(f"words as written: {counts[WORDS]:,}; stems: title {counts['title']:,}, body {counts['body']:,}")
    report("Whoosh (one segment)", with_size, without_size, n)
    try:
        os_with = opensearch_size(docs, args.engine_url, True)
        os_without = opensearch_size(docs, args.engine_url, False)
    except Exception as err:  # no cluster: the Whoosh figures stand alone
        print(f"OpenSearch at {args.engine_url}: skipped ({type(err).__name__}: {err})")
    else:
        report("OpenSearch (1 shard, one segment, primaries)", os_with, os_without, n)


def report(what, with_size, without_size, n):
    extra = with_size - without_size
    print(f"{what}: {with_size:,} B with the vocabulary, {without_size:,} B without; "
          f"+{extra:,} B = +{extra / without_size:.1%} ({extra / n:,.0f} B per article)")


if __name__ == "__main__":
    main()
