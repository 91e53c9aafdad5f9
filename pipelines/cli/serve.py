"""`dermevidence serve` (the flow as a Prefect deployment on a schedule) and `dermevidence server`
(the persistent local Prefect server every run and serve uses)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
)
from pipelines.runtime import prefect_env

server_app = typer.Typer(
    help="A persistent local Prefect server that makes every run start fast.", no_args_is_help=True
)
app.add_typer(server_app, name="server")


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
        fail(Exit.USAGE, f"--cron {cron!r} is not a cron expression like '0 6 * * *'")
    if api_url is None:
        fail(
            Exit.CONFIG,
            "serve needs a Prefect server to keep the schedule: run `dermevidence server start`, or set PREFECT_API_URL to your Prefect server or Prefect Cloud workspace",
        )
    from pipelines.flows import build_warehouse, warehouse_key

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
    build_warehouse.serve(
        name=name,
        cron=cron,
        parameters=parameters,
        description=(
            f"Build the evidence warehouse {parameters['warehouse']} from the sources registered "
            f"in {parameters['sources']} and publish a release (dermevidence run, on a schedule)."
        ),
        tags=["dermevidence", f"warehouse:{warehouse_key(warehouse.resolve())}"],
    )


@server_app.command("start")
def server_start(
    port: Annotated[
        int | None,
        typer.Option(min=1, max=65535, help="Port on 127.0.0.1 (default 4242, else a free one)."),
    ] = None,
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
        url = prefect_env.start_server(port=port, idle_minutes=idle, moved=errors.print)
    except RuntimeError as exc:
        fail(Exit.ERROR, str(exc))
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
