"""Which arm a result statement favours, read from the sentence as a careful reader would.

The phrases and what they say are data (raw/vocab/result_phrases.csv, raw/vocab/events.csv);
the rules that combine them are here, one line each:

- A statement is read clause by clause (split at ';' and at ': ').
- A clause that says the arms did not differ ('no significant difference') or are alike
  ('comparable', 'as effective as', 'non-inferior') says so, whatever else it holds; so does a
  directional phrase denied ('no statistically significant increase', 'did not reduce').
- A directional phrase ('more effective', 'more frequent', 'fewer') is about the treatment the
  clause names that is not the reference: the one after 'than', 'to', 'compared with', 'but not'
  is the reference ('Betamethasone valerate 0.1% is more effective.' is about the comparator;
  'superior to vehicle' is about the other arm even when that arm is not named); of the others,
  the one after 'with' when there is one ('Far fewer steroid days with pimecrolimus'), else the
  first named.
- 'better'/'worse' favour or disfavour that arm; 'higher'/'lower' do so through polarity: of the
  event the clause counts when it names one ('fewer flares', 'flared more often': fewer is better
  whatever the outcome; 'flare-free', 'free of flares': more is), else of the outcome ('more
  frequent' skin atrophy is worse).
- Clauses that point to different arms make the statement unclassified; so does a directional
  phrase with no arm to attach to and nothing else said.
- The outcome's polarity, when the outcome matches no vocabulary entry, is that of an event its
  own text counts ('Lesional irritation': less is better).
- What the numbers of a statement say (an interval, a p-value, the arms' values) is read in
  interpret/numbers.py and weighed against the words there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.interpret.terms import Match
from pipelines.interpret.vocab import Vocabulary

NEUTRAL = ("no_difference", "comparable")
# Arms are 'intervention' and 'comparator'; a mention names one of them at a span of the clause.
_CLAUSE = re.compile(r";\s*|:\s+")
# 'no statistically significant increase', 'did not reduce': a directional phrase denied.
_NEGATED = re.compile(r"\b(?:no|not|without|nor)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
# 'than with vehicle', 'than with proactive TCS': at most two words between marker and treatment.
_REFERENCE_GAP = re.compile(r"^\W*(?:\w+\W+){0,2}$")
# 'The lower 0.15% strength': a comparative that describes the dose, not the outcome.
_DOSE_AFTER = re.compile(
    r"^\s*(?:\d+(?:\.\d+)?\s*%|(?:strength|concentration|dose)\b)", re.IGNORECASE
)
_FREE_AFTER = re.compile(r"^-?\s?free\b", re.IGNORECASE)
_FREE_BEFORE = re.compile(r"\b(?:(?:free|freedom) (?:of|from)|no|without)\s+$", re.IGNORECASE)
# 'fewer flares with pimecrolimus': the arm after 'with' is the one the phrase is about.
_WITH_BEFORE = re.compile(r"\bwith\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
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
    if neutral is None and any(_NEGATED.search(clause[: p.start]) for p in effects):
        neutral = "no_difference"
    if neutral is not None:
        return neutral, None, None
    references = {
        after.arm
        for p in phrases
        if p.term_id == "reference"
        for after in [next((m for m in mentions if p.end <= m.start), None)]
        if after is not None and _REFERENCE_GAP.match(clause[p.end : after.start])
    }
    directional = [p for p in effects if p.term_id not in NEUTRAL]
    if not directional:
        return None, None, None
    named = list(dict.fromkeys(m.arm for m in mentions if m.arm not in references))
    with_arm = {m.arm for m in mentions if _WITH_BEFORE.search(clause[: m.start])} - references
    if len(with_arm) == 1:
        subject = with_arm.pop()
    elif named:
        subject = named[0]
    elif len(references) == 1:
        subject = other_arm(references.pop())
    else:
        return None, None, f"'{directional[0].text}' names no compared treatment"
    votes = set()
    for phrase in directional:
        better = _better(phrase, clause, polarity, vocab)
        if better is None:
            return None, None, f"'{phrase.text}' needs the outcome's polarity, which is unknown"
        votes.add(subject if better else other_arm(subject))
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
        polarity = counted_polarity(clause, nearest, vocab)
    if polarity is None:
        return None
    return (phrase.term_id == "higher") == (polarity == "higher")


def counted_polarity(text: str, event: Match, vocab: Vocabulary) -> str:
    """Whether more of an event named in a text is better: fewer flares are, but more
    'flare-free' days, patients 'free of flares' or with 'no flare' are too (its absence)."""
    polarity = vocab.event_polarity[event.term_id]
    absent = _FREE_AFTER.match(text[event.end :]) or _FREE_BEFORE.search(text[: event.start])
    return opposite(polarity) if absent else polarity


def statement_polarity(text: str, polarity: str | None, vocab: Vocabulary) -> str | None:
    """What a statement's numbers count: an event named in the clause that prints them ('61%
    vs. 34% remained free of flares'), else what the row counts."""
    clause = next((c for c in _CLAUSE.split(text) if any(ch.isdigit() for ch in c)), "")
    counted = vocab.event_terms.find(clause)
    return counted_polarity(clause, counted[0], vocab) if counted else polarity


def other_arm(arm: str) -> str:
    return "comparator" if arm == "intervention" else "intervention"


def opposite(polarity: str) -> str:
    """The other polarity: what fewer of something is, when more of it is `polarity`."""
    return "higher" if polarity == "lower" else "lower"
