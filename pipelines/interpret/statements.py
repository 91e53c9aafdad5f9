"""A row's result text → the statements it makes, one finding each.

A result is one statement unless its sentences or clauses state effects for different
subgroups; then each is a statement of its own.
"""

from __future__ import annotations

import re

from pipelines.interpret.columns import ARM_NUMBERS, outside_parentheses
from pipelines.interpret.vocab import Vocabulary
from pipelines.read.text import sentences

# Only a statement with one of these can hold clauses about different subgroups.
_SUBGROUP_HINT = re.compile(r";|\bwhereas\b|\band\s+in\b", re.IGNORECASE)

_CLAUSE_BREAK = re.compile(r"(?<=\S)\s*;\s+|,?\s+whereas\s+", re.IGNORECASE)

_BOTH_SUBGROUPS = re.compile(
    r",?\s+(?:both\s+)?in\s+(?P<first>[^,;]+?)\s+and\s+in\s+(?P<second>[^,;]+?)\s*[.;]?\s*(?:\[\d+\]\s*)*$",
    re.IGNORECASE,
)


def statements(result: str, vocab: Vocabulary) -> list[str]:
    """One statement per sentence that names an effect (other sentences stay with the one
    before), and one per clause when clauses with effects name different subgroups ('… in
    children [7]; in adults, …')."""
    parts = sentences(result)
    named = [_names_effect(part, vocab) for part in parts]
    if sum(named) <= 1:
        statements = [result]
    else:
        statements = []
        for part, effect in zip(parts, named, strict=True):
            if statements and not effect:
                statements[-1] = f"{statements[-1]} {part}"
            else:
                statements.append(part)
    return [clause for statement in statements for clause in _subgroups(statement, vocab)]


def _subgroups(statement: str, vocab: Vocabulary) -> list[str]:
    """Clauses (split at ';' and 'whereas' outside parentheses) that each state an effect and
    name different subgroups are statements of their own; so is an effect stated for two
    subgroups at once ('Fewer flares, both in children using 0.03% and in adults using 0.1%'),
    one per subgroup, each with the effect."""
    if not _SUBGROUP_HINT.search(statement):
        return [statement]
    blanked = outside_parentheses(statement)
    clauses = _restore(statement, blanked, [c for c in _CLAUSE_BREAK.split(blanked) if c.strip()])
    named = [c for c in clauses if _names_effect(c, vocab) or _numbers_effect(c)]
    subgroups = {vocab.population_terms.first(c) for c in named} - {None}
    if len(clauses) > 1 and len(named) == len(clauses) and len(subgroups) > 1:
        return clauses
    both = _BOTH_SUBGROUPS.search(statement)
    if both and _names_effect(statement[: both.start()], vocab):
        groups = [both.group("first"), both.group("second")]
        if len({vocab.population_terms.first(g) for g in groups} - {None}) == 2:
            effect = statement[: both.start()].rstrip(" ,")
            return [f"{effect} in {group.strip()}" for group in groups]
    return [statement]


def _restore(text: str, blanked: str, clauses: list[str]) -> list[str]:
    """The clauses of `text` where `clauses` (split from its `blanked` copy) are."""
    restored, start = [], 0
    for clause in clauses:
        at = blanked.index(clause, start)
        restored.append(text[at : at + len(clause)])
        start = at + len(clause)
    return restored


def _numbers_effect(text: str) -> bool:
    return bool(ARM_NUMBERS.search(text))


def _names_effect(text: str, vocab: Vocabulary) -> bool:
    return any(match.term_id != "reference" for match in vocab.phrase_terms.find(text))
