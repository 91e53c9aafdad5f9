"""The certainty check's domains and its comparison with the printed grade."""

from pipelines.appraise.certainty import Reading, check


def counted(*directions: str, trials: int = 1, participants: int | None = 500) -> list[dict]:
    return [
        {"direction": d, "n_trials": trials, "n_participants": participants} for d in directions
    ]


def test_precise_consistent_direct_evidence_stays_high(vocab):
    result = check(
        "favours_intervention",
        Reading(2.0, 1.5, 2.7, True, "RR"),
        counted("favours_intervention"),
        None,
        [],
        "high",
        vocab,
    )
    assert (result["certainty"], result["grade_check"]) == ("high", "consistent")
    assert (result["n_trials"], result["n_participants"]) == (1, 500)


def test_each_serious_domain_rates_down_one_grade(vocab):
    # Three serious domains: from high to very low.
    result = check(
        "favours_intervention",
        Reading(1.3, 0.9, 1.9, True, "pooled RR"),
        counted("favours_intervention", "favours_comparator", participants=150),
        62.0,
        ["Smith 2001: population broader"],
        "high",
        vocab,
    )
    assert (result["imprecision"], result["inconsistency"], result["indirectness"]) == (
        True,
        True,
        True,
    )
    assert (result["certainty"], result["grade_check"]) == ("very_low", "printed_may_be_too_high")
    assert "the interval pooled RR [0.9, 1.9] includes 1" in result["certainty_reason"]
    assert "300 participants, under 400" in result["certainty_reason"]
    assert "I² 62% is above 50%" in result["certainty_reason"]
    assert "Smith 2001: population broader" in result["certainty_reason"]


def test_a_no_difference_finding_is_imprecise_when_its_interval_reaches_an_appreciable_effect(
    vocab,
):
    wide = Reading(0.71, 0.45, 1.12, True, "RR")
    narrow = Reading(0.98, 0.9, 1.07, True, "RR")
    rows = counted("no_difference")
    assert check("no_difference", wide, rows, None, [], "low", vocab)["imprecision"] is True
    result = check("no_difference", narrow, rows, None, [], "low", vocab)
    assert (result["imprecision"], result["certainty"]) == (False, "high")
    assert result["grade_check"] == "printed_may_be_too_low"
    assert check("no_difference", narrow, rows, None, [], None, vocab)["grade_check"] == (
        "no_printed_grade"
    )
