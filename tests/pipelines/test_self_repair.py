"""A run mends what it can and says so in one line: a missing, unreadable or foreign
evidence.duckdb is rebuilt (the same rows, the history back from the reports, the file kept); a
damaged live release is published again; `exports` made a folder is set aside and linked again;
a release a failed run never made live is removed; a report that cannot be drawn costs the page,
not the release."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from pipelines.cli import Exit, app
from tests.conftest import ROOT, warehouse_rows

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


def _repaired(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("repaired: ")]


def test_a_damaged_release_part_is_published_again_even_when_nothing_changed(
    prefect_api: str, project: Path
) -> None:
    from pipelines.store.publish import verify_release

    assert _run(project).exit_code == Exit.OK
    exports = project / "warehouse" / "exports"
    live = exports.resolve()
    part = next((live / "core" / "findings").glob("*.parquet"))
    damaged = bytearray(part.read_bytes())
    damaged[200] ^= 0xFF  # the same size: only its checksum tells
    part.chmod(0o644)
    part.write_bytes(bytes(damaged))
    result = _run(project)
    assert result.exit_code == Exit.OK, result.output
    assert _repaired(result.output) == [
        f"repaired: the live release {live.name} has 1 damaged file(s) (core/findings/"
        f"{part.name}: not the bytes its manifest records); this run publishes a whole release "
        "in its place",
        f"repaired: removed the release(s) that held the damaged files too ({live.name})",
    ]
    assert exports.resolve() != live and verify_release(exports.resolve()) == []
    assert not live.exists()
    assert _counts(project / "warehouse" / "evidence.duckdb")[:2] == (10, 10)
    again = _run(project)  # mended: the next run has nothing to do
    assert again.exit_code == Exit.OK and _repaired(again.output) == []
    assert "nothing rebuilt" in again.output


def test_exports_made_a_folder_a_foreign_warehouse_and_a_never_live_release_are_mended(
    prefect_api: str, project: Path, tmp_path_factory
) -> None:
    warehouse = project / "warehouse"
    assert _run(project).exit_code == Exit.OK
    live = (warehouse / "exports").resolve()
    # exports replaced by a copy of the release (a real folder), and a release folder a failed
    # run wrote and never switched to.
    (warehouse / "exports").unlink()
    shutil.copytree(live, warehouse / "exports")
    shutil.copytree(live, warehouse / "releases" / "29991231T000000Z-deadbeef")
    result = _run(project)
    assert result.exit_code == Exit.OK, result.output
    assert _repaired(result.output) == [
        f"repaired: {warehouse / 'exports'} was a folder, not the link to the live release; it "
        f"is kept as exports.replaced-{_run_prefix(warehouse)} and the link is made again",
        "repaired: removed 1 release folder(s) a failed run wrote and never made live "
        "(29991231T000000Z-deadbeef)",
    ]
    assert (warehouse / "exports").is_symlink() and (warehouse / "exports").resolve() == live
    assert not (warehouse / "releases" / "29991231T000000Z-deadbeef").exists()

    # Another warehouse's file put in place: recognized by its runs, set aside, rebuilt.
    other = tmp_path_factory.mktemp("other")
    shutil.copytree(ROOT / "raw", other / "raw")
    assert _run(other).exit_code == Exit.OK
    shutil.copy(other / "warehouse" / "evidence.duckdb", warehouse / "evidence.duckdb")
    result = _run(project)
    assert result.exit_code == Exit.OK, result.output
    [line] = _repaired(result.output)
    assert line.startswith(
        f"repaired: {warehouse / 'evidence.duckdb'}: it is another warehouse's (its runs made 1 "
        f"release(s), none of them the live release {live.name}); rebuilt from the cached shards"
    )
    history = warehouse_rows(warehouse, "SELECT count(*) FROM meta.runs")
    assert history == [(3,)]  # this warehouse's own runs, from its reports


def _run_prefix(warehouse: Path) -> str:
    """The first 8 characters of the newest run's id (what names a kept folder)."""
    [(run_id,)] = warehouse_rows(
        warehouse, "SELECT run_id FROM meta.runs ORDER BY started_at DESC LIMIT 1"
    )
    return run_id[:8]
