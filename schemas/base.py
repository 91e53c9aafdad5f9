"""The Dataset record that ties a pandera model to its warehouse table, key and sort order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandera.polars as pa
import polars as pl

SCHEMA_VERSION = "2.5.0"


@dataclass(frozen=True)
class Dataset:
    """One published table: its pandera model is the single source of truth for its columns."""

    name: str
    model: type[pa.DataFrameModel]
    description: str
    key: tuple[str, ...]
    order_by: tuple[str, ...] = field(default=())
    published: bool = True
    # The fields compared with the previous release (meta.release_changes); none: not compared.
    compared: tuple[str, ...] = field(default=())

    @property
    def schema(self) -> str:
        return self.name.split(".")[0]

    @property
    def table(self) -> str:
        return self.name.split(".")[1]

    @property
    def sort_columns(self) -> tuple[str, ...]:
        return self.order_by or self.key

    def columns(self) -> dict[str, pa.Column]:
        return dict(self.model.to_schema().columns)

    def polars_schema(self) -> pl.Schema:
        return pl.Schema({name: col.dtype.type for name, col in self.columns().items()})

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.polars_schema())

    def frame(self, rows: list[dict]) -> pl.DataFrame:
        """Build a frame with this dataset's exact column order and dtypes."""
        return pl.DataFrame(rows, schema=self.polars_schema())

    def conform(self, frame: pl.DataFrame, **fixed: object) -> pl.DataFrame:
        """This dataset's columns in order and dtype from a frame holding them (and maybe others);
        `fixed` as in `of`."""
        named = frame.with_columns(pl.lit(value).alias(name) for name, value in fixed.items())
        return named.select(
            pl.col(name).cast(dtype) for name, dtype in self.polars_schema().items()
        )

    def of(self, records: Sequence[object], **fixed: object) -> pl.DataFrame:
        """A frame from records (dataclasses) carrying its columns; `fixed` gives the same value
        to every row for the columns they lack (a run id)."""
        lacking = [name for name in self.columns() if name not in fixed]
        return self.frame([{**fixed, **{n: getattr(r, n) for n in lacking}} for r in records])


def vocab_field(vocabulary: str, description: str, *, nullable: bool = False) -> object:
    """A column whose values must be ids of a vocabulary; the check is bound at run time."""
    return pa.Field(nullable=nullable, description=description, metadata={"vocabulary": vocabulary})


class Model(pa.DataFrameModel):
    """Base of every dataset model: exact columns, coerced dtypes."""

    class Config:
        strict = True
        coerce = True


class Provenance(Model):
    """The columns that tie a row back to the document and line it came from."""

    source_id: str = pa.Field(description="Document id: the registry entry id and the file name.")
    file: str = pa.Field(description="Path of the input file, relative to the sources registry.")
    line_no: int = pa.Field(ge=1, description="1-based line of the input file the row comes from.")
