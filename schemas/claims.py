"""core.claims: narrative sentences of a guide that carry citation markers."""

import pandera.polars as pa

from schemas.base import Dataset, Provenance


class Claims(Provenance):
    claim_id: str = pa.Field(
        unique=True,
        description="Deterministic id (source, position of the claim in the document), the same in every rendering.",
    )
    sentence_no: int = pa.Field(ge=1, description="1-based sentence within its paragraph.")
    section: str | None = pa.Field(
        nullable=True, description="Heading of the section the sentence stands in."
    )
    claim_text: str = pa.Field(description="The sentence, citation markers and markup removed.")


DATASET = Dataset(
    name="core.claims",
    model=Claims,
    description="One row per narrative sentence that cites references.",
    key=("claim_id",),
    order_by=("source_id", "line_no", "sentence_no"),
)
