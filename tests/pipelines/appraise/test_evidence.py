"""Verdicts of the real effect estimates on the seed's findings, and each verdict rule."""

import pytest

from pipelines.appraise.evidence import assess
from pipelines.appraise.pooling import pool
from pipelines.batches import process_batch
from tests.conftest import registered

# table, row, statement → verdict, the lines of raw/estimates/ it rests on (48 is of
# effect_estimates_more.csv: the umbrella review's RR 4.86 for skin thinning, TCS vs TCI), the
# certainty the check gives and how the printed grade compares
SEED_VERDICTS = [
    ((1, 1, 1), "supported", [19], "high", "consistent"),
    # RR 1.41 [0.89, 2.22] for no difference: far past 1.25, about 74 events (certainty-judged)
    ((1, 2, 1), "supported", [12], "low", "printed_may_be_too_high"),
    # children: lines 19/20 pool two trials, one of them of adults ('one adult trial N=413')
    ((1, 2, 2), "no_estimates", [], None, None),
    ((1, 3, 1), "no_estimates", [], None, None),
    ((1, 4, 1), "no_estimates", [], None, None),
    ((2, 1, 1), "supported", [10], "low", "printed_may_be_too_high"),
    ((2, 2, 1), "supported", [7], "moderate", "printed_may_be_too_high"),
    ((2, 3, 1), "supported", [3, 28], "high", "consistent"),
    # eight cases in 2068 participants: far under 300 events (certainty-judged: low)
    ((2, 4, 1), "supported", [48], "low", "printed_may_be_too_high"),
    ((2, 5, 1), "supported", [47], "high", "consistent"),
]


@pytest.fixture(scope="module")
def seed(vocab, records, estimates):
    findings = process_batch(registered("guide"), vocab, records)["core.findings"].to_dicts()
    rows = estimates["core.effect_estimates"].to_dicts()
    return findings, rows, {row["estimate_id"]: row["line_no"] for row in rows}


def verdicts(findings, rows, vocab, lines):
    checks, considered = assess(findings, rows, vocab)
    return {
        (f["table_no"], f["row_no"], f["statement_no"]): (
            c["verdict"],
            sorted(lines[i] for i in c["estimate_ids"]),
            c,
            {lines[r["estimate_id"]]: r for r in considered if r["finding_id"] == f["finding_id"]},
        )
        for f, c in zip(findings, checks, strict=True)
    }


def test_every_seed_finding_gets_a_verdict_and_a_certainty_check(seed, vocab):
    findings, rows, lines = seed
    got = verdicts(findings, rows, vocab, lines)
    assert [
        (key, verdict, used, check.get("certainty"), check.get("grade_check"))
        for key, (verdict, used, check, _) in got.items()
    ] == SEED_VERDICTS


def test_one_source_at_two_timepoints_counts_once_and_the_reason_reads_as_the_finding(seed, vocab):
    findings, rows, lines = seed
    _, used, check, considered = verdicts(findings, rows, vocab, lines)[(1, 1, 1)]
    assert used == [19]
    assert (considered[19]["role"], considered[20]["role"]) == ("counted", "overlap")
    assert (considered[19]["estimate"], considered[19]["ci_low"]) == pytest.approx(
        (1 / 0.56, 1 / 0.77)
    )
    assert check["reason"] == (
        "1 of 1 estimates exclude the null in favour of tacrolimus 0.1%: Cochrane CD005500 2007 "
        "(3 weeks; adults; 2 trials, 639 participants): RR 1.79 [1.30, 2.44], tacrolimus 0.1% vs "
        "pimecrolimus 1% (from RR 0.56 [0.41, 0.77] for pimecrolimus 1% vs tacrolimus 0.1%, "
        "turned round: the finding names the arms the other way round) — favours tacrolimus 0.1%. "
        "Not counted: Cochrane CD005500 2007 (6 weeks, tacrolimus 0.1% vs pimecrolimus 1%): the "
        "same source's estimate at 3 weeks is counted: one source counts once; Cury Martins 2015 "
        "(Cochrane CD009864) (not stated, tacrolimus 0.1% vs pimecrolimus 1%): it measures "
        "physician's global assessment of improvement, another outcome of the finding's "
        "construct; Yin 2012 (week 3, tacrolimus 0.1% vs pimecrolimus 1%): the source is retracted"
    )
    assert "est_" not in check["reason"]
    # line 35 is shown beside the finding's own outcome, not counted (raw/vocab/estimate_fits.csv)
    assert (considered[35]["outcome_fit"], considered[35]["role"]) == ("construct", "misfit")


def test_members_covering_each_band_of_a_class_stand_in_for_it(seed, vocab):
    """Each estimate is of a member (indirect, in core.verdict_estimates); together a potent and
    a moderate steroid cover 'moderate/potent TCS', and for a claim of a difference a stronger
    member could only widen it: the body is not rated down for indirectness (certainty-judged
    ascomycin 2.3.1: high)."""
    findings, rows, lines = seed
    _, used, check, considered = verdicts(findings, rows, vocab, lines)[(2, 3, 1)]
    assert used == [3, 28]  # betamethasone valerate 0.1% (potent), triamcinolone 0.1% (moderate)
    assert [considered[n]["arms_fit"] for n in used] == ["narrower", "narrower"]
    assert check["reason"].startswith(
        "2 of 2 estimates exclude the null in favour of moderate/potent topical corticosteroids: "
        "Ashcroft 2005 (3 weeks; population not stated; 1 trial): RR 0.22 [0.09, 0.54], "
        "pimecrolimus 1% vs betamethasone valerate 0.1% — favours moderate/potent topical corticosteroids."
    )
    assert [considered[n]["indirect"] for n in used] == [True, True]
    assert (check["indirectness"], check["imprecision"], check["inconsistency"]) == (
        False,
        False,
        False,
    )
    # Two comparators are two comparisons: not pooled.
    assert check.get("pooled_k") is None


def test_a_comparator_that_mixes_in_another_potency_is_another_treatment(seed, vocab):
    findings, rows, lines = seed
    _, used, _, considered = verdicts(findings, rows, vocab, lines)[(2, 1, 1)]
    assert used == [10]
    assert considered[16]["arms_fit"] == "different"  # hydrocortisone butyrate + acetate


def test_the_retracted_row_never_counts_even_where_it_matches(seed, vocab):
    findings, rows, lines = seed
    retracted = next(row for row in rows if row["retracted"])
    as_if_matching = [row | {"outcome": "iga_success"} if row is retracted else row for row in rows]
    _, used, check, considered = verdicts(findings, as_if_matching, vocab, lines)[(1, 1, 1)]
    assert used == [19]
    assert retracted["estimate_id"] in check["excluded_estimate_ids"]
    assert considered[retracted["line_no"]]["role"] == "unusable"
    assert (
        "Yin 2012 (week 3, tacrolimus 0.1% vs pimecrolimus 1%): the source is retracted"
        in (check["reason"])
    )
    checks, _ = assess(findings, rows, vocab)
    assert retracted["estimate_id"] not in {i for c in checks for i in c["estimate_ids"]}


def test_estimates_without_an_interval_are_named_not_counted(seed, vocab):
    findings, rows, lines = seed
    _, _, check, _ = verdicts(findings, rows, vocab, lines)[(1, 3, 1)]
    assert [lines[i] for i in check["excluded_estimate_ids"]] == [49, 50, 51]
    assert check["reason"].startswith("no usable estimate matches the finding. Not counted:")
    assert check.get("certainty") is None


def test_a_ratio_printed_as_times_less_likely_reads_as_the_risk_it_is(vocab, estimates):
    finding = FINDING | {
        "outcome": "flare_prevention",
        "intervention": "fluticasone_propionate",
        "intervention_strength_pct": 0.05,
        "comparator": "vehicle",
        "direction": "favours_intervention",
    }
    [check], _ = assess([finding], estimates["core.effect_estimates"].to_dicts(), vocab)
    assert check["verdict"] == "supported"
    assert (
        "Berth-Jones 2003 (16-week maintenance phase; children and adults; moderate to severe; "
        "1 trial): RR of relapse 0.17 [0.09, 0.32], fluticasone propionate 0.05% vs vehicle "
        "(from RR 5.80 [3.10, 10.8] for fluticasone propionate 0.05% vs vehicle, turned round: "
        "printed as 'times less likely', the ratio of the comparator's risk) — favours "
        "fluticasone propionate 0.05%"
    ) in check["reason"]


FINDING = {
    "finding_id": "f", "condition": "atopic_dermatitis", "outcome": "iga_success", "population": "unspecified",
    "severity": "unspecified", "timepoint_weeks": None, "evidence_grade": "high",
    "intervention": "tacrolimus", "intervention_strength_pct": 0.1, "intervention_potency": None,
    "comparator": "pimecrolimus", "comparator_strength_pct": 1.0, "comparator_potency": None,
}  # fmt: skip
VALUES = {
    "favours_intervention": (2.0, 1.5, 2.7),
    "favours_comparator": (0.5, 0.37, 0.67),
    "no_difference": (1.0, 0.8, 1.25),
    "not_testable": (2.0, None, None),
}


def estimate(estimate_id: str, direction: str, reversed_arms: bool = False, **changes) -> dict:
    arms = ("pimecrolimus", "tacrolimus") if reversed_arms else ("tacrolimus", "pimecrolimus")
    strengths = (1.0, 0.1) if reversed_arms else (0.1, 1.0)
    value, low, high = VALUES[direction]
    row = {
        "estimate_id": estimate_id, "condition": "atopic_dermatitis", "outcome": "iga_success",
        "population": "unspecified", "severity": "unspecified", "intervention": arms[0],
        "intervention_strength_pct": strengths[0], "intervention_potency": None, "comparator": arms[1],
        "comparator_strength_pct": strengths[1], "comparator_potency": None, "direction": direction,
        "retracted": False, "measure": "rr", "scale": "ratio", "estimate": value, "ci_low": low,
        "ci_high": high, "benefit_estimate": value, "benefit_ci_low": low, "benefit_ci_high": high,
        "measure_polarity": "higher", "outcome_inverted": False, "outcome_text": "IGA success",
        "reciprocal": False, "evidence": "direct", "derivation": None, "timepoint": "6 weeks",
        "timepoint_weeks": 6.0, "n_trials": 1, "n_participants": 300, "pmid": None, "doi": None,
        "pmcid": None, "citation": f"Author{estimate_id.upper()} AB 2001, J Trial", "file": "x.csv",
        "line_no": int(estimate_id[1:]) if estimate_id[1:].isdigit() else 0,
        "uncounted_reason": None if direction != "not_testable" else "no interval", "trials": None,
    }  # fmt: skip
    return row | changes


def judge(finding: dict, rows: list[dict], vocab) -> tuple[dict, dict[str, dict]]:
    [check], considered = assess([finding], rows, vocab)
    return check, {row["estimate_id"]: row for row in considered}


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
    # Reviews of several trials each: they overlap, so they are read one by one, not pooled.
    rows = [estimate(f"e{n}", direction, n_trials=5) for n, direction in enumerate(directions)]
    check, _ = judge(FINDING | {"direction": claim}, rows, vocab)
    assert check["verdict"] == expected


def test_a_reversed_estimate_is_turned_round(vocab):
    rows = [estimate("e1", "favours_comparator", reversed_arms=True)]
    check, considered = judge(FINDING | {"direction": "favours_intervention"}, rows, vocab)
    assert check["verdict"] == "supported"
    assert considered["e1"]["orientation"] == "reversed"
    assert (considered["e1"]["estimate"], considered["e1"]["ci_low"]) == pytest.approx(
        (2, 1 / 0.67)
    )


def test_two_independent_trials_are_pooled_by_random_effects(vocab):
    rows = [
        estimate("e1", "favours_intervention"),
        estimate("e2", "no_difference", citation="Other CD 2003, Lancet"),
    ]
    check, considered = judge(FINDING | {"direction": "favours_intervention"}, rows, vocab)
    expected = pool(((2.0, 1.5, 2.7), (1.0, 0.8, 1.25)), ratio=True)
    assert (check.get("pooled_k"), check["pooled_measure"]) == (2, "rr")
    assert (check["pooled_estimate"], check["pooled_ci_low"], check["i2"]) == pytest.approx(
        (expected.estimate, expected.ci_low, expected.i2)
    )
    assert check["pi_low"] is None  # two estimates give no prediction interval
    assert [considered[e]["role"] for e in ("e1", "e2")] == ["pooled", "pooled"]
    assert sum(considered[e]["weight"] for e in ("e1", "e2")) == pytest.approx(1)
    assert check["reason"].startswith(
        f"the pooled estimate {'includes' if expected.ci_low <= 1 else 'excludes'} the null"
    )
    assert check["reason"].split(": ", 1)[1].startswith("pooled by random effects (Paule-Mandel)")


def test_reviews_of_one_comparison_share_trials_and_are_not_pooled(vocab):
    review = estimate("e1", "favours_intervention", n_trials=4)
    trial = estimate("e2", "favours_intervention", citation="Other CD 2003, Lancet")
    trial |= {"benefit_estimate": 2.5, "benefit_ci_low": 1.8, "benefit_ci_high": 3.4}
    check, considered = judge(
        FINDING | {"direction": "favours_intervention"}, [review, trial], vocab
    )
    assert check.get("pooled_k") is None
    assert check["verdict"] == "supported"
    assert considered["e1"]["shares_trials_with"] == ["e2"]
    named = estimate("e3", "favours_intervention", citation="Third X 2004 (NCT01234567)")
    fourth = estimate("e4", "favours_intervention", citation="Fourth Y 2005 (NCT01234567)")
    fourth |= {"benefit_estimate": 2.5, "benefit_ci_low": 1.8, "benefit_ci_high": 3.4}
    check, considered = judge(
        FINDING | {"direction": "favours_intervention"}, [named, fourth], vocab
    )
    assert (check.get("pooled_k"), considered["e3"]["shares_trials_with"]) == (None, ["e4"])


def test_listed_trials_decide_whether_reviews_share_trials(vocab):
    first = estimate("e1", "favours_intervention", n_trials=2, trials=["trial a", "trial b"])
    other = {"benefit_estimate": 2.5, "benefit_ci_low": 1.8, "benefit_ci_high": 3.4}
    second = estimate(
        "e2", "favours_intervention", n_trials=2, citation="Other CD 2003", trials=["trial c"]
    )
    finding = FINDING | {"direction": "favours_intervention"}
    # two reviews whose lists do not meet are independent, whatever they pool: pooled
    check, considered = judge(finding, [first, second | other], vocab)
    assert (check.get("pooled_k"), considered["e1"]["shares_trials_with"]) == (2, [])
    # lists that meet share trials: read one by one
    third = estimate(
        "e3", "favours_intervention", n_trials=2, citation="Third 2004", trials=["trial b"]
    )
    check, considered = judge(finding, [first, third | other], vocab)
    assert (check.get("pooled_k"), considered["e1"]["shares_trials_with"]) == (None, ["e3"])
    # one review without a list: the presumption that reviews of one comparison overlap holds
    check, considered = judge(
        finding, [first, estimate("e4", "favours_intervention") | other], vocab
    )
    assert check.get("pooled_k") is None


def test_one_result_printed_by_two_sources_counts_once(vocab):
    first = estimate("e1", "favours_intervention")
    again = estimate("e2", "favours_intervention", citation="Copy CD 2009, J Derm Sci")
    check, considered = judge(
        FINDING | {"direction": "favours_intervention"}, [first, again], vocab
    )
    assert (check["estimate_ids"], considered["e2"]["role"]) == (["e1"], "overlap")
    assert "AuthorE1 2001 prints the same value and interval" in considered["e2"]["why"]


def test_one_source_in_one_setting_gives_separate_trials(vocab):
    trial_1 = estimate("e1", "favours_intervention", population="adult", citation="Same AB 2001")
    trial_2 = trial_1 | {"estimate_id": "e2", "line_no": 2}
    trial_2 |= {"benefit_estimate": 2.5, "benefit_ci_low": 1.8, "benefit_ci_high": 3.4}
    finding = FINDING | {"direction": "favours_intervention", "population": "adult"}
    check, considered = judge(finding, [trial_1, trial_2], vocab)
    assert check.get("pooled_k") == 2
    later = trial_2 | {"timepoint": "12 weeks", "timepoint_weeks": 12.0}
    check, considered = judge(finding | {"timepoint_weeks": 12.0}, [trial_1, later], vocab)
    assert (check["estimate_ids"], considered["e1"]["role"]) == (["e2"], "overlap")


def test_a_network_estimate_is_never_pooled(vocab):
    other = {"benefit_estimate": 2.5, "benefit_ci_low": 1.8, "benefit_ci_high": 3.4}
    rows = [
        estimate("e1", "favours_intervention", evidence="indirect"),
        estimate("e2", "favours_intervention", citation="Other CD 2003, Lancet") | other,
    ]
    check, considered = judge(FINDING | {"direction": "favours_intervention"}, rows, vocab)
    # counted, indirect, never pooled; the direct e2 beside it is the best evidence, so the body
    # is not rated down for indirectness
    assert (check.get("pooled_k"), check["counted_indirect"], check["indirectness"]) == (
        None,
        1,
        False,
    )
    assert considered["e1"]["indirect"] is True


def test_populations_strengths_and_potency_bands_must_fit(vocab):
    adult = FINDING | {"direction": "favours_intervention", "population": "adult"}
    check, considered = judge(
        adult, [estimate("e", "favours_intervention", population="pediatric")], vocab
    )
    assert (check["verdict"], considered["e"]["population_fit"]) == ("no_estimates", "different")
    assert "measured in children; the finding is about adults" in check["reason"]
    check, considered = judge(
        adult, [estimate("e", "favours_intervention", population="mixed")], vocab
    )
    assert (check["verdict"], considered["e"]["population_fit"], check["indirectness"]) == (
        "supported",
        "broader",
        True,
    )
    check, _ = judge(adult, [estimate("e", "favours_intervention")], vocab)
    assert (check["verdict"], check["indirectness"]) == ("supported", False)
    weak = FINDING | {"direction": "favours_intervention", "intervention_strength_pct": 0.03}
    check, considered = judge(weak, [estimate("e", "favours_intervention")], vocab)
    assert (check["verdict"], considered["e"]["arms_fit"]) == ("no_estimates", "different")
    assert "Not counted" not in check["reason"]  # another strength is no near miss
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
    assert judge(band, [mild], vocab)[0]["verdict"] == "no_estimates"
    assert judge(band, [potent], vocab)[0]["verdict"] == "supported"


def test_a_class_estimate_counts_for_a_member_as_indirect(vocab):
    finding = FINDING | {"direction": "favours_intervention"}
    classes = estimate("e", "favours_intervention") | {
        "intervention": "calcineurin_inhibitor",
        "intervention_strength_pct": None,
    }
    check, considered = judge(finding, [classes], vocab)
    assert (check["verdict"], considered["e"]["arms_fit"], check["indirectness"]) == (
        "supported",
        "broader",
        True,
    )


def test_a_finding_whose_outcome_matched_no_entry_says_so_in_its_verdict(vocab, estimates):
    finding = FINDING | {
        "outcome": None,
        "outcome_text": "Quality of life",
        "intervention_text": "Tacrolimus 0.1%",
        "comparator_text": "Pimecrolimus 1%",
        "direction": "favours_intervention",
    }
    check, _ = judge(finding, estimates["core.effect_estimates"].to_dicts(), vocab)
    assert (check["verdict"], check["reason"]) == (
        "no_estimates",
        "its outcome 'Quality of life' matches no vocabulary entry, so no estimate can match it",
    )


def test_an_estimate_pooled_across_strengths_counts_for_any_strength(vocab):
    weak = FINDING | {"direction": "favours_intervention", "intervention_strength_pct": 0.03}
    pooled = estimate("e", "favours_intervention", intervention_strength_pct=None)
    check, considered = judge(weak, [pooled], vocab)
    assert (check["verdict"], considered["e"]["arms_fit"]) == ("supported", "broader")


def test_an_estimate_of_another_timepoint_band_is_named_not_counted(vocab):
    # The infants' five-year trial is not contradicted by three-week trials any more.
    five_years = FINDING | {"direction": "favours_intervention", "timepoint_weeks": 260.0}
    three_weeks = estimate("e", "favours_comparator", timepoint="3 weeks", timepoint_weeks=3.0)
    check, considered = judge(five_years, [three_weeks], vocab)
    assert (check["verdict"], check["estimate_ids"], check["excluded_estimate_ids"]) == (
        "no_estimates",
        [],
        ["e"],
    )
    assert (considered["e"]["role"], considered["e"]["timepoint_fit"]) == ("misfit", "different")
    assert (
        "AuthorE 2001 (3 weeks, tacrolimus 0.1% vs pimecrolimus 1%): measured at 3 weeks "
        "(short term); the finding is at 5 years (long term)"
    ) in check["reason"]
    twelve_weeks = three_weeks | {"timepoint_weeks": 12.0}
    eight = FINDING | {"direction": "favours_comparator", "timepoint_weeks": 8.0}
    assert judge(eight, [twelve_weeks], vocab)[0]["verdict"] == "supported"


def test_indirectness_is_judged_by_the_best_evidence_counted(vocab):
    """A network meta-analysis's estimate against the control rests on the trials against it
    (certainty-judged ruxolitinib 1.1.1: high); a pool of several trials of a population not
    stated stands in for a finding about one age group (infants 2.1.1: moderate), one trial does
    not say it is of another population; a direct estimate beside an indirect one is the best
    evidence (topical-corticosteroid 2.2.1: high)."""
    vehicle = {"comparator": "vehicle", "comparator_strength_pct": None}
    claim = FINDING | {"direction": "favours_intervention"} | vehicle
    network = estimate("n", "favours_intervention", evidence="indirect") | vehicle
    check, considered = judge(claim, [network], vocab)
    assert (considered["n"]["indirect"], check["indirectness"]) == (True, False)
    between = estimate("b", "favours_intervention", evidence="indirect")
    assert judge(FINDING | {"direction": "favours_intervention"}, [between], vocab)[0][
        "indirectness"
    ]
    infants = FINDING | {"direction": "favours_intervention", "population": "pediatric"}
    check, _ = judge(infants, [estimate("p", "favours_intervention", n_trials=9)], vocab)
    assert check["indirectness"] is True
    assert (
        "a pool of 9 trials of a population not stated for a finding about pediatric"
        in (check["certainty_reason"])
    )
    one = estimate("p", "favours_intervention", n_trials=1)
    assert judge(infants, [one], vocab)[0]["indirectness"] is False


def test_a_comparator_of_various_potencies_lies_inside_no_single_band(vocab):
    """'TCS (various potencies)' (lines 46-48) counted for claims about mild steroids and gave
    one false 'contradicted'; it is the class itself for a finding of the class."""
    every = {
        "comparator": "tcs",
        "comparator_strength_pct": None,
        "comparator_potency": "mild/moderate/potent/very_potent",
    }
    various = estimate("v", "favours_intervention") | every
    mild = FINDING | {"direction": "favours_intervention", "comparator": "tcs"}
    mild |= {"comparator_strength_pct": None, "comparator_potency": "mild"}
    check, considered = judge(mild, [various], vocab)
    assert (check["verdict"], considered["v"]["arms_fit"]) == ("no_estimates", "different")
    check, considered = judge(mild | {"comparator_potency": None}, [various], vocab)
    assert (check["verdict"], considered["v"]["arms_fit"]) == ("supported", "same")


# A value for each column the fit reads that changes what the seed's finding (1, 1, 1) is judged on.
FITTED_CHANGES = {
    "condition": "seborrheic_dermatitis",
    "outcome": "pruritus_relief",
    "intervention": "tcs",
    "comparator": "vehicle",
    "intervention_strength_pct": 0.03,
    "comparator_strength_pct": None,
    "intervention_potency": "potent",
    "comparator_potency": "mild",
    "population": "pediatric",
    "severity": "moderate_to_severe",
    "timepoint_weeks": 104.0,
}


def test_findings_judged_together_are_judged_as_each_alone(seed, vocab):
    """assess reads the estimates' fit once per distinct set of a finding's FITTED columns; a
    finding that differs from another in any one of them is still judged as it would be alone."""
    from pipelines.appraise.evidence import FITTED

    findings, rows, _ = seed
    base = next(f for f in findings if (f["table_no"], f["row_no"], f["statement_no"]) == (1, 1, 1))
    assert sorted(FITTED_CHANGES) == sorted(FITTED)
    twins = [
        {**base, column: value, "finding_id": column} for column, value in FITTED_CHANGES.items()
    ]
    together = [*findings, *twins, {**base, "finding_id": "again"}]

    def alone(finding):
        return assess([finding], rows, vocab)

    assert assess(together, rows, vocab) == tuple(
        [row for finding in together for row in alone(finding)[part]] for part in (0, 1)
    )

    def judged(finding):  # what the twin's own judgement says, its id aside
        checks, considered = alone(finding)
        return [{k: v for k, v in r.items() if k != "finding_id"} for r in [*checks, *considered]]

    assert [
        c for c, twin in zip(FITTED_CHANGES, twins, strict=True) if judged(twin) == judged(base)
    ] == []
