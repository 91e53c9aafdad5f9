"""Tables whose columns are aligned by spaces: plain (as a word processor or a PDF's text gives
them), pandoc's simple tables (a dashed rule under the header) and multiline tables (a dashed
line above and below, rows separated by blank lines). The rules, one line each:

- Columns start where the header's labels start, or where the rule's dash segments start.
- A dashed rule under only some labels (fewer segments than the columns of the line below)
  underlines group labels: the line above is a header row of groups, the line below the labels.
- A cell whose text runs across a column start is split at its own runs of spaces instead, when
  that gives as many cells; else a column start a character or two off a run of spaces moves
  to it (a ligature shortens a line of a PDF's text).
- A line of one run of text across column starts is one cell spanning the row (a group label).
- In a multiline table a row runs to the next blank line. In the others, when a line leaves the
  anchor column empty and another cell too (text wrapped in a PDF), every line without it
  continues the row above; else each line is a row. The anchor is the sparsest column of the
  first row; a line about as full as the first row whose first cell starts with a capital
  starts a row too (a row may leave the anchor's cell empty: a merged cell).
- A cell's lines are joined by `lines.joined` (a word broken by a hyphen is mended).
- A line that repeats the header's first line (a page broken inside the table prints it again)
  is no row.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pipelines.read.tables.lines import DASHES, GAP, Lines, is_blank, joined
from pipelines.read.tables.model import Cell, Grid, GridRow

_SEGMENT = re.compile(r"-{3,}")
# '1.3 Quality of life', '10.1.1 3 weeks': an analysis' number starts a row's label.
_NUMBERED_LABEL = re.compile(r"\d+(?:\.\d+)+\.?\s+[^\W_a-z]")
_FULL_RULE = re.compile(r"^\s*-{10,}\s*$")
# How far off its column a cell may start and still be cut at its own run of spaces.
OFF_BY = 2
# The most lines a multiline table's header may wrap over.
HEADER_LINES = 12
# A line filling this share of the first row's cells starts a row, whatever it leaves empty.
FULL_LINE = 0.8


def starts(lines: Lines, index: int) -> bool:
    """A table pandoc's way, recognisable without a caption: a dashed line over a header and a
    segmented rule (multiline), or a header over a segmented rule of two columns or more."""
    line = lines[index][1]
    below = lines[index + 1][1] if index + 1 < len(lines) else ""
    if _FULL_RULE.match(line):
        for _, text in lines[index + 1 : index + 1 + HEADER_LINES]:
            if is_blank(text):
                return False
            if len(_segments(text)) >= 2:
                return True
        return False
    return (
        len(GAP.split(line.strip())) >= 2
        and len(_segments(below)) >= 2
        and bool(DASHES.match(below))
    )


def read(
    lines: Lines, index: int, stop: Callable[[str], bool], words: Callable[[], frozenset[str]]
) -> tuple[Grid, int]:
    """The table from `index`: to its closing dashed line (multiline), else to a blank line or
    a line `stop` says ends it (a heading, the next caption). `words`: the document's words, for
    mending hyphenated breaks (asked for only when a cell wraps)."""
    if _FULL_RULE.match(lines[index][1]):
        return _multiline(lines, index, words)
    end = index
    while end < len(lines) and not is_blank(lines[end][1]):
        if end > index and stop(lines[end][1]):
            break
        end += 1
    block = [(n, text) for n, text in lines[index:end] if not _FULL_RULE.match(text)]
    return _plain(block, words), end


def _multiline(lines: Lines, index: int, words: Callable[[], frozenset[str]]) -> tuple[Grid, int]:
    end = index + 1
    while end < len(lines) and not _FULL_RULE.match(lines[end][1]):
        end += 1
    inner = lines[index + 1 : end]
    rule = next((i for i, (_, text) in enumerate(inner) if DASHES.match(text)), None)
    if rule is None:
        return _plain([line for line in inner if not is_blank(line[1])], words), end + 1
    columns = [segment.start() for segment in _SEGMENT.finditer(inner[rule][1])]
    header = _row([line for line in inner[:rule] if not is_blank(line[1])], columns, words, True)
    rows, chunk = [header] if header else [], []
    for line in [*inner[rule + 1 :], (0, "")]:
        if is_blank(line[1]):
            if chunk:
                rows.append(_row(chunk, columns, words))
            chunk = []
        else:
            chunk.append(line)
    return Grid([row for row in rows if row], marks_header=bool(header)), end + 1


def _plain(block: Lines, words: Callable[[], frozenset[str]]) -> Grid:
    """A block without multiline's blank-line rows: its header line(s), then body lines."""
    if not block:
        return Grid([])
    header_rows: list[GridRow] = []
    rule = next((i for i, (_, text) in enumerate(block[:3]) if i and DASHES.match(text)), None)
    if rule is not None and rule + 1 < len(block) and _groups_over(block, rule):
        columns = _column_starts(block[rule + 1][1])
        header_rows = [
            _group_row(block[rule - 1], block[rule][1], columns),
            _row([block[rule + 1]], columns, words, True),
        ]
        body = block[rule + 2 :]
    elif rule is not None:
        columns = [segment.start() for segment in _SEGMENT.finditer(block[rule][1])]
        header_rows = [_row(list(block[:rule]), columns, words, True)]
        body = block[rule + 1 :]
    else:
        columns = _column_starts(block[0][1])
        header_rows = [_row([block[0]], columns, words)]
        body = block[1:]
    printed = block[0][1].strip()
    body = [(line_no, text) for line_no, text in body if text.strip() != printed]
    rows = [*header_rows, *_wrapped_rows(body, columns, words)]
    return Grid(rows, marks_header=rule is not None, merged_at_end=rule is None)


def _groups_over(block: Lines, rule: int) -> bool:
    """The rule underlines group labels: fewer segments than the columns of the line below."""
    return len(_segments(block[rule][1])) < len(GAP.split(block[rule + 1][1].strip()))


def _group_row(line: tuple[int, str], rule: str, columns: list[int]) -> GridRow:
    """The group labels over their segments, each in the column its segment starts in."""
    line_no, text = line
    cells = [""] * len(columns)
    for segment in _SEGMENT.finditer(rule):
        label = text[segment.start() : segment.end()].strip()
        column = min(range(len(columns)), key=lambda i: abs(columns[i] - segment.start()))
        if label:
            cells[column] = label
    return GridRow(line_no, tuple(Cell(label, line_no) for label in cells), header=True)


def _wrapped_rows(
    body: Lines, columns: list[int], words: Callable[[], frozenset[str]]
) -> list[GridRow]:
    """One row per line, unless the lines wrap (a PDF's text): then the lines under a row that
    lack its anchor column continue it. A line spanning the row is a row of its own."""
    cut = [
        (n, (text.strip(),) + ("",) * (len(columns) - 1) if spans else _cells(text, columns), spans)
        for n, text in body
        for spans in [_spanning(text, columns)]
    ]
    rows = [(n, cells) for n, cells, spans in cut if not spans]
    if not rows:
        return [_spanning_row(n, cells) for n, cells, _ in cut]
    anchor = _anchor([cells for _, cells in rows])
    wrapped = any(
        not cells[anchor] and any(not text for i, text in enumerate(cells) if i != anchor)
        for _, cells in rows
    )
    if not wrapped:
        return [
            _spanning_row(n, cells) if spans else GridRow(n, tuple(Cell(text, n) for text in cells))
            for n, cells, spans in cut
        ]
    full = FULL_LINE * sum(map(bool, rows[0][1]))
    groups: list[list[tuple[int, tuple[str, ...]]] | GridRow] = []
    for n, cells, spans in cut:
        if spans:
            groups.append(_spanning_row(n, cells))
        elif (
            groups and not isinstance(groups[-1], GridRow) and not _starts_row(cells, anchor, full)
        ):
            groups[-1].append((n, cells))
        else:
            groups.append([(n, cells)])
    return [
        group if isinstance(group, GridRow) else _joined_row(group, words()) for group in groups
    ]


def _anchor(rows: list[tuple[str, ...]]) -> int:
    """The sparsest column of the first row: filled once a row."""
    filled = [i for i, text in enumerate(rows[0]) if text]
    if not filled:
        return 0
    counts = {i: sum(bool(cells[i]) for cells in rows) for i in filled}
    return min(reversed(filled), key=counts.__getitem__)


def _starts_row(cells: tuple[str, ...], anchor: int, full: float) -> bool:
    """A line starts a row when it fills the anchor column, or when it is about as full as the
    first row and its first cell starts as a label does (a capital or an analysis' number such
    as '1.3 ', not a wrapped word)."""
    if cells[anchor]:
        return True
    label = cells[0][:1].isupper() or _NUMBERED_LABEL.match(cells[0]) is not None
    return sum(map(bool, cells)) >= full and label


def _spanning(line: str, columns: list[int]) -> bool:
    """One run of text across a column start, the other columns empty: a label over the row."""
    text = line.strip()
    start = len(line) - len(line.lstrip())
    return (
        len(columns) > 2
        and bool(text)
        and not GAP.search(text)
        and any(start < column < start + len(text) for column in columns[1:])
    )


def _spanning_row(line_no: int, cells: tuple[str, ...]) -> GridRow:
    text = " ".join(cell for cell in cells if cell)
    return GridRow(
        line_no, (Cell(text, line_no), *[Cell("", line_no)] * (len(cells) - 1)), spans=True
    )


def _row(
    block: list[tuple[int, str]],
    columns: list[int],
    words: Callable[[], frozenset[str]],
    header: bool = False,
) -> GridRow | None:
    """Lines that form one row, cut at the columns and each column's fragments joined."""
    if not block:
        return None
    cut = [(line_no, _cells(text, columns)) for line_no, text in block]
    row = _joined_row(cut, words() if len(cut) > 1 else frozenset())
    return GridRow(row.line_no, row.cells, header=header)


def _joined_row(lines: list[tuple[int, tuple[str, ...]]], words: frozenset[str]) -> GridRow:
    first_line = lines[0][0]
    cells = []
    for column in range(len(lines[0][1])):
        parts = [(n, cells_[column]) for n, cells_ in lines if cells_[column]]
        line_no = parts[0][0] if parts else first_line
        cells.append(Cell(joined([text for _, text in parts], words), line_no))
    return GridRow(first_line, tuple(cells))


def _segments(line: str) -> list[re.Match[str]]:
    return list(_SEGMENT.finditer(line)) if DASHES.match(line) else []


def _column_starts(header: str) -> list[int]:
    """Where each column of an aligned table starts: where each header label starts."""
    starts = [0] if header[:1] != " " else []
    starts += [gap.end() for gap in GAP.finditer(header.rstrip()) if gap.end() > 0]
    return sorted(set(starts))


def _cells(line: str, starts: list[int]) -> tuple[str, ...]:
    """Cells cut at the column starts (module docstring: text across a start)."""
    crosses = [
        start
        for start in starts[1:]
        if 0 < start < len(line) and line[start - 1] != " " and line[start] != " "
    ]
    if crosses:
        spaced = tuple(cell.strip() for cell in GAP.split(line.strip()))
        if len(spaced) == len(starts):
            return spaced
        starts = [_nearest_gap(line, start) if start in crosses else start for start in starts]
    bounds = [*starts[1:], max(len(line), starts[-1] + 1)]
    cells = [line[start:end].strip() for start, end in zip(starts, bounds, strict=True)]
    if starts[0] > 0 and line[: starts[0]].strip():  # text left of the first column
        cells[0] = f"{line[: starts[0]].strip()} {cells[0]}".strip()
    return tuple(cells)


def _nearest_gap(line: str, start: int) -> int:
    """The end of a run of spaces within OFF_BY characters of a column start, else the start."""
    near = [
        gap.end()
        for gap in GAP.finditer(line)
        if abs(gap.end() - start) <= OFF_BY and gap.start() > 0
    ]
    return min(near, key=lambda end: abs(end - start)) if near else start
