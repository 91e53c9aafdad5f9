"""Which role each column of a table plays, decided from its header and its cells together.

Header words are one clue among several, so a table is read the same whatever its header says,
in whichever order its columns come. The rules, one line each:

- A header scores 1 for a role when it is one of the role's synonyms (raw/vocab/table_columns.csv,
  normalized: case, plurals, asides), 0.8 when its words hold all of a synonym's or a synonym
  holds all of its words, or it is a near spelling; else 0.
- Cells score the share of a column's distinct cells that fit the role: comparison cells name two
  treatments joined by vs / versus / compared with; grade cells are a grade word or GRADE
  symbols; result cells say how an effect went (a result phrase, arm numbers, a ratio or
  difference, a p-value); outcome cells match an outcome term (or, half, are short labels);
  population cells name a population, an age, a severity or a condition; condition cells a
  condition.
- A column's score for a role is its header's plus its cells'; the best pairs take their roles
  first, each comparative role once (population and condition: any number of columns), none
  below MIN_SCORE; a population column that names a condition in half its rows is the condition's.
- A row whose own cells the reader shifted right under the row above's merged cells is put back
  at the left when its cells fit their columns' roles better there.
- A table is comparative when a comparison and a result column were found; preclinical when its
  header names a parameter and a finding; unknown (a source error) when its header names the
  comparative roles but its cells do not bear them out; else another kind of table
  (specifications, schedules, trial characteristics): kept, read for nothing, no error.
"""

from __future__ import annotations

import functools
import operator
import re
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from pipelines.interpret.ages import population_from_ages
from pipelines.interpret.memo import remembered
from pipelines.interpret.numbers import arm_value, effect, measure_named
from pipelines.interpret.vocab import Vocabulary, header_key
from pipelines.read.tables.model import Cell, Row, Table
from pipelines.read.text import clean

COMPARATIVE, PRECLINICAL, OTHER, UNKNOWN = "comparative", "preclinical", "other", "unknown"
# Roles any number of columns may play: what they hold qualifies every finding of the row.
QUALIFIERS = ("population", "condition")
# The arms' columns (one per trial, 'First trial Active'), effects and comments: any number too.
MULTIPLE = (*QUALIFIERS, "intervention", "comparator", "effect", "comments")
# Roles a column plays only when its header says so: their cells alone look like other roles'.
HEADED = (
    "intervention",
    "comparator",
    "method",
    "p_value",
    "favours",
    "comments",
    "studies",
    "participants",
)
MIN_SCORE = 0.5
HEADER_PARTIAL = 0.8
HEADER_FUZZY = 88.0
# Cells looked at per column: enough to tell its role, few enough for a long table.
SAMPLE = 8
SHORT_WORDS = 12
# Words a header shares with a synonym without saying anything ('Level of evidence' ~ 'Level').
_STOP = frozenset({"a", "an", "and", "for", "in", "of", "on", "the", "to", "with", "by", "or"})

COMPARISON_JOINER = re.compile(r"\s+(?:vs\.?|v\.?|versus|compared (?:with|to))\s+", re.IGNORECASE)
GRADE_SYMBOL = re.compile("[\u2295\u2a01]")
ARM_NUMBERS = re.compile(r"\d(?:\.\d+)?\s*%?\s*(?:vs\.?|versus|against)\s*\d", re.IGNORECASE)
_ESTIMATE = re.compile(
    r"\b(?:RR|OR|HR|MD|SMD|RD|NNT|ratio|difference)\b[^.;]{0,40}?\d|\bCI\b|\bp\s*[<=>\u2264\u2265]",
    re.IGNORECASE,
)
_LETTER_START = re.compile(r"^\W*[^\W\d_]")
PARENTHESIZED = re.compile(r"\([^()]*\)")
_P_CELL = re.compile(r"^\s*(?:p\s*)?(?:[<>=\u2264\u2265]\s*)?0?\.\d+\s*$|^\s*NS\s*$", re.IGNORECASE)
ARM_WORDS = 8


@dataclass(frozen=True)
class ColumnRole:
    """How one column's role was decided, for a person to review (quality.column_roles)."""

    column_no: int
    header: str
    role: str | None
    header_score: float
    content_score: float


@dataclass(frozen=True)
class TableRoles:
    kind: str
    columns: tuple[ColumnRole, ...]
    reason: str | None = None

    @functools.cached_property
    def by_role(self) -> dict[str, list[int]]:
        """0-based positions of the columns playing each role."""
        found: dict[str, list[int]] = {}
        for column in self.columns:
            if column.role:
                found.setdefault(column.role, []).append(column.column_no - 1)
        return found

    def position(self, role: str) -> int | None:
        """0-based position of the (first) column playing `role`, if any."""
        return self.by_role.get(role, [None])[0]

    def positions(self, role: str) -> list[int]:
        return self.by_role.get(role, [])


def table_roles(table: Table, vocab: Vocabulary) -> TableRoles:
    """The kind of a table and the role of each of its columns."""
    header = table.labels
    width = len(header)
    comparative = vocab.columns.get(COMPARATIVE, {})
    scores = {}
    for column in range(width):
        fits = [cell_fits(cell, vocab) for cell in _sample(table, column)]
        head = header[column]
        arm = _arm_named(head, vocab) if head else None
        for role, (_, synonyms) in comparative.items():
            by_header = header_score(head, synonyms) if head else 0.0
            if role == arm:
                by_header = max(by_header, HEADER_PARTIAL)
            share = 0.0
            if fits and (by_header or role not in HEADED):
                share = round(sum(map(operator.itemgetter(role), fits)) / len(fits), 3)
            scores[(column, role)] = (by_header, share)
    assigned = _assign(scores, list(comparative))
    for column, role in assigned.items():
        # A column that names a condition in half its rows or more is about the condition, even
        # when it names who was studied too ('Facial seborrheic dermatitis, adults').
        if role == "population" and scores.get((column, "condition"), (0, 0))[1] >= MIN_SCORE:
            assigned[column] = "condition"
    roles = tuple(
        ColumnRole(
            column + 1,
            header[column],
            assigned.get(column),
            *(scores[(column, assigned[column])] if column in assigned else (0.0, 0.0)),
        )
        for column in range(width)
    )
    found = {role.role for role in roles}
    if {"comparison", "result"} <= found:
        return TableRoles(COMPARATIVE, roles)
    preclinical = _preclinical(header, vocab)
    if preclinical is not None:
        return TableRoles(PRECLINICAL, preclinical)
    named = {
        role
        for (column, role), (by_header, _) in scores.items()
        if by_header >= HEADER_PARTIAL and role not in MULTIPLE
    }
    required = {role for role, (needed, _) in comparative.items() if needed}
    if required and len(named & required) >= len(required) - 1:
        missing = sorted({"comparison", "result"} - found)
        return TableRoles(
            UNKNOWN,
            roles,
            f"its header names the columns of a comparative table, but no column's cells read as {' or '.join(missing)}",
        )
    return TableRoles(OTHER, roles)


def aligned(row: Row, roles: TableRoles, vocab: Vocabulary) -> Row | None:
    """A row whose own cells were shifted right under the merged cells of the row above, put back
    at the left when its cells read better there (an outcome and a comparison with the result
    and grade missing, not a result and a grade under the row above's outcome); None when they
    fit where they were put."""
    if not row.shifted:
        return None
    own = row.cells[row.shifted :]
    blank = [Cell("", row.line_no)] * row.shifted
    left = (*own, *blank)
    if _fit(left, roles, vocab) <= _fit((*blank, *own), roles, vocab):
        return None
    return replace(row, cells=tuple(Cell(cell.text, row.line_no) for cell in left), shifted=0)


def _fit(cells: tuple[Cell, ...], roles: TableRoles, vocab: Vocabulary) -> float:
    by_position = {c.column_no - 1: c.role for c in roles.columns if c.role in _FITS}
    return sum(
        cell_fits(clean(cell.text), vocab)[by_position[position]]
        for position, cell in enumerate(cells)
        if position in by_position and cell.text
    )


@functools.lru_cache(maxsize=1 << 12)
def header_score(header: str, synonyms: frozenset[str]) -> float:
    """1 for a synonym, 0.8 when one holds the other's words or it is a near spelling ('Clinical
    endpoint', 'GRADE rating', 'Level'), else 0; cached, since guides repeat their headers."""
    key = _content_words(header_key(header))
    if not key:
        return 0.0
    best = 0.0
    for synonym in synonyms:
        words = _content_words(synonym)
        if key == words:
            return 1.0
        if (
            words
            and (set(words.split()) <= set(key.split()) or set(key.split()) <= set(words.split()))
        ) or fuzz.ratio(key, words) >= HEADER_FUZZY:
            best = HEADER_PARTIAL
    return best


def cell_fits(text: str, vocab: Vocabulary) -> dict[str, float]:
    """How well one printed cell reads as each role (0 to 1; an outcome label that matches no
    term counts half), remembered per text (cells repeat)."""
    return remembered(
        vocab.cell_fits,
        text,
        lambda cell: {role: fits(cell, vocab) for role, fits in _FITS.items()},
    )


def is_comparison(text: str, vocab: Vocabulary) -> bool:
    """Two treatments joined by vs / versus / compared with: each side names a compound, or
    starts with a word (not a number: '35% vs 20%' compares results), and is a name, not a
    sentence (at most SHORT_WORDS words outside its parentheses)."""
    sides = COMPARISON_JOINER.split(text)
    if len(sides) != 2 or not all(side.strip() for side in sides):
        return False
    return all(
        (vocab.compound_terms.find(side) or _LETTER_START.match(side))
        and len(PARENTHESIZED.sub(" ", side).split()) <= SHORT_WORDS
        for side in sides
    ) and not ARM_NUMBERS.search(text)


def outside_parentheses(text: str) -> str:
    """The text with what parentheses hold blanked out (same length), so splits skip it."""
    while True:
        blanked = PARENTHESIZED.sub(lambda m: " " * len(m.group(0)), text)
        if blanked == text:
            return text
        text = blanked


def _comparison(text: str, vocab: Vocabulary) -> float:
    return 1.0 if is_comparison(text, vocab) else 0.0


def _grade(text: str, vocab: Vocabulary) -> float:
    return 1.0 if GRADE_SYMBOL.search(text) or vocab.grade_terms.match(text).term_id else 0.0


def _result(text: str, vocab: Vocabulary) -> float:
    if len(text.split()) < 2 or is_comparison(text, vocab):
        return 0.0
    effect = any(m.term_id != "reference" for m in vocab.phrase_terms.find(text))
    return 1.0 if effect or ARM_NUMBERS.search(text) or _ESTIMATE.search(text) else 0.0


def _outcome(text: str, vocab: Vocabulary) -> float:
    if len(text.split()) > SHORT_WORDS or is_comparison(text, vocab) or _grade(text, vocab):
        return 0.0
    if vocab.outcome_terms.match(text).term_id:
        return 1.0
    return 0.0 if _ESTIMATE.search(text) or text.rstrip().endswith(".") else 0.5


def _population(text: str, vocab: Vocabulary) -> float:
    if len(text.split()) > SHORT_WORDS or is_comparison(text, vocab):
        return 0.0
    named = (
        vocab.population_terms.find(text)
        or vocab.severity_terms.find(text)
        or population_from_ages(text, stated=True)
    )
    return 1.0 if named else 0.0


def _condition(text: str, vocab: Vocabulary) -> float:
    if len(text.split()) > SHORT_WORDS or is_comparison(text, vocab):
        return 0.0
    return 1.0 if vocab.condition_terms.find(text) else 0.0


def _arm(text: str, vocab: Vocabulary) -> float:
    """One arm's cell: its value ('42.4%', '242/304', '217 per 1000') or its treatment's name."""
    if len(text.split()) > ARM_WORDS or is_comparison(text, vocab) or ARM_NUMBERS.search(text):
        return 0.0
    return 1.0 if arm_value(text) is not None or vocab.compound_terms.find(text) else 0.0


def _effect(text: str, vocab: Vocabulary) -> float:
    return 1.0 if effect(text, vocab) is not None else 0.0


def _method(text: str, vocab: Vocabulary) -> float:
    return 1.0 if measure_named(text, vocab) and effect(text, vocab) is None else 0.0


def _p_value(text: str, vocab: Vocabulary) -> float:
    return 1.0 if _P_CELL.match(text) else 0.0


def _header_only(text: str, vocab: Vocabulary) -> float:
    return 0.0


_FITS = {
    "comparison": _comparison,
    "evidence_grade": _grade,
    "result": _result,
    "outcome": _outcome,
    "population": _population,
    "condition": _condition,
    "intervention": _arm,
    "comparator": _arm,
    "effect": _effect,
    "method": _method,
    "p_value": _p_value,
    "favours": _header_only,
    "comments": _header_only,
    "studies": _header_only,
    "participants": _header_only,
}


def _arm_named(header: str, vocab: Vocabulary) -> str | None:
    """A header that names a treatment names an arm ('Risk with crisaborole'): a control's
    column is the comparator's, another's the intervention's."""
    named = vocab.compound_terms.find(header)
    if not named:
        return None
    return "comparator" if vocab.kind_of(named[0].term_id) == "control" else "intervention"


def _sample(table: Table, column: int) -> list[str]:
    """The column's distinct printed cells (carried-down copies are the cell above, not new)."""
    cells: list[str] = []
    for row in table.rows:
        if column < len(row.cells) and row.cells[column].continued_from_line is None:
            text = clean(row.cells[column].text)
            if text and text not in cells:
                cells.append(text)
        if len(cells) == SAMPLE:
            break
    return cells


def _assign(scores: dict[tuple[int, str], tuple[float, float]], order: list[str]) -> dict[int, str]:
    """Best pairs first: a column takes a role when neither is taken (MULTIPLE roles never are)."""
    ranked = sorted(
        (
            (total, column, role)
            for (column, role), score in scores.items()
            if (total := sum(score)) >= MIN_SCORE
        ),
        key=lambda item: (-item[0], item[1], order.index(item[2])),
    )
    assigned: dict[int, str] = {}
    for _, column, role in ranked:
        if column in assigned:
            continue
        if role not in MULTIPLE and role in assigned.values():
            continue
        assigned[column] = role
    return assigned


def _preclinical(header: tuple[str, ...], vocab: Vocabulary) -> tuple[ColumnRole, ...] | None:
    """A profile table is told by its header alone: a parameter and a finding column."""
    roles = vocab.columns.get(PRECLINICAL, {})
    taken: dict[int, str] = {}
    scored: dict[int, float] = {}
    for role, (_, synonyms) in roles.items():
        best = max(
            (
                (header_score(text, synonyms), column)
                for column, text in enumerate(header)
                if column not in taken
            ),
            default=(0.0, -1),
        )
        if best[0] >= HEADER_PARTIAL:
            taken[best[1]] = role
            scored[best[1]] = best[0]
    required = {role for role, (needed, _) in roles.items() if needed}
    if not required or not required <= set(taken.values()):
        return None
    return tuple(
        ColumnRole(column + 1, text, taken.get(column), scored.get(column, 0.0), 0.0)
        for column, text in enumerate(header)
    )


def _content_words(key: str) -> str:
    return " ".join(word for word in key.split() if word not in _STOP)
