"""Verdicts of the real effect estimates on the seed's findings, and each verdict rule."""

import pytest

from pipelines.batches import process_batch
from pipelines.interpret.evidence import assess
from tests.conftest import registered

# table, row, statement → verdict, and the lines of raw/estimates/ it rests on (48 is of
# effect_estimates_more.csv: the umbrella review's RR 4.86 for skin thinning, TCS vs TCI)
SEED_VERDICTS = [
    ((1, 1, 1), "supported", [19, 20]),
    ((1, 2, 1), "supported", [12]),
    # children: lines 19/20 pool two trials, one of them of adults ('one adult trial N=413')
    ((1, 2, 2), "no_estimates", []),
    ((1, 3, 1), "no_estimates", []),
    ((1, 4, 1), "no_estimates", []),
    ((2, 1, 1), "supported", [10]),
    ((2, 2, 1), "supported", [7]),
    ((2, 3, 1), "supported", [3, 28]),
    ((2, 4, 1), "supported", [48]),
    ((2, 5, 1), "supported", [47]),
]


@pytest.fixture(scope="module")
def seed(vocab, records, estimates):
    findings = process_batch(registered("guide"), vocab, records)["core.findings"].to_dicts()
    rows = estimates["core.effect_estimates"].to_dicts()
    return findings, rows, {row["estimate_id"]: row["line_no"] for row in rows}


def verdicts(findings, rows, vocab, lines):
    checks = assess(findings, rows, vocab)
    return {
        (f["table_no"], f["row_no"], f["statement_no"]): (
            c["verdict"],
            sorted(lines[i] for i in c["estimate_ids"]),
            c,
        )
        for f, c in zip(findings, checks, strict=True)
    }


def test_every_seed_finding_gets_a_verdict(seed, vocab):
    findings, rows, lines = seed
    got = verdicts(findings, rows, vocab, lines)
    assert [(key, verdict, used) for key, (verdict, used, _) in got.items()] == SEED_VERDICTS


def test_pimecrolimus_vs_moderate_potent_tcs_is_supported_by_its_members(seed, vocab):
    findings, rows, lines = seed
    _, used, check = verdicts(findings, rows, vocab, lines)[(2, 3, 1)]
    assert used == [
        3,
        28,
    ]  # betamethasone valerate 0.1% (potent), triamcinolone acetonide 0.1% (moderate)
    assert check["reason"].startswith(
        "2 of 2 estimates exclude the null in favour of moderate/potent tcs (2 direct):"
    )
    assert (
        "(pimecrolimus 1% vs potent betamethasone_valerate 0.1%) RR 0.22 [0.09, 0.54] favours moderate/potent tcs"
        in check["reason"]
    )


def test_tacrolimus_vs_pimecrolimus_in_adults_is_supported_the_other_way_round(seed, vocab):
    findings, rows, lines = seed
    verdict, used, check = verdicts(findings, rows, vocab, lines)[(1, 1, 1)]
    assert (verdict, used) == ("supported", [19, 20])
    assert (
        "(pimecrolimus 1% vs tacrolimus 0.1%) RR 0.58 [0.46, 0.74] favours tacrolimus 0.1%"
        in check["reason"]
    )


def test_the_retracted_row_never_counts_even_where_it_matches(seed, vocab):
    findings, rows, lines = seed
    retracted = next(row for row in rows if row["retracted"])
    as_if_matching = [row | {"outcome": "iga_success"} if row is retracted else row for row in rows]
    verdict, used, check = verdicts(findings, as_if_matching, vocab, lines)[(1, 1, 1)]
    assert (verdict, used) == ("supported", [19, 20])
    assert check["excluded_estimate_ids"] == [retracted["estimate_id"]]
    assert check["reason"].endswith(
        f"Not counted: {retracted['estimate_id']} (the source is retracted)"
    )
    used_anywhere = {i for c in assess(findings, rows, vocab) for i in c["estimate_ids"]}
    assert retracted["estimate_id"] not in used_anywhere


def test_estimates_without_an_interval_are_named_not_counted(seed, vocab):
    findings, rows, lines = seed
    _, _, check = verdicts(findings, rows, vocab, lines)[(1, 3, 1)]
    assert [lines[i] for i in check["excluded_estimate_ids"]] == [49, 50, 51]
    assert check["reason"].startswith("no usable estimate matches the finding. Not counted:")


FINDING = {
    "finding_id": "f", "condition": "atopic_dermatitis", "outcome": "iga_success", "population": "unspecified",
    "intervention": "tacrolimus", "intervention_strength_pct": None, "intervention_potency": None,
    "comparator": "pimecrolimus", "comparator_strength_pct": None, "comparator_potency": None,
}  # fmt: skip


def estimate(estimate_id: str, direction: str, reversed_arms: bool = False) -> dict:
    arms = ("pimecrolimus", "tacrolimus") if reversed_arms else ("tacrolimus", "pimecrolimus")
    return {
        "estimate_id": estimate_id, "condition": "atopic_dermatitis", "outcome": "iga_success",
        "population": "unspecified", "intervention": arms[0], "intervention_strength_pct": 0.1,
        "intervention_potency": None, "comparator": arms[1], "comparator_strength_pct": 1.0,
        "comparator_potency": None, "direction": direction, "retracted": False, "measure": "rr",
        "estimate": 1.0, "ci_low": 0.5, "ci_high": 2.0, "outcome_inverted": False,
        "evidence": "direct", "derivation": None,
        "uncounted_reason": None if direction != "not_testable" else "no interval",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("claim", "directions", "expected"),
    [
        ("favours_intervention", ["favours_intervention", "favours_intervention"], "supported"),
        ("favours_intervention", ["favours_comparator"], "contradicted"),
        ("favours_intervention", ["no_difference", "no_difference"], "not_supported"),
        ("favours_intervention", ["favours_intervention", "no_difference"], "mixed"),
        ("favours_comparator", ["favours_intervention", "favours_comparator"], "mixed"),
        ("no_difference", ["no_difference"], "supported"),
        ("comparable", ["favours_comparator"], "contradicted"),
        ("comparable", ["no_difference", "favours_comparator"], "mixed"),
        ("unclassified", ["favours_intervention"], "unclassified"),
        ("favours_intervention", [], "no_estimates"),
    ],
)
def test_verdict_rules(vocab, claim, directions, expected):
    rows = [estimate(f"e{n}", direction) for n, direction in enumerate(directions)]
    [check] = assess([FINDING | {"direction": claim}], rows, vocab)
    assert check["verdict"] == expected


def test_a_reversed_estimate_is_turned_round(vocab):
    rows = [estimate("e1", "favours_comparator", reversed_arms=True)]
    [check] = assess([FINDING | {"direction": "favours_intervention"}], rows, vocab)
    assert check["verdict"] == "supported"


def test_populations_strengths_and_potency_bands_must_agree(vocab):
    adult = FINDING | {"direction": "favours_intervention", "population": "adult"}
    assert (
        assess(
            [adult], [estimate("e", "favours_intervention") | {"population": "pediatric"}], vocab
        )[0]["verdict"]
        == "no_estimates"
    )
    assert (
        assess([adult], [estimate("e", "favours_intervention")], vocab)[0]["verdict"] == "supported"
    )
    strong = FINDING | {"direction": "favours_intervention", "intervention_strength_pct": 0.03}
    assert (
        assess([strong], [estimate("e", "favours_intervention")], vocab)[0]["verdict"]
        == "no_estimates"
    )
    band = FINDING | {
        "direction": "favours_comparator",
        "comparator": "tcs",
        "comparator_potency": "moderate/potent",
    }
    mild = estimate("e", "favours_comparator") | {
        "comparator": "hydrocortisone_acetate",
        "comparator_potency": "mild",
    }
    potent = mild | {"comparator": "betamethasone_valerate", "comparator_potency": "potent"}
    assert assess([band], [mild], vocab)[0]["verdict"] == "no_estimates"
    assert assess([band], [potent], vocab)[0]["verdict"] == "supported"


def test_a_finding_whose_outcome_matched_no_entry_says_so_in_its_verdict(vocab, estimates):
    finding = {
        "finding_id": "f1",
        "condition": "atopic_dermatitis",
        "outcome": None,
        "outcome_text": "Quality of life",
        "intervention": "tacrolimus",
        "intervention_text": "Tacrolimus 0.1%",
        "intervention_strength_pct": 0.1,
        "intervention_potency": None,
        "comparator": "pimecrolimus",
        "comparator_text": "Pimecrolimus 1%",
        "comparator_strength_pct": 1.0,
        "comparator_potency": None,
        "population": "unspecified",
        "direction": "favours_intervention",
    }
    [check] = assess([finding], estimates["core.effect_estimates"].to_dicts(), vocab)
    assert (check["verdict"], check["reason"]) == (
        "no_estimates",
        "its outcome 'Quality of life' matches no vocabulary entry, so no estimate can match it",
    )


def test_an_estimate_pooled_across_strengths_counts_for_any_strength(vocab):
    strong = FINDING | {"direction": "favours_intervention", "intervention_strength_pct": 0.03}
    pooled = estimate("e", "favours_intervention") | {"intervention_strength_pct": None}
    assert assess([strong], [pooled], vocab)[0]["verdict"] == "supported"


def test_an_estimate_of_another_timepoint_band_is_named_not_counted(vocab):
    five_years = FINDING | {"direction": "favours_intervention", "timepoint_weeks": 260.0}
    three_weeks = estimate("e", "favours_comparator") | {"timepoint_weeks": 3.0}
    [check] = assess([five_years], [three_weeks], vocab)
    assert (check["verdict"], check["estimate_ids"], check["excluded_estimate_ids"]) == (
        "no_estimates",
        [],
        ["e"],
    )
    assert (
        "e (measured at 3 weeks (short term); the finding is at 5 years (long term))"
        in (check["reason"])
    )
    twelve_weeks = three_weeks | {"timepoint_weeks": 12.0}
    assert (
        assess(
            [FINDING | {"direction": "favours_comparator", "timepoint_weeks": 8.0}],
            [twelve_weeks],
            vocab,
        )[0]["verdict"]
        == "supported"
    )
