"""quality.*: what failed, and why, in words a person can act on."""

import pandera.polars as pa

from schemas.base import Dataset, Model


class Quarantine(Model):
    dataset: str = pa.Field(description="Dataset the row was meant for (e.g. core.findings).")
    source_id: str | None = pa.Field(nullable=True, description="Document the row comes from.")
    file: str | None = pa.Field(nullable=True, description="Input file, relative to the registry.")
    line_no: int | None = pa.Field(nullable=True, ge=1, description="Line of the input file.")
    row_key: str | None = pa.Field(
        nullable=True, description="Key of the rejected row in its dataset."
    )
    column: str | None = pa.Field(nullable=True, description="Column that failed.")
    check: str = pa.Field(description="Check that failed.")
    value: str | None = pa.Field(nullable=True, description="Offending value, as text.")
    message: str = pa.Field(description="What is wrong and how to fix it.")
    record: str = pa.Field(description="The whole rejected row as JSON, so nothing is lost.")


class SourceErrors(Model):
    source_id: str = pa.Field(description="Registry entry or document that failed.")
    file: str | None = pa.Field(nullable=True, description="Input file, relative to the registry.")
    line_no: int | None = pa.Field(
        nullable=True, ge=1, description="Line of the input file, when known."
    )
    error: str = pa.Field(
        description="Short error category (unreadable, not_a_guide, table_shape, ...)."
    )
    message: str = pa.Field(description="What is wrong and how to fix it.")


class Checks(Model):
    check_name: str = pa.Field(unique=True, description="Name of the cross-dataset check.")
    dataset: str = pa.Field(description="Dataset the check is about.")
    status: str = pa.Field(
        isin=["pass", "warn", "fail"],
        description="pass, warn (reported, does not fail --strict) or fail.",
    )
    failing_rows: int = pa.Field(ge=0, description="Rows that break the rule.")
    detail: str = pa.Field(description="What the check asserts, and a sample of the failures.")


DATASETS = (
    Dataset(
        name="quality.quarantine",
        model=Quarantine,
        description="Rows that failed a check, one row per failure, with the reason and the whole row.",
        key=("dataset", "source_id", "line_no", "row_key", "column", "check"),
    ),
    Dataset(
        name="quality.source_errors",
        model=SourceErrors,
        description="Files or registry entries that could not be used at all, or a part of a file that could not be parsed.",
        key=("source_id", "file", "line_no", "error"),
    ),
    Dataset(
        name="quality.checks",
        model=Checks,
        description="Cross-dataset checks run on the loaded warehouse, one row per check.",
        key=("check_name",),
    ),
)
