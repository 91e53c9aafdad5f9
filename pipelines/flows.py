"""The Prefect flow `build_warehouse`: pull → vocabularies, bibliography, estimates → parse (mapped
over batches) → load → evidence → check → publish → report.

Tasks are thin wrappers over the pure stage functions; they add logging, progress and artifacts.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.exceptions import MissingContextError
from prefect.futures import as_completed
from prefect.utilities.annotations import unmapped

from pipelines import progress
from pipelines.batches import batch_key, plan_batches, process_batch, shard_complete, write_shard
from pipelines.bibliography import load_bibliography
from pipelines.checks import run_checks
from pipelines.estimates import load_estimates
from pipelines.evidence import assess
from pipelines.load import build_database, swap_in
from pipelines.publish import (
    prune_releases,
    reconcile_exports,
    release_id_for,
    switch_exports,
    write_release,
)
from pipelines.report import RunSummary, markdown, run_history, write_report
from pipelines.resolve import RecordIndex
from pipelines.sources import PulledFile, SourceError, load_registry, pull
from pipelines.vocab import VOCAB_DATASETS, build_vocabulary, load_vocabularies, read_vocabulary
from pipelines.warehouse import Layout
from schemas import BY_NAME

SAMPLE = 20


class NoSources(Exception):
    """The registry resolved to no guide at all."""


@task(name="pull", cache_policy=NO_CACHE)
def pull_sources(registry: Path) -> tuple[list[PulledFile], list[SourceError]]:
    pulled, errors = pull(load_registry(registry), registry.parent)
    get_run_logger().info("pulled %d files, %d source errors", len(pulled), len(errors))
    return pulled, errors


# Reference data: each stage validates one registry kind into a shard; estimates need the vocabulary.
REFERENCE_DATA = {
    "vocabularies": lambda files, _: load_vocabularies(files),
    "bibliography": lambda files, _: load_bibliography(files),
    "estimates": lambda files, inputs: load_estimates(files, read_vocabulary(inputs)),
}


@task(name="reference-data", task_run_name="{stage}", cache_policy=NO_CACHE)
def reference_shard(
    stage: str, files: list[PulledFile], shard_root: Path, inputs: tuple[Path, ...] = ()
) -> Path:
    """Validate one kind of reference data into a shard keyed by its content and its inputs'
    shards, unless it exists."""
    directory = (
        shard_root / f"{stage}-{batch_key(files, '|'.join([stage, *(d.name for d in inputs)]))}"
    )
    if not shard_complete(directory):
        frames, quarantine, errors = REFERENCE_DATA[stage](files, inputs)
        frames["quality.quarantine"] = BY_NAME["quality.quarantine"].frame(quarantine)
        frames["quality.source_errors"] = _frame("quality.source_errors", errors)
        write_shard(frames, directory)
    return directory


@task(name="parse-batch", cache_policy=NO_CACHE)
def parse_batch(
    files: list[PulledFile], vocab_dir: Path, records_dir: Path, shard_root: Path
) -> Path:
    """Parse, normalize and validate one batch, unless a shard for the same content exists."""
    directory = shard_root / batch_key(files, f"{vocab_dir.name}|{records_dir.name}")
    if not shard_complete(directory):
        records = pl.read_parquet(records_dir / "core.bibliographic_records.parquet")
        write_shard(
            process_batch(files, read_vocabulary((vocab_dir,)), RecordIndex(records.to_dicts())),
            directory,
        )
    return directory


@task(name="load", cache_policy=NO_CACHE)
def load_warehouse(
    building: Path, shard_dirs: list[Path], frames: dict[str, pl.DataFrame]
) -> dict[str, int]:
    return build_database(building, shard_dirs, frames)


@task(name="evidence", cache_policy=NO_CACHE)
def assess_evidence(building: Path) -> int:
    """Judge every loaded finding against the loaded effect estimates into core.evidence_checks."""
    con = duckdb.connect(str(building))
    try:
        vocab = build_vocabulary(
            {name: con.sql(f"FROM {name}").pl() for name in VOCAB_DATASETS.values()}
        )
        findings = con.sql("FROM core.findings ORDER BY finding_id").pl().to_dicts()
        estimates = con.sql("FROM core.effect_estimates ORDER BY estimate_id").pl().to_dicts()
        dataset = BY_NAME["core.evidence_checks"]
        con.register("check_rows", dataset.frame(assess(findings, estimates, vocab)))
        con.execute("INSERT INTO core.evidence_checks SELECT * FROM check_rows ORDER BY finding_id")
        return len(findings)
    finally:
        con.close()


@task(name="check", cache_policy=NO_CACHE)
def check_warehouse(building: Path, summary: RunSummary) -> None:
    """Run the cross-dataset checks into quality.checks and sample the issues for the report."""
    con = duckdb.connect(str(building))
    try:
        summary.checks = run_checks(con)
        con.register("check_rows", BY_NAME["quality.checks"].frame(summary.checks))
        con.execute("INSERT INTO quality.checks SELECT * FROM check_rows ORDER BY check_name")
        summary.rows["quality.checks"] = len(summary.checks)
        summary.quarantine_sample = _sample(
            con, "SELECT dataset, file, line_no, message FROM quality.quarantine"
        )
        summary.source_error_sample = _sample(
            con, "SELECT source_id, file, line_no, error, message FROM quality.source_errors"
        )
    finally:
        con.close()


@task(name="publish", cache_policy=NO_CACHE)
def publish_release(building: Path, layout: Layout, summary: RunSummary, keep_releases: int) -> str:
    """Write the release, record the run, then swap the warehouse and the exports in."""
    release_id = release_id_for(summary.run_id, summary.started_at)
    release = write_release(
        building, layout.releases, release_id, summary.run_id, datetime.now(UTC)
    )
    summary.release_id = release_id
    summary.finished_at = datetime.now(UTC)
    con = duckdb.connect(str(building))
    try:
        con.register("run_row", BY_NAME["meta.runs"].frame([summary.run_row()]))
        con.execute("INSERT INTO meta.runs SELECT * FROM run_row")
        summary.rows["meta.runs"] += 1
        con.execute("CHECKPOINT")
    finally:
        con.close()
    swap_in(building, layout.database)
    switch_exports(layout.exports, release)
    prune_releases(layout.releases, keep_releases, release)
    return release_id


@task(name="report", cache_policy=NO_CACHE)
def report_run(summary: RunSummary, layout: Layout) -> Path:
    path = write_report(summary, layout.reports)
    create_markdown_artifact(
        markdown=markdown(summary),
        key="dermevidence-run-summary",
        description="dermevidence run summary",
    )
    return path


@flow(name="build_warehouse")
def build_warehouse(
    sources: str = "raw/sources.toml",
    warehouse: str = "warehouse",
    strict: bool = False,
    batch_size: int = 200,
    keep_releases: int = 5,
) -> RunSummary:
    """Turn the registered sources into a validated DuckDB warehouse and a Parquet release."""
    layout = Layout(Path(warehouse).resolve())
    summary = RunSummary(run_id=_run_id(), started_at=datetime.now(UTC), strict=strict)
    with layout.lock():
        layout.remove_leftovers()
        reconcile_exports(layout.database, layout.releases, layout.exports)
        with _stage(summary, "pull"):
            pulled, pull_errors = pull_sources(Path(sources).resolve())
            guides = _of_kind(pulled, "guide")
            if not guides:
                raise NoSources(f'{sources}: no guide file found; register one with kind = "guide"')
        with _stage(summary, "vocabularies"):
            vocab_dir = reference_shard("vocabularies", _of_kind(pulled, "vocab"), layout.shards)
        with _stage(summary, "bibliography"):
            records_dir = reference_shard(
                "bibliography", _of_kind(pulled, "references"), layout.shards
            )
        with _stage(summary, "estimates"):
            estimates_dir = reference_shard(
                "estimates", _of_kind(pulled, "estimates"), layout.shards, (vocab_dir,)
            )
        with _stage(summary, "parse"):
            batches = plan_batches(guides, batch_size)
            shard_dirs = _parse_batches(batches, vocab_dir, records_dir, layout.shards)
        building = layout.building(summary.run_id)
        with _stage(summary, "load"):
            frames = {
                "meta.pulled_files": _frame("meta.pulled_files", pulled),
                "quality.source_errors": _frame("quality.source_errors", pull_errors),
                "meta.runs": run_history(layout.reports),
            }
            shards = [vocab_dir, records_dir, estimates_dir, *shard_dirs]
            summary.rows = load_warehouse(building, shards, frames)
        with _stage(summary, "evidence"):
            summary.rows["core.evidence_checks"] = assess_evidence(building)
        with _stage(summary, "check"):
            check_warehouse(building, summary)
        if strict and summary.has_issues:
            summary.status = "failed_strict"
            summary.message = "--strict: nothing was published because rows were quarantined, sources failed or checks failed."
            building.unlink(missing_ok=True)
        else:
            summary.status = "success_with_issues" if summary.has_issues else "success"
            with _stage(summary, "publish"):
                publish_release(building, layout, summary, keep_releases)
        summary.finished_at = summary.finished_at or datetime.now(UTC)
        report_run(summary, layout)
    return summary


def _parse_batches(
    batches: list[list[PulledFile]], vocab_dir: Path, records_dir: Path, shard_root: Path
) -> list[Path]:
    futures = parse_batch.map(
        batches,
        vocab_dir=unmapped(vocab_dir),
        records_dir=unmapped(records_dir),
        shard_root=unmapped(shard_root),
    )
    progress.emit("parse", 0, len(batches))
    for done, _ in enumerate(as_completed(futures), 1):
        progress.emit("parse", done, len(batches))
    return [future.result() for future in futures]


def _sample(con: duckdb.DuckDBPyConnection, query: str) -> list[dict]:
    return con.sql(f"{query} LIMIT {SAMPLE}").pl().to_dicts()


@contextmanager
def _stage(summary: RunSummary, name: str) -> Iterator[None]:
    progress.emit(name, 0, 1)
    started = time.perf_counter()
    yield
    summary.stage_seconds[name] = round(time.perf_counter() - started, 3)
    progress.emit(name, 1, 1)


def _run_id() -> str:
    try:
        return str(get_run_context().flow_run.id)
    except MissingContextError:
        return str(uuid.uuid4())


def _of_kind(pulled: list[PulledFile], kind: str) -> list[PulledFile]:
    return [p for p in pulled if p.kind == kind]


def _frame(dataset_name: str, records: list[PulledFile] | list[SourceError]) -> pl.DataFrame:
    """A dataset's frame from dataclass records carrying (at least) its columns."""
    dataset = BY_NAME[dataset_name]
    return dataset.frame([{name: getattr(r, name) for name in dataset.columns()} for r in records])
