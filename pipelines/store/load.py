"""Build the DuckDB warehouse beside the live one from the Parquet shards (or update a copy of
the live one with the shards that changed), then swap it in."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb

from pipelines.runtime import failpoints
from schemas import DATASETS, WAREHOUSE_SCHEMAS, Dataset
from schemas.render import create_views, ddl, sql_names

# DuckDB takes 80 % of RAM by default; capped, it spills big sorts to disk beside the database
# file instead, so a run's memory stays flat as the corpus grows. Loading (build_database) 10 000
# and 100 000 guides (2.4 M and 24.6 M rows) measured, more RSS and seconds: 256 MB → +200 and
# +276 MB, 3.2 and 30.2 s; 192 MB → +194 and +218 MB, 3.4 and 30.7 s; 160 MB → 100 000 in
# +188 MB but 33.1 s; 128 MB → 100 000 fails (its checkpoint allocates 38 MB at once).
MEMORY_LIMIT = "192MB"


# The oldest storage format that keeps what the warehouse uses (lists, comments, views): a file
# written in it opens in every DuckDB from 1.0 on, not only in the 2.x that builds it.
STORAGE_VERSION = "v1.0.0"
Item = TypeVar("Item")
Done = TypeVar("Done")


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to a warehouse file with the pipeline's memory cap and storage version."""
    config = {"memory_limit": MEMORY_LIMIT, "storage_compatibility_version": STORAGE_VERSION}
    con = duckdb.connect(str(path), read_only=read_only, config=config)
    con.execute("SET enable_progress_bar = false")  # drawn on stdout for a statement over 2 s
    return con


def side_by_side(
    con: duckdb.DuckDBPyConnection,
    work: Callable[[duckdb.DuckDBPyConnection, Item], Done],
    items: list[Item],
) -> list[Done]:
    """`work(cursor, item)` for every item, as many at once as there are cores, each on a cursor
    of its own (one connection runs one query at a time); the results in the items' order. The
    cursors share the database's memory cap."""

    def one(item: Item) -> Done:
        with con.cursor() as cursor:
            return work(cursor, item)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return list(pool.map(one, items))


@dataclass(frozen=True)
class Shard:
    """A shard folder of the build and what it holds (meta.shards.kind)."""

    directory: Path
    kind: str


def build_database(path: Path, shards: list[Shard]) -> dict[str, int]:
    """Create every table from the schemas, fill it with one statement per dataset, add the views."""
    path.unlink(missing_ok=True)
    con = connect(path)
    try:
        # Some 400 DDL statements, one transaction: committed one by one they cost 0.25 s, a
        # third of the seed's load stage.
        statements = [f"CREATE SCHEMA IF NOT EXISTS {schema}" for schema in WAREHOUSE_SCHEMAS]
        statements += [statement for dataset in DATASETS for statement in ddl(dataset)]
        con.execute(";\n".join(["BEGIN", *statements, "COMMIT"]))
        failpoints.reached("load")
        directories = [s.directory for s in shards]
        # A table a cursor, side by side: one INSERT at a time kept DuckDB at 1.1 of 2 cores
        # (measured); each INSERT keeps its own table's order.
        side_by_side(
            con, lambda cursor, d: _insert(cursor, d, _files(d, directories)), list(DATASETS)
        )
        _record_shards(con, shards)
        create_views(con)
        counts = table_counts(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return counts


def unreadable(path: Path) -> str | None:
    """Why the warehouse file at `path` cannot be used (missing, not a DuckDB file, damaged),
    or None when it opens and has its run history."""
    if not path.exists():
        return "it is missing"
    try:
        con = connect(path, read_only=True)
        try:
            con.sql("SELECT count(*) FROM meta.runs").fetchall()
        finally:
            con.close()
    except duckdb.Error as exc:
        return f"it cannot be read ({str(exc).splitlines()[0]})"
    return None


def set_aside(path: Path, suffix: str) -> Path | None:
    """Rename a damaged warehouse file (and its WAL) out of the way, keeping it for a look."""
    if not path.exists():
        return None
    kept = path.with_name(f"{path.name}.damaged-{suffix}")
    path.rename(kept)
    wal = path.with_name(f"{path.name}.wal")
    if wal.exists():
        wal.rename(kept.with_name(f"{kept.name}.wal"))
    return kept


def recorded_shards(path: Path) -> dict[str, str]:
    """The shards (name → kind) the warehouse at `path` was built from; {} when there is none or
    it predates meta.shards."""
    if not path.exists():
        return {}
    con = connect(path, read_only=True)
    try:
        return dict(con.sql("SELECT shard, kind FROM meta.shards").fetchall())
    except duckdb.CatalogException:
        return {}
    finally:
        con.close()


# Tables no shard fills: the run computes or records them for the whole warehouse.
DERIVED = (
    "quality.checks",
    "meta.release_changes",
    "meta.shards",
    "meta.runs",
    "meta.pulled_files",
)


def update_database(
    live: Path, building: Path, shards: list[Shard], removed: list[Path], added: list[Path]
) -> dict[str, int]:
    """A copy of the live warehouse with the rows of the `removed` shards deleted and those of the
    `added` ones (the build's shards the live warehouse lacks) inserted, in one transaction; the
    DERIVED tables are emptied, to be filled again. Same rows as build_database."""
    shutil.copyfile(live, building)
    failpoints.reached("update")
    con = connect(building)
    try:
        con.execute("BEGIN")
        for dataset in DATASETS:
            gone = _files(dataset, removed)
            if gone:
                _delete(con, dataset, gone)
            _insert(con, dataset, _files(dataset, added))
        for derived in DERIVED:
            con.execute(f"DELETE FROM {derived}")
        _record_shards(con, shards)
        con.execute("COMMIT")
        counts = table_counts(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return counts


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {d.name: con.sql(f"SELECT count(*) FROM {d.name}").fetchall()[0][0] for d in DATASETS}


def swap_in(building: Path, live: Path) -> None:
    """Atomic rename over the live file: readers see the old warehouse or the new one, never half."""
    _fsync(building)
    os.replace(building, live)
    _fsync(live.parent)


def _files(dataset: Dataset, directories: list[Path]) -> list[str]:
    return [
        str(d / f"{dataset.name}.parquet")
        for d in directories
        if (d / f"{dataset.name}.parquet").exists()
    ]


def _insert(con: duckdb.DuckDBPyConnection, dataset: Dataset, files: list[str]) -> None:
    """Append the rows of shard files in shard order (DuckDB keeps insertion order), streamed:
    not sorted, which would hold the whole dataset in memory; the release sorts each part, and
    queries that need an order say ORDER BY. The path list is bound, not spliced (a warehouse
    path may hold quotes)."""
    if not files:
        return
    con.execute(
        f"INSERT INTO {dataset.name} SELECT {sql_names(dataset.columns())} FROM read_parquet($files)",
        {"files": files},
    )


def _delete(con: duckdb.DuckDBPyConnection, dataset: Dataset, files: list[str]) -> None:
    """Delete the rows these shard files hold, matched on the dataset's key (nulls equal)."""
    keys = sql_names(dataset.key)
    matches = " AND ".join(
        f'{dataset.name}."{k}" IS NOT DISTINCT FROM gone."{k}"' for k in dataset.key
    )
    con.execute(
        f"DELETE FROM {dataset.name} USING (SELECT DISTINCT {keys} FROM read_parquet($files)) gone"
        f" WHERE {matches}",
        {"files": files},
    )


def _record_shards(con: duckdb.DuckDBPyConnection, shards: list[Shard]) -> None:
    rows = [(s.directory.name, n, s.kind) for n, s in enumerate(shards)]
    con.executemany("INSERT INTO meta.shards VALUES (?, ?, ?)", rows)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
