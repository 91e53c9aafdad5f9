"""The HTML a product page serves for a guide → ParsedGuide, with a real HTML parser (lxml).

Site chrome (navigation, banners, asides, footers, forms, scripts, styles, JSON-LD) is removed
before reading; citation markers written as links or superscripts become '[n]' so that the rest
of the pipeline sees them exactly as in the text rendering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from lxml import etree, html

from pipelines.read.errors import FileError, ParseIssue
from pipelines.read.parsed_guide import CAPTION, ParsedGuide, caption_title
from pipelines.read.tables.assemble import assemble
from pipelines.read.tables.cards import labelled
from pipelines.read.tables.html import read as read_table
from pipelines.read.tables.html import text_of
from pipelines.read.tables.model import Caption
from pipelines.read.text import clean, without_ligatures

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


def parse_guide_html(text: str) -> ParsedGuide:
    """Walk the page's content in document order, as the text reader walks lines."""
    parser = html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = html.document_fromstring(without_ligatures(text), parser=parser)
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


@dataclass
class _Reader:
    guide: ParsedGuide
    section: str | None = None
    in_references: bool = False
    pending_title: tuple[int, str] | None = None
    pending_notes: list[tuple[int, str]] = field(default_factory=list)
    run: list[str] = field(default_factory=list)
    run_line: int = 0

    def visit(self, element: html.HtmlElement) -> None:
        tag = element.tag
        if tag in _HEADINGS:
            self.heading(_HEADINGS[tag], text_of(element))
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
            self.line(element.sourceline or 1, text_of(element))

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
        if not text:
            return
        if labelled(text) and not self.in_references and not CAPTION.match(clean(text)):
            # A caption's population, setting …, or those of a table captioned under it.
            self.pending_notes.append((line_no, text))
            return
        self.flush_title()
        if CAPTION.match(clean(text)):
            self.pending_title = (line_no, text)
        elif self.in_references and self.guide.read_reference_line(line_no, text, listed=False):
            pass
        else:
            self.in_references = False
            self.guide.read_body_line(line_no, text, self.section)

    def flush_title(self) -> None:
        """A 'Table N:' line, or `Label: value` lines, not followed by a table are ordinary
        text after all."""
        title = [self.pending_title] if self.pending_title is not None else []
        self.pending_title = None
        for note_line, note in [*title, *self.pending_notes]:
            self.guide.read_body_line(note_line, note, self.section)
        self.pending_notes = []

    def reference_list(self, element: html.HtmlElement) -> None:
        self.flush_title()
        number = int(element.get("start", "1")) if element.get("start", "1").isdigit() else 1
        for item in element.iterchildren("li"):
            value = item.get("value", "")
            number = int(value) if value.isdigit() else number
            ref_no = number if element.tag == "ol" else None
            self.guide.read_reference_line(item.sourceline or 1, text_of(item), ref_no)
            number += 1

    def table(self, element: html.HtmlElement) -> None:
        """A table, captioned by its <caption>, its <figure>'s <figcaption>, or the caption
        line just before it."""
        caption = element.find("caption")
        figure = element.getparent()
        if caption is None and figure is not None and figure.tag == "figure":
            caption = figure.find("figcaption")
            if caption is not None and self.pending_title is not None:
                self.pending_title = None
        title_line, title_text = self.pending_title or (element.sourceline or 1, "")
        self.pending_title = None
        if caption is not None:
            title_line, title_text = caption.sourceline or title_line, text_of(caption)
        numbered = CAPTION.match(clean(title_text))
        number = int(numbered.group("number")) if numbered else None
        title = caption_title(numbered) if numbered else title_text
        grid = read_table(element)
        if not grid.rows:
            label = number if number is not None else len(self.guide.tables) + 1
            self.guide.issues.append(
                ParseIssue(title_line, "table_shape", f"Table {label} has no rows at all")
            )
        table = assemble(
            grid,
            Caption(number, title, title_line),
            len(self.guide.tables) + 1,
            self.section,
            self.guide.issues,
        )
        notes = tuple(text for _, text in self.pending_notes)
        self.pending_notes = []
        self.guide.tables.append(replace(table, notes=notes))
