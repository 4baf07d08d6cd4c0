"""Writing a Whoosh segment with less Python per posting: the same files, byte for byte.

Whoosh's SegmentWriter puts every posting of a document as a 5-tuple into a pool, sorts all the
tuples of a segment when it commits, then hands them one by one to the field writer, which asks
the per-document reader for the posting's field length and appends it to a block with type
assertions. Here the postings of a segment are kept by field and term as they are added (a
document's postings arrive in document order, so each term's list is already sorted), the terms
are sorted once, each field's lengths are read once per document, and each term's blocks are
encoded in one loop (write_terms) with the values Whoosh's postings writer computes. Title and
body are analysed by the writing analyzer into words and positions without Whoosh's Token
objects and per-word dictionaries, and `words` (title + body, unstemmed) reuses their words.

Whatever this path does not know (a merge that brings older segments' postings into Whoosh's own
pool, spelling fields, term vectors, a segment too big to keep in memory) goes Whoosh's way: the
postings kept here are merged, in Whoosh's order, with its pool's. tests/test_whoosh_writing.py
and bench/writing_same.py hold the files written to the ones plain Whoosh writes.
"""
import heapq
import zlib
from array import array
from struct import Struct

from whoosh import formats
from whoosh.codec.whoosh3 import (WHOOSH3_HEADER_MAGIC, W3Codec, W3PerDocReader, W3PostingsWriter, W3Segment,
                                  W3TermInfo)
from whoosh.analysis.tokenizers import default_pattern
from whoosh.compat import dumps
from whoosh.filedb.structfile import StructFile
from whoosh.system import emptybytes, pack_int, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from .schema import WORDS, WritingAnalyzer, words_text

# The fields whose text `words` is given (schema.words_text)
WORDS_PARTS = ("title", "body")

pack_uint = Struct("!I").pack

# A segment keeps this many postings here before handing them to Whoosh's pool, which keeps at
# most 128 MB in memory and sorts the rest on disk (a 2,000-article commit of Reuters: ~320,000).
MAX_KEPT_POSTINGS = 2_000_000


class FastSegmentWriter(SegmentWriter):
    """Whoosh's SegmentWriter with the per-posting work of add_document and commit done in bulk."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self._terms = {}         # fieldname -> {term bytes: [(docnum, weight, value bytes)]}
        self._kept = 0
        self._plain = any(field.separate_spelling() or field.vector for _, field in self.schema.items())

    def add_document(self, **fields):
        if self._plain:
            return super().add_document(**fields)
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted([name for name in fields.keys() if not name.startswith("_")])
        self._check_fields(schema, fieldnames)

        kept = {}   # fieldname -> (analyzer, the words it kept), for `words` to reuse
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    terms = self._terms.get(fieldname)
                    if terms is None:
                        terms = self._terms[fieldname] = {}
                    scorable = field.scorable
                    analyzer = field.analyzer
                    if type(analyzer) is WritingAnalyzer and type(field.format) is formats.Positions \
                            and isinstance(value, str):
                        # title, body: their postings go straight in (the same as the loop below)
                        first, words = analyzer.kept_words(value)
                        kept[fieldname] = (analyzer, words)
                        self._kept += add_positions(terms, docnum, field.format.field_boost, fieldboost, first,
                                                    analyzer.stemmed(words))
                        if scorable:
                            length = len(words)
                    else:
                        n = 0
                        for tbytes, freq, weight, vbytes in self._index_items(fieldname, field, value, fields, kept):
                            n += 1
                            weight *= fieldboost
                            if scorable:
                                length += freq
                            posts = terms.get(tbytes)
                            if posts is None:
                                terms[tbytes] = [(docnum, weight, vbytes)]
                            else:
                                posts.append((docnum, weight, vbytes))
                        self._kept += n
                customval = fields.get("_stored_%s" % fieldname, value)
                perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1
        if self._kept > MAX_KEPT_POSTINGS:
            self._spill()

    def _kept_postings(self):
        """Yield the postings kept here as Whoosh's pool would: sorted (field, term, docnum, weight, value)."""
        for fieldname in sorted(self._terms):
            terms = self._terms[fieldname]
            for tbytes in sorted(terms):
                for docnum, weight, vbytes in terms[tbytes]:
                    yield fieldname, tbytes, docnum, weight, vbytes

    def _spill(self):
        add = self.pool.add
        for item in self._kept_postings():
            add(item)
        self._terms, self._kept = {}, 0

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        fieldwriter = self.fieldwriter
        if self.pool.current or self.pool.runs or not isinstance(self.codec, Codec):
            # Postings in Whoosh's pool too (merged segments, a spilled segment): its order, its path.
            postings = heapq.merge(self._kept_postings(), self.pool.iter_postings())
            fieldwriter.add_postings(self.schema, pdr, postings)
        else:
            write_fields(fieldwriter, self.schema, pdr, self._terms)
        self._terms, self._kept = {}, 0
        fieldwriter.close()
        if pdr:
            pdr.close()

    def _index_items(self, fieldname, field, value, fields, kept):
        """Return what field.index(value) yields: (term bytes, frequency, weight, value bytes) per term."""
        analyzer = field.analyzer
        if isinstance(value, str) and type(analyzer) is WritingAnalyzer:
            if type(field.format) is formats.Existence:
                words = self._words_of_parts(fieldname, analyzer, value, fields, kept)
                if words is None:
                    words = analyzer.kept_words(value)[1]
                fb = field.format.field_boost
                return [(w.encode("utf-8"), 1, fb, emptybytes) for w in set(analyzer.stemmed(dict.fromkeys(words)))]
        return field.index(value)

    def _words_of_parts(self, fieldname, analyzer, value, fields, kept):
        """The words `words` keeps of title + "\\n" + body are those title's and body's analyzers
        kept (a match of Whoosh's word pattern, word characters, '*' and '.', never spans a line
        break): return them if this document's were kept, else None."""
        if fieldname != WORDS:
            return None
        parts = [fields.get(name) for name in WORDS_PARTS]
        if value != words_text(*parts):
            return None
        words = []
        for name, part in zip(WORDS_PARTS, parts):
            if part:
                if name not in kept or not kept[name][0].reads_like(analyzer) or \
                        analyzer.items[0].expression.pattern != default_pattern.pattern:
                    return None
                words.extend(kept[name][1])
        return words


def add_positions(terms, docnum, fb, fieldboost, first, words):
    """Add to {term bytes: postings} the postings of words at positions first, first + 1, ... of
    document docnum, as add_document adds what formats.Positions and FieldType.index yield for
    them; return how many terms."""
    if not words:
        return 0
    poses = {}
    for pos, word in enumerate(words, first):
        p = poses.get(word)
        if p is None:
            poses[word] = [pos]
        else:
            p.append(pos)
    weight_one = 1.0 * fb * fieldboost
    for word, poslist in poses.items():
        n = len(poslist)
        if n == 1:
            # Most words of an article occur once: the pickle of one position is made once per
            # position; the value is a new bytes object each time, since a block's pickle would
            # write a value it already holds as a reference (the same postings, other bytes).
            pos = poslist[0]
            pickled = ONE_POSITION.get(pos)
            if pickled is None:
                pickled = dumps([pos], 2)
                if pos < len_one_position_cache:
                    ONE_POSITION[pos] = pickled
            posting = (docnum, weight_one, ONE + pickled)
        else:
            deltas, base = [], 0
            for pos in poslist:
                deltas.append(pos - base)
                base = pos
            # (Whoosh adds each token's boost, 1.0, to the word's weight: n 1.0s make n exactly)
            posting = (docnum, float(n) * fb * fieldboost, pack_uint(n) + dumps(deltas, 2))
        tbytes = word.encode("utf-8")
        posts = terms.get(tbytes)
        if posts is None:
            terms[tbytes] = [posting]
        else:
            posts.append(posting)
    return len(poses)


ONE = pack_uint(1)
ONE_POSITION = {}           # position -> the pickle of [position]
len_one_position_cache = 1 << 16


def write_fields(fieldwriter, schema, lengths, fields):
    """Write {fieldname: {term: postings}} as FieldWriter.add_postings writes the same postings sorted."""
    doccount = lengths.doc_count_all() if lengths else 0
    for fieldname in sorted(fields):
        terms = fields[fieldname]
        if not terms:
            continue
        fieldobj = schema[fieldname]
        fieldwriter.start_field(fieldname, fieldobj)
        # The field length FieldWriter.add_postings looks up for each posting, once per document
        doclengths = [lengths.doc_field_length(d, fieldname) for d in range(doccount)] if lengths else None
        pw = fieldwriter._postwriter
        if pw._inlinelimit <= 1 and not pw._byteids:
            write_terms(fieldwriter, fieldobj, terms, doclengths)
        else:
            for tbytes in sorted(terms):
                fieldwriter.start_term(tbytes)
                pw.add_postings(terms[tbytes], doclengths)
                fieldwriter.finish_term()
        fieldwriter.finish_field()


def write_terms(fieldwriter, fieldobj, terms, doclengths):
    """Write a field's terms as start_term, add(...) for each posting and finish_term write them.

    The work of W3FieldWriter.start_term / finish_term, W3PostingsWriter.start_postings /
    add_posting / finish_postings / _write_block and W3TermInfo.add_block in one loop, with the
    same values in the same order (a posting list never inlined: inlinelimit <= 1).
    """
    pw = fieldwriter._postwriter
    postfile = pw._postfile
    if type(postfile) is StructFile:
        write, tell = postfile.file.write, postfile.file.tell
    else:
        write, tell = postfile.write, postfile.tell
    limit, comp = pw._blocklimit, pw._compression
    fixedsize = fieldobj.format.fixed_value_size()
    prefix = pack_ushort(fieldwriter._fieldid)
    add_term = fieldwriter._tindex.add
    for tbytes in sorted(terms):
        postings = terms[tbytes]
        total = len(postings)
        ti = W3TermInfo()
        startoffset = tell()
        write(WHOOSH3_HEADER_MAGIC)
        for start in range(0, total, limit):
            ids, weights, values = zip(*(postings[start:start + limit] if total > limit else postings))
            n = len(ids)
            warr = array("f", weights)
            top = max(weights)
            maxweight = top if top > 0 else 0
            minlength, maxlength = None, 0
            if doclengths is not None:
                lens = [x for x in map(doclengths.__getitem__, ids) if x]
                if lens:
                    minlength, maxlength = min(lens), max(lens)
            # W3TermInfo.add_block
            ti._weight += sum(warr)
            ti._df += n
            ti._minlength = minlength if ti._minlength is None else min(ti._minlength, minlength)
            ti._maxlength = max(ti._maxlength, maxlength)
            ti._maxweight = max(ti._maxweight, maxweight)
            if ti._minid is None:
                ti._minid = ids[0]
            ti._maxid = ids[-1]
            # _write_block: the ids as deltas, the weights and values as few bytes as they allow
            mini_ids = (ids[0],) + tuple(b - a for a, b in zip(ids, ids[1:]))
            if warr.count(1.0) == n:
                mini_weights = None
            elif warr.count(warr[0]) == n:
                mini_weights = warr[0]
            else:
                mini_weights = tuple(warr)
            if fixedsize is None or fixedsize < 0:
                mini_values = tuple([v for v in values if v])
            elif fixedsize == 0:
                mini_values = None
            else:
                mini_values = emptybytes.join([v for v in values if v])
            databytes = dumps((mini_ids, mini_weights, mini_values), 2)
            if comp:
                databytes = zlib.compress(databytes, comp)
            infobytes = dumps((n, ids[-1], maxweight, comp, length_to_byte(minlength), length_to_byte(maxlength)), 2)
            blocklength = len(infobytes) + len(databytes)
            if start + limit >= total:
                blocklength = -blocklength    # the last block
            write(pack_int(blocklength))
            write(infobytes)
            write(databytes)
        ti.set_extent(startoffset, tell() - startoffset)
        add_term(prefix + tbytes, ti.to_bytes())


class BlockPostingsWriter(W3PostingsWriter):
    """Whoosh's postings writer, which may also take a term's postings whole (add_postings)."""

    def add_postings(self, postings, doclengths):
        """Do what add_posting(docnum, weight, value, length) does for each (docnum, weight, value)."""
        limit = self._blocklimit
        for start in range(0, len(postings), limit):
            if start:
                self._write_block()
            block = postings[start:start + limit]
            ids, weights, values = zip(*block)
            self._ids = array("I", ids)
            self._weights = array("f", weights)
            self._values = [v for v in values if v]
            top = max(weights)
            self._maxweight = top if top > 0 else 0
            if doclengths is not None:
                lens = [x for x in (doclengths[d] for d in ids) if x]
                if lens:
                    self._minlength, self._maxlength = min(lens), max(lens)

    def _mini_ids(self):
        ids = self._ids
        if self._byteids or not ids:
            return tuple(ids)
        return (ids[0],) + tuple(b - a for a, b in zip(ids, ids[1:]))

    def _mini_weights(self):
        weights = self._weights
        n = len(weights)
        if weights.count(1.0) == n:
            return None
        elif weights.count(weights[0]) == n:
            return weights[0]
        return tuple(weights)


class Codec(W3Codec):
    """Whoosh's own codec, but flushing a segment asks the disk once per field, not per posting.

    Writing a segment looks up each posting's field length, and for a field that keeps none
    (the facets, `words`, `id`: not scorable) Whoosh's reader checks whether the length file
    exists on every call: an os.stat per posting, 12% of a build's writing CPU on Reuters
    (bench/indexing.py; docs/BENCHMARKS.md, session 4). The segments written are the same files.
    """

    def per_document_reader(self, storage, segment):
        return PerDocReader(storage, segment)

    def new_segment(self, storage, indexname):
        # The segment (pickled into the index's table of contents) names Whoosh's codec, so
        # that an index never depends on this class to open.
        return W3Segment(W3Codec(), indexname)

    def postings_writer(self, dbfile, byteids=False):
        return BlockPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                   compression=self._compression, inlinelimit=self._inlinelimit)


class PerDocReader(W3PerDocReader):
    def __init__(self, storage, segment):
        super().__init__(storage, segment)
        self._has_column = {}

    def has_column(self, fieldname):
        if fieldname not in self._has_column:
            self._has_column[fieldname] = super().has_column(fieldname)
        return self._has_column[fieldname]
