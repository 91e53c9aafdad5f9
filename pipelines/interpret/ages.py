"""A population read from the ages a text prints, when it names no population: the ages after
'aged' decide, and 18 is where adults start ('aged >=12 years' takes in adolescents and adults:
mixed; 'aged 2 to <18 years': pediatric; 'aged 18-65 years': adult).

Only an age range after 'aged'/'age'/'ages' counts in running text: 'with AD for >=2 years' is a
duration and 'mean age 59 years' bounds nobody. A cell that states who was studied (a population
column) needs no 'aged': '≥ 12 years' there is an age. The unit may be left out before 'and
over' ('aged 12 and over').
"""

from __future__ import annotations

import math
import re

ADULT_AGE = 18
_RANGE = (
    r"(?P<op>>=|\u2265|>|<=|\u2264|<)?\s*(?P<low>\d+(?:\.\d+)?)"
    r"(?:\s*(?:-|\u2013|to)\s*(?P<below><)?=?\s*(?P<high>\d+(?:\.\d+)?))?"
    r"(?:\s*(?:years?|yrs?|y)\b(?P<older>\s*(?:or|and)\s*(?:older|over|above))?"
    r"|(?P<bare_older>\s*(?:or|and)\s*(?:older|over|above)))"
)
_AGES = re.compile(rf"(?<!mean )\bage[sd]?\s*{_RANGE}", re.IGNORECASE)
_STATED_AGES = re.compile(
    rf"(?:^|[,;(]\s*|\b(?:age[sd]?|children|adults|patients)\s+){_RANGE}", re.IGNORECASE
)


def population_from_ages(text: str | None, *, stated: bool = False) -> str | None:
    """'adult', 'pediatric' or 'mixed' from the first age range after 'aged' (or anywhere in a
    `stated` population cell); None without one."""
    found = (_STATED_AGES if stated else _AGES).search(text or "")
    if found is None:
        return None
    op, low = found.group("op"), float(found.group("low"))
    if found.group("high"):
        high = float(found.group("high")) - (1 if found.group("below") else 0)
    elif op in (">=", "\u2265", ">") or found.group("older") or found.group("bare_older"):
        high = math.inf
    elif op in ("<=", "\u2264", "<"):
        low, high = 0.0, low - (1 if op == "<" else 0)
    else:
        high = low
    if high < ADULT_AGE:
        return "pediatric"
    return "adult" if low >= ADULT_AGE else "mixed"
