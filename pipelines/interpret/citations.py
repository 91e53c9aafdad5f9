"""A guide's reference list and the citations of its rows and sentences, keyed by stable ids."""

from __future__ import annotations

import re
from typing import Any

from pipelines.read.text import clean, stable_id

_REFERENCE_TAIL = re.compile(r"^(?P<title>.+?)\s+-\s+(?P<database>[A-Z][\w .]*?)\s*\[[^\]]*\]\s*$")


def reference(context: dict, ref_no: int, line_no: int, text: str) -> dict[str, Any]:
    """A numbered reference as printed; its title and database read from the '- PubMed [...]'
    tail a guide copies from a search page."""
    tail = _REFERENCE_TAIL.match(text)
    return {
        **context,
        "line_no": line_no,
        "reference_id": stable_id("ref", context["source_id"], ref_no),
        "ref_no": ref_no,
        "title": clean(tail.group("title")) if tail else clean(text),
        "database": tail.group("database") if tail else None,
        "reference_text": text,
        "match_method": "unresolved",
    }


def citations(
    context: dict, line_no: int, citing_dataset: str, citing_id: str, numbers: list[int]
) -> list[dict[str, Any]]:
    """One citation per reference number a finding, claim or preclinical finding cites."""
    return [
        {
            **context,
            "line_no": line_no,
            "citation_id": stable_id("cit", citing_id, ref_no),
            "citing_dataset": citing_dataset,
            "citing_id": citing_id,
            "ref_no": ref_no,
            "reference_id": stable_id("ref", context["source_id"], ref_no),
        }
        for ref_no in numbers
    ]
