"""Each dimension of an estimate's fit to a finding, from parsed values on both sides."""

import pytest

from pipelines.appraise.fit import fit

ARMS = {
    "intervention": "tacrolimus", "intervention_strength_pct": 0.1, "intervention_potency": None,
    "comparator": "tcs", "comparator_strength_pct": None, "comparator_potency": "potent",
    "population": "adult", "severity": "moderate_to_severe", "timepoint_weeks": 6.0,
}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "dimension", "expected"),
    [
        ({}, "arms", "same"),
        (
            {"comparator": "betamethasone_valerate", "comparator_strength_pct": 0.1},
            "arms",
            "narrower",
        ),
        ({"comparator_potency": None}, "arms", "broader"),  # any potency
        ({"comparator_potency": "moderate/potent"}, "arms", "different"),  # mixes in another band
        ({"intervention_strength_pct": None}, "arms", "broader"),  # pooled across strengths
        ({"intervention_strength_pct": 0.03}, "arms", "different"),
        (
            {"intervention": "calcineurin_inhibitor", "intervention_strength_pct": None},
            "arms",
            "broader",
        ),
        ({"population": "mixed"}, "population", "broader"),
        ({"population": "pediatric"}, "population", "different"),
        ({"population": "unspecified"}, "population", "unknown"),
        ({"severity": "mild_to_severe"}, "severity", "broader"),
        ({"severity": "mild_to_moderate"}, "severity", "broader"),  # overlaps in 'moderate'
        ({"severity": "unspecified"}, "severity", "unknown"),
        ({"timepoint_weeks": 12.0}, "timepoint", "same"),  # one band: up to 16 weeks
        ({"timepoint_weeks": 260.0}, "timepoint", "different"),
        ({"timepoint_weeks": None}, "timepoint", "unknown"),
    ],
)
def test_each_dimension(vocab, change, dimension, expected):
    found = fit(ARMS, ARMS | change, vocab)
    assert found is not None and found.of(dimension) == expected


def test_a_narrower_finding_population_and_the_other_way_round(vocab):
    mixed = ARMS | {"population": "mixed", "severity": "mild_to_severe"}
    found = fit(mixed, ARMS, vocab)
    assert (found.population, found.severity) == ("narrower", "narrower")


def test_orientation_and_unrelated_compounds(vocab):
    swapped = ARMS | {
        "intervention": "tcs", "intervention_strength_pct": None, "intervention_potency": "potent",
        "comparator": "tacrolimus", "comparator_strength_pct": 0.1, "comparator_potency": None,
    }  # fmt: skip
    found = fit(ARMS, swapped, vocab)
    assert (found.orientation, found.arms) == ("reversed", "same")
    assert fit(ARMS, ARMS | {"comparator": "vehicle", "comparator_potency": None}, vocab) is None


def test_which_fits_count_and_which_are_indirect_is_data(vocab):
    found = fit(ARMS, ARMS | {"population": "mixed", "timepoint_weeks": 260.0}, vocab)
    assert found.misfits(vocab) == ["timepoint"]
    assert found.indirect(vocab) == ["population"]
