"""Where a statement names treatments, and which compared arm each one is.

A mention is a compound or class named in the text, widened over the potency words before it
and the strength after it; an arm mention ties a span of the statement to the intervention or
the comparator of its row.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from pipelines.interpret.direction import ArmMention
from pipelines.interpret.memo import remembered
from pipelines.interpret.strengths import PATTERN, STRENGTH, percent
from pipelines.interpret.terms import Match
from pipelines.interpret.treatments import Treatment
from pipelines.interpret.vocab import Vocabulary

_BARE_STRENGTH = re.compile(rf"{PATTERN}\s*$", re.IGNORECASE)

_STRENGTH_AFTER = re.compile(rf"^\s*{PATTERN}", re.IGNORECASE)

_POTENCY_JOINER = re.compile(r"^[\s/,-]*(?:(?:to|and|or)\b)?[\s/,-]*$", re.IGNORECASE)

# A strength followed by a word that makes it an arm's dose: 'children using the 0.03% strength'.
_DOSE_WORDS = r"(?:strength|concentration)\b"
_DOSE = re.compile(rf"{PATTERN}(?=\s*{_DOSE_WORDS})", re.IGNORECASE)
_DOSE_WORD = re.compile(_DOSE_WORDS, re.IGNORECASE)  # a cheap look before _DOSE's

# An unknown arm is looked for by its printed name only when that name is a word or more.
_MIN_NAME = 4

_MAX_NAME_WORDS = 3
_WORD = re.compile(r"[^\W\d_]+")
_COMBINATION = re.compile(r"\s\+\s|\bplus\b|\bcombined with\b", re.IGNORECASE)
_COMBINATION_WORD = re.compile(r"\bcombination\b", re.IGNORECASE)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    compound: str | None
    strength_pct: float | None
    potencies: frozenset[str] = frozenset()


def mentions(text: str, vocab: Vocabulary) -> list[Mention]:
    """Treatments named in a sentence, spans widened over potency words before and strength after."""
    potencies = vocab.potency_terms.find(text)
    found = []
    for match in vocab.compound_terms.find(text):
        start = _potency_start(text, match.start, potencies)
        named = frozenset(p.term_id for p in potencies if start <= p.start and p.end <= match.start)
        strength = _STRENGTH_AFTER.match(text[match.end :])
        end = match.end + (strength.end() if strength else 0)
        value = percent(strength) if strength else None
        found.append(Mention(start, end, match.term_id, value, named))
    return found


def mask(text: str, named: list[Mention]) -> str:
    """The text with the treatments it names blanked (same length), so terms inside a drug's
    name ('Eczema cream') are not read as the row's population or severity."""
    for mention in named:
        text = text[: mention.start] + " " * (mention.end - mention.start) + text[mention.end :]
    return text


def arm_mentions(
    text: str, named_here: list[Mention], arms: dict[str, Treatment], vocab: Vocabulary
) -> list[ArmMention]:
    """The compared arms a statement names: by compound or class, told apart by strength and
    potency; a bare 'the 0.05% cream' names the arm that is not a control."""
    named = [
        ArmMention(m.start, m.end, arm)
        for m in named_here
        if (arm := _arm_of(m, arms, vocab)) is not None
    ]
    treated = [a for a, t in arms.items() if t.compound and vocab.kind_of(t.compound) != "control"]
    for bare in _bare_strengths(text, named_here, vocab):
        if len(treated) == 1:
            named.append(ArmMention(bare.start, bare.end, treated[0]))
    taken = [(m.start, m.end) for m in named]
    for arm, given in arms.items():
        spans = _printed_name(text, given) if given.compound is None else []
        if not any(m.arm == arm for m in named):
            spans += _called(text, arm, arms, vocab)
        for start, end in spans:
            if not any(s < end and start < e for s, e in taken):
                named.append(ArmMention(start, end, arm))
    return sorted(named, key=lambda m: m.start)


def _called(
    text: str, arm: str, arms: dict[str, Treatment], vocab: Vocabulary
) -> list[tuple[int, int]]:
    """Where a statement calls an arm by what sets it apart (_callings)."""
    key = "\x1f".join(f"{role}={given.text}" for role, given in arms.items())
    patterns = remembered(vocab.callings, key, lambda _: _callings(arms, vocab))[arm]
    return [(m.start(), m.end()) for pattern in patterns for m in pattern.finditer(text)]


def _callings(arms: dict[str, Treatment], vocab: Vocabulary) -> dict[str, list[re.Pattern[str]]]:
    """What a statement may call each arm by: 'the combination' for the one arm printed as a
    combination ('A plus B'), a regimen word printed before its treatment ('weekend therapy'
    for 'Weekend (proactive) potent topical corticosteroids')."""
    combined = [a for a, t in arms.items() if _COMBINATION.search(t.text)]
    called = {}
    for arm, given in arms.items():
        patterns = [_COMBINATION_WORD] if combined == [arm] else []
        first = vocab.compound_terms.find(given.text)
        others = {w.lower() for a, t in arms.items() if a != arm for w in _WORD.findall(t.text)}
        known = {m.text.lower() for m in vocab.potency_terms.find(given.text)}
        known |= {m.text.lower() for m in vocab.formulation_terms.find(given.text)}
        for word in _WORD.findall(given.text[: first[0].start] if first else ""):
            if len(word) >= _MIN_NAME and word.lower() not in others | known:
                patterns.append(_name_pattern(word))
        called[arm] = patterns
    return called


def restated(
    text: str, by_arm: list[ArmMention], named_here: list[Mention], arms: dict[str, Treatment]
) -> list[tuple[Treatment, Treatment]]:
    """The arms as the statement restates them: a strength it names replaces the cell's, and an
    arm named at several strengths ('with the 0.05% cream and … the 0.005% ointment') gives one
    statement per strength."""
    strengths: dict[str, list[float]] = {"intervention": [], "comparator": []}
    by_span = {(m.start, m.end): m for m in named_here}
    for arm_mention in by_arm:
        mention = by_span.get((arm_mention.start, arm_mention.end))
        strength = mention.strength_pct if mention else _bare_value(text, arm_mention)
        compound = mention.compound if mention else arms[arm_mention.arm].compound
        if strength is not None and compound == arms[arm_mention.arm].compound:
            strengths[arm_mention.arm].append(strength)
    readings = [arms]
    for arm, values in strengths.items():
        values = list(dict.fromkeys(values))
        if values:
            readings = [
                {**reading, arm: _at_strength(reading[arm], value)}
                for value in values
                for reading in readings
            ]
    return [(reading["intervention"], reading["comparator"]) for reading in readings]


def _at_strength(arm: Treatment, value: float) -> Treatment:
    return arm if arm.strength_pct == value else replace(arm, strength_pct=value)


def _potency_start(text: str, start: int, potencies: list[Match]) -> int:
    for potency in reversed([p for p in potencies if p.end <= start]):
        if not _POTENCY_JOINER.match(text[potency.end : start]):
            break
        start = potency.start
    return start


def _printed_name(text: str, arm: Treatment) -> list[tuple[int, int]]:
    """Where a statement names an arm the vocabulary does not know, by the words the arm is
    printed with before its strength or formulation ('Lithium gluconate 8% gel')."""
    head = re.split(r"\s*(?:\d|\(|,)", arm.text, maxsplit=1)[0].strip()
    if len(head) < _MIN_NAME or len(head.split()) > _MAX_NAME_WORDS:
        return []
    return [(found.start(), found.end()) for found in _name_pattern(head).finditer(text)]


@functools.lru_cache(maxsize=1 << 12)
def _name_pattern(name: str) -> re.Pattern[str]:
    words = r"[\s-]+".join(re.escape(word) for word in name.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def _arm_of(mention: Mention, arms: dict[str, Treatment], vocab: Vocabulary) -> str | None:
    matching = [arm for arm, given in arms.items() if _names(mention, given, vocab)]
    if len(matching) > 1 and mention.strength_pct is not None:
        matching = [arm for arm in matching if arms[arm].strength_pct == mention.strength_pct]
    if len(matching) > 1 and mention.potencies:
        matching = [
            arm
            for arm in matching
            if mention.potencies <= set((arms[arm].potency or "").split("/"))
        ]
    return matching[0] if len(matching) == 1 else None


def _names(mention: Mention, treatment: Treatment, vocab: Vocabulary) -> bool:
    """A mention names an arm by its compound, by the class of the compound it names, or by the
    class the arm's compound belongs to ('The corticosteroid' for triamcinolone)."""
    if mention.compound is None or treatment.compound is None:
        return False
    return mention.compound in (treatment.compound, vocab.class_of(treatment.compound)) or (
        vocab.class_of(mention.compound) == treatment.compound
    )


def _bare_strengths(text: str, named_here: list[Mention], vocab: Vocabulary) -> list[Match]:
    """'the 0.05% cream', 'the 0.03% strength': a strength written before a formulation (or the
    word strength), with no compound named."""
    found = []
    ends = [f.start for f in vocab.formulation_terms.find(text)]
    if _DOSE_WORD.search(text):
        ends += [dose.end() for dose in _DOSE.finditer(text)]
    for end in sorted(set(ends)):
        strength = _BARE_STRENGTH.search(text[:end].rstrip() if end else "")
        if strength and not any(m.start <= strength.start() < m.end for m in named_here):
            found.append(Match(strength.start(), end, "strength", strength.group(0)))
    return found


def _bare_value(text: str, mention: ArmMention) -> float | None:
    strength = STRENGTH.match(text[mention.start : mention.end])
    return percent(strength) if strength else None
