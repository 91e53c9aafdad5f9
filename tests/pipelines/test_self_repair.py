"""A run mends what it can and says so in one line: a missing or unreadable evidence.duckdb is
rebuilt (the same rows, the history back from the reports, the damaged file kept); a report that
cannot be drawn costs the page, not the release."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from pipelines.cli import Exit, app
from tests.conftest import warehouse_rows

runner = CliRunner()
COUNTS = "SELECT (FROM core.findings SELECT count(*)), (FROM core.evidence_checks SELECT count(*)), (FROM meta.runs SELECT count(*))"


def _run(project: Path):
    registry = project / "raw" / "sources.toml"
    return runner.invoke(
        app, ["run", "--sources", str(registry), "--warehouse", str(project / "warehouse"), "-q"]
    )


def _counts(database: Path) -> tuple:
    return warehouse_rows(database.parent, COUNTS)[0]


def test_a_deleted_or_damaged_warehouse_is_rebuilt_by_the_next_run(
    prefect_api: str, project: Path
) -> None:
    database = project / "warehouse" / "evidence.duckdb"
    assert _run(project).exit_code == Exit.OK
    findings, checks, _ = _counts(database)

    database.unlink()
    rebuilt = _run(project)
    assert rebuilt.exit_code == Exit.OK, rebuilt.output
    [line] = [x for x in rebuilt.output.splitlines() if x.startswith("repaired: ")]
    assert (
        line
        == f"repaired: {database}: it is missing; rebuilt from the cached shards and the inputs"
    )
    assert _counts(database) == (findings, checks, 2)

    database.write_bytes(b"not a database" * 100)
    rebuilt = _run(project)
    assert rebuilt.exit_code == Exit.OK, rebuilt.output
    [line] = [x for x in rebuilt.output.splitlines() if x.startswith("repaired: ")]
    assert line.startswith(f"repaired: {database}: it cannot be read (")
    [kept] = database.parent.glob("evidence.duckdb.damaged-*")
    assert line.endswith(f"(the damaged file is kept as {kept.name})")
    assert kept.read_bytes() == b"not a database" * 100
    assert _counts(database) == (findings, checks, 3)
    assert "Traceback" not in rebuilt.output


def test_a_report_that_cannot_be_drawn_never_holds_back_the_release(
    prefect_api: str, project: Path, monkeypatch
) -> None:
    """A fault in drawing the report (injected: its function raises) costs the page, not the
    release: the data is published, the page says why, and the run says so in one line."""
    from pipelines.flows import build_warehouse
    from pipelines.store import publish

    def broken(*_: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(publish, "release_report", broken)
    summary = build_warehouse(
        sources=str(project / "raw" / "sources.toml"), warehouse=str(project / "warehouse")
    )
    assert summary.status == "success" and summary.release_id
    assert summary.notes == [
        "the release report could not be drawn (ZeroDivisionError: division by zero); the data is published"
    ]
    exports = project / "warehouse" / "exports"
    assert exports.resolve().name == summary.release_id
    assert (
        "The report could not be drawn: ZeroDivisionError: division by zero."
        in (exports / "report" / "index.html").read_text()
    )
    assert _counts(project / "warehouse" / "evidence.duckdb")[0] == 10
