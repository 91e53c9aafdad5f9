"""Unmatched printed terms → CSV rows ready for raw/vocab/, so extending a vocabulary is a paste.

A term close to an entry (its runner-up at SYNONYM_SCORE or more) is suggested as a synonym of
that entry: the entry's whole line with every such term added, to replace its line. Any other
term is a new entry, its id made from the text and unique; a compound's kind is read from the
term (a control's or a class's words in it, else a compound), an outcome's domain and polarity
are copied from the closest entry and named in the comment above, for a person to check; the
others are left empty. A term printed with other spacing or case is one term.
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
    """The suggestion text: per vocabulary file a commented block of rows, ready to paste: one
    term printed in several spacings or cases once, one replacement line per entry however many
    synonyms it gains, every new id unique.

    `vocabularies` maps a vocabulary name to its CSV text; a vocabulary without one is named in
    a comment and skipped."""
    blocks = []
    for name in sorted({term.vocabulary for term in terms}):
        mine = _merged([term for term in terms if term.vocabulary == name])
        if name not in vocabularies:
            blocks.append(f"# raw/vocab/{name}.csv not found: {len(mine)} term(s) left out")
            continue
        header, rows = _read(vocabularies[name])
        lines = [f"# raw/vocab/{name}.csv: {len(mine)} unmatched term(s)"]
        ordered = sorted(mine, key=lambda t: (-t.occurrences, t.text))
        gained: dict[str, list[Unmatched]] = {}
        for term in ordered:
            if _close(term, rows) is not None:
                gained.setdefault(term.closest or "", []).append(term)
        taken = set(rows)
        for term in ordered:
            if _close(term, rows) is None:
                lines += _new_entry(term, header, rows, taken)
            elif term is gained[term.closest or ""][0]:  # the entry's line, where it first comes
                lines += _synonyms(gained[term.closest or ""], header, rows[term.closest or ""])
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _merged(terms: list[Unmatched]) -> list[Unmatched]:
    """One term per text as a person reads it (runs of spaces and case aside), its occurrences
    added."""
    found: dict[str, Unmatched] = {}
    for term in terms:
        text = " ".join(term.text.split())
        key = text.casefold()
        if key in found:
            first = found[key]
            found[key] = Unmatched(
                first.vocabulary, first.text, first.occurrences + term.occurrences,
                first.closest, first.score,
            )  # fmt: skip
        else:
            found[key] = Unmatched(
                term.vocabulary, text, term.occurrences, term.closest, term.score
            )
    return list(found.values())


def _close(term: Unmatched, rows: dict[str, dict[str, str]]) -> dict[str, str] | None:
    closest = rows.get(term.closest or "")
    close = closest is not None and term.score is not None and term.score >= SYNONYM_SCORE
    return closest if close else None


def _seen(term: Unmatched, rows: dict[str, dict[str, str]]) -> str:
    seen = f'"{term.text}" ({term.occurrences}x'
    if rows.get(term.closest or "") is not None and term.score is not None:
        seen += f"; closest {term.closest} at {term.score:g}"
    return seen + ")"


def _synonyms(terms: list[Unmatched], header: list[str], row: dict[str, str]) -> list[str]:
    """The entry's line with every term it gains, once."""
    synonyms = row["synonyms"].split("|") if row["synonyms"] else []
    known = {s.casefold() for s in synonyms}
    added = [t.text for t in terms if t.text.casefold() not in known]
    seen = "; ".join(_seen(t, {row["id"]: row}) for t in terms)
    line = _line(header, {**row, "synonyms": "|".join([*synonyms, *added])})
    return [
        f"# {seen}: {'synonyms' if len(terms) > 1 else 'a synonym'} of {row['id']}; replace its line with",
        line,
    ]


def _new_entry(
    term: Unmatched, header: list[str], rows: dict[str, dict[str, str]], taken: set[str]
) -> list[str]:
    """A new entry: an id of its own; a compound's kind from the words it holds (a control's,
    a class's), else a compound; an outcome's domain and polarity from the closest entry."""
    decide = _DECIDE.get(term.vocabulary, ())
    closest = rows.get(term.closest or "") or {}
    row = {column: closest.get(column, "") if column in decide else "" for column in header}
    if "kind" in header:
        row["kind"] = _kind(term.text, rows)
    label = "name" if "name" in header else "label"
    identifier = _slug(term.text)
    number = 2
    while identifier in taken:
        identifier, number = f"{_slug(term.text)}_{number}", number + 1
    taken.add(identifier)
    row.update({"id": identifier, label: term.text, "synonyms": term.text})
    check = f"; check {' and '.join(decide)}" if decide else ""
    return [f"# {_seen(term, rows)}: a new entry; append{check}", _line(header, row)]


def _kind(text: str, rows: dict[str, dict[str, str]]) -> str:
    """A control when the term holds a control's synonym ('vehicle cream'), a class when it
    holds a class's, else a compound."""
    words = f" {' '.join(re.findall(r'[a-z0-9]+', text.casefold()))} "
    for kind in ("control", "class"):
        for row in rows.values():
            if row.get("kind") != kind:
                continue
            for synonym in (row.get("synonyms") or "").split("|"):
                plain = " ".join(re.findall(r"[a-z0-9]+", synonym.casefold()))
                if plain and f" {plain} " in words:
                    return kind
    return "compound"


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
