"""raw.table_cells: every cell of every guide table, lossless, with its line."""

import pandera.polars as pa

from schemas.base import Dataset, Provenance


class TableCells(Provenance):
    table_no: int = pa.Field(ge=1, description="Table number as printed.")
    row_no: int = pa.Field(ge=1, description="1-based body row within the table.")
    column_no: int = pa.Field(ge=1, description="1-based column within the header.")
    header: str = pa.Field(description="Header of the column the cell belongs to, as printed.")
    cell_text: str = pa.Field(
        description="Cell text exactly as printed (markup and citation markers kept)."
    )
    continued_from_line: int | None = pa.Field(
        nullable=True,
        description="For a merged cell carried down from the row above: the line where its text is printed.",
    )


DATASET = Dataset(
    name="raw.table_cells",
    model=TableCells,
    description="Every table cell of every guide exactly as printed, one row per cell.",
    key=("source_id", "table_no", "row_no", "column_no"),
    published=False,
)
