"""The views of the warehouse: their SQL, what they are for and what each column holds.

A view's column takes the description of the same column in the first of its `sources` that has
it; `columns` describes the computed and renamed ones. store/load.py creates the views and their
COMMENTs from here, render.py puts them in the data dictionary, and a test fails when a column
has no description.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas import BY_NAME


@dataclass(frozen=True)
class View:
    name: str
    description: str
    query: str
    sources: tuple[str, ...]
    columns: dict[str, str] = field(default_factory=dict)

    def describe(self, column: str) -> str | None:
        if column in self.columns:
            return self.columns[column]
        for source in self.sources:
            described = BY_NAME[source].columns().get(column)
            if described is not None:
                return described.description
        return None


VIEWS = (
    View(
        name="core.finding_citations",
        description="Each finding with each reference it cites and how that reference resolved.",
        query="""
        SELECT f.finding_id, f.source_id, f.table_no, f.row_no, f.outcome, f.intervention,
               f.comparator, f.direction, f.evidence_grade, c.ref_no, r.title AS reference_title,
               r.pmid, r.match_method
        FROM core.findings f
        JOIN core.citations c ON c.citing_dataset = 'findings' AND c.citing_id = f.finding_id
        JOIN core.references r ON r.reference_id = c.reference_id
    """,
        sources=("core.findings", "core.citations", "core.references"),
        columns={
            "reference_title": "Title of the cited reference as printed (core.references.title)."
        },
    ),
    View(
        name="core.findings_readable",
        description="Each finding with labels instead of ids: the guide's title, condition, outcome and arm names.",
        query="""
        SELECT f.finding_id, s.title AS document, f.table_no, f.row_no, f.statement_no,
               cond.label AS condition, o.label AS outcome, o.polarity,
               ci.name AS intervention, f.intervention_strength_pct, f.intervention_potency,
               cc.name AS comparator, f.comparator_strength_pct, f.comparator_potency,
               f.population, f.severity, f.direction, f.evidence_grade, f.result_text
        FROM core.findings f
        JOIN core.sources s USING (source_id)
        LEFT JOIN ref.conditions cond ON cond.id = f.condition
        LEFT JOIN ref.outcomes o ON o.id = f.outcome
        LEFT JOIN ref.compounds ci ON ci.id = f.intervention
        LEFT JOIN ref.compounds cc ON cc.id = f.comparator
    """,
        sources=("core.findings", "ref.outcomes"),
        columns={
            "document": "Title of the guide (core.sources.title).",
            "condition": "Condition label (ref.conditions.label).",
            "outcome": "Outcome label (ref.outcomes.label).",
            "polarity": "Whether a higher or a lower value of the outcome is better (ref.outcomes).",
            "intervention": "Intervention name (ref.compounds.name).",
            "comparator": "Comparator name (ref.compounds.name).",
        },
    ),
    View(
        name="core.finding_verdicts",
        description="Each finding with its verdict, pooled estimate, certainty check, reason and citations.",
        query="""
        SELECT f.finding_id, f.source_id, f.table_no, f.row_no, f.statement_no, f.condition,
               f.outcome, f.intervention, f.intervention_strength_pct, f.comparator,
               f.comparator_strength_pct, f.comparator_potency, f.population, f.direction,
               f.evidence_grade, e.verdict, e.counted_direct, e.counted_indirect, e.reason,
               e.estimate_ids, e.excluded_estimate_ids, e.pooled_measure, e.pooled_estimate,
               e.pooled_ci_low, e.pooled_ci_high, e.i2, e.certainty, e.grade_check,
               (SELECT string_agg('[' || c.ref_no || ']' || coalesce(' PMID ' || r.pmid, ''), ' '
                                  ORDER BY c.ref_no)
                FROM core.citations c JOIN core.references r USING (reference_id)
                WHERE c.citing_dataset = 'findings' AND c.citing_id = f.finding_id) AS cited
        FROM core.findings f
        LEFT JOIN core.evidence_checks e USING (finding_id)
    """,
        sources=("core.findings", "core.evidence_checks"),
        columns={
            "cited": "The references the finding cites, as '[n] PMID …', in reference order.",
        },
    ),
)
