"""The text rendering of a guide (Markdown-like, or a PDF's text) → ParsedGuide.

The lines are read in order: headings, captions and the tables under them, tables that need no
caption, the reference list, and prose. A table is claimed by the first reader whose shape its
first line shows (read.tables: grid, delimited, aligned, cards) and assembled the same way
whatever the reader. Around the tables, the rules, one line each:

- Page furniture of a PDF's text ('Page 2 of 4', the lines beside it that repeat on other pages
  and hardly anywhere else, and the lines between it and a table's header printed again) is
  left out with the blank lines around it, so a table broken by a page reads whole.
- Ligatures (ﬁ, ﬂ, ﬀ …) are read as their letters.
- A caption may run on over the lines below it up to a blank line or the table.
- `Label: value` lines between a caption and its table (a summary of findings' population,
  setting, intervention and comparison) are the table's notes, as are footnote lines under it.
- A caption 'Table N (continued)' adds its rows to table N; a caption under an uncaptioned table
  (pandoc's ': Caption', 'Table: Caption') is its caption.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import replace

from pipelines.read.errors import ParseIssue
from pipelines.read.parsed_guide import CAPTION, ParsedGuide, caption_title
from pipelines.read.tables import aligned, cards, delimited, grid, spaced
from pipelines.read.tables.assemble import assemble
from pipelines.read.tables.lines import GAP, Lines, document_words, is_blank
from pipelines.read.tables.model import Caption, Grid, Table
from pipelines.read.text import clean, without_ligatures

GUIDE_TEXT = "guide-text"

_HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")
_RULE = re.compile(r"^\s*(-{3,}|\*{3,})\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s|^\s*\d+\.\s")
# A references heading printed without '#' (a PDF's text): the word alone on its line.
_BARE_REFERENCES = re.compile(r"^()\s*(References|Bibliography)\s*:?\s*$", re.IGNORECASE)
# How far above a page's number a table's header may be printed, and how many lines of running
# title may stand between the page's number and that header printed again.
_HEADER_REACH = 80
_FURNITURE_LINES = 3
# A page's number as a PDF's footer or header prints it: 'Page 2 of 4' ending a line, or alone.
_PAGE = re.compile(
    r"\bPage[ \t]+\d+[ \t]+of[ \t]+\d+[ \t]*$|^[ \t]*Page[ \t]+\d+[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_FORM_FEED = re.compile("\n?\x0c")
# What a line must hold to start an uncaptioned table of any shape (a quick test before each
# reader's own): a border, a bar, a tab, a label's colon, or dashes.
_MAYBE_TABLE = re.compile(r"[+|\t:]|--")
_AFTER_CAPTION = re.compile(r"^\s*(?::|Table:)\s*(?P<caption>\S.*?)\s*$")
_NOTE = re.compile(
    r"^\s*(?:[*\u2020\u2021\u00a7]|Notes?\b|Abbreviations?\b|Footnotes?\b|[A-Z][A-Za-z-]{0,7}: [^:]+(?:; [A-Z][A-Za-z-]{0,7}: [^:;]+)+$)"
)


def parse_guide_text(text: str) -> ParsedGuide:
    """Split the text rendering of a guide into its parts, keeping every line number."""
    text = _FORM_FEED.sub("\n", without_ligatures(text))  # a page break, not a line of its own
    lines = (
        _without_page_furniture(text.splitlines())
        if _PAGE.search(text)
        else list(enumerate(text.splitlines(), 1))
    )
    guide = ParsedGuide(format=GUIDE_TEXT)
    reader = _Reader(guide, lines)
    reader.read()
    guide.finish()
    return guide


class _Reader:
    def __init__(self, guide: ParsedGuide, lines: Lines) -> None:
        self.guide = guide
        self.lines = lines
        self.section: str | None = None
        self.in_references = False
        self.words = functools.cache(lambda: document_words(lines))

    def read(self) -> None:
        index = 0
        while index < len(self.lines):
            index = self.step(index)

    def step(self, index: int) -> int:
        """Read what starts at `index`; the index of what comes next."""
        line_no, line = self.lines[index]
        heading = _HEADING.match(line) or _BARE_REFERENCES.match(line)
        caption = CAPTION.match(clean(line))
        if heading:
            self.section = clean(heading.group(2))
            self.in_references = self.section.lower() == "references"
            if self.guide.title is None and len(heading.group(1)) == 1:
                self.guide.title = self.section
        elif caption:
            return self.captioned(index, caption)
        elif (claimed := self.untitled(index)) is not None:
            return claimed
        elif _RULE.match(line):
            self.in_references = False
        elif self.in_references and self.guide.read_reference_line(
            line_no, line, listed=bool(_BULLET.match(line))
        ):
            pass
        else:
            self.in_references = False
            self.guide.read_body_line(line_no, line, self.section, wraps=True)
        return index + 1

    def captioned(self, index: int, caption: re.Match[str]) -> int:
        """A caption, the lines it runs on to, notes before the table, and the table."""
        line_no = self.lines[index][0]
        title, index = self.caption_text(caption_title(caption), index + 1)
        index = self.skip_blank(index)
        notes, index = self.notes_before(index)
        number = int(caption.group("number"))
        found = self.table_at(index)
        if found is None:
            self.guide.issues.append(
                ParseIssue(
                    line_no,
                    "table_shape",
                    f"Table {number} has no table after its caption (tab-separated, pipe, grid, space-aligned lines or cards)",
                )
            )
            self.guide.tables.append(
                Table(number, title, line_no, self.section, (), (), True, (), tuple(notes))
            )
            return index
        table_grid, end = found
        table = self.assemble(table_grid, Caption(number, title, line_no), index, end)
        if caption.group("continued") and self.continue_table(number, table):
            return self.notes_after(end)
        if not any(table.header) and table.header_rows:  # an unlabelled header line: a note
            notes.append(self.lines[index][1].strip())
        self.guide.tables.append(replace(table, notes=tuple(notes)))
        return self.notes_after(end)

    def untitled(self, index: int) -> int | None:
        """A table no caption announces, when its first lines show its shape; None otherwise."""
        below = self.below(index) or ""
        if not (_MAYBE_TABLE.search(self.lines[index][1]) or "--" in below) or not (
            grid.starts(self.lines, index)
            or delimited.starts(self.lines, index)
            or aligned.starts(self.lines, index)
            or cards.starts(self.lines, index)
        ):
            return None
        found = self.table_at(index)
        assert found is not None
        table_grid, end = found
        line_no = self.lines[index][0]
        after = self.skip_blank(end)
        below = _AFTER_CAPTION.match(self.lines[after][1]) if after < len(self.lines) else None
        caption = CAPTION.match(below.group("caption")) if below else None
        if caption:
            number = int(caption.group("number"))
            title = caption_title(caption)
            table = self.assemble(table_grid, Caption(number, title, line_no), index, end)
            end = after + 1
        else:
            title = below.group("caption") if below else ""
            table = self.assemble(table_grid, Caption(None, title, line_no), index, end)
            table = replace(table, numbered=False)
            end = after + 1 if below else end
        self.guide.tables.append(table)
        return self.notes_after(end)

    def table_at(self, index: int) -> tuple[Grid, int] | None:
        """The table whose first line is at `index`, read by the reader its shape calls for."""
        if index >= len(self.lines) or is_blank(self.lines[index][1]):
            return None
        line = self.lines[index][1]
        if grid.starts(self.lines, index):
            return grid.read(self.lines, index)
        if delimited.rendering(line, self.below(index)):
            return delimited.read(self.lines, index, self.stops)
        if cards.card_at(self.lines, index) is not None:
            return cards.read(self.lines, index)
        if aligned.starts(self.lines, index) or len(GAP.split(line.strip())) >= 2:
            return aligned.read(self.lines, index, self.stops, self.words)
        return spaced.read(self.lines, index)

    def assemble(self, table_grid: Grid, caption: Caption, start: int, end: int) -> Table:
        """The table of the lines from `start` up to `end`."""
        table = assemble(
            table_grid, caption, len(self.guide.tables) + 1, self.section, self.guide.issues
        )
        return replace(table, span=(self.lines[start][0], self.lines[end - 1][0]))

    def continue_table(self, number: int, table: Table) -> bool:
        """Add the rows of 'Table N (continued)' to table N, numbered on."""
        for position, earlier in enumerate(self.guide.tables):
            if earlier.table_no == number and earlier.numbered:
                rows = tuple(
                    replace(row, row_no=len(earlier.rows) + offset)
                    for offset, row in enumerate(table.rows, 1)
                )
                span = (earlier.span[0], table.span[1])
                self.guide.tables[position] = replace(earlier, rows=earlier.rows + rows, span=span)
                return True
        return False

    def caption_text(self, title: str, index: int) -> tuple[str, int]:
        """A caption running on over the lines below it, up to a blank line or a table line."""
        while (
            index < len(self.lines)
            and not is_blank(self.lines[index][1])
            and self.table_at(index) is None
            and not self.stops(self.lines[index][1])
        ):
            title = f"{title} {self.lines[index][1].strip()}".strip()
            index += 1
        return title, index

    def notes_before(self, index: int) -> tuple[list[str], int]:
        """`Label: value` lines that stand between a caption and its table (one card, not a
        table of cards)."""
        card = cards.card_at(self.lines, index)
        if card is None or cards.starts(self.lines, index):
            return [], index
        after = self.skip_blank(card[1])
        if self.table_at(after) is None:
            return [], index
        fields, _ = card
        return [f"{label}: {value}" for label, _, value in fields], after

    def notes_after(self, index: int) -> int:
        """Footnote lines under the table (after at most one blank line) join its notes."""
        start = index + 1 if index < len(self.lines) and is_blank(self.lines[index][1]) else index
        end = start
        while end < len(self.lines) and _NOTE.match(self.lines[end][1]):
            end += 1
        if end == start or not self.guide.tables:
            return index
        notes = tuple(text.strip() for _, text in self.lines[start:end])
        table = self.guide.tables[-1]
        self.guide.tables[-1] = replace(table, notes=table.notes + notes)
        return end

    def skip_blank(self, index: int) -> int:
        while index < len(self.lines) and is_blank(self.lines[index][1]):
            index += 1
        return index

    def below(self, index: int) -> str | None:
        return self.lines[index + 1][1] if index + 1 < len(self.lines) else None

    @staticmethod
    def stops(line: str) -> bool:
        """A line that ends a table of any shape: a heading or the next caption."""
        return bool(_HEADING.match(line) or CAPTION.match(clean(line)))


def _without_page_furniture(raw: list[str]) -> Lines:
    """The lines, numbered, without a PDF's page furniture: a line ending 'Page N of M' (or only
    'Page N') and the nearest line above and below it that also stands next to another page's
    number (a running title). The blank lines around the furniture become one, or none when
    there were none (a page broken inside a table)."""
    pages = [i for i, line in enumerate(raw) if len(line) < 300 and _PAGE.search(line)]
    if not pages:
        return list(enumerate(raw, 1))
    neighbours = {page: [_nearest(raw, page, step) for step in (-1, 1)] for page in pages}
    seen = Counter(raw[i].strip() for found in neighbours.values() for i in found if i is not None)
    anywhere = Counter(line.strip() for line in raw if line.strip() in seen)
    furniture = {
        i
        for page, found in neighbours.items()
        for i in [page, *found]
        if i is not None and (i == page or _running(raw[i].strip(), seen, anywhere))
    }
    for page in pages:
        furniture.update(_before_repeated_header(raw, page))
    kept: list[tuple[int, str]] = []
    index = 0
    while index < len(raw):
        if index not in furniture and (raw[index].strip() or not _touches(raw, index, furniture)):
            kept.append((index + 1, raw[index]))
            index += 1
            continue
        end = index
        while end < len(raw) and (end in furniture or not raw[end].strip()):
            end += 1
        if any(not raw[i].strip() for i in range(index, end)):
            kept.append((index + 1, ""))  # blank lines around the furniture: one is kept
        index = max(end, index + 1)
    return kept


def _before_repeated_header(raw: list[str], page: int) -> range:
    """The lines after a page's number and before a line the page above printed (a table's
    header printed again where the table goes on): that page's running title."""
    above = {line.strip() for line in raw[max(0, page - _HEADER_REACH) : page] if line.strip()}
    for ahead in range(page + 1, min(page + 1 + _FURNITURE_LINES, len(raw))):
        if raw[ahead].strip() in above:
            return range(page + 1, ahead)
    return range(0)


def _running(line: str, seen: Counter[str], anywhere: Counter[str]) -> bool:
    """A running title or footer: beside the numbers of two pages or more, and elsewhere at most
    once (the title on the first page); a table's line that happens to stand beside two page
    numbers ('Random, 95% CI)') stands in many other places too."""
    return seen[line] > 1 and anywhere[line] - seen[line] <= 1


def _nearest(raw: list[str], index: int, step: int) -> int | None:
    """The nearest non-blank line from `index` in direction `step`, within two lines."""
    for distance in (1, 2, 3):
        near = index + step * distance
        if 0 <= near < len(raw) and raw[near].strip():
            return near
    return None


def _touches(raw: list[str], index: int, furniture: set[int]) -> bool:
    """A blank line in a run of blank lines that reaches page furniture."""
    for step in (-1, 1):
        near = index + step
        while 0 <= near < len(raw) and not raw[near].strip():
            near += step
        if near in furniture:
            return True
    return False
