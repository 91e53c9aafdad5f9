"""What changed since the previous release, computed from that release's Parquet and the warehouse
being built: meta.release_changes, and the one line the run summary gives it.

For each dataset that declares `compared` fields (schemas/), rows are matched by key: a key only
in the new warehouse is added, only in the previous release removed, and a key in both gives one
row per compared field whose value differs (as text; lists as JSON). Fields the previous release
does not have are not compared (a release of another schema version). DuckDB does the joins, so
the cost grows with the rows, not with Python.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import duckdb
import polars as pl

from schemas import DATASETS, Dataset

TABLE = "meta.release_changes"


def compare_with_release(con: duckdb.DuckDBPyConnection, previous: Path | None) -> int:
    """Fill meta.release_changes against the release folder `previous`; rows written."""
    manifest = previous / "manifest.json" if previous is not None else None
    if manifest is None or not manifest.is_file():
        return 0
    document = json.loads(manifest.read_text())
    paths = {entry["dataset"]: previous / entry["path"] for entry in document["files"]}
    for dataset in DATASETS:
        if dataset.compared and dataset.name in paths and paths[dataset.name].is_file():
            _compare(con, dataset, paths[dataset.name], document["release_id"])
    return con.sql(f"SELECT count(*) FROM {TABLE}").fetchall()[0][0]


def headline(con: duckdb.DuckDBPyConnection) -> str:
    """'findings: 3 added; verdicts: 1 changed (supported → mixed)' — or that nothing changed."""
    counts = Counter(
        con.sql(
            f"SELECT dataset, change FROM (SELECT DISTINCT dataset, key, change FROM {TABLE})"
        ).fetchall()
    )
    flips = Counter(
        row[0]
        for row in con.sql(
            f"SELECT old || ' → ' || new FROM {TABLE} "
            "WHERE dataset = 'core.evidence_checks' AND field = 'verdict'"
        ).fetchall()
    )
    parts = []
    for (dataset, change), n in sorted(counts.items()):
        name = "verdicts" if dataset == "core.evidence_checks" else dataset.removeprefix("core.")
        flipped = ", ".join(
            f"{flip}: {k}" if len(flips) > 1 else flip for flip, k in sorted(flips.items())
        )
        detail = (
            f" ({flipped})"
            if dataset == "core.evidence_checks" and change == "changed" and flips
            else ""
        )
        parts.append(f"{name}: {n} {change}{detail}")
    return "; ".join(parts) if parts else "nothing changed since the previous release"


def _compare(con: duckdb.DuckDBPyConnection, dataset: Dataset, parquet: Path, release: str) -> None:
    previous_columns = {
        row[0]
        for row in con.execute(
            "DESCRIBE SELECT * FROM read_parquet($p)", {"p": str(parquet)}
        ).fetchall()
    }
    fields = [name for name in dataset.compared if name in previous_columns]
    [key] = dataset.key
    columns = dataset.columns()
    texts = ", ".join(
        f'to_json("{name}")::VARCHAR AS "{name}"'
        if isinstance(columns[name].dtype.type, pl.List)
        else f'CAST("{name}" AS VARCHAR) AS "{name}"'
        for name in fields
    )
    con.execute(
        f'CREATE OR REPLACE TEMP TABLE previous_rows AS SELECT "{key}"::VARCHAR AS key, {texts} '
        "FROM read_parquet($p)",
        {"p": str(parquet)},
    )
    con.execute(
        f'CREATE OR REPLACE TEMP TABLE current_rows AS SELECT "{key}"::VARCHAR AS key, {texts} '
        f"FROM {dataset.name}"
    )
    listed = ", ".join(f'"{name}"' for name in fields)
    con.execute(
        f"""INSERT INTO {TABLE}
            SELECT $dataset, key, 'added', NULL, NULL, NULL, $release FROM current_rows ANTI JOIN previous_rows USING (key)
            UNION ALL
            SELECT $dataset, key, 'removed', NULL, NULL, NULL, $release FROM previous_rows ANTI JOIN current_rows USING (key)
            UNION ALL
            SELECT $dataset, key, 'changed', field, b.value, a.value, $release
            FROM (SELECT * FROM previous_rows UNPIVOT INCLUDE NULLS (value FOR field IN ({listed}))) b
            JOIN (SELECT * FROM current_rows UNPIVOT INCLUDE NULLS (value FOR field IN ({listed}))) a
            USING (key, field)
            WHERE b.value IS DISTINCT FROM a.value
            ORDER BY 1, 2, 3, 4""",
        {"dataset": dataset.name, "release": release},
    )
