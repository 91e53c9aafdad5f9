"""core.sources: one row per document read from the registry."""

import pandera.polars as pa

from schemas.base import Dataset, Model


class Sources(Model):
    source_id: str = pa.Field(
        unique=True,
        description="Document id: the registry entry id and, for a glob, the file's path under the glob's folder (its name for guides/*).",
    )
    kind: str = pa.Field(
        isin=["guide", "references", "estimates", "vocab"],
        description="Registry kind of the source.",
    )
    file: str = pa.Field(description="Path of the input file, relative to the sources registry.")
    format: str = pa.Field(description="Format the document was parsed as (e.g. guide-text).")
    bytes: int = pa.Field(ge=0, description="Size of the input file in bytes.")
    sha256: str = pa.Field(
        str_matches=r"^[0-9a-f]{64}$", description="SHA-256 of the input file's bytes."
    )
    title: str | None = pa.Field(
        nullable=True, description="Document title as printed in its first heading."
    )
    publisher: str | None = pa.Field(
        nullable=True, description="Organisation that published the document."
    )
    author: str | None = pa.Field(nullable=True, description="Author line of the document.")
    published: str | None = pa.Field(
        nullable=True,
        str_matches=r"^\d{4}(-\d{2})?$",
        description="Publication date as YYYY-MM (or YYYY when only the year is printed).",
    )
    compound: str | None = pa.Field(
        nullable=True, description="Compound the document is about, as printed."
    )
    catalog_no: str | None = pa.Field(
        nullable=True, description="Vendor catalogue number of the compound."
    )
    url: str | None = pa.Field(
        nullable=True,
        str_matches=r"^https?://",
        description="Canonical URL of the document, without fragment.",
    )


DATASET = Dataset(
    name="core.sources",
    model=Sources,
    description="One row per document pulled from the sources registry, with its bibliographic metadata.",
    key=("source_id",),
)
