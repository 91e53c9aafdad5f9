"""PubMed's "Save → CSV" export → record fields.

The export has no publication types; volume, issue, pages and month are read from its Citation
column ("Curr Opin Investig Drugs. 2002 May;3(5):720-4."), and a record counts as retracted when
its title or citation says so, which is all the export shows.
"""

from __future__ import annotations

import re
from typing import Any

from pipelines.read.csv_rows import Row, read_csv_rows
from pipelines.read.errors import FileError, ParseIssue
from pipelines.read.text import mentions_retraction, month_number, year_number

REQUIRED = ("PMID", "Title")
_CITATION = re.compile(
    r"^(?P<journal>[^.]+(?:\.[^.;\d][^.]*)*?)\.\s+(?P<year>\d{4})(?:\s+(?P<month>[A-Za-z]{3,}))?[^;:.]*"
    r"(?:;(?P<volume>[^(:;.]*)(?:\((?P<issue>[^)]*)\))?)?(?::(?P<pages>[^.;\s]+))?"
)
_DOI = re.compile(r"\bdoi:\s*(10\.\S+?)\.?(?:\s|$)")


def read_pubmed_csv(text: str) -> tuple[list[dict[str, Any]], list[ParseIssue]]:
    header, rows, issues = read_csv_rows(text)
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise FileError("unknown_format", f"CSV header lacks {missing}: not a PubMed CSV export", 1)
    return [_record(line_no, row) for line_no, row in rows], issues


def _record(line_no: int, row: Row) -> dict[str, Any]:
    citation = _CITATION.match(row.get("Citation") or "")
    doi = row.get("DOI") or (_DOI.search(row.get("Citation") or "") or [None, None])[1]
    authors = [a.strip() for a in (row.get("Authors") or "").rstrip(".").split(",") if a.strip()]
    retracted = mentions_retraction(f"{row.get('Title')} {row.get('Citation')}")
    return {
        "line_no": line_no,
        "pmid": row.get("PMID"),
        "doi": doi,
        "title": row.get("Title"),
        "authors": authors,
        "journal": row.get("Journal/Book"),
        "journal_full": None,
        "year": year_number(row.get("Publication Year")),
        "month": month_number(citation.group("month")) if citation else None,
        "volume": (citation.group("volume") or "").strip() or None if citation else None,
        "issue": citation.group("issue") if citation else None,
        "pages": citation.group("pages") if citation else None,
        "publication_types": [],
        "retracted": retracted,
        "retraction_note": row.get("Citation") if retracted else None,
    }
