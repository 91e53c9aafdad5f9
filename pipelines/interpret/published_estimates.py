"""A published analysis page (a review's 'Data and analyses', a summary of findings, a journal
table of pooled estimates) → rows in the estimates CSV's columns, so that the table route and the
hand-copied route are typed, matched and oriented by one function (estimates.normalize_estimate).

The page is read as a guide is (read.guide, columns, layout): the comparison, outcome and
qualifiers come from wherever layout finds them. The rules, one line each:
- A row whose effect column prints a value with its interval is an estimate.
- Condition, population and severity are the first that the row's own cells, its qualifiers, the
  caption, the lines printed with the table or the page's title name.
- The timepoint is a numbered subgroup ('10.1.1 3 weeks'), an outcome cell that is only a
  duration (a row per timepoint: the outcome is then the caption's), or the outcome's last part
  after a comma that reads as a duration, else the duration the caption prints; a subgroup that
  names a population is the population; any other subgroup stays part of the outcome.
- The measure (and its model) is the method cell's ('Risk Ratio (M-H, Random, 95% CI)', also
  without its header), else the measure printed with the number or over its column.
- Studies and participants are their columns' numbers; a number in brackets is the other one
  ('1522 (2 RCTs)' under participants, '1 (413)' under studies).
- An estimate's trials are the page's included studies ('Characteristics of included studies':
  a table with a study and an interventions column, or one table per study with an
  'Interventions' row) whose interventions name both its arms, kept only when they are as many
  as the studies it pools; else none are listed and the overlap presumptions decide.
- The citation is the page's first paragraph that prints a DOI or a PMID (with those
  identifiers), else the page's title.
- A row whose effect column prints no estimate ('Subtotals only', 'Totals not selected', 'Not
  estimable', or '0.0 [0.0, 0.0]' with no participants) is kept with its reason, never read as an
  estimate of zero; so is an estimate whose comparison is printed nowhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipelines.interpret.ages import population_from_ages
from pipelines.interpret.arms import without_qualifiers
from pipelines.interpret.columns import (
    COMPARISON_JOINER,
    TableRoles,
    aligned,
    header_score,
    table_roles,
)
from pipelines.interpret.layout import Entry, entries
from pipelines.interpret.numbers import Effect, effect, measure_named
from pipelines.interpret.timepoints import duration
from pipelines.interpret.treatments import Treatment, treatment
from pipelines.interpret.vocab import Vocabulary
from pipelines.read.parsed_guide import ParsedGuide
from pipelines.read.tables.model import Row, Table
from pipelines.read.text import clean

_IDENTIFIER = re.compile(
    r"\b(?:doi:?\s*10\.\d{4,9}/\S+|10\.\d{4,9}/\S+|PMID:?\s*\d+)", re.IGNORECASE
)
_WHOLE = re.compile(r"\d[\d,]*")
_BRACKETED = re.compile(r"[(\[]\s*(\d[\d,]*)")
# A method cell without its header: 'Risk Ratio (M-H, Random, 95% CI)'.
_METHOD = re.compile(r"\([^()]*95\s*%\s*CI\s*\)\s*$", re.IGNORECASE)
# '(M-H, Random, 95% CI)' → '(M-H, Random)'; 'RR (95% CI)' → 'RR'.
_CONFIDENCE = re.compile(r"\s*,\s*95\s*%\s*CI\b|\s*\(\s*95\s*%\s*CI\s*\)", re.IGNORECASE)
_COUNTS = re.compile(r"\b\d+\s*/\s*\d+\b")
INCLUDED = "included_studies"
_ARMS_OF_A_STUDY = re.compile(
    r"\s+(?:vs\.?|v\.?|versus|compared (?:with|to))\s+|[;+]|\band\b", re.I
)
_NO_ESTIMATE = "prints no estimate ({printed}): the analysis gives none to count"
_ZERO = (
    "prints {printed} with no participants: nothing was estimated (no data or no events in "
    "either arm), not an estimate of zero"
)
_NO_COMPARISON = (
    "prints an estimate, but no comparison is printed with it (row, group row, caption or the "
    "table's Intervention/Comparison lines)"
)


@dataclass(frozen=True)
class Unestimated:
    """A row of an analysis table that gives no estimate, and why."""

    line_no: int
    table_no: int
    label: str
    printed: str
    reason: str


def published_rows(
    guide: ParsedGuide, vocab: Vocabulary
) -> tuple[list[tuple[int, dict[str, str | None]]], list[Unestimated]]:
    """Each estimate of the page as (line, a row in the estimates CSV's columns), and the rows of
    its analysis tables that print none."""
    citation, identifiers = _citation(guide)
    studies = [  # each study's arms read once for the page, not once per estimate
        (name, [treatment(part, vocab) for part in _ARMS_OF_A_STUDY.split(text) if part.strip()])
        for name, text in included_studies(guide, vocab)
    ]
    found: list[tuple[int, dict[str, str | None]]] = []
    unestimated: list[Unestimated] = []
    for table in guide.tables:
        roles = table_roles(table, vocab)
        columns = roles.positions("effect") or roles.positions("result")
        if not columns:
            continue
        table = replace(table, rows=tuple(aligned(row, roles, vocab) or row for row in table.rows))
        for row, row_entries in zip(table.rows, entries(table, roles, vocab), strict=True):
            label = clean(row.cells[0].text) if row.cells else ""
            printed = "; ".join(
                text for i in columns if i < len(row.cells) and (text := clean(row.cells[i].text))
            )
            if not printed:
                continue
            read = next(((e, f) for e in row_entries if (f := _effect(e, vocab))), None)
            why = _why_none(printed, read, roles, vocab)
            if why is not None:
                unestimated.append(Unestimated(row.line_no, table.table_no, label, printed, why))
                continue
            assert read is not None
            estimate = _row(*read, table, roles, guide, vocab)
            estimate.update(
                source_citation=citation,
                pmid_doi=identifiers,
                trials=_trials(estimate, studies, vocab),
            )
            found.append((row.line_no, estimate))
    return found, unestimated


def _effect(entry: Entry, vocab: Vocabulary) -> Effect | None:
    """The entry's estimate: its effect column's, else the one its result prints."""
    if entry.numbers.effects:
        return entry.numbers.effects[0]
    return effect(entry.result, vocab) if entry.result else None


def _why_none(
    printed: str, read: tuple[Entry, Effect] | None, roles: TableRoles, vocab: Vocabulary
) -> str | None:
    """Why a row that prints something where its estimate belongs gives none; None when it
    gives one."""
    if read is None:
        return (
            _NO_COMPARISON if effect(printed, vocab) else _NO_ESTIMATE.format(printed=repr(printed))
        )
    entry, first = read
    if first.value == first.low == first.high == 0 and not int(_counts(entry.row, roles)[1] or 0):
        return _ZERO.format(printed=repr(printed))
    return None


def _row(
    entry: Entry,
    first: Effect,
    table: Table,
    roles: TableRoles,
    guide: ParsedGuide,
    vocab: Vocabulary,
) -> dict[str, str | None]:
    """The estimate an entry prints, in the estimates CSV's columns, each as printed."""
    arms = COMPARISON_JOINER.split(without_qualifiers(clean(entry.comparison)))
    intervention, comparator = arms if len(arms) == 2 else (arms[0], None)
    outcome, subgroup = _outcome(entry)
    if outcome and duration(outcome) == outcome.strip():  # a row per timepoint: '3 weeks'
        outcome, subgroup = "", outcome
    timepoint = subgroup if subgroup and _duration(subgroup) else None
    if timepoint is None and "," in outcome and _duration(tail := outcome.rsplit(",", 1)[1]):
        outcome, timepoint = outcome.rsplit(",", 1)[0].strip(), tail.strip()
    if timepoint is None and _duration(title := clean(table.title)):
        timepoint = duration(title)
    population = subgroup if subgroup and _population_named(subgroup, vocab) else None
    if subgroup and not timepoint and not population:
        outcome = f"{outcome}, {subgroup}"
    places = [
        *entry.conditions,
        *entry.populations,
        *entry.qualifiers,
        clean(table.title),
        *map(clean, table.notes),
        guide.title or "",
    ]
    studies, participants = _counts(entry.row, roles)
    return {
        "intervention": intervention or None,
        "comparator": comparator or None,
        "condition": next((t for t in places if vocab.condition_terms.find(t)), None),
        "population": population or next((t for t in places if _population_named(t, vocab)), None),
        "severity": next(
            (found[0].text for t in places if (found := vocab.severity_terms.find(t))), None
        ),
        "outcome": outcome or None,
        "timepoint": timepoint,
        "measure": _measure(entry, first, roles, table, vocab),
        "estimate": f"{first.value:g}",
        "ci_low": f"{first.low:g}",
        "ci_high": f"{first.high:g}",
        "n_trials": studies,
        "n_participants": participants,
        "favours": entry.favours or None,
        "url": None,
        "note": _note(entry, table, roles, vocab),
    }


def _outcome(entry: Entry) -> tuple[str, str]:
    """(the outcome without its subgroup, the subgroup's label)."""
    if entry.subgroup and entry.outcome.endswith(f", {entry.subgroup}"):
        return entry.outcome[: -len(entry.subgroup) - 2], entry.subgroup
    return entry.outcome, ""


def _duration(text: str) -> bool:
    """A text that prints a time after the start ('3 weeks', 'day 29'), not an age."""
    return duration(text) is not None and population_from_ages(text) is None


def _population_named(text: str, vocab: Vocabulary) -> bool:
    named = [m for m in vocab.population_terms.find(text) if m.term_id != "unspecified"]
    return bool(named) or population_from_ages(text) is not None


def _measure(
    entry: Entry, first: Effect, roles: TableRoles, table: Table, vocab: Vocabulary
) -> str | None:
    """The measure as printed: the method cell (its '95% CI' aside dropped), else the measure's
    words printed with the number or over its column."""
    cells = entry.row.cells
    methods = [i for i, cell in enumerate(cells) if _METHOD.search(cell.text)]
    for i in roles.positions("method") or methods:
        if i < len(cells) and measure_named(text := clean(cells[i].text), vocab):
            return _CONFIDENCE.sub("", text).strip()
    for i in roles.positions("effect") or roles.positions("result"):
        for text in (cells[i].text if i < len(cells) else "", table.labels[i]):
            named = vocab.measure_terms.find(text)
            if named and named[-1].term_id == first.measure:
                return named[-1].text
    return first.measure


def _counts(row: Row, roles: TableRoles) -> tuple[str | None, str | None]:
    """(studies, participants) as printed in their columns, the bracketed number being the other."""
    said: dict[str, str | None] = {"studies": None, "participants": None}
    for role, other in (("studies", "participants"), ("participants", "studies")):
        for i in roles.positions(role):
            text = clean(row.cells[i].text) if i < len(row.cells) else ""
            if (whole := _WHOLE.match(text)) is not None:
                said[role] = said[role] or whole.group(0).replace(",", "")
            if (bracketed := _BRACKETED.search(text)) is not None:
                said[other] = said[other] or bracketed.group(1).replace(",", "")
    return said["studies"], said["participants"]


def _note(entry: Entry, table: Table, roles: TableRoles, vocab: Vocabulary) -> str:
    """Where the number was read, and both arms' events and totals where the row prints them
    ('events 40/69 vs 28/72', intervention first: what estimates.normalize_estimate reads)."""
    where = f"read from table {table.table_no}"
    if title := clean(table.title):
        where += f" ('{title}')"
    label = clean(entry.row.cells[0].text) if entry.row.cells else ""
    where += f", row '{label}'"
    events = _events(entry, table, roles, vocab)
    return f"{where}; events {events[0]} vs {events[1]}" if events else where


def _events(
    entry: Entry, table: Table, roles: TableRoles, vocab: Vocabulary
) -> tuple[str, str] | None:
    """Each arm's 'n/N', intervention first: an arm column is the arm its header names
    ('Vehicle n/N'), else the arm its role says."""
    compared = COMPARISON_JOINER.split(without_qualifiers(clean(entry.comparison)))
    named = [treatment(side, vocab).compound for side in compared] if len(compared) == 2 else []
    found: dict[str, str] = {}
    for role in ("intervention", "comparator"):
        for i in roles.positions(role):
            cells = entry.row.cells
            count = _COUNTS.search(cells[i].text) if i < len(cells) else None
            if count is None:
                continue
            header = treatment(table.labels[i], vocab).compound
            arm = ("intervention", "comparator")[named.index(header)] if header in named else role
            found.setdefault(arm, count.group(0))
    return (found["intervention"], found["comparator"]) if len(found) == 2 else None


def _citation(guide: ParsedGuide) -> tuple[str | None, str | None]:
    """(the page's citation, its identifiers): the first paragraph printing a DOI or a PMID."""
    for paragraph in guide.paragraphs:
        found = _IDENTIFIER.findall(paragraph.text)
        if found:
            return clean(paragraph.text), "; ".join(f.rstrip(".,;") for f in found)
    return guide.title, None


def included_studies(guide: ParsedGuide, vocab: Vocabulary) -> list[tuple[str, str]]:
    """(study, its interventions as printed) for each included study the page describes."""
    roles = vocab.columns.get(INCLUDED, {})
    if not {"study", "interventions"} <= set(roles):
        return []
    found: list[tuple[str, str]] = []
    for table in guide.tables:
        labels = [clean(label) for label in table.labels]
        at = {
            role: next(
                (i for i, label in enumerate(labels) if header_score(label, words) == 1.0), None
            )
            for role, (_, words) in roles.items()
        }
        study, interventions = at.get("study"), at.get("interventions")
        if study is not None and interventions is not None:
            found += [
                (clean(row.cells[study].text), clean(row.cells[interventions].text))
                for row in table.rows
                if max(study, interventions) < len(row.cells) and clean(row.cells[study].text)
            ]
            continue
        if not (title := clean(table.title)):
            continue
        for row in table.rows:
            cells = [clean(cell.text) for cell in row.cells]
            named = len(cells) > 1 and header_score(cells[0], roles["interventions"][1]) == 1.0
            if named:
                found.append((title, " ".join(cells[1:])))
    return found


def _trials(
    estimate: dict[str, str | None],
    studies: list[tuple[str, list[Treatment]]],
    vocab: Vocabulary,
) -> str | None:
    """The included studies whose interventions name both arms of the estimate (compound, and
    strength where the arm prints one), when they number the studies it pools."""
    arms = [treatment(estimate[arm] or "", vocab) for arm in ("intervention", "comparator")]
    if not studies or any(arm.compound is None for arm in arms):
        return None
    matched = []
    for name, given in studies:
        if all(any(_same(arm, other) for other in given) for arm in arms):
            matched.append(name)
    counted = estimate.get("n_trials")
    return "; ".join(matched) if matched and counted and int(counted) == len(matched) else None


def _same(arm: Treatment, other: Treatment) -> bool:
    return arm.compound == other.compound and arm.strength_pct in (None, other.strength_pct)
