"""A timepoint as printed → weeks: '3 weeks', 'week 8', '12 months', '5 Years', 'over 5 years'.

The first duration a text prints is its timepoint; a month is 52/12 weeks, a year 52. An age is
no timepoint: durations after 'aged' or a word for who was studied ('children 2-14 years') are
skipped.
"""

from __future__ import annotations

import functools
import re

_DURATION = re.compile(
    r"(\d+(?:\.\d+)?)[\s-]*(day|week|month|year)s?\b|\b(day|week|month)\s+(\d+)\b", re.I
)
# After 'aged' or a word for who was studied, durations are ages ('aged 3 months to 14 years',
# 'children 2-14 years') until a word that starts a timepoint ('aged 2-15 years over 12 weeks').
_AGE_BEFORE = re.compile(
    r"\b(?:aged?|ages|children|infants|adolescents|adults|patients)\b(?:(?!\b(?:over|for|at|during|after|within|through|by|up)\b)[^,;()]){0,30}$",
    re.IGNORECASE,
)
# The longest text _AGE_BEFORE can match: a word for who was studied and 30 characters.
_AGE_REACH = 60
_WEEKS = {"day": 1 / 7, "week": 1.0, "month": 52 / 12, "year": 52.0}


@functools.lru_cache(maxsize=1 << 12)
def weeks(text: str | None) -> float | None:
    """The first duration the text prints, in weeks; None without one."""
    match = _first_duration(text or "")
    if not match:
        return None
    amount, unit = (
        (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
    )
    return round(float(amount) * _WEEKS[unit.lower()], 2)


def duration(text: str | None) -> str | None:
    """The first duration the text prints, as printed ('4 weeks' of 'after 4 weeks of use')."""
    match = _first_duration(text or "")
    return match.group(0) if match else None


def _first_duration(text: str) -> re.Match[str] | None:
    return next((m for m in _DURATION.finditer(text) if not _aged(text, m.start())), None)


def _aged(text: str, start: int) -> bool:
    return _AGE_BEFORE.search(text[max(0, start - _AGE_REACH) : start]) is not None


def in_words(weeks: float) -> str:
    """'3 weeks', '5 years': a timepoint as a person reads it."""
    if weeks >= _WEEKS["year"]:
        return f"{weeks / _WEEKS['year']:g} years"
    return f"{weeks:g} weeks"
