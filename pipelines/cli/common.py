"""The one `dermevidence` app, its exit codes, the options several commands share, and how a
command fails: one line on stderr and a documented exit code, never a traceback."""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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


# Control characters a file name, a title or a cell may carry: shown as \xNN, never obeyed by
# the terminal (an escape sequence could recolour, retitle or rewrite what the screen shows).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text for a terminal: every control character but newline and tab as \\xNN."""
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


class _Console(Console):
    """A console that prints text of ours and of the data alike as text (printable)."""

    def print(self, *objects: object, **options: Any) -> None:
        super().print(*(printable(o) if isinstance(o, str) else o for o in objects), **options)


def _console(*, stderr: bool) -> Console:
    """Text as it is: no emoji codes (`:x:` in a file name stays `:x:`), no highlighting, no
    control character obeyed; not wrapped when the output is not a terminal (a pipe or a file
    gets whole lines)."""
    terminal = Console(stderr=stderr).is_terminal
    return _Console(
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
        False,
        "--version",
        callback=_version,
        is_eager=True,
        metavar="",
        help="Print the version and exit.",
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
    INTERRUPTED = 130


SourcesOption = Annotated[Path, typer.Option("--sources", help="Sources registry (TOML).")]
WarehouseOption = Annotated[Path, typer.Option("--warehouse", help="Warehouse folder.")]
FormatOption = Annotated[str, typer.Option("--format", help="table, csv or json.")]


def flag(*names: str, help: str) -> Any:
    """An option that is present or absent, shown in help without a value (typer would show
    `<bool>`, which reads as though it took one)."""
    return typer.Option(*names, metavar="", help=help)


StrictOption = Annotated[
    bool,
    flag(
        "--strict",
        help="Fail and publish nothing if any row is quarantined, any source fails or any check fails.",
    ),
]
OfflineOption = Annotated[
    bool,
    flag(
        "--offline",
        help="Fetch nothing: serve URL sources from the landing cache and report those it lacks.",
    ),
]


@contextlib.contextmanager
def read_only(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse's DuckDB file opened read-only and sandboxed by the engine: no file but the
    database itself, no network, no extension installed or loaded, and the configuration locked,
    so no SQL can write anything or reach beyond the warehouse. What a large query spills goes
    to a folder of its own outside the warehouse (not `evidence.duckdb.tmp`, which a link could
    send anywhere), bounded, and removed when the session ends. The CONFIG exit when there is no
    warehouse or the file is not one."""
    import duckdb

    database = warehouse / "evidence.duckdb"
    if not database.is_file():
        fail(Exit.CONFIG, f"{database} does not exist yet; run `dermevidence run` first")
    spill = Path(tempfile.mkdtemp(prefix="dermevidence-query-"))
    try:
        try:
            con = duckdb.connect(str(database), read_only=True, config=_sandbox(spill))
            con.execute(SESSION)
            con.sql("SELECT count(*) FROM meta.runs").fetchall()
        except duckdb.Error as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            fail(
                Exit.CONFIG,
                f"{database} cannot be read as a warehouse ({first}); `dermevidence run` "
                "rebuilds it",
            )
        try:
            yield con
        finally:
            with contextlib.suppress(duckdb.Error):  # busy still after an interrupted query
                con.close()
    finally:
        shutil.rmtree(spill, ignore_errors=True)


def _sandbox(spill: Path) -> dict[str, object]:
    """SANDBOX, spilling into `spill` up to a quarter of the free space there (at most 8 GiB)."""
    free = shutil.disk_usage(spill).free
    limit = max(min(free // 4, MAX_SPILL), 1 << 20)
    return {**SANDBOX, "temp_directory": str(spill), "max_temp_directory_size": f"{limit}B"}


# The most a query may spill to disk, whatever the free space.
MAX_SPILL = 8 << 30
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


def main() -> None:
    """The `dermevidence` entry point: the app, with a usage error (an unknown option, a value out
    of range, a missing argument) said in one line and exit 2, as `fail` says every other error."""
    # typer vendors click: its exceptions, not the click package's, are the ones raised.
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

    try:
        code = app(standalone_mode=False)
    except NoArgsIsHelpError as exc:  # `dermevidence` alone: the help is the answer
        exc.ctx and typer.echo(exc.ctx.get_help())
        raise SystemExit(int(Exit.USAGE)) from None
    except UsageError as exc:
        command = exc.ctx.command_path if exc.ctx is not None else "dermevidence"
        errors.print(
            f"error: {exc.format_message()} (`{command} --help` lists the options)",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        raise SystemExit(int(Exit.USAGE)) from None
    except ClickException as exc:
        errors.print(f"error: {exc.format_message()}", markup=False, highlight=False)
        raise SystemExit(exc.exit_code) from None
    except typer.Abort:
        raise SystemExit(int(Exit.INTERRUPTED)) from None
    raise SystemExit(code if isinstance(code, int) else 0)


def fail(code: Exit, message: str) -> None:
    errors.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(int(code))
