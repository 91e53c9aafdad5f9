"""Reading the warehouse: `query`, `report`, `changes` and `history`, each read-only, with
table, csv or json output."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from pipelines.cli.common import (
    Exit,
    FormatOption,
    WarehouseOption,
    app,
    console,
    errors,
    fail,
    flag,
    printable,
    read_only,
)
from pipelines.runtime.threads import started

# Rows shown as a table at most (a table is for a person); csv and json stream every row.
TABLE_ROWS = 10_000
_CHUNK = 10_000


@app.command(context_settings={"ignore_unknown_options": True})
def query(
    sql: Annotated[
        str | None,
        typer.Argument(
            help="SQL to run against the warehouse (read-only); may start with a comment."
        ),
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Read the SQL from this file instead.")
    ] = None,
    warehouse: WarehouseOption = Path("warehouse"),
    output: FormatOption = "table",
) -> None:
    """Run read-only SQL against warehouse/evidence.duckdb: SELECT (and EXPLAIN) only, in a
    session that can read the warehouse and nothing else (README: "dermevidence query"; examples in
    docs/queries/). `dermevidence tables` lists what there is to query."""
    _check_format(output)
    if (sql is None) == (file is None):
        fail(Exit.USAGE, "give the SQL as the argument or with --file, not both or neither")
    if file is not None:
        sql = _sql_file(file)
    assert sql is not None
    with _ctrl_c() as interrupted:
        _run_query(sql, warehouse, output, interrupted)


def _run_query(sql: str, warehouse: Path, output: str, interrupted: _Interrupt) -> None:
    import duckdb

    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        fail(Exit.ERROR, f"query failed: {exc}")
    if len(statements) > 1:
        fail(
            Exit.USAGE,
            f"{len(statements)} statements given; dermevidence query runs one at a time "
            "(run each with its own command)",
        )
    with read_only(warehouse) as con:
        kinds = {statement.type.name for statement in statements}
        analyzed = any(_explain_analyze(s.query) for s in statements)
        if kinds - {"SELECT", "EXPLAIN"} or analyzed:
            refused = ", ".join(sorted(kinds - {"SELECT", "EXPLAIN"}) or ["EXPLAIN ANALYZE"])
            fail(
                Exit.ERROR,
                f"dermevidence query runs SELECT statements only ({refused} refused), so that neither the warehouse nor its exports can change",
            )
        interrupted.engine = con
        if not interrupted.pressed.is_set():
            _in_a_thread(lambda: _stream(con.execute(sql), output), interrupted)


# The most SQL --file reads: a query, not a dump (/dev/zero would otherwise grow without end).
MAX_SQL_BYTES = 1 << 20


def _sql_file(file: Path) -> str:
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_SQL_BYTES + 1)
    except OSError as exc:
        fail(Exit.CONFIG, f"cannot read {printable(str(file))}: {exc.strerror or exc}")
    if len(data) > MAX_SQL_BYTES:
        fail(Exit.CONFIG, f"{printable(str(file))} is over {MAX_SQL_BYTES >> 20} MiB: not a query")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        fail(Exit.CONFIG, f"cannot read {printable(str(file))}: not UTF-8 ({exc.reason})")
    raise AssertionError  # fail() never returns


def _explain_analyze(statement: str) -> bool:
    """EXPLAIN ANALYZE runs the statement it explains: told by DuckDB's own tokens, comments
    left out (a pattern over the text took minutes on a long run of spaces)."""
    import duckdb

    tokens = duckdb.tokenize(statement)
    ends = [start for start, _ in tokens[1:]] + [len(statement)]
    words = [
        statement[start:end].strip().upper()
        for (start, kind), end in zip(tokens, ends, strict=True)
        if kind.name != "comment"
    ]
    return words[:1] == ["EXPLAIN"] and words[1:2] in (["ANALYZE"], ["ANALYSE"])


class _Interrupt:
    """Ctrl-C during a query: noted, and passed to the engine once a query runs."""

    def __init__(self) -> None:
        self.engine: Any = None
        self.pressed = threading.Event()

    def __call__(self, _signal: int, _frame: object) -> None:
        self.pressed.set()
        if self.engine is not None:
            self.engine.interrupt()


@contextlib.contextmanager
def _ctrl_c() -> Iterator[_Interrupt]:
    """SIGINT handled by a flag, not a KeyboardInterrupt that could land anywhere (in the middle
    of closing the session): the query stops, and the command ends in one line, exit 130."""
    interrupt = _Interrupt()
    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        yield interrupt
    finally:
        signal.signal(signal.SIGINT, previous)
    if interrupt.pressed.is_set():
        fail(Exit.INTERRUPTED, "query interrupted")


def _in_a_thread(work: Callable[[], None], interrupted: _Interrupt) -> None:
    """Run `work` (a query and its output) in a thread: Python runs a signal handler only between
    bytecodes of the main thread, which a query in the engine would hold until it ended."""
    import duckdb

    worker, outcome = started(work, "query")
    while worker.is_alive():
        worker.join(0.2)
        if interrupted.pressed.is_set():  # again: a Ctrl-C just before the query began is lost
            interrupted.engine.interrupt()
    exc = outcome[0]
    if not isinstance(exc, BaseException) or interrupted.pressed.is_set():
        return
    if isinstance(exc, duckdb.OutOfMemoryException) or "max_temp_directory_size" in str(exc):
        fail(
            Exit.ERROR,
            "query too large: it needs more memory and temporary disk than a query may use; "
            "narrow it (WHERE, LIMIT) or aggregate",
        )
    if isinstance(exc, duckdb.Error):
        fail(Exit.ERROR, f"query failed: {exc}")
    raise exc


def _stream(result: Any, output: str) -> None:
    """The rows in chunks, so a result of millions of rows never sits in memory whole."""
    columns = [column[0] for column in result.description]
    if output == "table":
        rows = result.fetchmany(TABLE_ROWS + 1)
        _print_rows(columns, rows[:TABLE_ROWS], output)
        if len(rows) > TABLE_ROWS:
            errors.print(f"the first {TABLE_ROWS} rows; --format csv or json prints them all")
        return
    if output == "csv":
        shown = printable if sys.stdout.isatty() else str  # a pipe gets the data as it is
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        while chunk := result.fetchmany(_CHUNK):
            writer.writerows([shown(_cell(value)) for value in row] for row in chunk)
        return
    sys.stdout.write("[")
    first = True
    while chunk := result.fetchmany(_CHUNK):
        for row in chunk:
            record = json.dumps(dict(zip(columns, row, strict=True)), default=str, indent=2)
            sys.stdout.write(("\n" if first else ",\n") + record)
            first = False
    sys.stdout.write("\n]\n" if not first else "]\n")


@app.command()
def tables(warehouse: WarehouseOption = Path("warehouse"), output: FormatOption = "table") -> None:
    """The warehouse's tables and views, schema by schema, with their rows and what each holds
    (every table is in a schema: raw, ref, core, quality, meta; SQL names them schema.table)."""
    _check_format(output)
    with read_only(warehouse) as con:
        result = con.execute(
            """SELECT schema_name || '.' || table_name AS "table", estimated_size AS rows,
                      coalesce(comment, '') AS description
               FROM duckdb_tables() WHERE database_name = current_database()
               UNION ALL
               SELECT schema_name || '.' || view_name, NULL, coalesce(comment, '')
               FROM duckdb_views() WHERE database_name = current_database() AND NOT internal
               ORDER BY 1"""
        )
        _stream(result, output)


@app.command()
def report(
    warehouse: WarehouseOption = Path("warehouse"),
    open_it: Annotated[bool, flag("--open", help="Also open it in the default browser.")] = False,
    figures: Annotated[
        str | None,
        typer.Option(
            "--figures",
            metavar="png|pdf",
            help="Also draw the report's forest plots as PNG or PDF files for a manuscript.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Folder for --figures (default: <warehouse>/figures/<release id>/).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Print the path of the live release's report (report/index.html, a static page) under
    exports/, which always shows the live release (a release's own folder is pruned in time).
    With --figures, draw its forest plots as files (named as report/figures/ names the SVGs) and
    print their paths."""
    from pipelines.store.figure_files import FORMATS

    if figures is not None and figures not in FORMATS:
        fail(Exit.USAGE, f"--figures {figures!r}: use one of {', '.join(FORMATS)}")
    if out is not None and figures is None:
        fail(Exit.USAGE, "--out names the folder for --figures; give --figures png or pdf too")
    page = Path(os.path.abspath(warehouse / "exports" / "report" / "index.html"))
    if not page.is_file():
        fail(Exit.CONFIG, f"{page} does not exist; run `dermevidence run` to publish a release")
    console.print(str(page), markup=False, highlight=False, soft_wrap=True)
    if figures is not None:
        _draw_figures(warehouse, figures, out)
    if open_it:
        import webbrowser

        webbrowser.open(page.as_uri())


def _draw_figures(warehouse: Path, fmt: str, out: Path | None) -> None:
    """The live release's forest plots as PNG or PDF, drawn from the warehouse it was built from."""
    from pipelines.store.figure_files import write_figures
    from pipelines.store.publish import live_manifest
    from pipelines.store.release_report import forest_drawings

    release_id = live_manifest(warehouse / "exports").get("release_id", "live")
    folder = out if out is not None else warehouse / "figures" / release_id
    with read_only(warehouse) as con:
        drawings = forest_drawings(con)
    for path in write_figures(drawings, folder, fmt):
        console.print(str(path), markup=False, highlight=False, soft_wrap=True)
    errors.print(f"{len(drawings)} {fmt.upper()} figure(s) in {folder}")


@app.command()
def changes(
    warehouse: WarehouseOption = Path("warehouse"),
    output: FormatOption = "table",
) -> None:
    """What the live release changed since the one before, verdict and certainty flips first, each
    change in words (description); says "first release" when there was nothing to compare."""
    _check_format(output)
    with read_only(warehouse) as con:
        result = con.sql(
            "SELECT dataset, key, change, field, old, new, previous_release_id, description "
            "FROM meta.release_changes ORDER BY "
            "(dataset = 'core.evidence_checks' AND field IN ('verdict', 'certainty')) DESC, "
            "dataset, key, change, field"
        )
        columns, rows = result.columns, result.fetchall()
    if not rows:
        # In words for a person; an empty result (and the words on stderr) for a program.
        if output == "table":
            console.print(_live_changes(warehouse))
            return
        errors.print(_live_changes(warehouse))
    _print_rows(columns, rows, output)


def _live_changes(warehouse: Path) -> str:
    """The live release's run's own line: 'first release' or 'nothing changed since …'."""
    from pipelines.store.layout import Layout
    from pipelines.store.publish import live_manifest
    from pipelines.store.report import RunSummary

    layout = Layout(warehouse.resolve())
    run_id = live_manifest(layout.exports).get("run_id")
    report = layout.reports / f"{run_id}.json"
    if run_id and report.is_file():
        return RunSummary.from_json(report.read_text(encoding="utf-8")).changes or "first release"
    return "no release yet"


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
        fail(Exit.CONFIG, f"{warehouse} has no runs yet; run `dermevidence run` first")
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


def _check_format(output: str) -> None:
    if output not in ("table", "csv", "json"):
        fail(Exit.USAGE, f"--format must be table, csv or json, not {output!r}")


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
        table = Table()
        for name in columns:  # headers and cells as text, never markup
            table.add_column(Text(printable(name)))
        for row in flat:
            table.add_row(*(Text(printable(cell)) for cell in row))
        console.print(table)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, default=str)
    return str(value)
