"""What a parsed guide is, whatever its rendering: lossless strings, tables (read.tables' one
model) with line numbers, references.

Nothing here knows what a cell means; that is normalize's job. The readers of the text and the
HTML rendering both fill a ParsedGuide through the line readers below, so a metadata line or a
reference line means the same thing in either rendering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from pipelines.read.errors import FileError, ParseIssue
from pipelines.read.tables.model import Table
from pipelines.read.text import MARKER

_AUTHOR_DATE = re.compile(
    r"(?:\*\*)?Author:(?:\*\*)?\s*(?P<author>.+?)\.?\s*(?:\*\*)?Date:(?:\*\*)?\s*(?P<date>.+?)\s*$"
)
# A paragraph's last line that ends a sentence (markers and closing brackets aside), and a line
# that starts a list item: neither joins a wrapped paragraph.
_SENTENCE_END = re.compile(
    r"[.!?:][\"'\u2019\u201d)\]*_]*(?:\s*\[\d+(?:\s*[,\u2013-]\s*\d+)*\])*\s*$"
)
_LIST_ITEM = re.compile(r"^(?:[-*\u2022\u00b7]\s|\d+[.)]\s)")
_FIELD = re.compile(r"^(?P<name>Compound Name|Cat\. No\.)\s*:\s*(?P<value>.+?)\s*$")
# 'N. Title …' or '[N] Author. Title …', in a list or not.
_REFERENCE = re.compile(r"^\s*[-*]?\s*(?:(?P<no>\d+)\.|\[(?P<bracketed>\d+)\])\s+(?P<text>.+?)\s*$")
# Words a wrapped 'To cite this document' line gathers before it is given up on (three lines).
_CITE_WORDS = 60
_CITE_THIS = re.compile(
    r"To cite this document:\s*(?P<publisher>[^.\[]+?)\s*\..*?Available at:\s*\[?(?P<url>https?://[^\]\s]+)"
)
# A caption: 'Table 2: Title', 'Table 2. Title', 'Table 2 - Title' (any dash), 'Table 2' alone,
# 'Table 2 (continued)'; also 'Summary of findings 1. …' and a review's 'Comparison 5. …'.
# A journal's 'Table 2 Title' with no mark after the number needs its title capitalised.
CAPTION = re.compile(
    r"^\s*(?:Table|Summary\s+of\s+findings(?:\s+table)?|Comparison)\s+(?P<number>\d+)"
    r"(?P<continued>\s*\(continued\))?\s*(?:(?:[:.\u2013\u2014]|\s-)\s*(?P<title>.*\S)"
    r"|(?<=\s)(?P<bare>(?-i:[A-Z]).{0,160}[^.\s]))?\s*[:.]?\s*$",
    re.IGNORECASE,
)


def caption_title(caption: re.Match[str]) -> str:
    """The title a CAPTION match prints, '' for none."""
    return caption.group("title") or caption.group("bare") or ""


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
    # A 'To cite this document' line waiting for the rest of it on the next lines.
    citing: str | None = None
    last_body_line: int = 0

    def read_body_line(
        self, line_no: int, text: str, section: str | None, *, wraps: bool = False
    ) -> None:
        """A line of prose: the author/date line, a 'Name: value' field, or a paragraph.
        `wraps`: the text's lines may be a paragraph wrapped (a PDF's text): a line right under
        a paragraph's last line that ended mid-sentence continues it, unless it starts a list
        item."""
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
        elif wraps and self._continues(line_no, stripped, section):
            last = self.paragraphs[-1]
            self.paragraphs[-1] = replace(last, text=f"{last.text} {stripped}")
            self.last_body_line = line_no
        else:
            self.paragraphs.append(Paragraph(line_no, section, stripped))
            self.last_body_line = line_no

    def _continues(self, line_no: int, text: str, section: str | None) -> bool:
        if not self.paragraphs or self.last_body_line != line_no - 1:
            return False
        last = self.paragraphs[-1]
        return (
            last.section == section
            and not _SENTENCE_END.search(last.text)
            and not _LIST_ITEM.match(text)
        )

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
                ReferenceLine(
                    int(reference.group("no") or reference.group("bracketed")),
                    line_no,
                    reference.group("text"),
                )
            )
        elif ref_no is not None and text.strip():
            self.references.append(ReferenceLine(ref_no, line_no, text.strip()))
        elif text[:1] in (" ", "\t") and text.strip() and self.references and not listed:
            last = self.references[-1]  # an indented line under a reference runs it on
            self.references[-1] = replace(last, text=f"{last.text} {text.strip()}")
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
        """The 'To cite this document: Publisher. … Available at: [url]' line names the publisher;
        wrapped (a PDF's text), it runs on over the next lines until its URL, at most three."""
        if self.citing is not None:
            text = f"{self.citing} {text.strip()}"
        elif "To cite this document" not in text:
            return False
        cite = _CITE_THIS.search(text)
        if cite:
            self.publisher = cite.group("publisher").strip()
            self.cite_url = cite.group("url")
            self.citing = None
            return True
        self.citing = text if text.count(" ") < _CITE_WORDS else None
        return self.citing is not None

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
            repeated = sorted(
                {name for name in table.header if name and table.header.count(name) > 1}
            )
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
