"""Reading articles from folders of scraped .txt pages, JSONL (optionally gzipped) and CSV files.

Bad input never stops a run: each broken file or record becomes a Problem (path, where, reason)
handed to the caller's `report` function, and reading goes on. Hostile input is bounded and made
safe here, so that nothing downstream sees a str that cannot be encoded as UTF-8:

- A line or record costs at most MAX_RECORD bytes: a longer one is read past, never held whole,
  and skipped; runs of blank lines go a block at a time. A compressed file may expand to
  MAX_EXPANSION times its size (plus one record); the rest of it is then not read (a source error).
- JSON nested deeper than MAX_DEPTH, with more than MAX_NODES lists and objects, or with a number
  longer than Python converts, is skipped. Lone surrogates (escapes such as "\\ud800") become
  U+FFFD with a warning, as invalid UTF-8 bytes do: one bad character should not cost an article.
- A CSV quote that never closes costs its own record only (csv_records says how).
- Ids made from file names keep the id rule (BAD_ID, MAX_ID) by construction rather than by
  skipping the file, whose records may carry ids of their own: control characters and bytes that
  are not UTF-8 become \\xNN (distinct names stay distinct and recognisable), a name too long is
  cut and ends in a hash of the whole; a warning says so. Paths in messages are escaped alike, so
  every Problem prints on one line.
- Only regular files are opened: FIFOs (which would block), devices and sockets are reported, and
  so are symbolic links to folders (not followed: they can loop). Hidden files are skipped silently.
"""
import csv
import errno
import gzip
import hashlib
import io
import json
import os
import re
import stat
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from charset_normalizer import from_bytes

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
MAX_STEM = MAX_ID - 21  # an id made from a file name, leaving room for ":" and a line number
# Bytes in one line or record: room for a body of analyze.MAX_TEXT (1,000,000) characters even
# when each is a 6-byte JSON escape (\u0416), with its metadata. No news article comes near it.
MAX_GUESS_BYTES = 65_536   # what the encoding guess reads of a file or record
MAX_RECORD = 8 * 2**20
# How many times its size a compressed file may expand (plus MAX_RECORD, so that a small file can
# hold one record of any kind). News JSON compresses 3-10 times; a gzip bomb, 1000 times.
MAX_EXPANSION = 100
MAX_DEPTH = 100  # nesting levels in one JSON record: far below Python's recursion limit
# Lists and objects in one JSON record, counted as "[" and "{" (strings too) before parsing: a
# line of "[],[],..." would cost Python seconds and hundreds of MB.
MAX_NODES = 100_000
BLOCK = 2**20  # bytes read at a time
SPACE = re.compile(rb"[ \t\r\n\f\v]+")  # one class repeated: no backtracking state per line
# csv.reader's quoting (no escape character, lenient): a quoted field closes at an odd run of
# quotes; anything after its closing quote, and any quote inside an unquoted field, is plain text.
QUOTED_REST = rb'[^"]*+(?:""[^"]*+)*+"'
FIELDS = {d: re.compile(rb'(?:"%s[^%s]*+|(?!")[^%s]*+)(?:%s(?:"%s[^%s]*+|(?!")[^%s]*+))*+'
                        % (QUOTED_REST, e, e, e, QUOTED_REST, e, e))
          for d, e in ((b",", b","), (b";", b";"), (b"\t", b"\\t"))}  # complete fields in a row
CLOSING = re.compile(QUOTED_REST)  # the rest of a quoted field, to its closing quote
LONE_CR = re.compile(rb"(?<=\r)(?!\n)")  # csv.reader also ends a record at a lone carriage return
SURROGATE = re.compile(r"[\ud800-\udfff]")
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
# What cannot be printed on one line or encoded as UTF-8: control characters, surrogates
# (os.fsdecode turns a file name byte that is not UTF-8, such as 0xff, into U+DCFF).
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
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

    def __post_init__(self):
        self.path, self.where, self.reason = map(printable, (str(self.path), self.where, self.reason))

    def __str__(self):
        loc = f"{self.path}:{self.where}" if self.where else self.path
        return f"{'skipped' if self.skipped else 'warning'}: {loc}: {self.reason}"


def printable(text):
    """Return text with control characters and surrogates written as \\xNN (\\uNNNN): one line, UTF-8."""
    return UNPRINTABLE.sub(_escape, text) if UNPRINTABLE.search(text) else text


def _escape(m):
    code = ord(m[0])
    if 0xDC80 <= code <= 0xDCFF:  # a file name byte that is not UTF-8, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def read_sources(paths, report):
    """Yield the Articles in the given files and folders (folders recursively, in name order)."""
    for path in map(Path, paths):
        try:
            mode = path.stat().st_mode
        except OSError as err:
            missing = err.errno in (errno.ENOENT, errno.ENOTDIR)
            report(Problem(str(path), "", "no such file or folder" if missing else f"cannot read: {err.strerror}",
                           source_error=True))
            continue
        if stat.S_ISDIR(mode):
            yield from _read_folder(path, report)
        elif stat.S_ISREG(mode):
            yield from read_file(path, report, path.name)
        else:
            report(Problem(str(path), "", f"not a regular file ({_kind(mode)}), not opened"))


def _read_folder(root, report):
    """Yield the Articles below root depth first, names sorted, hidden names skipped silently.

    Each folder is listed when reached and each entry looked at (never opened) before it is
    read. A stack, not recursion: folders may nest deeper than Python recurses.
    """
    pending = [iter(_listing(root, report))]
    while pending:
        child = next(pending[-1], None)
        if child is None:
            pending.pop()
            continue
        link = False
        try:
            link = child.is_symlink()
            mode = child.stat().st_mode
        except OSError as err:
            report(Problem(str(child), "", _unseen(err, link), source_error=True))
            continue
        if stat.S_ISDIR(mode) and link:
            report(Problem(str(child), "", "symbolic link to a folder, not followed"))
        elif stat.S_ISDIR(mode):
            pending.append(iter(_listing(child, report)))
        elif stat.S_ISREG(mode):
            yield from read_file(child, report, child.relative_to(root).as_posix())
        else:
            report(Problem(str(child), "", f"not a regular file ({_kind(mode)}), not opened"))


def _unseen(err, link):
    """Say why an entry of a folder listing could not be looked at."""
    gone = err.errno == errno.ENOENT
    if link:
        return "broken symbolic link" if gone else f"broken symbolic link: {err.strerror}"
    return "deleted after its folder was listed" if gone else f"cannot read: {err.strerror}"


def _listing(folder, report):
    """Return the paths in folder that are not hidden, sorted by name; [] (reported) if unreadable."""
    try:
        with os.scandir(folder) as entries:
            return [folder / name for name in sorted(e.name for e in entries if not e.name.startswith("."))]
    except OSError as err:
        report(Problem(str(folder), "", f"cannot list the folder: {err.strerror}", source_error=True))
        return []


def _kind(mode):
    kinds = [(stat.S_ISFIFO, "FIFO"), (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
             (stat.S_ISSOCK, "socket")]
    return next((name for test, name in kinds if test(mode)), "special file")


class NotRegular(OSError):
    """What was to be read turned out not to be a regular file."""


def open_regular(path):
    """Open a regular file for reading bytes, without blocking if it was swapped for a FIFO."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegular(f"not a regular file ({_kind(mode)}), not read")
        os.set_blocking(fd, True)
        return open(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_file(path, report, rel):
    """Yield the Articles of one file; rel is its id stem (path relative to the folder given)."""
    name = path.name.lower()
    if not name.endswith(TEXT_SUFFIXES + JSONL_SUFFIXES + CSV_SUFFIXES):
        report(Problem(str(path), "", f"unknown file type {path.suffix or '(no suffix)'!r}: "
                                      "expected .txt, .jsonl, .jsonl.gz or .csv"))
        return
    rel = id_stem(rel, path, report)
    try:
        if name.endswith(TEXT_SUFFIXES):
            article = read_text_page(path, report, rel)
            if article:
                yield article
        elif name.endswith(JSONL_SUFFIXES):
            yield from read_jsonl(path, report, rel)
        else:
            yield from read_csv(path, report, rel)
    except NotRegular as err:
        report(Problem(str(path), "", str(err)))
    except OSError as err:
        report(Problem(str(path), "", f"cannot read: {err.strerror or err}", source_error=True))


def id_stem(rel, path, report):
    """Return rel made an id stem by the id rule; warn when the file name had to change for it.

    Control characters and bytes that are not UTF-8 become \\xNN; a stem longer than MAX_STEM
    keeps its beginning and ends in a hash of the whole, so that it stays unique.
    """
    stem = printable(rel)
    digest = hashlib.sha1(stem.encode("utf-8")).hexdigest()[:16]
    if BAD_ID.search(stem):  # a ".." segment or a leading "/": not from a folder listing
        stem = digest
    elif len(stem) > MAX_STEM:
        stem = f"{stem[:MAX_STEM - 17]}~{digest}"
    if stem != rel:
        report(Problem(str(path), "", "file name has control characters or bytes that are not UTF-8, or is "
                                      f"over {MAX_STEM} characters: ids made from it use '{stem}'", skipped=False))
    return stem


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
        guess = guess_decoding(data)
        if guess:
            text, encoding = guess
            report(Problem(str(path), "", f"not UTF-8: decoded as {encoding}, the encoding charset-normalizer "
                                          "guessed (check the text if the guess is wrong)", skipped=False))
            return text
        report(Problem(str(path), f"byte {err.start}", "invalid UTF-8, decoded with replacement characters",
                       skipped=False))
        return data.decode("utf-8-sig", errors="replace")


# Among legacy encodings that read a text equally well, the one news text is most often in.
PREFERRED_LEGACY = ("cp1252",)


def guess_decoding(data):
    """Return (text, encoding) of bytes that are not UTF-8, as charset-normalizer reads them; None if unsure.

    Short Western European texts often read equally well as cp1250 or cp1257 ("Caf\xe9" and
    "Caf\u0119" are both words to a detector): among the best-scoring readings, cp1252 wins.
    """
    results = list(from_bytes(data[:MAX_GUESS_BYTES]))
    if not results:
        return None
    best = min(results, key=lambda m: (m.chaos, -m.coherence))
    ties = [m for m in results if m.chaos <= best.chaos + 0.01 and m.coherence >= best.coherence - 0.01]
    chosen = next((m for enc in PREFERRED_LEGACY for m in ties if m.encoding == enc), best)
    try:
        return data.decode(chosen.encoding), chosen.encoding
    except (UnicodeDecodeError, LookupError):
        return None


def read_text_page(path, report, rel):
    """Read one scraped page: title, section and date line, agency tag, body; or plain text."""
    with open_regular(path) as fh:
        data = fh.read(MAX_RECORD + 1)
    if len(data) > MAX_RECORD:
        report(Problem(str(path), "", f"page longer than {MAX_RECORD:,} bytes"))
        return None
    text = decode(data, path, report)
    if text is None:
        return None
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln.lower() not in BOILERPLATE]
    content = [ln for ln in lines if ln]
    if not content:
        report(Problem(str(path), "", "no text after removing boilerplate"))
        return None
    article = Article(id=rel, title=content[0], body="", origin=printable(str(path)))
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


class TooExpanded(Exception):
    """A compressed file expanded past its limit."""


def lines_of(fh, limit=None, lineno=1, offset=0):
    """Yield (lineno, offset, line) for the lines of a binary stream, in bounded memory and time.

    A run of blank lines may come as one item (count its b"\\n"s); a line longer than MAX_RECORD
    comes as (lineno, offset, None), read past without being held. Raise TooExpanded when more
    than `limit` bytes come out of the stream.
    """
    buf, pos, total, skipping = b"", 0, 0, False
    while True:
        if not skipping and (blank := _blank_lines(buf, pos)):
            yield lineno, offset, blank
            lineno, offset, pos = lineno + blank.count(b"\n"), offset + len(blank), pos + len(blank)
            continue
        end = -1 if skipping else buf.find(b"\n", pos)
        if end >= 0:
            line = buf[pos:end + 1]
            yield lineno, offset, (line if len(line) <= MAX_RECORD else None)
            lineno, offset, pos = lineno + 1, offset + len(line), end + 1
            continue
        if not skipping and len(buf) - pos > MAX_RECORD:
            yield lineno, offset, None
            skipping, offset, buf, pos = True, offset + len(buf) - pos, b"", 0
        block = fh.read(BLOCK)
        total += len(block)
        if limit is not None and total > limit:
            raise TooExpanded
        if not block:
            if pos < len(buf):
                yield lineno, offset, buf[pos:]
            return
        if skipping:
            end = block.find(b"\n")
            if end < 0:
                offset += len(block)
                continue
            skipping, lineno, offset, buf, pos = False, lineno + 1, offset + end + 1, block, end + 1
        else:
            buf, pos = buf[pos:] + block, 0


def _blank_lines(buf, pos):
    """Return the whole blank lines at buf[pos:] (b"" if none), to be skipped in one step."""
    space = SPACE.match(buf, pos)
    end = buf.rfind(b"\n", pos, space.end()) if space else -1
    return buf[pos:end + 1] if end >= 0 else b""


def read_jsonl(path, report, rel):
    """Yield one Article per JSON line; broken lines are reported and skipped."""
    lineno, seen = 0, False
    with open_regular(path) as raw:
        gz = path.name.lower().endswith(".gz")
        limit = MAX_EXPANSION * os.fstat(raw.fileno()).st_size + MAX_RECORD if gz else None
        try:
            with (gzip.GzipFile(fileobj=raw, mode="rb") if gz else raw) as fh:
                for lineno, _, raw_line in lines_of(fh, limit):
                    if raw_line is not None and not raw_line.strip():
                        continue
                    seen, where = True, f"line {lineno}"
                    if raw_line is None:
                        report(Problem(str(path), where, f"line longer than {MAX_RECORD:,} bytes"))
                        continue
                    if lineno == 1:
                        raw_line = raw_line.removeprefix(b"\xef\xbb\xbf")  # UTF-8 byte order mark
                    record = _json_line(raw_line, path, where, report)
                    if record is not None:
                        article = article_from_record(record, path, where, f"{rel}:{lineno}", report)
                        if article:
                            yield article
        except TooExpanded:
            report(Problem(str(path), f"after line {lineno}", f"decompresses to more than {MAX_EXPANSION} "
                           "times its size: the rest of the file is not read", source_error=True))
            return
        except (OSError, EOFError, zlib.error) as err:
            report(Problem(str(path), f"after line {lineno}", f"cannot read the rest of the file: {err}",
                           source_error=True))
            return
    if not seen:
        report(Problem(str(path), "", "empty file"))


def _json_line(raw, path, where, report):
    """Parse one JSON line; report and return None when it is not JSON or too deep to use."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        guess = guess_decoding(raw)
        if guess:
            text = guess[0]
            report(Problem(str(path), where, f"not UTF-8: decoded as {guess[1]}, the encoding charset-normalizer "
                                             "guessed", skipped=False))
        else:
            report(Problem(str(path), where, "invalid UTF-8, decoded with replacement characters", skipped=False))
            text = raw.decode("utf-8", errors="replace")
    too_deep = f"JSON nested deeper than {MAX_DEPTH} levels"
    containers = raw.count(b"[") + raw.count(b"{")
    if containers > MAX_NODES:
        report(Problem(str(path), where, f"more than {MAX_NODES:,} JSON lists and objects ('[' and '{{')"))
        return None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as err:
        report(Problem(str(path), where, f"malformed JSON: {err.msg} at column {err.colno}"))
        return None
    except RecursionError:
        report(Problem(str(path), where, too_deep))
        return None
    except ValueError as err:  # a number longer than sys.get_int_max_str_digits()
        report(Problem(str(path), where, f"unreadable JSON: {str(err).split(';')[0]}"))
        return None
    # Only brackets make depth and only \u escapes make surrogates: most lines need no walk.
    walk = containers > MAX_DEPTH or SURROGATE_ESCAPE.search(raw)
    if walk and not repair_strings(record, path, where, report):
        report(Problem(str(path), where, too_deep))
        return None
    return record


def repair_strings(value, path, where, report):
    """Replace lone surrogates in the strings (keys too) of parsed JSON, in place, and say so.

    Return False, leaving the value alone, when it is nested deeper than MAX_DEPTH. Walked with
    a stack, not by recursion, for the depth may be anything up to Python's recursion limit.
    """
    nodes, stack = [], [(value, 1)] if isinstance(value, (dict, list)) else []
    while stack:
        node, level = stack.pop()
        if level > MAX_DEPTH:
            return False
        nodes.append(node)
        stack.extend((v, level + 1) for v in (node.values() if isinstance(node, dict) else node)
                     if isinstance(v, (dict, list)))
    repaired = False
    for node in nodes:
        if isinstance(node, dict):
            for key in [k for k in node if SURROGATE.search(k)]:
                node[SURROGATE.sub("\ufffd", key)] = node.pop(key)
                repaired = True
        for key, v in (node.items() if isinstance(node, dict) else enumerate(node)):
            if isinstance(v, str) and SURROGATE.search(v):
                node[key], repaired = SURROGATE.sub("\ufffd", v), True
    if repaired:
        report(Problem(str(path), where, "lone surrogates (JSON escapes \\ud800-\\udfff) replaced with U+FFFD",
                       skipped=False))
    return True


def read_csv(path, report, rel):
    """Yield one Article per CSV row (header row names the fields; comma, semicolon or tab).

    Read a record at a time (csv_records). Blank rows are skipped silently but still counted,
    so that the FILE:N ids of the rows after them stay what they were.
    """
    if csv.field_size_limit() < MAX_RECORD:
        csv.field_size_limit(MAX_RECORD)
    with open_regular(path) as fh:
        if b"\x00" in fh.read(8192):
            report(Problem(str(path), "", "binary file (NUL bytes), not text"))
            return
        fh.seek(0)
        first = next((line for _, _, line in lines_of(fh) if line and line.strip()), b"")
        delimiter = max((b",", b";", b"\t"), key=first.count)
        fh.seek(0)
        yield from _csv_articles(csv_records(fh, delimiter), delimiter.decode(), path, rel, report)


def _csv_articles(records, delimiter, path, rel, report):
    """Yield the Articles of csv_records(): the first record names the fields."""
    names, n, rows, warned = None, 0, 0, False
    for kind, lineno, data in records:
        if kind == "blank":
            n += data if names is not None else 0
            continue
        if kind != "record":
            why = "has an unclosed quote" if kind == "unclosed" else f"is longer than {MAX_RECORD:,} bytes"
            if names is None:
                report(Problem(str(path), f"line {lineno}", f"the header row {why}: nothing in the file can be "
                                                            "read", source_error=True))
                return
            n, rows = n + 1, rows + 1
            again = f", reading again from line {lineno + 1}" if kind == "unclosed" else ""
            report(Problem(str(path), f"line {lineno}", f"record {n} {why}: skipped{again}"))
            continue
        text, warned = _csv_text(data, path, lineno, report, warned)
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if names is None:
                names = [h.strip().lower() for h in cells]
                continue
            n, rows = n + 1, rows + 1
            row = {k: v for k, v in zip(names, cells) if k}
            article = article_from_record(row, path, f"record {n}", f"{rel}:{n}", report)
            if article:
                yield article
    if names is None:
        report(Problem(str(path), "", "empty file"))
    elif not rows:
        report(Problem(str(path), "", "header only, no records"))


def _csv_text(data, path, lineno, report, warned):
    """Decode one record, replacing invalid UTF-8; say so once per file. Return (text, warned)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        guess = guess_decoding(data)
        if not warned:
            what = (f"not UTF-8: decoded as {guess[1]}, the encoding charset-normalizer guessed" if guess
                    else "invalid UTF-8, decoded with replacement characters")
            report(Problem(str(path), f"line {lineno}", f"{what} (said for the first such line only)",
                           skipped=False))
        text, warned = (guess[0] if guess else data.decode("utf-8", errors="replace")), True
    return (text.removeprefix("\ufeff") if lineno == 1 else text), warned  # UTF-8 byte order mark


def csv_records(fh, delimiter):
    """Group the lines of a CSV file into records as csv.reader does; yield (kind, lineno, data).

    kind is "record" (data: its bytes), "blank" (data: how many blank lines), "long" (over
    MAX_RECORD; a line that long is never read, so it also ends its record) or "unclosed".

    A quote that opens a field must close it, at a quote followed by the delimiter or the end of
    the line. When a field runs to the end of the file, or runs over lines to a quote followed by
    anything else (the opening quote of a later field, now out of step), its quote was unclosed:
    the record is "unclosed" at the line of that quote, and reading starts again on the next line.
    No line is read more than twice: the lines read again held only even runs of quotes (an odd
    one would have closed the field), which open and close a field within one line.
    """
    start, offset = 1, 0
    while start:
        fh.seek(offset)
        parts, size, first, opened, quoted, restart = [], 0, None, None, False, None
        for lineno, at, line in lines_of(fh, lineno=start, offset=offset):
            if line is None:
                yield "long", first or lineno, None
                parts, size, first, quoted = [], 0, None, False
                continue
            for piece in _pieces(line):
                if not quoted and not piece.strip():
                    yield "blank", lineno, piece.count(b"\n") or 1
                    continue
                first = first or lineno
                quoted, opens, broken = quote_state(piece, quoted, delimiter)
                if broken:
                    restart = opened
                    break
                if opens:
                    opened = (lineno, at + len(line))
                size += len(piece)
                if parts is not None and size > MAX_RECORD:
                    parts = None  # keep following the quotes to the record's end, holding nothing
                elif parts is not None:
                    parts.append(piece)
                if not quoted:
                    yield ("record", first, b"".join(parts)) if parts is not None else ("long", first, None)
                    parts, size, first = [], 0, None
            if restart:
                break
        restart = restart or (opened if quoted else None)
        start = None
        if restart:
            yield "unclosed", restart[0], None
            start, offset = restart[0] + 1, restart[1]


def _pieces(line):
    """Split a line after each lone carriage return, where csv.reader also ends a record."""
    cr = line.find(b"\r")
    if cr < 0 or cr == len(line) - 1 or (cr == len(line) - 2 and line.endswith(b"\n")):
        return (line,)  # no carriage return, or the one that ends the line
    return [p for p in LONE_CR.split(line) if p]


def quote_state(piece, quoted, delimiter):
    """Follow csv.reader's quoting through one line (piece), given whether it starts in a quote.

    Return (whether it ends in a quoted field, whether that field's quote opened here, whether a
    field from an earlier line closed at a quote followed by neither the delimiter nor the end).
    """
    pos = 0
    if quoted:
        closing = CLOSING.match(piece)
        if not closing:
            return True, False, False
        pos = closing.end()
        after = piece[pos:pos + 1]
        if after != delimiter:
            return False, False, after not in (b"\r", b"\n", b"")
        pos += 1
    fields = FIELDS[delimiter].match(piece, pos)
    # Complete fields run to the end, or stop before a quoted field this piece does not close.
    return (True, True, False) if (fields.end() if fields else pos) < len(piece) else (False, False, False)


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
        origin=printable(str(path)),
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
