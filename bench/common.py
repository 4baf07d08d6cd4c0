"""Shared helpers of the benchmarks: the corpus, timing a command with its peak memory, servers, the machine.

Nothing here is imported by the product; the benchmarks run the real CLI (`app.py`) as a
subprocess, so what they time is what a user runs.
"""
import gzip
import http.client
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
PYTHON = sys.executable
SAMPLE = ROOT / "data" / "sample" / "wikinews.jsonl"
# Research use only: read in place, never copied into the repository.
REUTERS = Path("/work/shared/corpora/reuters21578/reuters21578.jsonl.gz")
PAGE = os.sysconf("SC_PAGE_SIZE")

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# --- the corpus ---------------------------------------------------------------------------------

def load_records(path, limit=0):
    """Return the JSON records of a .jsonl[.gz] file that have a non-empty body (the first `limit`)."""
    path = Path(path)
    opener = gzip.open if path.name.endswith(".gz") else open
    out = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            record = json.loads(line)
            if str(record.get("body") or "").strip():
                out.append(record)
                if limit and len(out) >= limit:
                    break
    return out


def write_jsonl(records, path):
    """Write records one JSON object a line; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def read_articles(path):
    """Read a corpus file with the indexer's own reader: the exact Articles (and texts) it indexes."""
    from indexer.articles import read_sources

    problems = []
    articles = list(read_sources([str(path)], problems.append))
    return articles, problems


def word_count(texts):
    """Whitespace-separated words, the unit of every words/s figure (as in bench/ner_speed.py)."""
    return sum(len(t.split()) for t in texts)


def work_dir(arg, name):
    """Return (and create) the folder for a benchmark's temporary files: outside the repository."""
    path = Path(arg) if arg else Path(tempfile.gettempdir()) / "facetwire-bench" / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def remove(path):
    """Remove a file or folder if it exists."""
    path = Path(path)
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


# --- running a command: wall time and peak memory ---------------------------------------------

@dataclass
class Measured:
    cmd: list
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    tree_peak_rss: int      # bytes: the largest sum of RSS over the process and its descendants, sampled
    # bytes: the largest single process, sampled. (wait4's ru_maxrss is no good here: it counts
    # the pages a child shares with this process between fork and exec.)
    process_peak_rss: int
    cpu_seconds: float      # user + system time of the process and its reaped descendants
    root_cpu_seconds: float  # ... of the process itself (last sample before it exited)

    def check(self):
        """Raise with the command's stderr when it failed."""
        if self.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, self.cmd))} exited with {self.returncode}:\n"
                               f"{self.stderr[-3000:]}")
        return self


def descendants(pid):
    """Return pid and all its descendants' pids (via /proc/PID/task/*/children)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return out


def rss(pid):
    """Resident set size of one process in bytes (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0


def process_cpu(pid):
    """User + system CPU seconds of one process itself (not its children), 0.0 if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0


def tree_rss(pid):
    """Return (sum of RSS over pid and its descendants, the largest single RSS among them)."""
    sizes = [rss(p) for p in descendants(pid)]
    return sum(sizes), max(sizes, default=0)


def run_measured(cmd, cwd=ROOT, interval=0.1):
    """Run cmd to completion; return its wall time, output and peak memory (tree sum and largest process)."""
    cmd = [str(c) for c in cmd]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out, \
            tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        peak, largest, root_cpu = [0], [0], [0.0]
        done = threading.Event()

        def sample():
            while not done.is_set():
                total, biggest = tree_rss(proc.pid)
                peak[0], largest[0] = max(peak[0], total), max(largest[0], biggest)
                root_cpu[0] = process_cpu(proc.pid) or root_cpu[0]
                done.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        return Measured(cmd, seconds, proc.returncode, out.read(), err.read(), peak[0],
                        largest[0], usage.ru_utime + usage.ru_stime, root_cpu[0])


def app_cmd(*args):
    """The Facetwire CLI as a command list."""
    return [PYTHON, str(APP), *map(str, args)]


# --- servers ------------------------------------------------------------------------------------

def free_port():
    """Return a loopback TCP port that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerFailed(RuntimeError):
    """A server subprocess exited or did not answer in time."""


class Server:
    """A server subprocess on a loopback port: started, waited for, measured, stopped."""

    def __init__(self, name, cmd, port, ready_path, log_dir, timeout=180):
        self.name, self.cmd, self.port, self.ready_path = name, [str(c) for c in cmd], port, ready_path
        self.timeout = timeout
        self.log_path = Path(log_dir) / f"{name}.log"
        self.proc = None

    def __enter__(self):
        self.log = open(self.log_path, "w", encoding="utf-8")
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerFailed(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                status, _ = get(self.url(self.ready_path), timeout=5)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise ServerFailed(f"{self.name} did not answer within {self.timeout}s:\n{self.log_tail()}")

    def __exit__(self, *exc):
        self.stop()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def memory(self):
        """VmRSS and VmHWM (peak) of the server process, in bytes, from /proc/PID/status."""
        out = {}
        with open(f"/proc/{self.proc.pid}/status") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    out[key] = int(value.split()[0]) * 1024
        return out

    def cpu_seconds(self):
        """CPU seconds the server process has used so far."""
        return process_cpu(self.proc.pid)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()

    def log_tail(self, chars=3000):
        if not self.log.closed:   # stop() closes it: a timed-out start must still show the log
            self.log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]


def get(url, timeout=60):
    """GET url over a fresh connection; return (status, body bytes)."""
    rest = url.split("://", 1)[1]
    hostport, _, path = rest.partition("/")
    host, _, port = hostport.partition(":")
    conn = http.client.HTTPConnection(host, int(port or 80), timeout=timeout)
    try:
        conn.request("GET", "/" + path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def timed_get(url):
    """GET url; return (seconds, status, body bytes): the latency a client sees, body read included."""
    t = time.perf_counter()
    status, body = get(url)
    return time.perf_counter() - t, status, body


# --- figures ------------------------------------------------------------------------------------

def percentile(values, p):
    """The p-th percentile (0..100) with linear interpolation between closest ranks."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def latency_summary(seconds):
    """p50, p95 and max of a list of latencies, in milliseconds."""
    return {"n": len(seconds), "p50_ms": round(percentile(seconds, 50) * 1e3, 2),
            "p95_ms": round(percentile(seconds, 95) * 1e3, 2), "max_ms": round(max(seconds) * 1e3, 2)}


def median(values):
    return statistics.median(values)


def mb(n_bytes):
    return round(n_bytes / 2**20, 1)


def machine():
    """Where and when the figures were taken."""
    from importlib.metadata import PackageNotFoundError, version

    def ver(pkg):
        try:
            return version(pkg)
        except PackageNotFoundError:
            return None

    mem_kb = 0
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    cpu = ""
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), "")
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = None
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "ram_gib": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
        "spacy": ver("spacy"),
        "whoosh": ver("whoosh-reloaded"),
        "datasette": ver("datasette"),
        "commit": commit,
        "loadavg_start": os.getloadavg(),
    }


def print_table(headers, rows):
    """Print rows as an aligned plain-text table."""
    cells = [[str(c) for c in headers]] + [[("" if c is None else str(c)) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def goal(value, target, at_most=True):
    """'met' / 'NOT met' for a figure against its goal (None when there is no figure)."""
    if value is None:
        return "n/a"
    return "met" if (value <= target if at_most else value >= target) else "NOT met"


def save_json(path, data):
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(data, indent=2, default=_default) + "\n", encoding="utf-8")


def _default(obj):
    if hasattr(obj, "__dataclass_fields__"):
        return asdict(obj)
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(type(obj).__name__)



def vm_status(pid):
    """VmRSS and VmHWM (peak) of any process, in bytes, from /proc/PID/status ({} if it is gone)."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    out[key] = int(value.split()[0]) * 1024
    except (FileNotFoundError, ProcessLookupError):
        return {}
    return out
