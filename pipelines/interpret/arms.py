"""A printed comparison ('Pimecrolimus 1% cream vs. vehicle (adults)') → its two arms, and
the qualifiers printed with it.

The rules, one line each:
- The second arm ends where a qualifier starts: ';', ',' or ':', or 'for', 'in', 'among', 'at',
  'over' ('… vs. vehicle cream; infants aged 3-23 months', '… compared to vehicle
  for mild-to-moderate atopic dermatitis'); what follows names who and what was compared.
- A comparison printed inside a longer text (an outcome cell, a caption) starts after the last
  ',', ';' or ':' before its joiner ('Skin infections, pimecrolimus 1% compared with vehicle').
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from pipelines.interpret.abbreviations import expanded
from pipelines.interpret.columns import COMPARISON_JOINER, PARENTHESIZED, outside_parentheses
from pipelines.interpret.treatments import Treatment, treatment
from pipelines.interpret.vocab import Vocabulary
from pipelines.read.text import clean

_TRAILING_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")
_PARENS = re.compile(r"\(([^()]*)\)")
# 'Potent TCS once daily vs. the same TCS applied twice daily': one treatment, two regimens.
_SAME = re.compile(r"^\s*the same\b", re.IGNORECASE)
_QUALIFIER = re.compile(r"\s*[;,:]\s*|\s+(?:for|in|among|at|over)\s+(?=\S)", re.IGNORECASE)
_SPLIT_QUALIFIERS = re.compile(r"\s*[;,]\s*")
_LEAD = re.compile(r"[,;:.]\s+")


@dataclass(frozen=True)
class Printed:
    """A comparison as printed: 'A vs. B', what came before it, and its qualifiers."""

    comparison: str
    before: str = ""
    qualifiers: tuple[str, ...] = ()


@functools.lru_cache(maxsize=1 << 12)
def comparison_of(text: str, embedded: bool = False) -> Printed | None:
    """The comparison a text prints, if it prints one (module docstring); `embedded`: in a
    longer text, so the first arm starts after the last separator before the joiner."""
    text = re.sub(r"\*\*|__", "", text).strip()
    joiner = COMPARISON_JOINER.search(text)
    if joiner is None:
        return None
    blanked = outside_parentheses(text)
    start = 0
    if embedded:
        leads = list(_LEAD.finditer(blanked, 0, joiner.start()))
        start = leads[-1].end() if leads else 0
    tail = _QUALIFIER.search(blanked, joiner.end())
    end = tail.start() if tail else len(text)
    first, second = text[start : joiner.start()].strip(), text[joiner.end() : end].strip()
    if not first or not second:
        return None
    rest = text[tail.end() :] if tail else ""
    qualifiers = [*_PARENS.findall(text[start:end])]
    qualifiers += [q for q in _SPLIT_QUALIFIERS.split(PARENTHESIZED.sub(_inner, rest)) if q]
    return Printed(
        f"{first}{joiner.group(0)}{second}",
        text[:start].strip(" ,;:"),
        tuple(clean(q) for q in qualifiers if clean(q)),
    )


def _inner(parenthesized: re.Match[str]) -> str:
    return f"; {parenthesized.group(0)[1:-1]};"


def arms(
    comparison: str, vocab: Vocabulary, abbreviations: dict[str, str] | None = None
) -> dict[str, Treatment]:
    """The two arms of 'A vs. B'; a comparison that is not two arms is one unknown arm twice.
    A side that names no compound but a potency shares the class the other side ends with
    ('Mid-potency vs. low-potency corticosteroids': both are corticosteroids); 'the same TCS' is
    the first arm's treatment. A guide's abbreviations are read written out; each arm keeps its
    text as printed."""
    sides = COMPARISON_JOINER.split(comparison)
    if len(sides) == 2:
        shared = _shared_class([expanded(side, abbreviations or {}) for side in sides], vocab)
        intervention, comparator = (
            replace(treatment(side, vocab), text=printed.strip())
            for side, printed in zip(shared, sides, strict=True)
        )
        if _SAME.match(sides[1]):
            comparator = replace(intervention, text=comparator.text, match=comparator.match)
    else:
        intervention = comparator = replace(
            treatment(expanded(comparison, abbreviations or {}), vocab), text=comparison.strip()
        )
    return {"intervention": intervention, "comparator": comparator}


def without_qualifiers(comparison: str) -> str:
    """The comparison without the trailing parentheses that qualify all of it ('(Adults)');
    what they say is read with the other parentheses of the cell."""
    while match := _TRAILING_PAREN.search(comparison):
        comparison = comparison[: match.start()]
    return comparison.strip()


def _shared_class(sides: list[str], vocab: Vocabulary) -> list[str]:
    named = [vocab.compound_terms.find(side) for side in sides]
    for bare, other in ((0, 1), (1, 0)):
        if named[bare] or not named[other] or not vocab.potency_terms.find(sides[bare]):
            continue
        last = named[other][-1]
        is_class = vocab.kind_of(last.term_id) == "class"
        if is_class and not sides[other][last.end :].strip(" .,;"):
            sides = list(sides)
            sides[bare] = f"{sides[bare].rstrip()} {last.text}"
    return sides
