"""core.findings: one row per comparative statement in a guide table."""

import pandera.polars as pa

from schemas.base import Dataset, Provenance, vocab_field

DIRECTIONS = [
    "favours_intervention",
    "favours_comparator",
    "no_difference",
    "comparable",
    "unclassified",
]


class Findings(Provenance):
    finding_id: str = pa.Field(
        unique=True,
        description="Deterministic id (source, position of the table in the document, row, statement).",
    )
    table_no: int = pa.Field(ge=1, description="Table the finding comes from.")
    row_no: int = pa.Field(ge=1, description="1-based body row within the table.")
    statement_no: int = pa.Field(
        ge=1,
        description="1-based statement within the row's result; a result naming subgroups yields several.",
    )
    condition: str | None = vocab_field(
        "conditions",
        "Condition (ref.conditions id), from the most specific place that names one: the row (a condition or population column, the comparison's asides), the table title, its section, the guide's title; null when no vocabulary entry covers it (see condition_text and quality.term_matches).",
        nullable=True,
    )
    condition_text: str | None = pa.Field(
        nullable=True,
        description="The condition as printed where it was read; for a null condition, the text that names none the vocabulary knows (a condition cell, else the table title); null when the page prints none.",
    )
    outcome: str | None = vocab_field(
        "outcomes",
        "Outcome (ref.outcomes id); null when the printed outcome matches no entry (kept in outcome_text, flagged in quality.checks).",
        nullable=True,
    )
    outcome_text: str = pa.Field(description="Outcome as printed (carried down for merged cells).")
    timepoint_weeks: float | None = pa.Field(
        nullable=True,
        ge=0,
        description="When the outcome was measured, in weeks: the first duration the outcome, the comparison, the statement or the table title prints ('week 12', '5 years'; an age is none); null when none does.",
    )
    intervention: str | None = vocab_field(
        "compounds",
        "Intervention: compound or class (ref.compounds id); the first treatment of the comparison; null when the vocabulary knows none in intervention_text.",
        nullable=True,
    )
    intervention_text: str = pa.Field(description="Intervention as printed in the comparison.")
    intervention_strength_pct: float | None = pa.Field(
        nullable=True, gt=0, le=100, description="Intervention strength in percent (w/w)."
    )
    intervention_formulation: str | None = vocab_field(
        "formulations", "Intervention formulation (ref.formulations id).", nullable=True
    )
    intervention_potency: str | None = pa.Field(
        nullable=True,
        description="Corticosteroid potency of the intervention: ref.potencies ids joined by '/'.",
    )
    comparator: str | None = vocab_field(
        "compounds",
        "Comparator: compound or class (ref.compounds id); null when the vocabulary knows none in comparator_text.",
        nullable=True,
    )
    comparator_text: str = pa.Field(description="Comparator as printed in the comparison.")
    comparator_strength_pct: float | None = pa.Field(
        nullable=True, gt=0, le=100, description="Comparator strength in percent (w/w)."
    )
    comparator_formulation: str | None = vocab_field(
        "formulations", "Comparator formulation (ref.formulations id).", nullable=True
    )
    comparator_potency: str | None = pa.Field(
        nullable=True,
        description="Corticosteroid potency of the comparator: ref.potencies ids joined by '/'.",
    )
    population: str = vocab_field(
        "populations", "Population (ref.populations id): adult, pediatric, mixed or unspecified."
    )
    severity: str = vocab_field(
        "severities", "Disease severity (ref.severities id), or unspecified."
    )
    direction: str = pa.Field(
        isin=DIRECTIONS,
        description="Which arm the statement favours, from the result text and the outcome's polarity; unclassified when the rules cannot tell.",
    )
    direction_reason: str | None = pa.Field(
        nullable=True,
        description="Why the rules could not tell the direction (only when direction is unclassified).",
    )
    result_text: str = pa.Field(
        description="The statement as printed, citation markers and markup removed."
    )
    evidence_grade: str | None = vocab_field(
        "evidence_grades",
        "Strength of evidence (ref.evidence_grades id): the grade printed in any common wording ('Low certainty', 'moderate-quality evidence', '⊕⊕◯◯', 'Grade B'); null when the table prints none or one the vocabulary does not know (evidence_grade_text has it).",
        nullable=True,
    )
    evidence_grade_text: str | None = pa.Field(
        nullable=True,
        description="The grade as printed; kept when the vocabulary does not know it, never a reason to set the finding aside.",
    )


DATASET = Dataset(
    name="core.findings",
    model=Findings,
    description="One row per comparative statement: who was compared with what, on which outcome, in whom, which way it went and how strong the evidence is.",
    key=("finding_id",),
    order_by=("source_id", "table_no", "row_no", "statement_no"),
    compared=(
        "condition",
        "outcome",
        "outcome_text",
        "intervention",
        "intervention_strength_pct",
        "intervention_potency",
        "comparator",
        "comparator_strength_pct",
        "comparator_potency",
        "population",
        "severity",
        "direction",
        "result_text",
        "evidence_grade",
    ),
)
