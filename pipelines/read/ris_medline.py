"""Tagged bibliographic formats, one field per line: RIS ("TY  - JOUR") and MEDLINE/nbib ("PMID- 1").

Both are read into (line, {tag: [values]}) records first, then mapped to record fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pipelines.read.errors import ParseIssue
from pipelines.read.text import mentions_retraction, month_number, year_number

_RIS_LINE = re.compile(r"^(?P<tag>[A-Z][A-Z0-9])  -(?: (?P<value>.*))?$")
_MEDLINE_LINE = re.compile(r"^(?P<tag>[A-Z]{2,4}) {0,3}- (?P<value>.*)$")
_MEDLINE_CONTINUATION = re.compile(r"^ {6}(?P<value>\S.*)$")
_DOI = re.compile(r"(10\.\d{4,9}/\S+)")
_PUBMED_URL = re.compile(r"pubmed(?:\.ncbi\.nlm\.nih\.gov/|/)(\d+)")

Fields = dict[str, list[str]]


def read_ris(text: str) -> tuple[list[dict[str, Any]], list[ParseIssue]]:
    records, issues = [], []
    for line_no, fields in _ris_records(text, issues):
        title = _first(fields, "TI", "T1")
        pages = "-".join(filter(None, (_first(fields, "SP"), _first(fields, "EP")))) or None
        date = _first(fields, "DA", "Y1", "PY")
        notes = " ".join(fields.get("N1", []))
        pmid = next(
            (v for v in fields.get("AN", []) if v.isdigit()),
            next((m.group(1) for v in fields.get("UR", []) if (m := _PUBMED_URL.search(v))), None),
        )
        authors = [_initials(name) for name in fields.get("AU", []) + fields.get("A1", [])]
        records.append(
            _record(
                line_no,
                pmid=pmid,
                doi=_doi(_first(fields, "DO")),
                title=title,
                authors=authors,
                journal=_first(fields, "J2", "JA", "JO"),
                journal_full=_first(fields, "T2", "JF"),
                year=year_number(date),
                month=month_number(date.split("/")[1]) if date and date.count("/") >= 1 else None,
                volume=_first(fields, "VL"),
                issue=_first(fields, "IS"),
                pages=pages,
                publication_types=[],
                retraction_mark=(notes or title)
                if mentions_retraction(f"{title} {notes}")
                else None,
            )
        )
    return records, issues


def read_medline(text: str) -> tuple[list[dict[str, Any]], list[ParseIssue]]:
    records = []
    for line_no, fields in _medline_records(text):
        types = fields.get("PT", [])
        retractions = [note for note in fields.get("RIN", []) if note]
        date = _first(fields, "DP")
        doi = next(
            (
                _doi(value)
                for value in fields.get("LID", []) + fields.get("AID", [])
                if "[doi]" in value
            ),
            None,
        )
        records.append(
            _record(
                line_no,
                pmid=_first(fields, "PMID"),
                doi=doi,
                title=_first(fields, "TI"),
                authors=fields.get("AU", []),
                journal=_first(fields, "TA"),
                journal_full=_first(fields, "JT"),
                year=year_number(date),
                month=month_number(date.split()[1]) if date and len(date.split()) > 1 else None,
                volume=_first(fields, "VI"),
                issue=_first(fields, "IP"),
                pages=_first(fields, "PG"),
                publication_types=types,
                retraction_mark="; ".join(retractions)
                or ("Retracted Publication" if "Retracted Publication" in types else None),
            )
        )
    return records, []


def _record(line_no: int, retraction_mark: str | None, **fields: Any) -> dict[str, Any]:
    return {
        "line_no": line_no,
        **fields,
        "retracted": retraction_mark is not None,
        "retraction_note": retraction_mark,
    }


def _ris_records(text: str, issues: list[ParseIssue]) -> Iterator[tuple[int, Fields]]:
    """RIS records run from 'TY  -' to 'ER  -' (or, reported, to the next 'TY  -' or the end); a
    line outside that shape is reported."""
    fields: Fields | None = None
    start = 0
    for line_no, line in enumerate(text.splitlines(), 1):
        match = _RIS_LINE.match(line.rstrip())
        if not line.strip():
            continue
        if match is None:
            issues.append(
                ParseIssue(
                    line_no, "record_shape", f"not a RIS 'XX  - value' line: {line.strip()[:80]!r}"
                )
            )
        elif match.group("tag") == "TY":
            if fields is not None:
                issues.append(
                    ParseIssue(
                        start,
                        "record_shape",
                        f"RIS record has no closing 'ER  -' line before the next record at line "
                        f"{line_no}; it was read up to there",
                    )
                )
                yield start, fields
            fields, start = {}, line_no
        elif match.group("tag") == "ER" and fields is not None:
            yield start, fields
            fields = None
        elif fields is not None:
            fields.setdefault(match.group("tag"), []).append((match.group("value") or "").strip())
    if fields is not None:
        issues.append(
            ParseIssue(
                start, "record_shape", "RIS record has no closing 'ER  -' line; it was read anyway"
            )
        )
        yield start, fields


def _medline_records(text: str) -> Iterator[tuple[int, Fields]]:
    """MEDLINE records are separated by blank lines; long values continue on indented lines."""
    fields: Fields = {}
    start, last_tag = 0, None
    for line_no, line in enumerate([*text.splitlines(), ""], 1):
        tagged = _MEDLINE_LINE.match(line)
        continued = _MEDLINE_CONTINUATION.match(line)
        if tagged:
            if not fields:
                start = line_no
            last_tag = tagged.group("tag")
            fields.setdefault(last_tag, []).append(tagged.group("value").strip())
        elif continued and last_tag:
            fields[last_tag][-1] += " " + continued.group("value").strip()
        elif not line.strip() and fields:
            yield start, fields
            fields, last_tag = {}, None


def _first(fields: Fields, *tags: str) -> str | None:
    return next((fields[tag][0] for tag in tags if fields.get(tag) and fields[tag][0]), None)


def _doi(text: str | None) -> str | None:
    match = _DOI.search(text or "")
    return match.group(1).rstrip(".") if match else None


def _initials(name: str) -> str:
    """'Paul, Carle' → 'Paul C'; a name without a comma is kept as written."""
    last, _, given = name.partition(",")
    initials = "".join(part[0] for part in re.split(r"[\s.-]+", given) if part)
    return f"{last.strip()} {initials}".strip()
