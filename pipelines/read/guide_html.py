"""The HTML a product page serves for a guide → ParsedGuide, with a real HTML parser (lxml).

Site chrome (navigation, banners, asides, footers, forms, scripts, styles, JSON-LD) is removed
before reading; citation markers written as links or superscripts become '[n]' so that the rest
of the pipeline sees them exactly as in the text rendering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree, html

from pipelines.read.errors import FileError, ParseIssue
from pipelines.read.parsed_guide import (
    TABLE_TITLE,
    Cell,
    ParsedGuide,
    Row,
    Table,
    continue_leading,
    is_group_row,
    looks_like_data,
)
from pipelines.read.text import clean

GUIDE_HTML = "guide-html"

_CHROME_TAGS = (
    "head", "script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
    "canvas", "nav", "aside", "footer", "form", "button", "select", "textarea", "dialog",
)  # fmt: skip
_CHROME_ROLES = ("navigation", "banner", "contentinfo", "complementary", "search", "dialog")
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCKS = {
    *_HEADINGS, "p", "div", "section", "article", "main", "header", "li", "ul", "ol", "dl",
    "dt", "dd", "blockquote", "pre", "figure", "figcaption", "address", "table", "hr",
}  # fmt: skip
_NUMBERS = r"\d+(?:\s*[,\u2013-]\s*\d+)*"
_LINK_MARKER = re.compile(rf"^\s*\[?\s*({_NUMBERS})\s*\]?\s*$")
_BRACKETED = re.compile(rf"^\s*(?:\[\s*{_NUMBERS}\s*\]\s*)+$")
_MAX_SPAN = 1000


def parse_guide_html(text: str) -> ParsedGuide:
    """Walk the page's content in document order, as the text reader walks lines."""
    parser = html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise FileError("unreadable", f"cannot be parsed as HTML: {exc}") from exc
    _remove_chrome(root)
    _mark_citations(root)
    reader = _Reader(ParsedGuide(format=GUIDE_HTML))
    for error in parser.error_log.filter_from_fatals():
        message = f"the page could not be read past this point ({error.message.strip()}); what came before was read"
        reader.guide.issues.append(ParseIssue(error.line, "markup", message))
    reader.visit(_content(root))
    reader.flush_title()
    reader.guide.finish()
    return reader.guide


def _remove_chrome(root: html.HtmlElement) -> None:
    chrome = [
        element
        for element in root.iter()
        if not isinstance(element.tag, str)
        or element.tag in _CHROME_TAGS
        or element.get("role") in _CHROME_ROLES
        or element.get("hidden") is not None
        or element.get("aria-hidden") == "true"
        or (element.tag == "header" and not _inside(element, ("main", "article")))
    ]
    for element in chrome:
        if element.getparent() is not None:
            element.drop_tree()


def _inside(element: html.HtmlElement, tags: tuple[str, ...]) -> bool:
    return any(ancestor.tag in tags for ancestor in element.iterancestors())


def _mark_citations(root: html.HtmlElement) -> None:
    """Links whose text is a reference number, and bracketed superscripts, become '[n]' text.

    Bare superscript digits stay text: 'cm<sup>2</sup>' is not a citation, and guessing one would
    link a claim to the wrong reference.
    """
    for br in list(root.iter("br")):
        _replace_with_text(br, "\n")
    for link in list(root.iter("a")):
        marker = _LINK_MARKER.match(link.text_content())
        if marker:
            _replace_with_text(link, f"[{marker.group(1)}]")
    for sup in list(root.iter("sup")):
        if _BRACKETED.match(sup.text_content()):
            _replace_with_text(sup, sup.text_content().strip())


def _replace_with_text(element: html.HtmlElement, text: str) -> None:
    parent, previous = element.getparent(), element.getprevious()
    if parent is None:
        return
    text += element.tail or ""
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(element)


def _content(root: html.HtmlElement) -> html.HtmlElement:
    """The page's main content when it marks one, else its body."""
    for tag in ("main", "article"):
        found = root.find(f".//{tag}")
        if found is not None:
            return found
    body = root.find(".//body")
    return body if body is not None else root


def _text(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


@dataclass
class _Reader:
    guide: ParsedGuide
    section: str | None = None
    in_references: bool = False
    pending_title: tuple[int, str] | None = None
    run: list[str] = field(default_factory=list)
    run_line: int = 0

    def visit(self, element: html.HtmlElement) -> None:
        tag = element.tag
        if tag in _HEADINGS:
            self.heading(_HEADINGS[tag], _text(element))
        elif tag == "hr":
            self.flush_title()
            self.in_references = False
        elif tag == "table":
            self.table(element)
        elif tag in ("ol", "ul") and self.in_references:
            self.reference_list(element)
        elif any(child.tag in _BLOCKS for child in element):
            self.mixed(element)
        else:
            self.line(element.sourceline or 1, _text(element))

    def mixed(self, element: html.HtmlElement) -> None:
        """Inline text between block children reads as lines of its own."""
        self.start_run(element.sourceline or 1, element.text)
        for child in element:
            if child.tag in _BLOCKS:
                self.end_run()
                self.visit(child)
                self.start_run(child.sourceline or 1, child.tail)
            else:
                self.run += [child.text_content(), child.tail or ""]
        self.end_run()

    def start_run(self, line_no: int, text: str | None) -> None:
        self.run, self.run_line = [text or ""], line_no

    def end_run(self) -> None:
        text = " ".join("".join(self.run).split())
        self.run = []
        if text:
            self.line(self.run_line, text)

    def heading(self, level: int, text: str) -> None:
        self.flush_title()
        self.section = clean(text)
        self.in_references = self.section.lower() == "references"
        if self.guide.title is None and level == 1:
            self.guide.title = self.section

    def line(self, line_no: int, text: str) -> None:
        self.flush_title()
        if not text:
            return
        if TABLE_TITLE.match(clean(text)):
            self.pending_title = (line_no, text)
        elif self.in_references and self.guide.read_reference_line(line_no, text, listed=False):
            pass
        else:
            self.in_references = False
            self.guide.read_body_line(line_no, text, self.section)

    def flush_title(self) -> None:
        """A 'Table N:' line not followed by a table is ordinary text after all."""
        if self.pending_title is not None:
            line_no, text = self.pending_title
            self.pending_title = None
            self.guide.read_body_line(line_no, text, self.section)

    def reference_list(self, element: html.HtmlElement) -> None:
        self.flush_title()
        number = int(element.get("start", "1")) if element.get("start", "1").isdigit() else 1
        for item in element.iterchildren("li"):
            value = item.get("value", "")
            number = int(value) if value.isdigit() else number
            ref_no = number if element.tag == "ol" else None
            self.guide.read_reference_line(item.sourceline or 1, _text(item), ref_no)
            number += 1

    def table(self, element: html.HtmlElement) -> None:
        caption = element.find("caption")
        title_line, title_text = self.pending_title or (element.sourceline or 1, "")
        self.pending_title = None
        if caption is not None:
            title_line, title_text = caption.sourceline or title_line, _text(caption)
        numbered = TABLE_TITLE.match(clean(title_text))
        table_no = int(numbered.group(1)) if numbered else len(self.guide.tables) + 1
        title = (numbered.group(2) or "") if numbered else title_text
        header, body = _header_and_body(element)
        rows: list[Row] = []
        group: str | None = None
        for line_no, cells in _grid(body):
            if not any(cell.text for cell in cells):
                continue
            if _spans_row(cells, header):
                group = cells[0].text
                continue
            if len(cells) > len(header):
                self.guide.issues.append(
                    ParseIssue(
                        line_no,
                        "table_shape",
                        f"row has {len(cells)} cells but the header has {len(header)} columns",
                    )
                )
                continue
            if len(cells) < len(header):
                self.guide.issues.append(
                    ParseIssue(
                        line_no,
                        "table_shape",
                        f"row has {len(cells)} cells but the header has {len(header)} columns; the missing cells are read as empty",
                    )
                )
            padding = tuple(Cell("", line_no) for _ in range(len(header) - len(cells)))
            row = Row(len(rows) + 1, line_no, tuple(cells) + padding, group)
            rows.append(continue_leading(row, rows[-1] if rows else None))
        if not header:
            self.guide.issues.append(
                ParseIssue(title_line, "table_shape", f"Table {table_no} has no rows at all")
            )
        self.guide.tables.append(
            Table(table_no, title, title_line, self.section, header, tuple(rows), bool(numbered))
        )


def _spans_row(cells: list[Cell], header: tuple[str, ...]) -> bool:
    """A full-width row: one cell spanning every column (colspan), or the only filled one."""
    spanning = len(cells) >= 2 and all(cell is cells[0] for cell in cells)
    return spanning or is_group_row([cell.text for cell in cells], header)


def _header_and_body(table: html.HtmlElement) -> tuple[tuple[str, ...], list[html.HtmlElement]]:
    """The header is the first row of <thead>, else the first row (as the text rendering's first
    line is): pages often write headers as bold <td> cells. A first row that reads as data is no
    header: the table was printed without one."""
    rows = [row for row in table.iter("tr") if _own_table(row) is table]
    head = [row for row in rows if row.getparent().tag == "thead"]
    first = head[0] if head else (rows[0] if rows else None)
    if first is None:
        return (), []
    header = tuple(cell.text for _, cells in _grid([first]) for cell in cells)
    if not head and looks_like_data(header):
        return tuple("" for _ in header), rows
    return header, [row for row in rows if row is not first and row not in head]


def _own_table(row: html.HtmlElement) -> html.HtmlElement | None:
    return next(row.iterancestors("table"), None)


def _cells(row: html.HtmlElement) -> list[html.HtmlElement]:
    return [cell for cell in row if cell.tag in ("td", "th")]


def _span(cell: html.HtmlElement, name: str) -> int:
    value = cell.get(name, "1").strip()
    return min(max(int(value), 1), _MAX_SPAN) if value.isdigit() else 1


def _grid(rows: list[html.HtmlElement]) -> list[tuple[int, list[Cell]]]:
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
            if column in carried:
                cell, remaining = carried.pop(column)
                if remaining > 1:
                    carried[column] = (cell, remaining - 1)
                origin = cell.continued_from_line or cell.line_no
                cells.append(Cell(cell.text, line_no, origin))
                continue
            element = next(written, None)
            if element is None:
                if any(column < later for later in carried):
                    cells.append(Cell("", line_no))
                    continue
                break
            cell = Cell(_text(element), element.sourceline or line_no)
            rowspan = _span(element, "rowspan")
            for offset in range(_span(element, "colspan")):
                cells.append(cell)
                if rowspan > 1:
                    carried[column + offset] = (cell, rowspan - 1)
        grid.append((line_no, cells))
    return grid
