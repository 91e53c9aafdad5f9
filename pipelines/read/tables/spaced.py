"""Tables whose cells are separated by single spaces, as a browser's text gives a published table:
the columns are told apart by what their cells are, when the types line up row after row. The
rules, one line each:

- Each line is read from its end: an effect with its interval, a p-value, a count with its
  participants ('2 (639)'), a fraction, a percentage, a number, a dash, or a word that ends at
  least two thirds of the lines (a grade) is a cell; what is left at the start is the first cell.
- It is a table when at least three lines give the same types in the same order, a typed cell
  among them; those lines are its rows. A line that gives more cells of those types is read
  with no more typed cells than they have (the first cell may end in a number: 'EASI 75'). A
  line of text alone among the rows is a group row ('Crisaborole 2% vs vehicle').
- The line above the rows is its header, told by no types, kept as a note; the columns have no
  labels.
"""

from __future__ import annotations

import re
from collections import Counter

from pipelines.read.tables.lines import Lines, is_blank
from pipelines.read.tables.model import Cell, Grid, GridRow

_NUMBER = r"[-\u2212]?\d+(?:[.,]\d+)?"
_TYPES = (
    (
        "effect",
        rf"(?:(?:RR|OR|HR|IRR|RD|MD|SMD)\s+)?{_NUMBER}\s*[(\[]\s*{_NUMBER}\s*(?:to|,|;|\u2013|-)\s*{_NUMBER}\s*[)\]]",
    ),
    ("p", r"[pP]\s*[<=>\u2264\u2265]\s*0?\.\d+|[<>\u2264\u2265]\s*0?\.\d+"),
    ("participants", r"\d+\s*\(\s*\d[\d,]*\s*\)"),
    ("fraction", r"\d+\s*/\s*\d+"),
    ("percent", rf"{_NUMBER}\s*%"),
    ("number", _NUMBER),
    ("dash", "[\u2014\u2013-]"),
)
_AT_END = [(name, re.compile(rf"(?:^|\s)({pattern})\s*$")) for name, pattern in _TYPES]
MIN_ROWS = 3


def read(lines: Lines, index: int) -> tuple[Grid, int] | None:
    """The table of single-spaced lines from `index` (its header line first) to a blank line, or
    None when the lines' types do not line up."""
    end = index
    while end < len(lines) and not is_blank(lines[end][1]):
        end += 1
    block = lines[index:end]
    if len(block) < MIN_ROWS + 1:
        return None
    grade = _grade_word([text for _, text in block[1:]])
    split = [(line_no, _cells(text, grade)) for line_no, text in block]
    signatures = Counter(types for _, (types, _) in split[1:])
    types, count = signatures.most_common(1)[0]
    if count < MIN_ROWS or len(types) < 2 or set(types) <= {"text", "word"}:
        return None
    rows = []
    for (line_no, text), (_, (row_types, cells)) in zip(block[1:], split[1:], strict=True):
        if row_types != types and len(row_types) > len(types):
            row_types, cells = _cells(text, grade, limit=len(types) - 1)
        if row_types == types:
            rows.append(GridRow(line_no, tuple(Cell(cell, line_no) for cell in cells)))
        elif row_types == ("text",):
            rows.append(_group_row(line_no, text, len(types)))
    header = GridRow(block[0][0], tuple(Cell("", block[0][0]) for _ in types), header=True)
    return Grid([header, *rows], marks_header=True), end


def _grade_word(texts: list[str]) -> str | None:
    """A last word that ends two thirds of the lines or more, from a handful of values."""
    last = Counter(text.split()[-1] for text in texts if text.split())
    values = [word for word, n in last.items() if word.isalpha()]
    covered = sum(last[word] for word in values)
    return (
        "|".join(map(re.escape, values))
        if values and len(values) <= 5 and covered * 3 >= 2 * len(texts)
        else None
    )


def _group_row(line_no: int, text: str, width: int) -> GridRow:
    cells = (Cell(text.strip(), line_no), *[Cell("", line_no)] * (width - 1))
    return GridRow(line_no, cells, spans=True)


def _cells(
    text: str, grade: str | None, limit: int | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(types, cells) of a line read from its end, at most `limit` typed cells."""
    rest, types, cells = text.strip(), [], []
    if grade and (found := re.search(rf"(?:^|\s)({grade})\s*$", rest)):
        types.append("word")
        cells.append(found.group(1))
        rest = rest[: found.start()].rstrip()
    while rest and (limit is None or len(types) < limit):
        for name, pattern in _AT_END:
            found = pattern.search(rest)
            if found and found.start(1) > 0:
                types.append(name)
                cells.append(found.group(1).strip())
                rest = rest[: found.start()].rstrip()
                break
        else:
            break
    types.append("text")
    cells.append(rest)
    return tuple(reversed(types)), tuple(reversed(cells))
