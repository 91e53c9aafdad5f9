"""What changed since the previous release, computed from that release's Parquet and the warehouse
being built: meta.release_changes, and the one line the run summary gives it.

For each dataset that declares `compared` fields (schemas/), only the release parts one side has
and the other has not are read (pipelines/store/parts.py), and their rows are matched by key: a key only
in the new warehouse is added, only in the previous release removed, and a key in both gives one
row per compared field whose value differs (as text; lists as JSON). Fields the previous release
does not have are not compared (a release of another schema version). DuckDB does the joins, so
the cost grows with the rows, not with Python.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection
from pathlib import Path

import duckdb
import polars as pl

from pipelines.store.parts import Part
from pipelines.store.sql_words import compared_arms, comparison
from schemas import DATASETS, Dataset
from schemas.render import sql_names

TABLE = "meta.release_changes"


class DamagedRelease(Exception):
    """A part the comparison would read is damaged (named in the message)."""


def compare_with_release(
    con: duckdb.DuckDBPyConnection,
    previous: Path | None,
    parts: list[Part],
    damaged: Collection[str] = (),
) -> int:
    """Fill meta.release_changes against the release folder `previous`; rows written. Only the
    parts one release has and the other has not are read: a part of the same name in both holds
    the same rows (the same shard), so nothing in it can differ. DamagedRelease when one of
    those is among the `damaged` (release-relative paths)."""
    manifest = previous / "manifest.json" if previous is not None else None
    if manifest is None or not manifest.is_file():
        return 0
    document = json.loads(manifest.read_text())
    shared = {part.path("parquet") for part in parts if part.from_shard} & {
        entry["path"] for entry in document["files"]
    }
    compared = [d for d in DATASETS if d.compared]
    olds = {
        dataset.name: [
            entry["path"]
            for entry in document["files"]
            if entry["dataset"] == dataset.name and entry["path"] not in shared
        ]
        for dataset in compared
    }
    if unreadable := sorted({path for read in olds.values() for path in read} & set(damaged)):
        raise DamagedRelease(unreadable[0])
    for dataset in compared:
        old = [previous / path for path in olds[dataset.name]]
        new = [p for p in parts if p.dataset is dataset and p.path("parquet") not in shared]
        if old or new:
            _compare(con, dataset, old, new, document["release_id"])
    _describe(con, {name: [previous / path for path in read] for name, read in olds.items()})
    return con.sql(f"SELECT count(*) FROM {TABLE}").fetchall()[0][0]


def headline(con: duckdb.DuckDBPyConnection) -> str:
    """'findings: 3 added; verdicts: 1 flipped (supported → mixed)' — or that nothing changed."""
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
        if dataset == "core.evidence_checks" and change == "changed":
            parts.append(f"verdicts: {_verdicts_changed(n, flips)}")
            continue
        name = "verdicts" if dataset == "core.evidence_checks" else dataset.removeprefix("core.")
        parts.append(f"{name}: {n} {change}")
    return "; ".join(parts) if parts else "nothing changed since the previous release"


def _verdicts_changed(changed: int, flips: Counter[str]) -> str:
    """'1 flipped (supported → mixed), 2 changed with the same verdict': a verdict that now counts
    other estimates or has another certainty is no flip."""
    flipped = sum(flips.values())
    listed = ", ".join(
        f"{flip}: {k}" if len(flips) > 1 else flip for flip, k in sorted(flips.items())
    )
    words = [f"{flipped} flipped ({listed})"] if flipped else []
    if changed > flipped:
        words.append(f"{changed - flipped} changed with the same verdict")
    return ", ".join(words)


# What a changed row is, in words, per dataset: (key, SQL over its rows `r`, joins).
_FILE = "regexp_extract(r.file, '[^/]+$')"
_WORDS = {
    "core.findings": (
        "finding_id",
        f"{_FILE} || ' ' || r.table_no || '.' || r.row_no || '.' || r.statement_no || ': ' || "
        f"{comparison('r')} || ', ' || coalesce(ro.label, r.outcome_text, '?')",
        compared_arms("r"),
    ),
    "core.effect_estimates": (
        "estimate_id",
        f"{_FILE} || ':' || r.line_no || ' ' || {comparison('r', text=False)} "
        "|| ', ' || coalesce(ro.label, '?')",
        compared_arms("r"),
    ),
    "core.references": (
        "reference_id",
        f"{_FILE} || ' reference ' || r.ref_no || coalesce(': ' || r.title, '')",
        "",
    ),
}


def _describe(con: duckdb.DuckDBPyConnection, olds: dict[str, list[Path]]) -> None:
    """meta.release_changes.description: each change in words, from the rows of this warehouse
    and, for a removed row, of the previous release's parts that held it; only the changed keys'
    rows are read into words. A verdict's key is its finding's, so it reads as the finding does."""
    selects, parameters = [], {}
    for n, (dataset, (key, words, joins)) in enumerate(_WORDS.items()):
        rows = dataset
        if olds.get(dataset):
            rows = (
                f"(SELECT * FROM {dataset} UNION ALL BY NAME "
                f"SELECT * FROM read_parquet($old{n}, union_by_name = true))"
            )
            parameters[f"old{n}"] = [str(path) for path in olds[dataset]]
        selects.append(
            f"SELECT r.{key} AS key, {words} AS words FROM {rows} r {joins} "
            f"WHERE r.{key} IN (SELECT key FROM {TABLE})"
        )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE change_words AS SELECT DISTINCT ON (key) key, words "
        f"FROM ({' UNION ALL '.join(selects)}) ORDER BY key, words",
        parameters or None,
    )
    con.execute(
        f"""UPDATE {TABLE} t SET description =
                coalesce((SELECT w.words FROM change_words w WHERE w.key = t.key), t.key)
                || CASE t.change
                   WHEN 'changed' THEN ': ' || t.field || ' ' || coalesce(t.old, 'none') || ' → '
                                       || coalesce(t.new, 'none')
                   ELSE ': ' || t.change END"""
    )


def _compare(
    con: duckdb.DuckDBPyConnection, dataset: Dataset, old: list[Path], new: list[Part], release: str
) -> None:
    """Compare the rows of the previous release's `old` files with those of the `new` parts."""
    empty = f"(SELECT * FROM {dataset.name} LIMIT 0)"
    parameters: dict[str, list[str]] = {}
    previous_rows = empty
    if old:
        previous_rows = "read_parquet($old, union_by_name = true)"
        parameters["old"] = [str(path) for path in old]
    current_rows = empty
    if any(part.source is None for part in new):
        current_rows = dataset.name
    elif new:
        current_rows = "read_parquet($new)"
        parameters["new"] = [str(part.source) for part in new]
    described = con.execute(
        f"DESCRIBE SELECT * FROM {previous_rows}", {"old": parameters["old"]} if old else None
    )
    previous_columns = {row[0] for row in described.fetchall()}
    fields = [name for name in dataset.compared if name in previous_columns]
    [key] = dataset.key
    columns = dataset.columns()
    texts = ", ".join(
        f'to_json("{name}")::VARCHAR AS "{name}"'
        if isinstance(columns[name].dtype.type, pl.List)
        else f'CAST("{name}" AS VARCHAR) AS "{name}"'
        for name in fields
    )
    for table, rows, name in (
        ("previous_rows", previous_rows, "old"),
        ("current_rows", current_rows, "new"),
    ):
        con.execute(
            f'CREATE OR REPLACE TEMP TABLE {table} AS SELECT "{key}"::VARCHAR AS key, {texts} '
            f"FROM {rows}",
            {name: parameters[name]} if name in parameters else None,
        )
    listed = sql_names(fields)
    con.execute(
        f"""INSERT INTO {TABLE}
            SELECT $dataset, key, 'added', NULL, NULL, NULL, $release, key FROM current_rows ANTI JOIN previous_rows USING (key)
            UNION ALL
            SELECT $dataset, key, 'removed', NULL, NULL, NULL, $release, key FROM previous_rows ANTI JOIN current_rows USING (key)
            UNION ALL
            SELECT $dataset, key, 'changed', field, b.value, a.value, $release, key
            FROM (SELECT * FROM previous_rows UNPIVOT INCLUDE NULLS (value FOR field IN ({listed}))) b
            JOIN (SELECT * FROM current_rows UNPIVOT INCLUDE NULLS (value FOR field IN ({listed}))) a
            USING (key, field)
            WHERE b.value IS DISTINCT FROM a.value
            ORDER BY 1, 2, 3, 4""",
        {"dataset": dataset.name, "release": release},
    )
