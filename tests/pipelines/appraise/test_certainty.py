"""The certainty check's domains and its comparison with the printed grade."""

from pipelines.appraise.certainty import Reading, check


def counted(
    *directions: str,
    trials: int = 1,
    participants: int | None = 500,
    events: int | None = None,
    read: tuple[float, float, float] | None = None,
) -> list[dict]:
    return [
        {
            "direction": d,
            "n_trials": trials,
            "n_participants": participants,
            "n_events": events,
            "ratio": True,
            "read": read,
        }
        for d in directions
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
    # the best-informed estimate counts, never the sum of estimates that may share trials
    assert "150 participants, under 400" in result["certainty_reason"]
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


def test_information_far_below_its_optimal_size_is_very_serious_imprecision(vocab):
    """Lines 48 and 55 of the estimates: 'eight cases in 2068 participants' and 20/28 vs 6/29
    are under a quarter of GRADE's 300 events, however many participants (certainty-judged:
    ascomycin 2.4.1, tacrolimus-vitiligo 2.2.1: low)."""
    interval = Reading(4.86, 1.06, 22.28, True, "RR")
    result = check(
        "favours_intervention",
        interval,
        counted("favours_intervention", trials=4, participants=4128, events=8),
        None,
        [],
        "high",
        vocab,
    )
    assert (result["imprecision"], result["certainty"]) == (True, "low")
    assert "imprecision: very serious, 8 events, under 300" in result["certainty_reason"]
    enough = counted("favours_intervention", participants=4128, events=310)
    assert check("favours_intervention", interval, enough, None, [], "high", vocab)[
        "certainty"
    ] == ("high")


def test_without_events_or_participants_a_ratios_interval_says_how_much_information_there_is(
    vocab,
):
    """4 / SE² of the log ratio: RR 3.32 [2.90, 3.80] implies about 840 events (ascomycin
    2.5.1: high); RR 0.78 [0.60, 1.00] about 240 (infants 2.4.1: imprecision serious)."""
    narrow, wide = (3.32, 2.90, 3.80), (0.78, 0.60, 1.00)
    rows = counted("favours_intervention", participants=None, read=narrow)
    result = check(
        "favours_intervention", Reading(*narrow, True, "RR"), rows, None, [], None, vocab
    )
    assert (result["imprecision"], result["certainty"]) == (False, "high")
    rows = counted("favours_intervention", participants=None, read=wide)
    result = check("favours_intervention", Reading(*wide, True, "RR"), rows, None, [], None, vocab)
    assert (result["imprecision"], result["certainty"]) == (True, "moderate")
    assert "236 events implied by the interval, under 300" in result["certainty_reason"]


def test_information_that_nothing_prints_is_a_reason_to_rate_down_not_a_pass(vocab):
    """A mean difference with neither participants nor events (topical-corticosteroid 1.5.1:
    moderate)."""
    rows = counted("favours_intervention", participants=None)
    rows[0]["ratio"] = False
    reading = Reading(-2.39, -3.47, -1.31, False, "MD")
    result = check("favours_intervention", reading, rows, None, [], "high", vocab)
    assert (result["imprecision"], result["certainty"]) == (True, "moderate")
    assert "neither events nor participants are printed" in result["certainty_reason"]


def test_a_no_difference_interval_reaching_far_past_an_appreciable_ratio_is_very_serious(vocab):
    """RR 1.41 [0.89, 2.22] for 'no significant difference' (ascomycin 1.2.1: low)."""
    rows = counted("no_difference", participants=None, read=(1.41, 0.89, 2.22))
    result = check(
        "no_difference", Reading(1.41, 0.89, 2.22, True, "RR"), rows, None, [], None, vocab
    )
    assert result["certainty"] == "low"
    assert "reaches far past an appreciable 0.8 or 1.25" in result["certainty_reason"]


def test_a_printed_grade_the_vocabulary_does_not_know_is_said_not_dropped(vocab):
    rows = counted("favours_intervention")
    reading = Reading(2.0, 1.5, 2.7, True, "RR")
    result = check("favours_intervention", reading, rows, None, [], None, vocab, "Level 1b")
    assert result["grade_check"] == "printed_grade_unknown"
    assert (
        "the guide prints 'Level 1b', which ref.evidence_grades does not know"
        in (result["certainty_reason"])
    )


def test_observational_evidence_starts_low_and_printed_heterogeneity_is_inconsistency(vocab):
    """A registry cohort's SIR 1.01 [0.37, 2.20] (line 57) starts low and, far from precise for
    'no increased risk', ends very low; 'I2 = 77%' in a note (more line 11) is inconsistency."""
    cohort = counted("no_difference", participants=7954)
    cohort[0]["design"] = "observational"
    reading = Reading(1.01, 0.37, 2.20, True, "SIR")
    result = check("no_difference", reading, cohort, None, [], "low", vocab)
    assert result["certainty"] == "very_low"
    assert "from low (observational): very_low" in result["certainty_reason"]
    assert "risk of bias and publication bias: not assessed" in result["certainty_reason"]
    heterogeneous = counted("favours_intervention")
    heterogeneous[0] |= {"i2_pct": 77.0, "label": "You 2025"}
    result = check(
        "favours_intervention",
        Reading(1.56, 1.24, 1.96, True, "OR"),
        heterogeneous,
        None,
        [],
        None,
        vocab,
    )
    assert (result["inconsistency"], result["certainty"]) == (True, "moderate")
    assert "You 2025 prints I² 77%" in result["certainty_reason"]
