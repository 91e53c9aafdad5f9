"""The benchmark: synthetic corpora of growing size through the real pipeline, next to the bare work.

    .venv/bin/python -m benchmarks.run --sizes 1000 10000 100000 [--batch-size 1000]
        [--dask-size 2000] [--output docs/performance.md]      (also: dermevidence bench …)

For each size: documents per second and wall time per stage of `dermevidence run` (a real
subprocess against a Prefect server this script starts), the peak RSS of its largest process, the
bare work measured in the same session (the same parse, normalize and load code called directly,
with the same number of worker processes, without Prefect and without pandera), an unchanged
rerun, a rerun after touching one guide, and accuracy against the corpus's expected findings.
With --dask-size, the parse stage on 1 and on 2 local Dask workers.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from benchmarks.corpus import generate
from pipelines.batches import normalize_batch, plan_batches, write_shard
from pipelines.interpret.resolve import RecordIndex
from pipelines.interpret.vocab import build_vocabulary, load_vocabularies
from pipelines.pull.sources import load_registry, of_kind, pull, records
from pipelines.runtime import prefect_env
from pipelines.store.load import Shard, build_database
from schemas import BY_NAME

FINDING_COLUMNS = ["file", "table_no", "row_no", "statement_no", "outcome", "intervention", "intervention_strength_pct", "comparator", "comparator_strength_pct", "comparator_potency", "population", "severity", "direction", "evidence_grade", "condition"]  # fmt: skip


@dataclass
class Result:
    size: int
    full: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    peak_mb: float = 0.0
    bare: float = 0.0
    parse_cpu_ms: float = 0.0  # CPU per guide of the bare work's parse and normalize
    unchanged: float = 0.0
    touched: float = 0.0
    expected: int = 0
    matched: int = 0
    unexpected: int = 0


def run_pipeline(
    registry: Path, warehouse: Path, api_url: str, *options: str
) -> tuple[float, dict, float]:
    """Wall seconds, stage seconds and peak RSS (MB, largest process) of one `dermevidence run`."""
    command = [str(Path(sys.executable).parent / "dermevidence"), "run", "--sources", str(registry), "--warehouse", str(warehouse), *options]  # fmt: skip
    probe = "import resource, subprocess, sys; code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)"  # fmt: skip
    env = {**os.environ, **prefect_env.DEFAULTS, "PREFECT_API_URL": api_url}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", probe, *command], env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    if done.returncode not in (0, 3):
        raise RuntimeError(f"run failed ({done.returncode}): {done.stderr[-2000:]}")
    report = max((warehouse / "reports").glob("*.json"), key=lambda p: p.stat().st_mtime)
    stages = json.loads(report.read_text())["stage_seconds"]
    return wall, stages, int(done.stdout.split()[-1]) / 1024


def _bare_batch(arguments: tuple) -> tuple[Path, float]:
    """A batch's shard, and the CPU seconds its parse and normalize took in this worker."""
    files, vocab, shard = arguments
    started = time.process_time()
    rows = normalize_batch(files, vocab, RecordIndex([]))
    cpu = time.process_time() - started
    write_shard({name: BY_NAME[name].frame(rows[name]) for name in rows}, shard)
    return shard, cpu


def bare_work(registry: Path, workdir: Path, batch_size: int, workers: int) -> tuple[float, float]:
    """The guides' parse, normalize and load, called directly: no Prefect, no pandera, references
    resolved against no records, and none of verdicts, the reference shards, checks, comparison
    or publishing (docs/performance.md says what the ratio to it therefore measures). Wall
    seconds, and CPU milliseconds per guide of the parse and normalize (summed over the workers:
    a figure machines of different speed and core count can be compared by)."""
    started = time.perf_counter()
    pulled, _ = pull(load_registry(registry).local, registry.parent)
    vocab = build_vocabulary(load_vocabularies(records(of_kind(pulled, "vocab")))[0])
    guides = of_kind(pulled, "guide")
    batches = plan_batches(guides, batch_size)
    jobs = [(records(batch), vocab, workdir / f"bare-{n}") for n, batch in enumerate(batches)]
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        done = pool.map(_bare_batch, jobs)
    build_database(workdir / "bare.duckdb", [Shard(shard, "guides") for shard, _ in done])
    cpu_ms = 1000 * sum(cpu for _, cpu in done) / max(1, guides.height)
    return time.perf_counter() - started, cpu_ms


def findings(database: Path, where: str = "true") -> pl.DataFrame:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.sql(f"SELECT {', '.join(FINDING_COLUMNS)} FROM core.findings WHERE {where}").pl()
    finally:
        con.close()


def accuracy(corpus: Path, warehouse: Path) -> tuple[int, int, int]:
    return compare(corpus, findings(warehouse / "evidence.duckdb"))


def compare(corpus: Path, got: pl.DataFrame) -> tuple[int, int, int]:
    """(expected, matched, unexpected) findings, on every column of FINDING_COLUMNS."""
    expected = pl.read_ndjson(corpus / "expected.jsonl").select(FINDING_COLUMNS).cast(got.schema)
    unexpected = got.join(expected, on=FINDING_COLUMNS, how="anti", nulls_equal=True).height
    missing = expected.join(got, on=FINDING_COLUMNS, how="anti", nulls_equal=True).height
    return expected.height, expected.height - missing, unexpected


def measure(size: int, workdir: Path, api_url: str, batch_size: int, log) -> Result:
    corpus = workdir / f"corpus-{size}"
    registry = generate(corpus, size)
    warehouse = corpus / "warehouse"
    result = Result(size)
    result.full, result.stages, result.peak_mb = run_pipeline(
        registry, warehouse, api_url, "--batch-size", str(batch_size)
    )
    log(f"{size}: full run {result.full:.1f} s {result.stages}, peak {result.peak_mb:.0f} MB")
    result.unchanged = run_pipeline(registry, warehouse, api_url, "--batch-size", str(batch_size))[
        0
    ]
    guide = next((corpus / "raw" / "guides").glob("*.txt"))
    guide.write_text(guide.read_text() + "\n")
    result.touched = run_pipeline(registry, warehouse, api_url, "--batch-size", str(batch_size))[0]
    log(
        f"{size}: unchanged rerun {result.unchanged:.1f} s, one guide touched {result.touched:.1f} s"
    )
    result.bare, result.parse_cpu_ms = bare_work(registry, corpus, batch_size, os.cpu_count() or 1)
    log(f"{size}: bare work {result.bare:.1f} s, parse CPU {result.parse_cpu_ms:.2f} ms/guide")
    result.expected, result.matched, result.unexpected = accuracy(corpus, warehouse)
    return result


def dask_speedup(size: int, workdir: Path, api_url: str, batch_size: int) -> tuple[float, float]:
    """Parse-stage seconds on a local Dask cluster of 1 and of 2 workers (fresh caches)."""
    corpus = workdir / f"dask-{size}"
    registry = generate(corpus, size)
    seconds = []
    for workers in (1, 2):
        _, stages, _ = run_pipeline(
            registry,
            corpus / f"warehouse-{workers}",
            api_url,
            "--batch-size",
            str(batch_size),
            "--workers",
            str(workers),
        )
        seconds.append(stages["parse"])
    return seconds[0], seconds[1]


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor())  # fmt: skip
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} x {model}, {memory:.1f} GiB RAM, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def markdown(results: list[Result], dask: tuple[int, float, float] | None, batch_size: int) -> str:
    lines = [
        "| guides | full run (s) | docs/s | parse | load | check | publish | bare work (s) | full ÷ bare | parse CPU (ms/guide) | peak RSS (MB) | unchanged rerun | one guide touched | findings expected | matched | unexpected |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        s = r.stages
        lines.append(
            f"| {r.size:,} | {r.full:.1f} | {r.size / r.full:.0f} | {s.get('parse', 0):.1f} | {s.get('load', 0):.1f} | {s.get('check', 0):.1f} | {s.get('publish', 0):.1f} "
            f"| {r.bare:.1f} | {r.full / r.bare:.2f} | {r.parse_cpu_ms:.2f} | {r.peak_mb:.0f} | {r.unchanged:.1f} s ({100 * r.unchanged / r.full:.0f} %) "
            f"| {r.touched:.1f} s ({100 * r.touched / r.full:.0f} %) | {r.expected:,} | {r.matched:,} | {r.unexpected} |"
        )
    text = (
        "\n".join(lines)
        + f"\n\nBatch size {batch_size}; worker processes {os.cpu_count()}. Machine: {machine()}.\n"
    )
    if dask:
        size, one, two = dask
        text += f"\nLocal Dask cluster, {size:,} guides, parse stage: 1 worker {one:.1f} s, 2 workers {two:.1f} s (speed-up {one / two:.2f}x).\n"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="dermevidence bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument(
        "--dask-size",
        type=int,
        default=0,
        help="also compare 1 and 2 Dask workers on this many guides",
    )
    parser.add_argument("--output", type=Path, help="write the results table here (markdown)")
    parser.add_argument("--api-url", help="a running Prefect server (default: start one)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dermevidence-bench-") as folder:
        workdir = Path(folder)
        api_url = args.api_url or prefect_env.start_server(
            workdir / "prefect", port=4298, timeout=180
        )
        try:
            results = [
                measure(size, workdir, api_url, args.batch_size, print) for size in args.sizes
            ]
            dask = (
                (args.dask_size, *dask_speedup(args.dask_size, workdir, api_url, args.batch_size))
                if args.dask_size
                else None
            )
        finally:
            if not args.api_url:
                prefect_env.stop_server(workdir / "prefect")
    table = markdown(results, dask, args.batch_size)
    print(table)
    if args.output:
        args.output.write_text(table)
    return 0 if all(r.matched == r.expected and r.unexpected == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
