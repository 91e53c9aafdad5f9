"""The `dermevidence` command: run the flow, validate files, query the warehouse, manage a local Prefect server."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sys
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from pipelines import failpoints, prefect_env

if TYPE_CHECKING:
    from collections.abc import Iterator

    import duckdb

    from pipelines.store.report import RunSummary


app = typer.Typer(
    help="Evidence warehouse for topical treatments of inflammatory skin diseases.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
server_app = typer.Typer(
    help="A persistent local Prefect server that makes every run start fast.", no_args_is_help=True
)
app.add_typer(server_app, name="server")
vocab_app = typer.Typer(help="Work with the vocabularies under raw/vocab/.", no_args_is_help=True)
app.add_typer(vocab_app, name="vocab")
console = Console()
errors = Console(stderr=True)


class Exit(IntEnum):
    """Exit codes of `dermevidence`; documented in the README."""

    OK = 0
    ERROR = 1
    USAGE = 2
    ISSUES = 3
    STRICT_FAILED = 4
    CONFIG = 5
    NO_SOURCES = 6
    LOCKED = 7
    CLUSTER = 8


SourcesOption = Annotated[Path, typer.Option("--sources", help="Sources registry (TOML).")]
WarehouseOption = Annotated[Path, typer.Option("--warehouse", help="Warehouse folder.")]
FormatOption = Annotated[str, typer.Option("--format", help="table, csv or json.")]
StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Fail and publish nothing if any row is quarantined, any source fails or any check fails.",
    ),
]
OfflineOption = Annotated[
    bool,
    typer.Option(
        "--offline",
        help="Fetch nothing: serve URL sources from the landing cache and report those it lacks.",
    ),
]


@app.command()
def run(
    sources: SourcesOption = Path("raw/sources.toml"),
    warehouse: WarehouseOption = Path("warehouse"),
    strict: StrictOption = False,
    offline: OfflineOption = False,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Documents per parse task.")
    ] = 200,
    keep_releases: Annotated[
        int, typer.Option("--keep-releases", min=1, help="Releases kept under warehouse/releases.")
    ] = 5,
    keep_reports: Annotated[
        int | None,
        typer.Option(
            "--keep-reports",
            min=1,
            help="Keep the reports (and meta.runs rows) of the newest N runs, this one included. Default: all.",
        ),
    ] = None,
    keep_reports_days: Annotated[
        float | None,
        typer.Option(
            "--keep-reports-days",
            min=0,
            help="Keep the reports (and meta.runs rows) of runs started in the last D days. Default: all.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=1, help="Parse on a local Dask cluster of N worker processes."
        ),
    ] = None,
    dask_address: Annotated[
        str | None,
        typer.Option("--dask-address", help="Parse on an existing Dask cluster (tcp://host:8786)."),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="Prefect's log in full instead of the stage lines alone."
        ),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="No stage lines: only problems and the result line."),
    ] = False,
    no_server: Annotated[
        bool,
        typer.Option(
            "--no-server",
            help="Start no background server: without a running one, this run alone gets a temporary server (15-30 s).",
        ),
    ] = False,
) -> None:
    """Build the warehouse and publish a release from the registered sources.

    Batches are parsed in processes on the local cores, or on Dask with --workers/--dask-address."""
    from pipelines.store.layout import Layout, WarehouseLocked

    # The lock first, before Prefect starts: a second run is refused from the first instant,
    # and this one holds the warehouse until it exits (the flow finds the lock already held).
    held = contextlib.ExitStack()
    try:
        held.enter_context(Layout(warehouse.resolve()).lock())
    except WarehouseLocked as exc:
        _fail(Exit.LOCKED, str(exc))
    failpoints.reached("locked")
    parameters = {
        "sources": str(sources),
        "warehouse": str(warehouse),
        "strict": strict,
        "batch_size": batch_size,
        "keep_releases": keep_releases,
        "offline": offline,
        "keep_reports": keep_reports,
        "keep_reports_days": keep_reports_days,
    }
    with held, prefect_env.client_of():
        _run(parameters, workers, dask_address, verbose, quiet, no_server)


def _run(
    parameters: dict[str, object],
    workers: int | None,
    dask_address: str | None,
    verbose: bool,
    quiet: bool,
    no_server: bool,
) -> None:
    if verbose and quiet:
        _fail(Exit.USAGE, "--verbose and --quiet exclude each other")
    if dask_address:
        from pipelines.cluster import ClusterError, check_cluster

        try:
            check_cluster(dask_address)
        except ClusterError as exc:
            _fail(Exit.CLUSTER, str(exc))
    api_url = prefect_env.configure(console_level="INFO" if verbose else None)
    if api_url is None and not no_server:
        api_url = _start_background_server(quiet)
    from pipelines import progress
    from pipelines.flows import NoSources, build_warehouse, task_runner
    from pipelines.pull.sources import ConfigError
    from pipelines.store.layout import WarehouseLocked

    if api_url is None and not quiet:
        errors.print(
            "[dim]No Prefect server running: starting a temporary one for this run (about 15-30 s).[/dim]"
        )
    bar = Progress(
        TextColumn("{task.description:<13}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
        disable=quiet or verbose,
    )
    own_lines = not (quiet or verbose)  # --verbose: Prefect's log carries the stage lines
    batches: dict[str, TaskID] = {}

    def show(event: progress.Event) -> None:
        """One line per finished stage; a bar while a stage counts batches."""
        if event.seconds is not None:
            if event.stage in batches:
                bar.remove_task(batches.pop(event.stage))
            line = f"{event.stage:<13}{event.seconds:>8.2f} s  {event.detail}"
            bar.console.print(line.rstrip(), markup=False, highlight=False, soft_wrap=True)
        elif event.total > 1:
            if event.stage not in batches:
                batches[event.stage] = bar.add_task(event.stage, total=event.total)
            bar.update(batches[event.stage], completed=event.done)

    if own_lines:
        progress.subscribe(show)
    try:
        with bar:
            flow = build_warehouse.with_options(task_runner=task_runner(workers, dask_address))
            summary = flow(**parameters)
    except ConfigError as exc:
        _fail(Exit.CONFIG, str(exc))
    except NoSources as exc:
        _fail(Exit.NO_SOURCES, str(exc))
    except WarehouseLocked as exc:
        _fail(Exit.LOCKED, str(exc))
    finally:
        if own_lines:
            progress.unsubscribe(show)
    _print_summary(summary, quiet)
    code = {
        "success": Exit.OK,
        "success_with_issues": Exit.ISSUES,
        "failed_strict": Exit.STRICT_FAILED,
    }[summary.status]
    raise typer.Exit(int(code))


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Guide files or vocabulary CSVs to check.")],
    sources: SourcesOption = Path("raw/sources.toml"),
) -> None:
    """Parse and check files without loading them; problems print as file:line: message."""
    from pipelines.file_checker import check_files
    from pipelines.pull.sources import ConfigError

    try:
        problems = check_files(paths, sources)
    except ConfigError as exc:
        _fail(Exit.CONFIG, str(exc))
    for problem in problems:
        typer.echo(problem)
    console.print(f"{len(paths)} file(s) checked, {len(problems)} problem(s).", style="dim")
    raise typer.Exit(int(Exit.ISSUES if problems else Exit.OK))


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="SQL to run against the warehouse (read-only).")],
    warehouse: WarehouseOption = Path("warehouse"),
    output: FormatOption = "table",
) -> None:
    """Run read-only SQL against warehouse/evidence.duckdb."""
    import duckdb

    _check_format(output)
    with _read_only(warehouse) as con:
        try:
            kinds = {statement.type.name for statement in duckdb.extract_statements(sql)}
        except duckdb.Error as exc:
            _fail(Exit.ERROR, f"query failed: {exc}")
        if kinds - {"SELECT", "EXPLAIN"}:
            refused = ", ".join(sorted(kinds - {"SELECT", "EXPLAIN"}))
            _fail(
                Exit.ERROR,
                f"dermevidence query runs SELECT statements only ({refused} refused), so that neither the warehouse nor its exports can change",
            )
        try:
            result = con.sql(sql)
            columns = result.columns if result is not None else []
            rows = result.fetchall() if result is not None else None
        except duckdb.Error as exc:
            _fail(Exit.ERROR, f"query failed: {exc}")
    if rows is not None:
        _print_rows(columns, rows, output)


@contextlib.contextmanager
def _read_only(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse's DuckDB file opened read-only, or the CONFIG exit when there is none."""
    import duckdb

    database = warehouse / "evidence.duckdb"
    if not database.exists():
        _fail(Exit.CONFIG, f"{database} does not exist yet; run `dermevidence run` first")
    con = duckdb.connect(str(database), read_only=True)
    try:
        yield con
    finally:
        con.close()


def _check_format(output: str) -> None:
    if output not in ("table", "csv", "json"):
        _fail(Exit.USAGE, f"--format must be table, csv or json, not {output!r}")


def _print_rows(columns: list[str], rows: list[tuple], output: str) -> None:
    """Print a result in any of the formats; nested values (lists, structs, maps) are JSON text in
    CSV and tables, as in the CSV exports, and any other value is its text."""
    if output == "json":
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        sys.stdout.write(json.dumps(records, default=str, indent=2) + "\n")
        return
    flat = [[_cell(value) for value in row] for row in rows]
    if output == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(flat)
    else:
        table = Table(*columns)
        for row in flat:
            table.add_row(*row)
        console.print(table)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, default=str)
    return str(value)


@app.command()
def report(
    warehouse: WarehouseOption = Path("warehouse"),
    open_it: Annotated[
        bool, typer.Option("--open", help="Also open it in the default browser.")
    ] = False,
) -> None:
    """Print the path of the live release's report (report/index.html, a static page)."""
    page = (warehouse / "exports" / "report" / "index.html").resolve()
    if not page.is_file():
        _fail(Exit.CONFIG, f"{page} does not exist; run `dermevidence run` to publish a release")
    console.print(str(page), markup=False, highlight=False, soft_wrap=True)
    if open_it:
        import webbrowser

        webbrowser.open(page.as_uri())


@app.command()
def changes(
    warehouse: WarehouseOption = Path("warehouse"),
    output: FormatOption = "table",
) -> None:
    """What the live release changed since the one before: rows added, removed, fields changed."""
    _check_format(output)
    with _read_only(warehouse) as con:
        result = con.sql(
            "SELECT dataset, key, change, field, old, new, previous_release_id "
            "FROM meta.release_changes ORDER BY dataset, key, change, field"
        )
        columns, rows = result.columns, result.fetchall()
    _print_rows(columns, rows, output)


@app.command()
def history(
    warehouse: WarehouseOption = Path("warehouse"),
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many recent runs.")] = 10,
    output: FormatOption = "table",
) -> None:
    """The recent runs, newest first: status, release, time taken, quarantined rows, source errors.

    Read from warehouse/reports/, so runs that published nothing (--strict failures) are listed."""
    import polars as pl

    from pipelines.store.history import run_history
    from pipelines.store.layout import Layout

    _check_format(output)
    runs = run_history(Layout(warehouse.resolve()).reports)
    if runs.is_empty():
        _fail(Exit.CONFIG, f"{warehouse} has no runs yet; run `dermevidence run` first")
    seconds = (pl.col("finished_at") - pl.col("started_at")).dt.total_milliseconds() / 1000
    recent = (
        runs.sort("started_at", descending=True)
        .head(limit)
        .select(
            pl.col("started_at").dt.strftime("%Y-%m-%d %H:%M:%S"),
            "status",
            "release_id",
            seconds.round(1).alias("seconds"),
            "quarantined",
            "source_errors",
        )
    )
    _print_rows(recent.columns, recent.rows(), output)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def bench(context: typer.Context) -> None:
    """Run the benchmark (benchmarks/run.py); its options follow, e.g. --sizes 1000 10000."""
    from benchmarks.run import main

    raise typer.Exit(main(context.args))


@app.command()
def docs(
    output: Annotated[Path, typer.Option(help="Where to write the data dictionary.")] = Path(
        "docs/data-dictionary.md"
    ),
    verdicts: Annotated[
        Path | None,
        typer.Option(
            "--verdicts",
            help="Also write docs/verdicts.md from this warehouse folder (one built from the seed and the dev set).",
        ),
    ] = None,
) -> None:
    """Regenerate the data dictionary from schemas/ (and, with --verdicts, docs/verdicts.md)."""
    from schemas.render import data_dictionary

    output.write_text(data_dictionary(), encoding="utf-8")
    console.print(f"wrote {output}")
    if verdicts is not None:
        from pipelines.store.verdict_list import verdict_list

        with _read_only(verdicts) as con:
            text = verdict_list(con)
        target = output.parent / "verdicts.md"
        target.write_text(text, encoding="utf-8")
        console.print(f"wrote {target}")


@app.command()
def serve(
    cron: Annotated[
        str, typer.Option("--cron", help="When to run, as cron in UTC, e.g. '0 6 * * *'.")
    ],
    name: Annotated[str, typer.Option("--name", help="Deployment name.")] = "dermevidence",
    sources: SourcesOption = Path("raw/sources.toml"),
    warehouse: WarehouseOption = Path("warehouse"),
    strict: StrictOption = False,
    offline: OfflineOption = False,
) -> None:
    """Serve build_warehouse as a Prefect deployment on a cron schedule until stopped (Ctrl-C).

    Needs a Prefect server that outlives this process: `dermevidence server start`, or
    PREFECT_API_URL set to your own server or Prefect Cloud."""
    with prefect_env.client_of():
        _serve(cron, name, sources, warehouse, strict, offline)


def _serve(
    cron: str, name: str, sources: Path, warehouse: Path, strict: bool, offline: bool
) -> None:
    from pydantic import ValidationError

    api_url = prefect_env.configure(console_level="INFO")
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=cron)
    except ValidationError:
        _fail(Exit.USAGE, f"--cron {cron!r} is not a cron expression like '0 6 * * *'")
    if api_url is None:
        _fail(
            Exit.CONFIG,
            "serve needs a Prefect server to keep the schedule: run `dermevidence server start`, or set PREFECT_API_URL to your Prefect server or Prefect Cloud workspace",
        )
    from pipelines.flows import build_warehouse

    parameters = {
        "sources": str(sources.resolve()),
        "warehouse": str(warehouse.resolve()),
        "strict": strict,
        "offline": offline,
    }
    errors.print(
        f"serving deployment build_warehouse/{name} on {api_url}, schedule {cron!r} (UTC)",
        markup=False,
        highlight=False,
    )
    build_warehouse.serve(name=name, cron=cron, parameters=parameters)


@vocab_app.command("suggest")
def vocab_suggest(
    warehouse: WarehouseOption = Path("warehouse"),
    vocab: Annotated[Path, typer.Option("--vocab", help="Folder of the vocabulary CSVs.")] = Path(
        "raw/vocab"
    ),
) -> None:
    """CSV rows to add to raw/vocab/ for the terms the last run could not match."""
    from pipelines.interpret.suggestions import Unmatched, suggest

    with _read_only(warehouse) as con:
        rows = con.sql(
            """SELECT vocabulary, text, sum(occurrences)::INTEGER,
                      arg_max(runner_up, runner_up_score), max(runner_up_score)
               FROM quality.term_matches WHERE method = 'unmatched'
               GROUP BY vocabulary, text ORDER BY vocabulary, text"""
        ).fetchall()
    terms = [Unmatched(*row) for row in rows]
    if not terms:
        console.print("Every printed term of the last run matched a vocabulary entry.")
        return
    texts = {
        term.vocabulary: (vocab / f"{term.vocabulary}.csv").read_text(encoding="utf-8")
        for term in terms
        if (vocab / f"{term.vocabulary}.csv").exists()
    }
    sys.stdout.write(suggest(terms, texts))


@server_app.command("start")
def server_start(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = prefect_env.DEFAULT_PORT,
    idle_minutes: Annotated[
        float | None,
        typer.Option(
            "--idle-minutes",
            min=0,
            help="Stop after this many minutes without a run or serve (0: never). Default: DERMEVIDENCE_SERVER_IDLE_MINUTES, else 60.",
        ),
    ] = None,
) -> None:
    """Start a local Prefect server in the background; later runs use it."""
    try:
        idle = prefect_env.idle_minutes_default() if idle_minutes is None else idle_minutes
        url = prefect_env.start_server(port=port, idle_minutes=idle)
    except RuntimeError as exc:
        _fail(Exit.ERROR, str(exc))
    console.print(url, markup=False, highlight=False)


@server_app.command("stop")
def server_stop() -> None:
    """Stop the local Prefect server."""
    stopped = prefect_env.stop_server()
    console.print("stopped" if stopped else "no server was running")


@server_app.command("status")
def server_status() -> None:
    """Print the local server's API URL, or say that none is running (exit 1)."""
    url = prefect_env.running_server_url()
    if url is None:
        console.print("no local Prefect server is running")
        raise typer.Exit(int(Exit.ERROR))
    console.print(url, markup=False, highlight=False)


def _start_background_server(quiet: bool) -> str | None:
    """The local server every later run reuses; if it cannot start, a temporary one (None)."""
    try:
        idle = prefect_env.idle_minutes_default()
        url = prefect_env.start_server(port=None, idle_minutes=idle)
    except RuntimeError as exc:
        errors.print(
            f"could not start a local Prefect server: {exc}", markup=False, highlight=False
        )
        return None
    os.environ["PREFECT_API_URL"] = url
    if not quiet:
        after = (
            f"after {idle:g} min without a run" if idle else "only on `dermevidence server stop`"
        )
        errors.print(
            f"started a local Prefect server at {url} for this and later runs; it stops {after} (log: {prefect_env.SERVER_HOME / 'server.log'})",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    return url


def _print_summary(summary: RunSummary, quiet: bool) -> None:
    from pipelines.store.report import issue_lines

    if not quiet:
        table = Table(
            "dataset", "rows", title=f"run {summary.status}", caption=f"run id {summary.run_id}"
        )
        for name, count in sorted(summary.rows.items()):
            table.add_row(name, str(count))
        console.print(table)
    for line in issue_lines(summary):
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    if summary.message:
        console.print(summary.message, markup=False, highlight=False, soft_wrap=True)
    console.print(
        f"{summary.status}: release {summary.release_id or 'none'}; quarantined rows: {summary.quarantined}; source errors: {summary.source_errors}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


def _fail(code: Exit, message: str) -> None:
    errors.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(int(code))
