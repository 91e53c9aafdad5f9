"""Vocabularies as lookups: the CSVs under raw/vocab/ turned into term matchers for normalize."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import polars as pl

from pipelines.interpret.terms import TermFinder, TermIndex, term_key
from pipelines.pull.sources import PulledFile, SourceError
from pipelines.validate import DatasetShapeError, from_text, validate_rows
from schemas import BY_NAME, vocabularies

_ASIDE = re.compile(r"\s*\([^()]*\)")
VOCAB_DATASETS = {dataset.table: dataset.name for dataset in vocabularies.DATASETS}


@dataclass(frozen=True)
class Vocabulary:
    compounds: dict[str, dict]
    measures: dict[str, dict]
    potency_rank: dict[str, int]
    polarity: dict[str, str]
    construct: dict[str, str]  # outcome id → the construct it measures (itself when alone)
    columns: dict[str, dict[str, tuple[bool, frozenset[str]]]]
    grade_rank: dict[int, str]
    event_polarity: dict[str, str]
    event_complement: dict[str, str]
    # (dimension, fit) → its ref.estimate_fits row: whether it counts and is indirect.
    fits: dict[tuple[str, str], dict]
    certainty: dict[str, float]
    # Population and severity ids → the plain grades each covers (ref.*.covers).
    covers: dict[str, dict[str, frozenset[str]]]
    # Population and severity ids → their labels, for sentences.
    labels: dict[str, dict[str, str]]
    compound_terms: TermIndex
    potency_terms: TermFinder
    formulation_terms: TermIndex
    outcome_terms: TermIndex
    population_terms: TermIndex
    severity_terms: TermIndex
    grade_terms: TermIndex
    condition_terms: TermIndex
    other_condition_terms: TermFinder
    phrase_terms: TermFinder
    event_terms: TermFinder
    evidence_terms: TermFinder
    design_terms: TermFinder
    mixture_terms: TermFinder
    measure_terms: TermFinder
    inversion_terms: TermFinder
    ids: dict[str, frozenset[str]]
    # Arms as printed → their Treatment (interpret.treatments), filled as guides are read.
    treatments: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # Table cells as printed → how well they read as each column role (interpret.columns).
    cell_fits: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # A row's arms as printed → the words a statement may call each by (interpret.mentions).
    callings: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # A row's arms as printed, with the guide's abbreviations → its Treatments, a result cell →
    # its statements, and a statement with its row's arms → what it says on its own
    # (interpret.findings).
    arms_read: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    statements_of: dict[str, list[str]] = field(default_factory=dict, compare=False, repr=False)
    statements_read: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    # A compound → the compounds an estimate may name for it (appraise.fit), filled as read.
    related: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    def class_of(self, compound_id: str) -> str | None:
        return (self.compounds.get(compound_id) or {}).get("class")

    def parent_of(self, compound_id: str) -> str | None:
        return (self.compounds.get(compound_id) or {}).get("parent")

    def kind_of(self, compound_id: str | None) -> str | None:
        """compound, class, control or background (ref.compounds kind)."""
        return (self.compounds.get(compound_id or "") or {}).get("kind")


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


def load_every_vocabulary(
    files: list[PulledFile],
) -> tuple[dict[str, pl.DataFrame], list[dict], list[SourceError]]:
    """The vocabularies of a run, where each must be there: one with no file among the others
    (deleted, renamed) is a source error, since every term it held would go unmatched and the
    publish gate must hear of it."""
    frames, quarantine, errors = load_vocabularies(files)
    if not files:
        return frames, quarantine, errors
    failed = {PurePosixPath(error.file or "").stem for error in errors}
    first = files[0]
    missing = [
        SourceError(
            f"{first.registry_id}/{table}.csv",
            f"{first.file.rsplit('/', 1)[0]}/{table}.csv" if "/" in first.file else f"{table}.csv",
            None,
            "missing_vocabulary",
            f"no {table}.csv among the vocabulary files: {name} would be empty and every term "
            "it holds unmatched; restore the file",
        )
        for table, name in VOCAB_DATASETS.items()
        if name not in frames and table not in failed
    ]
    return frames, quarantine, errors + missing


def build_vocabulary(frames: dict[str, pl.DataFrame]) -> Vocabulary:
    """Turn validated ref.* frames into the lookups normalize uses."""

    def frame(name: str) -> pl.DataFrame:
        return frames.get(name, pl.DataFrame())

    compounds = {row["id"]: row for row in frame("ref.compounds").to_dicts()}
    phrases = {row["phrase"]: row["effect"] for row in frame("ref.result_phrases").to_dicts()}
    columns: dict[str, dict[str, tuple[bool, frozenset[str]]]] = {}
    for row in frame("ref.table_columns").to_dicts():
        headers = frozenset(header_key(text) for text in row["synonyms"].split("|"))
        columns.setdefault(row["table_kind"], {})[row["column"]] = (row["required"], headers)
    grades = frame("ref.evidence_grades").to_dicts()
    return Vocabulary(
        compounds=compounds,
        measures={row["id"]: row for row in frame("ref.measures").to_dicts()},
        potency_rank={row["id"]: row["rank"] for row in frame("ref.potencies").to_dicts()},
        polarity={row["id"]: row["polarity"] for row in frame("ref.outcomes").to_dicts()},
        construct={
            row["id"]: row.get("construct") or row["id"] for row in frame("ref.outcomes").to_dicts()
        },
        columns=columns,
        grade_rank={row["rank"]: row["id"] for row in grades},
        event_polarity={row["id"]: row["polarity"] for row in frame("ref.events").to_dicts()},
        event_complement={
            row["id"]: row["complement_of"]
            for row in frame("ref.events").to_dicts()
            if row["complement_of"]
        },
        fits={(row["dimension"], row["fit"]): row for row in frame("ref.estimate_fits").to_dicts()},
        certainty={row["id"]: row["value"] for row in frame("ref.certainty_rules").to_dicts()},
        covers={
            name: {
                row["id"]: frozenset(filter(None, (row["covers"] or "").split("|")))
                for row in frame(f"ref.{name}").to_dicts()
            }
            for name in ("populations", "severities")
        },
        labels={
            name: {row["id"]: row["label"] for row in frame(f"ref.{name}").to_dicts()}
            for name in ("populations", "severities", "outcomes")
        },
        compound_terms=TermIndex(
            "compounds", _synonyms(frame("ref.compounds"), "name"), fuzzy=False
        ),
        potency_terms=TermFinder(_synonyms(frame("ref.potencies"))),
        formulation_terms=_index("formulations", frame("ref.formulations")),
        outcome_terms=_index("outcomes", frame("ref.outcomes")),
        population_terms=_index("populations", frame("ref.populations")),
        severity_terms=_index("severities", frame("ref.severities")),
        grade_terms=TermIndex(
            "evidence_grades", _synonyms(frame("ref.evidence_grades")), closed=True
        ),
        condition_terms=_index("conditions", frame("ref.conditions")),
        other_condition_terms=TermFinder(_synonyms(frame("ref.other_conditions"))),
        phrase_terms=TermFinder(phrases),
        event_terms=TermFinder(_synonyms(frame("ref.events"))),
        evidence_terms=TermFinder(_synonyms(frame("ref.evidence_kinds"))),
        design_terms=TermFinder(_synonyms(frame("ref.study_designs"))),
        mixture_terms=TermFinder(_synonyms(frame("ref.potency_mixtures"))),
        measure_terms=TermFinder(_synonyms(frame("ref.measures"))),
        inversion_terms=TermFinder(_synonyms(frame("ref.outcome_inversions"))),
        ids={
            name.removeprefix("ref."): frozenset(frames[name]["id"].to_list())
            for name in frames
            if "id" in frames[name].columns
        },
    )


def read_vocabulary(shard_files: dict[str, bytes]) -> Vocabulary:
    """The vocabulary from the ref.* Parquet files of a validated shard, as bytes (what a worker
    without the flow's disk receives, and what the flow reads for the estimates stage)."""
    return build_vocabulary(
        {
            name.removesuffix(".parquet"): pl.read_parquet(io.BytesIO(data))
            for name, data in shard_files.items()
            if name.startswith("ref.")
        }
    )


def header_key(text: str) -> str:
    """A table header as compared with raw/vocab/table_columns.csv: normalized, asides dropped
    ('Certainty of evidence (GRADE)' reads as 'Certainty of evidence')."""
    return term_key(_ASIDE.sub(" ", text))


def _index(vocabulary: str, frame: pl.DataFrame, with_label: str = "label") -> TermIndex:
    return TermIndex(vocabulary, _synonyms(frame, with_label))


def _synonyms(frame: pl.DataFrame, with_label: str = "label") -> dict[str, str]:
    """Every printed form of every entry: id, label and synonyms, the first entry winning a tie."""
    synonyms: dict[str, str] = {}
    for row in frame.to_dicts():
        for text in [row["id"], row.get(with_label) or "", *row["synonyms"].split("|")]:
            if text.strip():
                synonyms.setdefault(text.strip(), row["id"])
    return synonyms
