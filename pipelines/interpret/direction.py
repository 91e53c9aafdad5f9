"""Which arm a result statement favours, read from the sentence as a careful reader would.

The phrases and what they say are data (raw/vocab/result_phrases.csv, raw/vocab/events.csv);
the rules that combine them are here, one line each:

- A statement is read clause by clause (split at ';' and at ': ').
- A clause that says the arms did not differ ('no significant difference') or are alike
  ('comparable', 'as effective as', 'non-inferior') says so, whatever else it holds.
- A directional phrase ('more effective', 'more frequent', 'fewer') is about the treatment the
  clause names that is not the reference: the one after 'than', 'to', 'compared with', 'but not'
  is the reference ('Betamethasone valerate 0.1% is more effective.' is about the comparator;
  'superior to vehicle' is about the other arm even when that arm is not named).
- 'better'/'worse' favour or disfavour that arm; 'higher'/'lower' do so through polarity: of the
  event the clause counts when it names one ('fewer flares', 'flared more often': fewer is better
  whatever the outcome), else of the outcome ('more frequent' skin atrophy is worse).
- Clauses that point to different arms make the statement unclassified; so does a directional
  phrase with no arm to attach to and nothing else said.
- With no phrase at all, a p-value of 0.05 or more ('p = 0.4', 'p > 0.05') says no difference.
- Else 'X versus Y: 35% vs 20%' (numbers that are no arm's strength) reads as the numbers of
  the arms in the order named (the comparison's order when the clause names none; a range
  '28.9-32.0%' by its middle), larger meaning more of the outcome; equal numbers say nothing.
- Else a ratio with its interval ('OR 2.07 (95% CI 1.41-3.04)') reads as more of the outcome with
  the intervention above 1, less below; an interval that holds 1 (or, for a difference, 0) says
  no difference.
- The outcome's polarity, when the outcome matches no vocabulary entry, is that of an event its
  own text counts ('Lesional irritation': less is better).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.interpret.vocab import Vocabulary

NEUTRAL = ("no_difference", "comparable")
# Arms are 'intervention' and 'comparator'; a mention names one of them at a span of the clause.
_CLAUSE = re.compile(r";\s*|:\s+")
_NUMBER = r"(\d+(?:\.\d+)?)(?:\s*[\u2013-]\s*(\d+(?:\.\d+)?))?"
_NUMBERS = re.compile(
    rf"{_NUMBER}\s*%?\s*(?:vs\.?|versus)\s*(?:about\s+|approximately\s+|~\s*)?{_NUMBER}\s*%?",
    re.IGNORECASE,
)
_P_VALUE = re.compile(
    r"\bp\s*(?P<op>[<>=\u2264\u2265]|<=|>=)\s*(?P<value>0?\.\d+|1(?:\.0+)?)\b", re.IGNORECASE
)
_SIGNIFICANCE = 0.05
_INTERVAL = re.compile(
    r"\b(?P<measure>RR|OR|HR|IRR|SIR|risk ratio|odds ratio|hazard ratio|MD|SMD|mean difference|"
    r"risk difference|RD)\b[^\d\u2212-]{0,40}?(?P<value>[\u2212-]?\d+(?:\.\d+)?)\s*"
    r"[^\d(\[]{0,15}?[(\[,;]?\s*(?:95\s*%\s*)?CI[:,]?\s*(?P<low>[\u2212-]?\d+(?:\.\d+)?)\s*"
    r"(?:to|[\u2013,]|-(?=\s*[\u2212-]?\d))\s*(?P<high>[\u2212-]?\d+(?:\.\d+)?)",
    re.IGNORECASE,
)
_DIFFERENCES = ("md", "smd", "mean difference", "risk difference", "rd")
# 'than with vehicle', 'than with proactive TCS': at most two words between marker and treatment.
_REFERENCE_GAP = re.compile(r"^\W*(?:\w+\W+){0,2}$")
# 'The lower 0.15% strength': a comparative that describes the dose, not the outcome.
_DOSE_AFTER = re.compile(
    r"^\s*(?:\d+(?:\.\d+)?\s*%|(?:strength|concentration|dose)\b)", re.IGNORECASE
)
# How far from a directional phrase a counted event may be.
_EVENT_REACH = 40


@dataclass(frozen=True)
class ArmMention:
    start: int
    end: int
    arm: str


@dataclass(frozen=True)
class Reading:
    direction: str
    reason: str | None = None


def read_direction(
    text: str, mentions: list[ArmMention], polarity: str | None, vocab: Vocabulary
) -> Reading:
    """The direction one statement gives, with the reason when it is unclassified."""
    votes: list[tuple[str, str]] = []
    neutral: str | None = None
    reasons: list[str] = []
    offset = 0
    for clause in _CLAUSE.split(text):
        start = text.index(clause, offset) if clause else offset
        offset = start + len(clause)
        inside = [
            ArmMention(m.start - start, m.end - start, m.arm)
            for m in mentions
            if start <= m.start and m.end <= offset
        ]
        said, vote, reason = _clause(clause, inside, polarity, vocab)
        if vote is not None:
            votes.append((vote, clause))
        elif said is not None and neutral is None:
            neutral = said
        if reason:
            reasons.append(reason)
    favoured = {vote for vote, _ in votes}
    if len(favoured) == 1:
        return Reading(f"favours_{favoured.pop()}")
    if len(favoured) > 1:
        return Reading("unclassified", "its clauses favour different arms")
    if neutral is not None:
        return Reading(neutral)
    if _not_significant(text):
        return Reading("no_difference")
    numbered = _numbers(text, mentions, polarity) or _interval(text, polarity, vocab)
    if numbered in NEUTRAL:
        return Reading(numbered)
    if numbered is not None:
        return Reading(f"favours_{numbered}")
    return Reading("unclassified", reasons[0] if reasons else "no phrase says which way it went")


def _clause(
    clause: str, mentions: list[ArmMention], polarity: str | None, vocab: Vocabulary
) -> tuple[str | None, str | None, str | None]:
    """(neutral effect, favoured arm, reason) of one clause."""
    phrases = vocab.phrase_terms.find(clause)
    effects = [
        p for p in phrases if p.term_id != "reference" and not _DOSE_AFTER.match(clause[p.end :])
    ]
    neutral = next((p.term_id for p in effects if p.term_id in NEUTRAL), None)
    if neutral is not None:
        return neutral, None, None
    references = {
        m.arm
        for p in phrases
        if p.term_id == "reference"
        for m in mentions
        if p.end <= m.start and _REFERENCE_GAP.match(clause[p.end : m.start])
    }
    directional = [p for p in effects if p.term_id not in NEUTRAL]
    if not directional:
        return None, None, None
    named = list(dict.fromkeys(m.arm for m in mentions if m.arm not in references))
    if named:
        subject = named[0]
    elif len(references) == 1:
        subject = _other(references.pop())
    else:
        return None, None, f"'{directional[0].text}' names no compared treatment"
    votes = set()
    for phrase in directional:
        better = _better(phrase, clause, polarity, vocab)
        if better is None:
            return None, None, f"'{phrase.text}' needs the outcome's polarity, which is unknown"
        votes.add(subject if better else _other(subject))
    if len(votes) > 1:
        return None, None, "its phrases favour different arms"
    return None, votes.pop(), None


def _better(phrase, clause: str, polarity: str | None, vocab: Vocabulary) -> bool | None:
    """Whether the phrase says its treatment did better; None when that needs an unknown polarity."""
    if phrase.term_id in ("better", "worse"):
        return phrase.term_id == "better"
    events = [
        e
        for e in vocab.event_terms.find(clause)
        if e.end >= phrase.start - _EVENT_REACH and e.start <= phrase.end + _EVENT_REACH
    ]
    if events:
        nearest = min(
            events, key=lambda e: min(abs(e.start - phrase.end), abs(phrase.start - e.end))
        )
        polarity = vocab.event_polarity[nearest.term_id]
    if polarity is None:
        return None
    return (phrase.term_id == "higher") == (polarity == "higher")


def _not_significant(text: str) -> bool:
    """A p-value printed as 0.05 or more ('p = 0.4', 'p > 0.05'); 'p < 0.1' says nothing."""
    for found in _P_VALUE.finditer(text):
        value = float(found.group("value"))
        if found.group("op") in ("=", ">", ">=", "\u2265") and value >= _SIGNIFICANCE:
            return True
    return False


def _numbers(text: str, mentions: list[ArmMention], polarity: str | None) -> str | None:
    """'X versus Y: 35% vs 20%' with no phrase: the arm with more of a better-when-higher outcome."""
    numbers = next(
        (
            found
            for found in _NUMBERS.finditer(text)
            if not any(m.start <= found.start() < m.end for m in mentions)
        ),
        None,
    )
    if numbers is None or polarity is None:
        return None
    first = _middle(numbers.group(1), numbers.group(2))
    second = _middle(numbers.group(3), numbers.group(4))
    if first == second:
        return None
    order = list(dict.fromkeys(m.arm for m in mentions if m.end <= numbers.start()))
    if len(order) != 2:
        order = ["intervention", "comparator"]
    more = order[0] if first > second else order[1]
    return more if polarity == "higher" else _other(more)


def _interval(text: str, polarity: str | None, vocab: Vocabulary) -> str | None:
    """A ratio or difference with its interval: no_difference when the interval holds the null,
    else the arm with more of a better-when-higher outcome (the intervention above the null); an
    event named between the measure and its value is what it counts ('RR of failing to clear')."""
    found = _INTERVAL.search(text)
    if found is None:
        return None
    counted = vocab.event_terms.find(text[found.end("measure") : found.start("value")])
    if counted:
        polarity = vocab.event_polarity[counted[0].term_id]
    value, low, high = (_number(found.group(name)) for name in ("value", "low", "high"))
    null = 0.0 if found.group("measure").lower() in _DIFFERENCES else 1.0
    if min(low, high) <= null <= max(low, high):
        return "no_difference"
    if polarity is None or null == 0.0:
        return None
    more = "intervention" if value > null else "comparator"
    return more if polarity == "higher" else _other(more)


def _middle(low: str, high: str | None) -> float:
    return (float(low) + float(high)) / 2 if high else float(low)


def _number(text: str) -> float:
    return float(text.replace("\u2212", "-"))


def _other(arm: str) -> str:
    return "comparator" if arm == "intervention" else "intervention"
