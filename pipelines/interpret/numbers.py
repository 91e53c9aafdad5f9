"""The numbers a result prints → which arm they favour, when no word says so.

The rules, one line each:
- An effect is a measure of raw/vocab/measures.csv with its value and interval: 'RR 1.37 (1.18
  to 1.58)', 'OR 2.07 (95% CI 1.41-3.04)', '0.56 [0.41, 0.77]' under a header or beside a method
  cell that names the measure.
- An interval that holds the null (1 for a ratio, 0 for a difference) says no difference; a
  ratio's interval above 1 means more of what the outcome counts with the first-named arm (of
  the event, for a time to an event: a hazard ratio), and its polarity says whether more is better.
- A difference's sign favours an arm only as the guide says ('negative values favour the
  first-named treatment'); scales run both ways, so unsaid it says nothing.
- An arm's value is a percentage, a count of participants ('242/304'), a rate per 1000, 'about
  1 in 5', or a bound ('under 1%'); two arms' values ('35% vs 20%', or the arms' columns) favour
  the arm with more of a better-when-higher outcome, when every pair printed agrees.
- A p-value of 0.05 or more ('p = 0.4', 'P value 0.14') says no difference; one under 0.05
  makes the arms' values a firm reading.
- A reading is firm when it rests on an interval, a significant p-value or a Favours cell; the
  arms' values alone are not, so the words of the result outrank them.
- Words and firm numbers that disagree (other than two ways of saying no difference) make the
  statement unclassified, with both in the reason: never silently resolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.interpret.direction import NEUTRAL, ArmMention, Reading, other_arm
from pipelines.interpret.vocab import Vocabulary

_SIGNIFICANCE = 0.05
_NUMBER = r"[\u2212-]?\d+(?:\.\d+)?"
# A value and its interval: in brackets ('1.37 (1.18 to 1.58)', '0.56 [0.41, 0.77]'), or after a
# CI label ('2.07, 95% CI 1.41-3.04'); a unit may come between ('-0.9 points (95% CI ...').
_VALUE_INTERVAL = re.compile(
    rf"(?P<value>{_NUMBER})\s*[^\d()\[\];]{{0,15}}?"
    r"(?:[(\[]\s*(?:95\s*%\s*)?(?:CI\b)?|[,;]?\s*\(?\s*(?:95\s*%\s*)?CI\b)[:,]?\s*"
    rf"(?P<low>{_NUMBER})\s*(?:to|[\u2013\u2014,;]|-(?=\s*[\u2212-]?\d)|\s-\s)\s*(?P<high>{_NUMBER})"
)
_MEASURE_REACH = 40
_P_VALUE = re.compile(
    r"(?:\bp\s*(?:value)?\s*|^\s*)(?P<op>[<>=\u2264\u2265]|<=|>=)?\s*(?P<value>0?\.\d+|1(?:\.0+)?)\b",
    re.IGNORECASE,
)
_P_IN_TEXT = re.compile(
    r"\bp\s*(?P<op>[<>=\u2264\u2265]|<=|>=)\s*(?P<value>0?\.\d+|1(?:\.0+)?)\b", re.IGNORECASE
)
_PERCENT = re.compile(
    rf"(?P<bound>under|below|less than|<|over|above|more than|>)?\s*(?P<v>{_NUMBER})\s*%"
)
_COUNT = re.compile(r"(?P<n>\d+)\s*/\s*(?P<total>\d+)")
_PER = re.compile(r"(?P<v>\d+(?:\.\d+)?)\s*(?:per|/)\s*(?P<base>1[, ]?000|100)\b")
_ONE_IN = re.compile(r"\b(?P<n>\d+|one)\s+in\s+(?P<total>\d+)\b", re.IGNORECASE)
_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
)  # fmt: skip
NUMBER_WORDS = {word: n for n, word in enumerate(_WORDS)}
_RANGE = r"(\d+(?:\.\d+)?)(?:\s*[\u2013-]\s*(\d+(?:\.\d+)?))?"
_PAIR = re.compile(
    rf"(?:under\s+|below\s+|about\s+|approximately\s+|~\s*|<\s*)?{_RANGE}\s*%?\s*"
    rf"(?:vs\.?|versus)\s*(?:under\s+|below\s+|about\s+|approximately\s+|~\s*|<\s*)?{_RANGE}\s*%?",
    re.IGNORECASE,
)
_VERSUS = re.compile(r"(?:vs|versus)\b", re.IGNORECASE)  # a cheap look before _PAIR's
_INTERVAL = re.compile(r"[(\[]|CI\b")  # before _VALUE_INTERVAL's
# 'negative values favour the first-named treatment', 'a positive SMD favours the comparator'.
_CONVENTION = re.compile(
    r"\b(?P<sign>negative|positive)\s+(?:\w+\s+){0,2}?(?:values?|differences?|SMDs?|MDs?|estimates?)\s+"
    r"(?:\w+\s+){0,2}?favou?rs?\s+(?:the\s+)?(?P<arm>first|second|intervention|active|experimental|"
    r"comparator|control|placebo|vehicle)",
    re.IGNORECASE,
)
_FIRST = ("first", "intervention", "active", "experimental")


@dataclass(frozen=True)
class Effect:
    measure: str | None  # a raw/vocab/measures.csv id
    value: float
    low: float
    high: float
    counts: str | None = None  # the polarity of an event named with it ('RR of failing to clear')


@dataclass(frozen=True)
class Numbers:
    """What a row's numbers say, each as printed where it was found."""

    effects: tuple[Effect, ...] = ()
    arms: tuple[tuple[float, float], ...] = ()  # (first-named arm, second) per pair printed
    p: float | None = None  # a p-value printed as 'p = x' or 'p > x' (not 'p < x')
    significant: bool = False  # a p-value under 0.05
    favours: str | None = None  # the arm a Favours cell names

    def __bool__(self) -> bool:
        return bool(self.effects or self.arms or self.p is not None or self.significant) or (
            self.favours is not None
        )


@dataclass(frozen=True)
class Said:
    direction: str
    firm: bool
    how: str  # what it rests on, for a reason a person reads


def effect(text: str, vocab: Vocabulary, measure: str | None = None) -> Effect | None:
    """The first effect a text prints; `measure`: the one a header or method cell names, for a
    value printed bare. An event named between the measure and its value is what it counts."""
    found = _VALUE_INTERVAL.search(text) if _INTERVAL.search(text) else None
    if found is None:
        return None
    before = text[max(0, found.start() - _MEASURE_REACH) : found.start()]
    named = vocab.measure_terms.find(before)
    counted = vocab.event_terms.find(before[named[-1].end :]) if named else []
    low, high = sorted((_number(found.group("low")), _number(found.group("high"))))
    return Effect(
        named[-1].term_id if named else measure,
        _number(found.group("value")),
        low,
        high,
        vocab.event_polarity[counted[0].term_id] if counted else None,
    )


def read_text(text: str, by_arm: list[ArmMention], vocab: Vocabulary) -> Numbers:
    """The numbers a statement prints: an effect, a p-value, and the arms' values 'X vs Y' in
    the order the statement names the arms (the comparison's order when it names none)."""
    no_difference, significant = p_value(text)
    found = effect(text, vocab)
    return Numbers(
        effects=(found,) if found else (),
        arms=_ordered_pairs(text, by_arm),
        p=no_difference,
        significant=significant,
    )


def measure_named(text: str, vocab: Vocabulary) -> str | None:
    """The measure a header or a method cell names ('RR (95% CI)', 'Risk Ratio (M-H, Random)')."""
    named = vocab.measure_terms.find(text)
    return named[0].term_id if named else None


def arm_value(text: str) -> float | None:
    """One arm's value as a percentage: '42.4%', '242/304', '321 per 1000 (265 to 387)', 'About
    1 in 5 participants', 'under 1%'."""
    if found := _COUNT.search(text):
        total = int(found.group("total"))
        return 100 * int(found.group("n")) / total if total else None
    if found := _PER.search(text):
        return 100 * float(found.group("v")) / float(re.sub(r"\D", "", found.group("base")))
    if found := _ONE_IN.search(text):
        n = found.group("n").lower()
        count = NUMBER_WORDS.get(n) or float(n)
        return 100 * count / float(found.group("total"))
    if found := _PERCENT.search(text):
        return _number(found.group("v"))
    return None


def _ordered_pairs(text: str, by_arm: list[ArmMention]) -> tuple[tuple[float, float], ...]:
    """The first 'X vs Y' that is no arm's strength ('54.5% vs. 23.8%', 'about 6% vs. under 1%',
    a range by its middle), as (intervention, comparator)."""
    if not _VERSUS.search(text):
        return ()
    for found in _PAIR.finditer(text):
        if any(m.start <= found.start() < m.end for m in by_arm):
            continue
        first = _middle(found.group(1), found.group(2))
        second = _middle(found.group(3), found.group(4))
        order = list(dict.fromkeys(m.arm for m in by_arm if m.end <= found.start()))
        return ((second, first),) if order == ["comparator", "intervention"] else ((first, second),)
    return ()


def p_value(text: str, bare: bool = False) -> tuple[float | None, bool]:
    """(a p-value that says no difference, whether one says significant). `bare`: a p-value
    column's cell, where '< 0.001' needs no 'p'."""
    pattern = _P_VALUE if bare else _P_IN_TEXT
    no_difference, significant = None, False
    for found in pattern.finditer(text):
        value, op = float(found.group("value")), found.group("op") or "="
        if op in ("=", ">", ">=", "\u2265") and value >= _SIGNIFICANCE:
            no_difference = value
        elif op in ("<", "<=", "\u2264", "=") and value < _SIGNIFICANCE:
            significant = True
    return no_difference, significant


def convention(paragraphs: list[str]) -> str | None:
    """The arm a guide says a negative difference favours, if it says so."""
    for text in paragraphs:
        if found := _CONVENTION.search(text):
            first = found.group("arm").lower() in _FIRST
            negative = found.group("sign").lower() == "negative"
            return "intervention" if first == negative else "comparator"
    return None


def said(
    numbers: Numbers,
    polarity: str | None,
    negative_favours: str | None,
    vocab: Vocabulary,
    of_event: str | None = None,
) -> Said | None:
    """The direction the numbers give, if any: a Favours cell, then an effect's interval, then a
    p-value of no difference, then the arms' values. A ratio compares how often an event happens,
    so a time to an event (of_event when it differs from polarity) counts the event in a ratio."""
    if numbers.favours is not None:
        return Said(f"favours_{numbers.favours}", True, "its Favours cell")
    readings = [_effect(e, of_event or polarity, negative_favours, vocab) for e in numbers.effects]
    readings = [r for r in readings if r is not None]
    if readings and len({r for r in readings}) == 1:
        direction = readings[0]
        return Said(
            direction if direction in NEUTRAL else f"favours_{direction}", True, "its interval"
        )
    if numbers.p is not None:
        return Said("no_difference", True, f"p {numbers.p:g}")
    more = {first > second for first, second in numbers.arms if first != second}
    if len(more) != 1 or polarity is None:
        return None
    higher = "intervention" if more.pop() else "comparator"
    arm = higher if polarity == "higher" else other_arm(higher)
    return Said(f"favours_{arm}", numbers.significant, "the arms' values")


def _effect(
    found: Effect, polarity: str | None, negative_favours: str | None, vocab: Vocabulary
) -> str | None:
    entry = vocab.measures.get(found.measure or "") or {}
    scale = entry.get("scale")
    if scale not in ("ratio", "difference"):
        return None
    null = float(entry.get("null_value") or (1.0 if scale == "ratio" else 0.0))
    if found.low <= null <= found.high:
        return "no_difference"
    if scale == "difference":
        if negative_favours is None:
            return None
        return negative_favours if found.value < null else other_arm(negative_favours)
    polarity = found.counts or polarity
    if polarity is None:
        return None
    more = "intervention" if found.value > null else "comparator"
    return more if polarity == "higher" else other_arm(more)


def _middle(low: str, high: str | None) -> float:
    return (float(low) + float(high)) / 2 if high else float(low)


def _number(text: str) -> float:
    return float(text.replace("\u2212", "-"))


def reconciled(words: Reading, numbers: Said | None) -> Reading:
    """The direction of a statement from its words and its numbers (module docstring)."""
    if numbers is None:
        return words
    if words.direction == "unclassified":
        return Reading(numbers.direction)
    agree = words.direction == numbers.direction or {words.direction, numbers.direction} <= set(
        NEUTRAL
    )
    if agree or not numbers.firm:
        return words
    return Reading(
        "unclassified",
        f"its words say {words.direction}, its numbers ({numbers.how}) {numbers.direction}",
    )


def merged(first: Numbers, second: Numbers) -> Numbers:
    """What a statement's text and its row's columns print, together."""
    return Numbers(
        effects=first.effects + second.effects,
        arms=first.arms or second.arms,
        p=first.p if first.p is not None else second.p,
        significant=first.significant or second.significant,
        favours=first.favours or second.favours,
    )
