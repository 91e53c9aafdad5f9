"""Parsed guides → tidy rows for every dataset, given meaning by the vocabularies.

Values the vocabularies do not know are passed through as printed, so that validation
quarantines them with the offending text instead of this module guessing.
"""

from __future__ import annotations

import re
from dataclasses import asdict, replace
from typing import Any

from pipelines.interpret.abbreviations import defined
from pipelines.interpret.citations import citations, reference
from pipelines.interpret.columns import (
    COMPARATIVE,
    PRECLINICAL,
    UNKNOWN,
    ColumnRole,
    TableRoles,
    aligned,
    table_roles,
)
from pipelines.interpret.findings import TableContext, row_findings
from pipelines.interpret.layout import entries
from pipelines.interpret.numbers import convention
from pipelines.interpret.preclinical import preclinical_finding, profiled_compound
from pipelines.interpret.terms import TermLog
from pipelines.interpret.vocab import Vocabulary
from pipelines.pull.sources import PulledFile, SourceError
from pipelines.read.parsed_guide import ParsedGuide
from pipelines.read.tables.model import Row, Table
from pipelines.read.text import citation_numbers, clean, month_number, sentences, stable_id

Rows = dict[str, list[dict[str, Any]]]

_MONTH_YEAR = re.compile(r"(?P<month>[A-Za-z]+)\.?\s+(?P<year>\d{4})")

DATASETS = (
    "core.sources",
    "core.tables",
    "raw.table_cells",
    "core.findings",
    "core.preclinical_findings",
    "core.claims",
    "core.references",
    "core.citations",
    "quality.source_errors",
    "quality.term_matches",
    "quality.column_roles",
)


def normalize_guide(pulled: PulledFile, guide: ParsedGuide, vocab: Vocabulary) -> Rows:
    """Every dataset's rows for one parsed guide."""
    rows: Rows = {name: [] for name in DATASETS}
    context = {"source_id": pulled.source_id, "file": pulled.file}
    terms = TermLog(context)
    rows["core.sources"].append(_source(pulled, guide))
    rows["quality.source_errors"] += [asdict(SourceError.of(pulled, i)) for i in guide.issues]
    prose = [paragraph.text for paragraph in guide.paragraphs]
    negative_favours = convention(prose)
    abbreviations = defined(
        [*prose, *(note for table in guide.tables for note in table.notes)], vocab
    )
    for position, table in enumerate(guide.tables, 1):
        roles = table_roles(table, vocab)
        kind, shifted, by_row = roles.kind, [], []
        if kind != PRECLINICAL:
            if kind == COMPARATIVE:
                shifted = [(row, aligned(row, roles, vocab)) for row in table.rows]
                table = replace(table, rows=tuple(mended or row for row, mended in shifted))
            by_row = entries(table, roles, vocab)
            kind = COMPARATIVE if any(by_row) else kind
        rows["core.tables"].append(_table(context, table, kind, position))
        rows["raw.table_cells"].extend(_cells(context, table))
        rows["quality.column_roles"].extend(_column_roles(context, table, roles, position))
        if kind == COMPARATIVE:
            rows["quality.source_errors"] += [
                _short_row(context, table, row) for row, mended in shifted if mended is not None
            ]
            where = TableContext.of(
                position,
                table,
                vocab,
                guide_title=guide.title or "",
                negative_favours=negative_favours,
                abbreviations=abbreviations,
            )
            for row_entries in by_row:
                for finding, cited in row_findings(context, where, row_entries, vocab, terms):
                    rows["core.findings"].append(finding)
                    rows["core.citations"] += citations(
                        context, finding["line_no"], "findings", finding["finding_id"], cited
                    )
        elif kind == PRECLINICAL:
            columns = {c.role: c.column_no - 1 for c in roles.columns if c.role}
            compound = profiled_compound(table.title, vocab)
            for row in table.rows:
                finding = preclinical_finding(
                    context, (position, table, row), columns, compound, vocab
                )
                rows["core.preclinical_findings"].append(finding)
                rows["core.citations"] += citations(
                    context,
                    row.line_no,
                    "preclinical_findings",
                    finding["preclinical_finding_id"],
                    citation_numbers(" ".join(cell.text for cell in row.cells)),
                )
        elif kind == UNKNOWN:
            rows["quality.source_errors"].append(
                {
                    **context,
                    "line_no": table.line_no,
                    "error": "table_header",
                    "message": f"Table {table.table_no} was not read: {roles.reason} (header {list(table.header)}; quality.column_roles shows how each column was scored)",
                }
            )
    for paragraph in guide.paragraphs:
        for sentence_no, sentence in enumerate(sentences(paragraph.text), 1):
            numbers = citation_numbers(sentence)
            if numbers:
                claim_id = stable_id("clm", pulled.source_id, len(rows["core.claims"]) + 1)
                rows["core.claims"].append(
                    {
                        **context,
                        "line_no": paragraph.line_no,
                        "claim_id": claim_id,
                        "sentence_no": sentence_no,
                        "section": paragraph.section,
                        "claim_text": clean(sentence),
                    }
                )
                rows["core.citations"] += citations(
                    context, paragraph.line_no, "claims", claim_id, numbers
                )
    rows["core.references"] = [
        reference(context, printed.ref_no, printed.line_no, printed.text)
        for printed in guide.references
    ]
    rows["quality.term_matches"] = terms.rows()
    return rows


def published_month(date_text: str | None) -> str | None:
    """'December 2025' → '2025-12'; a bare year stays a year."""
    if not date_text:
        return None
    month_year = _MONTH_YEAR.search(date_text)
    month = month_number(month_year.group("month")) if month_year else None
    if month_year and month:
        return f"{month_year.group('year')}-{month:02d}"
    year = re.search(r"\b(\d{4})\b", date_text)
    return year.group(1) if year else None


def _source(pulled: PulledFile, guide: ParsedGuide) -> dict[str, Any]:
    url = guide.cite_url.split("#", 1)[0] if guide.cite_url else None
    return {
        "source_id": pulled.source_id,
        "kind": pulled.kind,
        "file": pulled.file,
        "format": guide.format,
        "bytes": pulled.bytes,
        "sha256": pulled.sha256,
        "title": clean(guide.title) if guide.title else None,
        "publisher": guide.publisher,
        "author": guide.author,
        "published": published_month(guide.date_text),
        "compound": guide.compound,
        "catalog_no": guide.catalog_no,
        "url": url,
    }


def _table(context: dict, table: Table, kind: str, position: int) -> dict[str, Any]:
    return {
        **context,
        "line_no": table.line_no,
        "table_id": stable_id("tbl", context["source_id"], position),
        "table_no": table.table_no,
        "title": clean(table.title),
        "table_kind": kind,
        "columns": list(table.header),
        "n_rows": len(table.rows),
    }


def _short_row(context: dict, table: Table, row: Row) -> dict[str, Any]:
    own = len(row.cells) - row.shifted
    return {
        **context,
        "line_no": row.line_no,
        "error": "table_shape",
        "message": f"Table {table.table_no}: row has {own} cell(s) that read as the first columns, not the last under the row above; the cells after them are missing and were read as empty",
    }


def _column_roles(
    context: dict, table: Table, roles: TableRoles, position: int
) -> list[dict[str, Any]]:
    table_id = stable_id("tbl", context["source_id"], position)
    return [
        {
            **context,
            "line_no": table.line_no,
            "table_id": table_id,
            "table_no": table.table_no,
            "column_no": column.column_no,
            "header": column.header,
            "role": column.role,
            "header_score": column.header_score,
            "content_score": column.content_score,
            "decided_by": _decided_by(column),
        }
        for column in roles.columns
    ]


def _decided_by(column: ColumnRole) -> str:
    if column.role is None:
        return "unassigned"
    if column.header_score and column.content_score:
        return "header and cells"
    return "header" if column.header_score else "cells"


def _cells(context: dict, table: Table) -> list[dict[str, Any]]:
    return [
        {
            **context,
            "line_no": cell.line_no,
            "table_no": table.table_no,
            "row_no": row.row_no,
            "column_no": column_no,
            "header": table.header[column_no - 1] if column_no <= len(table.header) else "",
            "cell_text": cell.text,
            "continued_from_line": cell.continued_from_line,
        }
        for row in table.rows
        for column_no, cell in enumerate(row.cells, 1)
    ]
