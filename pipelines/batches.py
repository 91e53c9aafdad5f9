"""A batch of documents → validated Parquet shards, one file per dataset, cached by content hash.

Pure work, no Prefect: the flow wraps process_batch in a task and maps it over batches.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import os
import shutil
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.appraise.evidence import assess
from pipelines.interpret.normalize import DATASETS as GUIDE_DATASETS
from pipelines.interpret.normalize import Rows, normalize_guide
from pipelines.interpret.resolve import RecordIndex
from pipelines.interpret.vocab import Vocabulary, read_vocabulary
from pipelines.pull.sources import PulledFile, SourceError
from pipelines.read.errors import FileError, defect
from pipelines.read.guide import parse_guide
from pipelines.runtime import failpoints
from pipelines.store.layout import remove_folder, visible_folders
from pipelines.validate import orphan_citations, validate_rows
from schemas import BY_NAME

_DONE = "_SUCCESS"
_log = logging.getLogger(__name__)
_CODE_PACKAGES = (Path(__file__).parent, Path(__file__).parent.parent / "schemas")


def plan_batches(files: pl.DataFrame, batch_size: int) -> list[pl.DataFrame]:
    """Fixed-size batches (slices of a PULLED frame) in source-id order, so batch membership does
    not depend on listing order."""
    ordered = files.sort("source_id", maintain_order=True)
    return [ordered.slice(start, batch_size) for start in range(0, ordered.height, batch_size)]


def batch_key(files: pl.DataFrame, salt: str) -> str:
    """Content hash of a batch: its files, the code that turns them into rows, and a salt
    (the reference-data shards' own keys for guides, so a vocabulary or bibliography edit
    re-parses everything)."""
    digest = hashlib.sha256(f"{code_version()}|{salt}".encode())
    for source_id, file, sha256, size in files.select(
        "source_id", "file", "sha256", "bytes"
    ).rows():
        digest.update(f"|{source_id}|{file}|{sha256}|{size}".encode())
    return digest.hexdigest()[:24]


@functools.cache
def code_version() -> str:
    """Hash of the pipeline's own source: read once per process, not once per batch key."""
    digest = hashlib.sha256()
    for package in _CODE_PACKAGES:
        for path in sorted(package.rglob("*.py")):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def process_batch(
    files: list[PulledFile],
    vocab: Vocabulary,
    records: RecordIndex,
    estimates: Sequence[dict[str, Any]] = (),
    contents: Sequence[bytes] | None = None,
) -> dict[str, pl.DataFrame]:
    """Parse, normalize, resolve references, validate and judge against the effect estimates
    every document of a batch; return one frame per dataset. `contents`: the documents' bytes
    when they were sent along (a worker that cannot see the flow's disk), else read from disk."""
    rows = normalize_batch(files, vocab, records, contents)
    frames: dict[str, pl.DataFrame] = {}
    quarantine: list[dict] = []
    for name in GUIDE_DATASETS:
        checked = validate_rows(BY_NAME[name], BY_NAME[name].frame(rows[name]), dict(vocab.ids))
        frames[name] = checked.frame
        quarantine += checked.quarantine
    citing_ids = {
        *frames["core.claims"]["claim_id"],
        *frames["core.findings"]["finding_id"],
        *frames["core.preclinical_findings"]["preclinical_finding_id"],
    }
    citations = orphan_citations(
        frames["core.citations"], frames["core.references"], citing_ids, BY_NAME["core.citations"]
    )
    frames["core.citations"] = citations.frame
    frames["quality.quarantine"] = BY_NAME["quality.quarantine"].frame(
        quarantine + citations.quarantine
    )
    unjudged: list[tuple[dict[str, Any], Exception]] = []
    checks, considered = assess(frames["core.findings"].to_dicts(), estimates, vocab, unjudged)
    frames["core.evidence_checks"] = BY_NAME["core.evidence_checks"].frame(checks)
    frames["core.verdict_estimates"] = BY_NAME["core.verdict_estimates"].frame(considered)
    if unjudged:
        errors = [
            SourceError(
                finding["source_id"],
                finding["file"],
                finding["line_no"],
                "unjudged",
                f"this finding could not be judged against the estimates ({defect(exc)}); it "
                "is kept without a verdict",
            )
            for finding, exc in unjudged
        ]
        frames["quality.source_errors"] = pl.concat(
            [frames["quality.source_errors"], BY_NAME["quality.source_errors"].of(errors)]
        )
    return frames


def normalize_batch(
    files: list[PulledFile],
    vocab: Vocabulary,
    records: RecordIndex,
    contents: Sequence[bytes] | None = None,
) -> Rows:
    """The rows of every dataset for a batch, before validation: parse, normalize, resolve."""
    rows: Rows = {name: [] for name in GUIDE_DATASETS}
    for number, pulled in enumerate(files):
        try:
            guide = parse_guide(pulled.path.read_bytes() if contents is None else contents[number])
            document = normalize_guide(pulled, guide, vocab)
        except FileError as exc:
            rows["quality.source_errors"].append(asdict(SourceError.of(pulled, exc)))
            continue
        except Exception as exc:  # one document's defect costs that document, never the run
            _log.exception("%s could not be read", pulled.file)
            message = f"could not be read ({defect(exc)}); the other documents carry on"
            error = SourceError(pulled.source_id, pulled.file, None, "internal", message)
            rows["quality.source_errors"].append(asdict(error))
            continue
        for name, dataset_rows in document.items():
            rows[name].extend(dataset_rows)
    for reference in rows["core.references"]:
        reference.update(records.resolve(reference["title"]).columns())
    return rows


def shard_complete(directory: Path) -> bool:
    """A cached shard counts only once its marker is written (a half-written one never does)."""
    return (directory / _DONE).exists()


# (shard name, its files) for the vocabulary, records and estimates shards: content-keyed names.
References = tuple[tuple[str, dict[str, bytes]], ...]
_decoded: dict[tuple[str, ...], tuple[Vocabulary, RecordIndex, list[dict[str, Any]]]] = {}


def reference_data(references: References) -> tuple[Vocabulary, RecordIndex, list[dict[str, Any]]]:
    """Vocabulary matchers, record index and estimates from the reference shards' bytes, decoded
    once per process: the shard names are content keys, so the same names mean the same data."""
    key = tuple(name for name, _ in references)
    if key not in _decoded:
        _decoded.clear()
        (_, vocab), (_, records), (_, estimates) = references
        _decoded[key] = (
            read_vocabulary(vocab),
            RecordIndex(_frame(records, "core.bibliographic_records").to_dicts()),
            _frame(estimates, "core.effect_estimates").to_dicts(),
        )
    return _decoded[key]


def _frame(files: dict[str, bytes], dataset: str) -> pl.DataFrame:
    return pl.read_parquet(io.BytesIO(files[f"{dataset}.parquet"]))


def shard_files(frames: dict[str, pl.DataFrame]) -> dict[str, bytes]:
    """Each dataset's Parquet file as bytes: what a worker sends back instead of writing a shard
    on a disk the flow may not see."""
    files = {}
    for name, frame in frames.items():
        buffer = io.BytesIO()
        frame.write_parquet(buffer, compression="zstd")
        files[f"{name}.parquet"] = buffer.getvalue()
    return files


def read_shard_files(directory: Path) -> dict[str, bytes]:
    """A shard's Parquet files as bytes, to send reference data to workers without a shared disk."""
    return {path.name: path.read_bytes() for path in sorted(directory.glob("*.parquet"))}


def prune_shards(root: Path, keep: set[str]) -> list[str]:
    """Delete the shard folders not in `keep` (the build just published: all an update of its
    warehouse can need)."""
    doomed = [path for path in visible_folders(root) if path.name not in keep]
    for path in doomed:
        remove_folder(path, failpoint="shard-pruning")
    return [path.name for path in doomed]


def write_shard(frames: dict[str, pl.DataFrame], directory: Path) -> Path:
    return write_shard_files(shard_files(frames), directory)


def write_shard_files(files: dict[str, bytes], directory: Path) -> Path:
    """Write the shard's files into a temporary folder, then rename it into place."""
    staging = directory.with_name(f".{directory.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for number, (name, data) in enumerate(files.items()):
        (staging / name).write_bytes(data)
        if number == 0:
            failpoints.reached("parse")
    (staging / _DONE).touch()
    shutil.rmtree(directory, ignore_errors=True)
    staging.rename(directory)
    return directory
