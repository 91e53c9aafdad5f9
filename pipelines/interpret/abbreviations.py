"""Abbreviations a guide defines for a treatment ('betamethasone valerate (BMV)') → read as the
treatment wherever the guide uses them ('BMV 0.1% vs. HC 1%').

The rules, one line each:
- A definition is a short form in parentheses after its long form, found as Schwartz and
  Hearst's algorithm finds it: the short form's letters in order in the words before it, its
  first letter starting a word, the long form no longer than the short form allows.
- It is kept when the long form names a compound or class of raw/vocab/compounds.csv and the
  short form is no synonym there already; the first definition of a short form wins.
- A short form is used as a whole word, in its own case.
"""

from __future__ import annotations

import re

from pipelines.interpret.vocab import Vocabulary

# 'valerate (BMV)': a short form of two to eight letters or digits, starting with a letter.
_DEFINED = re.compile(r"\((?P<short>[A-Za-z][A-Za-z0-9-]{1,7})\)")


def defined(texts: list[str], vocab: Vocabulary) -> dict[str, str]:
    """The treatment abbreviations the texts define: short form → long form."""
    found: dict[str, str] = {}
    for text in texts:
        for match in _DEFINED.finditer(text):
            short = match.group("short")
            if short in found or vocab.compound_terms.find(short) or not _capitals(short):
                continue
            long = _long_form(short, text[: match.start()])
            if long and vocab.compound_terms.find(long):
                found[short] = long
    return found


def expanded(text: str, abbreviations: dict[str, str]) -> str:
    """The text with each defined short form written out."""
    for short, long in abbreviations.items():
        if short in text:
            text = re.sub(rf"(?<![\w-]){re.escape(short)}(?![\w-])", long, text)
    return text


def _capitals(short: str) -> bool:
    """A short form is mostly capitals ('BMV', 'TCIs'), not a word in parentheses ('(face)')."""
    return sum(char.isupper() for char in short) >= 2


def _long_form(short: str, before: str) -> str | None:
    """The shortest run of words before the parenthesis whose letters spell the short form."""
    letters = [char.lower() for char in short if char.isalnum()]
    words = before.split()[-min(len(letters) + 5, 2 * len(letters)) :]
    candidate = " ".join(words)
    at = len(candidate) - 1
    for index in range(len(letters) - 1, -1, -1):
        while at >= 0 and (
            candidate[at].lower() != letters[index]
            or (index == 0 and at > 0 and candidate[at - 1].isalnum())
        ):
            at -= 1
        if at < 0:
            return None
        at -= 1
    start = candidate.rfind(" ", 0, at + 1) + 1
    return candidate[start:].strip(" ,;:")
