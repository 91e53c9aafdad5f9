"""core.bibliographic_records: the records of bibliographic files (PubMed XML, PubMed CSV, RIS, MEDLINE)."""

import pandera.polars as pa
import polars as pl

from schemas.base import Dataset, Provenance

FORMATS = ["pubmed-xml", "pubmed-csv", "ris", "medline"]


class BibliographicRecords(Provenance):
    record_id: str = pa.Field(
        unique=True, description="Deterministic id (source, position of the record in its file)."
    )
    format: str = pa.Field(isin=FORMATS, description="Format the file was read as.")
    pmid: str | None = pa.Field(nullable=True, str_matches=r"^\d+$", description="PubMed id.")
    doi: str | None = pa.Field(
        nullable=True, str_matches=r"^10\.\d{4,9}/\S+$", description="DOI, without a resolver URL."
    )
    title: str = pa.Field(str_length={"min_value": 1}, description="Article title as recorded.")
    authors: pl.List(pl.Utf8) = pa.Field(
        description="Authors as 'Last Initials', in order; empty when the record lists none."
    )
    first_author: str | None = pa.Field(nullable=True, description="First author, 'Last Initials'.")
    journal: str | None = pa.Field(nullable=True, description="Journal abbreviation (ISO/MEDLINE).")
    journal_full: str | None = pa.Field(nullable=True, description="Full journal title.")
    year: int | None = pa.Field(nullable=True, ge=1800, le=2100, description="Publication year.")
    month: int | None = pa.Field(nullable=True, ge=1, le=12, description="Publication month.")
    volume: str | None = pa.Field(nullable=True, description="Journal volume.")
    issue: str | None = pa.Field(nullable=True, description="Journal issue.")
    pages: str | None = pa.Field(nullable=True, description="Pages as printed (e.g. 720-4).")
    publication_types: pl.List(pl.Utf8) = pa.Field(
        description="PubMed publication types (empty where the format does not carry them)."
    )
    retracted: bool = pa.Field(
        description="The record is marked retracted: publication type 'Retracted Publication' or a retraction notice."
    )
    retraction_note: str | None = pa.Field(
        nullable=True, description="The retraction notice as recorded (e.g. 'Retraction in: …')."
    )


DATASET = Dataset(
    name="core.bibliographic_records",
    model=BibliographicRecords,
    description="One row per record of a bibliographic file; guide references resolve to these.",
    key=("record_id",),
    order_by=("source_id", "line_no"),
)
