"""Effect estimates: every real row kept as printed, typed, matched, oriented; bad rows quarantined."""

import pytest

from pipelines.interpret.estimates import load_estimates
from pipelines.pull.sources import describe_file

HEADER = "intervention,comparator,condition,population,severity,outcome,timepoint,measure,estimate,ci_low,ci_high,n_trials,n_participants,favours,source_citation,pmid_doi,url,note"


def by_line(frame, line_no: int) -> dict:
    return frame.filter(line_no=line_no).to_dicts()[0]


def test_all_60_real_rows_are_kept_as_printed_and_loaded(estimates):
    raw, core = estimates["raw.effect_estimates"], estimates["core.effect_estimates"]
    assert (raw.height, core.height) == (60, 60)
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
    assert (row["n_trials"], row["n_participants"], row["population"]) == (2, 639, "unspecified")
    assert (row["doi"], row["pmcid"], row["pmid"]) == (
        "10.1002/14651858.CD005500.pub2",
        "PMC10043871",
        None,
    )
    assert [by_line(core, n)["comparator_potency"] for n in (3, 16, 28, 59)] == [
        "potent",
        "mild/potent",
        "moderate",
        "moderate/potent",
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
    assert frames["core.effect_estimates"]["line_no"].to_list() == [2]
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
        (7, "estimate", "estimate '=1+1' is not a finite number; correct the source"),
        (
            9,
            "comparator",
            "comparator 'unicorn extract' is not in raw/vocab/compounds.csv; add it (or a synonym) there or correct the source",
        ),
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
