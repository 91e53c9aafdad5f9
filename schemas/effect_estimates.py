"""raw.effect_estimates (every field as printed) and core.effect_estimates (typed, matched, oriented)."""

import pandera.polars as pa
import polars as pl

from schemas.base import Dataset, Provenance, vocab_field
from schemas.vocabularies import SCALES

# What an estimate is, wherever its row sits: its id hashes its source file and these fields as
# printed (spaces and case folded), so inserting, deleting or moving other rows keeps it.
IDENTITY = (
    "intervention",
    "comparator",
    "condition",
    "population",
    "severity",
    "outcome",
    "timepoint",
    "measure",
    "source_citation",
)
# Columns of raw.effect_estimates an estimates CSV may leave out.
OPTIONAL = ("trials",)
_ID = (
    "Deterministic id from what the estimate is (its source file, comparison, condition, "
    "population, severity, outcome, timepoint, measure and citation as printed), not from the line "
    "it sits on; a second row with the same identity gets its own id and is quarantined as a "
    "duplicate."
)
ESTIMATE_DIRECTIONS = [
    "favours_intervention",
    "favours_comparator",
    "no_difference",
    "not_testable",
]


class RawEffectEstimates(Provenance):
    """The columns of an estimates CSV (raw/estimates/), every one kept as printed."""

    estimate_id: str = pa.Field(unique=True, description=_ID)
    intervention: str | None = pa.Field(nullable=True, description="Intervention as printed.")
    comparator: str | None = pa.Field(nullable=True, description="Comparator as printed.")
    condition: str | None = pa.Field(nullable=True, description="Condition as printed.")
    population: str | None = pa.Field(nullable=True, description="Population as printed.")
    severity: str | None = pa.Field(nullable=True, description="Severity as printed.")
    outcome: str | None = pa.Field(nullable=True, description="Outcome as printed.")
    timepoint: str | None = pa.Field(nullable=True, description="Timepoint as printed.")
    measure: str | None = pa.Field(
        nullable=True, description="Measure (and model) as printed, e.g. 'RR (M-H, random)'."
    )
    estimate: str | None = pa.Field(nullable=True, description="Point estimate as printed.")
    ci_low: str | None = pa.Field(
        nullable=True, description="Lower 95% confidence limit as printed."
    )
    ci_high: str | None = pa.Field(
        nullable=True, description="Upper 95% confidence limit as printed."
    )
    n_trials: str | None = pa.Field(nullable=True, description="Number of trials as printed.")
    n_participants: str | None = pa.Field(
        nullable=True, description="Number of participants as printed."
    )
    favours: str | None = pa.Field(
        nullable=True, description="The source's own statement of which arm the result favours."
    )
    source_citation: str | None = pa.Field(
        nullable=True, description="Where the number was read: authors, year, journal, table."
    )
    pmid_doi: str | None = pa.Field(
        nullable=True, description="Identifiers as printed (PMID, DOI, PMC id)."
    )
    url: str | None = pa.Field(nullable=True, description="Page the number was read from.")
    note: str | None = pa.Field(
        nullable=True,
        description="Notes of the person who read it (comparator arm values, caveats, retraction).",
    )
    trials: str | None = pa.Field(
        nullable=True,
        description="The trials the estimate rests on, as listed (names or registry numbers, separated by ';'); a column a CSV may leave out.",
    )


class EffectEstimates(Provenance):
    estimate_id: str = pa.Field(unique=True, description=_ID)
    intervention: str | None = vocab_field(
        "compounds",
        "Intervention: compound or class (ref.compounds id); null when the vocabulary knows none in the printed text (raw.effect_estimates has it; flagged by the terms_matched check).",
        nullable=True,
    )
    intervention_strength_pct: float | None = pa.Field(
        nullable=True, gt=0, le=100, description="Intervention strength in percent (w/w)."
    )
    intervention_formulation: str | None = vocab_field(
        "formulations", "Intervention formulation (ref.formulations id).", nullable=True
    )
    intervention_potency: str | None = pa.Field(
        nullable=True, description="Corticosteroid potency: ref.potencies ids joined by '/'."
    )
    comparator: str | None = vocab_field(
        "compounds",
        "Comparator: compound, class or control (ref.compounds id; no_comparator for a single arm); null when unknown.",
        nullable=True,
    )
    comparator_strength_pct: float | None = pa.Field(
        nullable=True, gt=0, le=100, description="Comparator strength in percent (w/w)."
    )
    comparator_formulation: str | None = vocab_field(
        "formulations", "Comparator formulation (ref.formulations id).", nullable=True
    )
    comparator_potency: str | None = pa.Field(
        nullable=True, description="Corticosteroid potency: ref.potencies ids joined by '/'."
    )
    condition: str | None = vocab_field(
        "conditions", "Condition (ref.conditions id); null when unknown.", nullable=True
    )
    population: str = vocab_field(
        "populations",
        "Population (ref.populations id), named or read from the ages printed ('aged >=12 years' is mixed); unspecified when neither.",
    )
    severity: str = vocab_field("severities", "Severity (ref.severities id), or unspecified.")
    outcome: str | None = vocab_field(
        "outcomes",
        "Outcome (ref.outcomes id); an event printed instead ('relapse') is the outcome it is the complement of (ref.events); null when unknown.",
        nullable=True,
    )
    outcome_polarity: str | None = pa.Field(
        nullable=True,
        isin=["higher", "lower"],
        description="Whether more of the outcome is better (higher) or worse (lower), from ref.outcomes.",
    )
    outcome_inverted: bool = pa.Field(
        description="The estimate measures the complement of the outcome (e.g. the risk of NOT improving)."
    )
    outcome_text: str | None = pa.Field(
        nullable=True,
        description="Outcome as printed, before any aside in brackets: what a verdict's reason says an inverted estimate measures ('RR of relapse').",
    )
    timepoint: str | None = pa.Field(nullable=True, description="Timepoint as printed.")
    timepoint_weeks: float | None = pa.Field(
        nullable=True, ge=0, description="Timepoint in weeks where the text gives one duration."
    )
    measure: str = vocab_field("measures", "Measure (ref.measures id): rr, or, sir, irr, md, nnt…")
    scale: str = pa.Field(
        isin=SCALES,
        description="Scale of the measure (from ref.measures): what its null is and whether it can be oriented.",
    )
    model: str | None = pa.Field(
        nullable=True, description="Statistical model as printed, e.g. 'M-H, random'."
    )
    evidence: str = pa.Field(
        isin=["direct", "indirect", "single_arm"],
        description="Kind of evidence: direct (the arms compared in trials), indirect (a network meta-analysis), single_arm (one arm, no comparator: never counted in a verdict). From ref.evidence_kinds phrases in the measure, comparator and note.",
    )
    design: str = pa.Field(
        isin=["randomised", "observational"],
        description="Study design: observational when ref.study_designs phrases in the citation, measure or note name an observational design (a cohort, a registry) and none a randomised one; else randomised. The certainty check starts observational evidence low.",
    )
    i2_pct: float | None = pa.Field(
        nullable=True,
        ge=0,
        le=100,
        description="I² (per cent) the note prints ('I² 54%'): the certainty check's inconsistency.",
    )
    heterogeneity_p: float | None = pa.Field(
        nullable=True,
        ge=0,
        le=1,
        description="The heterogeneity test's p-value the note prints ('heterogeneity p = 0.02').",
    )
    measure_polarity: str | None = pa.Field(
        nullable=True,
        isin=["higher", "lower"],
        description="Whether a larger printed estimate is better for the patient with the intervention (higher) or worse (lower), as polarity_basis says; null when nothing says.",
    )
    polarity_basis: str | None = pa.Field(
        nullable=True,
        isin=["stated", "favours", "outcome"],
        description="What measure_polarity rests on: stated ('lower = better' printed with the outcome), favours (the source's own favours column against the side of the null), outcome (the outcome's polarity, turned for a complement).",
    )
    reciprocal: bool = pa.Field(
        description="The ratio is printed from the comparator's side ('5.8 times less likely'), so it was turned round before orienting."
    )
    estimate: float = pa.Field(description="Point estimate as printed.")
    ci_low: float | None = pa.Field(nullable=True, description="Lower 95% confidence limit.")
    ci_high: float | None = pa.Field(nullable=True, description="Upper 95% confidence limit.")
    n_trials: int | None = pa.Field(nullable=True, ge=0, description="Number of trials pooled.")
    n_participants: int | None = pa.Field(
        nullable=True, ge=0, description="Number of participants."
    )
    comparator_value: float | None = pa.Field(
        nullable=True,
        description="For arm-level measures (percent, count): the comparator arm's value, read from the note.",
    )
    intervention_n: int | None = pa.Field(
        nullable=True,
        ge=1,
        description="Intervention arm size, where the note prints it (both arms' sizes of an arm-level row, or both arms' events and totals, '20/28 vs 6/29').",
    )
    comparator_n: int | None = pa.Field(
        nullable=True,
        ge=1,
        description="Comparator arm size, where the note prints it (as intervention_n).",
    )
    intervention_events: int | None = pa.Field(
        nullable=True,
        ge=0,
        description="Participants with the event in the intervention arm, where both arms' events and totals are printed (the note of a CSV row, the arms' n/N cells of a published table).",
    )
    comparator_events: int | None = pa.Field(
        nullable=True,
        ge=0,
        description="Participants with the event in the comparator arm (as intervention_events).",
    )
    n_events: int | None = pa.Field(
        nullable=True,
        ge=0,
        description="Participants with the event in both arms together, where printed: the arms' events added, or a note's count ('eight cases in 2068 participants'). The certainty check's information size for a dichotomous outcome.",
    )
    derivation: str | None = pa.Field(
        nullable=True,
        description="For an arm-level row with both arms' proportions and sizes: the risk ratio and its 95% interval derived by the Katz log method, with its inputs (benefit_* then hold it, oriented).",
    )
    benefit_estimate: float | None = pa.Field(
        nullable=True,
        description="The estimate oriented so that above the null means the outcome went better with the intervention (ratios inverted for harms and for complement outcomes, differences negated); null for measures that cannot be oriented.",
    )
    benefit_ci_low: float | None = pa.Field(
        nullable=True, description="Lower confidence limit of benefit_estimate."
    )
    benefit_ci_high: float | None = pa.Field(
        nullable=True, description="Upper confidence limit of benefit_estimate."
    )
    direction: str = pa.Field(
        isin=ESTIMATE_DIRECTIONS,
        description="Which arm the confidence interval favours (it excludes the null on that side), no_difference when it includes the null, not_testable without an interval or a null.",
    )
    citation: str | None = pa.Field(nullable=True, description="Source citation as printed.")
    pmid: str | None = pa.Field(nullable=True, str_matches=r"^\d+$", description="PubMed id.")
    doi: str | None = pa.Field(nullable=True, str_matches=r"^10\.\d{4,9}/\S+$", description="DOI.")
    pmcid: str | None = pa.Field(nullable=True, str_matches=r"^PMC\d+$", description="PMC id.")
    url: str | None = pa.Field(nullable=True, description="Page the number was read from.")
    trials: pl.List(pl.Utf8) = pa.Field(
        nullable=True,
        description="The trials the estimate rests on, as its source lists them (raw trials, split at ';', spaces and case folded); null when none are listed. Two estimates that both list theirs share trials exactly when the lists meet; otherwise NCT numbers in the citations and the presumption that reviews of one comparison overlap decide.",
    )
    retracted: bool = pa.Field(
        description="The source is retracted (marked in the citation or note); never counts in a verdict."
    )
    uncounted_reason: str | None = pa.Field(
        nullable=True,
        description="Why the estimate can never count in a verdict (single arm, retracted, no interval, arm sizes not printed …); null when it can.",
    )

    @pa.dataframe_check(error="a ratio measure needs estimate, ci_low and ci_high above 0")
    def ratios_are_positive(cls, data: pa.PolarsData) -> pl.LazyFrame:
        ratio = pl.col("scale") == "ratio"
        positive = (
            (pl.col("estimate") > 0)
            & (pl.col("ci_low").fill_null(1) > 0)
            & (pl.col("ci_high").fill_null(1) > 0)
        )
        return data.lazyframe.select(~ratio | positive)

    @pa.dataframe_check(error="ci_low <= estimate <= ci_high does not hold")
    def interval_holds_the_estimate(cls, data: pa.PolarsData) -> pl.LazyFrame:
        ordered = (pl.col("ci_low") <= pl.col("estimate")) & (
            pl.col("estimate") <= pl.col("ci_high")
        )
        return data.lazyframe.select(ordered.fill_null(True))

    @pa.dataframe_check(error="a count estimate must be a non-negative whole number")
    def counts_are_whole(cls, data: pa.PolarsData) -> pl.LazyFrame:
        count = pl.col("measure") == "count_arm"
        whole = (pl.col("estimate") >= 0) & (pl.col("estimate") == pl.col("estimate").floor())
        return data.lazyframe.select(~count | whole)


RAW = Dataset(
    name="raw.effect_estimates",
    model=RawEffectEstimates,
    description="Every field of every effect-estimate row, exactly as printed, with its file and line.",
    key=("estimate_id",),
    order_by=("source_id", "line_no"),
    published=False,
)
DATASET = Dataset(
    name="core.effect_estimates",
    model=EffectEstimates,
    description="One row per quantitative result: comparison, outcome, measure, estimate and interval as printed, and oriented so that it can be set against a finding.",
    key=("estimate_id",),
    order_by=("source_id", "line_no"),
    compared=(
        "intervention",
        "comparator",
        "condition",
        "population",
        "outcome",
        "measure",
        "estimate",
        "ci_low",
        "ci_high",
        "evidence",
        "benefit_estimate",
        "direction",
        "retracted",
        "uncounted_reason",
    ),
)
