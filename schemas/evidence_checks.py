"""core.evidence_checks: does the quantitative evidence support each finding's claim, and how
certain is it? core.verdict_estimates: every estimate considered for a finding, with its fit."""

import pandera.polars as pa
import polars as pl

from schemas.base import Dataset, Model, vocab_field

ROLES = ["pooled", "counted", "overlap", "misfit", "unusable"]
FITS = ["same", "broader", "narrower", "different", "unknown"]
GRADE_CHECKS = [
    "consistent",
    "printed_may_be_too_high",
    "printed_may_be_too_low",
    "no_printed_grade",
    "printed_grade_unknown",
]
VERDICTS = ["supported", "contradicted", "not_supported", "mixed", "no_estimates", "unclassified"]


class EvidenceChecks(Model):
    finding_id: str = pa.Field(unique=True, description="The finding judged (core.findings key).")
    verdict: str = pa.Field(
        isin=VERDICTS,
        description="supported (the matching intervals agree with the claim), contradicted (they exclude the null the other way, or exclude it for a no-difference claim), not_supported (a directional claim whose intervals all include the null), mixed (estimates disagree), no_estimates (none usable), unclassified (the finding states no direction to test).",
    )
    reason: str = pa.Field(
        description="Why, in words: the pooled estimate first, then each counted estimate as the finding reads it (measure, value and interval, timepoint, population, source, what was turned round), then those not counted and why."
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
    pooled_measure: str | None = pa.Field(
        nullable=True,
        description="Measure of the pooled estimate (ref.measures id); null when fewer than two independent estimates of one measure count.",
    )
    pooled_estimate: float | None = pa.Field(
        nullable=True,
        description="Random-effects (Paule-Mandel) pooled estimate, the finding's intervention first; ratios pooled on the log scale.",
    )
    pooled_ci_low: float | None = pa.Field(nullable=True, description="Its 95% interval, lower.")
    pooled_ci_high: float | None = pa.Field(nullable=True, description="Its 95% interval, upper.")
    pooled_k: int | None = pa.Field(nullable=True, ge=2, description="Estimates pooled.")
    tau2: float | None = pa.Field(
        nullable=True,
        ge=0,
        description="Between-estimate variance τ² (Paule-Mandel), log scale for ratios.",
    )
    i2: float | None = pa.Field(
        nullable=True,
        ge=0,
        le=100,
        description="I² (per cent), Higgins and Thompson's, from Cochran's Q.",
    )
    pi_low: float | None = pa.Field(
        nullable=True,
        description="95% prediction interval, lower (t with k-2 degrees of freedom); null under three estimates.",
    )
    pi_high: float | None = pa.Field(nullable=True, description="95% prediction interval, upper.")
    q: float | None = pa.Field(
        nullable=True, ge=0, description="Cochran's Q of the pooled estimates (df = pooled_k - 1)."
    )
    q_p: float | None = pa.Field(
        nullable=True,
        ge=0,
        le=1,
        description="Its p value (χ² with pooled_k - 1 degrees of freedom).",
    )
    z: float | None = pa.Field(
        nullable=True,
        description="Test for the overall effect: the pooled (Paule-Mandel) estimate over its standard error, log scale for ratios.",
    )
    z_p: float | None = pa.Field(nullable=True, ge=0, le=1, description="Its two-sided p value.")
    dl_estimate: float | None = pa.Field(
        nullable=True, description="The DerSimonian-Laird pooled estimate, as RevMan prints it."
    )
    dl_ci_low: float | None = pa.Field(nullable=True, description="Its 95% interval, lower.")
    dl_ci_high: float | None = pa.Field(nullable=True, description="Its 95% interval, upper.")
    dl_tau2: float | None = pa.Field(
        nullable=True, ge=0, description="τ² by DerSimonian and Laird."
    )
    certainty: str | None = vocab_field(
        "evidence_grades",
        "Certainty the check gives (ref.evidence_grades id): randomised evidence starts high, observational low, and is rated down one grade per serious domain, two for a very serious one (appraise/certainty.py); null without a counted estimate.",
        nullable=True,
    )
    imprecision: bool | None = pa.Field(
        nullable=True,
        description="Serious imprecision: the interval read includes the null (or, for a no-difference finding, an appreciable effect), or the best-informed estimate's events, participants or the events its interval implies fall short of the optimal information size (ref.certainty_rules).",
    )
    imprecision_reason: str | None = pa.Field(
        nullable=True,
        description="Why imprecision rates the evidence down ('very serious, 8 events, under 300'); null when it does not: a summary of findings' footnote.",
    )
    inconsistency: bool | None = pa.Field(
        nullable=True,
        description="Serious inconsistency: I² above the threshold (pooled, or printed with an estimate), a printed heterogeneity p under its threshold, or counted estimates on both sides of the null.",
    )
    inconsistency_reason: str | None = pa.Field(
        nullable=True,
        description="Why inconsistency rates the evidence down; null when it does not.",
    )
    indirectness: bool | None = pa.Field(
        nullable=True,
        description="Serious indirectness: every counted estimate is indirect (a fit ref.estimate_fits marks indirect, a network meta-analysis's comparison of two treatments, a multi-trial pool of an unstated population for an age-specific finding); a direct one beside them is the best evidence.",
    )
    indirectness_reason: str | None = pa.Field(
        nullable=True,
        description="Why indirectness rates the evidence down; null when it does not.",
    )
    n_trials: int | None = pa.Field(
        nullable=True,
        ge=0,
        description="Trials behind the evidence read, where printed: the pooled estimates' added (they share no trials), else those of the counted estimate with the most participants (estimates that may share trials are never added).",
    )
    n_participants: int | None = pa.Field(
        nullable=True, ge=0, description="Participants behind the evidence read, as n_trials."
    )
    grade_check: str | None = pa.Field(
        nullable=True,
        isin=GRADE_CHECKS,
        description="The printed evidence grade against the check: consistent, printed_may_be_too_high, printed_may_be_too_low, no_printed_grade, or printed_grade_unknown (a grade the vocabulary does not know is printed: core.findings evidence_grade_text).",
    )
    certainty_reason: str | None = pa.Field(
        nullable=True, description="Each domain and why, in words, and the grade it gives."
    )


class VerdictEstimates(Model):
    finding_id: str = pa.Field(description="The finding (core.findings key).")
    estimate_id: str = pa.Field(description="The estimate considered (core.effect_estimates key).")
    role: str = pa.Field(
        isin=ROLES,
        description="pooled (counted, in the pooled estimate), counted (counted alone), overlap (the same source's estimate of the same comparison is counted instead), misfit (a fit that does not count), unusable (its uncounted_reason).",
    )
    counted: bool = pa.Field(description="Whether the verdict rests on it (pooled or counted).")
    why: str | None = pa.Field(
        nullable=True, description="Why it is not counted, in words; null when it is."
    )
    orientation: str = pa.Field(
        isin=["same", "reversed"],
        description="Whether the estimate names the finding's arms in the finding's order or the other way round.",
    )
    arms_fit: str = pa.Field(isin=FITS, description="Arms' fit (ref.estimate_fits).")
    outcome_fit: str = pa.Field(
        isin=["same", "construct"],
        description="Outcome's fit: the finding's outcome, or another of its construct (ref.outcomes construct).",
    )
    population_fit: str = pa.Field(isin=FITS, description="Population's fit.")
    severity_fit: str = pa.Field(isin=FITS, description="Severity's fit.")
    timepoint_fit: str = pa.Field(isin=FITS, description="Timepoint band's fit.")
    indirect: bool = pa.Field(
        description="Counted as indirect evidence: a fit ref.estimate_fits marks indirect, or a network meta-analysis."
    )
    source: str = pa.Field(description="First author and year, the review's id, or the journal.")
    measure: str = pa.Field(
        description="Measure as read (ref.measures id; rr for a risk ratio derived from arm counts)."
    )
    estimate: float | None = pa.Field(
        nullable=True,
        description="The estimate in its own measure with the finding's intervention first (turned round when printed the other way or as 'times less likely'); null when it cannot be oriented.",
    )
    ci_low: float | None = pa.Field(nullable=True, description="Its 95% interval, lower.")
    ci_high: float | None = pa.Field(nullable=True, description="Its 95% interval, upper.")
    direction: str = pa.Field(
        description="Which arm of the finding it favours (favours_intervention, favours_comparator), no_difference, or not_testable."
    )
    weight: float | None = pa.Field(
        nullable=True,
        ge=0,
        le=1,
        description="Its share of the pooled estimate's random-effects weight.",
    )
    shares_trials_with: pl.List(pl.Utf8) = pa.Field(
        description="Other counted estimates that share one of its trials (listed trials that meet, the same NCT number, or overlapping reviews of the comparison when not both list their trials): never pooled together."
    )


VERDICT_ESTIMATES = Dataset(
    name="core.verdict_estimates",
    model=VerdictEstimates,
    description="One row per finding and estimate considered for it: the fit of each dimension, its role in the verdict and why, and its value as the finding reads it.",
    key=("finding_id", "estimate_id"),
)

DATASET = Dataset(
    name="core.evidence_checks",
    model=EvidenceChecks,
    description="One row per finding: the verdict of the matching effect estimates on its claim, with the reason and the estimates used.",
    key=("finding_id",),
    compared=("verdict", "certainty", "estimate_ids", "excluded_estimate_ids"),
)
