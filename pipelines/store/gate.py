"""The publish gate: a release never silently loses what the live release had from a source.

It judges what a source yields, not only whether it failed. A registry entry (or the
vocabularies, whose rows name no file) blocks the publish when:
- it yields fewer rows of a dataset than in the live release and has a source error the live
  release did not have (a path that matches no file, a file that no longer reads as its kind);
- its rows of a dataset fall sharply with no error to say why: to under half of the live
  release's, for the entry as a whole or for a document it still has (a page that now reads as
  an empty guide, a vocabulary file emptied or deleted);
- its vocabularies lose an id that rows of the live release use (a term removed, or a line made
  unreadable, that findings or estimates are linked to).
Rows lost by a small edit with no error pass; so do documents taken out of a folder and entries
taken out of the registry. The live side is read from the live release's Parquet parts, what
consumers have, so the gate holds also when the warehouse file is being rebuilt; from the live
warehouse file when those parts are damaged.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
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
# (dataset, column, vocabulary): the published columns that hold a vocabulary's ids.
LINKED = tuple(
    (d.name, name, column.metadata["vocabulary"])
    for d in DATASETS
    if d.name in SOURCED
    for name, column in d.columns().items()
    if (column.metadata or {}).get("vocabulary")
)
SHOWN = 3
# A source's rows of a dataset "fall sharply" below this share of the live release's.
SHARP_FALL = 0.5


@dataclass(frozen=True)
class Loss:
    """What publishing would lose from one entry, and why: errors, or the fall itself."""

    entry: str
    what: str  # "would lose 28 ref.outcomes rows"
    reasons: tuple[str, ...]
    advice: str = ""

    def sentence(self) -> str:
        shown = "; ".join(self.reasons[:SHOWN])
        more = f" (and {len(self.reasons) - SHOWN} more)" if len(self.reasons) > SHOWN else ""
        return f"{self.entry} {self.what}: {shown}{more}{self.advice}"


class LiveUnreadable(Exception):
    """The live release cannot be read, so there is nothing to compare the new one with."""


def losses(
    live: Path,
    building: Path,
    entries: Sequence[tuple[str, str]],
    present: Collection[str] = (),
) -> list[Loss]:
    """The entries (id, kind) of this registry that would shrink the `live` release (a release
    folder, or the live warehouse file when the release's files are damaged); `present`: the
    source ids pulled this run (a document gone from them was taken out, not lost).
    LiveUnreadable when the live side cannot be read."""
    try:
        session = connect(live, read_only=True) if live.is_file() else _release(live)
        before = _read(session, entries)
    except (duckdb.Error, OSError, ValueError, KeyError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise LiveUnreadable(f"{live}: {type(exc).__name__}: {first}") from exc
    now = _read(connect(building, read_only=True), entries)
    new_errors = now["errors"].join(before["errors"], on=["entry", "message"], how="anti")
    falls = _sharp_falls(before["documents"], now["documents"], set(present))
    unlinked = _lost_ids(before["used"], now["ids"])
    found = []
    for entry, kind in entries:
        shrunk = (
            now["rows"]
            .filter(pl.col("entry") == entry)
            .join(before["rows"].filter(pl.col("entry") == entry), on="dataset", how="right")
            .with_columns(lost=pl.col("rows_right") - pl.col("rows").fill_null(0))
            .filter(pl.col("lost") > 0)
            .sort("dataset")
        )
        lost = ", ".join(
            f"{n:,} {dataset}" for dataset, n in shrunk.select("dataset", "lost").rows()
        )
        errors = new_errors.filter(pl.col("entry") == entry)["message"].sort().to_list()
        entry_falls = [
            f"its {dataset} rows fall from {was:,} to {left or 0:,}, with no error to say why"
            for dataset, was, left in shrunk.select("dataset", "rows_right", "rows").iter_rows()
            if (left or 0) < SHARP_FALL * was
        ]
        document_falls = falls.filter(_owned(entry))["reason"].to_list()
        if lost and errors:
            found.append(Loss(entry, f"would lose {lost} rows", tuple(errors)))
        elif lost and (entry_falls or document_falls):
            reasons = tuple(document_falls or entry_falls)
            found.append(Loss(entry, f"would lose {lost} rows", reasons, _CHECK))
        if unlinked and kind == "vocab":
            what = f"would drop {len(unlinked):,} vocabulary ids that rows of the live release use"
            found.append(Loss(entry, what, tuple(unlinked)))
    return found


_CHECK = "; check the file (an error page, an emptied table?), or publish with --allow-shrink"


def _sharp_falls(before: pl.DataFrame, now: pl.DataFrame, present: set[str]) -> pl.DataFrame:
    """(source_id, reason) for each document still pulled whose rows of a dataset fall sharply."""
    joined = (
        before.filter(pl.col("source_id").is_in(list(present)))
        .join(now, on=["source_id", "dataset"], how="left", suffix="_now")
        .with_columns(pl.col("n_now").fill_null(0))
        .filter(pl.col("n_now") < SHARP_FALL * pl.col("n"))
        .sort("source_id", "dataset")
    )
    return joined.select(
        "source_id",
        reason=pl.format(
            "{} yields {} of its {} {} rows, with no error to say why",
            "source_id",
            "n_now",
            "n",
            "dataset",
        ),
    )


def _lost_ids(used: pl.DataFrame, ids: pl.DataFrame) -> list[str]:
    """'ref.X id 'y' (n rows of core.Z)' for each id live rows use that the new vocabulary lacks."""
    gone = used.join(ids, on=["vocabulary", "id"], how="anti").sort("vocabulary", "id", "dataset")
    phrases = []
    for (vocabulary, term), rows in gone.group_by("vocabulary", "id", maintain_order=True):
        counts = ", ".join(f"{n:,} {dataset}" for dataset, n in rows.select("dataset", "n").rows())
        phrases.append(f"ref.{vocabulary} {term!r} ({counts} rows)")
    return phrases


def _owned(entry: str) -> pl.Expr:
    return (pl.col("source_id") == entry) | pl.col("source_id").str.starts_with(f"{entry}/")


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
# The vocabulary ids rows use, and those a vocabulary has.
_USED = (
    "SELECT '{vocabulary}' AS vocabulary, {column} AS id, '{name}' AS dataset, count(*) AS n "
    "FROM {name} WHERE {column} IS NOT NULL GROUP BY ALL"
)
_IDS = "SELECT '{vocabulary}' AS vocabulary, id FROM ref.{vocabulary}"
_ID_TABLES = [(f"ref.{v}", "id", v) for v in sorted({v for _, _, v in LINKED})]
_IDS_SCHEMA = {"vocabulary": pl.String, "id": pl.String}
_USED_SCHEMA = {**_IDS_SCHEMA, "dataset": pl.String, "n": pl.Int64}
# Which entry a row's document (source_id: the entry id, or "<entry id>/<file name>") belongs to.
_OWNED = "s.source_id = e.entry OR starts_with(s.source_id, e.entry || '/')"


def _read(
    con: duckdb.DuckDBPyConnection, entries: Sequence[tuple[str, str]]
) -> dict[str, pl.DataFrame]:
    """From a warehouse or a release (`con`, closed here): rows per document and dataset, rows per
    entry and dataset, the entries' source errors as sentences, the vocabulary ids rows use and
    those each vocabulary has. A vocabulary entry's rows are those of every vocabulary (their
    rows name no file). Rows are counted per document first (a hash aggregate), so the join on a
    condition that is no equality meets a few thousand documents, not every row."""
    try:
        tables = {
            f"{schema}.{name}"
            for schema, name in con.sql(
                "SELECT schema_name, table_name FROM duckdb_tables() UNION ALL "
                "SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        }
        con.register("entries", pl.DataFrame(list(entries), schema=["entry", "kind"], orient="row"))
        documents = con.sql(_each(SOURCED, tables, _PER_DOCUMENT)).pl()
        con.register("documents", documents)
        rows = con.sql(
            "SELECT e.entry, s.dataset, sum(s.n)::BIGINT AS rows FROM documents s "
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
        used = _union(con, _USED, LINKED, tables, _USED_SCHEMA)
        ids = _union(con, _IDS, _ID_TABLES, tables, _IDS_SCHEMA)
    finally:
        con.close()
    return {
        "documents": documents.cast({"n": pl.Int64}),
        "rows": pl.concat([rows, vocabulary.cast(rows.schema)]),
        "errors": errors,
        "used": used,
        "ids": ids,
    }


def _union(
    con: duckdb.DuckDBPyConnection,
    select: str,
    named: Sequence[tuple[str, str, str]],
    tables: set[str],
    schema: dict[str, type[pl.DataType]],
) -> pl.DataFrame:
    """`select` over each (dataset, column, vocabulary) the session has, as one frame."""
    parts = [
        select.format(name=name, column=column, vocabulary=vocabulary)
        for name, column, vocabulary in named
        if name in tables
    ]
    if not parts:
        return pl.DataFrame(schema=schema)
    return con.sql(" UNION ALL ".join(parts)).pl().cast(schema)  # type: ignore[arg-type]


def _each(names: Sequence[str], tables: set[str], select: str) -> str:
    """`select` for every dataset of `names` the session has, as one UNION ALL."""
    return " UNION ALL ".join(select.format(name=name) for name in names if name in tables)
