"""Exporting the whole filtered set of a search as JSON lines or CSV, one record at a time.

Options (the CLI and the API pass the same): `text` adds a text column after the facets, the
article's `body` or a `snippet` around the query's words; `bom` starts a CSV with a UTF-8
byte-order mark, which Excel needs to read it as UTF-8. Without options the output is the plain
one: `FIELDS` only, no mark. `export_filename` names a download after what it holds.
"""
import csv
import io
import json
import re
import unicodedata
from datetime import date
from functools import lru_cache

from .document import export_record
from .extract.stemming import stem
from .facets import EXPORTED_LISTS, NAMES
from .search.query import plain_words

FIELDS = ("id", "title", "date", "source", "url") + EXPORTED_LISTS
CSV_JOIN = "; "
TEXT_COLUMNS = ("body", "snippet")   # text=…: the extra column, named after what it holds
BOM = "\ufeff"
SNIPPET_CHARS = 240
SNIPPET_LEAD = 60                    # characters kept before the first word of the best window
CHUNK_CHARS = 16_384                 # what a streamed CSV yields at a time


def check_text(text):
    """Return text if it names a text column ("" or None: none); raise ValueError otherwise."""
    if text and text not in TEXT_COLUMNS:
        raise ValueError(f"unknown text column {text[:20]!r}: use {' or '.join(TEXT_COLUMNS)}")
    return text or None


def fields(text=None):
    """Return the exported column names, with the text column last when there is one."""
    text = check_text(text)
    return FIELDS + ((text,) if text else ())


def iter_records(reader, request, text=None):
    """Yield one export record per article of the filtered set (no paging), in the request's order.

    With text ("body" or "snippet") each record also holds that column.
    """
    text = check_text(text)
    words = plain_words(request.q) if text == "snippet" else ()
    for doc in reader.export(request):
        rec = export_record(doc)
        if text == "body":
            rec["body"] = doc.body or ""
        elif text == "snippet":
            rec["snippet"] = snippet(doc.body or "", words)
        yield rec


def jsonl_lines(records):
    """Yield each record as one line of JSON."""
    for rec in records:
        yield json.dumps(rec, ensure_ascii=False) + "\n"


def write_jsonl(records, fh):
    """Write records to a text file handle, one JSON object a line; return how many."""
    n = 0
    for line in jsonl_lines(records):
        fh.write(line)
        n += 1
    return n


# Spreadsheets run a cell starting with one of these as a formula (=HYPERLINK(...) in a title
# could leak data or run commands); a leading "'" makes them show it as text. The tab and carriage
# return are on the OWASP "CSV injection" list too. Only CSV is defused: JSONL is data, kept as is.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(cell):
    """Return cell with a "'" in front when a spreadsheet could read it as a formula.

    Spreadsheets skip leading spaces and line breaks before a formula, and read full-width
    forms ("＝", "＋") as the ASCII signs, so the test is made on the cell as they read it.
    """
    if cell.startswith(FORMULA_START):
        return "'" + cell
    seen = unicodedata.normalize("NFKC", cell.lstrip(" \t\r\n\u00a0\u3000")[:1])
    return "'" + cell if seen and seen in FORMULA_START[:4] else cell


def csv_row(rec, text=None):
    """Return the CSV cells of a record: lists joined with "; ", formula-like cells defused."""
    return [defuse(CSV_JOIN.join(rec[f]) if f in EXPORTED_LISTS else rec[f]) for f in fields(text)]


def csv_chunks(records, text=None, bom=False, chunk=CHUNK_CHARS):
    """Yield the CSV (header row first, BOM before it with bom) in pieces of about `chunk` characters."""
    buf = io.StringIO()
    if bom:
        buf.write(BOM)
    writer = csv.writer(buf)
    writer.writerow(fields(text))
    for rec in records:
        writer.writerow(csv_row(rec, text))
        if buf.tell() > chunk:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def write_csv(records, fh, text=None, bom=False):
    """Write records as CSV with a header row to a text file handle; return how many.

    text: the text column the records hold (as given to iter_records); bom: start with a UTF-8
    byte-order mark (for Excel).
    """
    if bom:
        fh.write(BOM)
    writer = csv.writer(fh)
    writer.writerow(fields(text))
    n = 0
    for rec in records:
        writer.writerow(csv_row(rec, text))
        n += 1
    return n


# --- snippets ---------------------------------------------------------------------------------

WORD = re.compile(r"\w+")


@lru_cache(maxsize=200_000)
def _stem(word):
    return stem(word.lower())


def snippet(body, words, size=SNIPPET_CHARS):
    """Return about `size` characters of body on one line: around most of the query's words, else its opening.

    Engine-neutral (an export reads documents, not hits): a body word matches a query word when
    their Porter stems are equal, as the default index reads words. The window chosen holds the
    most distinct query words; among equals, the first.
    """
    text = " ".join(body.split())
    if len(text) <= size:
        return text
    wanted = {_stem(w) for w in words}
    start = 0
    if wanted:
        found = [(m.start(), s) for m in WORD.finditer(text) if (s := _stem(m.group())) in wanted]
        best = -1
        for i, (pos, _s) in enumerate(found):
            lo = max(0, pos - SNIPPET_LEAD)
            distinct = len({s for p, s in found[i:] if p < lo + size})
            if distinct > best:
                best, start = distinct, lo
    return _cut(text, start, size)


def _cut(text, start, size):
    """Return text[start:start + size] cut at word boundaries, with "…" where text goes on."""
    end = min(len(text), start + size)
    if start > 0:
        space = text.find(" ", start, end)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    piece = text[start:end].strip()
    return ("… " if start > 0 else "") + piece + (" …" if end < len(text) else "")


# --- file names -------------------------------------------------------------------------------

NAME_CHARS = 80   # of the part of a file name that describes the selection


def slug(text):
    """Return text as lower-case ASCII words joined by "-" (accents dropped, anything else a separator)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


def export_filename(request, fmt, today=None, limit=NAME_CHARS):
    """Return a safe download name saying what is exported.

        facetwire-q-harbour-person-ana-lopez-not-country-spain-2024-05-01.csv

    Only [a-z0-9.-]; the part describing the query and filters is cut to `limit` characters at a
    word boundary; the date is the day of the export.
    """
    parts = [f"q-{slug(request.q)}" if slug(request.q) else ""]
    for name in NAMES:
        parts += [f"{name}-{slug(v)}".rstrip("-") for v in request.filters.get(name, ())]
        parts += [f"not-{name}-{slug(v)}".rstrip("-") for v in request.excludes.get(name, ())]
    if request.date_from:
        parts.append(f"from-{request.date_from.isoformat()}")
    if request.date_to:
        parts.append(f"to-{request.date_to.isoformat()}")
    described = "-".join(p for p in parts if p)
    if len(described) > limit:
        cut = described[:limit]
        if described[limit] != "-" and cut.rfind("-") > limit // 2:
            cut = cut[:cut.rfind("-")]   # end on a whole word unless that loses too much
        described = cut.rstrip("-")
    stamp = (today or date.today()).isoformat()
    return "-".join(p for p in ("facetwire", described, stamp) if p) + "." + re.sub(r"[^a-z0-9]", "", fmt.lower())
