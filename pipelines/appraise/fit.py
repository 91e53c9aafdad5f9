"""How well an effect estimate fits a finding, dimension by dimension.

Each dimension is one of same | broader | narrower | different | unknown, from parsed values on
both sides, never from the words:
- arms: the compounds (a class covers its members: an estimate of a member is narrower than a
  finding of its class, one of the class broader than a finding of a member), the strengths (an
  estimate that states none was pooled across strengths: broader) and the potency bands (every
  band, 'various potencies', lies inside no single band);
- population and severity: the plain grades each term covers (ref.populations/severities covers):
  equal, a superset (broader), a subset (narrower), overlapping (broader), disjoint (different),
  or nothing stated on one side (unknown);
- outcome: the finding's, or another of its construct (ref.outcomes construct);
- timepoint: the band (TIMEPOINT_BANDS) of the weeks on both sides.
Which fits count and which make the evidence indirect is data, ref.estimate_fits, not code here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipelines.interpret.vocab import Vocabulary
from schemas.vocabularies import FIT_DIMENSIONS

# When an outcome was measured, in bands: an estimate in another band than the finding's does not
# count (a 3-week trial says nothing of five years), within one band it does.
TIMEPOINT_BANDS = ((16.0, "short term"), (52.0, "up to a year"), (float("inf"), "long term"))
DIMENSIONS = tuple(FIT_DIMENSIONS)  # ref.estimate_fits' dimensions, in the order they are said
# Worst first wins when two sides of the arms are combined.
_ORDER = ("same", "narrower", "broader", "different")


@dataclass(frozen=True)
class Fit:
    """An estimate's fit to one finding, and the orientation that gives it."""

    orientation: str
    arms: str
    outcome: str
    population: str
    severity: str
    timepoint: str

    def of(self, dimension: str) -> str:
        return getattr(self, dimension)

    def misfits(self, vocab: Vocabulary) -> list[str]:
        """The dimensions whose fit does not count (no rule counts as not counting)."""
        return [d for d in DIMENSIONS if not _rule(vocab, d, self.of(d)).get("counts", False)]

    def indirect(self, vocab: Vocabulary) -> list[str]:
        """The dimensions whose fit counts but makes the evidence indirect."""
        return [d for d in DIMENSIONS if _rule(vocab, d, self.of(d)).get("indirect", False)]


def fit(finding: dict[str, Any], estimate: dict[str, Any], vocab: Vocabulary) -> Fit | None:
    """The estimate's fit, in the orientation whose compounds match the finding's (as printed
    first); None when neither orientation compares the finding's compounds."""
    for orientation, (first, second) in (
        ("same", ("intervention", "comparator")),
        ("reversed", ("comparator", "intervention")),
    ):
        intervention = _arm_fit(finding, "intervention", estimate, first, vocab)
        if intervention is None:
            continue
        comparator = _arm_fit(finding, "comparator", estimate, second, vocab)
        if comparator is None:
            continue
        sides = (intervention, comparator)
        return Fit(
            orientation=orientation,
            arms=max(sides, key=_ORDER.index),
            outcome="same" if finding.get("outcome") == estimate.get("outcome") else "construct",
            population=_banded(vocab, "populations", finding, estimate, "population"),
            severity=_banded(vocab, "severities", finding, estimate, "severity"),
            timepoint=_timepoint(finding.get("timepoint_weeks"), estimate.get("timepoint_weeks")),
        )
    return None


def band(weeks: float) -> str:
    return next(name for limit, name in TIMEPOINT_BANDS if weeks <= limit)


def rule(vocab: Vocabulary, dimension: str, value: str) -> str:
    """What a fit means, in words (ref.estimate_fits description)."""
    return _rule(vocab, dimension, value).get("description", f"no rule for {dimension} {value}")


def _rule(vocab: Vocabulary, dimension: str, value: str) -> dict[str, Any]:
    return vocab.fits.get((dimension, value), {})


def _arm_fit(
    finding: dict[str, Any], f_arm: str, estimate: dict[str, Any], e_arm: str, vocab: Vocabulary
) -> str | None:
    """One arm: None when the compounds are unrelated, else the worst of compound, strength and
    potency fits."""
    compound = _compounds(finding[f_arm], estimate[e_arm], vocab)
    if compound is None:
        return None
    fits = (
        compound,
        _strength(finding[f"{f_arm}_strength_pct"], estimate[f"{e_arm}_strength_pct"]),
        _potency(finding[f"{f_arm}_potency"], estimate[f"{e_arm}_potency"], vocab),
    )
    return max(fits, key=_ORDER.index)


def could_fit(finding: dict[str, Any], estimate: dict[str, Any], vocab: Vocabulary) -> bool:
    """Whether the estimate's compounds relate to the finding's in some orientation: the cheap
    test that spares fit() the estimates of other comparisons."""
    mine = related(finding["intervention"], vocab), related(finding["comparator"], vocab)
    first, second = estimate["intervention"], estimate["comparator"]
    return (first in mine[0] and second in mine[1]) or (first in mine[1] and second in mine[0])


def related(compound: str | None, vocab: Vocabulary) -> frozenset[str]:
    """The compounds an estimate may name for a finding's compound: itself, its class, its
    members (a class covers its members both ways)."""
    if compound is None:
        return frozenset()
    if compound not in vocab.related:
        members = {id_ for id_, row in vocab.compounds.items() if row.get("class") == compound}
        own_class = vocab.class_of(compound)
        vocab.related[compound] = frozenset(
            {compound, *members, *([own_class] if own_class else [])}
        )
    return vocab.related[compound]


def _compounds(compound: str | None, other: str | None, vocab: Vocabulary) -> str | None:
    """How the estimate's compound relates to the finding's; None when they are unrelated."""
    if other is None or other not in related(compound, vocab):
        return None
    if other == compound:
        return "same"
    return "narrower" if vocab.class_of(other) == compound else "broader"


def _strength(found: float | None, printed: float | None) -> str:
    if found is not None and printed is not None:
        return "same" if found == printed else "different"
    if found is not None:
        return "broader"
    return "narrower" if printed is not None else "same"


def _potency(found: str | None, printed: str | None, vocab: Vocabulary) -> str:
    """A band the estimate states must lie within the finding's: a comparator that mixes in a
    steroid of a potency the finding does not name is another treatment, not a broader one; one
    of every band ('TCS (various potencies)') is the class itself, for a finding of the class."""
    if found is None and printed is not None and set(printed.split("/")) == set(vocab.potency_rank):
        return "same"
    if found is None or printed is None:
        return "same" if found == printed else "narrower" if found is None else "broader"
    bands, given = frozenset(found.split("/")), frozenset(printed.split("/"))
    return "same" if given == bands else "narrower" if given < bands else "different"


def _banded(
    vocab: Vocabulary, vocabulary: str, finding: dict[str, Any], estimate: dict[str, Any], key: str
) -> str:
    covers = vocab.covers.get(vocabulary, {})
    found = covers.get(finding.get(key) or "", frozenset())
    printed = covers.get(estimate.get(key) or "", frozenset())
    return _compare(found, printed) if found and printed else "unknown"


def _compare(found: frozenset[str], printed: frozenset[str]) -> str:
    """The estimate's grades against the finding's: overlapping grades cover more than the
    finding's, so they are broader."""
    if printed == found:
        return "same"
    if printed < found:
        return "narrower"
    return "broader" if printed & found else "different"


def _timepoint(found: float | None, printed: float | None) -> str:
    if found is None or printed is None:
        return "unknown"
    return "same" if band(found) == band(printed) else "different"
