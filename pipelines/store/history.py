"""Run history: meta.runs from every run's report, meta.pulled_files from every run's list of
files, both rebuilt into whichever warehouse file a run swaps in, so no run goes unrecorded."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl

from pipelines.store.publish import MANIFEST
from pipelines.store.report import RunSummary
from schemas import BY_NAME
from schemas.render import sql_names

RUNS = BY_NAME["meta.runs"]
PULLED = BY_NAME["meta.pulled_files"]
PULLED_SUFFIX = ".pulled.parquet"


def run_history(reports_dir: Path) -> pl.DataFrame:
    """meta.runs, from the report of every earlier run (failed and unchanged ones included)."""
    rows = [
        RunSummary.from_json(path.read_text(encoding="utf-8")).run_row()
        for path in sorted(reports_dir.glob("*.json"))
    ]
    return RUNS.frame(rows)


@dataclass(frozen=True)
class Retention:
    """How many runs' reports to keep (the current run counts) and for how many days; None: all."""

    runs: int | None = None
    days: float | None = None


def prune_reports(
    reports_dir: Path, retention: Retention, now: datetime, releases_dir: Path
) -> list[str]:
    """Remove the reports (json, md, list of pulled files) of earlier runs beyond `retention`,
    before the history is rebuilt from what is left, so meta.runs and meta.pulled_files list
    exactly the kept runs. A run whose release is still kept is never pruned. The json goes
    last: a kill mid-way leaves a run that the next prune removes, never an unlisted orphan."""
    if retention.runs is None and retention.days is None:
        return []
    protected = {
        json.loads((release / MANIFEST).read_text())["run_id"]
        for release in releases_dir.glob("[!.]*")
        if (release / MANIFEST).is_file()
    }
    earlier = sorted(
        (
            RunSummary.from_json(path.read_text(encoding="utf-8"))
            for path in reports_dir.glob("*.json")
        ),
        key=lambda run: (run.started_at, run.run_id),
        reverse=True,
    )
    removed = []
    for rank, run in enumerate(earlier, start=2):  # the current run is the newest, rank 1
        too_many = retention.runs is not None and rank > retention.runs
        too_old = retention.days is not None and now - run.started_at > timedelta(
            days=retention.days
        )
        if (too_many or too_old) and run.run_id not in protected:
            for suffix in (PULLED_SUFFIX, ".md", ".json"):
                (reports_dir / f"{run.run_id}{suffix}").unlink(missing_ok=True)
            removed.append(run.run_id)
    return removed


def write_pulled(reports_dir: Path, run_id: str, frame: pl.DataFrame) -> Path:
    """reports/<run_id>.pulled.parquet, written under a temporary name and renamed."""
    path = reports_dir / f"{run_id}{PULLED_SUFFIX}"
    temporary = path.with_name(f".{path.name}.tmp")
    frame.write_parquet(temporary, compression="zstd")
    temporary.replace(path)
    return path


def record_history(
    con: duckdb.DuckDBPyConnection, reports_dir: Path, summary: RunSummary, pulled: pl.DataFrame
) -> dict[str, int]:
    """Replace meta.runs and meta.pulled_files with every reported run plus this one. Files of a
    run that died before its report are left out, as that run is."""
    runs = pl.concat([run_history(reports_dir), RUNS.frame([summary.run_row()])])
    earlier = sorted(str(p) for p in reports_dir.glob(f"*{PULLED_SUFFIX}"))
    con.register("run_rows", runs)
    con.register("pulled_rows", pulled)
    columns = sql_names(PULLED.columns())
    order = ", ".join(PULLED.sort_columns)
    sources = ["SELECT * FROM pulled_rows"]
    if earlier:
        sources.append(f"SELECT {columns} FROM read_parquet($earlier)")
    try:
        con.execute("DELETE FROM meta.runs")
        con.execute("DELETE FROM meta.pulled_files")
        con.execute(
            f"INSERT INTO meta.runs SELECT * FROM run_rows ORDER BY {', '.join(RUNS.sort_columns)}"
        )
        con.execute(
            f"INSERT INTO meta.pulled_files SELECT * FROM ({' UNION ALL '.join(sources)}) "
            f"WHERE run_id IN (SELECT run_id FROM run_rows) ORDER BY {order}",
            {"earlier": earlier} if earlier else None,
        )
    finally:
        con.unregister("run_rows")
        con.unregister("pulled_rows")
    return {
        name: con.sql(f"SELECT count(*) FROM {name}").fetchall()[0][0]
        for name in (RUNS.name, PULLED.name)
    }
