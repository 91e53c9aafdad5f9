"""A certainty check beside a verdict, by GRADE's own domains, against the grade the guide prints.

Randomised evidence starts at ref.certainty_rules starting_grade (high), observational evidence
(when no counted estimate is randomised: core.effect_estimates design) at
observational_starting_grade (low), and is rated down one grade for each serious domain, two for
a very serious one (thresholds in
raw/vocab/certainty_rules.csv, the rules one line each):
- imprecision, from the interval the verdict reads (the pooled one, else the estimate with the
  most participants): serious when it includes the null for a finding of a difference, or
  reaches past an appreciable ratio (appreciable_ratio, or its inverse) for a finding of no
  difference; very serious when it reaches as far again (very_appreciable_ratio), or, for a
  difference, reaches an appreciable ratio on the other side of the null;
- imprecision, from the information of the best-informed counted estimate: its events where
  printed (optimal_information_events), else its participants (optimal_information_size), else,
  for a ratio, the events its interval's width implies (4 / SE²); serious under the size, very
  serious under very_serious_share of it, serious when nothing says how much there is;
- the two imprecision readings are one domain: the graver counts;
- inconsistency: the pooled I², or one a counted estimate's note prints, above inconsistency_i2; a
  heterogeneity p-value printed below inconsistency_p; or counted estimates on both sides of the
  null;
- indirectness, by the best evidence counted: serious only when every counted estimate is
  indirect — a fit ref.estimate_fits calls indirect, a network meta-analysis's comparison of two
  treatments (against a control it rests on the trials against that control), or a pool of
  several trials of a population not stated for a finding about one age group.
Risk of bias and publication bias cannot be read from a printed guide: they are stated as not
assessed, so the check can only say a printed grade may be too high or too low, never that it is
right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipelines.appraise.pooling import standard_error
from pipelines.interpret.vocab import Vocabulary

NULL_CLAIMS = ("no_difference", "comparable")
NOT_ASSESSED = (
    "risk of bias and publication bias: not assessed (a printed table does not show them)"
)
# The ref.certainty_rules ids the check reads.
RULES = (
    "starting_grade",
    "inconsistency_i2",
    "appreciable_ratio",
    "very_appreciable_ratio",
    "optimal_information_size",
    "optimal_information_events",
    "very_serious_share",
    "observational_starting_grade",
    "inconsistency_p",
)


@dataclass(frozen=True)
class Reading:
    """An interval the verdict reads (a pooled estimate or a single one), as the finding reads."""

    value: float
    low: float
    high: float
    ratio: bool
    label: str


def check(
    claim: str,
    main: Reading,
    counted: list[dict[str, Any]],
    i2: float | None,
    indirect: list[str],
    printed_grade: str | None,
    vocab: Vocabulary,
    printed_text: str | None = None,
) -> dict[str, Any]:
    """The certainty columns of core.evidence_checks. `counted`: the counted estimates (their
    direction as the finding reads, n_trials, n_participants, n_events, ratio, read); `indirect`:
    why each indirect one is, in words, empty when the best evidence counted is direct;
    `printed_text`: the grade as printed, when the vocabulary does not know it."""
    rules = vocab.certainty
    lacking = [rule for rule in RULES if rule not in rules]
    ranks = set(vocab.grade_rank)
    if (
        lacking
        or int(rules["starting_grade"]) not in ranks
        or ranks != set(range(1, len(ranks) + 1))
    ):
        return _not_checked(lacking)
    imprecise, very = _imprecision(claim, main, counted, rules)
    sides = {e["direction"] for e in counted} & {"favours_intervention", "favours_comparator"}
    inconsistent = []
    if i2 is not None and i2 > rules["inconsistency_i2"]:
        inconsistent.append(f"I² {i2:.0f}% is above {rules['inconsistency_i2']:g}%")
    inconsistent += _printed_heterogeneity(counted, rules)
    if len(sides) == 2:
        inconsistent.append("counted estimates lie on both sides of the null")
    domains = {
        "imprecision": imprecise,
        "inconsistency": inconsistent,
        "indirectness": indirect,
    }
    serious = [name for name, why in domains.items() if why]
    randomised = any(e.get("design", "randomised") == "randomised" for e in counted)
    start = int(rules["starting_grade" if randomised else "observational_starting_grade"])
    rank = max(1, start - len(serious) - very)
    certainty = vocab.grade_rank[rank]
    trials, participants = _behind(counted)
    printed_rank = next((r for r, g in vocab.grade_rank.items() if g == printed_grade), None)
    if printed_rank is None:
        grade_check = "printed_grade_unknown" if printed_text else "no_printed_grade"
    elif printed_rank > rank:
        grade_check = "printed_may_be_too_high"
    elif printed_rank < rank:
        grade_check = "printed_may_be_too_low"
    else:
        grade_check = "consistent"
    rated = {
        name: f"{'very serious' if name == 'imprecision' and very else 'serious'}, {'; '.join(why)}"
        for name, why in domains.items()
        if why
    }
    words = [f"{name}: {rated.get(name, 'not serious')}" for name in domains]
    words.append(NOT_ASSESSED)
    words.append(
        f"{trials if trials is not None else 'unknown number of'} trial(s), "
        f"{participants if participants is not None else 'participants not printed'}"
        + (" participants" if participants is not None else "")
    )
    design = "randomised" if randomised else "observational"
    verdict = (
        f"{len(serious)} serious domain(s) of 3 rated{' (imprecision very serious)' if very else ''}, "
        f"from {vocab.grade_rank[start]} ({design}): {certainty}"
    )
    if printed_rank is not None:
        verdict += f"; the guide prints {printed_grade}"
    elif printed_text:
        verdict += f"; the guide prints '{printed_text}', which ref.evidence_grades does not know"
    return {
        "certainty": certainty,
        "imprecision": bool(imprecise),
        "inconsistency": bool(inconsistent),
        "indirectness": bool(indirect),
        **{f"{name}_reason": rated.get(name) for name in domains},
        "n_trials": trials,
        "n_participants": participants,
        "grade_check": grade_check,
        "certainty_reason": "; ".join(words) + ". " + verdict,
    }


def _not_checked(lacking: list[str]) -> dict[str, Any]:
    """The certainty columns when the rules to check by are not all there (an unreadable or
    incomplete vocabulary): said, not guessed."""
    missing = (
        f"raw/vocab/certainty_rules.csv lacks {', '.join(lacking)}"
        if lacking
        else "raw/vocab/evidence_grades.csv lacks grades (ranks 1 to the starting grade)"
    )
    return {
        "certainty": None,
        "imprecision": None,
        "inconsistency": None,
        "indirectness": None,
        "imprecision_reason": None,
        "inconsistency_reason": None,
        "indirectness_reason": None,
        "n_trials": None,
        "n_participants": None,
        "grade_check": None,
        "certainty_reason": f"not checked: {missing}",
    }


def _printed_heterogeneity(counted: list[dict[str, Any]], rules: dict[str, float]) -> list[str]:
    """Inconsistency printed with a counted estimate: its I², its heterogeneity p-value."""
    found = []
    for e in counted:
        if e.get("i2_pct") is not None and e["i2_pct"] > rules["inconsistency_i2"]:
            found.append(f"{e['label']} prints I² {e['i2_pct']:g}%")
        p = e.get("heterogeneity_p")
        if p is not None and p < rules["inconsistency_p"]:
            found.append(f"{e['label']} prints heterogeneity p = {p:g}")
    return found


def _imprecision(
    claim: str, main: Reading, counted: list[dict[str, Any]], rules: dict[str, float]
) -> tuple[list[str], int]:
    """Why the body is imprecise, and 1 when that is very serious (else 0)."""
    crossing, wide = _crossing(claim, main, rules)
    information, scarce = _information(main, counted, rules)
    why = [reason for reason in (crossing, information) if reason]
    return why, int(bool(why) and (wide or scarce))


def _crossing(claim: str, main: Reading, rules: dict[str, float]) -> tuple[str, bool]:
    """Where the interval reaches (a reason, '' for none) and whether it reaches far."""
    interval = f"{main.label} [{main.low:.3g}, {main.high:.3g}]"
    limit, far = rules["appreciable_ratio"], rules["very_appreciable_ratio"]
    if claim in NULL_CLAIMS:
        if not main.ratio or (1 / limit <= main.low and main.high <= limit):
            return "", False
        wide = main.low < 1 / far or main.high > far
        reach = "far past" if wide else "past"
        return (
            f"the interval {interval} reaches {reach} an appreciable {1 / limit:.2g} or {limit:.3g}",
            wide,
        )
    null = 1.0 if main.ratio else 0.0
    if not main.low <= null <= main.high:
        return "", False
    wide = main.ratio and (main.low < 1 / limit and main.high > limit)
    other_side = "; it reaches an appreciable effect on both sides" if wide else ""
    return f"the interval {interval} includes {null:g}{other_side}", wide


def _information(
    main: Reading, counted: list[dict[str, Any]], rules: dict[str, float]
) -> tuple[str, bool]:
    """How much information the best-informed counted estimate holds against the optimal
    information size (a reason when short, '' when met), and whether it is far short."""
    share = rules["very_serious_share"]
    sizes = [_size(estimate, main, rules) for estimate in counted]
    known = [size for size in sizes if size is not None]
    if not known:
        return (
            "neither events nor participants are printed, so the information cannot be weighed",
            False,
        )
    amount, optimal, what = max(known, key=lambda size: size[0] / size[1])
    if amount >= optimal:
        return "", False
    return f"{amount:.0f} {what}, under {optimal:g}", amount < share * optimal


def _size(
    estimate: dict[str, Any], main: Reading, rules: dict[str, float]
) -> tuple[float, float, str] | None:
    """(information, its optimal size, what it counts) of one estimate, if anything says."""
    if estimate.get("n_events") is not None:
        return estimate["n_events"], rules["optimal_information_events"], "events"
    if estimate.get("n_participants") is not None:
        return estimate["n_participants"], rules["optimal_information_size"], "participants"
    read = estimate.get("read")
    if estimate.get("ratio") and read is not None and 0 < read[1] < read[2]:
        error = standard_error(read[1], read[2], ratio=True)
        return 4 / error**2, rules["optimal_information_events"], "events implied by the interval"
    return None


def _behind(counted: list[dict[str, Any]]) -> tuple[int | None, int | None]:
    """Trials and participants of the evidence read: the pooled estimates' added (pooling takes
    only estimates that share no trials), else the counted estimate with the most participants'."""
    pooled = [e for e in counted if e.get("pooled")]
    if pooled:
        return _total(pooled, "n_trials"), _total(pooled, "n_participants")
    largest = max(counted, key=lambda e: e.get("n_participants") or 0)
    return largest.get("n_trials"), largest.get("n_participants")


def _total(counted: list[dict[str, Any]], column: str) -> int | None:
    known = [e[column] for e in counted if e.get(column) is not None]
    return sum(known) if known else None
