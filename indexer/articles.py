"""Reading articles from folders of scraped .txt pages, JSONL (optionally gzipped) and CSV files.

Bad input never stops a run: each broken file or record becomes a Problem (path, where, reason)
handed to the caller's `report` function, and reading goes on.
"""
import csv
import gzip
import hashlib
import io
import json
import re
import sys
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson")
CSV_SUFFIXES = (".csv",)
# Fields of a record that are the article itself; everything else is kept as metadata.
CORE_FIELDS = {"id", "title", "body", "text", "date", "url", "source", "dateline", "section"}
# Lines a news site wraps around its stories.
BOILERPLATE = {"...", "…", "latest"}
MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
MONTHS |= {m[:3]: i for m, i in MONTHS.items()} | {"sept": 9}
MAX_ID = 512
# Ids become URLs and must stay openable: no control characters, no ".." segment, no leading "/".
BAD_ID = re.compile(r"[\x00-\x1f\x7f]|(^|/)\.\.(/|$)|^/")
# "Other News Materials 3 September 2007 13:05 (UTC +04:00)"
DATE_LINE = re.compile(
    r"^(?P<section>.*?)\s*(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]+)\s+(?P<year>\d{4})\s+"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*\(\s*(?:UTC|GMT)\s*(?P<offset>[+\-−–]\d{1,2}(?::?\d{2})?)?\s*\)\s*$")
# "( AFP ) - Russia will ..." at the start of the body
AGENCY = re.compile(r"^\(\s*(?P<agency>[A-Za-z][\w .&'-]{0,40}?)\s*\)\s*[-–—]+\s*")


@dataclass
class Article:
    id: str
    title: str
    body: str
    date: datetime | None = None
    source: str = ""
    url: str = ""
    section: str = ""
    dateline: str = ""
    origin: str = ""
    where: str = ""  # line or record in the origin file, for messages
    meta: dict = field(default_factory=dict)

    def content_hash(self):
        """Return a digest of everything extraction reads, to skip unchanged articles."""
        parts = [self.title, self.body, self.date.isoformat() if self.date else "", self.source,
                 self.url, self.section, self.dateline]
        return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


@dataclass
class Problem:
    path: str
    where: str  # "line 12", "record 3", "" for the whole file
    reason: str
    skipped: bool = True  # False: a warning, the article was still read
    # The source itself (not one record) could not be read in full: pruning or swapping in a
    # rebuild would then drop articles that still exist.
    source_error: bool = False

    def __str__(self):
        loc = f"{self.path}:{self.where}" if self.where else self.path
        return f"{'skipped' if self.skipped else 'warning'}: {loc}: {self.reason}"


def analysis_text(article):
    """Return the text NER reads: the title, a blank line, the body."""
    return f"{article.title}\n\n{article.body}"


def read_sources(paths, report):
    """Yield the Articles in the given files and folders (folders recursively, sorted)."""
    for path in map(Path, paths):
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if any(part.startswith(".") for part in rel.parts):
                    continue  # hidden files: editor backups, .DS_Store, .git
                if child.is_file():
                    yield from read_file(child, report, rel.as_posix())
                elif child.is_symlink() and not child.exists():
                    report(Problem(str(child), "", "broken symbolic link", source_error=True))
        elif path.is_file():
            yield from read_file(path, report, path.name)
        else:
            report(Problem(str(path), "", "no such file or folder", source_error=True))


def read_file(path, report, rel):
    """Yield the Articles of one file; rel is its id stem (path relative to the folder given)."""
    try:
        yield from _read_by_type(path, report, rel)
    except OSError as err:
        report(Problem(str(path), "", f"cannot read: {err.strerror or err}", source_error=True))


def _read_by_type(path, report, rel):
    name = path.name.lower()
    if name.endswith(TEXT_SUFFIXES):
        article = read_text_page(path, report, rel)
        if article:
            yield article
    elif name.endswith(JSONL_SUFFIXES):
        yield from read_jsonl(path, report, rel)
    elif name.endswith(CSV_SUFFIXES):
        yield from read_csv(path, report, rel)
    else:
        report(Problem(str(path), "", f"unknown file type {path.suffix or '(no suffix)'!r}: "
                                      "expected .txt, .jsonl, .jsonl.gz or .csv"))


def decode(data, path, report):
    """Decode bytes as UTF-8, replacing bad bytes (and saying so); None for empty/binary data."""
    if not data.strip():
        report(Problem(str(path), "", "empty file"))
        return None
    if b"\x00" in data[:8192]:
        report(Problem(str(path), "", "binary file (NUL bytes), not text"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        report(Problem(str(path), f"byte {err.start}", "invalid UTF-8, decoded with replacement characters",
                       skipped=False))
        return data.decode("utf-8-sig", errors="replace")


def read_text_page(path, report, rel):
    """Read one scraped page: title, section and date line, agency tag, body; or plain text."""
    text = decode(path.read_bytes(), path, report)
    if text is None:
        return None
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln.lower() not in BOILERPLATE]
    content = [ln for ln in lines if ln]
    if not content:
        report(Problem(str(path), "", "no text after removing boilerplate"))
        return None
    article = Article(id=rel, title=content[0], body="", origin=str(path))
    rest = content[1:]
    if rest and (m := DATE_LINE.match(rest[0])):
        article.section = m["section"].strip()
        article.date = parse_page_date(m)
        if article.date is None:
            report(Problem(str(path), "", f"unreadable date in {rest[0][:80]!r}, kept without a date",
                           skipped=False))
        rest = rest[1:]
    if rest and (m := AGENCY.match(rest[0])):
        article.source = m["agency"].strip()
        rest[0] = rest[0][m.end():]
    article.body = "\n\n".join(rest)
    if not article.body:
        report(Problem(str(path), "", "no body text after the title"))
        return None
    return article


def parse_page_date(m):
    """Turn a DATE_LINE match into an aware datetime (naive when no offset is given)."""
    month = MONTHS.get(m["month"].lower())
    if not month:
        return None
    try:
        tz = None
        if m["offset"]:
            sign = 1 if m["offset"].startswith("+") else -1
            digits = m["offset"][1:].replace(":", "")
            hours, minutes = (int(digits), 0) if len(digits) <= 2 else (int(digits[:-2]), int(digits[-2:]))
            tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
        return datetime(int(m["year"]), month, int(m["day"]), int(m["hour"]), int(m["minute"]), tzinfo=tz)
    except ValueError:  # 31 February, UTC +25:00
        return None


def read_jsonl(path, report, rel):
    """Yield one Article per JSON line; broken lines are reported and skipped."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    lineno = 0
    try:
        with opener(path, "rb") as fh:
            for lineno, raw in enumerate(fh, 1):
                if lineno == 1:
                    raw = raw.removeprefix(b"\xef\xbb\xbf")  # UTF-8 byte order mark
                if not raw.strip():
                    continue
                where = f"line {lineno}"
                record = _json_line(raw, path, where, report)
                if record is not None:
                    article = article_from_record(record, path, where, f"{rel}:{lineno}", report)
                    if article:
                        yield article
    except (OSError, EOFError, zlib.error) as err:
        report(Problem(str(path), f"after line {lineno}", f"cannot read the rest of the file: {err}",
                       source_error=True))


def _json_line(raw, path, where, report):
    """Parse one JSON line; report and return None when it is not JSON."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        report(Problem(str(path), where, "invalid UTF-8, decoded with replacement characters", skipped=False))
        text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        report(Problem(str(path), where, f"malformed JSON: {err.msg} at column {err.colno}"))
        return None


def read_csv(path, report, rel):
    """Yield one Article per CSV row (header row names the fields; comma, semicolon or tab)."""
    text = decode(path.read_bytes(), path, report)
    if text is None:
        return
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        names = [h.strip().lower() for h in next(reader, [])]
        for n, cells in enumerate(reader, 1):
            row = {k: v for k, v in zip(names, cells) if k}
            article = article_from_record(row, path, f"record {n}", f"{rel}:{n}", report)
            if article:
                yield article
    except csv.Error as err:
        report(Problem(str(path), f"record {reader.line_num}", f"malformed CSV: {err}", source_error=True))


def article_from_record(record, path, where, fallback_id, report):
    """Make an Article from a JSON object or CSV row; report and return None if unusable."""
    if not isinstance(record, dict):
        report(Problem(str(path), where, f"expected a JSON object, got {type(record).__name__}"))
        return None
    body = record.get("body") or record.get("text") or ""
    if not isinstance(body, str) or not body.strip():
        report(Problem(str(path), where, "record has no body (or text)"))
        return None
    title = record.get("title") or body.strip().splitlines()[0][:120]
    article = Article(
        id=_record_id(record.get("id"), fallback_id, path, where, report),
        where=where,
        title=" ".join(str(title).split()),
        body=body.strip(),
        source=str(record.get("source") or ""),
        url=str(record.get("url") or ""),
        section=str(record.get("section") or ""),
        dateline=str(record.get("dateline") or ""),
        origin=str(path),
        meta={k: v for k, v in record.items() if k not in CORE_FIELDS and v not in (None, "", [])},
    )
    if record.get("date"):
        article.date = parse_iso_date(str(record["date"]))
        if article.date is None:
            report(Problem(str(path), where, f"unreadable date {str(record['date'])[:40]!r}, kept without a date",
                           skipped=False))
    return article


def _record_id(rid, fallback_id, path, where, report):
    """Return the record's id as a string, or the fallback (file:line) when it cannot serve."""
    if rid is None or (isinstance(rid, str) and not rid.strip()):
        return fallback_id
    if isinstance(rid, bool) or not isinstance(rid, (str, int, float)):
        reason = f"id {rid!r:.60} is not a string or number"
    else:
        rid = str(rid).strip()
        if len(rid) <= MAX_ID and not BAD_ID.search(rid):
            return rid
        reason = f"id {rid[:60]!r} cannot be used in a URL (control characters, '..', leading '/' or too long)"
    report(Problem(str(path), where, f"{reason}; using {fallback_id!r} instead", skipped=False))
    return fallback_id


def parse_iso_date(text):
    """Parse an ISO 8601 date or datetime (with or without offset); None if it isn't one."""
    text = text.strip().replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
