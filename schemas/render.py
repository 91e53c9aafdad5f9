"""Everything generated from the schemas: DuckDB DDL with COMMENTs, Frictionless fields, the data dictionary."""

from __future__ import annotations

import json
from collections.abc import Iterable

import polars as pl

from schemas import DATASETS, SCHEMA_VERSION, Dataset

_DUCKDB_TYPES = {
    pl.String: "VARCHAR",
    pl.Int64: "BIGINT",
    pl.Int32: "INTEGER",
    pl.Float64: "DOUBLE",
    pl.Boolean: "BOOLEAN",
}
_MEDIA_TYPES = {"parquet": "application/vnd.apache.parquet", "csv": "text/csv"}
_FRICTIONLESS_TYPES = {
    pl.String: "string",
    pl.Int64: "integer",
    pl.Int32: "integer",
    pl.Float64: "number",
    pl.Boolean: "boolean",
}


def duckdb_type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.List):
        return f"{duckdb_type(dtype.inner)}[]"
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMPTZ" if dtype.time_zone else "TIMESTAMP"
    return _DUCKDB_TYPES[dtype.base_type()]


def frictionless_type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.List):
        return "array"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    return _FRICTIONLESS_TYPES[dtype.base_type()]


def ddl(dataset: Dataset) -> list[str]:
    """CREATE TABLE and COMMENT statements for one dataset."""
    columns = dataset.columns()
    body = ",\n  ".join(
        f'"{name}" {duckdb_type(column.dtype.type)}{"" if column.nullable else " NOT NULL"}'
        for name, column in columns.items()
    )
    statements = [f"CREATE TABLE {dataset.name} (\n  {body}\n)"]
    statements.append(f"COMMENT ON TABLE {dataset.name} IS {sql_literal(dataset.description)}")
    statements += [
        f'COMMENT ON COLUMN {dataset.name}."{name}" IS {sql_literal(column.description or "")}'
        for name, column in columns.items()
    ]
    return statements


def datapackage(files: list[dict], file_format: str = "parquet") -> dict:
    """A Frictionless data package; `files` gives each part's dataset, path and size. A dataset
    is one resource whose path lists its parts (Frictionless's multipart resource: the parts
    read as one table; for CSV, the header of every part after the first is skipped). The CSV
    rendition writes list columns as JSON arrays, the form Frictionless reads as `array`."""
    parts: dict[str, list[dict]] = {}
    for entry in files:
        parts.setdefault(entry["dataset"], []).append(entry)
    return {
        "profile": "tabular-data-package" if file_format == "csv" else "data-package",
        "name": "dermevidence" if file_format == "parquet" else f"dermevidence-{file_format}",
        "title": "dermevidence evidence warehouse",
        "version": SCHEMA_VERSION,
        "resources": [
            _resource(dataset, parts[dataset.name], file_format)
            for dataset in DATASETS
            if dataset.name in parts
        ],
    }


def parquet_metadata(dataset: Dataset) -> dict[str, str]:
    """Key-value metadata every Parquet file carries, so a consumer with only the file can read
    what it is: the dataset, its description, the schema version and each column's description."""
    return {
        "dermevidence.dataset": dataset.name,
        "dermevidence.description": dataset.description,
        "dermevidence.schema_version": SCHEMA_VERSION,
        "dermevidence.columns": json.dumps(
            {name: column.description or "" for name, column in dataset.columns().items()},
            ensure_ascii=False,
        ),
    }


def data_dictionary() -> str:
    """The Markdown data dictionary in docs/; a test fails when the committed copy drifts."""
    lines = [
        "# Data dictionary",
        "",
        f"Generated from `schemas/` (schema version {SCHEMA_VERSION}) by `dermevidence docs`; do not edit by hand.",
        "",
    ]
    for dataset in DATASETS:
        published = "published as Parquet" if dataset.published else "DuckDB only"
        lines += [
            f"## `{dataset.name}`",
            "",
            f"{dataset.description} Key: `{', '.join(dataset.key)}`; {published}.",
            "",
        ]
        lines += ["| column | type | required | description |", "| --- | --- | --- | --- |"]
        for name, column in dataset.columns().items():
            required = "no" if column.nullable else "yes"
            lines.append(
                f"| `{name}` | {duckdb_type(column.dtype.type)} | {required} | {column.description or ''} |"
            )
        lines.append("")
    return "\n".join(lines)


def _resource(dataset: Dataset, parts: list[dict], file_format: str) -> dict:
    fields = [
        {
            "name": name,
            "type": frictionless_type(column.dtype.type),
            "description": column.description or "",
            "constraints": {"required": not column.nullable},
        }
        for name, column in dataset.columns().items()
    ]
    return {
        **({"profile": "tabular-data-resource"} if file_format == "csv" else {}),
        "name": dataset.name.replace(".", "_"),
        "path": [part["path"] for part in parts],
        "format": file_format,
        "mediatype": _MEDIA_TYPES[file_format],
        "description": dataset.description,
        # One file: its size and hash; several: per part in the manifest (Frictionless counts
        # the bytes of the parts joined, less the CSV headers it skips).
        **(
            {"bytes": parts[0]["bytes"], "hash": f"sha256:{parts[0]['sha256']}"}
            if len(parts) == 1
            else {}
        ),
        "schema": {"fields": fields, "primaryKey": list(dataset.key)},
    }


def sql_names(names: Iterable[str]) -> str:
    """Column names quoted and joined for a SELECT list, an ORDER BY or a GROUP BY."""
    return ", ".join(f'"{name}"' for name in names)


def sql_literal(text: str) -> str:
    """A SQL string literal (COMMENTs, Parquet metadata)."""
    return "'" + text.replace("'", "''") + "'"
