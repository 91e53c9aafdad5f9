"""Vocabularies as lookups: the CSVs under raw/vocab/ turned into term matchers for normalize."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import polars as pl

from pipelines.pull.sources import PulledFile, SourceError
from pipelines.read.text import fold
from pipelines.validate import DatasetShapeError, from_text, validate_rows
from schemas import BY_NAME, vocabularies

VOCAB_DATASETS = {dataset.table: dataset.name for dataset in vocabularies.DATASETS}


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    term_id: str


class TermMatcher:
    """Finds vocabulary terms in free text: case-insensitive, whole words, longest synonym first."""

    def __init__(self, synonyms: dict[str, str]) -> None:
        self._ids = {fold(text): term_id for text, term_id in synonyms.items()}
        ordered = sorted(self._ids, key=lambda text: (-len(text), text))
        alternation = "|".join(re.escape(text) for text in ordered) or r"(?!)"
        self._pattern = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.IGNORECASE)

    def find(self, text: str) -> list[Match]:
        return [
            Match(m.start(), m.end(), self._ids[fold(m.group(0))])
            for m in self._pattern.finditer(text)
        ]

    def exact(self, text: str) -> str | None:
        return self._ids.get(fold(text))

    def first(self, *texts: str) -> str | None:
        """The first term found, in the first text that has one."""
        for text in texts:
            found = self.find(text)
            if found:
                return found[0].term_id
        return None


@dataclass(frozen=True)
class Vocabulary:
    compounds: dict[str, dict]
    measures: dict[str, dict]
    potency_rank: dict[str, int]
    polarity: dict[str, str]
    columns: dict[str, dict[str, tuple[bool, frozenset[str]]]]
    compound_terms: TermMatcher
    potency_terms: TermMatcher
    formulation_terms: TermMatcher
    outcome_terms: TermMatcher
    population_terms: TermMatcher
    severity_terms: TermMatcher
    grade_terms: TermMatcher
    condition_terms: TermMatcher
    phrase_terms: TermMatcher
    measure_terms: TermMatcher
    inversion_terms: TermMatcher
    ids: dict[str, frozenset[str]]

    def class_of(self, compound_id: str) -> str | None:
        return (self.compounds.get(compound_id) or {}).get("class")

    def parent_of(self, compound_id: str) -> str | None:
        return (self.compounds.get(compound_id) or {}).get("parent")


def load_vocabularies(
    files: list[PulledFile],
) -> tuple[dict[str, pl.DataFrame], list[dict], list[SourceError]]:
    """Read and validate every vocabulary CSV; bad rows are quarantined, bad files recorded."""
    frames: dict[str, pl.DataFrame] = {}
    quarantine: list[dict] = []
    errors: list[SourceError] = []
    for pulled in files:
        name = VOCAB_DATASETS.get(PurePosixPath(pulled.name).stem)
        if name is None:
            errors.append(
                SourceError(
                    pulled.source_id,
                    pulled.file,
                    None,
                    "unknown_vocabulary",
                    f"no vocabulary is called {PurePosixPath(pulled.name).stem!r}; known: {', '.join(VOCAB_DATASETS)}",
                )
            )
            continue
        context = {"source_id": pulled.source_id, "file": pulled.file}
        try:
            text_frame = pl.read_csv(io.BytesIO(pulled.path.read_bytes()), infer_schema=False)
            cast = from_text(BY_NAME[name], text_frame, context)
            checked = validate_rows(BY_NAME[name], cast.frame, {}, context)
        except (pl.exceptions.PolarsError, DatasetShapeError) as exc:
            errors.append(
                SourceError(
                    pulled.source_id,
                    pulled.file,
                    None,
                    "unreadable",
                    f"cannot read vocabulary: {exc}",
                )
            )
            continue
        frames[name] = checked.frame
        quarantine += cast.quarantine + checked.quarantine
    return frames, quarantine, errors


def build_vocabulary(frames: dict[str, pl.DataFrame]) -> Vocabulary:
    """Turn validated ref.* frames into the lookups normalize uses."""

    def frame(name: str) -> pl.DataFrame:
        return frames.get(name, pl.DataFrame())

    compounds = {row["id"]: row for row in frame("ref.compounds").to_dicts()}
    phrases = {row["phrase"]: row["effect"] for row in frame("ref.result_phrases").to_dicts()}
    columns: dict[str, dict[str, tuple[bool, frozenset[str]]]] = {}
    for row in frame("ref.table_columns").to_dicts():
        headers = frozenset(fold(text) for text in row["synonyms"].split("|"))
        columns.setdefault(row["table_kind"], {})[row["column"]] = (row["required"], headers)
    return Vocabulary(
        compounds=compounds,
        measures={row["id"]: row for row in frame("ref.measures").to_dicts()},
        potency_rank={row["id"]: row["rank"] for row in frame("ref.potencies").to_dicts()},
        polarity={row["id"]: row["polarity"] for row in frame("ref.outcomes").to_dicts()},
        columns=columns,
        compound_terms=_matcher(frame("ref.compounds"), with_label="name"),
        potency_terms=_matcher(frame("ref.potencies")),
        formulation_terms=_matcher(frame("ref.formulations")),
        outcome_terms=_matcher(frame("ref.outcomes")),
        population_terms=_matcher(frame("ref.populations")),
        severity_terms=_matcher(frame("ref.severities")),
        grade_terms=_matcher(frame("ref.evidence_grades")),
        condition_terms=_matcher(frame("ref.conditions")),
        phrase_terms=TermMatcher(phrases),
        measure_terms=_matcher(frame("ref.measures")),
        inversion_terms=_matcher(frame("ref.outcome_inversions")),
        ids={
            name.removeprefix("ref."): frozenset(frames[name]["id"].to_list())
            for name in frames
            if "id" in frames[name].columns
        },
    )


def read_vocabulary(shards: tuple[Path, ...]) -> Vocabulary:
    """The vocabulary from the ref.* Parquet files of validated shards."""
    return build_vocabulary(
        {
            path.stem: pl.read_parquet(path)
            for shard in shards
            for path in shard.glob("ref.*.parquet")
        }
    )


def _matcher(frame: pl.DataFrame, with_label: str = "label") -> TermMatcher:
    synonyms: dict[str, str] = {}
    for row in frame.to_dicts():
        for text in [row["id"], row.get(with_label) or "", *row["synonyms"].split("|")]:
            if text.strip():
                synonyms[text.strip()] = row["id"]
    return TermMatcher(synonyms)
