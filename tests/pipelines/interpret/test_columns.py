"""Column roles from header and cells together: the same roles whatever the header words."""

import pytest

from pipelines.interpret.columns import table_roles
from pipelines.read.guide_text import parse_guide_text

EVIDENCE = [
    (
        "IGA success",
        "Tacrolimus 0.1% vs. Pimecrolimus 1%",
        "Tacrolimus 0.1% is more effective.",
        "High",
    ),
    (
        "Skin atrophy",
        "Tacrolimus vs. Betamethasone valerate",
        "Less frequent with tacrolimus.",
        "Low",
    ),
    (
        "Burning",
        "Pimecrolimus 1% vs. Vehicle",
        "Reported more often with pimecrolimus (10% vs 4%).",
        "Moderate",
    ),
]


def roles(header, rows, vocab, title="Trials in atopic dermatitis"):
    block = "\n".join("\t".join(row) for row in [header, *rows])
    [table] = parse_guide_text(f"# T\n\nTable 1: {title}\n\n{block}\n").tables
    found = table_roles(table, vocab)
    return found.kind, [column.role for column in found.columns], found


@pytest.mark.parametrize(
    "header",
    [
        ("Outcome", "Comparison", "Result", "Grade"),
        ("Clinical endpoint", "Arms", "What the trials showed", "Confidence in estimate"),
        ("Column 1", "Column 2", "Column 3", "Column 4"),
    ],
)
def test_roles_come_from_the_cells_whatever_the_header_says(vocab, header):
    kind, found, _ = roles(header, EVIDENCE, vocab)
    assert (kind, found) == ("comparative", ["outcome", "comparison", "result", "evidence_grade"])


def test_columns_in_another_order_keep_their_roles(vocab):
    header = ("Grade", "Result", "Comparison", "Outcome")
    kind, found, _ = roles(header, [row[::-1] for row in EVIDENCE], vocab)
    assert (kind, found) == ("comparative", ["evidence_grade", "result", "comparison", "outcome"])


def test_how_each_role_was_decided_is_recorded(vocab):
    _, _, found = roles(("Outcome", "Arms", "Column 3", "GRADE rating"), EVIDENCE, vocab)
    assert [(c.header_score, c.content_score) for c in found.columns] == [
        (1.0, 0.833),  # 'Burning' is no outcome term: a short label counts half
        (0.0, 1.0),
        (0.0, 1.0),
        (0.8, 1.0),
    ]


def test_a_population_column_qualifies_and_a_table_without_grades_still_reads(vocab):
    header = ("Regimens", "Who was studied", "Measure", "Effect")
    rows = [
        (
            "Roflumilast 0.3% cream vs. vehicle",
            "Plaque psoriasis, aged 2 years and older",
            "IGA success",
            "Vehicle was inferior.",
        ),
        (
            "Roflumilast 0.15% cream vs. vehicle",
            "Atopic dermatitis, aged 6 years and older",
            "IGA success",
            "28.9% vs. 12.0%",
        ),
    ]
    kind, found, _ = roles(header, rows, vocab)
    # who was studied, named by condition and age: the condition's column (and qualifies the rows)
    assert (kind, found) == ("comparative", ["comparison", "condition", "outcome", "result"])


@pytest.mark.parametrize(
    ("header", "rows"),
    [
        # product specifications
        (("Property", "Specification"), [("CAS number", "65277-42-1"), ("Purity", "≥ 98% (HPLC)")]),
        # a dosing schedule
        (("Patient group", "Strength", "Acute phase"), [("Children 2-15 years", "0.03%", "Twice daily for up to 3 weeks")]),
        # trial characteristics: arms compared, but no result
        (("Trial", "Design", "N", "Arms"), [("Kragballe 1991", "Double-blind", "345", "Calcipotriol vs. betamethasone valerate"), ("Oranje 1997", "Double-blind", "77", "Calcipotriol vs. vehicle")]),
    ],
)  # fmt: skip
def test_tables_that_are_not_evidence_are_another_kind_and_no_error(vocab, header, rows):
    assert roles(header, rows, vocab)[0] == "other"


def test_a_header_of_evidence_whose_cells_do_not_bear_it_out_is_unknown(vocab):
    header = ("Outcome", "Comparison", "Notes", "Grade")
    rows = [("IGA success", "A vs. B", "see text", "High"), ("EASI", "A vs. C", "-", "Low")]
    kind, _, found = roles(header, rows, vocab)
    assert kind == "unknown" and "no column's cells read as result" in found.reason


def test_a_short_row_is_aligned_by_what_its_cells_hold(vocab, tmp_path):
    from pipelines.interpret.normalize import normalize_guide
    from pipelines.read.guide import parse_guide
    from tests.pipelines.test_validate import pulled_file

    guide = tmp_path / "short-row.txt"
    guide.write_text(
        "# T\n\nTable 1: Trials in atopic dermatitis\n\nOutcome\tComparison\tResult\tGrade\n"
        "IGA success\tTacrolimus 0.1% vs. Pimecrolimus 1%\tTacrolimus 0.1% is more effective.\tHigh\n"
        # merged outcome above: the row's cells belong under comparison, result and grade
        "Tacrolimus 0.03% vs. Pimecrolimus 1%\tNo significant difference.\tModerate\t\n"
        # an outcome and a comparison whose result and grade are missing: not under the last two
        "Skin atrophy\tTacrolimus vs. TCS\t\t\n",
        encoding="utf-8",
    )
    rows = normalize_guide(pulled_file(guide), parse_guide(guide.read_bytes()), vocab)
    assert [(f["row_no"], f["outcome"], f["direction"]) for f in rows["core.findings"]] == [
        (1, "iga_success", "favours_intervention"),
        (2, "iga_success", "no_difference"),
    ]
    assert [(e["line_no"], e["error"]) for e in rows["quality.source_errors"]] == [
        (8, "table_shape")
    ]
