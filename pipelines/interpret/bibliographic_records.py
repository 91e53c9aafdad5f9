"""Bibliographic files → the validated core.bibliographic_records dataset: each record given its
id and first author; bad records quarantined, unreadable files recorded."""

from __future__ import annotations

from typing import Any

import polars as pl

from pipelines.pull.sources import PulledFile, SourceError
from pipelines.read.bibliography import read_records
from pipelines.read.errors import FileError
from pipelines.read.text import stable_id
from pipelines.validate import validate_rows
from schemas import BY_NAME

DATASET = BY_NAME["core.bibliographic_records"]


def load_bibliography(
    files: list[PulledFile],
) -> tuple[dict[str, pl.DataFrame], list[dict[str, Any]], list[SourceError]]:
    """Every record of every file, validated; bad records are quarantined, bad files recorded."""
    rows: list[dict[str, Any]] = []
    errors: list[SourceError] = []
    for pulled in files:
        try:
            record_format, records, issues = read_records(pulled.path.read_bytes())
        except FileError as exc:
            errors.append(SourceError.of(pulled, exc))
            continue
        errors += [SourceError.of(pulled, issue) for issue in issues]
        for position, record in enumerate(records, 1):
            rows.append(
                {
                    **record,
                    "source_id": pulled.source_id,
                    "file": pulled.file,
                    "record_id": stable_id("bib", pulled.source_id, position),
                    "format": record_format,
                    "first_author": record["authors"][0] if record["authors"] else None,
                }
            )
    checked = validate_rows(DATASET, DATASET.frame(rows), {})
    return {DATASET.name: checked.frame}, checked.quarantine, errors
