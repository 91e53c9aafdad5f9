"""The parse stage for guides: bytes → text → the reader for the rendering the content shows."""

from __future__ import annotations

import re

from pipelines.errors import decode
from pipelines.guide import ParsedGuide
from pipelines.parse_html import GUIDE_HTML, parse_guide_html
from pipelines.parse_text import GUIDE_TEXT, parse_guide_text

_HTML_TAG = re.compile(
    r"<(?:!doctype\s+html|html|head|body|main|article|section|div|table|p|h[1-6])[\s>/]",
    re.IGNORECASE,
)


def parse_guide(data: bytes) -> ParsedGuide:
    text = decode(data, "text guide")
    return parse_guide_html(text) if sniff(text) == GUIDE_HTML else parse_guide_text(text)


def sniff(text: str) -> str:
    """HTML when the content starts with markup and holds a document tag; the file name is not asked."""
    head = text[:4096].lstrip()
    return GUIDE_HTML if head.startswith("<") and _HTML_TAG.search(head) else GUIDE_TEXT
