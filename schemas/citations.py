"""core.citations: links from a claim, finding or preclinical finding to a reference."""

import pandera.polars as pa

from schemas.base import Dataset, Provenance

CITING_DATASETS = ["claims", "findings", "preclinical_findings"]


class Citations(Provenance):
    citation_id: str = pa.Field(
        unique=True, description="Deterministic id (citing row and reference number)."
    )
    citing_dataset: str = pa.Field(
        isin=CITING_DATASETS, description="core table of the citing row."
    )
    citing_id: str = pa.Field(description="Key of the citing row in that table.")
    ref_no: int = pa.Field(ge=1, description="Reference number the marker points at.")
    reference_id: str = pa.Field(description="Key of the cited row in core.references.")


DATASET = Dataset(
    name="core.citations",
    model=Citations,
    description="One row per citation marker: which claim or finding cites which reference.",
    key=("citation_id",),
    order_by=("source_id", "line_no", "citing_dataset", "citing_id", "ref_no"),
)
