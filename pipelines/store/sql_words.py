"""SQL that says what a row is in words, shared by the report, the release summary and the
release changes: an arm from its ids, and the findings that have a counted estimate."""

from __future__ import annotations


def arm(prefix: str, compounds: str, text: str = "NULL") -> str:
    """'potent Topical corticosteroids', 'Tacrolimus 0.1%': a class's potency band, the
    vocabulary's name (else the printed `text`), the strength. `prefix` is the arm's column
    ('f.intervention'), `compounds` the alias of ref.compounds joined on it."""
    return (
        f"CASE WHEN {compounds}.kind = 'class' THEN coalesce({prefix}_potency || ' ', '') ELSE '' END"
        f" || coalesce({compounds}.name, {text}, '?')"
        f" || coalesce(' ' || format('{{:g}}', {prefix}_strength_pct) || '%', '')"
    )


def comparison(row: str, text: bool = True) -> str:
    """'Tacrolimus 0.1% vs Pimecrolimus 1%' of a row aliased `row`, whose arms are joined to
    ref.compounds as `{row}i` and `{row}c` (COMPARED_ARMS)."""
    printed = (f"{row}.intervention_text", f"{row}.comparator_text") if text else ("NULL", "NULL")
    return (
        f"{arm(f'{row}.intervention', f'{row}i', printed[0])} || ' vs ' || "
        f"{arm(f'{row}.comparator', f'{row}c', printed[1])}"
    )


def compared_arms(row: str) -> str:
    """The joins `comparison` reads, and the outcome's label as `{row}o`."""
    return (
        f"LEFT JOIN ref.compounds {row}i ON {row}i.id = {row}.intervention "
        f"LEFT JOIN ref.compounds {row}c ON {row}c.id = {row}.comparator "
        f"LEFT JOIN ref.outcomes {row}o ON {row}o.id = {row}.outcome"
    )


# Findings with a counted estimate, in the findings' order: e is the check, f the finding.
COUNTED_FINDINGS = (
    "FROM core.evidence_checks e JOIN core.findings f USING (finding_id) "
    + compared_arms("f")
    + " WHERE len(e.estimate_ids) > 0"
)
FINDINGS_IN_ORDER = "f.source_id, f.table_no, f.row_no, f.statement_no"
