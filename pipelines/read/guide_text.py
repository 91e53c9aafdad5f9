"""The text rendering of a guide (markdown-like; tables tab-separated, piped or aligned) → ParsedGuide."""

from __future__ import annotations

import re
from dataclasses import replace

from pipelines.read.errors import ParseIssue
from pipelines.read.parsed_guide import (
    TABLE_TITLE,
    Cell,
    ParsedGuide,
    Row,
    Table,
    continue_leading,
    continued,
    header_and_body,
    is_group_row,
)
from pipelines.read.text import clean
from pipelines.read.text_table import PIPE, TAB, rendering, split_rows

GUIDE_TEXT = "guide-text"

_HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")
_RULE = re.compile(r"^\s*(-{3,}|\*{3,})\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s|^\s*\d+\.\s")


def parse_guide_text(text: str) -> ParsedGuide:
    """Split the text rendering of a guide into its parts, keeping every line number."""
    lines = text.splitlines()
    guide = ParsedGuide(format=GUIDE_TEXT)
    section: str | None = None
    in_references = False
    index = 0
    while index < len(lines):
        line_no, line = index + 1, lines[index]
        heading = _HEADING.match(line)
        table_title = TABLE_TITLE.match(clean(line))
        if heading:
            section = clean(heading.group(2))
            in_references = section.lower() == "references"
            if guide.title is None and len(heading.group(1)) == 1:
                guide.title = section
        elif _RULE.match(line):
            in_references = False
        elif table_title:
            number, title = int(table_title.group(1)), table_title.group(2) or ""
            table, index = _read_table(
                lines, index + 1, (number, title, line_no), section, guide.issues
            )
            guide.tables.append(table)
            continue
        elif _untitled(lines, index):
            where = (len(guide.tables) + 1, "", line_no)
            table, index = _read_table(lines, index, where, section, guide.issues)
            guide.tables.append(replace(table, numbered=False))
            continue
        elif in_references and guide.read_reference_line(
            line_no, line, listed=bool(_BULLET.match(line))
        ):
            pass
        else:
            in_references = False
            guide.read_body_line(line_no, line, section)
        index += 1
    guide.finish()
    return guide


def _untitled(lines: list[str], index: int) -> bool:
    """Two lines in a row of one pipe or tab shape, with no 'Table N' above: a table all the
    same (aligned spaces are not enough without a title: prose has double spaces too)."""
    kind = rendering(lines[index])
    return kind in (PIPE, TAB) and index + 1 < len(lines) and rendering(lines[index + 1]) == kind


def _read_table(
    lines: list[str],
    index: int,
    title: tuple[int, str, int],
    section: str | None,
    issues: list[ParseIssue],
) -> tuple[Table, int]:
    """Read the block of lines from `index` (after a 'Table N: title' line, or an untitled
    table's first line), up to a blank line, a heading or the next table's title, in whichever
    rendering the block shows. `title`: the table's number, title and line."""
    table_no, title_text, title_line = title
    while index < len(lines) and not lines[index].strip():
        index += 1
    start = index
    kind = rendering(lines[start]) if start < len(lines) else None
    while index < len(lines) and kind and _in_block(lines[index], kind):
        index += 1
    header: tuple[str, ...] = ()
    rows: list[Row] = []
    if index == start:
        issues.append(
            ParseIssue(
                title_line,
                "table_shape",
                f"Table {table_no} has no table after its title (tab-separated, pipe or space-aligned lines)",
            )
        )
    else:
        text_rows, found = split_rows(lines[start:index], start + 1)
        issues += found
        header, body = header_and_body([row.cells for row in text_rows])
        group: str | None = None
        for text_row in text_rows[len(text_rows) - len(body) :]:
            row_no, line_no = len(rows) + 1, text_row.line_no
            cells = [Cell(text, line_no) for text in text_row.cells]
            if is_group_row([cell.text for cell in cells], header):
                group = cells[0].text
                continue
            row = _fit_row(cells, header, rows[-1] if rows else None, row_no, line_no, issues)
            if row is not None:
                rows.append(replace(row, group=group))
    table = Table(table_no, title_text, title_line, section, header, tuple(rows))
    return table, index


def _in_block(line: str, kind: str) -> bool:
    """A line of the table: not blank, and of its tab or pipe shape, or else no heading and no
    next table's title."""
    if not line.strip():
        return False
    if kind in (TAB, PIPE) and rendering(line) == kind:
        return True
    return not _HEADING.match(line) and not TABLE_TITLE.match(clean(line))


def _fit_row(
    cells: list[Cell],
    header: tuple[str, ...],
    above: Row | None,
    row_no: int,
    line_no: int,
    issues: list[ParseIssue],
) -> Row | None:
    """Fit cells to the header.

    Merged cells are written two ways: a row that ends in empty cells has its filled cells
    shifted right, the leading ones carried down from the row above; a row of full width whose
    first cells are empty continues those cells of the row above.
    """
    filled = list(cells)
    while filled and not filled[-1].text:
        filled.pop()
    if len(filled) > len(header):
        issues.append(
            ParseIssue(
                line_no,
                "table_shape",
                f"row has {len(filled)} cells but the header has {len(header)} columns",
            )
        )
        return None
    carried = len(header) - len(filled)
    if carried and len(cells) > len(filled):
        if above is None:
            issues.append(
                ParseIssue(
                    line_no,
                    "table_shape",
                    "row ends in an empty cell (a merged cell) but there is no row above to continue",
                )
            )
            return None
        cells = continued(above, carried, line_no) + tuple(filled)
        return Row(row_no, line_no, cells, shifted=carried)
    if carried:
        issues.append(
            ParseIssue(
                line_no,
                "table_shape",
                f"row has {len(filled)} cells but the header has {len(header)} columns; the missing cells are read as empty",
            )
        )
    padding = tuple(Cell("", line_no) for _ in range(carried))
    return continue_leading(Row(row_no, line_no, tuple(filled) + padding), above)
