"""An HTML <table> as a Grid: <thead> rows (or a first row of <th> cells) as the header, rowspan
and colspan expanded (a cell spanning columns is repeated in each, one spanning rows is carried
into the rows below, marked as continued from its line), a row of one cell spanning every column
as a group row. A <th scope="row"> is a cell like any other; tables nested in a cell (rating
dots, layout) are read as that cell's text, never as rows of their own."""

from __future__ import annotations

from lxml import html

from pipelines.read.tables.model import Cell, Grid, GridRow, carried_down

_MAX_SPAN = 1000


def read(table: html.HtmlElement) -> Grid:
    rows = [row for row in table.iter("tr") if _own_table(row) is table]
    head = [row for row in rows if row.getparent().tag == "thead"]
    if not head and rows and all(cell.tag == "th" for cell in _cells(rows[0])):
        head = rows[:1] if len(_cells(rows[0])) > 1 else []
    ordered = head + [row for row in rows if row not in head]
    grid = []
    for index, (line_no, cells) in enumerate(_expanded(ordered)):
        spans = len(cells) >= 2 and all(cell is cells[0] for cell in cells)
        grid.append(GridRow(line_no, tuple(cells), header=index < len(head), spans=spans))
    return Grid(grid, marks_header=bool(head))


def text_of(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _own_table(row: html.HtmlElement) -> html.HtmlElement | None:
    return next(row.iterancestors("table"), None)


def _cells(row: html.HtmlElement) -> list[html.HtmlElement]:
    return [cell for cell in row if cell.tag in ("td", "th")]


def _span(cell: html.HtmlElement, name: str) -> int:
    value = cell.get(name, "1").strip()
    return min(max(int(value), 1), _MAX_SPAN) if value.isdigit() else 1


def _expanded(rows: list[html.HtmlElement]) -> list[tuple[int, list[Cell]]]:
    """Expand rowspan and colspan: a cell spanning rows below is carried into them, marked as
    continued from the line it was written on (as the text rendering's merged cells are)."""
    carried: dict[int, tuple[Cell, int]] = {}
    grid = []
    for row in rows:
        line_no = row.sourceline or 1
        cells: list[Cell] = []
        written = iter(_cells(row))
        while True:
            column = len(cells)
            if (above := carried_down(carried, column)) is not None:
                origin = above.continued_from_line or above.line_no
                cells.append(Cell(above.text, line_no, origin))
                continue
            element = next(written, None)
            if element is None:
                if any(column < later for later in carried):
                    cells.append(Cell("", line_no))
                    continue
                break
            cell = Cell(text_of(element), element.sourceline or line_no)
            rowspan = _span(element, "rowspan")
            for offset in range(_span(element, "colspan")):
                cells.append(cell)
                if rowspan > 1:
                    carried[column + offset] = (cell, rowspan - 1)
        grid.append((line_no, cells))
    return grid
