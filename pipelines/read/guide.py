"""The parse stage for guides: bytes → text → the reader for the rendering the content shows."""

from __future__ import annotations

import re

from pipelines.read.errors import FileError, decode
from pipelines.read.guide_html import GUIDE_HTML, parse_guide_html
from pipelines.read.guide_text import GUIDE_TEXT, parse_guide_text
from pipelines.read.parsed_guide import ParsedGuide

_HTML_TAG = re.compile(
    r"<(?:!doctype\s+html|html|head|body|main|article|section|div|table|p|h[1-6])[\s>/]",
    re.IGNORECASE,
)


MAX_GUIDE_BYTES = 128 * 1024 * 1024


def parse_guide(data: bytes) -> ParsedGuide:
    """A guide is read whole, so its size is capped: memory is about six times the file size."""
    if len(data) > MAX_GUIDE_BYTES:
        raise FileError(
            "too_large",
            f"{len(data) / 2**20:.0f} MB is over the {MAX_GUIDE_BYTES // 2**20} MB limit for one guide; split the file",
        )
    text, decoding = decode(data, "text guide")
    guide = parse_guide_html(text) if sniff(text) == GUIDE_HTML else parse_guide_text(text)
    guide.issues[:0] = decoding
    return guide


def sniff(text: str) -> str:
    """HTML when the content starts with markup and holds a document tag; the file name is not asked."""
    head = text[:4096].lstrip()
    return GUIDE_HTML if head.startswith("<") and _HTML_TAG.search(head) else GUIDE_TEXT
