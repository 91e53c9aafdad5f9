"""A printed comparison ('Pimecrolimus 1% cream vs. vehicle (adults)') → its two arms."""

from __future__ import annotations

import re

from pipelines.interpret.columns import COMPARISON_JOINER
from pipelines.interpret.terms import TermLog
from pipelines.interpret.treatments import Treatment, treatment
from pipelines.interpret.vocab import Vocabulary

_TRAILING_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")


def arms(comparison: str, vocab: Vocabulary, terms: TermLog, line_no: int) -> dict[str, Treatment]:
    """The two arms of 'A vs. B'; a comparison that is not two arms is one unknown arm twice.
    A side that names no compound shares the class the other side ends with ('Mid-potency vs.
    low-potency corticosteroids': both are corticosteroids)."""
    sides = COMPARISON_JOINER.split(comparison)
    if len(sides) == 2:
        sides = _shared_class(sides, vocab)
        intervention, comparator = (treatment(side, vocab) for side in sides)
    else:
        intervention = comparator = treatment(comparison, vocab)
    for arm in (intervention, comparator):
        terms.record(arm.match, line_no)
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
        if named[bare] or not named[other]:
            continue
        last = named[other][-1]
        is_class = vocab.kind_of(last.term_id) == "class"
        if is_class and not sides[other][last.end :].strip(" .,;"):
            sides = list(sides)
            sides[bare] = f"{sides[bare].rstrip()} {last.text}"
    return sides
