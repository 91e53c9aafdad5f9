"""core.tables: one row per table found in a guide."""

import pandera.polars as pa
import polars as pl

from schemas.base import Dataset, Provenance


class Tables(Provenance):
    table_id: str = pa.Field(
        unique=True, description="Deterministic id (source, position of the table in the document)."
    )
    table_no: int = pa.Field(ge=1, description="Table number as printed ('Table N:').")
    title: str = pa.Field(description="Table title, markup removed.")
    table_kind: str = pa.Field(
        isin=["comparative", "preclinical", "other", "unknown"],
        description="What the table holds, from its columns' roles (quality.column_roles): comparative evidence, a preclinical profile, other (specifications, schedules, trial characteristics: read for nothing) or unknown (looks like evidence but could not be read; a source error says why).",
    )
    columns: pl.List(pl.Utf8) = pa.Field(description="Column headers as printed, in order.")
    n_rows: int = pa.Field(ge=0, description="Number of body rows.")


DATASET = Dataset(
    name="core.tables",
    model=Tables,
    description="One row per table in a guide: its number, title, kind and header.",
    key=("table_id",),
    order_by=("source_id", "table_no", "line_no"),
)
