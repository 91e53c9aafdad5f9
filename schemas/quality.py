"""quality.*: what failed, and why, in words a person can act on."""

import pandera.polars as pa

from schemas.base import Dataset, Model, Provenance


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


class TermMatches(Provenance):
    vocabulary: str = pa.Field(
        description="Vocabulary the term was looked up in (ref.<vocabulary>)."
    )
    text: str = pa.Field(description="The term as printed.")
    term_id: str | None = pa.Field(
        nullable=True, description="Vocabulary id it was read as; null when it matches no entry."
    )
    method: str = pa.Field(
        isin=[
            "exact",
            "normalized",
            "abbreviation",
            "contained",
            "fuzzy",
            "unmatched",
        ],
        description="How it matched: exact (case and spacing aside), normalized (punctuation, plurals, asides, timepoints, word order, joining words), abbreviation (spelled out as the vocabulary defines it), contained (holds one entry's synonym, or its abbreviation), fuzzy (similar enough, and clearly closer to one entry), unmatched.",
    )
    score: float | None = pa.Field(
        nullable=True, ge=0, le=100, description="Similarity to the entry read (100 unless fuzzy)."
    )
    runner_up: str | None = pa.Field(
        nullable=True,
        description="The closest other entry (for an unmatched term: the closest entry).",
    )
    runner_up_score: float | None = pa.Field(
        nullable=True, ge=0, le=100, description="Fuzzy similarity (rapidfuzz ratio) to runner_up."
    )
    occurrences: int = pa.Field(ge=1, description="How often the document prints it.")


class ColumnRoles(Provenance):
    table_id: str = pa.Field(description="The table (core.tables).")
    table_no: int = pa.Field(ge=1, description="Table number as printed.")
    column_no: int = pa.Field(ge=1, description="1-based position of the column.")
    header: str = pa.Field(description="The column's header as printed (empty when none).")
    role: str | None = pa.Field(
        nullable=True,
        description="The role the column was read in (outcome, comparison, result, evidence_grade, population, condition; parameter, finding, implication in a preclinical table); null when none.",
    )
    header_score: float = pa.Field(
        ge=0, le=1, description="How well the header names the role: 1 a synonym, 0.8 close, 0 not."
    )
    content_score: float = pa.Field(
        ge=0, le=1, description="Share of the column's cells that read as the role."
    )
    decided_by: str = pa.Field(
        isin=["header", "cells", "header and cells", "unassigned"],
        description="What decided the role: the header, the cells, both, or nothing (no role).",
    )


class RowsWithoutEstimate(Provenance):
    table_no: int = pa.Field(ge=1, description="Number of the table on its page, as printed.")
    label: str = pa.Field(description="The row's first cell as printed (outcome or subgroup).")
    printed: str = pa.Field(
        description="What the row prints where an estimate belongs ('Subtotals only', 'Not estimable', '0.0 [0.0, 0.0]')."
    )
    reason: str = pa.Field(description="Why the row gives no estimate, in words.")


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
        name="quality.term_matches",
        model=TermMatches,
        description="How every printed term of a document was read against the vocabularies: one row per document, vocabulary and printed text, with the method, the score and the closest rival, for a person to review.",
        key=("source_id", "vocabulary", "text"),
    ),
    Dataset(
        name="quality.column_roles",
        model=ColumnRoles,
        description="How each column of each table was read: the role it was given and the header and cell scores that decided it, for a person to review.",
        key=("source_id", "table_id", "column_no"),
    ),
    Dataset(
        name="quality.rows_without_estimate",
        model=RowsWithoutEstimate,
        description="Rows of published analysis tables (an estimates source that is not a CSV) that print no estimate, each with why: never read as an estimate of zero.",
        key=("source_id", "file", "line_no"),
    ),
    Dataset(
        name="quality.checks",
        model=Checks,
        description="Cross-dataset checks run on the loaded warehouse, one row per check.",
        key=("check_name",),
    ),
)
