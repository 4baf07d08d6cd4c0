"""Where the live index lives: generation folders and the CURRENT pointer that names one.

index_dir/
  CURRENT            name of the live generation, replaced atomically
  gen-<stamp>/       a complete Whoosh index, and FORMAT: the schema version it was written in
  building/          a first build or --rebuild in progress (resumable)
  .readers/HOST-PID-N  the generation each serving process reads (old ones are removed when unread)
"""
import fcntl
import os
import secrets
import shutil
import socket
import time
from pathlib import Path

from contextlib import contextmanager

from whoosh import index as whoosh_index

from ...errors import IndexBusy, IndexMissing, IndexOutdated
from .schema import SCHEMA_VERSION, get_schema

POINTER = "CURRENT"
BUILDING = "building"
FORMAT = "FORMAT"          # in each index folder: its schema.SCHEMA_VERSION (none: version 1)


@contextmanager
def run_lock(index_dir):
    """Hold index_dir's run lock for the duration; raise IndexBusy if another run has it.

    An flock dies with its process, so a killed run never leaves a stale lock behind.
    """
    with open(Path(index_dir) / ".lock", "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusy(f"another indexing run is writing to {index_dir}; wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def current_generation(index_dir):
    """Return the name of the live generation, or None when there is none."""
    try:
        name = (Path(index_dir) / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name or None


def live_path(index_dir):
    """Return the folder of the live index; raise IndexMissing when there is none."""
    name = current_generation(index_dir)
    path = Path(index_dir) / name if name else None
    if path is None or not _exists(path):
        hint = (" (a first build was interrupted: run the same index command again to continue)"
                if (Path(index_dir) / BUILDING).exists() else "")
        raise IndexMissing(f"no index in {index_dir}{hint}: build one with "
                           f"`python app.py index PATH --index-dir {index_dir}`")
    return path


def open_index(index_dir, any_format=False):
    """Open the live index of index_dir; raise IndexOutdated when it is of another format.

    any_format: open it anyway, for reading stored documents only (a rebuild reuses them).
    """
    path = live_path(index_dir)
    found = index_format(path)
    if found != SCHEMA_VERSION and not any_format:
        raise IndexOutdated(
            f"the index in {index_dir} was built in format {found} and this version of Facetwire "
            f"searches format {SCHEMA_VERSION} (accent-folded words, wildcards on words as written): "
            f"rebuild it with `python app.py index PATH --index-dir {index_dir} --rebuild`")
    return _open(path)


def index_format(path):
    """Return the schema version an index folder was written in (1: before versions were recorded)."""
    try:
        return int((Path(path) / FORMAT).read_text(encoding="utf-8").strip())
    except FileNotFoundError:
        return 1
    except ValueError:
        return 0   # unreadable: of no format this version can search


def open_building(index_dir):
    """Open (or create) the building folder beside the live index; return (index, resumed).

    An unfinished build of another format is started again.
    """
    path = Path(index_dir) / BUILDING
    path.mkdir(parents=True, exist_ok=True)
    if _exists(path):
        if index_format(path) == SCHEMA_VERSION:
            return _open(path), True
        discard_building(index_dir)
        path.mkdir(parents=True)
    ix = whoosh_index.create_in(str(path), get_schema())
    (path / FORMAT).write_text(f"{SCHEMA_VERSION}\n", encoding="utf-8")
    return ix, False


def _open(path):
    # Always with today's schema: Whoosh pickles the schema's classes by module path, so an
    # index written before a module moved could not be opened with its own pickled copy.
    return whoosh_index.open_dir(str(path), schema=get_schema())


def _exists(path):
    try:
        _open(path)
    except (whoosh_index.EmptyIndexError, FileNotFoundError):
        return False
    return True


def publish_building(index_dir):
    """Turn the finished building folder into the live generation, atomically; drop old ones."""
    index_dir = Path(index_dir)
    old = current_generation(index_dir)
    name = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(2)}"
    os.replace(index_dir / BUILDING, index_dir / name)
    tmp = index_dir / f"{POINTER}.tmp"
    tmp.write_text(name + "\n", encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / POINTER)
    if old and (index_dir / old).is_dir():
        (index_dir / old / RETIRED).touch()
    collect(index_dir, min_age=GRACE)
    return index_dir / name


# --- old generations --------------------------------------------------------------------------
# A generation replaced by a rebuild is removed once no server reads it: every process serving an
# index leases the generation it reads (index_dir/.readers/HOST-PID names it), and a generation is
# removed when no live process leases it and it was retired more than GRACE seconds ago (requests
# already running on it finish first). A server switching to a new generation collects; so does
# every publish, and `app.py gc`.
RETIRED = "RETIRED"          # marker file: when the generation stopped being CURRENT
READERS = ".readers"
GRACE = 30.0                 # seconds a retired generation is kept for requests still running on it
FOREIGN_LEASE_TTL = 86_400   # a lease of another host is trusted this long (its pids cannot be checked)


def _lease_path(index_dir, reader):
    return Path(index_dir) / READERS / f"{socket.gethostname()}-{os.getpid()}-{reader}"


def lease(index_dir, generation, reader):
    """Record that this process's reader (any short name) reads generation, replacing what it read."""
    path = _lease_path(index_dir, reader)
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(generation, encoding="utf-8")
    os.replace(tmp, path)


def release(index_dir, reader):
    """Drop the lease of this process's reader."""
    _lease_path(index_dir, reader).unlink(missing_ok=True)


def _leased(index_dir):
    """Return the generations live processes read; drop the leases of processes that are gone."""
    found, host, now = set(), socket.gethostname(), time.time()
    for path in (Path(index_dir) / READERS).glob("*"):
        name, _, pid = path.name.rsplit("-", 1)[0].rpartition("-")
        try:
            generation, age = path.read_text(encoding="utf-8").strip(), now - path.stat().st_mtime
        except OSError:
            continue
        if name == host and pid.isdecimal() and not _alive(int(pid)):
            path.unlink(missing_ok=True)
        elif name == host or age < FOREIGN_LEASE_TTL:
            found.add(generation)
    return found


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def collect(index_dir, min_age=0.0):
    """Remove generations that are not CURRENT, no live process reads, retired min_age seconds ago.

    Return the names removed. A building/ folder (an unfinished rebuild) is never touched.
    """
    index_dir = Path(index_dir)
    current, leased, now = current_generation(index_dir), _leased(index_dir), time.time()
    removed = []
    for child in sorted(index_dir.glob("gen-*")):
        if child.name == current or child.name in leased or not child.is_dir():
            continue
        retired = child / RETIRED
        since = retired.stat().st_mtime if retired.exists() else (index_dir / POINTER).stat().st_mtime
        if now - since >= min_age:
            shutil.rmtree(child, ignore_errors=True)
            removed.append(child.name)
    return removed


def discard_building(index_dir):
    """Remove an unfinished build."""
    shutil.rmtree(Path(index_dir) / BUILDING, ignore_errors=True)


def index_size(index_dir):
    """Return the size in bytes of the live generation."""
    return sum(f.stat().st_size for f in live_path(index_dir).iterdir() if f.is_file())
