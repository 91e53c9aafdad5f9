"""A table in the text rendering of a guide → its lines split into cells, whatever the rendering:
tab-separated, Markdown pipe tables (with or without the `|---|` rule) or columns aligned by runs
of spaces.

The rendering is told by the shape of the block's first line: a tab makes a tab-separated table,
else a leading `|` a pipe table, else runs of two or more spaces an aligned one. A line of the block
that does not fit that shape is an issue at its line, and the lines after it are still read; a
line of a tab-separated table whose tabs became spaces is read by its runs of spaces when that
gives the header's number of cells, and reported either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.read.errors import ParseIssue

TAB, PIPE, ALIGNED = "tab", "pipe", "aligned"

_GAP = re.compile(r" {2,}|\t")
_RULE_CELL = re.compile(r"^\s*:?-{1,}:?\s*$")
_PIPE_SPLIT = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class TextRow:
    line_no: int
    cells: tuple[str, ...]


def rendering(line: str) -> str | None:
    """The rendering a table's first line shows; None when it is no table line at all."""
    stripped = line.strip()
    if "\t" in line.strip(" "):
        return TAB
    if stripped.startswith("|") and stripped.count("|") >= 2:
        return PIPE
    if len(_GAP.split(stripped)) >= 2:
        return ALIGNED
    return None


def split_rows(lines: list[str], first_line_no: int) -> tuple[list[TextRow], list[ParseIssue]]:
    """The block's lines (non-blank, consecutive) as rows of cells, the first being the header
    line as printed; `first_line_no` is the line number of `lines[0]`."""
    kind = rendering(lines[0])
    starts = _column_starts(lines[0]) if kind == ALIGNED else []
    width = None
    rows: list[TextRow] = []
    issues: list[ParseIssue] = []
    for offset, line in enumerate(lines):
        line_no = first_line_no + offset
        if kind == PIPE:
            cells = _pipe_cells(line)
            if cells is None:
                issues.append(_misfit(line_no, line, "a pipe table's line starts with '|'"))
                continue
            if all(_RULE_CELL.match(cell) for cell in cells):
                continue
        elif kind == TAB:
            cells = tuple(cell.strip() for cell in line.split("\t"))
            if len(cells) == 1:
                spaced = tuple(cell.strip() for cell in _GAP.split(line.strip()))
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
                cells = spaced
        else:
            cells = _aligned_cells(line, starts)
        width = len(cells) if width is None else width
        rows.append(TextRow(line_no, cells))
    return rows, issues


def _pipe_cells(line: str) -> tuple[str, ...] | None:
    stripped = line.strip()
    if not stripped.startswith("|"):
        return None
    inner = stripped[1:-1] if stripped.endswith("|") and len(stripped) > 1 else stripped[1:]
    return tuple(cell.strip().replace("\\|", "|") for cell in _PIPE_SPLIT.split(inner))


def _column_starts(header: str) -> list[int]:
    """Where each column of an aligned table starts: where each header label starts."""
    starts = [0] if header[:1] != " " else []
    starts += [gap.end() for gap in _GAP.finditer(header.rstrip()) if gap.end() > 0]
    return sorted(set(starts))


def _aligned_cells(line: str, starts: list[int]) -> tuple[str, ...]:
    """Cells cut at the header's column starts; a line whose text runs across a column start
    (printed out of alignment) is split at its own runs of spaces instead when that gives as many
    cells."""
    bounds = [*starts[1:], max(len(line), starts[-1] + 1)]
    crosses = any(
        0 < start < len(line) and line[start - 1] != " " and line[start] != " "
        for start in starts[1:]
    )
    if crosses:
        spaced = tuple(cell.strip() for cell in _GAP.split(line.strip()))
        if len(spaced) == len(starts):
            return spaced
    return tuple(line[start:end].strip() for start, end in zip(starts, bounds, strict=True))


def _misfit(line_no: int, line: str, expected: str) -> ParseIssue:
    return ParseIssue(
        line_no,
        "table_shape",
        f"line does not fit the table above it ({expected}); it was not read, the rows after it were: {line.strip()[:80]!r}",
    )
