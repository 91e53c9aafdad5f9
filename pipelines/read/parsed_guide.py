"""What a parsed guide is, whatever its rendering: lossless strings, tables with line numbers, references.

Nothing here knows what a cell means; that is normalize's job. The readers of the text and the
HTML rendering both fill a ParsedGuide through the line readers below, so a metadata line or a
reference line means the same thing in either rendering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from pipelines.read.errors import FileError, ParseIssue
from pipelines.read.text import MARKER

_AUTHOR_DATE = re.compile(
    r"(?:\*\*)?Author:(?:\*\*)?\s*(?P<author>.+?)\.?\s*(?:\*\*)?Date:(?:\*\*)?\s*(?P<date>.+?)\s*$"
)
_FIELD = re.compile(r"^(?P<name>Compound Name|Cat\. No\.)\s*:\s*(?P<value>.+?)\s*$")
_REFERENCE = re.compile(r"^\s*[-*]?\s*(?P<no>\d+)\.\s+(?P<text>.+?)\s*$")
_CITE_THIS = re.compile(
    r"To cite this document:\s*(?P<publisher>[^.\[]+?)\s*\..*?Available at:\s*\[?(?P<url>https?://[^\]\s]+)"
)
_MARKER_OR_PERCENT = re.compile(r"\[\d+\]|\d\s*%")
_SENTENCE_WORDS = 8
# 'Table 2: Title', 'Table 2. Title', 'Table 2 - Title' (any dash), or 'Table 2' alone.
TABLE_TITLE = re.compile(
    r"^\s*Table\s+(\d+)\s*(?:(?:[:.\u2013\u2014]|\s-)\s*(.*\S))?\s*[:.]?\s*$", re.IGNORECASE
)


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


def is_group_row(cells: list[str], header: tuple[str, ...]) -> bool:
    """A row with only its first cell filled, in a table of three columns or more, names the
    group of the rows below it (an outcome spanning them)."""
    return len(header) >= 3 and bool(cells and cells[0]) and not any(cells[1:])


def header_and_body(
    rows: list[tuple[str, ...]],
) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The first row is the header unless it reads as data (a table printed without one): then
    the header is empty labels and every row is a body row."""
    if not rows:
        return (), []
    if looks_like_data(rows[0]):
        return tuple("" for _ in rows[0]), rows
    return rows[0], rows[1:]


def looks_like_data(cells: tuple[str, ...]) -> bool:
    """Header labels are short words: a cell with a citation marker, a percentage or a sentence of
    eight words or more is a body cell."""
    return any(
        _MARKER_OR_PERCENT.search(cell) or len(cell.split()) >= _SENTENCE_WORDS for cell in cells
    )


@dataclass(frozen=True)
class Table:
    """`numbered`: the page prints 'Table N'; an unnumbered table is numbered by its position."""

    table_no: int
    title: str
    line_no: int
    section: str | None
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    numbered: bool = True


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

    def read_body_line(self, line_no: int, text: str, section: str | None) -> None:
        """A line of prose: the author/date line, a 'Name: value' field, or a paragraph."""
        stripped = text.strip()
        if not stripped or self.read_cite_line(stripped):
            return
        author_date = _AUTHOR_DATE.search(stripped)
        field_match = _FIELD.match(stripped)
        if author_date and self.author is None:
            self.author = author_date.group("author").strip()
            self.date_text = author_date.group("date").strip()
        elif field_match:
            name, value = field_match.group("name"), field_match.group("value")
            if name == "Compound Name":
                self.compound = self.compound or value
            else:
                self.catalog_no = self.catalog_no or value
        else:
            self.paragraphs.append(Paragraph(line_no, section, stripped))

    def read_reference_line(
        self, line_no: int, text: str, ref_no: int | None = None, *, listed: bool = True
    ) -> bool:
        """A line of the reference section: 'N. title', the 'To cite this document' line, or an
        unnumbered line (an issue). `ref_no` is the number a list gives when the text has none.

        False when the line is not part of the list at all: once references were read, a line
        that is neither numbered nor a list item (a disclaimer's paragraph) ends the section."""
        if self.read_cite_line(text):
            return True
        reference = _REFERENCE.match(text)
        if reference:
            self.references.append(
                ReferenceLine(int(reference.group("no")), line_no, reference.group("text"))
            )
        elif ref_no is not None and text.strip():
            self.references.append(ReferenceLine(ref_no, line_no, text.strip()))
        elif text.strip() and not listed and self.references:
            return False
        elif text.strip():
            self.issues.append(
                ParseIssue(
                    line_no,
                    "reference_unnumbered",
                    f"reference line has no number ('N. title'): {text.strip()[:80]!r}",
                )
            )
        return True

    def read_cite_line(self, text: str) -> bool:
        """The 'To cite this document: Publisher. … Available at: [url]' line names the publisher."""
        cite = _CITE_THIS.search(text)
        if cite:
            self.publisher = cite.group("publisher").strip()
            self.cite_url = cite.group("url")
        return cite is not None

    def finish(self) -> None:
        """Whole-document checks: it must look like a guide; odd tables are reported, kept."""
        cites = any(MARKER.search(paragraph.text) for paragraph in self.paragraphs)
        if not (self.tables or self.references or cites):
            raise FileError(
                "not_a_guide",
                "no table, reference list or citation found: not a comparative guide (an error "
                "or sign-in page, or an emptied file?)",
            )
        first_line: dict[int, int] = {}
        for table in self.tables:
            if table.numbered and table.table_no in first_line:
                self.issues.append(
                    ParseIssue(
                        table.line_no,
                        "table_number",
                        f"Table {table.table_no} also appears at line {first_line[table.table_no]}; both are kept, told apart by their position",
                    )
                )
            if table.numbered:
                first_line.setdefault(table.table_no, table.line_no)
            repeated = sorted({name for name in table.header if table.header.count(name) > 1})
            if repeated:
                self.issues.append(
                    ParseIssue(
                        table.line_no,
                        "table_header",
                        f"Table {table.table_no} repeats the column(s) {repeated}; the first of each is read",
                    )
                )
            if table.header and not table.rows:
                self.issues.append(
                    ParseIssue(
                        table.line_no,
                        "table_empty",
                        f"Table {table.table_no} has a header but no rows; nothing was read from it",
                    )
                )
