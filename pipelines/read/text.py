"""Small text helpers shared by normalize: citation markers, markup, sentences, stable ids, and
values quoted briefly in messages."""

from __future__ import annotations

import functools
import hashlib
import re

_ANCHOR_MARKER = r"<a\b[^>]*>\s*\[(?P<anchor>\d+)\]\s*</a>"
_BRACKET_MARKER = r"\[(?P<bracket>\d+(?:\s*[,\u2013-]\s*\d+)*)\](?!\()"
MARKER = re.compile(f"{_ANCHOR_MARKER}|{_BRACKET_MARKER}")
_TAG = re.compile(r"<[^>]+>")
# English month names as PubMed and the guides print them; calendar.month_name follows the locale.
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# A full stop that ends an abbreviation ('vs.', 'et al.', 'e.g.') ends no sentence.
_ABBREVIATED = (
    r"(?<!\bvs\.)(?<!\bv\.)(?<!\bal\.)(?<!\bcf\.)(?<!e\.g\.)(?<!i\.e\.)(?<!\bca\.)(?<!\bFig\.)"
)
_SENTENCE = re.compile(
    rf"\S.*?[.!?]{_ABBREVIATED}(?:\s*(?:{_ANCHOR_MARKER}|\[\d+(?:\s*[,\u2013-]\s*\d+)*\]))*(?=\s+[A-Z0-9*\"'(<]|\s*$)|\S.+$",
    re.DOTALL,
)


def citation_numbers(text: str) -> list[int]:
    """Reference numbers cited in text, in order, ranges expanded ('[1-3]' → 1, 2, 3)."""
    numbers: list[int] = []
    for marker in MARKER.finditer(text):
        if marker.group("anchor"):
            numbers.append(int(marker.group("anchor")))
            continue
        for part in re.split(r"\s*,\s*", marker.group("bracket")):
            bounds = [int(bound) for bound in re.split(r"\s*[\u2013-]\s*", part)]
            numbers.extend(range(bounds[0], bounds[-1] + 1))
    return list(dict.fromkeys(numbers))


@functools.lru_cache(maxsize=1 << 16)
def clean(text: str) -> str:
    """Text for storage: citation markers, HTML tags and markdown emphasis removed, spaces folded."""
    text = MARKER.sub("", text)
    text = _TAG.sub("", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s+([.,;:!?])", r"\1", text)


def month_number(text: str | None) -> int | None:
    """'May', 'August', 'Sept.' or '05' → 1 to 12; anything else → None."""
    word = (text or "").strip().rstrip(".").lower()
    if word.isdigit():
        return int(word) if 1 <= int(word) <= 12 else None
    return _MONTHS.index(word[:3]) + 1 if len(word) >= 3 and word[:3] in _MONTHS else None


def year_number(text: str | None) -> int | None:
    """The first four-digit year in a date as printed ('2002 May', '2001 Winter', '2005/08//')."""
    match = re.search(r"(?<!\d)(\d{4})(?!\d)", text or "")
    return int(match.group(1)) if match else None


def mentions_retraction(text: str | None) -> bool:
    """PubMed and publishers mark retracted work with 'Retracted' or 'Retraction in/of'."""
    return bool(re.search(r"\bretract(?:ed|ion)\b", text or "", re.IGNORECASE))


def sentences(text: str) -> list[str]:
    """Split prose into sentences; markers after a full stop stay with the sentence they follow."""
    return [match.group(0).strip() for match in _SENTENCE.finditer(text) if match.group(0).strip()]


_LIGATURES = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
    }
)
_HAS_LIGATURE = re.compile("[\ufb00-\ufb06]")


def without_ligatures(text: str) -> str:
    """Ligatures a PDF's text keeps (ﬁ, ﬂ, ﬀ …) as their letters, in any rendering."""
    return text.translate(_LIGATURES) if _HAS_LIGATURE.search(text) else text


def brief(value: object, limit: int = 80) -> str:
    """A value as a message quotes it: its repr, cut to `limit` characters with its length said,
    so a megabyte cell never fills a line meant for a person."""
    shown = repr(value)
    if len(shown) <= limit:
        return shown
    return f"{shown[:limit]}… ({len(str(value)):,} characters)"


def stable_id(prefix: str, *parts: object) -> str:
    """A short id derived only from content and position, so reruns give the same ids."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode("utf-8")).hexdigest()
    return f"{prefix}_{digest[:16]}"
