"""Grid tables: `+---+` borders, `|` between cells, a `+===+` line under the header, cells wrapped
over several lines and spanning columns or rows. Read by docutils' grid table parser (the one
reStructuredText and pandoc users write to), then each cell's lines joined and spans expanded
the way HTML's are: a cell spanning columns is repeated in each, one spanning rows is carried
into the rows below, marked as continued from its line."""

from __future__ import annotations

import re

from docutils.parsers.rst.tableparser import GridTableParser, TableMarkupError
from docutils.statemachine import StringList

from pipelines.read.errors import ParseIssue
from pipelines.read.tables.lines import Lines, joined
from pipelines.read.tables.model import Cell, Grid, GridRow, carried_down

_BORDER = re.compile(r"^\s*\+[-=+:]+\+\s*$")
_BODY = re.compile(r"^\s*[|+]")


def starts(lines: Lines, index: int) -> bool:
    return (
        bool(_BORDER.match(lines[index][1]))
        and index + 1 < len(lines)
        and lines[index + 1][1].lstrip().startswith("|")
    )


def read(lines: Lines, index: int) -> tuple[Grid, int]:
    end = index
    while end < len(lines) and _BODY.match(lines[end][1]):
        end += 1
    block = lines[index:end]
    indent = len(block[0][1]) - len(block[0][1].lstrip())
    try:
        _, head, body = GridTableParser().parse(
            StringList([text[indent:].rstrip() for _, text in block])
        )
    except TableMarkupError as exc:
        message = f"a grid table ('+---+') whose borders do not line up: {str(exc).splitlines()[0]}"
        return Grid([], [ParseIssue(block[0][0], "table_shape", message)]), end
    line_of = [line_no for line_no, _ in block]
    rows = _expanded(head, line_of, header=True) + _expanded(body, line_of, header=False)
    return Grid(rows, marks_header=bool(head)), end


def _expanded(parsed: list, line_of: list[int], *, header: bool) -> list[GridRow]:
    """docutils' rows (cells as (more rows, more columns, offset, lines), None where spanned) as
    full-width rows of cells."""
    carried: dict[int, tuple[Cell, int]] = {}
    rows = []
    for parsed_row in parsed:
        cells: list[Cell] = []
        line_no = 0
        for column, entry in enumerate(parsed_row):
            if entry is None:
                if (above := carried_down(carried, column)) is not None:
                    cells.append(above)
                elif cells:
                    cells.append(cells[-1])
                continue
            more_rows, _, offset, text = entry
            line_no = line_of[min(offset, len(line_of) - 1)]
            cell = Cell(joined(list(text), frozenset()), line_no)
            cells.append(cell)
            if more_rows:
                carried[column] = (Cell(cell.text, line_no, line_no), more_rows)
        first = next((cell.line_no for cell in cells), line_no)
        spans = len(parsed_row) > 1 and all(entry is None for entry in parsed_row[1:])
        rows.append(GridRow(first, tuple(cells), header=header, spans=spans))
    return rows
