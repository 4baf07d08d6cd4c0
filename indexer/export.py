"""Exporting the whole filtered set of a search as JSON lines or CSV, one record at a time."""
import csv
import json
import unicodedata

from .document import export_record
from .facets import EXPORTED_LISTS

FIELDS = ("id", "title", "date", "source", "url") + EXPORTED_LISTS
CSV_JOIN = "; "


def iter_records(reader, request):
    """Yield one export record per article of the filtered set (no paging), in the request's order."""
    for doc in reader.export(request):
        yield export_record(doc)


def write_jsonl(records, fh):
    """Write records to a text file handle, one JSON object a line; return how many."""
    n = 0
    for rec in records:
        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
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


def csv_row(rec):
    """Return the CSV cells of a record: lists joined with "; ", formula-like cells defused."""
    return [defuse(CSV_JOIN.join(rec[f]) if f in EXPORTED_LISTS else rec[f]) for f in FIELDS]


def write_csv(records, fh):
    """Write records as CSV with a header row to a text file handle; return how many."""
    writer = csv.writer(fh)
    writer.writerow(FIELDS)
    n = 0
    for rec in records:
        writer.writerow(csv_row(rec))
        n += 1
    return n
