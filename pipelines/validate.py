"""Row-level pandera validation that quarantines failing rows, and the cross-dataset checks.

A failing row goes to quality.quarantine with a sentence a person can act on; its
siblings carry on. Frames are validated collected (a LazyFrame would only get schema checks).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pandera.polars as pa
import polars as pl

from pipelines.read.text import brief
from schemas import Dataset

ROW = "_row"
LINE = "_line"
_TRUE = ("true", "t", "yes", "y", "1")
_FALSE = ("false", "f", "no", "n", "0")


class DatasetShapeError(ValueError):
    """The frame as a whole does not fit the schema (missing or unknown columns)."""


@dataclass
class Validated:
    frame: pl.DataFrame
    quarantine: list[dict[str, Any]] = field(default_factory=list)


def from_text(dataset: Dataset, frame: pl.DataFrame, context: dict[str, Any]) -> Validated:
    """Cast an all-text frame (a CSV) to the dataset's dtypes; uncastable cells are quarantined,
    rows with every cell empty skipped."""
    expected = dataset.polars_schema()
    missing = [name for name in expected if name not in frame.columns]
    unknown = [name for name in frame.columns if name not in expected]
    if missing or unknown:
        raise DatasetShapeError(
            f"header does not match {dataset.name}: missing {missing}, unknown {unknown}"
        )
    frame = (
        frame.select(expected.names())
        .with_row_index(ROW)
        .with_columns((pl.col(ROW) + 2).alias(LINE))
        .filter(~pl.all_horizontal(pl.col(expected.names()).str.strip_chars().fill_null("") == ""))
    )
    casts = {
        name: _cast_text(pl.col(name), dtype)
        for name, dtype in expected.items()
        if dtype != pl.String
    }
    cast = frame.with_columns(**casts)
    quarantine, bad = [], set()
    for name in casts:
        text = frame[name]
        failed = frame.filter(
            cast[name].is_null() & text.is_not_null() & (text.str.strip_chars() != "")
        )
        for row in failed.to_dicts():
            bad.add(row[ROW])
            message = f"{name} {brief(row[name])} is not a valid {expected[name]}"
            quarantine.append(
                quarantine_row(dataset, row, context, name, "dtype", row[name], message)
            )
    return Validated(cast.filter(~pl.col(ROW).is_in(list(bad))).drop(ROW), quarantine)


def validate_rows(
    dataset: Dataset,
    frame: pl.DataFrame,
    vocabularies: dict[str, set[str]],
    context: dict[str, Any] | None = None,
) -> Validated:
    """Validate every row at once (lazy=True); failing rows leave the frame for the quarantine."""
    schema = _bind_vocabularies(dataset, vocabularies)
    frame, lines = _split_lines(frame)
    frame = frame.cast(dataset.polars_schema()).with_row_index(ROW)  # type: ignore[arg-type]
    if lines is not None:
        frame = frame.with_columns(lines.alias(LINE))
    try:
        schema.validate(frame.drop(ROW, LINE, strict=False), lazy=True)
        return Validated(frame.drop(ROW, LINE, strict=False))
    except pa.errors.SchemaErrors as errors:
        failures = errors.failure_cases
    if failures["index"].is_null().any():
        summary = failures.filter(pl.col("index").is_null()).select("column", "check").rows()
        raise DatasetShapeError(f"{dataset.name} does not fit its schema: {summary}")
    failures, firsts = _first_of_each_repeat(failures)
    quarantine = []
    wanted = pl.concat([failures["index"], pl.Series(list(firsts.values()), dtype=pl.Int32)])
    records = {
        row[ROW]: row for row in frame.filter(pl.col(ROW).is_in(wanted.implode())).to_dicts()
    }
    for failure in failures.iter_rows(named=True):
        row = records[failure["index"]]
        column, check = failure["column"], failure["check"]
        if check == "field_uniqueness":
            first = records[firsts[(column, failure["failure_case"])]]
            value = row.get(column)
            message = _repeat(dataset, column, value, first)
        elif column in schema.columns:
            value = row.get(column)
            message = _message(dataset, schema, column, check, value, row)
        else:  # a check across columns: name the values it looked at
            named = [f"{name}={row[name]}" for name in row if re.search(rf"\b{name}\b", check)]
            column, value, message = None, None, f"{check} ({', '.join(named)})"
        quarantine.append(
            quarantine_row(dataset, row, context or {}, column, check, value, message)
        )
    return Validated(
        frame.filter(~pl.col(ROW).is_in(failures["index"].implode())).drop(ROW, LINE, strict=False),
        quarantine,
    )


def orphan_citations(
    citations: pl.DataFrame, references: pl.DataFrame, citing_ids: set[str], dataset: Dataset
) -> Validated:
    """Citations must point at a reference of the same document, from a row that was kept."""
    known_references = set(references["reference_id"].to_list())
    keep, quarantine = [], []
    for row in citations.to_dicts():
        if row["reference_id"] not in known_references:
            message = f"citation marker [{row['ref_no']}] has no reference {row['ref_no']} in the document's reference list; fix the marker or add the reference"
            quarantine.append(
                quarantine_row(
                    dataset, row, {}, "ref_no", "reference_exists", row["ref_no"], message
                )
            )
        elif row["citing_id"] not in citing_ids:
            message = f"the {row['citing_dataset']} row {row['citing_id']} citing reference {row['ref_no']} was quarantined; fix that row and the citation returns"
            quarantine.append(
                quarantine_row(
                    dataset, row, {}, "citing_id", "citing_row_kept", row["citing_id"], message
                )
            )
        else:
            keep.append(row)
    return Validated(dataset.frame(keep), quarantine)


def _first_of_each_repeat(
    failures: pl.DataFrame,
) -> tuple[pl.DataFrame, dict[tuple[str, str], int]]:
    """Failures without the first row of each repeated value (pandera names every member of a
    duplicate group: keeping none would lose a vocabulary term to one pasted line), and the
    first row of each (column, value)."""
    repeats = failures.filter(pl.col("check") == "field_uniqueness")
    if repeats.is_empty():
        return failures, {}
    firsts = repeats.group_by("column", "failure_case").agg(pl.col("index").min())
    kept = {(column, value): index for column, value, index in firsts.iter_rows()}
    exempt = firsts.with_columns(check=pl.lit("field_uniqueness"))
    remaining = failures.join(
        exempt, on=["column", "failure_case", "check", "index"], how="anti", nulls_equal=True
    )
    return remaining, kept


def _repeat(dataset: Dataset, column: str, value: Any, first: dict) -> str:
    where = first.get("line_no") if isinstance(first.get("line_no"), int) else first.get(LINE)
    kept = f"the first, on line {where}, is kept" if where else "the first is kept"
    return (
        f"{column} {brief(value)} occurs more than once in {dataset.name}; {kept}, this one is not"
    )


def _split_lines(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series | None]:
    if LINE in frame.columns:
        return frame.drop(LINE), frame[LINE]
    return frame, None


def _bind_vocabularies(dataset: Dataset, vocabularies: dict[str, set[str]]) -> pa.DataFrameSchema:
    """Columns tagged with a vocabulary get an isin check against that vocabulary's ids."""
    schema = dataset.model.to_schema()
    for name, column in schema.columns.items():
        vocabulary = (column.metadata or {}).get("vocabulary")
        if vocabulary in vocabularies:
            check = pa.Check.isin(
                sorted(vocabularies[vocabulary]), error=f"in_vocabulary_{vocabulary}"
            )
            schema = schema.update_column(name, checks=[*column.checks, check])
    return schema


def _message(
    dataset: Dataset, schema: pa.DataFrameSchema, column: str, check: str, value: Any, row: dict
) -> str:
    vocabulary = (
        (schema.columns[column].metadata or {}).get("vocabulary")
        if column in schema.columns
        else None
    )
    if vocabulary and check.startswith("in_vocabulary"):
        return f"{column} {brief(value)} is not in raw/vocab/{vocabulary}.csv; add it (or a synonym) there or correct the source"
    if check == "not_nullable":
        return f"{column} is empty but {dataset.name} requires it"
    pattern = re.fullmatch(r"str_matches\('(.*)'\)", check)
    if pattern:
        return f"{column} {brief(value)} is not of the form {pattern.group(1)} that {dataset.name} requires; correct the source"
    return f"{column} {brief(value)} fails {check}"


def quarantine_row(
    dataset: Dataset,
    row: dict,
    context: dict,
    column: str | None,
    check: str,
    value: Any,
    message: str,
) -> dict[str, Any]:
    """A quarantine row; its message starts with file:line so it stands on its own in any tool."""
    record = {k: v for k, v in row.items() if k not in (ROW, LINE)}
    file = row.get("file") or context.get("file")
    line_no = row.get("line_no") if isinstance(row.get("line_no"), int) else row.get(LINE)
    return {
        "dataset": dataset.name,
        "source_id": row.get("source_id") or context.get("source_id"),
        "file": file,
        "line_no": line_no,
        "row_key": "|".join(str(row.get(k)) for k in dataset.key)
        if all(k in row for k in dataset.key)
        else None,
        "column": column,
        "check": check,
        "value": None if value is None else str(value),
        "message": f"{file}:{line_no}: {message}" if file and line_no else message,
        "record": json.dumps(record, default=str, ensure_ascii=False, sort_keys=True),
    }


def _cast_text(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.Boolean:
        lowered = column.str.strip_chars().str.to_lowercase()
        return (
            pl.when(lowered.is_in(_TRUE))
            .then(True)
            .when(lowered.is_in(_FALSE))
            .then(False)
            .otherwise(None)
        )
    return column.str.strip_chars().cast(dtype, strict=False)
