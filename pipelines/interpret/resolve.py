"""Guide references → bibliographic records: normalized exact title, then the guide's title as a
prefix of the record's, then fuzzy similarity above a threshold. Never a guess: a reference two
records fit about equally well stays unresolved, with both named.

The threshold is rapidfuzz's `ratio` (normalized Indel similarity, 0 to 100) on normalized titles.
At 95 a dropped article, a plural or a spelling variant still matches (95.8 to 98.8 measured on
such pairs), while one drug or population swapped in a short title does not ('Topical pimecrolimus
for eczema' vs 'Topical tacrolimus for eczema' scores 90.0; '…in children' vs '…in adults' 91.3).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from pipelines.interpret.memo import remembered

FUZZY_THRESHOLD = 95.0
AMBIGUITY_MARGIN = 3.0
MIN_PREFIX_WORDS = 3
# When the same work is in several files, the richer format describes it.
_FORMAT_PREFERENCE = ("pubmed-xml", "medline", "ris", "pubmed-csv")
_RECORD_FIELDS = ("record_id", "pmid", "doi", "journal", "year", "first_author")


@dataclass(frozen=True)
class Resolution:
    method: str
    score: float | None
    record: dict[str, Any] | None
    note: str | None

    def columns(self) -> dict[str, Any]:
        record = self.record or {}
        return {
            **{name: record.get(name) for name in _RECORD_FIELDS},
            "match_method": self.method,
            "match_score": None if self.score is None else round(self.score, 1),
            "match_note": self.note,
        }


def title_key(title: str) -> str:
    """Case, accents, punctuation and spacing folded: 'Pimecrolimus. Novartis.' → 'pimecrolimus novartis'."""
    decomposed = unicodedata.normalize("NFKD", title)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


class RecordIndex:
    """One candidate per work (same PMID, else DOI, else title), looked up three ways."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        works: dict[str, dict[str, Any]] = {}
        for record in sorted(records, key=_preference):
            key = title_key(record["title"])
            identity = record.get("pmid") or record.get("doi") or key
            if key and identity not in works:
                works[identity] = {**record, "key": key}
        self._works = sorted(works.values(), key=lambda work: (work["key"], _label(work)))
        self._keys = [work["key"] for work in self._works]
        self._resolved: dict[str, Resolution] = {}

    def resolve(self, title: str) -> Resolution:
        """Guides cite the same works again and again: a title is matched once while it is in the
        bounded memo."""
        return remembered(self._resolved, title_key(title), self._match)

    def _match(self, key: str) -> Resolution:
        if not key:
            return Resolution("unresolved", None, None, "the reference has no title to match")
        exact = self._starting_with(key, exact=True)
        if exact:
            return self._decide("exact", key, exact)
        if len(key.split()) >= MIN_PREFIX_WORDS:
            prefixed = self._starting_with(key + " ", exact=False)
            if prefixed:
                return self._decide("prefix", key, prefixed)
        return self._fuzzy(key)

    def _starting_with(self, key: str, *, exact: bool) -> list[dict[str, Any]]:
        start = bisect.bisect_left(self._keys, key)
        found = []
        for work in self._works[start:]:
            if work["key"] == key if exact else work["key"].startswith(key):
                found.append(work)
            else:
                break
        return found

    def _decide(self, method: str, key: str, works: list[dict[str, Any]]) -> Resolution:
        if len(works) > 1:
            return _ambiguous(method, [(work, fuzz.ratio(key, work["key"])) for work in works])
        return Resolution(method, fuzz.ratio(key, works[0]["key"]), works[0], None)

    def _fuzzy(self, key: str) -> Resolution:
        best = process.extract(key, self._keys, scorer=fuzz.ratio, limit=2)
        if not best:
            return Resolution("unresolved", None, None, "no bibliographic records to match against")
        scored = [(self._works[index], score) for _, score, index in best]
        work, score = scored[0]
        if score < FUZZY_THRESHOLD:
            return Resolution(
                "unresolved",
                score,
                None,
                f"no record matches; closest is {_label(work)} at {score:.1f} (fuzzy threshold {FUZZY_THRESHOLD:g})",
            )
        close = [(other, s) for other, s in scored if s >= score - AMBIGUITY_MARGIN]
        if len(close) > 1:
            return _ambiguous("fuzzy", close)
        return Resolution("fuzzy", score, work, None)


def _ambiguous(method: str, scored: list[tuple[dict[str, Any], float]]) -> Resolution:
    named = " and ".join(f"{_label(work)} ({score:.1f})" for work, score in scored)
    return Resolution(
        "unresolved",
        max(score for _, score in scored),
        None,
        f"ambiguous: {named} fit by {method} match about equally; add an identifier to the reference or remove the wrong record",
    )


def _label(work: dict[str, Any]) -> str:
    ident = f"PMID {work['pmid']}" if work.get("pmid") else f"DOI {work.get('doi') or '-'}"
    return f"{ident} {work['title']!r}"


def _preference(record: dict[str, Any]) -> tuple[int, str, str]:
    rank = (
        _FORMAT_PREFERENCE.index(record["format"])
        if record.get("format") in _FORMAT_PREFERENCE
        else len(_FORMAT_PREFERENCE)
    )
    return rank, record.get("source_id") or "", record.get("record_id") or ""
