"""Printed terms → vocabulary ids, the way a careful reader matches them, and how each was matched.

Two questions are asked of a vocabulary. `TermFinder.find` looks for its terms inside free text
(a result sentence, a table title): case-insensitive whole words, a hyphen as good as a space,
plurals and possessives tolerated, typographic quotes and dashes read as plain ones; a synonym
written in capitals ('TCS', 'AD', 'IGA') is an abbreviation and matches only in capitals, so the
word 'ad' is not atopic dermatitis. `TermIndex.match` reads a whole printed term (an outcome cell,
a treatment arm) and says how it matched, trying in order:

- exact: the text is a synonym once case, quotes and spacing are folded;
- normalized: equal after dropping punctuation, possessives, plurals, joining words ('because
  of' for 'due to'), what follows a comma or colon ('mPASI, mean % reduction'), spaces
  ('mPASI' for 'M-PASI'), parenthetical asides
  ('Skin atrophy (skin thinning)'), timepoints ('at week 8', 'over 12 months'), word order, or
  when an aside alone is a synonym ('Clinical success (physician's assessment)');
- abbreviation: equal once abbreviations the vocabulary defines ('Investigator's Global
  Assessment (IGA) success' defines IGA) are spelled out on both sides;
- contained: the text holds a synonym of exactly one entry as whole words, after words that entry
  itself uses ('Repigmentation of body lesions', 'Local application-site reactions'; not
  'Serious adverse events', since no synonym of any adverse event says 'serious'), or holds an
  abbreviation of exactly one entry with any words around it ('Modified EASI, median % decrease':
  an instrument named by its abbreviation is that instrument);
- fuzzy: rapidfuzz `ratio` of the normalized forms at least FUZZY_THRESHOLD and the best entry
  at least AMBIGUITY_MARGIN ahead of any other (measured pairs in docs/accuracy.md);
- unmatched: none of these; the closest entry and its score are kept for the person reviewing.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from pipelines.interpret.memo import remembered

FUZZY_THRESHOLD = 88.0
AMBIGUITY_MARGIN = 4.0

# One character for one character, so positions found in the folded text are positions in the
# printed text.
_TYPOGRAPHY = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4`", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u2033", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        **dict.fromkeys("\u00a0\u2007\u2009\u202f\u200a", " "),
    }
)
_PARENTHETICAL = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")
_INSIDE_PARENS = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
# What follows a term's name to say how it was measured: 'mPASI, mean % reduction', 'Itch: at
# least a 4-point improvement'.
_MEASURED = re.compile(r"\s*[,:;]\s+")
_UNIT = r"(?:weeks?|wks?|days?|months?|mos?|years?|yrs?)"
_TIMEPOINT = re.compile(
    rf"(?:\b(?:at|over|by|after|through|to|up to|during|in|within)\s+)?"
    rf"(?:\b{_UNIT}\s*\d+(?:\.\d+)?\b|\b\d+(?:\.\d+)?\s*-?\s*{_UNIT}\b)",
    re.IGNORECASE,
)
_DEFINITION = re.compile(
    r"(?P<long>[A-Za-z][\w'-]*(?:\s+[\w'-]+){0,7}?)\s*\((?P<short>[A-Z]{2,6})\)"
)
_DEFINED = re.compile(r"\s*\(([A-Z]{2,6})\)")
_CAPITALS = re.compile(r"^[A-Z0-9][A-Z0-9-]*[A-Z][A-Z0-9-]*$")
_POSSESSIVE = re.compile(r"(?<=\w)'s\b|(?<=s)'(?!\w)")
# Anything but letters, digits, % and comparison signs separates words; a point only in a number.
_PUNCTUATION = re.compile(r"[^\w%≥≤<>+.]+|(?<!\d)\.|\.(?!\d)|_")
# Small words an abbreviation skips: 'Eczema Area and Severity Index (EASI)'.
_SKIPPED = frozenset({"a", "an", "and", "for", "in", "of", "on", "the", "to", "with"})
# Words that join others without naming anything ('because of', 'due to', 'for').
_JOINING = _SKIPPED | {"because", "due", "by", "from", "at", "or"}


def typographic(text: str) -> str:
    """Curly quotes, dashes and odd spaces as their plain forms; same length as the text."""
    return text.translate(_TYPOGRAPHY)


def fold(text: str) -> str:
    """Case, compatibility forms, quotes and spacing folded: the exact-match key."""
    text = typographic(unicodedata.normalize("NFKC", text))
    return re.sub(r"\s+", " ", text).strip().casefold()


@functools.lru_cache(maxsize=1 << 16)
def term_key(text: str) -> str:
    """The normalized key: folded, punctuation and possessives gone, every word singular."""
    text = _POSSESSIVE.sub("", fold(text))
    words = _PUNCTUATION.sub(" ", text).split()
    return " ".join(_singular(word) for word in words)


def _singular(word: str) -> str:
    """'inhibitors' → 'inhibitor'; 'psoriasis', 'pruritus' and 'process' stay as they are."""
    plural = len(word) > 3 and word.isalpha() and word.endswith("s")
    return word[:-1] if plural and not word.endswith(("ss", "us", "is")) else word


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    term_id: str
    text: str


class TermFinder:
    """Finds a vocabulary's terms in free text, longest synonym first, as whole words."""

    def __init__(self, synonyms: dict[str, str]) -> None:
        self._ids: dict[str, str] = {}
        patterns: dict[str, int] = {}
        for text, term_id in synonyms.items():
            key = term_key(text)
            if key:
                self._ids.setdefault(key, term_id)
                pattern = _pattern(text)
                patterns[pattern] = max(patterns.get(pattern, 0), len(text))
        alternation = "|".join(sorted(patterns, key=lambda p: (-patterns[p], p)))
        self._pattern = re.compile(rf"(?<!\w)(?:{alternation or '(?!)'})(?!\w)", re.IGNORECASE)
        self._found: dict[str, tuple[Match, ...]] = {}

    def find(self, text: str) -> list[Match]:
        """Terms in the text, in order; remembered per text (guides repeat arms and phrases)."""
        return list(remembered(self._found, text, self._find))

    def _find(self, text: str) -> tuple[Match, ...]:
        found = []
        for match in self._pattern.finditer(typographic(text)):
            term_id = self._ids.get(term_key(match.group(0)))
            if term_id is not None:
                found.append(
                    Match(match.start(), match.end(), term_id, text[match.start() : match.end()])
                )
        return tuple(found)

    def first(self, *texts: str) -> str | None:
        """The first term found, in the first text that has one."""
        for text in texts:
            found = self.find(text)
            if found:
                return found[0].term_id
        return None


def _pattern(synonym: str) -> str:
    """A synonym as a pattern: words joined by any run of spaces or hyphens, each word with an
    optional plural or possessive ending; capitals stay capitals."""
    plain = typographic(synonym).strip()
    if _CAPITALS.match(plain):
        return f"(?-i:{re.escape(plain)})"
    parts = []
    for word in re.split(r"[\s-]+", _POSSESSIVE.sub("", plain.lower())):
        if word.isalpha() and len(word) > 2:
            parts.append(re.escape(_singular(word)) + r"(?:'s|s'|es|s|')?")
        else:
            parts.append(re.escape(word))
    return r"[\s-]+".join(parts)


@dataclass(frozen=True)
class TermMatch:
    """How one printed term was read: the id (or None), the method, and the closest rival."""

    vocabulary: str
    text: str
    term_id: str | None
    method: str
    score: float | None
    runner_up: str | None
    runner_up_score: float | None


class TermIndex:
    """Matches whole printed terms against one vocabulary; each distinct text is matched once.

    A closed scale (evidence grades) stops after the abbreviation stage: what it does not know
    is not near enough to anything ('Very strong' is not 'strong'). `fuzzy=False` leaves out the
    fuzzy stage (compound names: 'Calcitriol' is 90.9 from calcipotriol, a misspelt 'Tacrolimis'
    90.0 from tacrolimus, so no threshold tells a typo from another drug)."""

    def __init__(
        self, vocabulary: str, synonyms: dict[str, str], *, closed: bool = False, fuzzy: bool = True
    ) -> None:
        self.vocabulary = vocabulary
        self.finder = TermFinder(synonyms)
        self._closed = closed
        self._fuzzy = fuzzy and not closed
        self._words: dict[str, set[str]] = {}
        for text, term_id in synonyms.items():
            self._words.setdefault(term_id, set()).update(term_key(text).split())
        self._exact = {fold(text): term_id for text, term_id in synonyms.items()}
        self._abbreviations = _abbreviations(synonyms)
        self._keys: dict[str, str] = {}
        self._expanded: dict[str, str] = {}
        for text, term_id in synonyms.items():
            for variant in self._synonym_variants(text):
                self._keys.setdefault(variant, term_id)
                self._expanded.setdefault(self._expand(variant), term_id)
        self._choices = sorted(self._keys)
        self._cache: dict[str, TermMatch] = {}
        self._found: dict[tuple[str, str], TermMatch] = {}

    def match(self, text: str) -> TermMatch:
        return remembered(self._cache, text, self._match)

    def _match(self, text: str) -> TermMatch:
        variants = _variants(text)
        found: tuple[str, str | None] | None = None
        if fold(text) in self._exact:
            found = ("exact", self._exact[fold(text)])
        elif any(v in self._keys for v in variants):
            found = ("normalized", next(self._keys[v] for v in variants if v in self._keys))
        elif any(self._expand(v) in self._expanded for v in variants):
            found = (
                "abbreviation",
                next(
                    self._expanded[self._expand(v)]
                    for v in variants
                    if self._expand(v) in self._expanded
                ),
            )
        elif not self._closed and (contained := self._contained(text)) is not None:
            found = ("contained", contained)
        ranked = self._ranked(variants)
        if found is not None:
            method, term_id = found
            rival = next(((i, s) for i, s in ranked if i != term_id), (None, None))
            return TermMatch(self.vocabulary, text, term_id, method, 100.0, *rival)
        best_id, best = ranked[0] if ranked else (None, None)
        rival_id, rival = next(((i, s) for i, s in ranked if i != best_id), (None, None))
        margin_ok = rival is None or best - rival >= AMBIGUITY_MARGIN
        if self._fuzzy and best is not None and best >= FUZZY_THRESHOLD and margin_ok:
            return TermMatch(self.vocabulary, text, best_id, "fuzzy", best, rival_id, rival)
        return TermMatch(self.vocabulary, text, None, "unmatched", None, best_id, best)

    def _contained(self, text: str) -> str | None:
        """The one entry whose synonym the text holds, after words that entry itself uses
        ('Local application-site reactions'); None when none or several entries do. A word the
        entry never uses changes the meaning: 'Serious adverse events' is not any adverse event."""
        plain = _TIMEPOINT.sub(" ", _PARENTHETICAL.sub(" ", text))
        found = self.finder.find(plain)
        ids = {
            match.term_id
            for match in found
            if set(term_key(plain[: match.start]).split()) <= self._words[match.term_id] | _SKIPPED
        }
        if not ids:
            ids = {match.term_id for match in found if _CAPITALS.match(match.text)}
        return ids.pop() if len(ids) == 1 else None

    def find(self, text: str) -> list[Match]:
        return self.finder.find(text)

    def found(self, match: Match) -> TermMatch:
        """The record of a term found in free text: the span as printed, exact when it is a
        synonym as written (case and spacing aside), normalized otherwise ('Mild-to-moderate')."""
        return remembered(self._found, (match.text, match.term_id), self._found_match)

    def _found_match(self, key: tuple[str, str]) -> TermMatch:
        text, term_id = key
        method = "exact" if fold(text) in self._exact else "normalized"
        return TermMatch(self.vocabulary, text, term_id, method, 100.0, None, None)

    def first(self, *texts: str) -> str | None:
        return self.finder.first(*texts)

    def _ranked(self, variants: Iterable[str]) -> list[tuple[str, float]]:
        """Entries by their best fuzzy score over the text's variants, best first."""
        best: dict[str, float] = {}
        for variant in variants:
            for choice, score, _ in process.extract(
                variant, self._choices, scorer=fuzz.ratio, limit=8
            ):
                term_id = self._keys[choice]
                best[term_id] = max(best.get(term_id, 0.0), round(score, 1))
        return sorted(best.items(), key=lambda item: (-item[1], item[0]))

    def _synonym_variants(self, synonym: str) -> list[str]:
        """A synonym's keys: whole, without the abbreviations it defines, words sorted. Its other
        asides stay: in 'Pruritus (adverse event)' the aside is what tells it from relief."""
        undefined = _DEFINED.sub(
            lambda m: m.group(0) if m.group(1).lower() not in self._abbreviations else "", synonym
        )
        keys = [term_key(synonym), term_key(undefined)]
        keys += [" ".join(sorted(key.split())) for key in keys]
        keys += [" ".join(_content(key)) for key in keys[:2]]
        keys += [key.replace(" ", "") for key in keys[:2]]
        return [key for key in dict.fromkeys(keys) if key]

    def _expand(self, key: str) -> str:
        return " ".join(self._abbreviations.get(word, word) for word in key.split())


def _variants(text: str) -> list[str]:
    """Normalized keys of a printed term: whole, without asides, without timepoints, each aside
    on its own, the name before a comma or colon that says how it was measured ('mPASI, mean %
    reduction'), with its words sorted (the same words in another order), without joining words,
    and run together ('mPASI' for 'M-PASI')."""
    bare = _PARENTHETICAL.sub(" ", text)
    untimed = _TIMEPOINT.sub(" ", bare)
    head = _MEASURED.split(untimed, maxsplit=1)[0]
    keys = [term_key(text), term_key(bare), term_key(untimed), term_key(head)]
    keys += [term_key(aside) for aside in _INSIDE_PARENS.findall(text)]
    keys += [" ".join(sorted(key.split())) for key in keys[:4]]
    keys += [" ".join(_content(key)) for key in keys[:4]]
    keys += [key.replace(" ", "") for key in keys[:4]]
    return [key for key in dict.fromkeys(keys) if key]


def _content(key: str) -> tuple[str, ...]:
    return tuple(word for word in key.split() if word not in _JOINING)


def _abbreviations(synonyms: dict[str, str]) -> dict[str, str]:
    """Abbreviations the synonyms define: 'Investigator's Global Assessment (IGA)' → iga."""
    defined: dict[str, str] = {}
    for text in synonyms:
        for definition in _DEFINITION.finditer(typographic(text)):
            short = definition.group("short")
            words = term_key(definition.group("long")).split()
            for start in range(len(words)):
                tail = words[start:]
                if tail[0] in _SKIPPED:
                    continue
                if "".join(w[0] for w in tail if w not in _SKIPPED) == short.lower():
                    defined.setdefault(short.lower(), " ".join(tail))
                    break
    return defined


class TermLog:
    """How one document's terms were read: a row per vocabulary and printed text, with the line
    it was first read on and how often it occurs (quality.term_matches)."""

    def __init__(self, context: dict[str, Any]) -> None:
        self._context = context
        self._rows: dict[tuple[str, str], dict[str, Any]] = {}

    def record(self, match: TermMatch, line_no: int) -> TermMatch:
        row = self._rows.get((match.vocabulary, match.text))
        if row is None:
            # vars(), not asdict(): the fields are plain values, and asdict deep-copies each.
            self._rows[(match.vocabulary, match.text)] = {
                **self._context,
                "line_no": line_no,
                **vars(match),
                "occurrences": 1,
            }
        else:
            row["occurrences"] += 1
        return match

    def rows(self) -> list[dict[str, Any]]:
        return list(self._rows.values())
