"""A certainty check beside a verdict, by GRADE's own domains, against the grade the guide prints.

Randomised evidence starts at ref.certainty_rules starting_grade (high) and is rated down one
grade for each serious domain:
- imprecision: the interval the verdict reads (the pooled one, else the estimate with the most
  participants) includes the null for a finding of a difference, or reaches past an appreciable
  ratio (appreciable_ratio, or its inverse) for a finding of no difference; or the participants
  counted are fewer than optimal_information_size;
- inconsistency: I² above inconsistency_i2, or counted estimates on both sides of the null;
- indirectness: a counted estimate whose fit is indirect (ref.estimate_fits) or a network
  meta-analysis's indirect comparison.
Risk of bias and publication bias cannot be read from a printed guide: they are not rated, so
the check can only say a printed grade may be too high or too low, never that it is right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipelines.interpret.vocab import Vocabulary

NULL_CLAIMS = ("no_difference", "comparable")
# The ref.certainty_rules ids the check reads.
RULES = ("starting_grade", "inconsistency_i2", "appreciable_ratio", "optimal_information_size")


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
) -> dict[str, Any]:
    """The certainty columns of core.evidence_checks. `counted`: the counted estimates (their
    direction as the finding reads, n_trials, n_participants); `indirect`: why each indirect one
    is, in words."""
    rules = vocab.certainty
    lacking = [rule for rule in RULES if rule not in rules]
    ranks = set(vocab.grade_rank)
    if (
        lacking
        or int(rules["starting_grade"]) not in ranks
        or ranks != set(range(1, len(ranks) + 1))
    ):
        return _not_checked(lacking)
    imprecise = _imprecision(claim, main, counted, rules)
    sides = {e["direction"] for e in counted} & {"favours_intervention", "favours_comparator"}
    inconsistent = []
    if i2 is not None and i2 > rules["inconsistency_i2"]:
        inconsistent.append(f"I² {i2:.0f}% is above {rules['inconsistency_i2']:g}%")
    if len(sides) == 2:
        inconsistent.append("counted estimates lie on both sides of the null")
    domains = {
        "imprecision": imprecise,
        "inconsistency": inconsistent,
        "indirectness": indirect,
    }
    serious = [name for name, why in domains.items() if why]
    start = int(rules["starting_grade"])
    rank = max(1, start - len(serious))
    certainty = vocab.grade_rank[rank]
    trials = _total(counted, "n_trials")
    participants = _total(counted, "n_participants")
    printed_rank = next((r for r, g in vocab.grade_rank.items() if g == printed_grade), None)
    if printed_rank is None:
        grade_check = "no_printed_grade"
    elif printed_rank > rank:
        grade_check = "printed_may_be_too_high"
    elif printed_rank < rank:
        grade_check = "printed_may_be_too_low"
    else:
        grade_check = "consistent"
    words = [
        f"{name}: {'; '.join(why)}" if why else f"{name}: not serious"
        for name, why in domains.items()
    ]
    words.append(
        f"{trials if trials is not None else 'unknown number of'} trial(s), "
        f"{participants if participants is not None else 'participants not printed'}"
        + (" participants" if participants is not None else "")
    )
    verdict = (
        f"{len(serious)} serious domain(s) of 3 rated, from {vocab.grade_rank[start]}: {certainty}"
    )
    if printed_rank is not None:
        verdict += f"; the guide prints {printed_grade}"
    return {
        "certainty": certainty,
        "imprecision": bool(imprecise),
        "inconsistency": bool(inconsistent),
        "indirectness": bool(indirect),
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
        "n_trials": None,
        "n_participants": None,
        "grade_check": None,
        "certainty_reason": f"not checked: {missing}",
    }


def _imprecision(
    claim: str, main: Reading, counted: list[dict[str, Any]], rules: dict[str, float]
) -> list[str]:
    null = 1.0 if main.ratio else 0.0
    interval = f"{main.label} [{main.low:.2g}, {main.high:.2g}]"
    why = []
    if claim in NULL_CLAIMS:
        limit = rules["appreciable_ratio"]
        if main.ratio and (main.low < 1 / limit or main.high > limit):
            why.append(
                f"the interval {interval} reaches past an appreciable {1 / limit:.2g} or {limit:.3g}"
            )
    elif main.low <= null <= main.high:
        why.append(f"the interval {interval} includes {null:g}")
    participants = _total(counted, "n_participants")
    size = rules["optimal_information_size"]
    if participants is not None and participants < size:
        why.append(f"{participants} participants, under {size:g}")
    return why


def _total(counted: list[dict[str, Any]], column: str) -> int | None:
    known = [e[column] for e in counted if e.get(column) is not None]
    return sum(known) if known else None
