"""The publish gate: a release never silently loses what the live release had from a source.

One rule: a registry entry (or the vocabularies, whose rows name no file) that yields fewer rows
than in the live release, and has a source error the live release did not have, blocks the
publish. Rows lost to an edit with no error pass; so does an entry taken out of the registry.
The live side is read from the live release's Parquet parts, what consumers have, so the gate
holds also when the warehouse file is being rebuilt.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipelines.store.load import connect
from pipelines.store.publish import MANIFEST
from schemas import DATASETS, vocabularies

# Published datasets whose rows name the source they came from (Provenance's source_id).
SOURCED = tuple(
    d.name for d in DATASETS if d.published and d.schema == "core" and "source_id" in d.columns()
)
VOCABULARY = tuple(d.name for d in vocabularies.DATASETS)
SHOWN_ERRORS = 3


@dataclass(frozen=True)
class Loss:
    """What publishing would lose from one entry, and the errors that explain it."""

    entry: str
    rows: dict[str, int]  # dataset → rows fewer than in the live release
    errors: tuple[str, ...]

    def sentence(self) -> str:
        lost = ", ".join(f"{n:,} {dataset}" for dataset, n in self.rows.items())
        shown = "; ".join(self.errors[:SHOWN_ERRORS])
        more = (
            f" (and {len(self.errors) - SHOWN_ERRORS} more)"
            if len(self.errors) > SHOWN_ERRORS
            else ""
        )
        return f"{self.entry} would lose {lost} rows: {shown}{more}"


class LiveUnreadable(Exception):
    """The live release cannot be read, so there is nothing to compare the new one with."""


def losses(live: Path, building: Path, entries: Sequence[tuple[str, str]]) -> list[Loss]:
    """The entries (id, kind) of this registry that would shrink the `live` release (a release
    folder) because of an error. LiveUnreadable when that release cannot be read."""
    try:
        before = _read(_release(live), entries)
    except (duckdb.Error, OSError, ValueError, KeyError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise LiveUnreadable(f"{live}: {type(exc).__name__}: {first}") from exc
    now = _read(connect(building, read_only=True), entries)
    new_errors = now["errors"].join(before["errors"], on=["entry", "message"], how="anti")
    found = []
    for entry, _kind in entries:
        shrunk = (
            now["rows"]
            .filter(pl.col("entry") == entry)
            .join(before["rows"].filter(pl.col("entry") == entry), on="dataset", how="right")
            .with_columns(lost=pl.col("rows_right") - pl.col("rows").fill_null(0))
            .filter(pl.col("lost") > 0)
            .sort("dataset")
        )
        errors = new_errors.filter(pl.col("entry") == entry)["message"].sort().to_list()
        if not shrunk.is_empty() and errors:
            lost = dict(shrunk.select("dataset", "lost").iter_rows())
            found.append(Loss(entry, lost, tuple(errors)))
    return found


def _release(folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory session whose tables are views over a release's Parquet parts."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    parts: dict[str, list[str]] = {}
    for entry in manifest["files"]:
        parts.setdefault(entry["dataset"], []).append(str(folder / entry["path"]))
    con = duckdb.connect()
    for name, files in parts.items():
        schema, table = name.split(".")
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        listed = ", ".join("'" + file.replace("'", "''") + "'" for file in files)
        con.execute(f"CREATE VIEW {schema}.{table} AS SELECT * FROM read_parquet([{listed}])")
    return con


# Rows counted per document of a dataset, and per dataset (vocabularies name no document).
_PER_DOCUMENT = "SELECT '{name}' AS dataset, source_id, count(*) AS n FROM {name} GROUP BY ALL"
_PER_TABLE = "SELECT '{name}' AS dataset, count(*) AS n FROM {name}"
# Which entry a row's document (source_id: the entry id, or "<entry id>/<file name>") belongs to.
_OWNED = "s.source_id = e.entry OR starts_with(s.source_id, e.entry || '/')"


def _read(
    con: duckdb.DuckDBPyConnection, entries: Sequence[tuple[str, str]]
) -> dict[str, pl.DataFrame]:
    """Rows per entry and dataset, and the entries' source errors as sentences, from a warehouse
    or a release (`con`, closed here). A vocabulary entry's rows are those of every vocabulary
    (their rows name no file). Rows are counted per document first (a hash aggregate), so the
    join on a condition that is no equality meets a few thousand documents, not every row."""
    try:
        tables = {
            f"{schema}.{name}"
            for schema, name in con.sql(
                "SELECT schema_name, table_name FROM duckdb_tables() UNION ALL "
                "SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        }
        con.register("entries", pl.DataFrame(list(entries), schema=["entry", "kind"], orient="row"))
        documents = _each(SOURCED, tables, _PER_DOCUMENT)
        rows = con.sql(
            f"SELECT e.entry, s.dataset, sum(s.n)::BIGINT AS rows FROM ({documents}) s "
            f"JOIN entries e ON e.kind <> 'vocab' AND ({_OWNED}) GROUP BY ALL"
        ).pl()
        vocabularies = _each(VOCABULARY, tables, _PER_TABLE)
        vocabulary = con.sql(
            f"SELECT e.entry, v.dataset, v.n AS rows FROM ({vocabularies}) v "
            "JOIN entries e ON e.kind = 'vocab'"
        ).pl()
        errors = con.sql(
            "SELECT DISTINCT e.entry, coalesce(s.file || ': ', '') || s.message AS message "
            f"FROM quality.source_errors s JOIN entries e ON {_OWNED}"
        ).pl()
    finally:
        con.close()
    return {"rows": pl.concat([rows, vocabulary.cast(rows.schema)]), "errors": errors}


def _each(names: Sequence[str], tables: set[str], select: str) -> str:
    """`select` for every dataset of `names` the session has, as one UNION ALL."""
    return " UNION ALL ".join(select.format(name=name) for name in names if name in tables)
