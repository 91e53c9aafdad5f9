"""Effect-estimate CSVs (raw/estimates/) → raw.effect_estimates, every field as printed, and
core.effect_estimates, matched against the vocabularies and oriented towards benefit.

Orientation, one rule at a time:
- a ratio printed from the comparator's side ('5.8 times less likely') is turned round first;
- whether a larger estimate is better for the patient (measure_polarity) is what the source states
  with the outcome ('Total AD Score (lower = better)'), else what its own favours column says of
  the side of the null the estimate lies on, else the outcome's polarity, turned for a complement
  ('risk of NOT improving', 'relapse' of flare prevention);
- where a larger estimate is worse, ratios are inverted and differences negated, so that above the
  null always means the outcome went better with the intervention.
Arm-level percentages with both arms' sizes printed, or a row without an interval whose note
prints both arms' events and totals ('20/28 (71%) vs 6/29 (21%)'), get a risk ratio and its 95%
interval by the Katz log method (ln RR ± 1.96 √(1/a - 1/n₁ + 1/c - 1/n₂), a and c the events, n₁ and n₂ the arm
sizes), kept with its inputs. Every row says why it can never count in a verdict, if it cannot.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict
from pathlib import PurePosixPath
from typing import Any

import polars as pl

from pipelines.interpret.ages import population_from_ages
from pipelines.interpret.direction import opposite
from pipelines.interpret.numbers import NUMBER_WORDS
from pipelines.interpret.published_estimates import published_rows
from pipelines.interpret.terms import TermLog, fold
from pipelines.interpret.timepoints import weeks
from pipelines.interpret.treatments import Treatment, treatment, treatment_columns
from pipelines.interpret.vocab import Vocabulary
from pipelines.pull.sources import PulledFile, SourceError
from pipelines.read.csv_rows import Row, read_csv_rows
from pipelines.read.errors import FileError, ParseIssue, decode, defect
from pipelines.read.guide import parse_guide
from pipelines.read.text import brief, mentions_retraction, stable_id
from pipelines.validate import quarantine_row, validate_rows
from schemas import BY_NAME
from schemas.effect_estimates import IDENTITY, OPTIONAL

RAW = BY_NAME["raw.effect_estimates"]
CORE = BY_NAME["core.effect_estimates"]
TERMS = BY_NAME["quality.term_matches"]
UNESTIMATED = BY_NAME["quality.rows_without_estimate"]
# The CSV's columns are raw.effect_estimates' columns after its provenance and key.
RAW_COLUMNS = [
    name for name in RAW.columns() if name not in ("source_id", "file", "line_no", "estimate_id")
]
_NO_TABLES = (
    "no table of this page prints an estimate with its interval (an effect column, or a result "
    "read as one); an estimates source that is not a CSV is read as published analysis tables "
    "(README: 'Estimates from published tables')"
)
_PMID = re.compile(r"\bPMID:?\s*(\d+)", re.IGNORECASE)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s;]+?)(?=[;,\s]|\.?$)")
_PMCID = re.compile(r"\b(PMC\d+)\b")
_COUNTS = re.compile(
    r"\b(\d+)\s*/\s*(\d+)\b(?:\s*\([^()]*\))?\s*(?:vs\.?|versus)\s*(\d+)\s*/\s*(\d+)\b",
    re.IGNORECASE,
)
_EVENTS = re.compile(
    rf"\b(?P<events>\d+|{'|'.join(NUMBER_WORDS)})\s+(?:cases|events)\s+(?:in|among)\s+"
    r"[\d,]+\s+(?:participants|patients|people)\b",
    re.IGNORECASE,
)
_I2 = re.compile(r"\bI(?:\u00b2|2|\^2)\s*(?:=|:|of)?\s*(\d+(?:\.\d+)?)\s*%")
_HETEROGENEITY_P = re.compile(
    r"\bheterogeneity[^;.]{0,20}?\bp\s*(?:=|<|:)?\s*(0?\.\d+)|\bp\s*(?:for|of)\s*"
    r"heterogeneity\s*(?:=|<|:)?\s*(0?\.\d+)",
    re.IGNORECASE,
)
_ARM_VALUE = re.compile(r"\barm:\s*(\d+(?:\.\d+)?)")
_MODEL = re.compile(r"\(([^()]+)\)")
# 'relative risk … expressed as 'times less likely'': the ratio of the comparator to the intervention.
_FROM_THE_OTHER_SIDE = re.compile(r"\bless likely\b", re.IGNORECASE)
_STATED = re.compile(r"\b(lower|higher)\s*(?:=|is|are)\s*better\b", re.IGNORECASE)
_SIZES = (
    re.compile(r"\b(\d+)\s+[A-Za-z][\w-]*(?:\s[A-Za-z][\w-]*)?\s+vs\.?\s+(\d+)\b"),
    re.compile(r"\bn\s*=\s*(\d+)\s*vs\.?\s*(\d+)\b"),
    re.compile(r"\bn\s*=\s*(\d+)\s*,\s*[^,;]*?\bn\s*=\s*(\d+)\b"),
)


def load_estimates(
    files: list[PulledFile], vocab: Vocabulary
) -> tuple[dict[str, pl.DataFrame], list[dict[str, Any]], list[SourceError]]:
    """Every row of every estimates file: kept as printed, then typed, matched and validated."""
    raw_rows: list[dict[str, Any]] = []
    errors: list[SourceError] = []
    unestimated: list[dict[str, Any]] = []
    identities: dict[str, str] = {}  # a row's id → the id of what it prints
    for pulled in files:
        try:
            if PurePosixPath(pulled.name).suffix.lower() == ".csv":
                text, decoding = decode(pulled.path.read_bytes(), "CSV of effect estimates")
                rows, issues = read_estimates_csv(text)
            else:
                rows, issues, none = _published(pulled, vocab)
                decoding = []
                unestimated += none
        except FileError as exc:
            errors.append(SourceError.of(pulled, exc))
            continue
        except Exception as exc:  # one page's defect costs that page, never the run
            message = f"could not be read ({defect(exc)}); the other files carry on"
            errors.append(SourceError(pulled.source_id, pulled.file, None, "internal", message))
            continue
        errors += [SourceError.of(pulled, issue) for issue in decoding + issues]
        for line_no, row in rows:
            identity = stable_id("est", pulled.source_id, *map(fold, _identity(row)))
            estimate_id = (
                stable_id("est", identity, line_no) if identity in identities else identity
            )
            identities[estimate_id] = identity
            raw_rows.append(
                {
                    **row,
                    "source_id": pulled.source_id,
                    "file": pulled.file,
                    "line_no": line_no,
                    "estimate_id": estimate_id,
                }
            )
    core_rows, quarantine = [], []
    logs: dict[str, TermLog] = {}
    for raw in raw_rows:
        context = {"source_id": raw["source_id"], "file": raw["file"]}
        terms = logs.setdefault(raw["source_id"], TermLog(context))
        row, problems = normalize_estimate(raw, vocab, terms)
        if problems:
            quarantine += [
                quarantine_row(CORE, raw, {}, column, "number", value, message)
                for column, value, message in problems
            ]
        else:
            core_rows.append(row)
    checked = validate_rows(CORE, CORE.frame(core_rows), dict(vocab.ids))
    counted, duplicates = _counted_once(checked.frame, raw_rows, identities)
    frames = {
        RAW.name: RAW.frame(raw_rows),
        CORE.name: counted,
        TERMS.name: TERMS.frame([row for log in logs.values() for row in log.rows()]),
        UNESTIMATED.name: UNESTIMATED.frame(unestimated),
    }
    return frames, quarantine + checked.quarantine + duplicates, errors


def _published(
    pulled: PulledFile, vocab: Vocabulary
) -> tuple[list[tuple[int, Row]], list[ParseIssue], list[dict[str, Any]]]:
    """A published analysis page's estimates, the reader's issues, and its rows that print no
    estimate (as quality.rows_without_estimate rows)."""
    try:
        guide = parse_guide(pulled.path.read_bytes())
    except FileError as exc:
        if exc.error != "not_a_guide":
            raise
        raise FileError("no_estimates", _NO_TABLES) from exc
    rows, none = published_rows(guide, vocab)
    if not rows and not none:
        raise FileError("no_estimates", _NO_TABLES)
    context = {"source_id": pulled.source_id, "file": pulled.file}
    return rows, guide.issues, [{**context, **asdict(row)} for row in none]


def _counted_once(
    frame: pl.DataFrame, raw_rows: list[dict[str, Any]], identities: dict[str, str]
) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    """The valid rows with each estimate once, as the first valid line prints it; the others
    quarantined as duplicates of that line."""
    by_id = {raw["estimate_id"]: raw for raw in raw_rows}
    first: dict[str, int] = {}
    kept, duplicates = [], []
    for estimate_id in frame["estimate_id"]:
        raw = by_id[estimate_id]
        line = first.setdefault(identities[estimate_id], raw["line_no"])
        kept.append(line == raw["line_no"])
        if line != raw["line_no"]:
            duplicates.append(_duplicate(raw, line))
    return frame.filter(pl.Series(kept, dtype=pl.Boolean)), duplicates


def _identity(row: Row) -> list[str]:
    return [row.get(name) or "" for name in IDENTITY]


def _listed(trials: str | None) -> list[str] | None:
    names = [fold(name) for name in (trials or "").split(";") if name.strip()]
    return sorted(set(names)) or None


def _duplicate(raw: dict[str, Any], first: int) -> dict[str, Any]:
    """A row that prints an estimate an earlier row of its file already printed: counted once,
    as that line prints it."""
    return quarantine_row(
        CORE,
        raw,
        {},
        "estimate_id",
        "duplicate",
        raw["estimate_id"],
        f"the same estimate as line {first} (same comparison, condition, population, severity, "
        "outcome, timepoint, measure and citation); only that line counts",
    )


def read_estimates_csv(text: str) -> tuple[list[tuple[int, Row]], list[ParseIssue]]:
    header, rows, issues = read_csv_rows(text)
    missing = [name for name in RAW_COLUMNS if name not in header and name not in OPTIONAL]
    unknown = [name for name in header if name not in RAW_COLUMNS]
    if missing or unknown:
        raise FileError(
            "header",
            f"header does not match an estimates CSV: missing {missing}, unknown {unknown}; the columns are {', '.join(RAW_COLUMNS)}",
            1,
        )
    return rows, issues


def normalize_estimate(
    raw: dict[str, Any], vocab: Vocabulary, terms: TermLog
) -> tuple[dict[str, Any], list[tuple[str, str | None, str]]]:
    """A typed core row, or the numbers that cannot be read (column, text, message)."""
    problems: list[tuple[str, str | None, str]] = []

    def number(column: str, *, whole: bool = False, required: bool = False) -> float | int | None:
        text = raw.get(column)
        if text is None:
            if required:
                problems.append((column, None, f"{column} is empty; an estimate needs a number"))
            return None
        value, why = _number(text, whole=whole)
        if why:
            problems.append((column, text, f"{column} {brief(text)} {why}; correct the source"))
        return value

    line_no = raw["line_no"]
    estimate = number("estimate", required=True)
    ci_low, ci_high = number("ci_low"), number("ci_high")
    n_trials, n_participants = number("n_trials", whole=True), number("n_participants", whole=True)
    arms = {arm: treatment(raw.get(arm) or "", vocab) for arm in ("intervention", "comparator")}
    for arm in arms.values():
        terms.record(arm.match, line_no)
    outcome, inverted = _outcome(raw.get("outcome") or "", vocab, terms, line_no)
    measure_text = raw.get("measure") or ""
    measure = vocab.measure_terms.first(measure_text) or measure_text
    scale = (vocab.measures.get(measure) or {}).get("scale", "arm_level")
    model = _MODEL.search(measure_text) if scale in ("ratio", "difference") else None
    note = raw.get("note") or ""
    reciprocal = scale == "ratio" and bool(_FROM_THE_OTHER_SIDE.search(measure_text))
    values = _turned((estimate, ci_low, ci_high)) if reciprocal else (estimate, ci_low, ci_high)
    comparator_value = _arm_value(note) if scale == "arm_level" else None
    sizes = _arm_sizes(note) if measure == "percent_arm" else None
    derived = _katz(estimate, comparator_value, sizes) if comparator_value is not None else None
    source = None
    if derived is not None and sizes is not None:
        source = f"{estimate:g}% of {sizes[0]} vs {comparator_value:g}% of {sizes[1]}"
    counts = _arm_counts(note)
    if counts is not None and derived is None and ci_low is None:
        (events, n1), (comparator_events, n2) = counts
        derived = _katz(100 * events / n1, 100 * comparator_events / n2, (n1, n2))
        source = f"{events}/{n1} vs {comparator_events}/{n2}" if derived else None
    if derived is not None:
        values = derived
    null_value = (
        1.0 if derived is not None else (vocab.measures.get(measure) or {}).get("null_value")
    )
    polarity, basis = _measure_polarity(raw, values, null_value, arms, (outcome, inverted), vocab)
    benefit = _benefit("ratio" if derived is not None else scale, values, polarity)
    identifiers = raw.get("pmid_doi") or ""
    citation_text = f"{raw.get('source_citation') or ''} {note}"
    evidence = _evidence(f"{measure_text} {raw.get('comparator') or ''} {note}", vocab)
    design = _design(f"{measure_text} {citation_text}", vocab)
    i2, heterogeneity_p = _heterogeneity(note)
    row = {
        "source_id": raw["source_id"],
        "file": raw["file"],
        "line_no": line_no,
        "estimate_id": raw["estimate_id"],
        **_arm("intervention", arms["intervention"]),
        **_arm("comparator", arms["comparator"]),
        "condition": _condition(raw.get("condition"), vocab, terms, line_no),
        "population": _population(raw.get("population"), vocab),
        "severity": _severity(raw.get("severity"), vocab),
        "outcome": outcome,
        "outcome_polarity": vocab.polarity.get(outcome or ""),
        "outcome_inverted": inverted,
        "outcome_text": (raw.get("outcome") or "").split(" (")[0].strip() or None,
        "timepoint": raw.get("timepoint"),
        "timepoint_weeks": weeks(raw.get("timepoint")),
        "measure": measure,
        "scale": scale,
        "model": model.group(1).strip() if model else None,
        "evidence": evidence,
        "design": design,
        "i2_pct": i2,
        "heterogeneity_p": heterogeneity_p,
        "measure_polarity": polarity,
        "polarity_basis": basis,
        "reciprocal": reciprocal,
        "estimate": estimate,
        "ci_low": ci_low,
        "ci_high": ci_high,
        "n_trials": n_trials,
        "n_participants": n_participants,
        "comparator_value": comparator_value,
        "intervention_n": sizes[0] if sizes else counts[0][1] if counts else None,
        "comparator_n": sizes[1] if sizes else counts[1][1] if counts else None,
        "intervention_events": counts[0][0] if counts else None,
        "comparator_events": counts[1][0] if counts else None,
        "n_events": counts[0][0] + counts[1][0] if counts else _events_noted(note),
        "derivation": _derivation(derived, source),
        "benefit_estimate": benefit[0],
        "benefit_ci_low": benefit[1],
        "benefit_ci_high": benefit[2],
        "direction": _direction(benefit, null_value),
        "citation": raw.get("source_citation"),
        "pmid": _first(_PMID, identifiers),
        "doi": _first(_DOI, identifiers),
        "pmcid": _first(_PMCID, identifiers),
        "url": raw.get("url"),
        "trials": _listed(raw.get("trials")),
        "retracted": mentions_retraction(citation_text),
    }
    row["uncounted_reason"] = _uncounted(row, vocab)
    return row, problems


def _outcome(text: str, vocab: Vocabulary, terms: TermLog, line_no: int) -> tuple[str | None, bool]:
    """The outcome id and whether the estimate measures its complement: a named inversion ('risk
    of NOT improving'), or an event printed instead of the outcome ('relapse')."""
    inversions = vocab.inversion_terms.find(text)
    plain = _without(text, inversions)
    found = vocab.outcome_terms.find(plain)
    if found:
        return terms.record(vocab.outcome_terms.found(found[0]), line_no).term_id, bool(inversions)
    events = [e for e in vocab.event_terms.find(plain) if e.term_id in vocab.event_complement]
    if events:
        return vocab.event_complement[events[0].term_id], True
    return terms.record(vocab.outcome_terms.match(plain.strip()), line_no).term_id, bool(inversions)


def _condition(text: str | None, vocab: Vocabulary, terms: TermLog, line_no: int) -> str | None:
    if not text:
        return None
    found = vocab.condition_terms.find(text)
    match = vocab.condition_terms.found(found[0]) if found else vocab.condition_terms.match(text)
    return terms.record(match, line_no).term_id


def _severity(text: str | None, vocab: Vocabulary) -> str:
    """A severity band named in the cell ('mild to severe (PGA 2-4)'); anything else (a body
    surface area, 'at least moderate') names no band: unspecified."""
    return (vocab.severity_terms.match(text).term_id if text else None) or "unspecified"


def _evidence(text: str, vocab: Vocabulary) -> str:
    """Single arm or indirect when raw/vocab/evidence_kinds.csv phrases say so, else direct."""
    kinds = {match.term_id for match in vocab.evidence_terms.find(text)}
    return next((kind for kind in ("single_arm", "indirect") if kind in kinds), "direct")


def _design(text: str, vocab: Vocabulary) -> str:
    """Observational when raw/vocab/study_designs.csv phrases name an observational design and
    none a randomised one (a cohort, a registry); else randomised, as reviews of trials are."""
    named = {match.term_id for match in vocab.design_terms.find(text)}
    return "observational" if named == {"observational"} else "randomised"


def _heterogeneity(note: str) -> tuple[float | None, float | None]:
    """The I² and the heterogeneity p-value a note prints ('I² 54%', 'heterogeneity p = 0.02')."""
    i2 = _I2.search(note)
    p = _HETEROGENEITY_P.search(note)
    return (float(i2.group(1)) if i2 else None), (float(p.group(1) or p.group(2)) if p else None)


def _measure_polarity(
    raw: dict[str, Any],
    values: tuple[float | None, float | None, float | None],
    null: float | None,
    arms: dict[str, Treatment],
    outcome: tuple[str | None, bool],
    vocab: Vocabulary,
) -> tuple[str | None, str | None]:
    """(higher|lower, stated|favours|outcome): whether a larger estimate is better, and why."""
    stated = _STATED.search(f"{raw.get('outcome') or ''} {raw.get('measure') or ''}")
    if stated:
        return stated.group(1).lower(), "stated"
    favoured = _favoured(raw.get("favours") or "", arms, vocab)
    estimate = values[0]
    if favoured is not None and estimate is not None and null is not None and estimate != null:
        above = estimate > null
        return ("higher" if (favoured == "intervention") == above else "lower"), "favours"
    outcome_id, inverted = outcome
    polarity = vocab.polarity.get(outcome_id or "")
    if polarity is None:
        return None, None
    turned = opposite(polarity) if inverted else polarity
    return turned, "outcome"


def _favoured(text: str, arms: dict[str, Treatment], vocab: Vocabulary) -> str | None:
    """The arm the source's favours column names, when it names exactly one of them."""
    named = {
        arm
        for match in vocab.compound_terms.find(text)
        for arm, given in arms.items()
        if given.compound and match.term_id in (given.compound, vocab.class_of(given.compound))
    }
    return named.pop() if len(named) == 1 else None


def _benefit(
    scale: str, values: tuple[float | None, float | None, float | None], polarity: str | None
) -> tuple[float | None, float | None, float | None]:
    """(estimate, low, high) oriented so that above the null favours the intervention."""
    estimate, low, high = values
    if polarity is None or estimate is None or scale not in ("ratio", "difference"):
        return None, None, None
    if polarity == "higher":
        return estimate, low, high
    if scale == "difference":
        return -estimate, _negate(high), _negate(low)
    if estimate <= 0 or (low is not None and low <= 0) or (high is not None and high <= 0):
        return None, None, None
    return 1 / estimate, _inverse(high), _inverse(low)


def _turned(
    values: tuple[float | None, float | None, float | None],
) -> tuple[float | None, float | None, float | None]:
    estimate, low, high = values
    if estimate is None or estimate <= 0:
        return values
    return 1 / estimate, _inverse(high), _inverse(low)


def _arm_sizes(note: str) -> tuple[int, int] | None:
    """Both arm sizes when the note prints them, intervention first ('874 crisaborole vs 439
    vehicle', 'roflumilast n = 576, vehicle n = 305', 'n = 304 vs 153')."""
    for pattern in _SIZES:
        found = pattern.search(note)
        if found:
            return int(found.group(1)), int(found.group(2))
    return None


def _katz(
    percent: float | None, comparator_percent: float, sizes: tuple[int, int] | None
) -> tuple[float, float, float] | None:
    """Risk ratio and 95% interval from two arms' percentages and sizes (Katz log method)."""
    if (
        percent is None
        or sizes is None
        or not 0 < percent < 100
        or not 0 < comparator_percent < 100
    ):
        return None
    (n1, n2), p1, p2 = sizes, percent / 100, comparator_percent / 100
    ratio = p1 / p2
    se = math.sqrt((1 - p1) / (p1 * n1) + (1 - p2) / (p2 * n2))
    return ratio, math.exp(math.log(ratio) - 1.96 * se), math.exp(math.log(ratio) + 1.96 * se)


def _derivation(derived: tuple[float, float, float] | None, source: str | None) -> str | None:
    if derived is None or source is None:
        return None
    ratio, low, high = derived
    return f"risk ratio {ratio:.2f} [{low:.2f}, {high:.2f}] derived by the Katz log method from {source}"


def _events_noted(note: str) -> int | None:
    """The participants with the event a note counts across the arms ('eight cases in 2068
    participants', '26 events among 57 patients')."""
    found = _EVENTS.search(note)
    if found is None:
        return None
    count = found.group("events").lower()
    return NUMBER_WORDS[count] if count in NUMBER_WORDS else int(count)


def _arm_counts(note: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Both arms' events and totals when the note prints them, intervention first ('20/28 (71%)
    vs 6/29 (21%)'); None unless each arm has 0 < events < total."""
    found = _COUNTS.search(note)
    if found is None:
        return None
    events, n1, comparator_events, n2 = (int(found.group(i)) for i in range(1, 5))
    if not (0 < events < n1 and 0 < comparator_events < n2):
        return None
    return (events, n1), (comparator_events, n2)


def _uncounted(row: dict[str, Any], vocab: Vocabulary) -> str | None:
    """Why this estimate can never count in a verdict; None when it can."""
    unknown = [
        column
        for column in ("intervention", "comparator", "condition", "outcome")
        if row[column] is None
    ]
    if row["retracted"]:
        return "the source is retracted"
    if row["evidence"] == "single_arm":
        return "a single arm with no comparator: it compares nothing"
    if unknown:
        return f"its {' and '.join(unknown)} matches no vocabulary entry"
    label = (vocab.measures.get(row["measure"]) or {}).get("label", row["measure"])
    if row["measure"] == "percent_arm" and row["derivation"] is None:
        return "an arm-level percentage with no interval: as a share of patients it needs both arm sizes, as a mean change its dispersion, and neither is printed"
    if row["scale"] == "arm_level" and row["derivation"] is None:
        return f"{label}, with no interval: not an effect estimate"
    if row["measure_polarity"] is None:
        return "nothing says whether a larger estimate is better for the patient"
    if row["direction"] == "not_testable":
        return f"{label} without a testable interval"
    return None


def _direction(benefit: tuple[float | None, float | None, float | None], null: float | None) -> str:
    _, low, high = benefit
    if low is None or high is None or null is None:
        return "not_testable"
    if low > null:
        return "favours_intervention"
    if high < null:
        return "favours_comparator"
    return "no_difference"


def _number(text: str, *, whole: bool) -> tuple[float | int | None, str | None]:
    """The number a cell prints, or None and why not (in words that say what to fix)."""
    try:
        value = float(text)
    except ValueError:
        return None, f"is not {'a whole number' if whole else 'a number'}"
    if not math.isfinite(value):
        return None, "is not a finite number"
    if not whole:
        return value, None
    if value < 0:
        return None, "is negative; a count is 0 or more"
    if not re.fullmatch(r"\d+", text.strip()):
        return None, "is not a whole number"
    if int(text) > _LARGEST_COUNT:
        return None, f"is beyond the largest count a column holds ({_LARGEST_COUNT:,})"
    return int(text), None


# Counts are stored as 64-bit integers.
_LARGEST_COUNT = 2**63 - 1


def _arm(arm: str, arm_treatment: Treatment) -> dict[str, Any]:
    """An estimate's arm; its printed text is in raw.effect_estimates, so it is not repeated."""
    columns = treatment_columns(arm, arm_treatment)
    del columns[f"{arm}_text"]
    return columns


def _without(text: str, matches: list[Any]) -> str:
    for match in reversed(matches):
        text = text[: match.start] + " " + text[match.end :]
    return text


def _population(text: str | None, vocab: Vocabulary) -> str:
    """The population an estimate was measured in: a population it names (also in the aside of
    'not stated (2 trials; one adult trial)'), else one its ages give, else unspecified."""
    named = [
        m.term_id for m in vocab.population_terms.find(text or "") if m.term_id != "unspecified"
    ]
    return named[0] if named else population_from_ages(text) or "unspecified"


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
