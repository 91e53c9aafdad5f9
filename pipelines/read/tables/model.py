"""The one table model: cells that know their line, rows, a caption, header rows, group rows and
notes; and the `Grid` a rendering's reader hands to `assemble` to become one."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from pipelines.read.errors import ParseIssue


@dataclass(frozen=True)
class Cell:
    text: str
    line_no: int
    continued_from_line: int | None = None


@dataclass(frozen=True)
class Row:
    """`group` is the text of the full-width row above it ('<td colspan=4>IGA success</td>');
    `shifted` counts the leading cells carried down from the row above because the row ended in
    empty cells (a merged cell), so that meaning can check the row's own cells fit where they
    were put."""

    row_no: int
    line_no: int
    cells: tuple[Cell, ...]
    group: str | None = None
    shifted: int = 0


@dataclass(frozen=True)
class Table:
    """`numbered`: the page prints 'Table N' (or another caption with a number); an unnumbered
    table is numbered by its position. `header` holds one label per column (header_rows as
    printed, top first, when the header spans several rows); `notes` the lines printed with the
    table that annotate it (footnote marks, abbreviations, a summary of findings' population);
    `span` the first and last line of its own lines, caption and notes apart (0, 0 unknown)."""

    table_no: int
    title: str
    line_no: int
    section: str | None
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    numbered: bool = True
    header_rows: tuple[tuple[str, ...], ...] = ()
    notes: tuple[str, ...] = ()
    span: tuple[int, int] = (0, 0)

    @functools.cached_property
    def labels(self) -> tuple[str, ...]:
        """One header label per column of the widest row ('' where the header has none)."""
        width = max([len(self.header), *(len(row.cells) for row in self.rows)], default=0)
        return (*self.header, *[""] * (width - len(self.header)))


@dataclass(frozen=True)
class GridRow:
    """A row as a rendering gives it: its cells in column order (a cell spanning columns is
    repeated in each), `header` when the rendering marks the row as the header's, `spans` when
    one cell spans the whole row."""

    line_no: int
    cells: tuple[Cell, ...]
    header: bool = False
    spans: bool = False


@dataclass
class Grid:
    """What a rendering's reader makes of a table. `marks_header`: the rendering says which rows
    form the header (a rule under it, <thead>, `+===+`); else the first row is the header unless
    it reads as data. `merged_at_end`: a row ending in empty cells continues the first cells of
    the row above (delimited and aligned text, where a merged cell leaves the row short)."""

    rows: list[GridRow]
    issues: list[ParseIssue] = field(default_factory=list)
    marks_header: bool = False
    merged_at_end: bool = False


@dataclass(frozen=True)
class Caption:
    """A table's caption: its number when the page prints one, its title, and its line."""

    number: int | None
    title: str
    line_no: int


def carried_down(carried: dict[int, tuple[Cell, int]], column: int) -> Cell | None:
    """The cell a row above spans into `column` (readers keep them as {column: (cell, rows
    left)}), with one row fewer left; None when nothing spans into it."""
    if column not in carried:
        return None
    cell, left = carried.pop(column)
    if left > 1:
        carried[column] = (cell, left - 1)
    return cell
