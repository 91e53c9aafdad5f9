"""The sentences of a verdict: every estimate as the finding reads it (the finding's intervention
first), with its measure, value and interval, timepoint, population and source, and what was
turned round; no ids (they stay in their columns)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pipelines.appraise.pooling import Pooled
from pipelines.interpret.treatments import arm_label
from pipelines.interpret.vocab import Vocabulary

# 'Ashcroft DM 2005, BMJ', 'Cury Martins J 2015', 'Lee JH, Kwon HS … 2019': a surname, then
# initials that end the name ('Br J Dermatol' is a journal: its 'J' is followed by a word).
_AUTHOR = re.compile(
    r"^([A-Z][\w'\u2019-]+(?: [A-Z][a-z][\w'\u2019-]+)*),? [A-Z]{1,3}(?=,| et al| \d{4}| ?\(|$)"
)
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
_REVIEW = re.compile(r"\bCD\d{6}\b")
# Where a citation without an author stops being its name: a quoted title, a volume, a bracket.
_NAME_END = re.compile(r"\s*(?:['\u2018\"\u201c(]|\d+\(|;|:)")


def source_label(estimate: dict[str, Any]) -> str:
    """First author and year ('Ashcroft 2005'), a Cochrane review's id with its year, or the
    journal and year a citation starts with; the PMID or DOI when nothing is printed."""
    return _label(estimate.get("citation") or "", estimate.get("pmid"), estimate.get("doi"))


@lru_cache(maxsize=4096)
def _label(citation: str, pmid: str | None, doi: str | None) -> str:
    year = _YEAR.search(citation)
    when = f" {year.group(1)}" if year else ""
    review = _REVIEW.search(citation)
    author = _AUTHOR.match(citation)
    if author:
        name = author.group(1)
        return f"{name}{when}" + (f" (Cochrane {review.group(0)})" if review else "")
    if review:
        return f"Cochrane {review.group(0)}{when}"
    head = _NAME_END.split(citation, maxsplit=1)[0].strip(" ,.")
    if head and len(head) <= 40:
        return head if year and year.group(1) in head else f"{head}{when}"
    title = re.search(r"['\u2018\"\u201c]([^'\u2019\"\u201d]+)", citation)
    if title:
        words = title.group(1).split()
        return " ".join(words[:6]) + ("…" if len(words) > 6 else "") + when
    if pmid:
        return f"PMID {pmid}"
    return f"doi:{doi}" if doi else "unnamed source"


def number(value: float) -> str:
    """Two decimals under 10, one under 100, none above: as forest plots print them; two
    significant figures under 0.005, which two decimals would print as zero."""
    size = abs(value)
    if 0 < size < 0.005:
        return f"{value:.2g}"
    return f"{value:.2f}" if size < 10 else f"{value:.1f}" if size < 100 else f"{value:.0f}"


def measure_label(measure: str, estimate: dict[str, Any], measures: dict[str, dict]) -> str:
    """'RR', 'MD' …, with what is measured when it is the outcome's complement ('RR of relapse');
    `measures`: ref.measures rows by id (their labels name the longer measures)."""
    row = measures.get(measure) or {}
    label = measure.upper() if len(measure) <= 3 else row.get("label", measure).lower()
    what = estimate.get("outcome_text")
    return f"{label} of {what.lower()}" if estimate.get("outcome_inverted") and what else label


def interval(label: str, values: tuple[float, float, float]) -> str:
    value, low, high = values
    return f"{label} {number(value)} [{number(low)}, {number(high)}]"


def arms_as_read(estimate: dict[str, Any], orientation: str, vocab: Vocabulary) -> str:
    first, second = ("intervention", "comparator")[:: 1 if orientation == "same" else -1]
    return f"{arm_name(estimate, first, vocab)} vs {arm_name(estimate, second, vocab)}"


def estimate_line(
    estimate: dict[str, Any],
    orientation: str,
    read: tuple[float, float, float],
    measure: str,
    result: str,
    vocab: Vocabulary,
) -> str:
    """'Ashcroft 2005 (3 weeks; population not stated; 5 trials): RR 2.72 [1.84, 4.03],
    pimecrolimus 1% vs vehicle — favours pimecrolimus 1%', with what was turned round."""
    label = measure_label(measure, estimate, vocab.measures)
    line = f"{source_label(estimate)} ({context(estimate, vocab)}): {interval(label, read)}, "
    line += arms_as_read(estimate, orientation, vocab)
    turned = []
    if estimate.get("derivation"):
        turned.append(estimate["derivation"].replace("risk ratio", "a risk ratio", 1))
    elif estimate.get("reciprocal") or orientation == "reversed":
        printed = (estimate["estimate"], estimate["ci_low"], estimate["ci_high"])
        printed_as = interval(estimate["measure"].upper(), printed)
        why = []
        if estimate.get("reciprocal"):
            why.append("printed as 'times less likely', the ratio of the comparator's risk")
        if orientation == "reversed":
            why.append("the finding names the arms the other way round")
        turned.append(
            f"from {printed_as} for {arms_as_read(estimate, 'same', vocab)}, turned round: {' and '.join(why)}"
        )
    if estimate.get("evidence") == "indirect":
        turned.append("an indirect comparison of a network meta-analysis")
    if turned:
        line += " (" + "; ".join(turned) + ")"
    return f"{line} — {result}"


def pooled_line(pooled: Pooled, label: str, result: str) -> str:
    values = (pooled.estimate, pooled.ci_low, pooled.ci_high)
    line = f"pooled by random effects (Paule-Mandel) from {pooled.k} estimates: {interval(label, values)}"
    line += f", I² {pooled.i2:.0f}%, τ² {pooled.tau2:.3g}"
    if pooled.pi_low is not None and pooled.pi_high is not None:
        line += f", 95% prediction interval {number(pooled.pi_low)} to {number(pooled.pi_high)}"
    else:
        line += " (no prediction interval from two estimates)"
    dl = (pooled.dl_estimate, pooled.dl_ci_low, pooled.dl_ci_high)
    line += f"; DerSimonian-Laird {interval(label, dl)}"
    return f"{line} — {result}"


def context(estimate: dict[str, Any], vocab: Vocabulary) -> str:
    """Timepoint, population, severity and size of an estimate, as printed or labelled."""
    parts = [estimate.get("timepoint") or "timepoint not stated"]
    population = estimate.get("population") or "unspecified"
    parts.append(
        "population not stated"
        if population == "unspecified"
        else vocab.labels["populations"].get(population, population).lower()
    )
    severity = estimate.get("severity") or "unspecified"
    if severity != "unspecified":
        parts.append(vocab.labels["severities"].get(severity, severity).lower())
    size = size_words(estimate.get("n_trials"), estimate.get("n_participants"))
    return "; ".join(parts + ([size] if size else []))


def size_words(trials: int | None, participants: int | None) -> str:
    """'2 trials, 639 participants', or what of it is printed."""
    size = []
    if trials is not None:
        size.append(f"{trials} trial{'s' if trials != 1 else ''}")
    if participants is not None:
        size.append(f"{participants} participants")
    return ", ".join(size)


def arm_name(row: dict[str, Any], arm: str, vocab: Vocabulary) -> str:
    """'tacrolimus 0.1%', 'moderate/potent topical corticosteroids': the vocabulary's name, the
    strength, and the potency band of a class (a compound's own potency goes without saying)."""
    compound = row[arm]
    if compound is None:
        return row.get(f"{arm}_text") or "?"
    name = vocab.compounds.get(compound, {}).get("name", compound)
    name = name if name[:2].isupper() else name[0].lower() + name[1:]
    band = row[f"{arm}_potency"] if vocab.kind_of(compound) == "class" else None
    return arm_label(name, row[f"{arm}_strength_pct"], band)
