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
        isin=["comparative", "preclinical", "unknown"],
        description="What the header says the table holds, per raw/vocab/table_columns.csv.",
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
