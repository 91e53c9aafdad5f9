"""Roles wherever a table prints them (interpret/layout.py): one small guide per layout, read to
findings without Prefect."""

from pipelines.interpret.abbreviations import defined, expanded
from pipelines.interpret.arms import Printed, comparison_of
from pipelines.interpret.normalize import normalize_guide
from pipelines.read.guide import parse_guide
from tests.pipelines.test_validate import pulled_file

FIELDS = (
    "table_no",
    "row_no",
    "statement_no",
    "outcome",
    "intervention",
    "comparator",
    "direction",
)


def read(tmp_path, vocab, text: str) -> list[tuple]:
    guide = tmp_path / "guide.txt"
    guide.write_text(f"# A guide\n\n{text}", encoding="utf-8")
    rows = normalize_guide(pulled_file(guide), parse_guide(guide.read_bytes()), vocab)
    return [tuple(f[field] for field in FIELDS) for f in rows["core.findings"]]


def test_the_comparison_from_the_caption(tmp_path, vocab):
    text = (
        "Comparison 5. Pimecrolimus 1% versus tacrolimus 0.1%\n\n"
        "| Outcome or subgroup title | No. of studies | No. of participants | Statistical method | Effect size |\n"
        "|---|---|---|---|---|\n"
        "| 5.1 Investigators' global assessment of response | 2 | | Risk Ratio (M-H, Random, 95% CI) | Subtotals only |\n"
        "| 5.1.1 3 weeks | 2 | 639 | Risk Ratio (M-H, Random, 95% CI) | 0.56 [0.41, 0.77] |\n"
    )  # fmt: skip
    # the subtotal row names the outcome and gives no finding; the subgroup takes its outcome
    assert read(tmp_path, vocab, text) == [
        (5, 2, 1, "iga_success", "pimecrolimus", "tacrolimus", "favours_comparator")
    ]


def test_the_comparison_from_group_rows(tmp_path, vocab):
    text = (
        "Table 1: Tacrolimus against other treatments\n\n"
        "| Outcome | Studies (participants) | Effect (95% CI) | Certainty |\n|---|---|---|---|\n"
        "| **Tacrolimus 0.1% v pimecrolimus 1%:** | | | |\n"
        "| Physician's assessment of global improvement | 1 (413) | RR 1.80 (1.34 to 2.42) | Moderate |\n"
    )  # fmt: skip
    assert read(tmp_path, vocab, text) == [
        (
            1,
            1,
            1,
            "physician_global_improvement",
            "tacrolimus",
            "pimecrolimus",
            "favours_intervention",
        )
    ]


def test_the_comparison_inside_the_outcome_cell(tmp_path, vocab):
    text = (
        "Table 2: Safety\n\nOutcome (comparison)\tResult\tCertainty\n"
        "Withdrawals for lack of efficacy, pimecrolimus 1% compared with vehicle\tFewer withdrawals with pimecrolimus [3]\tModerate\n"
    )  # fmt: skip
    assert read(tmp_path, vocab, text) == [
        (2, 1, 1, "withdrawal_lack_of_efficacy", "pimecrolimus", "vehicle", "favours_intervention")
    ]


def test_intervention_and_comparator_columns_and_their_numbers(tmp_path, vocab):
    text = (
        "Table 1: Trials\n\n"
        "| Outcome | Intervention | Comparator | Treatment n/N | Control n/N |\n|---|---|---|---|---|\n"
        "| IGA success | Roflumilast 0.3% foam | Vehicle foam | 242/304 | 89/153 |\n"
    )  # fmt: skip
    # the numbers alone say which arm did better
    assert read(tmp_path, vocab, text) == [
        (1, 1, 1, "iga_success", "roflumilast", "vehicle", "favours_intervention")
    ]


def test_effect_p_value_and_favours_columns(tmp_path, vocab):
    text = (
        "Table 1: Risk ratios\n\n"
        "| Outcome | Comparison | RR (95% CI) | P value | Favours |\n|---|---|---|---|---|\n"
        "| Failure to clear | Ketoconazole 2% vs. placebo | 0.69 (0.59 to 0.81) | < 0.001 | Ketoconazole |\n"
        "| Total clearance | TCS vs. TCI | 1.08 (0.88 to 1.32) | 0.46 | — |\n"
    )  # fmt: skip
    # 'failure to clear' is clearance counted by its failures: fewer is better
    assert read(tmp_path, vocab, text) == [
        (1, 1, 1, "complete_clearance", "ketoconazole", "vehicle", "favours_intervention"),
        (1, 2, 1, "complete_clearance", "tcs", "calcineurin_inhibitor", "no_difference"),
    ]


def test_a_time_to_an_event_counts_time_except_in_a_ratio(tmp_path, vocab):
    text = (
        "Table 1: Maintenance\n\n"
        "| Outcome | Comparison | Effect (95% CI) |\n|---|---|---|\n"
        "| Time to first relapse | Tacrolimus 0.03% vs. vehicle | HR 0.55 (0.40 to 0.75) |\n"
        "| Time to clearance | Ruxolitinib 1.5% vs. vehicle | HR 1.90 (1.30 to 2.80) |\n"
        "| Time to first relapse | Tacrolimus 0.03% vs. vehicle | Longer with tacrolimus |\n"
        "| Time to first relapse | Tacrolimus 0.03% vs. vehicle | Shorter with tacrolimus |\n"
    )  # fmt: skip
    # a hazard ratio compares the rate of the event the time runs to: fewer relapses (HR < 1)
    # and more clearances (HR > 1) are better; words about the time itself say longer is better
    assert [row[-1] for row in read(tmp_path, vocab, text)] == [
        "favours_intervention",
        "favours_intervention",
        "favours_intervention",
        "favours_comparator",
    ]


def test_a_table_whose_columns_are_the_comparisons(tmp_path, vocab):
    text = (
        "Table 1: Roflumilast by indication\n\n"
        "| Outcome | Roflumilast 0.05% cream vs. vehicle (atopic dermatitis, children aged 2\u20135 years) | Roflumilast 0.3% cream vs. vehicle (chronic plaque psoriasis, adults) |\n"
        "|---|---|---|\n| IGA success | 25.4% vs. 10.7% [4] | 28% vs. 8% (p < 0.001) [2] |\n"
        "| Certainty of evidence | Moderate | High |\n"
    )  # fmt: skip
    guide = tmp_path / "guide.txt"
    guide.write_text(f"# A guide\n\n{text}", encoding="utf-8")
    rows = normalize_guide(pulled_file(guide), parse_guide(guide.read_bytes()), vocab)
    found = [
        (f["statement_no"], f["condition"], f["population"], f["intervention_strength_pct"],
         f["direction"], f["evidence_grade"])
        for f in rows["core.findings"]
    ]  # fmt: skip
    assert found == [
        (1, "atopic_dermatitis", "pediatric", 0.05, "favours_intervention", "moderate"),
        (2, "psoriasis", "adult", 0.3, "favours_intervention", "high"),
    ]
    # each column's cell cites its own references
    assert sorted((c["ref_no"]) for c in rows["core.citations"]) == [2, 4]


def test_a_summary_of_findings_table(tmp_path, vocab):
    text = (
        "Summary of findings 1. Crisaborole 2% ointment compared to vehicle for mild-to-moderate atopic dermatitis\n\n"
        "Patient or population: children and adults aged 2 years and older\nIntervention: crisaborole 2% ointment\nComparison: vehicle\n\n"
        "| Outcomes | Anticipated absolute effects* (95% CI) | | Relative effect (95% CI) | Certainty of the evidence (GRADE) | Comments |\n"
        "|---|---|---|---|---|---|\n| | Risk with vehicle | Risk with crisaborole | | | |\n"
        "| ISGA success | 217 per 1000 | 321 per 1000 (265 to 387) | RR 1.48 (1.22 to 1.78) | ⊕⊕⊕⊕ High | [2] |\n"
        "| Application-site pain | 12 per 1000 | 44 per 1000 (19 to 104) | RR 3.79 (1.63 to 8.82) | ⊕⊕⊕◯ Moderate | Crisaborole probably increases application-site pain. [2] |\n"
    )  # fmt: skip
    guide = tmp_path / "guide.txt"
    guide.write_text(f"# A guide\n\n{text}", encoding="utf-8")
    rows = normalize_guide(pulled_file(guide), parse_guide(guide.read_bytes()), vocab)
    found = [
        (f["outcome"], f["intervention"], f["comparator"], f["population"], f["severity"],
         f["direction"], f["evidence_grade"], f["result_text"])
        for f in rows["core.findings"]
    ]  # fmt: skip
    assert found == [
        ("iga_success", "crisaborole", "vehicle", "mixed", "mild_to_moderate", "favours_intervention", "high",
         "Risk with vehicle: 217 per 1000; Risk with crisaborole: 321 per 1000 (265 to 387); Relative effect (95% CI): RR 1.48 (1.22 to 1.78)"),
        ("application_site_reactions", "crisaborole", "vehicle", "mixed", "mild_to_moderate", "favours_comparator", "moderate",
         "Crisaborole probably increases application-site pain."),
    ]  # fmt: skip


def test_a_condition_outside_the_list_is_no_listed_condition_it_contains(tmp_path, vocab):
    text = (
        "Table 1: Delgocitinib in chronic hand eczema\n\n"
        "Outcome\tComparison\tResult\tCertainty\n"
        "IGA success\tDelgocitinib cream 20 mg/g vs. vehicle cream\tMore patients cleared with delgocitinib.\tHigh\n"
    )  # fmt: skip
    guide = tmp_path / "guide.txt"
    guide.write_text(f"# Eczema\n\n{text}", encoding="utf-8")
    rows = normalize_guide(pulled_file(guide), parse_guide(guide.read_bytes()), vocab)
    [finding] = rows["core.findings"]
    assert (finding["condition"], finding["condition_text"]) == (None, "chronic hand eczema")
    assert (finding["intervention"], finding["intervention_strength_pct"]) == (None, 2.0)


def test_a_comparison_and_its_qualifiers():
    assert comparison_of(
        "Pimecrolimus 1% cream vs. vehicle cream; infants aged 3\u201323 months"
    ) == (
        Printed("Pimecrolimus 1% cream vs. vehicle cream", "", ("infants aged 3\u201323 months",))
    )
    assert comparison_of(
        "Flares over 6 months, pimecrolimus 1% compared with vehicle in children aged 2\u201317 years",
        embedded=True,
    ) == Printed(
        "pimecrolimus 1% compared with vehicle",
        "Flares over 6 months",
        ("children aged 2\u201317 years",),
    )
    assert comparison_of("Tacrolimus 0.1% v pimecrolimus 1%:", embedded=True) == Printed(
        "Tacrolimus 0.1% v pimecrolimus 1%"
    )
    assert comparison_of("Roflumilast against vehicle, by indication") is None


def test_abbreviations_a_guide_defines(vocab):
    prose = [
        "Hydrocortisone (HC) 1% is the reference mild preparation; betamethasone valerate (BMV) "
        "0.1% is potent. Topical corticosteroids (TCS) are ranked by potency (face).",
        "Atopic dermatitis (AD) is common.",
    ]
    found = defined(prose, vocab)
    # TCS is a synonym already; AD names no treatment; '(face)' is a word, not a short form
    assert found == {"HC": "Hydrocortisone", "BMV": "betamethasone valerate"}
    assert expanded("BMV 0.1% vs. HC 1% (BMVs)", found) == (
        "betamethasone valerate 0.1% vs. Hydrocortisone 1% (BMVs)"
    )


def test_a_printed_grade_in_any_common_wording_and_one_the_vocabulary_does_not_know(
    tmp_path, vocab
):
    """'Low certainty', 'moderate-quality evidence', 'Grade B' and ⊕ symbols are grades; 'Level
    1b' is kept as printed with its finding, the grade null and the term flagged."""
    rows = [
        ("IGA success", "Low certainty"),
        ("Itch", "moderate-quality evidence"),
        ("Skin atrophy", "Grade B"),
        ("Burning", "⊕⊕◯◯"),
        ("Skin infections", "Level 1b"),
    ]
    text = "Table 1: Tacrolimus 0.1% vs pimecrolimus 1%\n\n| Outcome | Result | Certainty |\n|---|---|---|\n"
    text += "".join(f"| {o} | Tacrolimus 0.1% was more effective | {g} |\n" for o, g in rows)
    guide = tmp_path / "guide.txt"
    guide.write_text(f"# A guide\n\n{text}", encoding="utf-8")
    read = normalize_guide(pulled_file(guide), parse_guide(guide.read_bytes()), vocab)
    assert [(f["evidence_grade"], f["evidence_grade_text"]) for f in read["core.findings"]] == [
        ("low", "Low certainty"),
        ("moderate", "moderate-quality evidence"),
        ("moderate", "Grade B"),
        ("low", "⊕⊕◯◯"),
        (None, "Level 1b"),
    ]
    grades = [r for r in read["quality.term_matches"] if r["vocabulary"] == "evidence_grades"]
    assert [(r["text"], r["term_id"]) for r in grades if r["method"] == "unmatched"] == [
        ("Level 1b", None)
    ]
