"""Findings (words) against effect estimates (numbers): one verdict per finding.

An estimate bears on a finding when condition and outcome are the same, each of its arms is the
finding's arm or a member of it (a class or a potency on the finding's side covers its members:
'moderate/potent TCS' covers betamethasone valerate 0.1% and triamcinolone acetonide 0.1%; an
estimate that states no strength was pooled across strengths and covers any), in either order,
and the populations agree (unspecified on either side agrees with any). Estimates reported the
other way round are turned round. An estimate with an uncounted_reason (retracted, single arm, no
interval, arm sizes not printed) is named with that reason but never counted, and so is one
measured in another timepoint band than the finding (TIMEPOINT_BANDS). The reason says how many
counted estimates are direct and how many indirect.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from pipelines.interpret.timepoints import in_words
from pipelines.interpret.treatments import arm_label
from pipelines.interpret.vocab import Vocabulary

_OPPOSITE = {
    "favours_intervention": "favours_comparator",
    "favours_comparator": "favours_intervention",
}
_NULL_CLAIMS = ("no_difference", "comparable")
# When an outcome was measured, in bands: an estimate in another band than the finding's does not
# count (a 3-week trial says nothing of five years), within one band it does.
TIMEPOINT_BANDS = ((16.0, "short term"), (52.0, "up to a year"), (float("inf"), "long term"))


def assess(
    findings: Sequence[dict[str, Any]], estimates: Sequence[dict[str, Any]], vocab: Vocabulary
) -> list[dict[str, Any]]:
    """core.evidence_checks rows, one per finding, in the findings' order."""
    by_topic: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for estimate in estimates:
        by_topic[(estimate["condition"], estimate["outcome"])].append(estimate)
    checks = []
    for finding in findings:
        matched = []
        for estimate in by_topic.get((finding["condition"], finding["outcome"]), []):
            orientation = _orientation(finding, estimate, vocab)
            if orientation is not None:
                matched.append((estimate, orientation, _misfit(finding, estimate)))
        checks.append(_verdict(finding, matched))
    return checks


def _misfit(finding: dict[str, Any], estimate: dict[str, Any]) -> str | None:
    """Why an estimate of the finding's arms still does not bear on it, if it does not: it was
    measured in another timepoint band."""
    found, printed = finding.get("timepoint_weeks"), estimate.get("timepoint_weeks")
    if found is not None and printed is not None and _band(found) != _band(printed):
        return f"measured at {in_words(printed)} ({_band(printed)}); the finding is at {in_words(found)} ({_band(found)})"
    return None


def _band(weeks: float) -> str:
    return next(name for limit, name in TIMEPOINT_BANDS if weeks <= limit)


def _orientation(
    finding: dict[str, Any], estimate: dict[str, Any], vocab: Vocabulary
) -> str | None:
    """'same' or 'reversed' when the estimate compares the finding's arms, else None."""
    if "unspecified" not in (finding["population"], estimate["population"]) and (
        finding["population"] != estimate["population"]
    ):
        return None
    if _covers(finding, "intervention", estimate, "intervention", vocab) and _covers(
        finding, "comparator", estimate, "comparator", vocab
    ):
        return "same"
    if _covers(finding, "intervention", estimate, "comparator", vocab) and _covers(
        finding, "comparator", estimate, "intervention", vocab
    ):
        return "reversed"
    return None


def _covers(
    finding: dict[str, Any], f_arm: str, estimate: dict[str, Any], e_arm: str, vocab: Vocabulary
) -> bool:
    """The finding's arm is the estimate's arm, or a class or potency band that contains it."""
    compound, member = finding[f_arm], estimate[e_arm]
    if member != compound and vocab.class_of(member) != compound:
        return False
    strength, pooled = finding[f"{f_arm}_strength_pct"], estimate[f"{e_arm}_strength_pct"]
    if strength is not None and pooled is not None and pooled != strength:
        return False
    band = finding[f"{f_arm}_potency"]
    potency = estimate[f"{e_arm}_potency"]
    return band is None or (potency is not None and set(potency.split("/")) <= set(band.split("/")))


def _verdict(
    finding: dict[str, Any], matched: list[tuple[dict[str, Any], str, str | None]]
) -> dict[str, Any]:
    counted, excluded = [], []
    for estimate, orientation, misfit in matched:
        if estimate["uncounted_reason"] or misfit:
            excluded.append((estimate, estimate["uncounted_reason"] or misfit))
        else:
            counted.append((estimate, orientation))
    sides = [_turned(e["direction"], o) for e, o in counted]
    claim = finding["direction"]
    if claim == "unclassified":
        verdict, why = "unclassified", "the finding states no direction to test"
    elif unknown := _unknown_terms(finding):
        verdict, why = (
            "no_estimates",
            f"its {unknown} matches no vocabulary entry, so no estimate can match it",
        )
    elif not counted:
        verdict, why = "no_estimates", "no usable estimate matches the finding"
    elif claim in _NULL_CLAIMS:
        verdict, why = _null_claim(sides)
    else:
        verdict, why = _directional_claim(claim, sides, finding)
    shown = [_describe(e, side, finding) for (e, _), side in zip(counted, sides, strict=True)]
    kinds = {
        kind: sum(e["evidence"] == kind for e, _ in counted) for kind in ("direct", "indirect")
    }
    tally = ", ".join(f"{n} {kind}" for kind, n in kinds.items() if n)
    reason = why + (f" ({tally})" if tally else "") + (": " + "; ".join(shown) if shown else "")
    if excluded:
        reason += ". Not counted: " + "; ".join(_excluded(e, why) for e, why in excluded)
    return {
        "finding_id": finding["finding_id"],
        "verdict": verdict,
        "reason": reason,
        "estimate_ids": [e["estimate_id"] for e, _ in counted],
        "excluded_estimate_ids": [e["estimate_id"] for e, _ in excluded],
        "reversed_estimate_ids": [e["estimate_id"] for e, o in counted if o == "reversed"],
        "counted_direct": kinds["direct"],
        "counted_indirect": kinds["indirect"],
    }


def _unknown_terms(finding: dict[str, Any]) -> str:
    """'outcome 'Quality of life'' and the like, for the terms the finding could not match."""
    printed = {
        "condition": finding.get("condition_text"),
        "outcome": finding.get("outcome_text"),
        "intervention": finding.get("intervention_text"),
        "comparator": finding.get("comparator_text"),
    }
    unknown = [
        f"{term} {text!r}" if text else term
        for term, text in printed.items()
        if finding[term] is None
    ]
    return " and ".join(unknown)


def _directional_claim(claim: str, sides: list[str], finding: dict[str, Any]) -> tuple[str, str]:
    n = len(sides)
    if all(side == claim for side in sides):
        return (
            "supported",
            f"{n} of {n} estimates exclude the null in favour of {_favoured(claim, finding)}",
        )
    if all(side == _OPPOSITE[claim] for side in sides):
        other = _favoured(_OPPOSITE[claim], finding)
        return "contradicted", f"{n} of {n} estimates exclude the null in favour of {other}"
    if all(side == "no_difference" for side in sides):
        return "not_supported", f"all {n} estimates include the null"
    return "mixed", f"the {n} estimates disagree ({_tally(sides)})"


def _null_claim(sides: list[str]) -> tuple[str, str]:
    n = len(sides)
    if all(side == "no_difference" for side in sides):
        return "supported", f"{n} of {n} estimates include the null"
    if not any(side == "no_difference" for side in sides):
        return "contradicted", f"{n} of {n} estimates exclude the null ({_tally(sides)})"
    return "mixed", f"the {n} estimates disagree ({_tally(sides)})"


def _turned(direction: str, orientation: str) -> str:
    return _OPPOSITE.get(direction, direction) if orientation == "reversed" else direction


def _tally(sides: list[str]) -> str:
    return ", ".join(f"{sides.count(side)} {side}" for side in sorted(set(sides)))


def _favoured(side: str, finding: dict[str, Any]) -> str:
    return _arm(finding, side.removeprefix("favours_"))


def _arm(row: dict[str, Any], arm: str) -> str:
    name = row[arm] or row.get(f"{arm}_text")
    return arm_label(name, row[f"{arm}_strength_pct"], row[f"{arm}_potency"])


def _describe(estimate: dict[str, Any], side: str, finding: dict[str, Any]) -> str:
    low, high = estimate["ci_low"], estimate["ci_high"]
    complement = " of the complement (e.g. not improving)" if estimate["outcome_inverted"] else ""
    result = f"favours {_favoured(side, finding)}" if side in _OPPOSITE else "includes the null"
    arms = f"{_arm(estimate, 'intervention')} vs {_arm(estimate, 'comparator')}"
    kind = "indirect, " if estimate["evidence"] == "indirect" else ""
    if estimate["derivation"]:
        shown = estimate["derivation"]
    else:
        shown = f"{estimate['measure'].upper()}{complement} {estimate['estimate']:g} [{low:g}, {high:g}]"
    return f"{estimate['estimate_id']} ({kind}{arms}) {shown} {result}"


def _excluded(estimate: dict[str, Any], why: str) -> str:
    return f"{estimate['estimate_id']} ({why})"
