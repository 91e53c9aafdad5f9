"""What a spreadsheet would run: a text cell it reads as a formula (OWASP's CSV injection rule)
starts with one of FORMULA's characters and is not a number. CSV renditions write it after a
"'"; Parquet and DuckDB keep the exact text."""

from __future__ import annotations

import re

FORMULA = "^[=+@\t\r-]"
_FORMULA = re.compile(FORMULA)


def safe_cell(text: str) -> str:
    """The text as a spreadsheet shows it, never runs it."""
    if not _FORMULA.match(text):
        return text
    try:
        float(text)
    except ValueError:
        return "'" + text
    return text
