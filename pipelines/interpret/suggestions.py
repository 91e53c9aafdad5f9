"""Unmatched printed terms → CSV rows ready for raw/vocab/, so extending a vocabulary is a paste.

A term close to an entry (its runner-up at SYNONYM_SCORE or more) is suggested as a synonym of
that entry: the entry's whole line with the term added, to replace its line. Any other term is
a new entry, its id made from the text; the columns a new entry cannot do without (an outcome's
domain and polarity, a compound's kind) are copied from the closest entry and named in the
comment above, for a person to check; the others are left empty.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

SYNONYM_SCORE = 75.0
# Columns a new entry needs a value in; copied from the closest entry for a person to check.
_DECIDE = {"outcomes": ("domain", "polarity"), "compounds": ("kind",)}


@dataclass(frozen=True)
class Unmatched:
    vocabulary: str
    text: str
    occurrences: int
    closest: str | None
    score: float | None


def suggest(terms: list[Unmatched], vocabularies: dict[str, str]) -> str:
    """The suggestion text: per vocabulary file a commented block of rows.

    `vocabularies` maps a vocabulary name to its CSV text; a vocabulary without one is named in
    a comment and skipped."""
    blocks = []
    for name in sorted({term.vocabulary for term in terms}):
        mine = [term for term in terms if term.vocabulary == name]
        if name not in vocabularies:
            blocks.append(f"# raw/vocab/{name}.csv not found: {len(mine)} term(s) left out")
            continue
        header, rows = _read(vocabularies[name])
        lines = [f"# raw/vocab/{name}.csv: {len(mine)} unmatched term(s)"]
        for term in sorted(mine, key=lambda t: (-t.occurrences, t.text)):
            lines += _suggestion(term, header, rows)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _suggestion(term: Unmatched, header: list[str], rows: dict[str, dict[str, str]]) -> list[str]:
    seen = f'"{term.text}" ({term.occurrences}x'
    closest = rows.get(term.closest or "")
    if closest is not None and term.score is not None:
        seen += f"; closest {term.closest} at {term.score:g}"
    seen += ")"
    if closest is not None and term.score is not None and term.score >= SYNONYM_SCORE:
        synonyms = closest["synonyms"].split("|") if closest["synonyms"] else []
        row = {**closest, "synonyms": "|".join([*synonyms, term.text])}
        return [f"# {seen}: a synonym of {term.closest}; replace its line with", _line(header, row)]
    decide = _DECIDE.get(term.vocabulary, ())
    row = {column: (closest or {}).get(column, "") if column in decide else "" for column in header}
    label = "name" if "name" in header else "label"
    row.update({"id": _slug(term.text), label: term.text, "synonyms": term.text})
    check = f"; check {' and '.join(decide)}" if decide else ""
    return [f"# {seen}: a new entry; append{check}", _line(header, row)]


def _read(text: str) -> tuple[list[str], dict[str, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = {row["id"]: row for row in reader if row.get("id")}
    return list(reader.fieldnames or []), rows


def _line(header: list[str], row: dict[str, str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([row.get(column) or "" for column in header])
    return out.getvalue()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_") or "term"
