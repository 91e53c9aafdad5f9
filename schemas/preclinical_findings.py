"""core.preclinical_findings: one row per row of a preclinical profile table."""

import pandera.polars as pa

from schemas.base import Dataset, Provenance, vocab_field


class PreclinicalFindings(Provenance):
    preclinical_finding_id: str = pa.Field(
        unique=True,
        description="Deterministic id (source, position of the table in the document, row).",
    )
    table_no: int = pa.Field(ge=1, description="Table the row comes from.")
    row_no: int = pa.Field(ge=1, description="1-based body row within the table.")
    compound: str = vocab_field(
        "compounds", "Compound profiled (ref.compounds id), from the table title."
    )
    parameter: str = pa.Field(description="Parameter measured, as printed.")
    finding_text: str = pa.Field(description="Finding as printed, citation markers removed.")
    implication: str | None = pa.Field(nullable=True, description="Stated implication, as printed.")
    comparator: str | None = vocab_field(
        "compounds", "Compound the finding is relative to (ref.compounds id).", nullable=True
    )
    model: str | None = pa.Field(
        nullable=True, description="Experimental model named in the finding."
    )
    fold_low: float | None = pa.Field(
        nullable=True, gt=0, description="Lower bound of a stated fold difference."
    )
    fold_high: float | None = pa.Field(
        nullable=True, gt=0, description="Upper bound of a stated fold difference."
    )


DATASET = Dataset(
    name="core.preclinical_findings",
    model=PreclinicalFindings,
    description="One row per preclinical profile row: compound, parameter, finding, implication, comparator, model and fold range.",
    key=("preclinical_finding_id",),
    order_by=("source_id", "table_no", "row_no"),
)
