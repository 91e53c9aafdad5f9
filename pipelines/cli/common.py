"""The one `dermevidence` app, its exit codes, the options several commands share, and how a
command fails: one line on stderr and a documented exit code, never a traceback."""

from __future__ import annotations

import contextlib
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from collections.abc import Iterator

    import duckdb

app = typer.Typer(
    help="Evidence warehouse for topical treatments of inflammatory skin diseases.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


def _console(*, stderr: bool) -> Console:
    """Text as it is: no emoji codes (`:x:` in a file name stays `:x:`), no highlighting; not
    wrapped when the output is not a terminal (a pipe or a file gets whole lines)."""
    terminal = Console(stderr=stderr).is_terminal
    return Console(
        stderr=stderr,
        emoji=False,
        highlight=False,
        soft_wrap=not terminal,
        width=None if terminal else UNWRAPPED,
    )


# Columns of a console that is not a terminal: wide enough that no line is ever wrapped.
UNWRAPPED = 100_000
console = _console(stderr=False)
errors = _console(stderr=True)


def _version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        from schemas import SCHEMA_VERSION

        console.print(
            f"dermevidence {version('dermevidence')} (schema {SCHEMA_VERSION})",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(0)


@app.callback()
def _options(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Evidence warehouse for topical treatments of inflammatory skin diseases."""


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
    SHRINK = 9


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


@contextlib.contextmanager
def read_only(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse's DuckDB file opened read-only and sandboxed by the engine: no file but the
    database itself, no network, no extension installed or loaded, and the configuration locked,
    so no SQL can write anything or reach beyond the warehouse. The CONFIG exit when there is
    no warehouse."""
    import duckdb

    database = warehouse / "evidence.duckdb"
    if not database.exists():
        fail(Exit.CONFIG, f"{database} does not exist yet; run `dermevidence run` first")
    con = duckdb.connect(str(database), read_only=True, config=SANDBOX)
    con.execute(SESSION)
    try:
        yield con
    finally:
        con.close()


# The engine's own limits on what a read-only session may touch (read_only).
SANDBOX = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
}
# Then, in the session: no progress bar (DuckDB draws one on stdout for a query over 2 s, into
# the middle of a CSV), and the configuration locked, so no SQL can undo any of it.
SESSION = "SET enable_progress_bar = false; SET lock_configuration = true"


def fail(code: Exit, message: str) -> None:
    errors.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(int(code))
