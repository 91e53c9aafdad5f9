"""CSV text → rows that know the line they start on; a ragged row is an issue, not a crash."""

from __future__ import annotations

import csv
import io

from pipelines.read.errors import ParseIssue

Row = dict[str, str | None]


def read_csv_rows(text: str) -> tuple[list[str], list[tuple[int, Row]], list[ParseIssue]]:
    """Header, rows as {column: stripped text or None} with their first line (quoted cells may
    span lines), and the rows whose cell count differs from the header's."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in next(reader, [])]
    rows, issues = [], []
    line_no = reader.line_num + 1
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            pass
        elif len(cells) != len(header):
            message = f"row has {len(cells)} cells but the header has {len(header)}; quote cells that hold commas"
            issues.append(ParseIssue(line_no, "record_shape", message))
        else:
            rows.append(
                (line_no, {n: c.strip() or None for n, c in zip(header, cells, strict=True)})
            )
        line_no = reader.line_num + 1
    return header, rows, issues
