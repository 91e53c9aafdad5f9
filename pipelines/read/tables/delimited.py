"""Tables whose cells are delimited by tabs or by pipes (Markdown, with or without outer bars and
the `|---|` rule).

A block is tab-separated when its first line holds a tab, a pipe table when it starts with `|`
(or has no outer bars but a `---|---` rule under its first line). A line that does not fit the
block's shape is an issue at its line and the lines after it are still read; a line of a
tab-separated table whose tabs became spaces is read by its runs of spaces when that gives the
header's number of cells (a run several tabs long holding empty cells), and reported either way.
"""

from __future__ import annotations

import re

from pipelines.read.errors import ParseIssue
from pipelines.read.tables.lines import GAP, RULE_CELL, Lines, is_blank
from pipelines.read.tables.model import Cell, Grid, GridRow

_SPACES = re.compile(r" {2,}")
TAB, PIPE = "tab", "pipe"

_PIPE_SPLIT = re.compile(r"(?<!\\)\|")
_BARE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")


def rendering(line: str, below: str | None = None) -> str | None:
    """TAB or PIPE when `line` (with the line `below` it) starts such a table, else None."""
    stripped = line.strip()
    if "\t" in line.strip(" "):
        return TAB
    if stripped.startswith("|") and stripped.count("|") >= 2:
        return PIPE
    if below is not None and "|" in stripped and _BARE_RULE.match(below):
        return PIPE
    return None


def starts(lines: Lines, index: int) -> bool:
    """Two lines in a row of one tab or pipe shape (or a header over a pipe rule)."""
    if index + 1 >= len(lines):
        return False
    kind = rendering(lines[index][1], lines[index + 1][1])
    return kind is not None and rendering(lines[index + 1][1], _below(lines, index + 1)) == kind


def read(lines: Lines, index: int, stop: object) -> tuple[Grid, int]:
    """The block from `index` to a blank line, or (for lines of another shape) a line `stop`
    says ends the table (a heading, the next caption)."""
    kind = rendering(lines[index][1], _below(lines, index))
    end = index
    while end < len(lines) and not is_blank(lines[end][1]):
        fits = rendering(lines[end][1], _below(lines, end)) == kind or _bare_row(
            lines[end][1], kind
        )
        if not fits and end > index and stop(lines[end][1]):  # type: ignore[operator]
            break
        end += 1
    rows, issues, ruled = _split(lines[index:end], kind)
    grid = Grid(rows, issues, marks_header=ruled, merged_at_end=True)
    return grid, end


def _below(lines: Lines, index: int) -> str | None:
    return lines[index + 1][1] if index + 1 < len(lines) else None


def _bare_row(line: str, kind: str | None) -> bool:
    return kind == PIPE and "|" in line


def _split(block: Lines, kind: str | None) -> tuple[list[GridRow], list[ParseIssue], bool]:
    """The block's lines as rows of cells, the first being the header line as printed; whether a
    rule under the first line marks it as the header."""
    width = None
    rows: list[GridRow] = []
    issues: list[ParseIssue] = []
    ruled = False
    for offset, (line_no, line) in enumerate(block):
        if kind == PIPE:
            texts = _pipe_cells(line)
            if texts is None:
                issues.append(_misfit(line_no, line, "a pipe table's line holds '|'"))
                continue
            if all(RULE_CELL.match(text) for text in texts):
                ruled = ruled or offset == 1
                continue
        else:
            texts = tuple(text.strip() for text in line.split("\t"))
            if len(texts) == 1:
                spaced = _spaced(line, width)
                if width is None or len(spaced) != width:
                    issues.append(_misfit(line_no, line, "a tab-separated table's line has tabs"))
                    continue
                issues.append(
                    ParseIssue(
                        line_no,
                        "table_shape",
                        "row's cells are separated by spaces, not tabs; read by its runs of two or more spaces",
                    )
                )
                texts = spaced
        width = len(texts) if width is None else width
        rows.append(GridRow(line_no, tuple(Cell(text, line_no) for text in texts)))
    if ruled and rows:
        rows[0] = GridRow(rows[0].line_no, rows[0].cells, header=True)
    return rows, issues, ruled


def _spaced(line: str, width: int | None) -> tuple[str, ...]:
    """A line whose tabs became spaces, cut at its runs of two or more spaces; when that gives
    fewer cells than the table has, a run as long as several of its shortest runs is as many
    tabs (the cells between them empty), and a line ending in a run ends in empty cells."""
    text = line.strip()
    cells = tuple(cell.strip() for cell in GAP.split(text))
    if width is not None and len(cells) < width and GAP.match(line[len(line.rstrip()) :]):
        return (*cells, *[""] * (width - len(cells)))
    runs = [len(run.group(0)) for run in _SPACES.finditer(text)]
    if width is None or len(cells) >= width or not runs:
        return cells
    tab = min(runs)
    counted: list[str] = []
    for cell, run in zip(cells, [*runs, tab], strict=True):
        counted += [cell, *[""] * (round(run / tab) - 1)]
    return tuple(counted) if len(counted) == width else cells


def _pipe_cells(line: str) -> tuple[str, ...] | None:
    stripped = line.strip()
    if "|" not in stripped:
        return None
    inner = stripped[1:] if stripped.startswith("|") else stripped
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return tuple(cell.strip().replace("\\|", "|") for cell in _PIPE_SPLIT.split(inner))


def _misfit(line_no: int, line: str, expected: str) -> ParseIssue:
    return ParseIssue(
        line_no,
        "table_shape",
        f"line does not fit the table above it ({expected}); it was not read, the rows after it were: {line.strip()[:80]!r}",
    )
