"""Tables whose cells are separated by single spaces, as a browser's text gives a published table:
the columns are told apart by what their cells are, when the types line up row after row. The
rules, one line each:

- Each line is read from its end: an effect with its interval, a p-value, a count with its
  participants ('2 (639)'), a fraction, a percentage, a number, a dash, or a word that ends at
  least two thirds of the lines (a grade) is a cell; what is left at the start is the first cell.
- It is a table when at least three lines give the same types in the same order, a typed cell
  among them; those lines are its rows. The line above them is its header, told by no types, kept
  as a note; the columns have no labels.
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
    rows = [
        GridRow(line_no, tuple(Cell(text, line_no) for text in cells))
        for line_no, (row_types, cells) in split[1:]
        if row_types == types
    ]
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


def _cells(text: str, grade: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(types, cells) of a line read from its end."""
    rest, types, cells = text.strip(), [], []
    if grade and (found := re.search(rf"(?:^|\s)({grade})\s*$", rest)):
        types.append("word")
        cells.append(found.group(1))
        rest = rest[: found.start()].rstrip()
    while rest:
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
