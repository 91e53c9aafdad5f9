"""Populations from the ages a text prints: 18 is where adults start."""

import pytest

from pipelines.interpret.ages import population_from_ages


@pytest.mark.parametrize(
    ("text", "population"),
    [
        ("patients aged 2 years or older (AD-301)", "mixed"),
        ("patients aged >=12 years with AD for >=2 years", "mixed"),
        ("patients aged \u226512 years", "mixed"),
        ("children aged 2 to <18 years", "pediatric"),
        ("aged 2-17 years", "pediatric"),
        ("aged <18 years", "pediatric"),
        ("patients aged 12-65 years", "mixed"),
        ("adults aged 18-65 years", "adult"),
        ("aged 70 years", "adult"),
        ("with AD for >=2 years", None),  # a duration, not an age
        ("96 people; 96% men; mean age 59 years", None),  # a mean bounds nobody
        ("not stated (8 RCTs)", None),
    ],
)
def test_population_from_ages(text, population):
    assert population_from_ages(text) == population
