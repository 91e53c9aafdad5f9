"""How wide a line of text is drawn, so a figure can be laid out before any renderer sees it.

Widths are Helvetica's (its Adobe font metrics, in thousandths of the font size); Arial and
Liberation Sans, the fonts the figures name first, share them. Bold text is drawn about a tenth
wider. A character outside printable ASCII counts as a wide letter (a full em when East Asian
wide), so a measure errs on the wide side and a layout built on it never overlaps.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

FONT_FAMILY = "Liberation Sans, Arial, Helvetica, sans-serif"
_ASCII = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)  # fmt: skip
_BOLD = 1.1
_OTHER, _WIDE = 667, 1000


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width in pixels of `text` set at `size` pixels."""
    return _units(text) * size / 1000 * (_BOLD if bold else 1.0)


@lru_cache(maxsize=8192)
def _units(text: str) -> int:
    return sum(_char(c) for c in text)


def _char(c: str) -> int:
    if " " <= c <= "~":
        return _ASCII[ord(c) - 32]
    return _WIDE if unicodedata.east_asian_width(c) in ("W", "F") else _OTHER


def wrap(text: str, size: float, width: float, *, bold: bool = False) -> list[str]:
    """`text` broken between words into lines no wider than `width` (a word wider than that
    stands alone on its line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size, bold=bold) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]
