"""A strength as printed → percent: '0.1%', '0.1 % w/w', '1 per cent', '20 mg/g' (2 %),
'50 µg/g' (0.005 %), '50 µg/ml' (a solution, taken at a gram a millilitre: 0.005 %). Grams of
substance per gram of product are the one scale every unit here converts to; per dose is no
strength of a topical product."""

from __future__ import annotations

import re

PATTERN = (
    r"(?P<value>\d+(?:\.\d+)?)\s*"
    r"(?P<unit>%(?:\s*w/w)?|per\s?cent\b|(?:mg|\u00b5g|\u03bcg|mcg)\s*/\s*(?:g|ml|mL)\b)"
)
STRENGTH = re.compile(PATTERN, re.IGNORECASE)
# Percent per unit: what one of the unit is in grams per 100 g.
_PERCENT_PER = {"mg": 0.1, "\u00b5g": 0.0001, "\u03bcg": 0.0001, "mcg": 0.0001}


def percent(match: re.Match[str]) -> float:
    """The percent a STRENGTH match prints."""
    unit = match.group("unit")
    if unit == "%":
        return float(match.group("value"))
    factor = _PERCENT_PER.get(unit.lower().split("/")[0].strip(), 1.0)
    return round(float(match.group("value")) * factor, 6)


def strength_pct(text: str) -> float | None:
    """The first strength a text prints, in percent."""
    found = STRENGTH.search(text)
    return percent(found) if found else None
