"""What the text readers share: numbered lines, the shape of a line, and joining a cell's text
that a rendering wrapped over several lines."""

from __future__ import annotations

import re
from collections.abc import Sequence

# (line number, text): the lines of a text guide, page furniture already left out.
Lines = Sequence[tuple[int, str]]

GAP = re.compile(r" {2,}|\t")
RULE_CELL = re.compile(r"^\s*:?-{1,}:?\s*$")
# A rule of dashes under a header, in segments (one per column) or across the table.
DASHES = re.compile(r"^\s*-{3,}(?:\s+-{3,})*\s*$")
_BROKEN = re.compile(r"[^\W\d_]-$")
_WORD = re.compile(r"[^\W\d_]+")


def is_blank(line: str) -> bool:
    return not line.strip()


def joined(parts: Sequence[str], words: frozenset[str]) -> str:
    """A cell's fragments as one text: joined by a space, but a word broken by a hyphen at the
    end of a fragment is joined without the hyphen when the document prints the whole word
    elsewhere (`words`, lower case), else kept hyphenated ('betametha-' 'sone' → betamethasone;
    'investigator-' 'assessed)' → investigator-assessed)."""
    text = ""
    for part in (part.strip() for part in parts):
        if not part:
            continue
        if text and _BROKEN.search(text) and part[0].islower():
            head = _WORD.findall(text)[-1]
            tail = _WORD.match(part)
            whole = f"{head}{tail.group() if tail else ''}".lower()
            text = text[:-1] + part if whole in words else text + part
        else:
            text = f"{text} {part}" if text else part
    return text


def document_words(lines: Lines) -> frozenset[str]:
    """Every word the document prints, lower case: the dictionary `joined` looks a broken word
    up in."""
    return frozenset(word.lower() for _, line in lines for word in _WORD.findall(line))
