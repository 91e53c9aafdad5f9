"""Tables whose columns are aligned by spaces: plain (as a word processor or a PDF's text gives
them), pandoc's simple tables (a dashed rule under the header) and multiline tables (a dashed
line above and below, rows separated by blank lines). The rules, one line each:

- Columns start where the header's labels start, or where the rule's dash segments start.
- A dashed rule under only some labels (fewer segments than the columns of the line below)
  underlines group labels: the line above is a header row of groups, the line below the labels.
- A cell whose text runs across a column start is split at its own runs of spaces instead, when
  that gives as many cells.
- In a multiline table a row runs to the next blank line. In the others, when a line leaves the
  sparsest column of the first row empty and another cell too (text wrapped in a PDF), every
  line without that column continues the row above; else each line is a row.
- A cell's lines are joined by `lines.joined` (a word broken by a hyphen is mended).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pipelines.read.tables.lines import DASHES, GAP, Lines, is_blank, joined
from pipelines.read.tables.model import Cell, Grid, GridRow

_SEGMENT = re.compile(r"-{3,}")
_FULL_RULE = re.compile(r"^\s*-{10,}\s*$")


def starts(lines: Lines, index: int) -> bool:
    """A table pandoc's way, recognisable without a caption: a dashed line over a header and a
    segmented rule (multiline), or a header over a segmented rule of two columns or more."""
    line = lines[index][1]
    below = lines[index + 1][1] if index + 1 < len(lines) else ""
    if _FULL_RULE.match(line):
        return any(
            _segments(text) and len(_segments(text)) >= 2
            for _, text in lines[index + 1 : index + 5]
        )
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
    cut = [(line_no, _cells(text, columns)) for line_no, text in body]
    rows = [*header_rows, *_wrapped_rows(cut, columns, words)]
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
    cut: list[tuple[int, tuple[str, ...]]], columns: list[int], words: Callable[[], frozenset[str]]
) -> list[GridRow]:
    """One row per line, unless the lines wrap (a PDF's text): then the lines under a row that
    lack its sparsest column continue it."""
    if not cut:
        return []
    first = cut[0][1]
    filled = [i for i, text in enumerate(first) if text]
    counts = {i: sum(bool(cells[i]) for _, cells in cut) for i in filled}
    anchor = min(reversed(filled), key=counts.__getitem__) if filled else 0

    wrapped = any(
        not cells[anchor] and any(not text for i, text in enumerate(cells) if i != anchor)
        for _, cells in cut
    )
    if not wrapped:
        return [GridRow(n, tuple(Cell(text, n) for text in cells)) for n, cells in cut]
    groups: list[list[tuple[int, tuple[str, ...]]]] = []
    for line in cut:
        if groups and not line[1][anchor]:
            groups[-1].append(line)
        else:
            groups.append([line])
    return [_joined_row(group, words()) for group in groups]


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
    """Cells cut at the column starts; a line whose text runs across a column start (printed out
    of alignment) is split at its own runs of spaces instead when that gives as many cells."""
    bounds = [*starts[1:], max(len(line), starts[-1] + 1)]
    crosses = any(
        0 < start < len(line) and line[start - 1] != " " and line[start] != " "
        for start in starts[1:]
    )
    if crosses:
        spaced = tuple(cell.strip() for cell in GAP.split(line.strip()))
        if len(spaced) == len(starts):
            return spaced
    cells = [line[start:end].strip() for start, end in zip(starts, bounds, strict=True)]
    if starts[0] > 0 and line[: starts[0]].strip():  # text left of the first column
        cells[0] = f"{line[: starts[0]].strip()} {cells[0]}".strip()
    return tuple(cells)
