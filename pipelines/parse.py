"""Guide text → lossless raw records: metadata strings, tables with line numbers, paragraphs, references.

Nothing here knows what a cell means; that is normalize's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.text import clean

GUIDE_TEXT = "guide-text"

_HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")
_TABLE_TITLE = re.compile(r"^\s*Table\s+(\d+)\s*[:.]\s*(.*\S)\s*$", re.IGNORECASE)
_AUTHOR_DATE = re.compile(
    r"\*\*Author:\*\*\s*(?P<author>.+?)\.?\s*\*\*Date:\*\*\s*(?P<date>.+?)\s*$"
)
_FIELD = re.compile(r"^(?P<name>Compound Name|Cat\. No\.)\s*:\s*(?P<value>.+?)\s*$")
_REFERENCE = re.compile(r"^\s*[-*]?\s*(?P<no>\d+)\.\s+(?P<text>.+?)\s*$")
_CITE_THIS = re.compile(
    r"To cite this document:\s*(?P<publisher>[^.\[]+?)\s*\..*?Available at:\s*\[(?P<url>[^\]\s]+)\]"
)
_RULE = re.compile(r"^\s*(-{3,}|\*{3,})\s*$")


class GuideError(ValueError):
    """The whole file cannot be read as a guide; `error` is a short category for quality.source_errors."""

    def __init__(self, error: str, message: str, line_no: int | None = None) -> None:
        super().__init__(message)
        self.error = error
        self.line_no = line_no


@dataclass(frozen=True)
class Cell:
    text: str
    line_no: int
    continued_from_line: int | None = None


@dataclass(frozen=True)
class Row:
    row_no: int
    line_no: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    table_no: int
    title: str
    line_no: int
    section: str | None
    header: tuple[str, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Paragraph:
    line_no: int
    section: str | None
    text: str


@dataclass(frozen=True)
class ReferenceLine:
    ref_no: int
    line_no: int
    text: str


@dataclass(frozen=True)
class ParseIssue:
    line_no: int
    error: str
    message: str


@dataclass
class ParsedGuide:
    format: str
    title: str | None = None
    author: str | None = None
    date_text: str | None = None
    compound: str | None = None
    catalog_no: str | None = None
    publisher: str | None = None
    cite_url: str | None = None
    tables: list[Table] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    references: list[ReferenceLine] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)


def decode(data: bytes) -> str:
    """Guides are UTF-8 (a BOM is tolerated); anything else is an unreadable source."""
    if b"\x00" in data[:4096]:
        raise GuideError("unreadable", "file holds NUL bytes: binary, not a text guide")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_no = data[: exc.start].count(b"\n") + 1
        raise GuideError(
            "unreadable", f"not valid UTF-8 at byte {exc.start}; re-save the file as UTF-8", line_no
        ) from exc


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
        table_title = _TABLE_TITLE.match(clean(line))
        if heading:
            section = clean(heading.group(2))
            in_references = section.lower() == "references"
            if guide.title is None and len(heading.group(1)) == 1:
                guide.title = section
        elif _RULE.match(line):
            in_references = False
        elif table_title:
            table, index = _read_table(lines, index, table_title, section, guide.issues)
            guide.tables.append(table)
            continue
        elif in_references:
            _read_reference_line(guide, line_no, line)
        else:
            _read_body_line(guide, line_no, line, section)
        index += 1
    if guide.title is None and not guide.tables:
        raise GuideError(
            "not_a_guide",
            "no '# title' heading and no 'Table N:' table found: not a comparative guide",
        )
    return guide


def _read_body_line(guide: ParsedGuide, line_no: int, line: str, section: str | None) -> None:
    stripped = line.strip()
    if not stripped:
        return
    author_date = _AUTHOR_DATE.search(stripped)
    field_match = _FIELD.match(stripped)
    if author_date and guide.author is None:
        guide.author = author_date.group("author").strip()
        guide.date_text = author_date.group("date").strip()
    elif field_match:
        name, value = field_match.group("name"), field_match.group("value")
        if name == "Compound Name":
            guide.compound = guide.compound or value
        else:
            guide.catalog_no = guide.catalog_no or value
    else:
        guide.paragraphs.append(Paragraph(line_no, section, stripped))


def _read_reference_line(guide: ParsedGuide, line_no: int, line: str) -> None:
    cite = _CITE_THIS.search(line)
    if cite:
        guide.publisher = cite.group("publisher").strip()
        guide.cite_url = cite.group("url")
        return
    reference = _REFERENCE.match(line)
    if reference:
        guide.references.append(
            ReferenceLine(int(reference.group("no")), line_no, reference.group("text"))
        )
    elif line.strip():
        guide.issues.append(
            ParseIssue(
                line_no,
                "reference_unnumbered",
                f"reference line has no number ('N. title'): {line.strip()[:80]!r}",
            )
        )


def _read_table(
    lines: list[str],
    index: int,
    title: re.Match[str],
    section: str | None,
    issues: list[ParseIssue],
) -> tuple[Table, int]:
    """Read 'Table N: title', the tab-separated header and rows up to the first blank line."""
    table_no, title_line = int(title.group(1)), index + 1
    index += 1
    while index < len(lines) and not lines[index].strip():
        index += 1
    header: tuple[str, ...] = ()
    rows: list[Row] = []
    if index < len(lines) and "\t" in lines[index]:
        header = tuple(cell.strip() for cell in lines[index].split("\t"))
        index += 1
    else:
        issues.append(
            ParseIssue(
                title_line,
                "table_shape",
                f"Table {table_no} has no tab-separated header line after its title",
            )
        )
    while header and index < len(lines) and "\t" in lines[index]:
        row_no, line_no = len(rows) + 1, index + 1
        cells = [Cell(text.strip(), line_no) for text in lines[index].split("\t")]
        row = _fit_row(cells, header, rows[-1] if rows else None, row_no, line_no, issues)
        if row is not None:
            rows.append(row)
        index += 1
    table = Table(table_no, title.group(2), title_line, section, header, tuple(rows))
    return table, index


def _fit_row(
    cells: list[Cell],
    header: tuple[str, ...],
    above: Row | None,
    row_no: int,
    line_no: int,
    issues: list[ParseIssue],
) -> Row | None:
    """Fit cells to the header.

    A row that ends in empty cells is the text rendering of merged cells: its leading cells
    continue the row above, so the filled cells shift right and the leading ones are carried down.
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
        inherited = tuple(
            Cell(cell.text, line_no, cell.continued_from_line or cell.line_no)
            for cell in above.cells[:carried]
        )
        return Row(row_no, line_no, inherited + tuple(filled))
    padding = tuple(Cell("", line_no) for _ in range(carried))
    return Row(row_no, line_no, tuple(filled) + padding)
