"""One arm of a comparison as printed ('Pimecrolimus 1% cream', 'moderate- to high-potency TCS',
'hydrocortisone butyrate 0.1% (trunk) + hydrocortisone acetate 1% (face)') → a Treatment."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from pipelines.interpret.memo import remembered
from pipelines.interpret.strengths import STRENGTH, strength_pct
from pipelines.interpret.terms import TermMatch
from pipelines.interpret.vocab import Vocabulary

_SUSPENDED_HYPHEN = re.compile(r"(\w)-\s+(to|and|or)\b")
# An ester named after a corticosteroid's synonym makes another corticosteroid, of its own
# potency: 'betamethasone dipropionate' is not the vocabulary's 'betamethasone' (valerate). The
# salt of another drug is the same drug ('ruxolitinib phosphate').
_ESTER = re.compile(r"^\s+\w+(?:ate|ide)\b", re.IGNORECASE)
_COMBINED = re.compile(r"\s+\+\s+|\s+plus\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Treatment:
    """`compound` is None when the vocabulary knows no compound in `text`, the arm as printed."""

    compound: str | None
    strength_pct: float | None
    formulation: str | None
    potency: str | None
    text: str
    match: TermMatch


def treatment(text: str, vocab: Vocabulary) -> Treatment:
    """Compound or class, strength, formulation and corticosteroid potency of one arm.

    The first compound named decides; when none is named, the whole arm is matched as a term
    (a misspelt name still matches by fuzzy similarity). A regimen of several compounds of one
    class ('A + B') is that class, with the potencies of its parts; a combination of others
    ('A/B', 'A plus B', 'A + B') is no one compound: None, with the potency of its steroid parts.
    Background care both arms may share ('+ emollient') is no part of a combination.
    """
    return remembered(vocab.treatments, text, lambda arm: _treatment(arm, vocab))


def _treatment(text: str, vocab: Vocabulary) -> Treatment:
    printed = text.strip()
    text = _SUSPENDED_HYPHEN.sub(r"\1 \2", printed)
    # A text of separators alone ('+', '/') has no parts: read as itself.
    parts = [_single(part, vocab) for part in _parts(text, vocab)] or [_single(text, vocab)]
    active = [part for part in parts if vocab.kind_of(part.compound) != "background"]
    parts = active or parts
    classes = {vocab.class_of(part.compound) or part.compound for part in parts}
    if len(parts) == 1:
        return replace(parts[0], text=printed)
    potencies = {p for part in parts if part.potency for p in part.potency.split("/")}
    potency = _joined(potencies, vocab) or None
    if len(classes) != 1 or None in classes:
        # How it was read is how its parts were: the first part the vocabulary lacks, if any.
        match = next((part.match for part in parts if part.compound is None), parts[0].match)
        return Treatment(None, None, None, potency, printed, match)
    [shared] = classes
    return Treatment(shared, None, None, potency, printed, parts[0].match)


def _parts(text: str, vocab: Vocabulary) -> list[str]:
    """The parts of a combination: 'A + B', 'A plus B', and 'A/B' when A names a compound
    ('Calcipotriol/betamethasone'; 'moderate/potent TCS' is one arm of two potencies)."""
    parts = []
    for part in _COMBINED.split(text):
        left, slash, right = part.partition("/")
        named = vocab.compound_terms.find(left)
        if slash and named and not left[named[-1].end :].strip():
            parts += [left, right]
        elif part.strip():
            parts.append(part)
    return parts


def arm_label(name: str | None, strength: float | None, potency: str | None) -> str:
    """An arm as people read it in reasons and reports: 'moderate/potent tcs', 'tacrolimus 0.1%'."""
    text = (name or "?") + (f" {strength:g}%" if strength is not None else "")
    return f"{potency} {text}" if potency else text


def treatment_columns(arm: str, arm_treatment: Treatment) -> dict[str, Any]:
    return {
        arm: arm_treatment.compound,
        f"{arm}_text": arm_treatment.text,
        f"{arm}_strength_pct": arm_treatment.strength_pct,
        f"{arm}_formulation": arm_treatment.formulation,
        f"{arm}_potency": arm_treatment.potency,
    }


def _single(text: str, vocab: Vocabulary) -> Treatment:
    compounds = vocab.compound_terms.find(text)
    if not compounds:
        match = vocab.compound_terms.match(STRENGTH.sub(" ", text).strip())
        formulation = next((m.term_id for m in vocab.formulation_terms.find(text)), None)
        return Treatment(match.term_id, strength_pct(text), formulation, None, text.strip(), match)
    steroid = vocab.class_of(compounds[0].term_id) == "tcs"
    if steroid and _ESTER.match(text[compounds[0].end :]):
        unknown = TermMatch(
            "compounds", text.strip(), None, "unmatched", None, compounds[0].term_id, None
        )
        return Treatment(None, strength_pct(text), None, None, text.strip(), unknown)
    compound = compounds[0].term_id
    is_class = (vocab.compounds.get(compound) or {}).get("kind") == "class"
    strength = None if is_class else strength_pct(text)
    formulation = next((m.term_id for m in vocab.formulation_terms.find(text)), None)
    potency = None
    if compound == "tcs" or vocab.class_of(compound) == "tcs":
        named = {m.term_id for m in vocab.potency_terms.find(text)}
        if is_class and vocab.mixture_terms.find(text):  # 'TCS (various potencies)': every band
            named = set(vocab.potency_rank)
        potency = _joined(named, vocab) or vocab.compounds[compound].get("potency")
    match = vocab.compound_terms.found(compounds[0])
    return Treatment(compound, strength, formulation, potency, text.strip(), match)


def _joined(potencies: set[str], vocab: Vocabulary) -> str:
    return "/".join(sorted(potencies, key=lambda p: (vocab.potency_rank.get(p, 0), p)))
