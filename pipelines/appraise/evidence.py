"""Findings (words) against effect estimates (numbers): one verdict per finding, with every
estimate considered, a pooled estimate where there are several, and a certainty check.

An estimate is considered for a finding when condition and outcome are the same and its arms
compare the finding's compounds (a class covers its members), in either order; estimates printed
the other way round are turned round. Then, one rule at a time:
1. fit (appraise.fit): arms, population, severity and timepoint are each same, broader,
   narrower, different or unknown; ref.estimate_fits says which fits count. An estimate with an
   uncounted_reason (retracted, single arm, no interval …) never counts.
2. overlap: one source (the same PMID, DOI or citation) counts once for one comparison and
   quantity measured at several timepoints, in several populations or phases: the best fit, then
   the one nearest the finding's timepoint, then the largest, then the first printed (its
   estimates at that timepoint in that population are separate trials, and all count); an
   estimate another source prints with the same value and interval is the same result twice.
3. pooling (appraise.pooling): of the counted direct estimates of one comparison and quantity,
   the largest set that share no trials is pooled by random effects when it has two or more.
   Estimates share trials when their listed trials meet (the estimates' `trials` column), or,
   unless both list theirs, when they name the same NCT number or come from different sources and
   one of them pools several trials (reviews of one comparison overlap); they are marked, and a
   network meta-analysis's estimate is never pooled (it already combines the trials).
4. verdict: the pooled estimate and each counted estimate outside it are read as the finding
   reads them (the interval against the null).
5. certainty (appraise.certainty) beside every verdict with a counted estimate.
"""

from __future__ import annotations

import copy
import operator
import re
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from pipelines.appraise.certainty import NULL_CLAIMS, Reading, check
from pipelines.appraise.fit import Fit, band, could_fit, fit, rule
from pipelines.appraise.pooling import Pooled, pool
from pipelines.appraise.verdict_words import (
    arm_name,
    arms_as_read,
    estimate_line,
    measure_label,
    pooled_line,
    source_label,
)
from pipelines.interpret.timepoints import in_words
from pipelines.interpret.vocab import Vocabulary

_OPPOSITE = {
    "favours_intervention": "favours_comparator",
    "favours_comparator": "favours_intervention",
}
_TRIAL = re.compile(r"\bNCT\d{8}\b")
# What fit() and could_fit() read of a finding, with its condition and outcome's construct.
FITTED = (
    "condition",
    "outcome",
    "intervention",
    "comparator",
    "intervention_strength_pct",
    "comparator_strength_pct",
    "intervention_potency",
    "comparator_potency",
    "population",
    "severity",
    "timepoint_weeks",
)
_fitted_key = operator.itemgetter(*FITTED)


def assess(
    findings: Sequence[dict[str, Any]],
    estimates: Sequence[dict[str, Any]],
    vocab: Vocabulary,
    unjudged: list[tuple[dict[str, Any], Exception]] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """core.evidence_checks rows (one per finding, in the findings' order) and
    core.verdict_estimates rows (one per finding and estimate considered). With `unjudged`, a
    finding that cannot be judged (a defect, an incomplete vocabulary) is put there with its
    exception and has no rows, instead of stopping every other finding."""
    by_topic: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for estimate in estimates:
        by_topic[(estimate["condition"], _construct(estimate["outcome"], vocab))].append(estimate)
    checks, considered = [], []
    fitted: dict[tuple[Any, ...], list[_Candidate]] = {}
    for finding in findings:
        try:
            candidates = _candidates(finding, by_topic, vocab, fitted)
            check_row, rows = _judge(finding, candidates, vocab)
        except Exception as exc:
            if unjudged is None:
                raise
            unjudged.append((finding, exc))
            continue
        checks.append(check_row)
        considered += rows
    return checks, considered


def _candidates(
    finding: dict[str, Any],
    by_topic: dict[tuple[str, str], list[dict[str, Any]]],
    vocab: Vocabulary,
    fitted: dict[tuple[Any, ...], list[_Candidate]],
) -> list[_Candidate]:
    """The estimates that fit the finding, fresh to be marked for it. Which fit, and how, depends
    on the finding's FITTED columns only: read once per distinct set of them (`fitted`), as
    findings repeat them (8 262 sets among 37 230 synthetic findings)."""
    key = _fitted_key(finding)
    if key not in fitted:
        fitted[key] = []
        topic = (finding["condition"], _construct(finding["outcome"], vocab))
        for estimate in by_topic.get(topic, []):
            found = fit(finding, estimate, vocab) if could_fit(finding, estimate, vocab) else None
            if found is not None:
                fitted[key].append(_Candidate(estimate, found, vocab))
    return [copy.copy(candidate) for candidate in fitted[key]]


def _construct(outcome: str | None, vocab: Vocabulary) -> str | None:
    """What an outcome measures: estimates of one construct are considered for each other."""
    return vocab.construct.get(outcome or "", outcome)


class _Candidate:
    """One estimate considered for one finding: its fit, how the finding reads it, and its role.
    A copy is marked for each finding (role, why, weight and shares_trials_with are reassigned,
    never changed in place); the rest is read of the estimate and the fit once."""

    def __init__(self, estimate: dict[str, Any], found: Fit, vocab: Vocabulary) -> None:
        self.estimate = estimate
        self.fit = found
        self.orientation = found.orientation
        self.measure = "rr" if estimate["derivation"] else estimate["measure"]
        self.ratio = estimate["derivation"] is not None or estimate["scale"] == "ratio"
        self.read = _as_read(estimate, found.orientation, self.ratio)
        self.direction = _turned(estimate["direction"], found.orientation)
        self.indirect = [
            f"{dimension} {found.of(dimension)}" for dimension in found.indirect(vocab)
        ] + (["a network meta-analysis's indirect comparison"] if self.is_network else [])
        self.misfits = found.misfits(vocab)
        self.role = "counted"
        self.why = ""
        self.weight: float | None = None
        listed = estimate.get("trials")
        self.listed = bool(listed)
        self.trials = frozenset(listed) if listed else _trials(estimate.get("citation") or "")
        self.source = (
            estimate["pmid"]
            or estimate["doi"]
            or estimate["pmcid"]
            or estimate["citation"]
            or estimate["estimate_id"]
        )
        self.comparison = (*_arms_key(estimate, found.orientation), *self.quantity)
        self.shares_trials_with: list[str] = []

    @property
    def is_network(self) -> bool:
        return self.estimate["evidence"] == "indirect"

    @property
    def quantity(self) -> tuple[Any, ...]:
        """What an estimate measures: only estimates of one quantity are pooled together."""
        e = self.estimate
        return (self.measure, e["outcome_inverted"], e["measure_polarity"])

    def shares_trials(self, other: _Candidate) -> bool:
        if self.trials & other.trials:
            return True
        if self.listed and other.listed:
            return False
        several = (self.estimate["n_trials"] or 1) > 1 or (other.estimate["n_trials"] or 1) > 1
        return self.source != other.source and self.comparison == other.comparison and several


@lru_cache(maxsize=4096)
def _trials(citation: str) -> frozenset[str]:
    return frozenset(_TRIAL.findall(citation))


def _arms_key(estimate: dict[str, Any], orientation: str) -> tuple[Any, ...]:
    """The arms, the finding's intervention first, as ids and numbers."""
    sides = ("intervention", "comparator")[:: 1 if orientation == "same" else -1]
    return tuple(
        estimate[f"{arm}{part}"] for arm in sides for part in ("", "_strength_pct", "_potency")
    )


def _judge(
    finding: dict[str, Any], candidates: list[_Candidate], vocab: Vocabulary
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    claim = finding["direction"]
    if not candidates:
        verdict, why = _verdict(finding, claim, [], False, vocab)
        empty = {"estimate_ids": [], "excluded_estimate_ids": [], "reversed_estimate_ids": []}
        return {
            "finding_id": finding["finding_id"],
            "verdict": verdict,
            "reason": why,
            **empty,
            "counted_direct": 0,
            "counted_indirect": 0,
        }, []
    for c in candidates:
        if c.estimate["uncounted_reason"]:
            c.role, c.why = "unusable", c.estimate["uncounted_reason"]
        elif misfits := c.misfits:
            c.role, c.why = "misfit", "; ".join(_misfit(d, finding, c, vocab) for d in misfits)
    _overlap(finding, [c for c in candidates if c.role == "counted"])
    counted = [c for c in candidates if c.role == "counted"]
    _mark_shared_trials(counted)
    pooled_set, pooled = _pool(counted)
    readings = [c for c in counted if c not in pooled_set]
    sides = ([_pooled_direction(pooled, pooled_set[0])] if pooled else []) + [
        c.direction for c in readings
    ]
    verdict, why = _verdict(finding, claim, sides, pooled is not None, vocab)
    lines = []
    if pooled:
        label = measure_label(pooled_set[0].measure, pooled_set[0].estimate, vocab.measures)
        direction = _pooled_direction(pooled, pooled_set[0])
        lines.append(
            pooled_line(pooled, label, _result(direction, finding, vocab))
            + ", of: "
            + "; ".join(_line(c, finding, vocab) for c in pooled_set)
        )
    lines += [_line(c, finding, vocab) for c in readings]
    reason = why + (": " + ". ".join(lines) if lines else "")
    excluded = [c for c in candidates if c.role != "counted" and c.role != "pooled"]
    # Estimates of other strengths or potencies are in core.verdict_estimates, not in the words.
    named = [c for c in excluded if c.fit.arms not in ("different",)]
    if named:
        reason += ". Not counted: " + "; ".join(
            f"{source_label(c.estimate)} ({c.estimate['timepoint'] or 'timepoint not stated'}, "
            f"{arms_as_read(c.estimate, c.orientation, vocab)}): {c.why}"
            for c in named
        )
    used = [c for c in candidates if c.role in ("counted", "pooled")]
    row = {
        "finding_id": finding["finding_id"],
        "verdict": verdict,
        "reason": reason,
        "estimate_ids": [c.estimate["estimate_id"] for c in used],
        "excluded_estimate_ids": [c.estimate["estimate_id"] for c in excluded],
        "reversed_estimate_ids": [
            c.estimate["estimate_id"] for c in used if c.orientation == "reversed"
        ],
        "counted_direct": sum(not c.is_network for c in used),
        "counted_indirect": sum(c.is_network for c in used),
        **_pooled_columns(pooled, pooled_set),
        **_certainty(finding, claim, used, pooled, pooled_set, vocab),
    }
    return row, [_considered(finding, c) for c in candidates]


def _verdict(
    finding: dict[str, Any], claim: str, sides: list[str], pooled: bool, vocab: Vocabulary
) -> tuple[str, str]:
    """The verdict of the readings (the pooled estimate first, if any) on the claim, and why."""
    if claim == "unclassified":
        return "unclassified", "the finding states no direction to test"
    if unknown := _unknown_terms(finding):
        return (
            "no_estimates",
            f"its {unknown} matches no vocabulary entry, so no estimate can match it",
        )
    if not sides:
        return "no_estimates", "no usable estimate matches the finding"
    if claim in NULL_CLAIMS:
        return _null_claim(sides, pooled)
    return _directional_claim(claim, sides, pooled, finding, vocab)


def _overlap(finding: dict[str, Any], eligible: list[_Candidate]) -> None:
    """Rule 2: one source counts once per comparison; one result printed twice counts once."""
    groups: dict[tuple[Any, ...], list[_Candidate]] = defaultdict(list)
    for c in eligible:
        groups[(c.source, c.comparison)].append(c)
    target = finding.get("timepoint_weeks")

    def preference(c: _Candidate) -> tuple[Any, ...]:
        weeks = c.estimate["timepoint_weeks"]
        return (
            len(c.indirect),
            abs(weeks - target) if target is not None and weeks is not None else float("inf"),
            -(c.estimate["n_participants"] or 0),
            -(c.estimate["n_trials"] or 0),
            c.estimate["file"],
            c.estimate["line_no"],
        )

    for group in groups.values():
        best = min(group, key=preference)
        for c in group:
            if _setting(c) != _setting(best):
                when = best.estimate["timepoint"] or "an unstated timepoint"
                c.role = "overlap"
                c.why = f"the same source's estimate at {when} is counted: one source counts once"
    printed: dict[tuple[Any, ...], _Candidate] = {}
    for c in sorted(eligible, key=preference):
        if c.role != "counted" or c.read is None:
            continue
        key = (c.comparison, tuple(round(v, 6) for v in c.read))
        first = printed.setdefault(key, c)
        if first is not c:
            c.role = "overlap"
            c.why = f"{source_label(first.estimate)} prints the same value and interval: one result counts once"


def _setting(c: _Candidate) -> tuple[Any, ...]:
    """When and in whom an estimate was measured: one source's estimates in one setting are
    separate trials."""
    e = c.estimate
    return (e["timepoint_weeks"], e["timepoint"], e["population"], e["severity"])


def _mark_shared_trials(counted: list[_Candidate]) -> None:
    for c in counted:
        c.shares_trials_with = [
            other.estimate["estimate_id"]
            for other in counted
            if other is not c and c.shares_trials(other)
        ]


def _pool(counted: list[_Candidate]) -> tuple[list[_Candidate], Pooled | None]:
    """Rule 3: the largest set of one comparison sharing no trials, in printed order (single
    trials first, so that a review does not crowd out the trials), and its pooled estimate."""
    groups: dict[tuple[Any, ...], list[_Candidate]] = defaultdict(list)
    for c in sorted(
        counted,
        key=lambda c: (c.estimate["n_trials"] or 1, c.estimate["file"], c.estimate["line_no"]),
    ):
        if not c.is_network and c.read is not None:
            group = groups[c.comparison]
            if not any(c.shares_trials(other) for other in group):
                group.append(c)
    best = max(groups.values(), key=len, default=[])
    if len(best) < 2:
        return [], None
    best.sort(key=lambda c: (c.estimate["file"], c.estimate["line_no"]))
    pooled = pool(tuple(c.read for c in best), ratio=best[0].ratio)
    for c, weight in zip(best, pooled.weights, strict=True):
        c.role, c.weight = "pooled", weight
    return best, pooled


def _pooled_direction(pooled: Pooled, member: _Candidate) -> str:
    """Which arm the pooled interval favours, as the finding reads it."""
    null = 1.0 if member.ratio else 0.0
    if pooled.ci_low <= null <= pooled.ci_high:
        return "no_difference"
    above = pooled.ci_low > null
    higher_is_better = member.estimate["measure_polarity"] == "higher"
    return "favours_intervention" if above == higher_is_better else "favours_comparator"


def _as_read(
    estimate: dict[str, Any], orientation: str, ratio: bool
) -> tuple[float, float, float] | None:
    """(value, low, high) in the estimate's own measure, with the finding's intervention first."""
    benefit = (
        estimate["benefit_estimate"],
        estimate["benefit_ci_low"],
        estimate["benefit_ci_high"],
    )
    if None in benefit:
        return None
    natural = benefit if estimate["measure_polarity"] == "higher" else _flip(benefit, ratio)
    return _flip(natural, ratio) if orientation == "reversed" else natural


def _flip(values: tuple[float, float, float], ratio: bool) -> tuple[float, float, float]:
    value, low, high = values
    return (1 / value, 1 / high, 1 / low) if ratio else (-value, -high, -low)


def _line(c: _Candidate, finding: dict[str, Any], vocab: Vocabulary) -> str:
    assert c.read is not None
    line = estimate_line(
        c.estimate, c.orientation, c.read, c.measure, _result(c.direction, finding, vocab), vocab
    )
    return line + (f" (weight {c.weight:.0%})" if c.weight is not None else "")


def _result(direction: str, finding: dict[str, Any], vocab: Vocabulary) -> str:
    if direction in _OPPOSITE:
        return f"favours {arm_name(finding, direction.removeprefix('favours_'), vocab)}"
    return "includes the null"


def _misfit(dimension: str, finding: dict[str, Any], c: _Candidate, vocab: Vocabulary) -> str:
    """Why a dimension's fit does not count, with both sides' values."""
    e = c.estimate
    value = c.fit.of(dimension)
    if dimension == "timepoint":
        found, printed = finding["timepoint_weeks"], e["timepoint_weeks"]
        return f"measured at {_at(printed)}; the finding is at {_at(found)}"
    if dimension == "arms":
        return f"arms {value}: {rule(vocab, dimension, value)}"
    if dimension == "outcome":
        label = vocab.labels["outcomes"].get(e["outcome"], e["outcome"])
        return f"it measures {label.lower()}, another outcome of the finding's construct"
    names = vocab.labels["populations" if dimension == "population" else "severities"]
    return (
        f"measured in {names.get(e[dimension], e[dimension]).lower()}; "
        f"the finding is about {names.get(finding[dimension], finding[dimension]).lower()}"
    )


def _at(weeks: float | None) -> str:
    return f"{in_words(weeks)} ({band(weeks)})" if weeks is not None else "an unstated time"


def _considered(finding: dict[str, Any], c: _Candidate) -> dict[str, Any]:
    e = c.estimate
    read = c.read or (None, None, None)
    return {
        "finding_id": finding["finding_id"],
        "estimate_id": e["estimate_id"],
        "role": c.role,
        "counted": c.role in ("counted", "pooled"),
        "why": c.why or None,
        "orientation": c.orientation,
        "arms_fit": c.fit.arms,
        "outcome_fit": c.fit.outcome,
        "population_fit": c.fit.population,
        "severity_fit": c.fit.severity,
        "timepoint_fit": c.fit.timepoint,
        "indirect": bool(c.indirect),
        "source": source_label(e),
        "measure": c.measure,
        "estimate": read[0],
        "ci_low": read[1],
        "ci_high": read[2],
        "direction": c.direction,
        "weight": c.weight,
        "shares_trials_with": c.shares_trials_with,
    }


def _pooled_columns(pooled: Pooled | None, members: list[_Candidate]) -> dict[str, Any]:
    if pooled is None:
        return {}  # the columns stay null
    return {
        "pooled_measure": members[0].measure,
        "pooled_estimate": pooled.estimate,
        "pooled_ci_low": pooled.ci_low,
        "pooled_ci_high": pooled.ci_high,
        "pooled_k": pooled.k,
        "tau2": pooled.tau2,
        "i2": pooled.i2,
        "pi_low": pooled.pi_low,
        "pi_high": pooled.pi_high,
        "q": pooled.q,
        "q_p": pooled.q_p,
        "z": pooled.z,
        "z_p": pooled.z_p,
        "dl_estimate": pooled.dl_estimate,
        "dl_ci_low": pooled.dl_ci_low,
        "dl_ci_high": pooled.dl_ci_high,
        "dl_tau2": pooled.dl_tau2,
    }


def _certainty(
    finding: dict[str, Any],
    claim: str,
    used: list[_Candidate],
    pooled: Pooled | None,
    members: list[_Candidate],
    vocab: Vocabulary,
) -> dict[str, Any]:
    readable = [c for c in used if c.read is not None]
    if claim == "unclassified" or not readable:
        return {}  # the columns stay null
    if pooled is not None:
        first = members[0]
        values = (pooled.estimate, pooled.ci_low, pooled.ci_high)
        main = Reading(
            *values,
            first.ratio,
            "pooled " + measure_label(first.measure, first.estimate, vocab.measures),
        )
    else:
        largest = max(readable, key=lambda c: c.estimate["n_participants"] or 0)
        assert largest.read is not None
        main = Reading(
            *largest.read,
            largest.ratio,
            measure_label(largest.measure, largest.estimate, vocab.measures),
        )
    counted = [
        {
            "direction": c.direction,
            "n_trials": c.estimate["n_trials"],
            "n_participants": c.estimate["n_participants"],
            "n_events": c.estimate.get("n_events"),
            "ratio": c.ratio,
            "read": c.read,
            "design": c.estimate.get("design", "randomised"),
            "i2_pct": c.estimate.get("i2_pct"),
            "heterogeneity_p": c.estimate.get("heterogeneity_p"),
            "label": source_label(c.estimate),
            "pooled": c.role == "pooled",
        }
        for c in used
    ]
    stand_in = claim not in NULL_CLAIMS and _bands_covered(finding, used)
    why = [
        (source_label(c.estimate), _indirect_for_certainty(c, finding, stand_in, vocab))
        for c in used
    ]
    indirect = [f"{label}: {', '.join(reasons)}" for label, reasons in why]
    if any(not reasons for _, reasons in why):
        indirect = []  # the best evidence counted is direct
    return check(
        claim,
        main,
        counted,
        pooled.i2 if pooled else None,
        indirect,
        finding.get("evidence_grade"),
        vocab,
        finding.get("evidence_grade_text"),
    )


def _indirect_for_certainty(
    c: _Candidate, finding: dict[str, Any], stand_in: bool, vocab: Vocabulary
) -> list[str]:
    """Why an estimate is indirect evidence for the finding (certainty module docstring): its
    fit's indirect dimensions (not members standing in for the bands they cover, `stand_in`), a
    network's comparison of two treatments, a pool of several trials of a population not stated
    for a finding about one age group."""
    why = [
        f"{dimension} {c.fit.of(dimension)}"
        for dimension in c.fit.indirect(vocab)
        if not (stand_in and dimension == "arms" and c.fit.arms == "narrower")
    ]
    if c.is_network and vocab.kind_of(c.estimate["comparator"]) != "control":
        why.append("a network meta-analysis's indirect comparison")
    several = (c.estimate["n_trials"] or 0) > 1
    aged = finding.get("population") not in (None, "unspecified", "mixed")
    if several and aged and c.estimate["population"] == "unspecified":
        why.append(
            f"population: a pool of {c.estimate['n_trials']} trials of a population not stated "
            f"for a finding about {finding['population']}"
        )
    return why


def _bands_covered(finding: dict[str, Any], used: list[_Candidate]) -> bool:
    """Whether the counted estimates' members cover every potency band a side of the finding
    names ('moderate/potent TCS': a moderate and a potent steroid), so that together they stand
    for it."""
    for side, other in (("intervention", "comparator"), ("comparator", "intervention")):
        bands = set((finding.get(f"{side}_potency") or "").split("/")) - {""}
        if not bands:
            continue
        covered: set[str] = set()
        for c in used:
            arm = side if c.orientation == "same" else other
            covered |= set((c.estimate.get(f"{arm}_potency") or "").split("/")) - {""}
        if bands <= covered:
            return True
    return False


def _unknown_terms(finding: dict[str, Any]) -> str:
    """'outcome 'Quality of life'' and the like, for the terms the finding could not match."""
    if None not in (
        finding["condition"],
        finding["outcome"],
        finding["intervention"],
        finding["comparator"],
    ):
        return ""
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


def _counted_words(sides: list[str], pooled: bool) -> str:
    """'2 of 2 estimates' or 'the pooled estimate and 1 other estimate'."""
    if not pooled:
        return f"{len(sides)} of {len(sides)} estimates"
    others = len(sides) - 1
    return "the pooled estimate" + (
        f" and {others} other estimate{'s' if others > 1 else ''}" if others else ""
    )


def _directional_claim(
    claim: str, sides: list[str], pooled: bool, finding: dict[str, Any], vocab: Vocabulary
) -> tuple[str, str]:
    counted = _counted_words(sides, pooled)
    verb = "excludes" if pooled and len(sides) == 1 else "exclude"
    if all(side == claim for side in sides):
        return (
            "supported",
            f"{counted} {verb} the null in favour of {_favoured(claim, finding, vocab)}",
        )
    if all(side == _OPPOSITE[claim] for side in sides):
        other = _favoured(_OPPOSITE[claim], finding, vocab)
        return "contradicted", f"{counted} {verb} the null in favour of {other}"
    if all(side == "no_difference" for side in sides):
        return (
            "not_supported",
            f"{counted} {'includes' if verb == 'excludes' else 'include'} the null",
        )
    return "mixed", f"the readings disagree ({_tally(sides)})"


def _null_claim(sides: list[str], pooled: bool) -> tuple[str, str]:
    counted = _counted_words(sides, pooled)
    one = pooled and len(sides) == 1
    if all(side == "no_difference" for side in sides):
        return "supported", f"{counted} {'includes' if one else 'include'} the null"
    if not any(side == "no_difference" for side in sides):
        return (
            "contradicted",
            f"{counted} {'excludes' if one else 'exclude'} the null ({_tally(sides)})",
        )
    return "mixed", f"the readings disagree ({_tally(sides)})"


def _turned(direction: str, orientation: str) -> str:
    return _OPPOSITE.get(direction, direction) if orientation == "reversed" else direction


def _tally(sides: list[str]) -> str:
    return ", ".join(f"{sides.count(side)} {side.replace('_', ' ')}" for side in sorted(set(sides)))


def _favoured(side: str, finding: dict[str, Any], vocab: Vocabulary) -> str:
    return arm_name(finding, side.removeprefix("favours_"), vocab)
