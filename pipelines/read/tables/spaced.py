"""Tables whose cells are separated by single spaces, as a browser's text gives a published table:
the columns are told apart by what their cells are, when the types line up row after row. The
rules, one line each:

- Each line is read from its end: an effect with its interval, a review's statistical method
  ('Risk Ratio (M-H, Random, 95% CI)'), a p-value, a count with its participants ('2 (639)'), a
  fraction, a percentage, a number, a dash, or a word that ends at least two thirds of the lines
  (a grade) is a cell; what is left at the start is the first cell.
- It is a table when at least three lines read as the same types in the same order, a typed
  cell among them (of the commonest shapes, the one the most lines read as); those lines are
  its rows. A line that gives more cells of those types is read with no more typed cells than
  they have (the first cell may end in a number: 'EASI 75'); a line whose last words stand
  where the others print their last cell gives them as that cell ('… Not estimable'). A line of
  text alone, no number standing apart in it, is a group row ('Crisaborole 2% vs vehicle').
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
    # A review's statistical method: 'Risk Ratio (M-H, Random, 95% CI)'.
    ("method", r"[A-Z][\w.-]*(?:\s[A-Z][\w.-]*)*\s*\([^()]*95\s*%\s*CI\)"),
    ("p", r"[pP]\s*[<=>\u2264\u2265]\s*0?\.\d+|[<>\u2264\u2265]\s*0?\.\d+"),
    ("participants", r"\d+\s*\(\s*\d[\d,]*\s*\)"),
    ("fraction", r"\d+\s*/\s*\d+"),
    ("percent", rf"{_NUMBER}\s*%"),
    ("number", _NUMBER),
    ("dash", "[\u2014\u2013-]"),
)
_AT_END = [(name, re.compile(rf"(?:^|\s)({pattern})\s*$")) for name, pattern in _TYPES]
MIN_ROWS = 3
# The most common shapes of a block's lines tried as the table's (a long block of prose has many).
_CANDIDATES = 3
# The most words a row's last cell may print instead of its column's type ('Totals not selected').
_LAST_WORDS = 4
_STANDALONE_NUMBER = re.compile(rf"(?:^|\s){_NUMBER}(?:\s|$)")


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
    body = block[1:]
    candidates = Counter(_cells(text, grade)[0] for _, text in body)
    read_as = {
        types: [_read(text, grade, types) for _, text in body]
        for types, _ in candidates.most_common(_CANDIDATES)
        if len(types) >= 2 and not set(types) <= {"text", "word"}
    }
    if not read_as:
        return None
    types, lines = max(
        read_as.items(), key=lambda item: (sum(map(bool, item[1])), candidates[item[0]])
    )
    if sum(map(bool, lines)) < MIN_ROWS:
        return None
    rows = []
    for (line_no, text), cells in zip(body, lines, strict=True):
        if cells is not None:
            rows.append(GridRow(line_no, tuple(Cell(cell, line_no) for cell in cells)))
        elif _cells(text, grade)[0] == ("text",) and not _STANDALONE_NUMBER.search(text):
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


def _read(text: str, grade: str | None, types: tuple[str, ...]) -> tuple[str, ...] | None:
    """The line's cells when it reads as `types`: as it is, with no more typed cells than they
    have, or with words for its last cell."""
    found, cells = _cells(text, grade)
    if found != types and len(found) > len(types):
        found, cells = _cells(text, grade, limit=len(types) - 1)
    if found != types:
        found, cells = _ending_in_words(text, grade, types) or (found, cells)
    return cells if found == types else None


def _ending_in_words(
    text: str, grade: str | None, types: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """A line whose last cell is words where the others print a typed one ('… Not estimable'):
    the fewest last words after which the rest gives the other cells."""
    words = text.split()
    for count in range(1, min(_LAST_WORDS, len(words) - 1) + 1):
        rest, last = " ".join(words[:-count]), " ".join(words[-count:])
        rest_types, cells = _cells(rest, grade, limit=len(types) - 2)
        if rest_types == types[:-1]:
            return types, (*cells, last)
    return None


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
