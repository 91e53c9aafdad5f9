"""What a result's numbers say, read without Prefect (interpret/numbers.py)."""

import pytest

from pipelines.interpret.direction import Reading
from pipelines.interpret.numbers import (
    Effect,
    Numbers,
    Said,
    arm_value,
    convention,
    effect,
    p_value,
    reconciled,
    said,
)


@pytest.mark.parametrize(
    ("text", "measure", "expected"),
    [
        ("RR 1.37 (1.18 to 1.58)", None, Effect("rr", 1.37, 1.18, 1.58)),
        ("OR 2.07 (95% CI 1.41-3.04)", None, Effect("or", 2.07, 1.41, 3.04)),
        ("OR 2.07, 95% CI 1.41-3.04", None, Effect("or", 2.07, 1.41, 3.04)),
        ("SMD \u22121.29 (95% CI \u22121.45 to \u22121.13)", None, Effect("smd", -1.29, -1.45, -1.13)),
        ("Mean difference -0.9 points (95% CI -1.3 to 0.2)", None, Effect("md", -0.9, -1.3, 0.2)),
        # a bare value takes the measure its header or method cell names
        ("0.56 [0.41, 0.77]", "rr", Effect("rr", 0.56, 0.41, 0.77)),
        ("0.69 (0.59 to 0.81)", "rr", Effect("rr", 0.69, 0.59, 0.81)),
        # an event between the measure and its value is what the ratio counts
        ("RR of failing to clear 0.69 (95% CI 0.59-0.81)", None, Effect("rr", 0.69, 0.59, 0.81, "lower")),
        # counts and percentages are no effects
        ("54.5% vs. 23.8%, p < 0.001", None, None),
        ("1 (413)", None, None),
        ("Subtotals only", "rr", None),
    ],
)  # fmt: skip
def test_an_effect_is_a_value_with_its_interval(vocab, text, measure, expected):
    assert effect(text, vocab, measure) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42.4%", 42.4), ("242/304", pytest.approx(79.605, abs=0.01)), ("217 per 1000", 21.7),
        ("321 per 1000 (265 to 387)", 32.1), ("About 1 in 5 participants", 20.0),
        ("under 1%", 1.0), ("1522 (2 RCTs)", None), ("Not pooled", None),
    ],
)  # fmt: skip
def test_an_arms_value_is_a_percentage(text, expected):
    assert arm_value(text) == expected


def test_p_values_say_no_difference_or_significance():
    assert p_value("p = 0.14") == (0.14, False)
    assert p_value("p < 0.001") == (None, True)
    assert p_value("0.14", bare=True) == (0.14, False)
    assert p_value("< 0.001", bare=True) == (None, True)
    # a p-value column's bare value; in a text, a number needs its 'p'
    assert p_value("0.14") == (None, False)


def test_a_guide_states_which_arm_a_negative_difference_favours():
    assert convention(["For an SMD, negative values favour the first-named treatment."]) == (
        "intervention"
    )
    assert convention(["A positive SMD favours the comparator."]) == "intervention"
    assert convention(["Negative differences favour the control arm."]) == "comparator"
    assert convention(["Results are standardised mean differences."]) is None


@pytest.mark.parametrize(
    ("numbers", "polarity", "negative", "expected"),
    [
        # a Favours cell first
        (Numbers(effects=(Effect("rr", 1.17, 0.95, 1.44),), favours="comparator"), "higher", None, Said("favours_comparator", True, "its Favours cell")),
        # a ratio: above 1 more of the outcome with the intervention; across 1 no difference
        (Numbers(effects=(Effect("rr", 0.69, 0.59, 0.81),)), "lower", None, Said("favours_intervention", True, "its interval")),
        (Numbers(effects=(Effect("rr", 0.56, 0.41, 0.77),)), "higher", None, Said("favours_comparator", True, "its interval")),
        (Numbers(effects=(Effect("rr", 1.08, 0.88, 1.32),)), "higher", None, Said("no_difference", True, "its interval")),
        # a difference: its sign only as the guide says
        (Numbers(effects=(Effect("smd", -1.29, -1.45, -1.13),)), "higher", "intervention", Said("favours_intervention", True, "its interval")),
        (Numbers(effects=(Effect("smd", -1.29, -1.45, -1.13),)), "higher", None, None),
        # arms' values: every pair agrees, firm only with a significant p-value
        (Numbers(arms=((42.4, 6.1), (37.5, 6.9))), "higher", None, Said("favours_intervention", False, "the arms' values")),
        (Numbers(arms=((42.4, 6.1), (5.0, 6.9))), "higher", None, None),
        (Numbers(arms=((6.0, 1.0),), significant=True), "lower", None, Said("favours_comparator", True, "the arms' values")),
        (Numbers(arms=((61.0, 34.0),), p=0.3), "higher", None, Said("no_difference", True, "p 0.3")),
    ],
)  # fmt: skip
def test_what_the_numbers_say(vocab, numbers, polarity, negative, expected):
    assert said(numbers, polarity, negative, vocab) == expected


def test_words_and_numbers_weighed():
    firm = Said("favours_intervention", True, "its interval")
    weak = Said("favours_intervention", False, "the arms' values")
    # numbers speak when the words do not
    assert reconciled(Reading("unclassified", "no phrase"), weak) == Reading("favours_intervention")
    # words outrank weak numbers; firm ones that disagree leave it unclassified, with both
    assert reconciled(Reading("no_difference"), weak) == Reading("no_difference")
    assert reconciled(Reading("favours_comparator"), firm) == Reading(
        "unclassified",
        "its words say favours_comparator, its numbers (its interval) favours_intervention",
    )
    # two ways of saying no difference agree
    assert reconciled(Reading("comparable"), Said("no_difference", True, "p 0.4")) == Reading(
        "comparable"
    )
