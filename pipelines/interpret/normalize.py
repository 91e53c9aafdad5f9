"""Parsed guides → tidy rows for every dataset, given meaning by the vocabularies.

Values the vocabularies do not know are passed through as printed, so that validation
quarantines them with the offending text instead of this module guessing.
"""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from pipelines.interpret.ages import population_from_ages
from pipelines.interpret.columns import (
    ARM_NUMBERS,
    COMPARATIVE,
    COMPARISON_JOINER,
    GRADE_SYMBOL,
    PRECLINICAL,
    UNKNOWN,
    ColumnRole,
    TableRoles,
    aligned,
    table_roles,
)
from pipelines.interpret.direction import ArmMention, read_direction
from pipelines.interpret.strengths import PATTERN, STRENGTH, percent
from pipelines.interpret.terms import Match, TermIndex, TermLog, TermMatch
from pipelines.interpret.timepoints import weeks
from pipelines.interpret.treatments import Treatment, treatment, treatment_columns
from pipelines.interpret.vocab import Vocabulary
from pipelines.pull.sources import PulledFile, SourceError
from pipelines.read.parsed_guide import ParsedGuide
from pipelines.read.tables.model import Row, Table
from pipelines.read.text import citation_numbers, clean, month_number, sentences, stable_id

Rows = dict[str, list[dict[str, Any]]]

_TRAILING_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")
_PARENS = re.compile(r"\(([^()]*)\)")
_BARE_STRENGTH = re.compile(rf"{PATTERN}\s*$", re.IGNORECASE)
_STRENGTH_AFTER = re.compile(rf"^\s*{PATTERN}", re.IGNORECASE)
_POTENCY_JOINER = re.compile(r"^[\s/,-]*(?:(?:to|and|or)\b)?[\s/,-]*$", re.IGNORECASE)
_FOLD_RANGE = re.compile(
    r"(\d+(?:\.\d+)?)\s*-?\s*(?:to|\u2013|-)\s*(\d+(?:\.\d+)?)\s*-?\s*fold", re.IGNORECASE
)
_FOLD_SINGLE = re.compile(r"(\d+(?:\.\d+)?)\s*-?\s*fold", re.IGNORECASE)
_MODEL = re.compile(r"\bin (?:an? |the )?((?:[\w-]+ ){0,5}models?)\b", re.IGNORECASE)
_REFERENCE_TAIL = re.compile(r"^(?P<title>.+?)\s+-\s+(?P<database>[A-Z][\w .]*?)\s*\[[^\]]*\]\s*$")
_PARENTHESIZED = re.compile(r"\([^()]*\)")
# Only a statement with one of these can hold clauses about different subgroups.
_SUBGROUP_HINT = re.compile(r";|\bwhereas\b|\band\s+in\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"(?<=\S)\s*;\s+|,?\s+whereas\s+", re.IGNORECASE)
_BOTH_SUBGROUPS = re.compile(
    r",?\s+(?:both\s+)?in\s+(?P<first>[^,;]+?)\s+and\s+in\s+(?P<second>[^,;]+?)\s*[.;]?\s*(?:\[\d+\]\s*)*$",
    re.IGNORECASE,
)
# A strength followed by a word that makes it an arm's dose: 'children using the 0.03% strength'.
_DOSE = re.compile(rf"{PATTERN}(?=\s*(?:strength|concentration)\b)", re.IGNORECASE)
# An unknown arm is looked for by its printed name only when that name is a word or more.
_MIN_NAME = 4
_MAX_NAME_WORDS = 3
_MONTH_YEAR = re.compile(r"(?P<month>[A-Za-z]+)\.?\s+(?P<year>\d{4})")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    compound: str | None
    strength_pct: float | None
    potencies: frozenset[str] = frozenset()


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
    for position, table in enumerate(guide.tables, 1):
        roles = table_roles(table, vocab)
        rows["core.tables"].append(_table(context, table, roles.kind, position))
        rows["raw.table_cells"].extend(_cells(context, table))
        rows["quality.column_roles"].extend(_column_roles(context, table, roles, position))
        if roles.kind == COMPARATIVE:
            where = _TableContext(position, table, guide.title or "")
            for row in table.rows:
                realigned = aligned(row, roles, vocab)
                if realigned is not None:
                    rows["quality.source_errors"].append(_short_row(context, table, row))
                _findings(rows, context, where, realigned or row, roles, vocab, terms)
        elif roles.kind == PRECLINICAL:
            columns = {c.role: c.column_no - 1 for c in roles.columns if c.role}
            compound = _profiled_compound(table.title, vocab)
            for row in table.rows:
                _preclinical(rows, context, (position, table, row), columns, compound, vocab)
        elif roles.kind == UNKNOWN:
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
                _cite(rows, context, paragraph.line_no, "claims", claim_id, numbers)
    for reference in guide.references:
        rows["core.references"].append(
            _reference(context, reference.ref_no, reference.line_no, reference.text)
        )
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


@dataclass(frozen=True)
class _TableContext:
    """A table being read, and the conditions its rows' qualifiers named (read once each)."""

    position: int
    table: Table
    guide_title: str
    conditions: dict[tuple, tuple[str | None, str | None]] = field(default_factory=dict)


def _findings(
    rows: Rows,
    context: dict,
    where: _TableContext,
    row: Row,
    roles: TableRoles,
    vocab: Vocabulary,
    terms: TermLog,
) -> None:
    position, table = where.position, where.table

    printed = {
        role: [row.cells[i].text for i in positions if i < len(row.cells)]
        for role, positions in roles.by_role.items()
    }

    def cell(role: str) -> str:
        return next(iter(printed.get(role, ())), "")

    def cells(role: str) -> list[str]:
        return [clean(text) for text in printed.get(role, ())]

    if not clean(cell("result")):
        return  # a row that states no result compares nothing (its cells stay in raw.table_cells)
    title = clean(table.title)
    outcome_text = clean(cell("outcome")) or clean(row.group or "") or _titled_outcome(title, vocab)
    outcome = terms.record(_outcome_match(outcome_text, vocab), row.line_no).term_id
    grade = _grade(clean(cell("evidence_grade")), vocab) if cell("evidence_grade") else None
    comparison = clean(cell("comparison"))
    conditions = cells("condition")
    stated = [*conditions, *cells("population")]
    qualifiers = [
        *stated,
        *_PARENS.findall(comparison),
        *([row.group] if row.group and cell("outcome") else []),
    ]
    read = (tuple(qualifiers), tuple(conditions))
    if read not in where.conditions:
        where.conditions[read] = _condition(
            vocab, terms, table, where.guide_title, qualifiers, conditions
        )
    condition, condition_text = where.conditions[read]
    arms = _arms(_without_qualifiers(comparison), vocab, terms, row.line_no)
    masked_title = _mask(title, _mentions(title, vocab))
    cited = citation_numbers(" ".join(c.text for c in row.cells))
    statement_no = 0
    for text in _statements(cell("result"), vocab):
        mentions = _mentions(text, vocab)
        masked = _mask(text, mentions)
        arm_mentions = _arm_mentions(text, mentions, arms, vocab)
        reading = read_direction(text, arm_mentions, _polarity(outcome, outcome_text, vocab), vocab)
        named = _first(
            vocab.population_terms, terms, row.line_no, masked, *qualifiers, masked_title
        )
        population = named.term_id if named else _aged(stated, [*qualifiers, masked_title])
        severe = _first(vocab.severity_terms, terms, row.line_no, masked, *qualifiers, masked_title)
        severity = severe.term_id if severe else None
        for intervention, comparator in _restated(text, arm_mentions, mentions, arms):
            statement_no += 1
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
                    "condition_text": condition_text,
                    "outcome": outcome,
                    "outcome_text": outcome_text,
                    "timepoint_weeks": next(
                        filter(None, map(weeks, (outcome_text, comparison, text, title))), None
                    ),
                    **treatment_columns("intervention", intervention),
                    **treatment_columns("comparator", comparator),
                    "population": population or "unspecified",
                    "severity": severity or "unspecified",
                    "direction": reading.direction,
                    "direction_reason": reading.reason,
                    "result_text": clean(text),
                    "evidence_grade": grade,
                }
            )
            _cite(rows, context, row.line_no, "findings", finding_id, cited)


def _outcome_match(text: str, vocab: Vocabulary) -> TermMatch:
    """The outcome a printed text names; one that matches no entry but counts an event that is
    an outcome's complement stands for that outcome ('Time to first relapse': flare prevention)."""
    match = vocab.outcome_terms.match(text)
    if match.term_id is not None:
        return match
    counted = [e for e in vocab.event_terms.find(text) if e.term_id in vocab.event_complement]
    if len(counted) != 1:
        return match
    complement = vocab.event_complement[counted[0].term_id]
    return replace(match, term_id=complement, method="contained", score=100.0)


def _aged(stated: list[str], texts: list[str]) -> str | None:
    """A population from ages: those a population cell states first, then those after 'aged'."""
    ages = [population_from_ages(text, stated=True) for text in stated]
    return next(filter(None, [*ages, *map(population_from_ages, texts)]), None)


def _polarity(outcome: str | None, outcome_text: str, vocab: Vocabulary) -> str | None:
    """The outcome's polarity; for an outcome no entry covers, that of an event its text counts."""
    if outcome is not None:
        return vocab.polarity.get(outcome)
    counted = vocab.event_terms.find(outcome_text)
    return vocab.event_polarity[counted[0].term_id] if counted else None


def _arms(comparison: str, vocab: Vocabulary, terms: TermLog, line_no: int) -> dict[str, Treatment]:
    """The two arms of 'A vs. B'; a comparison that is not two arms is one unknown arm twice.
    A side that names no compound shares the class the other side ends with ('Mid-potency vs.
    low-potency corticosteroids': both are corticosteroids)."""
    sides = COMPARISON_JOINER.split(comparison)
    if len(sides) == 2:
        sides = _shared_class(sides, vocab)
        intervention, comparator = (treatment(side, vocab) for side in sides)
    else:
        intervention = comparator = treatment(comparison, vocab)
    for arm in (intervention, comparator):
        terms.record(arm.match, line_no)
    return {"intervention": intervention, "comparator": comparator}


def _shared_class(sides: list[str], vocab: Vocabulary) -> list[str]:
    named = [vocab.compound_terms.find(side) for side in sides]
    for bare, other in ((0, 1), (1, 0)):
        if named[bare] or not named[other]:
            continue
        last = named[other][-1]
        is_class = vocab.kind_of(last.term_id) == "class"
        if is_class and not sides[other][last.end :].strip(" .,;"):
            sides = list(sides)
            sides[bare] = f"{sides[bare].rstrip()} {last.text}"
    return sides


def _grade(text: str, vocab: Vocabulary) -> str:
    """A closed scale: the grade as printed, or written as GRADE symbols ('⊕⊕⊕◯' is moderate);
    anything else is kept as printed, so validation quarantines it."""
    match = vocab.grade_terms.match(text)
    symbols = len(GRADE_SYMBOL.findall(text))
    return match.term_id or vocab.grade_rank.get(symbols) or text


def _first(index: TermIndex, terms: TermLog, line_no: int, *texts: str) -> TermMatch | None:
    """The first term found, in the first text that has one, recorded as read."""
    for text in texts:
        found = index.find(text)
        if found:
            return terms.record(index.found(found[0]), line_no)
    return None


def _statements(result: str, vocab: Vocabulary) -> list[str]:
    """One statement per sentence that names an effect (other sentences stay with the one
    before), and one per clause when clauses with effects name different subgroups ('… in
    children [7]; in adults, …')."""
    parts = sentences(result)
    named = [_names_effect(part, vocab) for part in parts]
    if sum(named) <= 1:
        statements = [result]
    else:
        statements = []
        for part, effect in zip(parts, named, strict=True):
            if statements and not effect:
                statements[-1] = f"{statements[-1]} {part}"
            else:
                statements.append(part)
    return [clause for statement in statements for clause in _subgroups(statement, vocab)]


def _subgroups(statement: str, vocab: Vocabulary) -> list[str]:
    """Clauses (split at ';' and 'whereas' outside parentheses) that each state an effect and
    name different subgroups are statements of their own; so is an effect stated for two
    subgroups at once ('Fewer flares, both in children using 0.03% and in adults using 0.1%'),
    one per subgroup, each with the effect."""
    if not _SUBGROUP_HINT.search(statement):
        return [statement]
    blanked = _outside_parentheses(statement)
    clauses = _restore(statement, blanked, [c for c in _CLAUSE_BREAK.split(blanked) if c.strip()])
    named = [c for c in clauses if _names_effect(c, vocab) or _numbers_effect(c)]
    subgroups = {vocab.population_terms.first(c) for c in named} - {None}
    if len(clauses) > 1 and len(named) == len(clauses) and len(subgroups) > 1:
        return clauses
    both = _BOTH_SUBGROUPS.search(statement)
    if both and _names_effect(statement[: both.start()], vocab):
        groups = [both.group("first"), both.group("second")]
        if len({vocab.population_terms.first(g) for g in groups} - {None}) == 2:
            effect = statement[: both.start()].rstrip(" ,")
            return [f"{effect} in {group.strip()}" for group in groups]
    return [statement]


def _outside_parentheses(text: str) -> str:
    """The text with what parentheses hold blanked out (same length), so splits skip it."""
    while True:
        blanked = _PARENTHESIZED.sub(lambda m: " " * len(m.group(0)), text)
        if blanked == text:
            return text
        text = blanked


def _restore(text: str, blanked: str, clauses: list[str]) -> list[str]:
    """The clauses of `text` where `clauses` (split from its `blanked` copy) are."""
    restored, start = [], 0
    for clause in clauses:
        at = blanked.index(clause, start)
        restored.append(text[at : at + len(clause)])
        start = at + len(clause)
    return restored


def _numbers_effect(text: str) -> bool:
    return bool(ARM_NUMBERS.search(text))


def _names_effect(text: str, vocab: Vocabulary) -> bool:
    return any(match.term_id != "reference" for match in vocab.phrase_terms.find(text))


def _arm_mentions(
    text: str, mentions: list[Mention], arms: dict[str, Treatment], vocab: Vocabulary
) -> list[ArmMention]:
    """The compared arms a statement names: by compound or class, told apart by strength and
    potency; a bare 'the 0.05% cream' names the arm that is not a control."""
    named = [
        ArmMention(m.start, m.end, arm)
        for m in mentions
        if (arm := _arm_of(m, arms, vocab)) is not None
    ]
    treated = [a for a, t in arms.items() if t.compound and vocab.kind_of(t.compound) != "control"]
    for bare in _bare_strengths(text, mentions, vocab):
        if len(treated) == 1:
            named.append(ArmMention(bare.start, bare.end, treated[0]))
    taken = [(m.start, m.end) for m in named]
    for arm, given in arms.items():
        for start, end in _printed_name(text, given) if given.compound is None else ():
            if not any(s < end and start < e for s, e in taken):
                named.append(ArmMention(start, end, arm))
    return sorted(named, key=lambda m: m.start)


def _printed_name(text: str, arm: Treatment) -> list[tuple[int, int]]:
    """Where a statement names an arm the vocabulary does not know, by the words the arm is
    printed with before its strength or formulation ('Lithium gluconate 8% gel')."""
    head = re.split(r"\s*(?:\d|\(|,)", arm.text, maxsplit=1)[0].strip()
    if len(head) < _MIN_NAME or len(head.split()) > _MAX_NAME_WORDS:
        return []
    return [(found.start(), found.end()) for found in _name_pattern(head).finditer(text)]


@functools.lru_cache(maxsize=1 << 12)
def _name_pattern(name: str) -> re.Pattern[str]:
    words = r"[\s-]+".join(re.escape(word) for word in name.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def _arm_of(mention: Mention, arms: dict[str, Treatment], vocab: Vocabulary) -> str | None:
    matching = [arm for arm, given in arms.items() if _names(mention, given, vocab)]
    if len(matching) > 1 and mention.strength_pct is not None:
        matching = [arm for arm in matching if arms[arm].strength_pct == mention.strength_pct]
    if len(matching) > 1 and mention.potencies:
        matching = [
            arm
            for arm in matching
            if mention.potencies <= set((arms[arm].potency or "").split("/"))
        ]
    return matching[0] if len(matching) == 1 else None


def _names(mention: Mention, treatment: Treatment, vocab: Vocabulary) -> bool:
    """A mention names an arm by its compound, by the class of the compound it names, or by the
    class the arm's compound belongs to ('The corticosteroid' for triamcinolone)."""
    if mention.compound is None or treatment.compound is None:
        return False
    return mention.compound in (treatment.compound, vocab.class_of(treatment.compound)) or (
        vocab.class_of(mention.compound) == treatment.compound
    )


def _restated(
    text: str, arm_mentions: list[ArmMention], mentions: list[Mention], arms: dict[str, Treatment]
) -> list[tuple[Treatment, Treatment]]:
    """The arms as the statement restates them: a strength it names replaces the cell's, and an
    arm named at several strengths ('with the 0.05% cream and … the 0.005% ointment') gives one
    statement per strength."""
    strengths: dict[str, list[float]] = {"intervention": [], "comparator": []}
    by_span = {(m.start, m.end): m for m in mentions}
    for arm_mention in arm_mentions:
        mention = by_span.get((arm_mention.start, arm_mention.end))
        strength = mention.strength_pct if mention else _bare_value(text, arm_mention)
        compound = mention.compound if mention else arms[arm_mention.arm].compound
        if strength is not None and compound == arms[arm_mention.arm].compound:
            strengths[arm_mention.arm].append(strength)
    readings = [arms]
    for arm, values in strengths.items():
        values = list(dict.fromkeys(values))
        if values:
            readings = [
                {**reading, arm: replace(reading[arm], strength_pct=value)}
                for value in values
                for reading in readings
            ]
    return [(reading["intervention"], reading["comparator"]) for reading in readings]


def _bare_strengths(text: str, mentions: list[Mention], vocab: Vocabulary) -> list[Match]:
    """'the 0.05% cream', 'the 0.03% strength': a strength written before a formulation (or the
    word strength), with no compound named."""
    found = []
    ends = [f.start for f in vocab.formulation_terms.find(text)]
    ends += [dose.end() for dose in _DOSE.finditer(text)]
    for end in sorted(set(ends)):
        strength = _BARE_STRENGTH.search(text[:end].rstrip() if end else "")
        if strength and not any(m.start <= strength.start() < m.end for m in mentions):
            found.append(Match(strength.start(), end, "strength", strength.group(0)))
    return found


def _bare_value(text: str, mention: ArmMention) -> float | None:
    strength = STRENGTH.match(text[mention.start : mention.end])
    return percent(strength) if strength else None


def _mentions(text: str, vocab: Vocabulary) -> list[Mention]:
    """Treatments named in a sentence, spans widened over potency words before and strength after."""
    potencies = vocab.potency_terms.find(text)
    mentions = []
    for match in vocab.compound_terms.find(text):
        start = _potency_start(text, match.start, potencies)
        named = frozenset(p.term_id for p in potencies if start <= p.start and p.end <= match.start)
        strength = _STRENGTH_AFTER.match(text[match.end :])
        end = match.end + (strength.end() if strength else 0)
        value = percent(strength) if strength else None
        mentions.append(Mention(start, end, match.term_id, value, named))
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


def _without_qualifiers(comparison: str) -> str:
    """The comparison without the trailing parentheses that qualify all of it ('(Adults)');
    what they say is read with the other parentheses of the cell."""
    while match := _TRAILING_PAREN.search(comparison):
        comparison = comparison[: match.start()]
    return comparison.strip()


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
    one from further up."""
    if stated and not any(vocab.condition_terms.find(text) for text in stated):
        terms.record(_unmatched(vocab.condition_terms, stated[0]), table.line_no)
        return None, stated[0]
    title = clean(table.title)
    found = _first(
        vocab.condition_terms,
        terms,
        table.line_no,
        *qualifiers,
        title,
        clean(table.section or ""),
        clean(guide_title),
    )
    if found is not None:
        return found.term_id, found.text
    terms.record(_unmatched(vocab.condition_terms, title), table.line_no)
    return None, title or None


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
