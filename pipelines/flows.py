"""The Prefect flow `build_warehouse`: pull (local files; URLs fetched with retries) →
vocabularies, bibliography, estimates → parse (mapped over batches; each batch also judges its
findings against the estimates) → load → check → publish → report.

Tasks are thin wrappers over the pure stage functions; they add logging, progress and artifacts.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_table_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun
from prefect.context import TagsContext, get_run_context
from prefect.exceptions import MissingContextError
from prefect.futures import as_completed
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner

from pipelines.batches import (
    References,
    batch_key,
    code_version,
    plan_batches,
    process_batch,
    prune_shards,
    read_shard_files,
    reference_data,
    shard_complete,
    shard_files,
    write_shard,
    write_shard_files,
)
from pipelines.interpret.bibliographic_records import load_bibliography
from pipelines.interpret.estimates import load_estimates
from pipelines.interpret.vocab import load_every_vocabulary, read_vocabulary
from pipelines.pull.fetch import (
    FetchError,
    FetchSettings,
    Landed,
    LandingCache,
    fetch,
    serve_offline,
    serve_stale,
    without_credentials,
)
from pipelines.pull.fetch_many import fetch_many
from pipelines.pull.file_names import openable
from pipelines.pull.sources import (
    PulledFile,
    Registry,
    RegistryEntry,
    SourceError,
    landed_file,
    load_registry,
    of_kind,
    pull,
    pulled_frame,
    records,
)
from pipelines.pull.stat_cache import StatCache
from pipelines.runtime import failpoints, memory, progress
from pipelines.store.changes import DamagedRelease, compare_with_release, headline
from pipelines.store.checks import run_checks
from pipelines.store.gate import LiveUnreadable, losses
from pipelines.store.history import (
    Retention,
    prune_reports,
    record_history,
    run_history,
    write_pulled,
)
from pipelines.store.layout import Layout
from pipelines.store.load import (
    Shard,
    build_database,
    connect,
    recorded_shards,
    set_aside,
    swap_in,
    table_counts,
    unreadable,
    update_database,
)
from pipelines.store.parts import Part, release_parts
from pipelines.store.publish import (
    live_manifest,
    prune_releases,
    reconcile_exports,
    release_id_for,
    switch_exports,
    write_release,
)
from pipelines.store.repair import (
    damaged_files,
    drop_noted_damage,
    foreign,
    mend_exports,
    note_damage,
    remove_never_live,
)
from pipelines.store.report import (
    RunSummary,
    markdown,
    release_summary,
    write_report,
    write_runs_page,
)
from schemas import BY_NAME, SCHEMA_VERSION

SAMPLE = 20


class NoSources(Exception):
    """The registry resolved to no guide at all."""


@task(name="pull", cache_policy=NO_CACHE)
def pull_sources(
    registry: Registry, registry_dir: Path, cache: LandingCache, offline: bool, input_status: Path
) -> tuple[pl.DataFrame, list[SourceError], int]:
    """Local files (hashed again only when their status changed: the stat cache), then every
    URL: fetched (retrying what is transient) or, offline, served from the landing cache, as one
    PULLED frame. A source that cannot be had is a source error; the others carry on. Also
    returns how many local files were read to hash."""
    known = StatCache(input_status)
    pulled, errors = pull(registry.local, registry_dir, known.checksums)
    known.save()
    landed: list[PulledFile] = []

    def one(entry: RegistryEntry) -> tuple[PulledFile | None, SourceError | None]:
        url, shown = str(entry.url), without_credentials(str(entry.url))
        try:
            if offline:
                return landed_file(entry, serve_offline(url, cache, entry.sha256)), None
            try:
                return landed_file(entry, _fetch(registry, entry, cache)), None
            except FetchError as failure:
                stale = serve_stale(url, cache, entry.sha256, failure)
                served = f"served the copy fetched at {stale.fetched_at} from the landing cache"
                return landed_file(entry, stale), SourceError(
                    entry.id, shown, None, "stale", f"{failure}; {served}"
                )
        except FetchError as exc:
            return None, SourceError(entry.id, shown, None, exc.error, str(exc))

    settings = registry.fetch
    for got, error in fetch_many(registry.remote, _host, one, settings.parallel, settings.per_host):
        if got is not None:
            landed.append(got)
        if error is not None:
            errors.append(error)
    return pl.concat([pulled, pulled_frame(landed)]), errors, known.hashed


def _host(entry: RegistryEntry) -> str:
    return urlsplit(str(entry.url)).netloc


def _transient(_task: object, _run: TaskRun, state: State) -> bool:
    """Retry network errors, timeouts, 5xx and cut-off bodies; not 404s, pins or size limits."""
    return getattr(state.data, "transient", False)


@task(
    name="fetch",
    task_run_name="fetch {shown}",
    cache_policy=NO_CACHE,
    retry_condition_fn=_transient,
)
def fetch_source(
    url: str, shown: str, cache: LandingCache, settings: FetchSettings, pin: str | None
) -> Landed:
    """`shown`: the URL without credentials, the only form the Prefect run names."""
    return fetch(url, cache, settings, pin)


def _fetch(registry: Registry, entry: RegistryEntry, cache: LandingCache) -> Landed:
    settings = registry.settings_for(entry)
    attempts = fetch_source.with_options(
        retries=settings.retries, retry_delay_seconds=settings.delays() or 0
    )
    url = str(entry.url)
    return attempts(url, without_credentials(url), cache, settings, entry.sha256)


# Reference data: each stage validates one registry kind into a shard; estimates need the vocabulary.
REFERENCE_DATA = {
    "vocabularies": lambda files, _: load_every_vocabulary(files),
    "bibliography": lambda files, _: load_bibliography(files),
    "estimates": lambda files, inputs: load_estimates(
        files, read_vocabulary(read_shard_files(inputs[0]))
    ),
}


@task(name="reference-data", task_run_name="{stage}", cache_policy=NO_CACHE)
def reference_shard(
    stage: str, files: pl.DataFrame, shard_root: Path, inputs: tuple[Path, ...] = ()
) -> Path:
    """Validate one kind of reference data into a shard keyed by its content and its inputs'
    shards, unless it exists."""
    directory = (
        shard_root / f"{stage}-{batch_key(files, '|'.join([stage, *(d.name for d in inputs)]))}"
    )
    if not shard_complete(directory):
        frames, quarantine, errors = REFERENCE_DATA[stage](records(files), inputs)
        frames["quality.quarantine"] = BY_NAME["quality.quarantine"].frame(quarantine)
        frames["quality.source_errors"] = BY_NAME["quality.source_errors"].of(errors)
        write_shard(frames, directory)
    return directory


def pull_error_shard(errors: list[SourceError], shard_root: Path) -> Path:
    """The sources that could not be had, as a shard of quality.source_errors rows keyed by its
    content: loaded, updated and published like any other shard."""
    frame = BY_NAME["quality.source_errors"].of(errors)
    digest = hashlib.sha256(code_version().encode())
    for row in frame.iter_rows():
        digest.update(repr(row).encode())
    directory = shard_root / f"pull-errors-{digest.hexdigest()[:24]}"
    if not shard_complete(directory):
        write_shard({"quality.source_errors": frame}, directory)
    return directory


@task(name="parse-batch", cache_policy=NO_CACHE)
def parse_batch(
    files: list[PulledFile], contents: list[bytes], references: References
) -> dict[str, bytes]:
    """Parse, normalize, validate and judge one batch; its shard's files as bytes. Everything it
    reads comes as arguments and everything it makes goes back as the result, so a worker on a
    machine that cannot see the flow's disk runs it as well as a local process."""
    return shard_files(process_batch(files, *reference_data(references), contents=contents))


@task(name="load", cache_policy=NO_CACHE)
def load_warehouse(
    building: Path, layout: Layout, shards: list[Shard]
) -> tuple[dict[str, int], str]:
    """Update a copy of the live warehouse when it was built from the same reference shards (a
    change of one re-keys every batch: nothing would be left to keep) and
    the shards it no longer needs are still cached (their rows are deleted by key); else build
    anew. The rows and the release come out the same either way; the line says which it was."""
    recorded = recorded_shards(layout.database)
    names = {shard.directory.name for shard in shards}
    removed = [layout.shards / name for name in recorded if name not in names]
    added = [s.directory for s in shards if s.directory.name not in recorded]
    same_reference = {n for n, kind in recorded.items() if kind in REFERENCE_DATA} == {
        s.directory.name for s in shards if s.kind in REFERENCE_DATA
    }
    if recorded and same_reference and all(shard_complete(d) for d in removed):
        rows = update_database(layout.database, building, shards, removed, added)
        return rows, f"updated the live warehouse: {len(removed)} shards out, {len(added)} in"
    return build_database(building, shards), "built anew"


@task(name="check", cache_policy=NO_CACHE)
def check_warehouse(building: Path, summary: RunSummary) -> None:
    """Run the cross-dataset checks into quality.checks and sample the issues for the report."""
    con = connect(building)
    try:
        summary.checks = run_checks(con)
        con.register("check_rows", BY_NAME["quality.checks"].frame(summary.checks))
        con.execute("INSERT INTO quality.checks SELECT * FROM check_rows ORDER BY check_name")
        summary.rows["quality.checks"] = len(summary.checks)
        _sample_issues(con, summary)
    finally:
        con.close()


@task(name="compare", cache_policy=NO_CACHE)
def compare_releases(
    building: Path, exports: Path, summary: RunSummary, parts: list[Part], damaged: dict[str, str]
) -> None:
    """What changed since the live release, into meta.release_changes and the run summary; not
    when a file it would read is damaged (its rows are not what the release says)."""
    con = connect(building)
    try:
        previous = exports.resolve() if exports.exists() else None
        try:
            rows = compare_with_release(con, previous, parts, set(damaged))
        except DamagedRelease as exc:
            summary.rows["meta.release_changes"] = 0
            summary.changes = f"not compared: the live release's {exc} is damaged"
            return
        summary.rows["meta.release_changes"] = rows
        summary.changes = headline(con) if previous is not None else "first release"
    finally:
        con.close()


@task(name="gate", cache_policy=NO_CACHE)
def gate_release(
    building: Path,
    layout: Layout,
    registry: Registry,
    summary: RunSummary,
    pulled: pl.DataFrame,
    damaged: dict[str, str],
) -> list[str]:
    """What the release would lose from the live one: one sentence per entry. The live side is
    the live release's parts, or the live warehouse when those are damaged (it holds the same
    rows)."""
    entries = [(e.id, e.kind) for e in registry.entries]
    live = layout.database if damaged else layout.exports.resolve()
    try:
        found = losses(live, building, entries, pulled["source_id"].to_list())
    except LiveUnreadable as exc:  # said, never silent: a damaged live release gates nothing
        line = f"the publish gate could not read the live release ({exc}); nothing was compared"
        summary.notes.append(line)
        get_run_logger().warning(line)
        return []
    sentences = [loss.sentence() for loss in found]
    for sentence in sentences:
        get_run_logger().warning(sentence)
    return sentences


@task(name="reuse", cache_policy=NO_CACHE)
def reuse_release(layout: Layout, summary: RunSummary) -> None:
    """Inputs and code are those the live release was built from: report it, rebuild nothing."""
    con = connect(layout.database, read_only=True)
    try:
        summary.rows = table_counts(con)
        summary.checks = con.sql("FROM quality.checks ORDER BY check_name").pl().to_dicts()
        _sample_issues(con, summary)
    finally:
        con.close()
    summary.release_id = layout.exports.resolve().name


@task(name="publish", cache_policy=NO_CACHE)
def publish_release(
    building: Path,
    layout: Layout,
    summary: RunSummary,
    keep_releases: int,
    input_key: str,
    pulled: pl.DataFrame,
    retention: Retention,
    parts: list[Part],
) -> str:
    """Write the release (parts the live release has are hard-linked), record the run, then swap
    the warehouse and the exports in."""
    release_id = release_id_for(summary.run_id, summary.started_at)
    # Earlier runs from their reports: this warehouse's meta.runs is filled after the release.
    earlier = run_history(layout.reports).sort("started_at", descending=True).head(10)
    shown = {
        "status": summary.status,
        "rows": summary.rows,
        "changes": summary.changes,
        "earlier_runs": earlier.to_dicts(),
    }
    previous = layout.exports.resolve() if layout.exports.exists() else None
    release = write_release(
        building,
        layout.releases,
        release_id,
        summary.run_id,
        datetime.now(UTC),
        input_key,
        parts,
        previous,
        shown,
    )
    if "problem" in shown:
        summary.notes.append(shown["problem"])
        get_run_logger().warning(shown["problem"])
    failpoints.reached("release-ready")
    summary.release_id = release_id
    summary.finished_at = datetime.now(UTC)
    _record(building, layout, summary, pulled, retention)
    swap_in(building, layout.database)
    failpoints.reached("swapped")
    switch_exports(layout.exports, release)
    failpoints.reached("switched")
    prune_releases(layout.releases, keep_releases, release)
    return release_id


@task(name="record", cache_policy=NO_CACHE)
def record_run(
    layout: Layout, summary: RunSummary, pulled: pl.DataFrame, retention: Retention
) -> None:
    """A run that built nothing new still enters meta.runs: a copy of the live warehouse gets the
    history and is swapped in, its data and release untouched."""
    building = layout.building(summary.run_id)
    shutil.copyfile(layout.database, building)
    failpoints.reached("unchanged-copy")
    summary.finished_at = datetime.now(UTC)
    _record(building, layout, summary, pulled, retention)
    swap_in(building, layout.database)
    failpoints.reached("unchanged-swapped")


def _record(
    building: Path,
    layout: Layout,
    summary: RunSummary,
    pulled: pl.DataFrame,
    retention: Retention,
) -> None:
    pruned = prune_reports(layout.reports, retention, summary.started_at, layout.releases)
    if pruned:
        get_run_logger().info(f"reports of {len(pruned)} earlier run(s) pruned")
    con = connect(building)
    try:
        summary.rows.update(record_history(con, layout.reports, summary, pulled))
        con.execute("CHECKPOINT")
    finally:
        con.close()


@task(name="report", cache_policy=NO_CACHE)
def report_run(summary: RunSummary, layout: Layout, pulled: pl.DataFrame) -> Path:
    write_pulled(layout.reports, summary.run_id, pulled)
    path = write_report(summary, layout.reports)
    runs = run_history(layout.reports).sort("started_at", descending=True)
    write_runs_page(layout.reports, runs.to_dicts())
    of = warehouse_key(layout.root)
    create_markdown_artifact(
        markdown=markdown(summary),
        key=f"dermevidence-run-summary-{of}",
        description=f"dermevidence run summary of {layout.root}",
    )
    if summary.quarantine_sample:
        create_table_artifact(
            table=summary.quarantine_sample,
            key=f"dermevidence-quarantine-{of}",
            description=f"Quarantined rows: the first {len(summary.quarantine_sample)} of "
            f"{summary.quarantined}; all of them are in quality.quarantine",
        )
    if summary.release_id:
        create_markdown_artifact(
            markdown=release_summary(layout.database, layout.exports / "report" / "index.html"),
            key=f"dermevidence-release-report-{of}",
            description="What the release's findings and verdicts come to, and where its report is",
        )
    return path


def warehouse_key(root: Path) -> str:
    """What tells one warehouse's artifacts and runs from another's in Prefect: its folder's name
    and a digest of its whole path, as an artifact key allows (lowercase, digits, dashes)."""
    name = "".join(c if c.isalnum() else "-" for c in root.name.lower()).strip("-") or "warehouse"
    return f"{name[:40]}-{hashlib.sha256(str(root).encode()).hexdigest()[:8]}"


def _flow_run_name() -> str:
    """'build warehouse-1a2b3c4d 2026-12-05T10:31:18Z': the warehouse it builds and when."""
    from prefect.runtime import flow_run

    root = Path(str(flow_run.parameters.get("warehouse", "warehouse"))).resolve()
    return f"build {warehouse_key(root)} {datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}"


def without_heartbeats() -> AbstractContextManager[object]:
    """Prefect's settings without flow-run heartbeats, unless PREFECT_FLOWS_HEARTBEAT_FREQUENCY
    asks for them: nothing of ours reads them, and the end of a flow run waits for their thread
    to wake at its next whole second (an unchanged seed rerun: 1.1 s with them, 0.55 s without)."""
    return temporary_settings(set_defaults={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})


def task_runner(workers: int | None = None, dask_address: str | None = None) -> TaskRunner:
    """Processes on the local cores by default (parsing is CPU-bound under the GIL); a Dask
    cluster at an address, or a local one of `workers` processes, when asked."""
    if dask_address or workers:
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1})
    return ProcessPoolTaskRunner(max_workers=os.cpu_count())


@flow(name="build_warehouse", task_runner=task_runner(), flow_run_name=_flow_run_name)
def build_warehouse(
    sources: str = "raw/sources.toml",
    warehouse: str = "warehouse",
    strict: bool = False,
    batch_size: int = 200,
    keep_releases: int = 5,
    offline: bool = False,
    keep_reports: int | None = None,
    keep_reports_days: float | None = None,
    allow_shrink: bool = False,
) -> RunSummary:
    """Turn the registered sources into a validated DuckDB warehouse and a Parquet release."""
    layout = Layout(Path(warehouse).resolve())
    summary = RunSummary(run_id=_run_id(), started_at=datetime.now(UTC), strict=strict)
    retention = Retention(keep_reports, keep_reports_days)
    # The run keeps its caller's tags; its tasks get none: Prefect asks for a concurrency slot per
    # tag for every tagged task run, which waited 2 s behind its log worker after a long stage.
    with TagsContext(current_tags=set()), layout.lock():
        layout.remove_leftovers()
        _say(summary, mend_exports(layout, summary.run_id[:8]))
        repaired = _repair(layout, summary)
        reconcile_exports(layout.database, layout.releases, layout.exports)
        _say(summary, remove_never_live(layout))
        _say(summary, drop_noted_damage(layout))
        damaged = _damaged_release(layout, summary)
        with _stage(summary, "pull") as detail:
            registry_path = Path(sources).resolve()
            registry = load_registry(registry_path)  # read once: pull and the gate use it
            pulled, pull_errors, hashed = pull_sources(
                registry,
                registry_path.parent,
                LandingCache(layout.landing),
                offline,
                layout.input_status,
            )
            detail.append(_pull_detail(pulled, pull_errors, offline, hashed))
            if not (pulled["kind"] == "guide").any():
                raise NoSources(_no_guide(sources, registry, pull_errors))
        files = BY_NAME["meta.pulled_files"].conform(pulled, run_id=summary.run_id)
        with _stage(summary, "vocabularies"):
            vocab_dir = reference_shard("vocabularies", of_kind(pulled, "vocab"), layout.shards)
        with _stage(summary, "bibliography"):
            records_dir = reference_shard(
                "bibliography", of_kind(pulled, "references"), layout.shards
            )
        with _stage(summary, "estimates"):
            estimates_dir = reference_shard(
                "estimates", of_kind(pulled, "estimates"), layout.shards, (vocab_dir,)
            )
        with _stage(summary, "parse") as detail:
            references = (vocab_dir, records_dir, estimates_dir)
            # The batches (a sorted copy of the guides' rows) are not kept past parsing.
            shard_dirs = _parse_batches(
                plan_batches(of_kind(pulled, "guide"), batch_size),
                references,
                layout.shards,
                detail,
            )
        errors_dir = pull_error_shard(pull_errors, layout.shards)
        shards = [
            *(Shard(d, kind) for d, kind in zip(references, REFERENCE_DATA, strict=True)),
            Shard(errors_dir, "pull-errors"),
            *(Shard(d, "guides") for d in shard_dirs),
        ]
        input_key = _input_key([s.directory for s in shards])
        live = live_manifest(layout.exports)
        built = repaired or bool(damaged) or input_key != live.get("input_key")
        if not built:
            with _stage(summary, "reuse") as detail:
                reuse_release(layout, summary)
                detail.append("inputs and code unchanged")
            summary.message = (
                f"inputs and code unchanged since release {summary.release_id}: nothing rebuilt"
            )
        else:
            building = layout.building(summary.run_id)
            with _stage(summary, "load") as detail:
                summary.rows, how = load_warehouse(building, layout, shards)
                detail.append(
                    f"{sum(summary.rows.values()):,} rows in {len(summary.rows)} tables; {how}"
                )
            parts = list(release_parts(shards))
            with _stage(summary, "check") as detail:
                check_warehouse(building, summary)
                detail.append(_check_detail(summary))
            with _stage(summary, "compare") as detail:
                compare_releases(building, layout.exports, summary, parts, damaged)
                detail.append(summary.changes)
            if live and not allow_shrink:
                with _stage(summary, "gate") as detail:
                    summary.losses = gate_release(
                        building, layout, registry, summary, pulled, damaged
                    )
                    detail.append(f"{len(summary.losses)} sources would shrink the release")
        refused = strict and summary.has_issues
        if summary.losses:
            summary.status = "blocked"
            summary.message = (
                "nothing was published: the live release would lose what the blocked: lines "
                "say; fix that, or run again with --allow-shrink to publish anyway."
            )
        elif refused:
            summary.status = "failed_strict"
            summary.message = "--strict: nothing was published because rows were quarantined, sources failed, checks failed or terms matched no vocabulary entry."
        else:
            summary.status = "success_with_issues" if summary.has_issues else "success"
        if summary.losses:
            failpoints.reached("gated")
        if refused or summary.losses:
            summary.release_id = None
            layout.building(summary.run_id).unlink(missing_ok=True)
        if built and not (refused or summary.losses):
            with _stage(summary, "publish") as detail:
                publish_release(
                    building, layout, summary, keep_releases, input_key, files, retention, parts
                )
                detail.append(f"release {summary.release_id}")
                if damaged:
                    _say(summary, drop_noted_damage(layout))
                pruned = prune_shards(layout.shards, {s.directory.name for s in shards})
                if pruned:
                    detail.append(f"{len(pruned)} shards no longer used removed")
        elif live.get("schema_version") == SCHEMA_VERSION and layout.database.exists():
            # (Without a warehouse file, being rebuilt, a run that publishes nothing has no
            # warehouse to go into: its report is read by the next run that builds one.)
            with _stage(summary, "record"):
                record_run(layout, summary, files, retention)
        summary.finished_at = summary.finished_at or datetime.now(UTC)
        report_run(summary, layout, files)
    return summary


def _say(summary: RunSummary, line: str | None) -> None:
    """A repair in one line: in the run summary and the Prefect log."""
    if line:
        summary.notes.append(line)
        get_run_logger().warning(line)


def _damaged_release(layout: Layout, summary: RunSummary) -> dict[str, str]:
    """The live release's files missing or damaged (path → why); said in one line, and the run
    then publishes a whole release in its place, whatever changed."""
    if not layout.exports.exists():
        return {}
    problems = damaged_files(layout.exports.resolve(), layout.release_status)
    if problems:
        note_damage(layout, problems)
        listed = [f"{path}: {why}" for path, why in problems.items()]
        more = f" (and {len(listed) - 3} more)" if len(listed) > 3 else ""
        _say(
            summary,
            f"repaired: the live release {layout.exports.resolve().name} has {len(problems)} "
            f"damaged file(s) ({'; '.join(listed[:3])}{more}); this run publishes a whole "
            "release in its place",
        )
    return problems


def _repair(layout: Layout, summary: RunSummary) -> bool:
    """A warehouse file that is unreadable, another warehouse's, or missing beside a live
    release: the file is set aside and this run builds the warehouse anew (from the cached shards,
    parsing what they lack; its history from the reports), saying so in one line."""
    why, what = unreadable(layout.database), "the damaged file"
    if why is None and layout.database.exists():
        why, what = foreign(layout.database, layout), "that file"
    if why is None or not (layout.database.exists() or layout.exports.exists()):
        return False
    kept = set_aside(layout.database, summary.run_id[:8])
    failpoints.reached("repairing")
    line = f"repaired: {layout.database}: {why}; rebuilt from the cached shards and the inputs"
    if kept is not None:
        line += f" ({what} is kept as {kept.name})"
    _say(summary, line)
    return True


# Batches out at once per task slot: each slot has the next batch waiting, and this process holds
# the documents of few (~6 MB per 1000 guides, and as much again while pickled), however large
# the corpus.
IN_FLIGHT_PER_SLOT = 2


def _in_flight() -> int:
    """Batches out at once: IN_FLIGHT_PER_SLOT for each thread of a DaskTaskRunner's cluster,
    else for each local core (the process pool's workers)."""
    client = getattr(get_run_context().task_runner, "client", None)
    slots = sum(client.nthreads().values()) if client is not None else os.cpu_count()
    return IN_FLIGHT_PER_SLOT * max(1, slots or 1)


def _parse_batches(
    batches: list[pl.DataFrame],
    reference_dirs: tuple[Path, Path, Path],
    shard_root: Path,
    detail: list[str],
) -> list[Path]:
    """Shards for every batch; only batches without a complete shard are parsed, in workers when
    there are several (an unchanged rerun starts none). Workers get the documents' and the
    reference shards' bytes and send the shard's files back; this process writes them, and reads
    a batch's documents only when it is sent, with at most `_in_flight()` batches out at a time."""
    salt = "|".join(d.name for d in reference_dirs)
    shard_dirs = [shard_root / batch_key(batch, salt) for batch in batches]
    todo = [(b, d) for b, d in zip(batches, shard_dirs, strict=True) if not shard_complete(d)]
    progress.emit("parse", len(batches) - len(todo), len(batches))
    documents = sum(len(batch) for batch in batches)
    detail.append(f"{documents} documents in {len(batches)} batches, {len(todo)} parsed")
    if not todo:
        return shard_dirs
    references = tuple((d.name, read_shard_files(d)) for d in reference_dirs)
    if len(todo) == 1:
        batch, directory = todo[0]
        write_shard_files(parse_batch(records(batch), _contents(batch), references), directory)
        return shard_dirs
    waiting, out = iter(todo), {}
    for batch, directory in itertools.islice(waiting, _in_flight()):
        out[parse_batch.submit(records(batch), _contents(batch), references)] = directory
    done = len(batches) - len(todo)
    while out:
        future = next(as_completed(list(out)))
        files = future.result()
        write_shard_files(files, out.pop(future))
        files.clear()  # Prefect keeps every task's result object for the run: empty it
        memory.give_back()
        done += 1
        progress.emit("parse", done, len(batches))
        for batch, directory in itertools.islice(waiting, 1):
            out[parse_batch.submit(records(batch), _contents(batch), references)] = directory
    return shard_dirs


def _contents(batch: pl.DataFrame) -> list[bytes]:
    return [openable(path).read_bytes() for path in batch["path"]]


def _input_key(shard_dirs: list[Path]) -> str:
    """What a warehouse is built from: the content-keyed shards (the pull errors' too) and the code."""
    digest = hashlib.sha256(code_version().encode())
    for name in sorted(d.name for d in shard_dirs):
        digest.update(name.encode())
    return digest.hexdigest()[:24]


def _sample_issues(con: duckdb.DuckDBPyConnection, summary: RunSummary) -> None:
    summary.quarantine_sample = _sample(
        con, "SELECT dataset, file, line_no, message FROM quality.quarantine ORDER BY ALL"
    )
    summary.source_error_sample = _sample(
        con,
        "SELECT source_id, file, line_no, error, message FROM quality.source_errors ORDER BY ALL",
    )


def _sample(con: duckdb.DuckDBPyConnection, query: str) -> list[dict]:
    return con.sql(f"{query} LIMIT {SAMPLE}").pl().to_dicts()


@contextmanager
def _stage(summary: RunSummary, name: str) -> Iterator[list[str]]:
    """Time a stage, hand back the memory it freed (memory.give_back) and log one line for it: to
    the Prefect run, and to the CLI's listeners."""
    progress.emit(name, 0, 1)
    started = time.perf_counter()
    detail: list[str] = []
    yield detail
    memory.give_back()
    seconds = round(time.perf_counter() - started, 3)
    summary.stage_seconds[name] = seconds
    text = summary.stage_details[name] = "; ".join(detail)
    get_run_logger().info("%s %.2f s%s", name, seconds, f": {text}" if text else "")
    progress.finished(name, seconds, text)


def _no_guide(sources: str, registry: Registry, errors: list[SourceError]) -> str:
    """Why no guide was pulled: none registered, or what became of each guide entry."""
    guides = [e.id for e in registry.entries if e.kind == "guide"]
    if not guides:
        return f'{sources}: no guide is registered; register one with kind = "guide"'
    failed = [e for e in errors if e.source_id in guides or e.source_id.split("/", 1)[0] in guides]
    shown = "; ".join(f"{e.file or e.source_id}: {e.message}" for e in failed[:3])
    more = f" (and {len(failed) - 3} more)" if len(failed) > 3 else ""
    return f"{sources}: no guide could be read: {shown}{more}"


def _pull_detail(
    pulled: pl.DataFrame, errors: list[SourceError], offline: bool, hashed: int
) -> str:
    origins = pulled.filter(pl.col("origin") != "local")["origin"].to_list()
    text = f"{pulled.height} files ({hashed} read to hash), {len(errors)} source errors"
    if origins:
        counts = ", ".join(f"{origins.count(o)} {o}" for o in sorted(set(origins)))
        text += f"; URLs: {counts}"
    unserved = [e.source_id for e in errors if e.error == "offline"]
    if offline and unserved:
        text += f"; offline, not in the cache: {', '.join(unserved)}"
    return text


def _check_detail(summary: RunSummary) -> str:
    statuses = [check["status"] for check in summary.checks]
    return ", ".join(f"{statuses.count(s)} {s}" for s in ("pass", "warn", "fail") if s in statuses)


def _run_id() -> str:
    try:
        return str(get_run_context().flow_run.id)
    except MissingContextError:
        return str(uuid.uuid4())
