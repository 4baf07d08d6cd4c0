"""Facetwire command line: build, update, inspect and export the index, and serve the explorer.

Each command opens the store, calls one library function, and turns library errors into one
clear line on stderr and a non-zero exit code.
"""
import errno
import os
import signal
import sys
import threading
import time
from pathlib import Path

import click

DEFAULT_INDEX = "index_data"
index_dir_option = click.option(
    "--index-dir", default=DEFAULT_INDEX, show_default=True, type=click.Path(file_okay=False),
    help="Folder of the index.")


def engine_options(fn):
    """Add --engine and --engine-url (also FACETWIRE_ENGINE, FACETWIRE_ENGINE_URL) to a command."""
    fn = click.option("--engine-url", metavar="URL[,URL…]",
                      help="opensearch: the cluster's node URLs, comma-separated [env: FACETWIRE_ENGINE_URL]; "
                           "auth, TLS and index name: docs/SCALING.md.")(fn)
    return click.option("--engine", type=click.Choice(["whoosh", "opensearch"]),
                        help="Where the index lives: whoosh (a folder, --index-dir; the default) or "
                             "opensearch (a cluster, --engine-url) [env: FACETWIRE_ENGINE].")(fn)


def engine_config(index_dir, engine, engine_url):
    """Return the EngineConfig of the command line, then the FACETWIRE_* environment."""
    from indexer.engines import config_from_env

    urls = [u.strip() for u in engine_url.split(",") if u.strip()] if engine_url else None
    return run(lambda: config_from_env(engine=engine, index_dir=index_dir, engine_url=urls))


EXIT_OUTDATED = 3


def run(fn):
    """Call fn(); report a library error or an OS error as one `error: ...` line, exit code 1 (3: outdated)."""
    from indexer.errors import FacetwireError, IndexOutdated

    try:
        return fn()
    except FacetwireError as err:
        click.echo(f"error: {terminal_safe(str(err))}", err=True)
        # 3: the index is of an older format and needs --rebuild (`make run` rebuilds its sample on it)
        sys.exit(EXIT_OUTDATED if isinstance(err, IndexOutdated) else 1)
    except OSError as err:
        if isinstance(err, BrokenPipeError):
            raise
        where = f" ({terminal_safe(str(err.filename))})" if err.filename else ""
        hint = ("; free some space and run the same command again: what was committed is kept"
                if err.errno == errno.ENOSPC else "")
        click.echo(f"error: {err.strerror or err}{where}{hint}", err=True)
        sys.exit(1)


def terminal_safe(text):
    """Return text with control characters (terminal escapes from the data) written as escapes."""
    return "".join(ch if ch.isprintable() or ch == "\n" else f"\\x{ord(ch):02x}" if ord(ch) < 256
                   else f"\\u{ord(ch):04x}" for ch in text)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """Facetwire: full-text search and entity facets for news archives."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=False))
@index_dir_option
@click.option("--rebuild", is_flag=True, help="Build a new index beside the live one, swap it in when complete.")
@click.option("--prune", is_flag=True, help="Remove articles that are no longer in the given sources.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(0, 64),
              help="Processes running NER while this one writes the index (0: all in this process).")
@click.option("--cluster", metavar="tcp://HOST:PORT", envvar="FACETWIRE_DASK_SCHEDULER", show_envvar=True,
              help="Run NER on the workers of this Dask scheduler instead of --workers processes "
                   "(README: Indexing on a Dask cluster).")
@click.option("--batch-size", default=64, show_default=True, type=click.IntRange(1, 10_000),
              help="Articles per batch handed to a worker process or a Dask worker.")
@click.option("--aliases", "aliases_file", type=click.Path(exists=True, dir_okay=False),
              help="Aliases file: merge or hide facet values (see docs/ALIASES.md).")
@click.option("--topics", "topics_file", type=click.Path(exists=True, dir_okay=False),
              help="Your own IPTC-format topics file instead of the shipped one (see docs/TOPICS.md).")
@click.option("--commit-every", default=2000, show_default=True, type=click.IntRange(1),
              help="Articles per commit: the most an interrupted run can lose.")
@click.option("--optimize", is_flag=True,
              help="Merge the index into one segment at the end: takes a while, makes searches faster.")
@click.option("--resolve/--no-resolve", default=True, show_default=True,
              help="End a run that changed the index with the index-wide resolution step (lone surnames, "
                   "spelling variants, acronyms merged as curation changes; `curate list` shows them). "
                   "--no-resolve skips it this run: merges made before stay until undone.")
@click.option("--dedupe/--no-dedupe", default=True, show_default=True,
              help="End a run that changed the index by grouping near-duplicate articles. --no-dedupe "
                   "skips it this run: groups stored before stay as they were until a run groups again.")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems and the summary.")
@engine_options
def index(paths, index_dir, rebuild, prune, workers, cluster, batch_size, aliases_file, topics_file,
          commit_every, optimize, resolve, dedupe, quiet, engine, engine_url):
    """Index the articles in PATHS (folders of .txt, .jsonl[.gz] and .csv files).

    Incremental: unchanged articles are skipped, changed ones replaced. Safe to interrupt;
    the next run continues where the last one stopped.
    """
    from indexer.build import build_index
    from indexer.engines import open_engine
    from indexer.extract.analyze import Settings

    # --cluster, or $FACETWIRE_DASK_SCHEDULER unless this command line asks for --workers.
    ctx = click.get_current_context()
    if cluster and ctx.get_parameter_source("workers") == click.core.ParameterSource.COMMANDLINE:
        if ctx.get_parameter_source("cluster") != click.core.ParameterSource.ENVIRONMENT:
            raise click.UsageError("--workers and --cluster exclude each other: NER runs in one place")
        cluster = None
    settings = Settings(aliases_file=aliases_file, topics_file=topics_file)
    store = open_engine(engine_config(index_dir, engine, engine_url))
    tty = sys.stderr.isatty() and not quiet
    progress = Progress(paths, tty, quiet, where=f"NER on {cluster}" if cluster else "")
    # kill/SIGTERM behaves like Ctrl-C: the open batch is cancelled, committed ones stay.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        report = run(lambda: build_index(
            paths, rebuild=rebuild, workers=workers, prune=prune, settings=settings,
            commit_every=commit_every, optimize=optimize, cluster=cluster, batch=batch_size, engine=store,
            resolve=resolve, dedupe=dedupe, on_problem=lambda p: click.echo(terminal_safe(str(p)), err=True), on_progress=progress.update))
    except KeyboardInterrupt:
        progress.done()
        click.echo(f"interrupted: what was committed is kept in {store.describe()}; run the same command "
                   "again to continue", err=True)
        sys.exit(130)
    finally:
        store.close()
    progress.done()
    click.echo(report.summary())
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    if report.read == 0:
        click.echo("error: no articles could be read from the given paths", err=True)
        sys.exit(1)
    if report.source_errors:
        click.echo(f"error: {len(report.source_errors)} source(s) could not be read in full (see above)", err=True)
        sys.exit(1)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class Progress:
    """A progress line with rate and ETA on a terminal; a plain line every 10 s otherwise.

    Shown from the start: the total is counted in the background while indexing begins, and a
    ticker redraws the line every TICK seconds even while the first batch is still in NER. The
    bar counts articles finished (written or found unchanged), not read: reading runs ahead of
    NER. The rate is that of the last RATE_WINDOW seconds, so that it shows what the NER
    processes (or the cluster, as its workers come and go) do now.
    """

    RATE_WINDOW = 30.0
    TICK = 0.5

    def __init__(self, paths, tty, quiet, where=""):
        self.tty, self.quiet, self.where = tty, quiet, where
        self.total = None
        self.start = self.last = time.monotonic()
        self.samples = [(self.start, 0)]  # (time, articles finished), the last RATE_WINDOW s
        self.shown = False
        self.report = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        if tty and not quiet:
            threading.Thread(target=self._count, args=(paths,), daemon=True).start()
            threading.Thread(target=self._tick, daemon=True).start()
            self.draw()

    def _count(self, paths):
        from indexer.articles import read_sources

        self.total = sum(1 for _ in read_sources(paths, lambda p: None))

    def _tick(self):
        while not self._stop.wait(self.TICK):
            self.draw()

    def rate(self, now, done):
        """Articles finished per second over the last RATE_WINDOW seconds."""
        self.samples.append((now, done))
        while len(self.samples) > 2 and now - self.samples[1][0] > self.RATE_WINDOW:
            del self.samples[0]
        then, before = self.samples[0]
        return (done - before) / max(now - then, 1e-9)

    def update(self, report):
        self.report = report
        now = time.monotonic()
        if self.quiet or now - self.last < (0.2 if self.tty else 10):
            return
        self.last = now
        self.draw()

    def draw(self):
        with self._lock:
            if self._stop.is_set():
                return
            report, now = self.report, time.monotonic()
            done = (report.added + report.updated + report.unchanged) if report else 0
            rate = self.rate(now, done)
            where = f" ({self.where})" if self.where else ""
            if not self.tty:
                if report:
                    click.echo(f"{report.read} articles read, {report.added + report.updated} indexed "
                               f"({rate:.1f}/s){where}", err=True)
                return
            total = self.total
            frac = min(1.0, done / total) if total else 0
            eta = (total - done) / rate if rate and total else None
            bar = "#" * int(frac * 30)
            counted = f"{done}/{total}" if total is not None else f"{done}/counting…"
            eta_text = f"ETA {int(eta) // 60}:{int(eta) % 60:02d}" if eta is not None else "ETA –:––"
            state = "" if report else " starting (loading the model)"
            sys.stderr.write(f"\r[{bar:<30}] {counted} articles {rate:6.1f}/s {eta_text}{where}{state} ")
            sys.stderr.flush()
            self.shown = True

    def done(self):
        if self.shown:
            self.draw()   # the last state
        with self._lock:
            self._stop.set()
            if self.shown:
                sys.stderr.write("\n")


def filter_options(fn):
    """Add --NAME and --not-NAME for every facet of the registry, and --from/--to/--sort."""
    from indexer.facets import FACETS
    from indexer.search.request import SORTS

    options = [click.option("--from", "date_from", metavar="YYYY[-MM[-DD]]", help="Only articles dated from then."),
               click.option("--to", "date_to", metavar="YYYY[-MM[-DD]]", help="Only articles dated until then."),
               click.option("--sort", type=click.Choice(SORTS), help="Order (default: relevance with a query, "
                            "newest without).")]
    for facet in FACETS:
        options.append(click.option(f"--{facet.name}", facet.name, multiple=True, help=facet.help))
        options.append(click.option(f"--not-{facet.name}", facet.exclude_param, multiple=True,
                                    help=f"Leave out articles with this {facet.name} (repeatable)."))
    for option in reversed(options):
        fn = option(fn)
    return fn


def request_from_options(query, options):
    """Return the SearchRequest of CLI options, parsed as the API parses its URL arguments."""
    from indexer.search.request import SearchRequest

    args = {"q": [query]} if query else {}
    for key, value in options.items():
        name = {"date_from": "from", "date_to": "to"}.get(key, key)
        values = [value] if isinstance(value, str) else list(value or ())
        if values:
            args[name] = values
    request = SearchRequest.from_args(args)
    for warning in request.warnings:
        click.echo(f"warning: {warning}", err=True)
    return request


@cli.command()
@click.argument("query", required=False, default="")
@index_dir_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--text", type=click.Choice(["body", "snippet"]),
              help="Add a column with the article's body, or a snippet around the query's words.")
@click.option("--bom", is_flag=True, help="CSV: start with a UTF-8 byte-order mark, for Excel.")
@click.option("--dedupe", is_flag=True, help="Each group of near-duplicates (a story republished with small "
              "edits) once: its best-ranked article.")
@click.option("--dup", metavar="GROUP", default="", help="Only the articles of this near-duplicate group.")
@filter_options
@engine_options
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              help="File to write (default: standard output).")
def export(query, index_dir, fmt, text, bom, output, engine, engine_url, dedupe=False, **filters):
    """Export matching articles (all by default) with their facets, streamed.

    The filters are the explorer's and the API's: OR within a facet, AND across facets.
    """
    from indexer.engines import open_engine
    from indexer.export import iter_records, write_csv, write_jsonl

    if bom and fmt != "csv":
        raise click.UsageError("--bom is for --format csv: a byte-order mark would break JSON lines")
    request = request_from_options(query, filters)
    request.dedupe = dedupe or None
    config = engine_config(index_dir, engine, engine_url)

    def go():
        store = open_engine(config)
        try:
            with store.reader(batch=True) as reader:
                records = iter_records(reader, request, text=text)
                if fmt == "csv":
                    write_csv(records, output, text=text, bom=bom)
                else:
                    write_jsonl(records, output)
                output.flush()
        finally:
            store.close()

    try:
        run(go)
    except BrokenPipeError:
        # `export | head`: the reader has what it wanted; stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@cli.command()
@index_dir_option
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000), help="Values per facet.")
@engine_options
def stats(index_dir, top, engine, engine_url):
    """Show the article count, index size and top values per facet."""
    from indexer.engines import open_engine
    from indexer.stats import index_stats

    config = engine_config(index_dir, engine, engine_url)

    def go():
        store = open_engine(config)
        try:
            return index_stats(store, top), store.curation()
        finally:
            store.close()

    info, curation = run(go)
    click.echo(f"index:    {terminal_safe(info.location)}")
    click.echo(f"articles: {info.articles}")
    click.echo(f"size:     {info.size_bytes / 1e6:.1f} MB")
    if info.dates:
        click.echo(f"dates:    {info.dates[0]} .. {info.dates[1]}")
    for facet, values in info.facets.items():
        click.echo(f"\n{facet} ({info.distinct[facet]} distinct)")
        for value, count in values:
            click.echo(f"  {count:6d}  {terminal_safe(value)}")
    from indexer.resolve import BY

    active = curation.active()
    click.echo(f"\ncuration ({curation.version} changes, {len(active)} in effect; `curate list` shows the log)")
    for change in active:   # the index-wide resolution's merges say so: any of them can be undone
        made_by = "  (index-wide resolution)" if change.by == BY else ""
        click.echo(f"  {change.n:4d}  {terminal_safe(change.describe())}{made_by}")


# --- curate: the index's curation (docs/ALIASES.md) -----------------------------------------
def curate_options(fn):
    """Add --index-dir, the engine options and --by to a curate command."""
    fn = click.option("--by", default=lambda: os.environ.get("USER") or "cli", show_default="$USER",
                      help="Name recorded with the change.")(fn)
    return index_dir_option(engine_options(fn))


@cli.group()
def curate():
    """Fix entities in the index: merge, hide, move, not an entity, undo; export or import as TOML.

    A change is stored with the index and rewrites the stored values of the articles it touches
    (no NER); it is kept across index, --rebuild and --prune.
    """


def _curating(index_dir, engine, engine_url, fn):
    """Open the engine, call fn(engine), close it; library errors become one error line."""
    from indexer.engines import open_engine

    config = engine_config(index_dir, engine, engine_url)

    def go():
        store = open_engine(config)
        try:
            return fn(store)
        finally:
            store.close()
    return run(go)


def _changed(result):
    click.echo(f"change {result.change.n}: {terminal_safe(result.change.describe())}; "
               f"{result.rewritten} article(s) rewritten")
    if result.pending:
        click.echo(f"note: {result.pending}", err=True)


def _curate_command(op, *params):
    """Make `curate OP` from its click arguments, all of which go to indexer.curate.change()."""
    def command(index_dir, engine, engine_url, by, **args):
        from indexer import curate as library

        _changed(_curating(index_dir, engine, engine_url,
                           lambda store: library.change(store, op, by=by, **args)))
    for param in reversed(params):
        command = param(command)
    return command


curate.command("merge", help="Count VALUE of FACET as INTO (\"Zelenskyy\" into \"Volodymyr Zelensky\").")(
    curate_options(_curate_command("merge", click.argument("facet"), click.argument("value"),
                                   click.argument("target", metavar="INTO"))))
curate.command("hide", help="Never show VALUE of FACET.")(
    curate_options(_curate_command("hide", click.argument("facet"), click.argument("value"))))
curate.command("move", help="Move VALUE from FACET to the facet TO (person <-> org).")(
    curate_options(_curate_command("move", click.argument("facet"), click.argument("value"),
                                   click.argument("target", metavar="TO"))))
curate.command("not-entity", help="VALUE is no entity: drop it from person, country and org.")(
    curate_options(_curate_command("not-entity", click.argument("value"))))
curate.command("undo", help="Undo change N (see `curate list`); undoing an undo applies its change again.")(
    curate_options(_curate_command("undo", click.argument("undo", metavar="N", type=int))))


@curate.command("list")
@curate_options
def curate_list(index_dir, engine, engine_url, by):
    """Show the log: every change with when, by whom, and whether it is undone."""
    curation = _curating(index_dir, engine, engine_url, lambda store: store.curation())
    if not curation:
        click.echo("no curation yet")
    for c in curation.changes:
        state = " (undone)" if c.n in curation.undone else ""
        click.echo(f"{c.n:4d}  {c.at}  {terminal_safe(c.by or '-'):12s}  {terminal_safe(c.describe())}{state}")


@curate.command("export")
@curate_options
@click.option("--plain", is_flag=True, help="Only what an aliases file can say (index --aliases reads it); "
                                            "moves and not-entity marks are left out and named.")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              help="File to write (default: standard output).")
def curate_export(index_dir, engine, engine_url, by, plain, output):
    """Write the changes in effect as an aliases TOML file (docs/ALIASES.md)."""
    from indexer.curation_toml import to_toml

    curation = _curating(index_dir, engine, engine_url, lambda store: store.curation())
    text, left_out = to_toml(curation, plain=plain)
    output.write(text)
    for what in left_out:
        click.echo(f"note: left out (no aliases-file form): {terminal_safe(what)}", err=True)


@curate.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@curate_options
def curate_import(path, index_dir, engine, engine_url, by):
    """Add the merges, hides, moves and not-entity marks of an aliases TOML file to the curation."""
    from indexer import curate as library
    from indexer.curation_toml import import_toml

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        click.echo(f"error: {path}: cannot read it as UTF-8 text ({err})", err=True)
        sys.exit(1)
    added = {}

    def add(curation):
        new, added["n"] = import_toml(curation, text, path, by=by)
        return new

    result = _curating(index_dir, engine, engine_url, lambda store: library.replace_all(store, add, by=by))
    click.echo(f"{added.get('n', 0)} change(s) added from {terminal_safe(path)}; "
               f"{result.rewritten} article(s) rewritten")
    if result.pending:
        click.echo(f"note: {result.pending}", err=True)


@cli.command()
@index_dir_option
@click.option("--min-age", default=0.0, show_default=True, type=click.FloatRange(0),
              help="Keep what was replaced less than this many seconds ago.")
@engine_options
def gc(index_dir, min_age, engine, engine_url):
    """Remove replaced copies of the index that no running server reads any more."""
    from indexer.engines import open_engine

    store = open_engine(engine_config(index_dir, engine, engine_url))
    try:
        removed = run(lambda: store.collect(min_age))
    finally:
        store.close()
    click.echo(f"removed {len(removed)}: {', '.join(removed)}" if removed else "nothing to remove")


LOOPBACK = ("127.0.0.1", "localhost", "::1")


@cli.command()
@index_dir_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback exposes the archive to the network.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@click.option("--allow-host", "allowed", multiple=True, metavar="NAME", envvar="FACETWIRE_ALLOWED_HOSTS",
              show_envvar=True, help="Also answer requests for this host name (repeatable; loopback names "
                                     "always; '*' for any: not behind a proxy that checks it).")
@click.option("--access-token-file", type=click.File("r", encoding="utf-8"),
              help="Require the token in this file on every request (also FACETWIRE_ACCESS_TOKEN).")
@click.option("--curation", "curation_on", is_flag=True,
              help="Let the explorer change the curation (merge, hide, move, not an entity, undo).")
@click.option("--curation-token", "curation_token_file", type=click.File("r", encoding="utf-8"),
              help="With --curation: every change needs a token of this file, lines NAME TOKEN "
                   "(also FACETWIRE_CURATION_TOKEN); the name is logged with the change.")
@engine_options
def serve(index_dir, host, port, threads, allowed, access_token_file, curation_on, curation_token_file,
          engine, engine_url):
    """Serve the explorer with a production WSGI server (waitress)."""
    from indexer.engines import open_engine
    from web import create_app
    from web.curation import read_curation_tokens
    from web.serve import serve as serve_app

    config = engine_config(str(Path(index_dir).resolve()), engine, engine_url)
    checked = open_engine(config)
    run(checked.check)
    checked.close()
    token = (access_token_file.read().strip() if access_token_file else os.environ.get("FACETWIRE_ACCESS_TOKEN", ""))
    hosts = list(LOOPBACK) + [h.strip().lower() for value in allowed for h in value.split(",") if h.strip()]
    if host not in LOOPBACK:
        click.echo(f"warning: --host {host} listens beyond this machine: anyone who can reach port {port} "
                   f"can {'try to ' if token else ''}read the archive"
                   + ("" if token else " (set FACETWIRE_ACCESS_TOKEN or --access-token-file to require a token)")
                   + ("" if allowed else "; requests are answered only for the host names given with --allow-host"),
                   err=True)
    curation_tokens = run(lambda: read_curation_tokens(
        curation_token_file.read() if curation_token_file else os.environ.get("FACETWIRE_CURATION_TOKEN", ""),
        curation_token_file.name if curation_token_file else "FACETWIRE_CURATION_TOKEN"))
    if curation_tokens and not curation_on:
        raise click.UsageError("--curation-token (or FACETWIRE_CURATION_TOKEN) needs --curation")
    if curation_on and host not in LOOPBACK and not curation_tokens:
        click.echo("warning: --curation without --curation-token on a public address: anyone who can "
                   "reach it can change the curation", err=True)
    app = create_app({"ENGINE_CONFIG": config, "ALLOWED_HOSTS": hosts, "ACCESS_TOKEN": token or None,
                      "CURATION": curation_on, "CURATION_TOKENS": curation_tokens})
    click.echo(f"Facetwire explorer on http://{host}:{port}/  (index: {checked.describe()}; Ctrl-C to stop)")
    try:
        serve_app(app, host=host, port=port, threads=threads)
    except OSError as err:
        click.echo(f"error: cannot serve on {host}:{port}: {err.strerror or err}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    cli()
