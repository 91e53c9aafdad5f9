"""Bibliographic files: the format sniffed from content, then the reader for it (records with their line)."""

from __future__ import annotations

import re
from typing import Any

from pipelines.read.errors import FileError, ParseIssue, decode
from pipelines.read.pubmed_csv import REQUIRED as CSV_REQUIRED
from pipelines.read.pubmed_csv import read_pubmed_csv
from pipelines.read.pubmed_xml import read_pubmed_xml
from pipelines.read.ris_medline import read_medline, read_ris

_READERS = {"pubmed-csv": read_pubmed_csv, "ris": read_ris, "medline": read_medline}
# A bibliographic file is read whole, at about twelve times its size in memory (32 MB of RIS,
# 148 470 records: 393 MB at the peak); PubMed exports at most 10 000 records a file, a few MB.
MAX_RECORDS_BYTES = 32 * 2**20


def sniff(data: bytes) -> str | None:
    """The format a bibliographic file's first bytes show; the file name is not asked."""
    head = data[:8192].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<?xml") or b"<PubmedArticleSet" in head:
        return "pubmed-xml"
    first_line = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    if re.match(r"TY  - ", first_line):
        return "ris"
    if re.match(r"PMID ?- ", first_line):
        return "medline"
    if all(f'"{name}"' in first_line or name in first_line.split(",") for name in CSV_REQUIRED):
        return "pubmed-csv"
    return None


def read_records(data: bytes) -> tuple[str, list[dict[str, Any]], list[ParseIssue]]:
    """Records (dicts of record fields with their line) and the parts that could not be read."""
    if len(data) > MAX_RECORDS_BYTES:
        raise FileError(
            "too_large",
            f"{len(data) / 2**20:.0f} MB is over the {MAX_RECORDS_BYTES // 2**20} MB limit for one bibliographic file; split the export",
        )
    record_format = sniff(data)
    if record_format == "pubmed-xml":
        return record_format, *read_pubmed_xml(data)
    if record_format is None:
        raise FileError(
            "unknown_format",
            "not a bibliographic file this pipeline reads: PubMed XML (<PubmedArticleSet>), a PubMed CSV export (PMID,Title,… header), RIS (TY  - …) or MEDLINE (PMID- …)",
            1,
        )
    text, decoding = decode(data, "bibliographic file")
    records, issues = _READERS[record_format](text)
    return record_format, records, [*decoding, *issues]
