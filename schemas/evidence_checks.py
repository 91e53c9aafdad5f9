"""core.evidence_checks: does the quantitative evidence support each finding's claim?"""

import pandera.polars as pa
import polars as pl

from schemas.base import Dataset, Model

VERDICTS = ["supported", "contradicted", "not_supported", "mixed", "no_estimates", "unclassified"]


class EvidenceChecks(Model):
    finding_id: str = pa.Field(unique=True, description="The finding judged (core.findings key).")
    verdict: str = pa.Field(
        isin=VERDICTS,
        description="supported (the matching intervals agree with the claim), contradicted (they exclude the null the other way, or exclude it for a no-difference claim), not_supported (a directional claim whose intervals all include the null), mixed (estimates disagree), no_estimates (none usable), unclassified (the finding states no direction to test).",
    )
    reason: str = pa.Field(
        description="Why, in a sentence, naming the estimates and what each shows."
    )
    estimate_ids: pl.List(pl.Utf8) = pa.Field(
        description="The core.effect_estimates rows the verdict rests on (retracted or untestable ones are not among them)."
    )
    excluded_estimate_ids: pl.List(pl.Utf8) = pa.Field(
        description="Estimates that match the finding but cannot count (their uncounted_reason says why: retracted, single arm, no interval, arm sizes not printed …)."
    )
    reversed_estimate_ids: pl.List(pl.Utf8) = pa.Field(
        description="Counted estimates that compare the finding's arms the other way round (turned round for the verdict: a ratio inverted, a difference negated)."
    )
    counted_direct: int = pa.Field(
        ge=0, description="How many of the counted estimates compare the arms directly."
    )
    counted_indirect: int = pa.Field(
        ge=0, description="How many of the counted estimates are indirect (network meta-analyses)."
    )


DATASET = Dataset(
    name="core.evidence_checks",
    model=EvidenceChecks,
    description="One row per finding: the verdict of the matching effect estimates on its claim, with the reason and the estimates used.",
    key=("finding_id",),
    compared=("verdict", "estimate_ids", "excluded_estimate_ids"),
)
