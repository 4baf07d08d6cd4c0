"""Running NER on a Dask cluster: batches of articles out to the workers, Analysis dicts back, in order.

The indexing process keeps reading, hashing, skipping and writing; only the batches that need
NER travel. Each worker loads the Analyzer once, from a WorkerPlugin that carries its loaded
state (the aliases and topics *contents*, not file paths): the workers, and the scheduler, which
unpickles each task, need this code and the model package, not the user's files. A worker that
dies costs nothing: Dask runs its batches again elsewhere, and the parent writes each article
once, in input order, whichever worker answered.
"""
import asyncio
import importlib
import threading
import time
import uuid
from collections import deque
from concurrent.futures import CancelledError
from contextlib import contextmanager
from dataclasses import asdict
from itertools import islice

from distributed.diagnostics.plugin import WorkerPlugin

from ..errors import BuildError

IN_FLIGHT_PER_WORKER = 3   # batches submitted per worker, as the process pool does per process
RETRIES = 2                # a batch whose task raised (a MemoryError, a worker without its analyzer)
                           # runs again; one whose worker died is rescheduled by Dask anyway
NO_WORKERS_TIMEOUT = 60.0  # seconds without a single worker before the run gives up
POLL = 5.0                 # seconds between looks at the cluster's size while waiting for a batch
KEY = "facetwire-ner"      # task-key prefix: how the batches show on the Dask dashboard
# One batch at a time per worker process: spaCy's string store is not safe to grow from several
# threads, and the GIL would leave them little to gain (start workers with --nthreads 1).
_NER_LOCK = threading.Lock()


class ClusterError(BuildError):
    """The Dask scheduler cannot be reached, went away, or has no usable workers."""


def analyze_on_cluster(analyzer, items, address, chunk, on_client=None):
    """Yield (article, Analysis) for (article, known Analysis or None) items, NER on the Dask workers.

    At most IN_FLIGHT_PER_WORKER batches per worker are out at once, so memory stays flat
    on huge inputs. The scheduler is contacted only once a batch needs NER: a run that reuses
    every extraction needs no cluster. on_client(client) is called once connected.
    """
    from .analyze import Analysis

    session = _Session(analyzer, address, on_client)
    pending = deque()
    try:
        while True:
            while len(pending) < session.window() and (batch := list(islice(items, chunk))):
                todo = [a for a, known in batch if known is None]
                pending.append((batch, session.submit(todo) if todo else None))
            if not pending:
                return
            batch, future = pending.popleft()
            fresh = iter(session.result(future, batch) if future else ())
            del future  # released on the cluster once written
            for article, known in batch:
                yield article, known if known is not None else Analysis(**next(fresh))
    except BaseException:
        # Ctrl-C, a lost scheduler or a failed consumer: nothing more is computed for this run.
        session.cancel([f for _, f in pending if f is not None])
        raise
    finally:
        pending.clear()
        session.close()


class _Session:
    """This run's client, analyzer plugin and window of batches out, opened on the first batch to send."""

    def __init__(self, analyzer, address, on_client):
        self.analyzer, self.address, self.on_client = analyzer, address, on_client
        self.client = self.name = None
        self.checked, self.workers, self.none_since = 0.0, 1, None
        self.token, self.sent = uuid.uuid4().hex[:8], 0

    def open(self):
        self.client = connect(self.address)
        with self.talking():
            self.name = register(self.client, self.analyzer)
            try:
                self.client.wait_for_workers(1, timeout=NO_WORKERS_TIMEOUT)
            except TimeoutError as err:
                raise ClusterError(f"no Dask worker joined the scheduler at {self.address} within "
                                   f"{NO_WORKERS_TIMEOUT:.0f} s: start some with `dask worker "
                                   f"{self.address}`") from err
            self.refresh()
        if self.on_client:
            self.on_client(self.client)

    @contextmanager
    def talking(self):
        """Turn a connection to the scheduler that failed into a ClusterError."""
        try:
            yield
        except ClusterError:
            raise
        except (CancelledError, OSError) as err:  # a lost scheduler cancels every future
            raise ClusterError(f"lost the Dask scheduler at {self.address} ({_why(err)}); what was "
                               "committed is kept: run the same command again to continue") from err

    def submit(self, articles):
        if self.client is None:
            self.open()
        self.sent += 1
        with self.talking():
            return self.client.submit(_analyze, self.name, articles, key=f"{KEY}-{self.token}-{self.sent}",
                                      pure=False, retries=RETRIES)

    def window(self):
        """How many batches may be out: IN_FLIGHT_PER_WORKER per worker, counted every POLL s.

        Workers, not threads: a worker process runs one batch at a time (_NER_LOCK).
        """
        if self.client is not None and time.monotonic() - self.checked > POLL:
            with self.talking():
                self.refresh()
        return IN_FLIGHT_PER_WORKER * max(1, self.workers)

    def refresh(self):
        """Count the cluster's workers; raise ClusterError when it has had none for too long."""
        self.workers = len(self.client.nthreads())
        self.checked = time.monotonic()
        if self.workers:
            self.none_since = None
        elif self.none_since is None:
            self.none_since = self.checked
        elif self.checked - self.none_since > NO_WORKERS_TIMEOUT:
            raise ClusterError(f"the Dask scheduler at {self.address} has had no workers for "
                               f"{NO_WORKERS_TIMEOUT:.0f} s")

    def result(self, future, batch):
        """Wait for one batch's records; a lost scheduler or a batch that kills workers is a ClusterError."""
        from distributed import KilledWorker

        with self.talking():
            while True:
                try:
                    return future.result(timeout=POLL)
                except TimeoutError:
                    self.refresh()
                except KilledWorker as err:
                    first = next(a for a, known in batch if known is None)
                    raise ClusterError(f"the batch starting at {first.origin}:{first.where} killed Dask "
                                       f"workers repeatedly ({_why(err)})") from err

    def cancel(self, futures):
        if futures and self.client is not None and self.client.status == "running":
            try:
                self.client.cancel(futures)
            except (CancelledError, OSError):
                pass  # the scheduler is gone: there is nothing left to cancel

    def close(self):
        from distributed.utils import silence_logging_cmgr

        if self.client is None:
            return
        # Closing cancels the client's attempts to reconnect to a lost scheduler, which it would
        # log as a traceback: the run reports the loss itself, in one line.
        with silence_logging_cmgr("critical"):
            try:
                self.client.close(timeout=5)
            except (CancelledError, OSError):
                pass  # closing a client whose scheduler is gone


def connect(address):
    """Return a Client of the scheduler at address; raise ClusterError if it cannot be reached.

    How long to try is Dask's own setting, distributed.comm.timeouts.connect (30 s; the env
    variable DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=5s makes it 5).
    """
    from distributed import Client

    try:
        return Client(address, set_as_default=False)
    except (OSError, ValueError) as err:  # TimeoutError is an OSError
        raise ClusterError(f"cannot connect to the Dask scheduler at {address}: {_why(err)}") from err


def register(client, analyzer):
    """Have every worker, present and future, hold this Analyzer with its model loaded; return its name.

    Keyed by the analyzer's fingerprint and idempotent: a second run with the same settings
    finds the model already loaded on the workers.
    """
    _check_code(client)
    plugin = AnalyzerPlugin(analyzer)
    try:
        client.register_plugin(plugin, name=plugin.name)
    except (ImportError, AttributeError) as err:
        raise ClusterError(f"a Dask worker at {client.scheduler.address} cannot load Facetwire's code "
                           f"({_why(err)}): start the workers with PYTHONPATH set to the checkout "
                           "(README: Indexing on a Dask cluster)") from err
    return plugin.name


def _check_code(client):
    """Raise ClusterError unless the scheduler and the workers can import this code.

    The scheduler unpickles each task (function and articles), so it needs the code as much
    as the workers do.
    """
    def probe():  # a local function is pickled by value: it needs nothing of ours over there
        try:
            return importlib.import_module("indexer.extract.cluster") is not None
        except ImportError:
            return False

    where = client.scheduler.address
    missing = [] if client.run_on_scheduler(probe) else [f"the scheduler at {where}"]
    lacking = sorted(w for w, ok in client.run(probe).items() if not ok)
    if lacking:
        shown = ", ".join(lacking[:3]) + (", ..." if len(lacking) > 3 else "")
        missing.append(f"{len(lacking)} worker(s) ({shown})")
    if missing:
        raise ClusterError(f"{' and '.join(missing)} cannot import Facetwire's code: start the Dask "
                           "scheduler and workers with PYTHONPATH set to a checkout of the same commit "
                           "(README: Indexing on a Dask cluster)")


class AnalyzerPlugin(WorkerPlugin):
    """A worker's Analyzer: shipped loaded (aliases and topics inside), the model loaded at setup."""

    idempotent = True

    def __init__(self, analyzer):
        self.analyzer = analyzer
        self.name = f"facetwire-analyzer-{analyzer.fingerprint}"

    async def setup(self, worker):
        # Another plugin (other aliases or topics) may already hold the same model on this worker.
        for other in worker.plugins.values():
            if (isinstance(other, AnalyzerPlugin) and other is not self and "nlp" in vars(other.analyzer)
                    and other.analyzer.settings.model == self.analyzer.settings.model):
                self.analyzer.nlp = other.analyzer.nlp
                break
        # Loaded off the event loop, so that the worker keeps answering its heartbeats meanwhile.
        await asyncio.to_thread(lambda: (self.analyzer.nlp, self.analyzer.extractor))


def _analyze(name, articles):
    """The task: one batch on one worker, back as the pool's asdict records."""
    from distributed import get_worker

    plugin = get_worker().plugins.get(name)
    if plugin is None:
        raise RuntimeError(f"no Facetwire analyzer {name} on this worker (its setup failed: see its log)")
    with _NER_LOCK:
        return [asdict(a) for a in plugin.analyzer.analyze_batch(articles)]


def _why(err):
    """The first line of an error, or the reason a future was cancelled ("scheduler-connection-lost")."""
    text = getattr(err, "reason", None) or str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__
