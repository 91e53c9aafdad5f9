"""A rendering's Grid → a Table, the same way for every rendering. The rules, one line each:

- The header is the rows the rendering marks as such; else the first row, unless it reads as
  data (a citation marker, a cell starting with a value, a sentence): then it has none.
- A row right under a header that leaves a cell empty (a label spanning two columns) is a second
  header row when its first cell is empty and its other cells read as labels.
- A column's label is its lowest header cell, prefixed by the label above it when the lowest
  labels repeat ('First trial Active', 'Second trial Active').
- A row that repeats the header (a page break in a PDF repeats it) is not a row.
- A row with one cell spanning it, or only its first cell filled in a table of three columns or
  more, names the group of the rows below it.
- A row whose first cells are empty continues those cells of the row above (a merged cell); in
  a rendering that leaves a merged row short (`merged_at_end`), a row that ends in empty cells
  has its filled cells shifted right, the first ones carried down from the row above.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipelines.read.errors import ParseIssue
from pipelines.read.tables.model import Caption, Cell, Grid, GridRow, Row, Table

# A citation marker, or a cell that starts with a value ('42.4%', '< 0.001', '25.4% vs. 10.7%').
_MARKER_OR_VALUE = re.compile(r"\[\d+\]|^\W{0,2}[<>\u2264\u2265~]?\s*\d")
_SENTENCE_WORDS = 8


def assemble(
    grid: Grid, caption: Caption, position: int, section: str | None, issues: list[ParseIssue]
) -> Table:
    """The Table a grid holds; `position`: its number when the caption prints none."""
    issues += grid.issues
    header_rows, body = _header_rows(grid)
    header = _labels(header_rows, max((len(row.cells) for row in grid.rows), default=0))
    rows: list[Row] = []
    group: str | None = None
    printed = [cell.text for cell in header_rows[-1].cells] if header_rows else None
    for grid_row in body:
        texts = [cell.text for cell in grid_row.cells]
        if not any(texts) or texts == printed:
            continue
        if grid_row.spans or is_group_row(texts, header):
            group = grid_row.cells[0].text
            continue
        row_no, line_no = len(rows) + 1, grid_row.line_no
        above = rows[-1] if rows else None
        if grid.merged_at_end:
            row = _fit_row(list(grid_row.cells), header, above, row_no, line_no, issues)
        else:
            row = _padded(list(grid_row.cells), header, above, row_no, line_no, issues)
        if row is not None:
            rows.append(replace(row, group=group) if group is not None else row)
    table_no = caption.number if caption.number is not None else position
    return Table(
        table_no,
        caption.title,
        caption.line_no,
        section,
        header,
        tuple(rows),
        caption.number is not None,
        tuple(tuple(cell.text for cell in row.cells) for row in header_rows),
    )


def is_group_row(cells: list[str], header: tuple[str, ...]) -> bool:
    """A row with only its first cell filled, in a table of three columns or more, names the
    group of the rows below it (an outcome spanning them)."""
    return len(header) >= 3 and bool(cells and cells[0]) and not any(cells[1:])


def looks_like_data(cells: tuple[str, ...]) -> bool:
    """Header labels are words: a cell with a citation marker, one that starts with a value, or a
    sentence (eight words or more and a full stop) is a body cell; a label may name a strength
    ('Roflumilast 0.05% cream vs. vehicle (adults)', a column of a table of comparisons)."""
    return any(
        _MARKER_OR_VALUE.search(cell)
        or (len(cell.split()) >= _SENTENCE_WORDS and cell.rstrip().endswith("."))
        for cell in cells
    )


def continued(above: Row, count: int, line_no: int) -> tuple[Cell, ...]:
    """The first `count` cells of the row above, carried down into a row on `line_no`."""
    return tuple(
        Cell(cell.text, line_no, cell.continued_from_line or cell.line_no)
        for cell in above.cells[:count]
    )


def continue_leading(row: Row, above: Row | None) -> Row:
    """A row whose first cells are empty while later ones are filled continues the merged cells
    of the row above (a page that writes a merged cell as an empty one)."""
    leading = next((i for i, cell in enumerate(row.cells) if cell.text), 0)
    if above is None or leading == 0:
        return row
    return replace(row, cells=continued(above, leading, row.line_no) + row.cells[leading:])


def _header_rows(grid: Grid) -> tuple[list[GridRow], list[GridRow]]:
    rows = grid.rows
    if not rows:
        return [], []
    if grid.marks_header:
        count = next((i for i, row in enumerate(rows) if not row.header), len(rows))
    else:
        count = 0 if looks_like_data(tuple(cell.text for cell in rows[0].cells)) else 1
    if count and count < len(rows) and _second_header(rows[count - 1], rows[count]):
        count += 1
    return rows[:count], rows[count:]


def _second_header(header: GridRow, row: GridRow) -> bool:
    texts = [cell.text for cell in row.cells]
    return (
        any(not cell.text for cell in header.cells)
        and bool(texts)
        and not texts[0]
        and any(texts)
        and not looks_like_data(tuple(texts))
        and not any(char.isdigit() for text in texts for char in text)
    )


def _labels(header_rows: list[GridRow], width: int) -> tuple[str, ...]:
    if not header_rows:
        return tuple("" for _ in range(width))
    grids = [[cell.text for cell in row.cells] for row in header_rows]
    columns = max(len(row) for row in grids)
    lowest, above = [], []
    for column in range(columns):
        labels = [row[column] for row in grids if column < len(row) and row[column]]
        lowest.append(labels[-1] if labels else "")
        above.append(_spanning_label(grids[:-1], column) if len(labels) <= 1 else labels[-2])
    repeated = {label for label in lowest if label and lowest.count(label) > 1}
    return tuple(
        f"{upper} {label}" if label in repeated and upper else label
        for label, upper in zip(lowest, above, strict=True)
    )


def _spanning_label(upper_rows: list[list[str]], column: int) -> str:
    """The label of an upper header row over `column`: its own, or the nearest one to its left
    (a label spans the empty cells after it)."""
    for row in reversed(upper_rows):
        for index in range(min(column, len(row) - 1), -1, -1):
            if row[index]:
                return row[index]
    return ""


def _padded(
    cells: list[Cell],
    header: tuple[str, ...],
    above: Row | None,
    row_no: int,
    line_no: int,
    issues: list[ParseIssue],
) -> Row | None:
    """A row of a rendering that places every cell in its column: too many cells is an issue,
    too few are padded (an issue), and leading empty cells continue the row above."""
    if len(cells) > len(header):
        issues.append(_misfit(line_no, len(cells), len(header)))
        return None
    return _filled_out(cells, header, above, row_no, line_no, issues)


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
    first cells are empty continues those cells of the row above. The first row has nothing
    above it to continue: its empty last cells are empty cells.
    """
    filled = list(cells)
    while filled and not filled[-1].text:
        filled.pop()
    carried = len(header) - len(filled)
    if carried > 0 and len(cells) > len(filled) and above is not None:
        cells = [*continued(above, carried, line_no), *filled]
        return Row(row_no, line_no, tuple(cells), shifted=carried)
    fitted = cells if len(cells) <= len(header) else filled
    return _padded(list(fitted), header, above, row_no, line_no, issues)


def _filled_out(
    cells: list[Cell],
    header: tuple[str, ...],
    above: Row | None,
    row_no: int,
    line_no: int,
    issues: list[ParseIssue],
) -> Row:
    """A row no wider than its header, padded with empty cells (an issue) and its leading empty
    cells continuing the row above."""
    if len(cells) < len(header):
        issues.append(_misfit(line_no, len(cells), len(header), padded=True))
    padding = tuple(Cell("", line_no) for _ in range(len(header) - len(cells)))
    return continue_leading(Row(row_no, line_no, tuple(cells) + padding), above)


def _misfit(line_no: int, cells: int, columns: int, padded: bool = False) -> ParseIssue:
    read = "; the missing cells are read as empty" if padded else ""
    return ParseIssue(
        line_no, "table_shape", f"row has {cells} cells but the header has {columns} columns{read}"
    )
