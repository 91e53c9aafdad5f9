"""A row of a comparative table → its findings: the arms, outcome, condition, population,
severity, grade and the direction of each statement of its result."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from pipelines.interpret.abbreviations import expanded
from pipelines.interpret.ages import population_from_ages
from pipelines.interpret.arms import arms, without_qualifiers
from pipelines.interpret.columns import GRADE_SYMBOL
from pipelines.interpret.direction import (
    Reading,
    counted_polarity,
    opposite,
    read_direction,
    statement_polarity,
)
from pipelines.interpret.layout import Entry
from pipelines.interpret.memo import remembered
from pipelines.interpret.mentions import arm_mentions, mask, mentions, restated
from pipelines.interpret.numbers import Numbers, Said, merged, read_text, reconciled, said
from pipelines.interpret.statements import statements
from pipelines.interpret.terms import Match, TermIndex, TermLog, TermMatch
from pipelines.interpret.timepoints import weeks
from pipelines.interpret.treatments import Treatment, treatment_columns
from pipelines.interpret.vocab import Vocabulary
from pipelines.read.tables.model import Table
from pipelines.read.text import clean, stable_id

# What a severity names when it qualifies the patients: their disease, or the patients.
_DISEASE_AFTER = re.compile(
    r"^\W*(?:\w+\W+)?(?:disease|patients|participants|children|adults|infants|adolescents)\b",
    re.IGNORECASE,
)
_DISEASE_REACH = 40
_SUBGROUP_BEFORE = re.compile(r"\b(?:for|in|among|with)\s+(?:\w+\s+)?$", re.IGNORECASE)
_TIME_TO = re.compile(r"\btime to\b", re.IGNORECASE)
# A row whose result is numbers alone says nothing in words.
_NO_WORDS = Reading("unclassified", "no words say which way it went")


@dataclass(frozen=True)
class TableContext:
    """A table being read, and the conditions its rows' qualifiers named (read once each)."""

    position: int
    table: Table
    guide_title: str = ""
    negative_favours: str | None = None  # the arm a guide says a negative difference favours
    abbreviations: dict[str, str] = field(default_factory=dict)  # a guide's: short → long
    conditions: dict[tuple, tuple[str | None, str | None]] = field(default_factory=dict)
    compared: dict[str, dict[str, Treatment]] = field(default_factory=dict)  # by comparison
    title: str = ""  # the table's, as stored
    masked_title: str = ""  # with its treatments masked, for what it says of every row
    abbreviation_key: tuple[tuple[str, str], ...] = ()  # the abbreviations, as a memo key

    @classmethod
    def of(cls, position: int, table: Table, vocab: Vocabulary, **guide: Any) -> TableContext:
        title = clean(table.title)
        return cls(
            position,
            table,
            title=title,
            masked_title=mask(title, mentions(title, vocab)),
            abbreviation_key=tuple(sorted(guide.get("abbreviations", {}).items())),
            **guide,
        )


def row_findings(
    context: dict,
    where: TableContext,
    entries: list[Entry],
    vocab: Vocabulary,
    terms: TermLog,
) -> list[tuple[dict[str, Any], tuple[int, ...]]]:
    """A finding per statement of each entry of a row (and per strength a statement restates),
    each with the reference numbers it cites."""
    found: list[tuple[dict[str, Any], tuple[int, ...]]] = []
    for entry in entries:
        for finding in _entry_findings(context, where, entry, vocab, terms, len(found)):
            found.append((finding, entry.cited))
    return found


def _entry_findings(
    context: dict,
    where: TableContext,
    entry: Entry,
    vocab: Vocabulary,
    terms: TermLog,
    before: int,
) -> list[dict[str, Any]]:
    position, table, row = where.position, where.table, entry.row
    title = where.title
    outcome_text = entry.outcome or _titled_outcome(title, vocab)
    outcome = terms.record(_outcome_match(outcome_text, vocab), row.line_no).term_id
    grade = _grade(entry.grade, vocab, terms, row.line_no) if entry.grade else None
    comparison = clean(entry.comparison)
    conditions = list(entry.conditions)
    stated = [*conditions, *entry.populations]
    qualifiers = [*stated, *entry.qualifiers]
    read = (tuple(qualifiers), tuple(conditions))
    if read not in where.conditions:
        where.conditions[read] = _condition(
            vocab, terms, table, where.guide_title, qualifiers, conditions
        )
    condition, condition_text = where.conditions[read]
    arms_printed = without_qualifiers(comparison)
    if arms_printed not in where.compared:
        where.compared[arms_printed] = remembered(
            vocab.arms_read,
            (arms_printed, where.abbreviation_key),
            lambda _: arms(arms_printed, vocab, where.abbreviations),
        )
    compared = where.compared[arms_printed]
    for arm in compared.values():
        terms.record(arm.match, row.line_no)
    masked_title = where.masked_title
    polarity, of_event = _polarity(outcome, outcome_text, vocab)
    columns = _column_numbers(entry, compared, vocab, where.abbreviations)
    row_weeks = weeks(outcome_text) or weeks(comparison)
    found: list[dict[str, Any]] = []
    printed_texts = (
        remembered(vocab.statements_of, entry.result, lambda result: statements(result, vocab))
        if entry.result
        else [entry.printed]
    )
    for printed_text in printed_texts:
        said_alone = remembered(
            vocab.statements_read,
            (printed_text, bool(entry.result), where.abbreviation_key, arms_printed, polarity),
            lambda key: _statement(*key[:2], where.abbreviations, compared, polarity, vocab),
        )
        printed = merged(said_alone.numbers, columns)
        reading = reconciled(
            said_alone.words, _said(printed, said_alone.text, (polarity, of_event), where, vocab)
        )
        named = _first(
            vocab.population_terms, terms, row.line_no, said_alone.masked, *qualifiers, masked_title
        )
        population = named.term_id if named else _aged(stated, [*qualifiers, masked_title])
        severe = _first(
            vocab.severity_terms,
            terms,
            row.line_no,
            said_alone.of_disease,
            *qualifiers,
            masked_title,
        )
        severity = severe.term_id if severe else None
        timepoint = row_weeks or said_alone.weeks or weeks(title) or None
        for intervention, comparator in said_alone.arms:
            statement_no = before + len(found) + 1
            finding_id = stable_id("fnd", context["source_id"], position, row.row_no, statement_no)
            found.append(
                {
                    **context,
                    "line_no": row.line_no,
                    "finding_id": finding_id,
                    "table_no": table.table_no,
                    "row_no": row.row_no,
                    "statement_no": statement_no,
                    "condition": condition,
                    "condition_text": condition_text,
                    "outcome": outcome,
                    "outcome_text": outcome_text,
                    "timepoint_weeks": timepoint,
                    **treatment_columns("intervention", intervention),
                    **treatment_columns("comparator", comparator),
                    "population": population or "unspecified",
                    "severity": severity or "unspecified",
                    "direction": reading.direction,
                    "direction_reason": reading.reason,
                    "result_text": said_alone.result_text,
                    "evidence_grade": grade,
                    "evidence_grade_text": clean(entry.grade) or None,
                }
            )
    return found


@dataclass(frozen=True)
class _Statement:
    """What a statement says on its own, with its row's arms and the polarity of its outcome:
    read once per distinct statement (tables repeat their phrases, guides each other's)."""

    text: str  # with the guide's abbreviations spelled out
    result_text: str  # as stored
    masked: str  # its treatments blanked
    of_disease: str  # the parts where a severity qualifies the disease or the patients
    words: Reading
    numbers: Numbers  # what its text prints, before the row's columns join them
    arms: tuple[tuple[Treatment, Treatment], ...]  # as it restates them, one pair per strength
    weeks: float | None


def _statement(
    printed_text: str,
    has_result: bool,
    abbreviations: dict[str, str],
    compared: dict[str, Treatment],
    polarity: str | None,
    vocab: Vocabulary,
) -> _Statement:
    text = expanded(printed_text, abbreviations)
    named_here = mentions(text, vocab)
    masked = mask(text, named_here)
    by_arm = arm_mentions(text, named_here, compared, vocab)
    words = read_direction(text, by_arm, polarity, vocab) if has_result else _NO_WORDS
    return _Statement(
        text=text,
        result_text=clean(printed_text),
        masked=masked,
        of_disease=_of_disease(masked, vocab),
        words=words,
        numbers=read_text(text, by_arm, vocab),
        arms=tuple(restated(text, by_arm, named_here, compared)),
        weeks=weeks(text),
    )


def _said(
    printed: Numbers,
    text: str,
    polarities: tuple[str | None, str | None],
    where: TableContext,
    vocab: Vocabulary,
) -> Said | None:
    """What a statement's numbers say, each counting what its clause counts, else the row."""
    if not printed:
        return None
    polarity, of_event = polarities
    counts = statement_polarity(text, polarity, vocab)
    ratio = counts if of_event == polarity else statement_polarity(text, of_event, vocab)
    return said(printed, counts, where.negative_favours, vocab, ratio)


def _column_numbers(
    entry: Entry, compared: dict[str, Treatment], vocab: Vocabulary, abbreviations: dict[str, str]
) -> Numbers:
    """The numbers of an entry's own columns, with the arm each names: a Favours cell that names
    one arm, and the arms' values by the arm their header names (else the column's role)."""
    if not entry.arm_values and not entry.favours:
        return entry.numbers
    firsts = [
        v for h, role, v in entry.arm_values if _side(h, role, compared, vocab) == "intervention"
    ]
    seconds = [
        v for h, role, v in entry.arm_values if _side(h, role, compared, vocab) == "comparator"
    ]
    favoured = _named_arms(expanded(entry.favours, abbreviations), compared, vocab)
    return replace(
        entry.numbers,
        arms=tuple(zip(firsts, seconds, strict=False)),
        favours=favoured.pop() if len(favoured) == 1 else None,
    )


def _side(header: str, role: str, compared: dict[str, Treatment], vocab: Vocabulary) -> str:
    named = _named_arms(header, compared, vocab)
    return named.pop() if len(named) == 1 else role


def _named_arms(text: str, compared: dict[str, Treatment], vocab: Vocabulary) -> set[str]:
    if not text:
        return set()
    return {m.arm for m in arm_mentions(text, mentions(text, vocab), compared, vocab)}


def _outcome_match(text: str, vocab: Vocabulary) -> TermMatch:
    """The outcome a printed text names; one that matches no entry but counts an event that is
    an outcome's complement stands for that outcome ('Time to first relapse': flare prevention)."""
    match = vocab.outcome_terms.match(text)
    if match.term_id is not None:
        return match
    counted = {
        e.term_id for e in vocab.event_terms.find(text) if e.term_id in vocab.event_complement
    }
    if len(counted) != 1:
        return match
    complement = vocab.event_complement[counted.pop()]
    return replace(match, term_id=complement, method="contained", score=100.0)


def _aged(stated: list[str], texts: list[str]) -> str | None:
    """A population from ages: those a population cell states first, then those after 'aged'."""
    ages = [population_from_ages(text, stated=True) for text in stated]
    return next(filter(None, [*ages, *map(population_from_ages, texts)]), None)


def _polarity(
    outcome: str | None, outcome_text: str, vocab: Vocabulary
) -> tuple[str | None, str | None]:
    """Whether more of what the row counts is better, and more of the event a ratio of it
    compares. The event's is the outcome's polarity, unless its text counts an event the outcome
    is the complement of ('Relapse' read as flare prevention: fewer is better), or the outcome is
    unknown and its text counts an event. A time to an event runs the other way (a later relapse,
    a sooner clearance are better), but its hazard ratio still counts the event."""
    counted = vocab.event_terms.find(outcome_text)
    complement = counted and vocab.event_complement.get(counted[0].term_id) == outcome
    if counted and (outcome is None or complement):
        event = counted_polarity(outcome_text, counted[0], vocab)
    else:
        event = vocab.polarity.get(outcome) if outcome is not None else None
    if event is None or not _TIME_TO.search(outcome_text):
        return event, event
    return opposite(event), event


def _grade(text: str, vocab: Vocabulary, terms: TermLog, line_no: int) -> str | None:
    """A closed scale: the grade as printed, a grade word in a longer wording ('Low certainty',
    'moderate-quality evidence'), or GRADE symbols ('⊕⊕⊕◯' is moderate); else None, the text
    kept with the finding and flagged as an unmatched term (never a reason to set it aside)."""
    match = vocab.grade_terms.match(text)
    if match.term_id is None and (found := vocab.grade_terms.find(text)):
        match = vocab.grade_terms.found(found[0])
    symbols = len(GRADE_SYMBOL.findall(text))
    if match.term_id is None and symbols in vocab.grade_rank:
        return vocab.grade_rank[symbols]
    return terms.record(match, line_no).term_id


def _of_disease(statement: str, vocab: Vocabulary) -> str:
    """The parts of a statement where a severity qualifies the disease or the patients ('for
    mild/moderate cases', 'in moderate to severe disease'), not the events counted ('most cases
    were mild or moderate')."""
    kept = [
        statement[found.start : found.end]
        for found in vocab.severity_terms.find(statement)
        if _SUBGROUP_BEFORE.search(statement[: found.start])
        or _DISEASE_AFTER.match(statement[found.end :])
        or vocab.condition_terms.find(statement[found.end : found.end + _DISEASE_REACH])
    ]
    return " ; ".join(kept)


def _first(index: TermIndex, terms: TermLog, line_no: int, *texts: str) -> TermMatch | None:
    """The first term found, in the first text that has one, recorded as read."""
    for text in texts:
        found = index.find(text)
        if found:
            return terms.record(index.found(found[0]), line_no)
    return None


def _condition(
    vocab: Vocabulary,
    terms: TermLog,
    table: Table,
    guide_title: str,
    qualifiers: list[str],
    stated: list[str],
) -> tuple[str | None, str | None]:
    """(condition id, the text it was read from). The most specific place that names a condition
    decides: the row (a condition or population column, the comparison's asides), the table
    title, its section, the guide's title. A column headed as the condition states one in every
    row: when the vocabulary knows none of its text, the condition is None with that text, never
    one from further up. So is a condition outside the list (raw/vocab/other_conditions.csv)
    named in a place before any listed one, or around it ('chronic hand eczema')."""
    if stated and not any(vocab.condition_terms.find(text) for text in stated):
        terms.record(_unmatched(vocab.condition_terms, stated[0]), table.line_no)
        return None, stated[0]
    title = clean(table.title)
    for text in (*qualifiers, title, clean(table.section or ""), clean(guide_title)):
        listed = vocab.condition_terms.find(text)
        other = vocab.other_condition_terms.find(text)
        if other and not any(_outside(match, other) for match in listed):
            terms.record(_unmatched(vocab.condition_terms, other[0].text), table.line_no)
            return None, other[0].text
        if listed:
            return terms.record(vocab.condition_terms.found(listed[0]), table.line_no).term_id, (
                listed[0].text
            )
    terms.record(_unmatched(vocab.condition_terms, title), table.line_no)
    return None, title or None


def _outside(match: Match, others: list[Match]) -> bool:
    """A listed condition named before any other, and not inside one's name."""
    return match.start < others[0].start and not any(
        o.start <= match.start and match.end <= o.end for o in others
    )


def _unmatched(index: TermIndex, text: str) -> TermMatch:
    """A text recorded as naming no entry, with the closest one for the person reviewing: for a
    condition, a near spelling is another disease ('perioral' is not 'atopic dermatitis')."""
    match = index.match(text)
    if match.term_id is None:
        return match
    return replace(
        match,
        term_id=None,
        method="unmatched",
        runner_up=match.term_id,
        runner_up_score=match.score,
        score=None,
    )


def _titled_outcome(title: str, vocab: Vocabulary) -> str:
    """A table without an outcome column names its outcome in the title: the term found there,
    else the whole title (recorded as read)."""
    found = vocab.outcome_terms.find(title)
    return found[0].text if found else title
