"""Immutable Parquet releases with a manifest and a datapackage; `exports` switched atomically."""

from __future__ import annotations

import html
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.pull.fetch import sha256_file
from pipelines.runtime import failpoints
from pipelines.store.layout import remove_folder, visible_folders
from pipelines.store.load import connect, side_by_side
from pipelines.store.parts import Part
from pipelines.store.release_report import release_report
from pipelines.store.spreadsheet import FORMULA
from schemas import SCHEMA_VERSION, Dataset
from schemas.render import CSV_MISSING, arrow_schema, datapackage, sql_names

MANIFEST = "manifest.json"
# Rows per batch from DuckDB to the Parquet writer, and so per row group.
ROWS_PER_BATCH = 122_880


def release_id_for(run_id: str, started_at: datetime) -> str:
    """Sortable by time, unique by run."""
    return f"{started_at:%Y%m%dT%H%M%SZ}-{run_id[:8]}"


def write_release(
    database: Path,
    releases_dir: Path,
    release_id: str,
    run_id: str,
    created_at: datetime,
    input_key: str,
    parts: list[Part],
    previous: Path | None,
    summary: dict[str, Any] | None = None,
) -> Path:
    """Write every published dataset's parts into a new release folder: a part the `previous`
    release holds under the same name is hard-linked from it (the same shard, the same bytes),
    the others are written. The report (report/index.html) too when the run's summary is given;
    if it cannot be drawn, the summary gets a "problem" saying why."""
    staging = releases_dir / f".{release_id}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    earlier = _linkable(previous)
    intact = _intact(
        earlier,
        previous,
        [p for part in parts if part.from_shard for p in (part.path("parquet"), _csv_path(part))],
    )
    con = connect(database, read_only=True)
    try:
        # One DuckDB thread per query, so a part's bytes are the same on every run; the parts are
        # written side by side instead.
        con.execute("SET threads TO 1")

        def stage(cursor: Any, part: Part) -> tuple[dict, dict]:
            parquet, csv = part.path("parquet"), _csv_path(part)
            if parquet in intact and csv in intact:
                entry = _link(earlier[parquet], previous, staging)
                failpoints.reached("release-linked")
                written = entry, _link(earlier[csv], previous, staging)
            else:
                entry = _write_parquet(cursor, part, staging)
                written = entry, _write_csv(cursor, part, staging, entry["rows"])
            failpoints.reached("release-staged")
            return written

        staged = side_by_side(con, stage, parts)
        files, csv_files = [entry for entry, _ in staged], [entry for _, entry in staged]
        # The report after them, not beside: its queries over whole tables and two parts' at
        # once overran DuckDB's memory cap at 100 000 guides (measured).
        if summary is not None:
            (staging / "report").mkdir()
            page, figures, problem = _report(con, {**summary, "release_id": release_id})
            if problem:
                summary["problem"] = problem
            (staging / "report" / "index.html").write_text(page, encoding="utf-8")
            for name, svg in figures.items():
                (staging / "report" / name).parent.mkdir(exist_ok=True)
                (staging / "report" / name).write_text(svg, encoding="utf-8")
    finally:
        con.close()
    manifest = {
        "release_id": release_id,
        "run_id": run_id,
        "created_at": created_at.isoformat(),
        "schema_version": SCHEMA_VERSION,
        "input_key": input_key,
        "files": files,
        "csv_files": csv_files,
    }
    _write_json(staging / MANIFEST, manifest)
    _write_json(staging / "datapackage.json", datapackage(files))
    _write_json(staging / "csv" / "datapackage.json", datapackage(_within("csv", csv_files), "csv"))
    final = releases_dir / release_id
    staging.rename(final)
    return final


def _report(con: Any, summary: dict[str, Any]) -> tuple[str, dict[str, str], str | None]:
    """The release's report (page, figures) and None; when drawing it fails, a page that says so
    and why: a fault in the report never holds back the data, complete and checked by then."""
    try:
        return (*release_report(con, summary), None)
    except Exception as exc:  # a bug in drawing, whatever it is: the release goes on
        why = f"{type(exc).__name__}: {exc}"
        page = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>dermevidence release {html.escape(summary['release_id'])}</title></head><body>"
            f"<h1>dermevidence release {html.escape(summary['release_id'])}</h1>"
            f"<p>The report could not be drawn: {html.escape(why)}. The release's data is "
            "complete; query it with <code>dermevidence query</code>.</p></body></html>"
        )
        return page, {}, f"the release report could not be drawn ({why}); the data is published"


def _linkable(previous: Path | None) -> dict[str, dict]:
    """The previous release's files by path, when it has this schema version (a part's name is a
    key of its shard's content and code, so a part of the same name holds the same bytes)."""
    manifest = live_manifest(previous) if previous is not None else {}
    if manifest.get("schema_version") != SCHEMA_VERSION:
        return {}
    return {entry["path"]: entry for entry in [*manifest["files"], *manifest["csv_files"]]}


def _intact(earlier: dict[str, dict], previous: Path | None, candidates: list[str]) -> set[str]:
    """The previous release's files among `candidates` whose bytes still have the checksum its
    manifest records: only those are passed on by hard link, a file damaged since (even at the
    same size) is written again. Hashed in threads (hashlib lets go of the GIL)."""
    known = [relative for relative in candidates if relative in earlier]
    if previous is None or not known:
        return set()

    def unchanged(relative: str) -> bool:
        path = previous / relative
        try:
            return sha256_file(path) == earlier[relative]["sha256"]
        except OSError:
            return False

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return {r for r, ok in zip(known, pool.map(unchanged, known), strict=True) if ok}


def _csv_path(part: Part) -> str:
    return f"csv/{part.path('csv')}"


def _link(entry: dict, previous: Path, staging: Path) -> dict:
    target = staging / entry["path"]
    target.parent.mkdir(parents=True, exist_ok=True)
    os.link(previous / entry["path"], target)
    return entry


def _write_parquet(con: Any, part: Part, staging: Path) -> dict:
    """One part as Parquet: the dataset's description, columns and schema version in the file's
    metadata, and each column's description in its Arrow field's metadata, where pyarrow and the
    tools built on it show it per field. DuckDB streams the rows in batches to pyarrow's writer:
    memory stays flat however many there are."""
    relative = part.path("parquet")
    target = staging / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    dataset = part.dataset
    rows = "read_parquet($source)" if part.source is not None else dataset.name
    parameters = {"source": str(part.source)} if part.source is not None else None
    reader = con.sql(
        f"SELECT {sql_names(dataset.columns())} FROM {rows} "
        f"ORDER BY {sql_names(dataset.sort_columns)}",
        params=parameters,
    ).to_arrow_reader(ROWS_PER_BATCH)
    schema = arrow_schema(dataset, reader.schema)
    written = 0
    with pq.ParquetWriter(target, schema, compression="zstd") as writer:
        for batch in reader:
            writer.write_batch(pa.RecordBatch.from_arrays(batch.columns, schema=schema))
            written += batch.num_rows
    return _entry(dataset, part, staging, relative, written)


def _write_csv(con: Any, part: Part, staging: Path, rows: int) -> dict:
    """One part as CSV for spreadsheets and R: lists as JSON arrays, booleans as TRUE and FALSE
    and nulls as NA (what R's read.csv reads as logical and as missing, unasked; Excel reads
    TRUE and FALSE as booleans), an empty text as an empty cell, a text that is "NA" quoted,
    formulas neutralized, a header in every part. Read back from the release's Parquet part,
    already in order."""
    relative = _csv_path(part)
    target = staging / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    columns = ", ".join(
        f'to_json("{name}")::VARCHAR AS "{name}"'
        if isinstance(column.dtype.type, pl.List)
        else f'CASE WHEN regexp_matches("{name}", \'{FORMULA}\') AND TRY_CAST("{name}" AS DOUBLE) IS NULL '
        f'THEN \'\'\'\' || "{name}" ELSE "{name}" END AS "{name}"'
        if column.dtype.type == pl.String
        else f'CASE WHEN "{name}" THEN \'TRUE\' WHEN NOT "{name}" THEN \'FALSE\' END AS "{name}"'
        if column.dtype.type == pl.Boolean
        else f'"{name}"'
        for name, column in part.dataset.columns().items()
    )
    con.execute(
        f"COPY (SELECT {columns} FROM read_parquet($parquet)) TO $target "
        f"(FORMAT csv, HEADER true, NULLSTR '{CSV_MISSING}')",
        {"parquet": str(staging / part.path("parquet")), "target": str(target)},
    )
    return _entry(part.dataset, part, staging, relative, rows)


def _entry(dataset: Dataset, part: Part, staging: Path, relative: str, rows: int) -> dict:
    """A written file's manifest entry; release files are made read-only: releases are immutable
    and share files by hard link."""
    target = staging / relative
    target.chmod(0o444)
    return {
        "dataset": dataset.name,
        "part": part.name,
        "path": relative,
        "rows": rows,
        "bytes": target.stat().st_size,
        "sha256": sha256_file(target),
    }


def _within(folder: str, entries: list[dict]) -> list[dict]:
    """Entries with paths relative to `folder`, for the data package that lives there."""
    return [{**entry, "path": entry["path"].removeprefix(f"{folder}/")} for entry in entries]


def switch_exports(exports: Path, release: Path) -> None:
    """Point `exports` at the release with a symlink swapped in by rename (atomic)."""
    temporary = exports.with_name(f".{exports.name}.tmp")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(os.path.relpath(release, exports.parent), target_is_directory=True)
    os.replace(temporary, exports)


def live_manifest(exports: Path) -> dict:
    """The current release's manifest (its input_key: what it was built from, a hash of its
    shards and the code; its schema_version), or {} before the first release."""
    manifest = exports / MANIFEST
    return json.loads(manifest.read_text()) if manifest.is_file() else {}


def reconcile_exports(database: Path, releases_dir: Path, exports: Path) -> Path | None:
    """Point `exports` at the release the live warehouse records, when a run was killed between
    swapping the warehouse in and switching the exports (the one window two renames leave)."""
    if not database.exists():
        return None
    con = connect(database, read_only=True)
    try:
        latest = con.sql(
            "SELECT release_id FROM meta.runs WHERE release_id IS NOT NULL"
            " ORDER BY finished_at DESC NULLS LAST LIMIT 1"
        ).fetchall()
    finally:
        con.close()
    release = releases_dir / latest[0][0] if latest else None
    if release is None or not release.is_dir():
        return None
    if exports.exists() and exports.resolve() == release.resolve():
        return None  # level already: no need to read the release's files to verify them
    if verify_release(release):
        return None
    switch_exports(exports, release)
    return release


def prune_releases(releases_dir: Path, keep: int, current: Path) -> list[str]:
    """Delete all but the newest `keep` releases (never the current one)."""
    releases = visible_folders(releases_dir)
    doomed = [
        p for p in releases[: max(len(releases) - keep, 0)] if p.resolve() != current.resolve()
    ]
    for path in doomed:
        remove_folder(path)
    return [p.name for p in doomed]


def verify_release(release: Path) -> list[str]:
    """Problems with a release: files missing or not matching the manifest's checksums."""
    if not (release / MANIFEST).is_file():
        return [f"{MANIFEST}: missing"]
    manifest = json.loads((release / MANIFEST).read_text())
    problems = []
    for entry in [*manifest["files"], *manifest.get("csv_files", [])]:
        path = release / entry["path"]
        if not path.exists():
            problems.append(f"{entry['path']}: missing")
        elif sha256_file(path) != entry["sha256"]:
            problems.append(f"{entry['path']}: sha256 does not match the manifest")
    return problems


def _write_json(path: Path, document: dict) -> None:
    path.write_text(json.dumps(document, indent=2, sort_keys=False) + "\n", encoding="utf-8")
