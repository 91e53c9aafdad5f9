"""Effect estimates: every real row kept as printed, typed, matched, oriented; bad rows quarantined."""

import math

import pytest

from pipelines.interpret.estimates import load_estimates
from pipelines.pull.sources import describe_file

HEADER = "intervention,comparator,condition,population,severity,outcome,timepoint,measure,estimate,ci_low,ci_high,n_trials,n_participants,favours,source_citation,pmid_doi,url,note"


FIRST, MORE = "estimates/effect_estimates.csv", "estimates/effect_estimates_more.csv"


def by_line(frame, line_no: int, file: str = FIRST) -> dict:
    return frame.filter(line_no=line_no, file=file).to_dicts()[0]


def test_all_112_real_rows_are_kept_as_printed_and_loaded(estimates):
    raw, core = estimates["raw.effect_estimates"], estimates["core.effect_estimates"]
    assert (raw.height, core.height) == (112, 112)
    assert raw.group_by("file").len().sort("file").rows() == [(FIRST, 60), (MORE, 52)]
    assert raw["estimate_id"].to_list() == core["estimate_id"].to_list()
    assert by_line(raw, 39)["ci_high"] == "0.9" and by_line(core, 39)["ci_high"] == 0.9
    assert by_line(raw, 19)["measure"] == "RR (M-H, random)"


def test_arms_outcome_measure_and_citation_are_matched(estimates):
    core = estimates["core.effect_estimates"]
    row = by_line(core, 19)
    assert (
        row["intervention"],
        row["intervention_strength_pct"],
        row["intervention_formulation"],
    ) == ("pimecrolimus", 1.0, "cream")
    assert (row["comparator"], row["comparator_strength_pct"], row["comparator_formulation"]) == (
        "tacrolimus",
        0.1,
        "ointment",
    )
    assert (row["outcome"], row["measure"], row["model"], row["timepoint_weeks"]) == (
        "iga_success",
        "rr",
        "M-H, random",
        3.0,
    )
    # 'not stated (2 trials; one adult trial N=413)': the aside names who was studied
    assert (row["n_trials"], row["n_participants"], row["population"]) == (2, 639, "adult")
    assert (row["doi"], row["pmcid"], row["pmid"]) == (
        "10.1002/14651858.CD005500.pub2",
        "PMC10043871",
        None,
    )
    assert [by_line(core, n)["comparator_potency"] for n in (3, 16, 28, 59, 46)] == [
        "potent",
        "mild/potent",
        "moderate",
        "moderate/potent",
        "mild/moderate/potent/very_potent",  # 'TCS (various potencies)': every band
    ]
    tci = by_line(core, 46)
    assert (
        tci["intervention"],
        tci["intervention_strength_pct"],
        tci["comparator"],
        tci["population"],
    ) == ("calcineurin_inhibitor", None, "tcs", "mixed")
    registry = by_line(core, 58)
    assert (registry["comparator"], registry["measure"], registry["pmcid"]) == (
        "expected_rates",
        "sir",
        "PMC4465068",
    )
    arm = by_line(core, 49)
    assert (
        arm["measure"],
        arm["scale"],
        arm["estimate"],
        arm["comparator_value"],
        arm["direction"],
    ) == ("percent_arm", "arm_level", 54.1, 34.9, "not_testable")
    assert by_line(core, 61)["comparator_value"] == 178.0  # 'comparator arm: 178 steroid days'


def test_ratios_are_oriented_towards_benefit_and_the_original_kept(estimates):
    core = estimates["core.effect_estimates"]
    same_way = by_line(core, 35)  # tacrolimus vs pimecrolimus, RR 1.80 (1.34-2.42), benefit outcome
    assert (same_way["benefit_estimate"], same_way["benefit_ci_low"], same_way["direction"]) == (
        1.80,
        1.34,
        "favours_intervention",
    )
    harm = by_line(core, 47)  # TCI vs TCS skin burning RR 3.32 (2.90-3.80): worse with TCI
    assert (harm["estimate"], harm["outcome_polarity"]) == (3.32, "lower")
    assert harm["benefit_estimate"] == pytest.approx(1 / 3.32)
    assert (
        harm["benefit_ci_low"] == pytest.approx(1 / 3.80)
        and harm["direction"] == "favours_comparator"
    )
    complement = by_line(
        core, 32
    )  # tacrolimus 0.1% vs 0.03%, risk of NOT improving RR 0.82 (0.72-0.92)
    assert (
        complement["outcome"],
        complement["outcome_polarity"],
        complement["outcome_inverted"],
    ) == (
        "physician_global_improvement",
        "higher",
        True,
    )
    assert complement["benefit_estimate"] == pytest.approx(1 / 0.82)
    assert complement["direction"] == "favours_intervention"


def test_the_retracted_source_is_flagged(estimates):
    core = estimates["core.effect_estimates"]
    assert core.filter("retracted")["line_no"].to_list() == [45]
    assert by_line(core, 45)["pmid"] == "22409418"


def test_bad_rows_are_quarantined_with_reasons_and_every_row_accounted_for(tmp_path, vocab):
    good = "tacrolimus 0.1% ointment,pimecrolimus 1% cream,atopic dermatitis,adults,,Investigators' global assessment,3 weeks,RR"
    lines = [
        HEADER,
        f"{good},1.5,1.1,2.0,2,100,,ok,PMID 1,,",
        f"{good},-1.5,-2,1.0,2,100,,negative ratio,,,",
        f"{good},2.5,1.1,2.0,2,100,,outside its interval,,,",
        f"{good},NaN,1.1,2.0,2,100,,not a number,,,",
        f"{good},1.2,1.1,2.0,2.5,100,,half a trial,,,",
        f"{good},=1+1,1.1,2.0,2,100,,formula,,,",
        f"{good},1.2,1.1,2.0,2,100,,too many,,,,extra",
        "tacrolimus 0.1% ointment,unicorn extract,atopic dermatitis,adults,,Investigators' global assessment,3 weeks,RR,1.2,1.1,2.0,2,100,,unknown comparator,,,",
        'pimecrolimus 1% cream,TCS,atopic dermatitis,infants,,Topical steroid days over study,5 years,"count (days, intervention arm)",-7,,,1,10,,negative count,,,',
    ]
    path = tmp_path / "estimates.csv"
    path.write_text("\n".join(lines) + "\n")
    pulled = describe_file(
        path, source_id="estimates.csv", registry_id="t", kind="estimates", file="estimates.csv"
    )
    frames, quarantine, errors = load_estimates([pulled], vocab)
    assert frames["core.effect_estimates"]["line_no"].to_list() == [2, 9]
    unknown = by_line(frames["core.effect_estimates"], 9, "estimates.csv")
    assert (unknown["comparator"], unknown["uncounted_reason"]) == (
        None,
        "its comparator matches no vocabulary entry",
    )
    flagged = frames["quality.term_matches"].filter(method="unmatched")
    assert flagged.select("line_no", "vocabulary", "text").rows() == [
        (9, "compounds", "unicorn extract")
    ]
    assert [(e.line_no, e.error) for e in errors] == [(8, "record_shape")]
    reasons = sorted(
        (q["line_no"], q["column"], q["message"].split(": ", 1)[1]) for q in quarantine
    )
    assert reasons == [
        (
            3,
            None,
            "a ratio measure needs estimate, ci_low and ci_high above 0 (measure=rr, estimate=-1.5, ci_low=-2.0, ci_high=1.0)",
        ),
        (
            4,
            None,
            "ci_low <= estimate <= ci_high does not hold (estimate=2.5, ci_low=1.1, ci_high=2.0)",
        ),
        (5, "estimate", "estimate 'NaN' is not a finite number; correct the source"),
        (6, "n_trials", "n_trials '2.5' is not a whole number; correct the source"),
        (7, "estimate", "estimate '=1+1' is not a number; correct the source"),
        (10, None, "a count estimate must be a non-negative whole number (estimate=-7.0)"),
    ]
    raw_lines = frames["raw.effect_estimates"]["line_no"].to_list()
    assert raw_lines == [
        2,
        3,
        4,
        5,
        6,
        7,
        9,
        10,
    ]  # every row kept as printed, the ragged one reported
    assert (
        sorted({*frames["core.effect_estimates"]["line_no"], *(q["line_no"] for q in quarantine)})
        == raw_lines
    )


def test_a_file_with_the_wrong_header_is_a_source_error(tmp_path, vocab):
    path = tmp_path / "other.csv"
    path.write_text("drug,effect\nx,1\n")
    pulled = describe_file(
        path, source_id="other.csv", registry_id="t", kind="estimates", file="other.csv"
    )
    frames, _, errors = load_estimates([pulled], vocab)
    assert [(e.line_no, e.error) for e in errors] == [(1, "header")]
    assert (
        "missing ['intervention'" in errors[0].message
        and frames["core.effect_estimates"].height == 0
    )


def test_each_estimate_says_what_kind_of_evidence_it_is(estimates):
    core = estimates["core.effect_estimates"]
    kinds = {n: by_line(core, n, MORE)["evidence"] for n in (6, 12, 13, 15, 49, 52)}
    assert kinds == {
        6: "direct",
        12: "indirect",
        13: "indirect",
        15: "indirect",
        49: "single_arm",
        52: "single_arm",
    }
    single = by_line(core, 49, MORE)
    assert (single["comparator"], single["uncounted_reason"]) == (
        "no_comparator",
        "a single arm with no comparator: it compares nothing",
    )


@pytest.mark.parametrize(
    ("line_no", "polarity", "basis", "benefit", "direction"),
    [
        # 'Total AD Score (lower = better)': the MD of -2.39 is a benefit of 2.39
        (42, "lower", "stated", (2.39, 1.31, 3.47), "favours_intervention"),
        # 'Pruritus NRS (improvement)' MD -0.70, favours crisaborole: lower is better here
        (8, "lower", "favours", (0.7, 0.47, 0.94), "favours_intervention"),
        # '5.8 times less likely' to relapse: turned round, then relapse is the complement of
        # flare prevention, so the benefit is 5.8 again
        (39, "lower", "favours", (5.8, 3.1, 10.8), "favours_intervention"),
        # skin thinning TCS vs TCI, RR 4.86: worse with TCS
        (48, "lower", "favours", (1 / 4.86, 1 / 22.28, 1 / 1.06), "favours_comparator"),
        # flares: RR 0.46 of at least one flare with proactive fluticasone
        (37, "lower", "favours", (1 / 0.46, 1 / 0.55, 1 / 0.38), "favours_intervention"),
        # no arm named in favours: the outcome decides (adverse events, lower is better)
        (9, "lower", "outcome", (1 / 1.12, 1 / 1.29, 1 / 0.98), "no_difference"),
    ],
)
def test_orientation_follows_what_the_source_says_is_better(
    estimates, line_no, polarity, basis, benefit, direction
):
    row = by_line(estimates["core.effect_estimates"], line_no, MORE)
    assert (row["measure_polarity"], row["polarity_basis"], row["direction"]) == (
        polarity,
        basis,
        direction,
    )
    got = (row["benefit_estimate"], row["benefit_ci_low"], row["benefit_ci_high"])
    assert got == pytest.approx(benefit)


def test_a_ratio_printed_from_the_other_side_is_turned_round(estimates):
    row = by_line(estimates["core.effect_estimates"], 39, MORE)
    assert (row["reciprocal"], row["outcome"], row["outcome_inverted"]) == (
        True,
        "flare_prevention",
        True,
    )
    assert (row["estimate"], row["ci_low"], row["ci_high"]) == (5.8, 3.1, 10.8)


def test_arm_percentages_with_both_sizes_get_a_katz_risk_ratio(estimates):
    row = by_line(estimates["core.effect_estimates"], 35, MORE)
    p1, n1, p2, n2 = 0.399, 576, 0.065, 305
    ratio = p1 / p2
    se = math.sqrt((1 - p1) / (p1 * n1) + (1 - p2) / (p2 * n2))
    low, high = ratio * math.exp(-1.96 * se), ratio * math.exp(1.96 * se)
    assert (row["intervention_n"], row["comparator_n"], row["comparator_value"]) == (576, 305, 6.5)
    assert (row["benefit_estimate"], row["benefit_ci_low"], row["benefit_ci_high"]) == (
        pytest.approx(ratio),
        pytest.approx(low),
        pytest.approx(high),
    )
    assert row["derivation"] == (
        f"risk ratio {ratio:.2f} [{low:.2f}, {high:.2f}] derived by the Katz log method "
        "from 39.9% of 576 vs 6.5% of 305"
    )
    assert (row["estimate"], row["measure"], row["uncounted_reason"]) == (39.9, "percent_arm", None)


def test_both_arms_counts_in_a_note_give_a_katz_risk_ratio(estimates):
    """Line 55 prints an NNT without an interval, and '20/28 (71%) vs 6/29 (21%)' in its note."""
    row = by_line(estimates["core.effect_estimates"], 55)
    assert row["derivation"] == (
        "risk ratio 3.45 [1.63, 7.31] derived by the Katz log method from 20/28 vs 6/29"
    )
    assert (row["measure"], row["direction"], row["uncounted_reason"]) == (
        "nnt",
        "favours_intervention",
        None,
    )
    arms = ("intervention_events", "intervention_n", "comparator_events", "comparator_n")
    assert tuple(row[column] for column in arms) == (20, 28, 6, 29)


def test_arm_percentages_without_both_sizes_stay_uncounted_and_say_why(estimates):
    core = estimates["core.effect_estimates"]
    for line_no in (2, 18, 26, 28):
        row = by_line(core, line_no, MORE)
        assert (row["derivation"], row["direction"]) == (None, "not_testable")
        assert row["uncounted_reason"] == (
            "an arm-level percentage with no interval: as a share of patients it needs both arm sizes, as a mean change its dispersion, and neither is printed"
        )
    sizes = {
        n: (by_line(core, n, MORE)["intervention_n"], by_line(core, n, MORE)["comparator_n"])
        for n in (14, 36, 46)
    }
    assert sizes == {14: (874, 439), 36: (304, 153), 46: (109, 102)}


def test_populations_are_read_from_the_ages_printed(estimates):
    core = estimates["core.effect_estimates"]
    populations = {n: by_line(core, n, MORE)["population"] for n in (2, 14, 18, 39, 48, 53)}
    assert populations == {
        2: "mixed",  # 'patients aged 2 years or older'
        14: "pediatric",  # 'children aged 2 to <18 years'
        18: "mixed",  # 'aged >=12 years with AD for >=2 years' (the second is a duration)
        39: "mixed",  # 'aged 12-65 years'
        48: "mixed",  # 'adults and children'
        53: "unspecified",  # 'mean age 59 years' bounds nobody
    }


def test_every_row_is_loaded_or_quarantined_and_unknown_terms_are_kept(tmp_path, vocab):
    csv = tmp_path / "odd.csv"
    csv.write_text(
        HEADER + "\n"
        "oatmeal 5%,vehicle,atopic dermatitis,adults,,Quality of life,,RR,1.2,1.0,1.4,,,,,,,\n"
        "tacrolimus 0.1%,vehicle,atopic dermatitis,adults,,IGA success,,RR,x,1.0,1.4,,,,,,,\n",
        encoding="utf-8",
    )
    pulled = describe_file(
        csv, source_id="odd.csv", registry_id="e", kind="estimates", file="odd.csv"
    )
    frames, quarantine, errors = load_estimates([pulled], vocab)
    [kept] = frames["core.effect_estimates"].to_dicts()
    assert (kept["intervention"], kept["outcome"], kept["line_no"]) == (None, None, 2)
    assert kept["uncounted_reason"] == "its intervention and outcome matches no vocabulary entry"
    assert [(q["line_no"], q["column"]) for q in quarantine] == [(3, "estimate")]
    assert errors == []
    unmatched = frames["quality.term_matches"].filter(method="unmatched")
    assert sorted(unmatched["text"].to_list()) == ["Quality of life", "oatmeal"]
    assert frames["raw.effect_estimates"].height == 2


def test_an_optional_trials_column_lists_the_trials_an_estimate_rests_on(tmp_path, vocab):
    arms = "tacrolimus 0.1% ointment,pimecrolimus 1% cream,atopic dermatitis,adults,,IGA success"
    lines = [
        f"{HEADER},trials",
        f"{arms},3 weeks,RR,1.5,1.1,2.0,2,100,,Review A 2005,,,, Trial One ;NCT00000001; trial one",
        f"{arms},6 weeks,RR,1.5,1.1,2.0,2,100,,Review A 2005,,,,",
    ]
    path = tmp_path / "estimates.csv"
    path.write_text("\n".join(lines) + "\n")
    pulled = describe_file(
        path, source_id="estimates.csv", registry_id="t", kind="estimates", file="estimates.csv"
    )
    frames, quarantine, errors = load_estimates([pulled], vocab)
    assert (quarantine, errors) == ([], [])
    assert frames["raw.effect_estimates"]["trials"].to_list() == [
        "Trial One ;NCT00000001; trial one",
        None,
    ]
    assert frames["core.effect_estimates"]["trials"].to_list() == [
        ["nct00000001", "trial one"],
        None,
    ]


def test_the_design_and_the_heterogeneity_a_row_prints(estimates):
    """Cohorts and a registry (lines 57-60: 'observational', 'prospective cohort') are
    observational; an open-label RCT (line 61) randomised; a note's 'heterogeneity p=0.02' (line
    36) and 'I2 = 77%' (more line 11) are read."""
    core = estimates["core.effect_estimates"]
    designs = {n: by_line(core, n)["design"] for n in (19, 57, 58, 59, 60, 61)}
    assert designs == {
        19: "randomised",
        57: "observational",
        58: "observational",
        59: "observational",
        60: "observational",
        61: "randomised",
    }
    assert (by_line(core, 36)["heterogeneity_p"], by_line(core, 36)["i2_pct"]) == (0.02, None)
    assert by_line(core, 11, MORE)["i2_pct"] == 77.0
    assert by_line(core, 48, MORE)["n_events"] == 8  # 'eight cases in 2068 participants'
