"""A population read from the ages a text prints, when it names no population: the ages after
'aged' decide, and 18 is where adults start ('aged >=12 years' takes in adolescents and adults:
mixed; 'aged 2 to <18 years': pediatric; 'aged 18-65 years': adult).

Only an age range after 'aged'/'age'/'ages' counts: 'with AD for >=2 years' is a duration and
'mean age 59 years' bounds nobody.
"""

from __future__ import annotations

import math
import re

ADULT_AGE = 18
_AGES = re.compile(
    r"(?<!mean )\bage[sd]?\s*(?P<op>>=|\u2265|>|<=|\u2264|<)?\s*(?P<low>\d+(?:\.\d+)?)"
    r"(?:\s*(?:-|\u2013|to)\s*(?P<below><)?=?\s*(?P<high>\d+(?:\.\d+)?))?\s*(?:years?|yrs?|y)\b"
    r"(?P<older>\s*(?:or|and)\s*(?:older|over|above))?",
    re.IGNORECASE,
)


def population_from_ages(text: str | None) -> str | None:
    """'adult', 'pediatric' or 'mixed' from the first age range after 'aged'; None without one."""
    found = _AGES.search(text or "")
    if found is None:
        return None
    op, low = found.group("op"), float(found.group("low"))
    if found.group("high"):
        high = float(found.group("high")) - (1 if found.group("below") else 0)
    elif op in (">=", "\u2265", ">") or found.group("older"):
        high = math.inf
    elif op in ("<=", "\u2264", "<"):
        low, high = 0.0, low - (1 if op == "<" else 0)
    else:
        high = low
    if high < ADULT_AGE:
        return "pediatric"
    return "adult" if low >= ADULT_AGE else "mixed"
