"""A row of a compound's profile table (parameter, finding, implication) → a preclinical finding."""

from __future__ import annotations

import re
from typing import Any

from pipelines.interpret.vocab import Vocabulary
from pipelines.read.tables.model import Row, Table
from pipelines.read.text import clean, stable_id

_FOLD_RANGE = re.compile(
    r"(\d+(?:\.\d+)?)\s*-?\s*(?:to|\u2013|-)\s*(\d+(?:\.\d+)?)\s*-?\s*fold", re.IGNORECASE
)

_FOLD_SINGLE = re.compile(r"(\d+(?:\.\d+)?)\s*-?\s*fold", re.IGNORECASE)

_MODEL = re.compile(r"\bin (?:an? |the )?((?:[\w-]+ ){0,5}models?)\b", re.IGNORECASE)


def profiled_compound(title: str, vocab: Vocabulary) -> str:
    """The most specific compound a title names: a derivative beats the parent it is derived from."""
    named = list(dict.fromkeys(m.term_id for m in vocab.compound_terms.find(clean(title))))
    derived = [c for c in named if c not in {vocab.parent_of(other) for other in named}]
    return derived[0] if derived else clean(title)


def preclinical_finding(
    context: dict,
    where: tuple[int, Table, Row],
    columns: dict[str, int],
    compound: str,
    vocab: Vocabulary,
) -> dict[str, Any]:
    """The row's finding about the profiled compound: a fold change, a model, a comparator."""
    position, table, row = where

    def cell(column: str) -> str | None:
        return row.cells[columns[column]].text if column in columns else None

    finding = cell("finding") or ""
    others = [m.term_id for m in vocab.compound_terms.find(finding) if m.term_id != compound]
    fold_range = _FOLD_RANGE.search(finding) or _FOLD_SINGLE.search(finding)
    model = _MODEL.search(clean(finding))
    preclinical_id = stable_id("pcf", context["source_id"], position, row.row_no)
    return {
        **context,
        "line_no": row.line_no,
        "preclinical_finding_id": preclinical_id,
        "table_no": table.table_no,
        "row_no": row.row_no,
        "compound": compound,
        "parameter": clean(cell("parameter") or ""),
        "finding_text": clean(finding),
        "implication": clean(cell("implication") or "") or None,
        "comparator": others[0] if others else None,
        "model": model.group(1) if model else None,
        "fold_low": float(fold_range.group(1)) if fold_range else None,
        "fold_high": float(fold_range.group(fold_range.lastindex or 1)) if fold_range else None,
    }
