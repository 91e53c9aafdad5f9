"""Effect-estimate CSVs (raw/estimates/) → raw.effect_estimates, every field as printed, and
core.effect_estimates, matched against the vocabularies and oriented towards benefit.

Orientation: a ratio above 1 means more of the outcome's event with the intervention. For an
outcome where lower is better (a harm), or for an estimate of the outcome's complement ('risk of
NOT improving'), that is worse, so the ratio and its interval are inverted; differences are
negated. After that, above the null always means the outcome went better with the intervention,
whichever way and on whichever event the source reported it.
"""

from __future__ import annotations

import math
import re
from typing import Any

import polars as pl

from pipelines.interpret.terms import TermIndex
from pipelines.interpret.treatments import Treatment, treatment, treatment_columns
from pipelines.interpret.vocab import Vocabulary
from pipelines.pull.sources import PulledFile, SourceError
from pipelines.read.csv_rows import Row, read_csv_rows
from pipelines.read.errors import FileError, ParseIssue, decode
from pipelines.read.text import mentions_retraction, stable_id
from pipelines.validate import quarantine_row, validate_rows
from schemas import BY_NAME

RAW = BY_NAME["raw.effect_estimates"]
CORE = BY_NAME["core.effect_estimates"]
# The CSV's columns are raw.effect_estimates' columns after its provenance and key.
RAW_COLUMNS = [
    name for name in RAW.columns() if name not in ("source_id", "file", "line_no", "estimate_id")
]
_PMID = re.compile(r"\bPMID:?\s*(\d+)", re.IGNORECASE)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s;]+?)(?=[;,\s]|\.?$)")
_PMCID = re.compile(r"\b(PMC\d+)\b")
_ARM_VALUE = re.compile(r"\barm:\s*(\d+(?:\.\d+)?)")
_DURATION = re.compile(
    r"(\d+(?:\.\d+)?)\s*(day|week|month|year)s?\b|\b(day|week|month)\s+(\d+)\b", re.I
)
_WEEKS = {"day": 1 / 7, "week": 1.0, "month": 52 / 12, "year": 52.0}
_MODEL = re.compile(r"\(([^()]+)\)")


def load_estimates(
    files: list[PulledFile], vocab: Vocabulary
) -> tuple[dict[str, pl.DataFrame], list[dict[str, Any]], list[SourceError]]:
    """Every row of every estimates file: kept as printed, then typed, matched and validated."""
    raw_rows: list[dict[str, Any]] = []
    errors: list[SourceError] = []
    for pulled in files:
        try:
            text, encoding_issue = decode(pulled.path.read_bytes(), "CSV of effect estimates")
            rows, issues = read_estimates_csv(text)
        except FileError as exc:
            errors.append(SourceError.of(pulled, exc))
            continue
        errors += [
            SourceError.of(pulled, issue)
            for issue in ([encoding_issue] if encoding_issue else []) + issues
        ]
        for position, (line_no, row) in enumerate(rows, 1):
            raw_rows.append(
                {
                    **row,
                    "source_id": pulled.source_id,
                    "file": pulled.file,
                    "line_no": line_no,
                    "estimate_id": stable_id("est", pulled.source_id, position),
                }
            )
    core_rows, quarantine = [], []
    for raw in raw_rows:
        row, problems = normalize_estimate(raw, vocab)
        if problems:
            quarantine += [
                quarantine_row(CORE, raw, {}, column, "number", value, message)
                for column, value, message in problems
            ]
        else:
            core_rows.append(row)
    checked = validate_rows(CORE, CORE.frame(core_rows), dict(vocab.ids))
    frames = {RAW.name: RAW.frame(raw_rows), CORE.name: checked.frame}
    return frames, quarantine + checked.quarantine, errors


def read_estimates_csv(text: str) -> tuple[list[tuple[int, Row]], list[ParseIssue]]:
    header, rows, issues = read_csv_rows(text)
    missing = [name for name in RAW_COLUMNS if name not in header]
    unknown = [name for name in header if name not in RAW_COLUMNS]
    if missing or unknown:
        raise FileError(
            "header",
            f"header does not match an estimates CSV: missing {missing}, unknown {unknown}; the columns are {', '.join(RAW_COLUMNS)}",
            1,
        )
    return rows, issues


def normalize_estimate(
    raw: dict[str, Any], vocab: Vocabulary
) -> tuple[dict[str, Any], list[tuple[str, str | None, str]]]:
    """A typed core row, or the numbers that cannot be read (column, text, message)."""
    problems: list[tuple[str, str | None, str]] = []

    def number(column: str, *, whole: bool = False, required: bool = False) -> float | int | None:
        text = raw.get(column)
        if text is None:
            if required:
                problems.append((column, None, f"{column} is empty; an estimate needs a number"))
            return None
        value = _number(text, whole=whole)
        if value is None:
            kind = "a whole number" if whole else "a finite number"
            problems.append((column, text, f"{column} {text!r} is not {kind}; correct the source"))
        return value

    estimate = number("estimate", required=True)
    ci_low, ci_high = number("ci_low"), number("ci_high")
    n_trials, n_participants = number("n_trials", whole=True), number("n_participants", whole=True)
    outcome_text = raw.get("outcome") or ""
    inversions = vocab.inversion_terms.find(outcome_text)
    plain_outcome = _without(outcome_text, inversions)
    outcome = vocab.outcome_terms.first(plain_outcome) or outcome_text
    measure_text = raw.get("measure") or ""
    measure = vocab.measure_terms.first(measure_text) or measure_text
    scale = (vocab.measures.get(measure) or {}).get("scale", "arm_level")
    model = _MODEL.search(measure_text) if scale in ("ratio", "difference") else None
    benefit = _benefit(
        scale, (estimate, ci_low, ci_high), vocab.polarity.get(outcome), bool(inversions)
    )
    null_value = (vocab.measures.get(measure) or {}).get("null_value")
    identifiers = raw.get("pmid_doi") or ""
    citation_text = f"{raw.get('source_citation') or ''} {raw.get('note') or ''}"
    row = {
        "source_id": raw["source_id"],
        "file": raw["file"],
        "line_no": raw["line_no"],
        "estimate_id": raw["estimate_id"],
        **_arm("intervention", treatment(raw.get("intervention") or "", vocab)),
        **_arm("comparator", treatment(raw.get("comparator") or "", vocab)),
        "condition": _term(vocab.condition_terms, raw.get("condition")),
        "population": _term(vocab.population_terms, raw.get("population")) or "unspecified",
        "severity": _term(vocab.severity_terms, raw.get("severity")) or "unspecified",
        "outcome": outcome,
        "outcome_polarity": vocab.polarity.get(outcome),
        "outcome_inverted": bool(inversions),
        "timepoint": raw.get("timepoint"),
        "timepoint_weeks": _weeks(raw.get("timepoint")),
        "measure": measure,
        "scale": scale,
        "model": model.group(1).strip() if model else None,
        "estimate": estimate,
        "ci_low": ci_low,
        "ci_high": ci_high,
        "n_trials": n_trials,
        "n_participants": n_participants,
        "comparator_value": _arm_value(raw.get("note")) if scale == "arm_level" else None,
        "benefit_estimate": benefit[0],
        "benefit_ci_low": benefit[1],
        "benefit_ci_high": benefit[2],
        "direction": _direction(benefit, null_value),
        "citation": raw.get("source_citation"),
        "pmid": _first(_PMID, identifiers),
        "doi": _first(_DOI, identifiers),
        "pmcid": _first(_PMCID, identifiers),
        "url": raw.get("url"),
        "retracted": mentions_retraction(citation_text),
    }
    return row, problems


def _benefit(
    scale: str,
    values: tuple[float | None, float | None, float | None],
    polarity: str | None,
    inverted: bool,
) -> tuple[float | None, float | None, float | None]:
    """(estimate, low, high) oriented so that above the null favours the intervention."""
    estimate, low, high = values
    if polarity is None or estimate is None or scale not in ("ratio", "difference"):
        return None, None, None
    flip = (polarity == "lower") != inverted
    if not flip:
        return estimate, low, high
    if scale == "difference":
        return -estimate, _negate(high), _negate(low)
    if estimate <= 0 or (low is not None and low <= 0) or (high is not None and high <= 0):
        return None, None, None
    return 1 / estimate, _inverse(high), _inverse(low)


def _direction(benefit: tuple[float | None, float | None, float | None], null: float | None) -> str:
    _, low, high = benefit
    if low is None or high is None or null is None:
        return "not_testable"
    if low > null:
        return "favours_intervention"
    if high < null:
        return "favours_comparator"
    return "no_difference"


def _number(text: str, *, whole: bool) -> float | int | None:
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    if whole:
        return (
            int(value)
            if value >= 0 and value == int(value) and re.fullmatch(r"\d+", text.strip())
            else None
        )
    return value


def _arm(arm: str, arm_treatment: Treatment) -> dict[str, Any]:
    """An estimate's arm; an arm the vocabulary does not know keeps its text, so validation
    quarantines it with that text."""
    columns = treatment_columns(arm, arm_treatment)
    del columns[f"{arm}_text"]
    columns[arm] = arm_treatment.compound or arm_treatment.text
    return columns


def _term(matcher: TermIndex, text: str | None) -> str | None:
    """A vocabulary id for the text; the text itself when none matches (validation names it)."""
    if not text:
        return None
    return matcher.first(text) or text


def _without(text: str, matches: list[Any]) -> str:
    for match in reversed(matches):
        text = text[: match.start] + " " + text[match.end :]
    return text


def _weeks(text: str | None) -> float | None:
    match = _DURATION.search(text or "")
    if not match:
        return None
    amount, unit = (
        (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
    )
    return round(float(amount) * _WEEKS[unit.lower()], 2)


def _arm_value(note: str | None) -> float | None:
    match = _ARM_VALUE.search(note or "")
    return float(match.group(1)) if match else None


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1) if match else None


def _negate(value: float | None) -> float | None:
    return None if value is None else -value


def _inverse(value: float | None) -> float | None:
    return None if value is None else 1 / value
