"""Parsed guides → tidy rows for every dataset, given meaning by the vocabularies.

Values the vocabularies do not know are passed through as printed, so that validation
quarantines them with the offending text instead of this module guessing.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from typing import Any

from pipelines.interpret.treatments import Treatment, treatment, treatment_columns
from pipelines.interpret.vocab import Match, Vocabulary
from pipelines.pull.sources import PulledFile, SourceError
from pipelines.read.parsed_guide import ParsedGuide, Row, Table
from pipelines.read.text import citation_numbers, clean, fold, month_number, sentences, stable_id

Rows = dict[str, list[dict[str, Any]]]

_COMPARISON_SPLIT = re.compile(r"\s+(?:vs\.?|versus)\s+", re.IGNORECASE)
_TRAILING_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")
_STRENGTH_AFTER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%")
_POTENCY_JOINER = re.compile(r"^[\s/,-]*(?:(?:to|and|or)\b)?[\s/,-]*$", re.IGNORECASE)
_FOLD_RANGE = re.compile(
    r"(\d+(?:\.\d+)?)\s*-?\s*(?:to|\u2013|-)\s*(\d+(?:\.\d+)?)\s*-?\s*fold", re.IGNORECASE
)
_FOLD_SINGLE = re.compile(r"(\d+(?:\.\d+)?)\s*-?\s*fold", re.IGNORECASE)
_MODEL = re.compile(r"\bin (?:an? |the )?((?:[\w-]+ ){0,5}models?)\b", re.IGNORECASE)
_REFERENCE_TAIL = re.compile(r"^(?P<title>.+?)\s+-\s+(?P<database>[A-Z][\w .]*?)\s*\[[^\]]*\]\s*$")
_MONTH_YEAR = re.compile(r"(?P<month>[A-Za-z]+)\.?\s+(?P<year>\d{4})")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    compound: str
    strength_pct: float | None


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
)


def normalize_guide(pulled: PulledFile, guide: ParsedGuide, vocab: Vocabulary) -> Rows:
    """Every dataset's rows for one parsed guide."""
    rows: Rows = {name: [] for name in DATASETS}
    context = {"source_id": pulled.source_id, "file": pulled.file}
    rows["core.sources"].append(_source(pulled, guide))
    rows["quality.source_errors"] += [asdict(SourceError.of(pulled, i)) for i in guide.issues]
    for position, table in enumerate(guide.tables, 1):
        kind, columns = _table_kind(table, vocab)
        rows["core.tables"].append(_table(context, table, kind, position))
        rows["raw.table_cells"].extend(_cells(context, table))
        if kind == "comparative":
            condition = _condition(
                vocab, table.title, table.section or "", guide.title or ""
            ) or clean(table.title)
            for row in table.rows:
                _findings(rows, context, (position, table, row), columns, condition, vocab)
        elif kind == "preclinical":
            compound = _profiled_compound(table.title, vocab)
            for row in table.rows:
                _preclinical(rows, context, (position, table, row), columns, compound, vocab)
        else:
            rows["quality.source_errors"].append(
                {
                    **context,
                    "line_no": table.line_no,
                    "error": "table_header",
                    "message": f"Table {table.table_no} header {list(table.header)} matches no table kind in raw/vocab/table_columns.csv; add the headers as synonyms",
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
                _cite(rows, context, paragraph.line_no, "claims", claim_id, numbers)
    for reference in guide.references:
        rows["core.references"].append(
            _reference(context, reference.ref_no, reference.line_no, reference.text)
        )
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


def classify_effect(sentence: str, vocab: Vocabulary) -> str | None:
    """The one effect a sentence states; None when it states none, or several that conflict."""
    effects = {match.term_id for match in vocab.phrase_terms.find(sentence)}
    return effects.pop() if len(effects) == 1 else None


def direction(effect: str | None, subject: str | None, polarity: str | None) -> str:
    """Which arm a statement favours, from its effect, its subject and the outcome's polarity."""
    if effect in ("no_difference", "comparable"):
        return effect
    if effect is None or subject is None:
        return "unclassified"
    if effect in ("higher", "lower"):
        if polarity is None:
            return "unclassified"
        subject_better = (effect == "higher") == (polarity == "higher")
    else:
        subject_better = effect == "better"
    other = "comparator" if subject == "intervention" else "intervention"
    return f"favours_{subject if subject_better else other}"


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


def _table_kind(table: Table, vocab: Vocabulary) -> tuple[str, dict[str, int]]:
    """The first table kind whose required columns all appear in the header, and where they are."""
    header = [fold(text) for text in table.header]
    for kind in sorted(vocab.columns):
        positions = {
            column: next((i for i, text in enumerate(header) if text in synonyms), -1)
            for column, (_, synonyms) in vocab.columns[kind].items()
        }
        if all(
            positions[column] >= 0
            for column, (required, _) in vocab.columns[kind].items()
            if required
        ):
            return kind, {column: i for column, i in positions.items() if i >= 0}
    return "unknown", {}


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


def _cells(context: dict, table: Table) -> list[dict[str, Any]]:
    return [
        {
            **context,
            "line_no": cell.line_no,
            "table_no": table.table_no,
            "row_no": row.row_no,
            "column_no": column_no,
            "header": table.header[column_no - 1],
            "cell_text": cell.text,
            "continued_from_line": cell.continued_from_line,
        }
        for row in table.rows
        for column_no, cell in enumerate(row.cells, 1)
    ]


def _findings(
    rows: Rows,
    context: dict,
    where: tuple[int, Table, Row],
    columns: dict[str, int],
    condition: str,
    vocab: Vocabulary,
) -> None:
    position, table, row = where

    def cell(column: str) -> str:
        return row.cells[columns[column]].text

    outcome_text = clean(cell("outcome"))
    outcome = vocab.outcome_terms.exact(outcome_text) or outcome_text
    grade_text = clean(cell("evidence_grade"))
    grade = vocab.grade_terms.exact(grade_text) or grade_text
    comparison, qualifiers = _strip_qualifiers(clean(cell("comparison")))
    sides = _COMPARISON_SPLIT.split(comparison)
    if len(sides) == 2:
        intervention, comparator = (treatment(side, vocab) for side in sides)
    else:
        intervention = comparator = Treatment(comparison, None, None, None)
    population = vocab.population_terms.first(*qualifiers)
    severity = vocab.severity_terms.first(*qualifiers)
    for statement_no, statement in enumerate(_statements(cell("result"), vocab), 1):
        text, effect = statement
        mentions = _mentions(text, vocab)
        subject, treatments = _subject(mentions, intervention, comparator, vocab)
        masked = _mask(text, mentions)
        finding_id = stable_id("fnd", context["source_id"], position, row.row_no, statement_no)
        rows["core.findings"].append(
            {
                **context,
                "line_no": row.line_no,
                "finding_id": finding_id,
                "table_no": table.table_no,
                "row_no": row.row_no,
                "statement_no": statement_no,
                "condition": condition,
                "outcome": outcome,
                "outcome_text": outcome_text,
                **treatment_columns("intervention", treatments[0]),
                **treatment_columns("comparator", treatments[1]),
                "population": population or vocab.population_terms.first(masked) or "unspecified",
                "severity": vocab.severity_terms.first(masked) or severity or "unspecified",
                "direction": direction(effect, subject, vocab.polarity.get(outcome)),
                "result_text": clean(text),
                "evidence_grade": grade,
            }
        )
        _cite(rows, context, row.line_no, "findings", finding_id, citation_numbers(text))


def _statements(result: str, vocab: Vocabulary) -> list[tuple[str, str | None]]:
    """One statement per sentence that names an effect; other sentences stay with the one before."""
    parts = sentences(result)
    names_effect = [bool(vocab.phrase_terms.find(part)) for part in parts]
    if sum(names_effect) <= 1:
        return [(result, classify_effect(result, vocab))]
    statements: list[tuple[str, str | None]] = []
    for part, named in zip(parts, names_effect, strict=True):
        if statements and not named:
            previous, effect = statements[-1]
            statements[-1] = (f"{previous} {part}", effect)
        else:
            statements.append((part, classify_effect(part, vocab)))
    return statements


def _subject(
    mentions: list[Mention], intervention: Treatment, comparator: Treatment, vocab: Vocabulary
) -> tuple[str | None, tuple[Treatment, Treatment]]:
    """The arm the statement talks about (its first named treatment), with strengths it restates."""
    arms = {"intervention": intervention, "comparator": comparator}
    for mention in mentions:
        matching = [arm for arm, given in arms.items() if _names(mention, given, vocab)]
        if len(matching) > 1:
            matching = [arm for arm in matching if arms[arm].strength_pct == mention.strength_pct]
        if len(matching) == 1:
            arm = matching[0]
            if mention.strength_pct is not None and mention.compound == arms[arm].compound:
                arms[arm] = replace(arms[arm], strength_pct=mention.strength_pct)
            return arm, (arms["intervention"], arms["comparator"])
    return None, (intervention, comparator)


def _names(mention: Mention, treatment: Treatment, vocab: Vocabulary) -> bool:
    return (
        mention.compound == treatment.compound
        or vocab.class_of(mention.compound) == treatment.compound
    )


def _mentions(text: str, vocab: Vocabulary) -> list[Mention]:
    """Treatments named in a sentence, spans widened over potency words before and strength after."""
    potencies = vocab.potency_terms.find(text)
    mentions = []
    for match in vocab.compound_terms.find(text):
        start = _potency_start(text, match.start, potencies)
        strength = _STRENGTH_AFTER.match(text[match.end :])
        end = match.end + (strength.end() if strength else 0)
        mentions.append(
            Mention(start, end, match.term_id, float(strength.group(1)) if strength else None)
        )
    return mentions


def _potency_start(text: str, start: int, potencies: list[Match]) -> int:
    for potency in reversed([p for p in potencies if p.end <= start]):
        if not _POTENCY_JOINER.match(text[potency.end : start]):
            break
        start = potency.start
    return start


def _mask(text: str, mentions: list[Mention]) -> str:
    for mention in mentions:
        text = text[: mention.start] + " " * (mention.end - mention.start) + text[mention.end :]
    return text


def _strip_qualifiers(comparison: str) -> tuple[str, list[str]]:
    """Remove trailing parentheses that qualify the whole comparison, e.g. '(Adults)'."""
    qualifiers = []
    while match := _TRAILING_PAREN.search(comparison):
        qualifiers.append(match.group(1))
        comparison = comparison[: match.start()]
    return comparison.strip(), qualifiers


def _condition(vocab: Vocabulary, *texts: str) -> str | None:
    return vocab.condition_terms.first(*(clean(text) for text in texts))


def _profiled_compound(title: str, vocab: Vocabulary) -> str:
    """The most specific compound a title names: a derivative beats the parent it is derived from."""
    named = list(dict.fromkeys(m.term_id for m in vocab.compound_terms.find(clean(title))))
    derived = [c for c in named if c not in {vocab.parent_of(other) for other in named}]
    return derived[0] if derived else clean(title)


def _preclinical(
    rows: Rows,
    context: dict,
    where: tuple[int, Table, Row],
    columns: dict[str, int],
    compound: str,
    vocab: Vocabulary,
) -> None:
    position, table, row = where

    def cell(column: str) -> str | None:
        return row.cells[columns[column]].text if column in columns else None

    finding = cell("finding") or ""
    others = [m.term_id for m in vocab.compound_terms.find(finding) if m.term_id != compound]
    fold_range = _FOLD_RANGE.search(finding) or _FOLD_SINGLE.search(finding)
    model = _MODEL.search(clean(finding))
    preclinical_id = stable_id("pcf", context["source_id"], position, row.row_no)
    rows["core.preclinical_findings"].append(
        {
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
    )
    _cite(
        rows,
        context,
        row.line_no,
        "preclinical_findings",
        preclinical_id,
        citation_numbers(" ".join(c.text for c in row.cells)),
    )


def _reference(context: dict, ref_no: int, line_no: int, text: str) -> dict[str, Any]:
    tail = _REFERENCE_TAIL.match(text)
    return {
        **context,
        "line_no": line_no,
        "reference_id": stable_id("ref", context["source_id"], ref_no),
        "ref_no": ref_no,
        "title": clean(tail.group("title")) if tail else clean(text),
        "database": tail.group("database") if tail else None,
        "reference_text": text,
        "match_method": "unresolved",
    }


def _cite(
    rows: Rows, context: dict, line_no: int, citing_dataset: str, citing_id: str, numbers: list[int]
) -> None:
    for ref_no in numbers:
        rows["core.citations"].append(
            {
                **context,
                "line_no": line_no,
                "citation_id": stable_id("cit", citing_id, ref_no),
                "citing_dataset": citing_dataset,
                "citing_id": citing_id,
                "ref_no": ref_no,
                "reference_id": stable_id("ref", context["source_id"], ref_no),
            }
        )
