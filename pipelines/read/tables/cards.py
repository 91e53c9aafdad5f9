"""Tables printed as cards: one block of `Label: value` lines per row (a phone layout), the labels
plain or bold (`**Outcome:** …`), blocks separated by blank lines. The rules, one line each:

- A card is two or more lines in a row that each start with a label (a capital, no colon, not
  a sentence) and a colon; a line without a label continues the value above it.
- Consecutive cards with the same labels are one table: the labels are its header, each card a
  row, each value a cell on its own line. Without a caption, it takes two cards to make a table.
"""

from __future__ import annotations

import re

from pipelines.read.tables.lines import Lines, is_blank, joined
from pipelines.read.tables.model import Cell, Grid, GridRow

# 'Outcome: …', '**Outcome:** …', '**Outcome**: …', '№ of participants (studies): …', and a
# column of a table of comparisons, 'Roflumilast 0.3% foam vs. vehicle (ages 9 and over): …'.
LABELLED = re.compile(
    r"^\s*(?:\*\*|__)?(?P<label>[A-Z\u2116#][^:*\n]{0,200}?)"
    r"(?::(?:\*\*|__)|(?:\*\*|__)?:)(?:\s+|$)(?P<value>.*?)\s*$"
)
_URL = re.compile(r"^\s*\w+://")
_SENTENCE = re.compile(r"[.!?]\s+[A-Z]")
LABEL_WORDS = 24


def card_at(lines: Lines, index: int) -> tuple[list[tuple[str, int, str]], int] | None:
    """The card starting at `index` — (label, line, value) per field — and the index after it;
    None when the lines there are no card."""
    fields: list[tuple[str, int, str]] = []
    end = index
    while end < len(lines) and not is_blank(lines[end][1]):
        line_no, text = lines[end]
        found = labelled(text)
        if found:
            fields.append((found.group("label"), line_no, found.group("value")))
        elif fields:
            label, first, value = fields[-1]
            fields[-1] = (label, first, f"{value} {text.strip()}")
        else:
            return None
        end += 1
    return (fields, end) if len(fields) >= 2 else None


def starts(lines: Lines, index: int) -> bool:
    """Two cards in a row with the same labels."""
    first = card_at(lines, index)
    if first is None:
        return False
    after = _next_text(lines, first[1])
    second = card_at(lines, after) if after is not None else None
    return second is not None and _labels(second[0]) == _labels(first[0])


def read(lines: Lines, index: int) -> tuple[Grid, int]:
    """The cards from `index` that share the first card's labels, as rows under those labels."""
    card = card_at(lines, index)
    assert card is not None
    labels = _labels(card[0])
    header = GridRow(card[0][0][1], tuple(Cell(label, card[0][0][1]) for label in labels), True)
    rows = [header]
    end = card[1]
    while card is not None and _labels(card[0]) == labels:
        rows.append(
            GridRow(
                card[0][0][1],
                tuple(Cell(joined([value], frozenset()), n) for _, n, value in card[0]),
            )
        )
        end = card[1]
        after = _next_text(lines, end)
        card = card_at(lines, after) if after is not None else None
    return Grid(rows, marks_header=True), end


def labelled(text: str) -> re.Match[str] | None:
    """A `Label: value` line; a label is no sentence (it has no full stop before its colon and
    at most LABEL_WORDS words)."""
    found = LABELLED.match(text) if not _URL.match(text) else None
    if found is None:
        return None
    label = found.group("label")
    return found if len(label.split()) <= LABEL_WORDS and not _SENTENCE.search(label) else None


def _labels(fields: list[tuple[str, int, str]]) -> tuple[str, ...]:
    return tuple(label for label, _, _ in fields)


def _next_text(lines: Lines, index: int) -> int | None:
    while index < len(lines) and is_blank(lines[index][1]):
        index += 1
    return index if index < len(lines) else None
