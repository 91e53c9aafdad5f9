"""CSV text → rows that know the line they start on; a ragged row is an issue, not a crash.

A quote left open swallows the lines after it into one cell (up to the next quote, or the end of
the file). Such a cell is told by its shape: a later line of it reads as a whole row of the
header's width. The row that opened it is reported, not kept, and the lines it swallowed are read
again as rows of their own, so one stray quote costs one row.
"""

from __future__ import annotations

import csv
import io

from pipelines.read.errors import ParseIssue

Row = dict[str, str | None]

# A cell may hold this many characters; a longer one costs its row (reported), never the file.
MAX_CELL_CHARS = 64 * 1024
# Python's csv module refuses cells over 128 KiB with an exception: let it read them, then judge.
csv.field_size_limit(1 << 30)


def read_csv_rows(text: str) -> tuple[list[str], list[tuple[int, Row]], list[ParseIssue]]:
    """Header, rows as {column: stripped text or None} with their first line (quoted cells may
    span lines), and the rows that could not be read: a cell count that differs from the
    header's, a cell too long, a quote that swallowed the lines after it."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in next(reader, [])]
    rows: list[tuple[int, Row]] = []
    issues: list[ParseIssue] = []
    _read(reader, text, header, 0, rows, issues)
    return header, rows, issues


def _read(
    reader: csv.Reader,  # type: ignore[name-defined]
    text: str,
    header: list[str],
    offset: int,
    rows: list[tuple[int, Row]],
    issues: list[ParseIssue],
) -> None:
    """Rows of `reader` (over `text`, whose first line is line offset + 1 of the file)."""
    lines: list[str] | None = None
    line_no = offset + reader.line_num + 1
    for cells in reader:
        end = reader.line_num
        if end > line_no - offset and _swallowed(cells, len(header)):
            lines = lines if lines is not None else text.splitlines(keepends=True)
            start = line_no - offset  # the row's first line within `text`, from 1
            issues.append(_open_quote(line_no, offset + end))
            rest = "".join(lines[start:end])
            _read(csv.reader(io.StringIO(rest, newline="")), rest, header, line_no, rows, issues)
        elif not any(cell.strip() for cell in cells):
            pass
        elif len(cells) != len(header):
            message = f"row has {len(cells)} cells but the header has {len(header)}; quote cells that hold commas"
            issues.append(ParseIssue(line_no, "record_shape", message))
        elif longest := max((c for c in cells if len(c) > MAX_CELL_CHARS), key=len, default=None):
            column = header[cells.index(longest)]
            message = (
                f"the {column} cell holds {len(longest):,} characters, over the "
                f"{MAX_CELL_CHARS:,} a cell may hold; the row is not read"
            )
            issues.append(ParseIssue(line_no, "cell_too_large", message))
        else:
            rows.append(
                (line_no, {n: c.strip() or None for n, c in zip(header, cells, strict=True)})
            )
        line_no = offset + reader.line_num + 1


def _swallowed(cells: list[str], width: int) -> bool:
    """A cell spanning lines that an unclosed quote ran on: a later line of it parses as a row of
    the header's width."""
    for cell in cells:
        if "\n" not in cell:
            continue
        later = cell.split("\n")[1:]
        if any(len(next(csv.reader([line]), [])) == width for line in later if line.strip()):
            return True
    return False


def _open_quote(line_no: int, last: int) -> ParseIssue:
    return ParseIssue(
        line_no,
        "open_quote",
        f"a quote opened on this line runs on to line {last}, swallowing lines "
        f"{line_no + 1} to {last}; this row is not read, the lines it swallowed are read as rows; "
        'close the quote (a quote inside a cell is written twice: "")',
    )
