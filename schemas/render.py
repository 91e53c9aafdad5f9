"""Everything generated from the schemas: DuckDB DDL with COMMENTs (tables and views), Frictionless
fields, Parquet metadata, the data dictionary."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import polars as pl
import pyarrow as pa

from schemas import DATASETS, SCHEMA_VERSION, WAREHOUSE_SCHEMAS, Dataset
from schemas.views import VIEWS, View

_DUCKDB_TYPES = {
    pl.String: "VARCHAR",
    pl.Int64: "BIGINT",
    pl.Int32: "INTEGER",
    pl.Float64: "DOUBLE",
    pl.Boolean: "BOOLEAN",
}
# How the CSV rendition writes a null: R's read.csv reads NA as missing in every column type.
CSV_MISSING = "NA"
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


def create_views(con: Any) -> None:
    """Every view of schemas/views.py with COMMENTs on it and on each of its columns, in one
    transaction; a view column schemas/ does not describe is an error."""
    for view in VIEWS:
        con.execute(f"CREATE VIEW {view.name} AS {view.query}")
    statements = []
    for view in VIEWS:
        statements.append(f"COMMENT ON VIEW {view.name} IS {sql_literal(view.description)}")
        for column, _ in view_columns(con, view):
            description = view.describe(column)
            if description is None:
                raise ValueError(f"{view.name}.{column} has no description in schemas/views.py")
            statements.append(
                f'COMMENT ON COLUMN {view.name}."{column}" IS {sql_literal(description)}'
            )
    con.execute(";\n".join(["BEGIN", *statements, "COMMIT"]))


def view_columns(con: Any, view: View) -> list[tuple[str, str]]:
    """(name, DuckDB type) of each column of a created view."""
    return [(row[0], row[1]) for row in con.execute(f"DESCRIBE {view.name}").fetchall()]


def arrow_schema(dataset: Dataset, schema: pa.Schema) -> pa.Schema:
    """`schema` (the columns as DuckDB hands them over) with each field's description in its
    metadata and the dataset's in the schema's."""
    columns = dataset.columns()
    fields = [
        field.with_metadata({"description": columns[field.name].description or ""})
        for field in schema
    ]
    return pa.schema(fields, metadata=parquet_metadata(dataset))


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
    return "\n".join(lines + _view_dictionary())


def _view_dictionary() -> list[str]:
    """The views, from an empty in-memory warehouse built from the same DDL."""
    import duckdb

    con = duckdb.connect()
    try:
        statements = [f"CREATE SCHEMA {schema}" for schema in WAREHOUSE_SCHEMAS]
        statements += [statement for dataset in DATASETS for statement in ddl(dataset)]
        con.execute(";\n".join(statements))
        create_views(con)
        lines = []
        for view in VIEWS:
            lines += [f"## `{view.name}` (view)", "", view.description, ""]
            lines += ["| column | type | description |", "| --- | --- | --- |"]
            lines += [
                f"| `{name}` | {kind} | {view.describe(name)} |"
                for name, kind in view_columns(con, view)
            ]
            lines.append("")
        return lines
    finally:
        con.close()


def _resource(dataset: Dataset, parts: list[dict], file_format: str) -> dict:
    fields = [
        {
            "name": name,
            "type": _field_type(column.dtype.type, file_format),
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
        # One CSV file: its size and hash; several: per part in the manifest (Frictionless counts
        # the bytes of the parts joined, less the CSV headers it skips). Parquet files: in the
        # manifest only (Frictionless measures no bytes of a Parquet file).
        **(
            {"bytes": parts[0]["bytes"], "hash": f"sha256:{parts[0]['sha256']}"}
            if len(parts) == 1 and file_format == "csv"
            else {}
        ),
        "schema": {
            "fields": fields,
            "primaryKey": list(dataset.key),
            # A CSV null is NA, so an empty text is a text. Parquet has nulls of its own, but
            # Frictionless reads a Parquet file through pandas, which makes a null integer NaN.
            "missingValues": [CSV_MISSING] if file_format == "csv" else ["nan"],
        },
    }


def _field_type(dtype: pl.DataType, file_format: str) -> str:
    """The Frictionless type; a list column of a Parquet file is `any` (Frictionless reads
    Parquet lists as arrays of its own that its `array` type refuses), of a CSV file `array`
    (written as JSON)."""
    kind = frictionless_type(dtype)
    return "any" if kind == "array" and file_format == "parquet" else kind


def sql_names(names: Iterable[str]) -> str:
    """Column names quoted and joined for a SELECT list, an ORDER BY or a GROUP BY."""
    return ", ".join(f'"{name}"' for name in names)


def sql_literal(text: str) -> str:
    """A SQL string literal (COMMENTs, Parquet metadata)."""
    return "'" + text.replace("'", "''") + "'"
