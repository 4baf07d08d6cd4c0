"""Writing faster must write the same index: the code of two trees write the same Documents, compared.

usage: python bench/writing_same.py --base TREE [--source DIR] [--limit 4000] [--commits 2000]
                                    [--work-dir DIR] [--keep]

The Documents of --source (as bench/writing.py reads them) are written through the contract's
writer (put + commit every --commits, publish) twice, each in a subprocess importing `indexer`
from its own tree: --base (e.g. a detached worktree of the starting commit) and this tree. The two
indexes are then compared through Whoosh's reader (every field's terms, every term's postings with
ids, weights and encoded values (frequencies, positions), term statistics, stored fields, columns,
field lengths, document counts) and byte for byte, segment file by segment file. Prints the first
differences found and exits 1 if there are any.
"""
import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def write_with(tree, source, limit, every, folder):
    """(in a subprocess) Write the Documents with the code of `tree` into `folder`."""
    sys.path.insert(0, str(Path(tree) / "bench"))
    sys.path.insert(0, str(tree))
    import shutil

    from insights import source_documents
    from indexer.engines import EngineConfig, open_engine

    docs = source_documents(source)
    docs = docs[:limit] if limit else docs
    shutil.rmtree(folder, ignore_errors=True)
    engine = open_engine(EngineConfig(index_dir=str(folder)))
    with engine.writer(fresh=True) as writer:
        for i in range(0, len(docs), every):
            writer.put(docs[i:i + every])
            writer.commit()
        writer.publish()
    engine.close()
    print(f"{tree}: {len(docs):,} documents written to {folder}", flush=True)


def index_facts(ix):
    """Yield (what, value) for everything a reader of ix sees, in a fixed order."""
    with ix.reader() as r:
        yield "doc_count_all", r.doc_count_all()
        yield "doc_count", r.doc_count()
        fieldnames = sorted(r.indexed_field_names())
        yield "indexed fields", fieldnames
        schema = ix.schema
        for name in fieldnames:
            yield f"{name} field_length", r.field_length(name)
            yield f"{name} min/max length", (r.min_field_length(name), r.max_field_length(name)) \
                if schema[name].scorable else None
            for btext in r.lexicon(name):
                ti = r.term_info(name, btext)
                stats = (ti.weight(), ti.doc_frequency(), ti.min_length(), ti.max_length(),
                         ti.max_weight(), ti.min_id(), ti.max_id())
                m = r.postings(name, btext)
                postings = []
                while m.is_active():
                    postings.append((m.id(), m.weight(), m.value()))
                    m.next()
                yield f"{name}:{btext!r}", (stats, postings)
        for docnum in range(r.doc_count_all()):
            yield f"stored {docnum}", r.stored_fields(docnum)
            yield f"lengths {docnum}", [r.doc_field_length(docnum, name) for name in fieldnames]
        for name in sorted(schema.names()):
            if schema[name].column_type and r.has_column(name):
                yield f"column {name}", list(r.column_reader(name))


def segment_files(ix):
    """Return [(segment number, extension, bytes)] of the index's segments, in the TOC's order."""
    out = []
    storage = ix.storage
    for n, seg in enumerate(ix._segments()):
        prefix = f"{seg.indexname}_{seg.segid}"
        for fname in sorted(storage.list()):
            if fname.startswith(prefix):
                out.append((n, fname[len(prefix):], storage.open_file(fname).read()))
    return out


def compare(folder_a, folder_b, show=10):
    """Return the list of differences between the indexes in two folders (empty: the same)."""
    sys.path.insert(0, str(HERE.parent))
    from itertools import zip_longest

    from indexer.engines.whoosh import store

    a, b = store.open_index(folder_a), store.open_index(folder_b)
    diffs, facts = [], 0
    for fa, fb in zip_longest(index_facts(a), index_facts(b)):
        facts += 1
        if fa != fb:
            diffs.append(f"reader: {str(fa)[:300]}\n    != {str(fb)[:300]}")
            if len(diffs) >= show:
                break
    sa, sb = segment_files(a), segment_files(b)
    if [(n, ext) for n, ext, _ in sa] != [(n, ext) for n, ext, _ in sb]:
        diffs.append(f"segment files: {[(n, ext) for n, ext, _ in sa]} != {[(n, ext) for n, ext, _ in sb]}")
    for (n, ext, da), (_, _, db) in zip(sa, sb):
        if da != db:
            diffs.append(f"segment {n} file {ext}: {len(da):,} bytes != {len(db):,} bytes (or contents)")
    print(f"compared {facts:,} reader facts and {len(sa)} segment files ({sum(len(d) for *_, d in sa):,} bytes)")
    return diffs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True, help="the tree whose code writes the reference index")
    ap.add_argument("--source", default="/tmp/fw-scaling/work/reuters21578-all/index-1x")
    ap.add_argument("--limit", type=int, default=4000)
    ap.add_argument("--commits", type=int, default=2000)
    ap.add_argument("--work-dir", default="/tmp/facetwire-bench/writing-same")
    ap.add_argument("--write-with", default="", help=argparse.SUPPRESS)
    ap.add_argument("--out", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.write_with:
        write_with(args.write_with, args.source, args.limit, args.commits, args.out)
        return
    work = Path(args.work_dir)
    folders = {}
    for name, tree in (("base", args.base), ("new", str(HERE.parent))):
        folders[name] = work / name
        subprocess.run([sys.executable, __file__, "--base", args.base, "--write-with", tree,
                        "--out", str(folders[name]), "--source", args.source, "--limit", str(args.limit),
                        "--commits", str(args.commits)], check=True)
    diffs = compare(folders["base"], folders["new"])
    for d in diffs:
        print(d)
    print("IDENTICAL" if not diffs else f"DIFFERENT ({len(diffs)} differences shown)")
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()
