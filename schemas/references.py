"""core.references: one row per numbered reference of a guide."""

import pandera.polars as pa

from schemas.base import Dataset, Provenance


class References(Provenance):
    reference_id: str = pa.Field(
        unique=True, description="Deterministic id (source, reference number)."
    )
    ref_no: int = pa.Field(ge=1, description="Reference number as printed in the list.")
    title: str = pa.Field(description="Title of the cited work, without the database tail.")
    database: str | None = pa.Field(
        nullable=True, description="Database the guide links the reference to (e.g. PubMed)."
    )
    reference_text: str = pa.Field(description="The reference line as printed.")
    record_id: str | None = pa.Field(
        nullable=True, description="Key of the matched row in core.bibliographic_records."
    )
    pmid: str | None = pa.Field(
        nullable=True,
        str_matches=r"^\d+$",
        description="PubMed id of the matched record, when resolved.",
    )
    doi: str | None = pa.Field(
        nullable=True, description="DOI of the matched record, when resolved."
    )
    journal: str | None = pa.Field(nullable=True, description="Journal of the matched record.")
    year: int | None = pa.Field(
        nullable=True, ge=1800, le=2100, description="Publication year of the matched record."
    )
    first_author: str | None = pa.Field(
        nullable=True, description="First author of the matched record."
    )
    match_method: str = pa.Field(
        isin=["exact", "prefix", "fuzzy", "unresolved"],
        description="How the reference was matched to a bibliographic record.",
    )
    match_score: float | None = pa.Field(
        nullable=True,
        ge=0,
        le=100,
        description="Similarity of the normalized titles, 0 to 100 (rapidfuzz ratio); for an unresolved reference, that of the closest record.",
    )
    match_note: str | None = pa.Field(
        nullable=True,
        description="Why a reference is unresolved (closest record and its score, or the candidates too close to call).",
    )


DATASET = Dataset(
    name="core.references",
    model=References,
    description="One row per numbered reference of a guide, with the bibliographic record it resolves to.",
    key=("reference_id",),
    order_by=("source_id", "ref_no"),
    compared=("title", "match_method", "match_score", "record_id", "pmid"),
)
