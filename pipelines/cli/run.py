"""`dermevidence run`: the flow with a progress bar, its summary table and its exit code, and
the background server a first run starts for every later one."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from pipelines.cli.common import (
    Exit,
    OfflineOption,
    SourcesOption,
    StrictOption,
    WarehouseOption,
    app,
    console,
    errors,
    fail,
    flag,
)
from pipelines.runtime import failpoints, prefect_env

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pipelines.store.layout import Layout
    from pipelines.store.report import RunSummary


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
        flag("--verbose", "-v", help="Prefect's log in full instead of the stage lines alone."),
    ] = False,
    quiet: Annotated[
        bool,
        flag("--quiet", "-q", help="No stage lines: only problems and the result line."),
    ] = False,
    allow_shrink: Annotated[
        bool,
        flag(
            "--allow-shrink",
            help="Publish even when a source would lose rows the live release has because of an error.",
        ),
    ] = False,
    no_server: Annotated[
        bool,
        flag(
            "--no-server",
            help="Start no background server: without a running one, this run alone gets a temporary server (15-30 s).",
        ),
    ] = False,
) -> None:
    """Build the warehouse and publish a release from the registered sources.

    Batches are parsed in processes on the local cores, or on Dask with --workers/--dask-address."""
    from pipelines.pull.sources import ConfigError, load_registry
    from pipelines.store.layout import Layout, WarehouseLocked

    try:  # the registry before anything starts: a typo is refused in a fraction of a second
        load_registry(sources.resolve())
    except ConfigError as exc:
        fail(Exit.CONFIG, str(exc))
    # The lock first, before Prefect starts: a second run is refused from the first instant,
    # and this one holds the warehouse until it exits (the flow finds the lock already held).
    held = contextlib.ExitStack()
    layout = Layout(warehouse.resolve())
    with _disk_refusals(layout, tidy=False):
        try:
            held.enter_context(layout.lock())
        except WarehouseLocked as exc:
            fail(Exit.LOCKED, str(exc))
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
        "allow_shrink": allow_shrink,
    }
    with held, prefect_env.client_of(), _disk_refusals(layout, tidy=True):
        _run(parameters, workers, dask_address, verbose, quiet, no_server)


@contextlib.contextmanager
def _disk_refusals(layout: Layout, *, tidy: bool) -> Iterator[None]:
    """A full disk or a folder that may not be written ends the run in one line, its half
    written files removed when it holds the lock (`tidy`); the live warehouse and release are
    untouched: they are swapped in whole or not at all."""
    from pipelines.runtime.disk import explain, refusal

    try:
        yield
    except Exception as exc:
        if isinstance(exc, typer.Exit) or (found := refusal(exc)) is None:
            raise
        if tidy:
            with contextlib.suppress(OSError):
                layout.remove_leftovers()
        fail(Exit.ERROR, explain(found, layout.root))


def _run(
    parameters: dict[str, object],
    workers: int | None,
    dask_address: str | None,
    verbose: bool,
    quiet: bool,
    no_server: bool,
) -> None:
    if verbose and quiet:
        fail(Exit.USAGE, "--verbose and --quiet exclude each other")
    if workers is not None and dask_address:
        fail(
            Exit.USAGE,
            "--workers and --dask-address exclude each other: the cluster at --dask-address has "
            "its own workers",
        )
    if dask_address:
        from pipelines.batches import code_version
        from pipelines.runtime.cluster import ClusterError, check_cluster

        try:
            check_cluster(dask_address, code_version, _dask_timeout())
        except ClusterError as exc:
            fail(Exit.CLUSTER, str(exc))
    api_url = prefect_env.configure(console_level="INFO" if verbose else None)
    if api_url is None and not no_server:
        api_url = _start_background_server(quiet)
    from prefect import tags

    from pipelines.flows import (
        NoSources,
        build_warehouse,
        task_runner,
        warehouse_key,
        without_heartbeats,
    )
    from pipelines.pull.sources import ConfigError
    from pipelines.runtime import progress
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
        warehouse = Path(str(parameters["warehouse"])).resolve()
        registry = Path(str(parameters["sources"])).resolve()
        marks = (f"warehouse:{warehouse_key(warehouse)}", f"registry:{registry}")
        with bar, tags("dermevidence", *marks), without_heartbeats():
            flow = build_warehouse.with_options(task_runner=task_runner(workers, dask_address))
            summary = flow(**parameters)
    except ConfigError as exc:
        fail(Exit.CONFIG, str(exc))
    except NoSources as exc:
        fail(Exit.NO_SOURCES, str(exc))
    except WarehouseLocked as exc:
        fail(Exit.LOCKED, str(exc))
    finally:
        if own_lines:
            progress.unsubscribe(show)
    _print_summary(summary, quiet)
    code = {
        "success": Exit.OK,
        "success_with_issues": Exit.ISSUES,
        "failed_strict": Exit.STRICT_FAILED,
        "blocked": Exit.SHRINK,
    }[summary.status]
    raise typer.Exit(int(code))


def _dask_timeout() -> float:
    """Seconds to wait for the Dask scheduler to connect (DERMEVIDENCE_DASK_TIMEOUT, default 10;
    the whole check has three times that)."""
    text = os.environ.get("DERMEVIDENCE_DASK_TIMEOUT", "10")
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        fail(
            Exit.USAGE,
            f"DERMEVIDENCE_DASK_TIMEOUT must be a number of seconds above 0, not {text!r}",
        )
    return seconds


def _start_background_server(quiet: bool) -> str | None:
    """The local server every later run reuses; if it cannot start, a temporary one (None)."""
    try:
        idle = prefect_env.idle_minutes_default()
        url = prefect_env.start_server(port=None, idle_minutes=idle, moved=errors.print)
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
