"""Where a table prints each part of its findings → the entries each row gives.

A person finds the compared arms, the outcome and the result wherever a table puts them; so does
this module, for every rendering alike (read/tables gives one table model). The rules, one line
each:
- A row's comparison is read from the first place that prints one: its comparison column; its
  intervention and comparator columns ('A' and 'B' read as 'A vs. B'); its outcome cell ('Skin
  infections, A compared with B'); its group row ('A v vehicle:'); the caption ('Comparison 5.
  A versus B', 'A compared to B for C'); the lines printed with the table ('Intervention: A',
  'Comparison: B').
- A table whose column headers are comparisons gives an entry per such column and row; a row
  whose first cell names a role (a grade, a population, a condition) gives that role to each
  entry of its column instead.
- What is printed with the comparison (its asides, what follows the second arm, a group row
  that is no comparison, the caption's rest, a 'Patient or population' line) qualifies it.
- The outcome is the outcome cell, else a group row that is no comparison, else the caption's;
  a row numbered under another ('5.1.1 3 weeks' under '5.1 IGA response') is a subgroup of the
  other's outcome.
- The result is the words of the result column, else of the arms' columns, else of the comments;
  its numbers are those of the effect, p-value, Favours and arms' columns, each read with its
  header (a measure, an arm) or the method cell beside it.
- A row that prints neither words nor numbers of a result gives no entry ('Subtotals only').
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.interpret.arms import Printed, comparison_of
from pipelines.interpret.columns import (
    ARM_WORDS,
    COMPARATIVE,
    HEADER_PARTIAL,
    TableRoles,
    header_score,
    is_comparison,
)
from pipelines.interpret.numbers import Numbers, arm_value, effect, measure_named, p_value
from pipelines.interpret.vocab import Vocabulary
from pipelines.read.tables.model import Row, Table
from pipelines.read.text import citation_numbers, clean

# '5.1.1 3 weeks': a Cochrane analysis' outcome or subgroup, numbered.
_NUMBERED = re.compile(r"^(?P<number>\d+(?:\.\d+)+)\.?\s+(?P<label>.+)$")
_LABELLED = re.compile(r"^\s*(?P<label>[A-Z][\w ]{1,40}?)\s*:\s*(?P<value>\S.*)$")
# Roles a row of a table whose columns are comparisons may give to each column's entry.
_ROW_ROLES = ("evidence_grade", "population", "condition")
ARMS = ("intervention", "comparator")


@dataclass(frozen=True)
class Entry:
    """One comparison on one outcome a row reports, each part as printed where it was found."""

    row: Row
    comparison: str
    outcome: str
    result: str  # the words a person reads as the result ('' when only numbers say it)
    printed: str  # the result's numbers with their headers, for a row with no words
    numbers: Numbers  # those of the effect and p-value columns
    arm_values: tuple[tuple[str, str, float], ...] = ()  # (header, role, value as a percentage)
    favours: str = ""
    grade: str = ""
    conditions: tuple[str, ...] = ()
    populations: tuple[str, ...] = ()
    qualifiers: tuple[str, ...] = ()
    cited: tuple[int, ...] = ()
    subgroup: str = ""  # a numbered subgroup's own label ('3 weeks'); `outcome` ends with it


def entries(table: Table, roles: TableRoles, vocab: Vocabulary) -> list[list[Entry]]:
    """The entries of each row of the table, in row order (a row may give none)."""
    columns = _comparison_columns(table, roles, vocab)
    if columns:
        return _by_column(table, columns, vocab)
    return _by_row(table, roles, vocab)


def _comparison_columns(table: Table, roles: TableRoles, vocab: Vocabulary) -> list[int]:
    """The columns whose headers are comparisons, in a table with no comparison column."""
    if roles.positions("comparison") or set(ARMS) <= set(roles.by_role):
        return []
    return [
        column
        for column, header in enumerate(table.header)
        if column and is_comparison(clean(header), vocab)
    ]


def _by_column(table: Table, columns: list[int], vocab: Vocabulary) -> list[list[Entry]]:
    printed = {column: _printed(table.header[column]) for column in columns}
    given: dict[str, dict[int, str]] = {}
    for row in table.rows:
        role = _row_role(row, vocab)
        if role is not None:
            given[role] = {c: clean(row.cells[c].text) for c in columns if c < len(row.cells)}
    found = []
    for row in table.rows:
        if _row_role(row, vocab) is not None or not row.cells:
            found.append([])
            continue
        outcome = row.cells[0]
        found.append(
            [
                Entry(
                    row,
                    printed[column].comparison,
                    clean(outcome.text),
                    clean(row.cells[column].text),
                    "",
                    Numbers(),
                    grade=given.get("evidence_grade", {}).get(column, ""),
                    conditions=_given(given, "condition", column),
                    populations=_given(given, "population", column),
                    qualifiers=printed[column].qualifiers,
                    cited=tuple(citation_numbers(f"{outcome.text} {row.cells[column].text}")),
                )
                for column in columns
                if column < len(row.cells) and clean(row.cells[column].text)
            ]
        )
    return found


def _given(given: dict[str, dict[int, str]], role: str, column: int) -> tuple[str, ...]:
    text = given.get(role, {}).get(column, "")
    return (text,) if text else ()


def _row_role(row: Row, vocab: Vocabulary) -> str | None:
    """The role a row's first cell names ('Certainty of evidence'), in a table whose columns are
    the comparisons: one of the role's names, not a label that shares a word with one ('Absent
    or very mild disease' is an outcome, not a condition)."""
    if not row.cells:
        return None
    label = clean(row.cells[0].text)
    synonyms = vocab.columns.get(COMPARATIVE, {})
    for role in _ROW_ROLES:
        if role in synonyms and header_score(label, synonyms[role][1]) == 1.0:
            return role
    return None


def _by_row(table: Table, roles: TableRoles, vocab: Vocabulary) -> list[list[Entry]]:
    caption = comparison_of(clean(table.title), embedded=True)
    noted, noted_qualifiers = _notes(table, vocab)
    header = table.labels
    measures = {i: measure_named(header[i], vocab) for i in roles.positions("effect")}
    numbered: dict[str, str] = {}
    found = []
    for row in table.rows:
        cells = {
            role: [clean(row.cells[i].text) for i in at if i < len(row.cells)]
            for role, at in roles.by_role.items()
        }
        cell = {role: texts[0] for role, texts in cells.items() if texts}
        names, values, words = _arms(row, roles, header, vocab)
        outcome = cell.get("outcome", "")
        group = clean(row.group or "")
        grouped = comparison_of(group, embedded=True) if group else None
        printed = None
        if comparison := cell.get("comparison"):
            printed = _printed(comparison)
        elif len(names) == 2:
            printed = Printed(f"{names[0]} vs. {names[1]}")
        elif (inside := comparison_of(outcome, embedded=True)) is not None:
            printed, outcome = inside, inside.before
        printed = printed or grouped or caption or noted
        if printed is None and roles.positions("comparison"):
            printed = Printed("")  # an empty comparison cell: read as no known arm
        numbered_outcome, subgroup = _numbered(outcome, numbered)
        outcome = numbered_outcome or outcome or ("" if grouped else group)
        method = measure_named(cell.get("method", ""), vocab)
        effects = [
            effect(row.cells[i].text, vocab, measures[i] or method)
            for i in roles.positions("effect")
            if i < len(row.cells)
        ]
        p_values = [p_value(text, bare=True) for text in cells.get("p_value", [])]
        numbers = Numbers(
            effects=tuple(e for e in effects if e is not None),
            p=next((p for p, _ in p_values if p is not None), None),
            significant=any(significant for _, significant in p_values),
        )
        result = cell.get("result", "") or "; ".join(words) or "; ".join(cells.get("comments", []))
        if printed is None or not (result or numbers or values or cell.get("favours", "")):
            found.append([])
            continue
        qualifiers = [
            *printed.qualifiers,
            *([group] if group and not grouped and cell.get("outcome", "") else []),
            *(caption.qualifiers if caption and printed is not caption else ()),
            *noted_qualifiers,
        ]
        found.append(
            [
                Entry(
                    row,
                    printed.comparison,
                    outcome,
                    result,
                    "" if result else _numbers_printed(row, roles, header),
                    numbers,
                    tuple(values),
                    cell.get("favours", ""),
                    cell.get("evidence_grade", ""),
                    tuple(cells.get("condition", [])),
                    tuple(cells.get("population", [])),
                    tuple(qualifiers),
                    tuple(citation_numbers(" ".join(c.text for c in row.cells))),
                    subgroup,
                )
            ]
        )
    return found


def _printed(text: str) -> Printed:
    """A comparison cell as printed: 'A vs. B' with its qualifiers, or as it is when it is not
    two arms (read as one unknown arm twice)."""
    return comparison_of(text) or Printed(text)


def _arms(
    row: Row, roles: TableRoles, header: tuple[str, ...], vocab: Vocabulary
) -> tuple[list[str], list[tuple[str, str, float]], list[str]]:
    """The arms' cells of a row: the treatments they name (intervention first), the values they
    print (with their headers), and the words they say of the result."""
    names: dict[str, str] = {}
    values: list[tuple[str, str, float]] = []
    words: list[str] = []
    for role in ARMS:
        for i in roles.positions(role):
            text = clean(row.cells[i].text) if i < len(row.cells) else ""
            short = len(text.split()) <= ARM_WORDS
            if not text:
                continue
            if short and vocab.compound_terms.find(text) and not vocab.phrase_terms.find(text):
                names.setdefault(role, text)
            elif short and (value := arm_value(text)) is not None:
                values.append((header[i], role, value))
            else:
                words.append(text)
    return [names[role] for role in ARMS if role in names], values, words


def _numbered(outcome: str, numbered: dict[str, str]) -> tuple[str, str]:
    """A numbered outcome ('5.1 IGA response') without its number; a subgroup ('5.1.1 3 weeks')
    as its parent's outcome and its own label, and the label. Remembers each for the rows below."""
    found = _NUMBERED.match(outcome)
    if found is None:
        return "", ""
    number, label = found.group("number"), found.group("label")
    parent = numbered.get(number.rsplit(".", 1)[0])
    numbered[number] = f"{parent}, {label}" if parent else label
    return numbered[number], label if parent else ""


def _notes(table: Table, vocab: Vocabulary) -> tuple[Printed | None, list[str]]:
    """What the lines printed with a table say of all its rows: 'Intervention: A' and
    'Comparison: B' (a comparison), 'Patient or population: …' (qualifiers)."""
    synonyms = vocab.columns.get(COMPARATIVE, {})
    said: dict[str, str] = {}
    qualifiers = []
    for note in table.notes:
        labelled = _LABELLED.match(clean(note))
        if labelled is None:
            continue
        label, value = labelled.group("label"), labelled.group("value")
        for role, (_, words) in synonyms.items():
            if header_score(label, words) >= HEADER_PARTIAL:
                if role in ("population", "condition"):
                    qualifiers.append(value)
                elif role in ARMS or role == "comparison":
                    said.setdefault(
                        "intervention" if role == "intervention" else "comparator", value
                    )
                break
    if set(ARMS) <= set(said):
        first = comparison_of(f"{said['intervention']} vs. {said['comparator']}")
        return first, qualifiers
    return None, qualifiers


def _numbers_printed(row: Row, roles: TableRoles, header: tuple[str, ...]) -> str:
    """The result of a row that has no words, as printed: each number cell with its header, in
    the order of the columns."""
    shown = []
    for i in sorted(
        i for role in ("effect", "p_value", "favours", *ARMS) for i in roles.positions(role)
    ):
        text = clean(row.cells[i].text) if i < len(row.cells) else ""
        if text:
            shown.append(f"{header[i]}: {text}" if header[i] else text)
    return "; ".join(shown)
