"""The benchmark's parts at smoke-test size: the generated corpus through the real flow with every
expected finding and nothing else, the bare work, and the same flow on a local Dask cluster."""

import re

import duckdb
import pytest

from benchmarks.corpus import generate
from benchmarks.run import accuracy, bare_work, compare, findings
from pipelines.flows import build_warehouse, task_runner


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return folder, generate(folder, 500, seed=3)


def test_500_generated_guides_yield_exactly_the_expected_findings(prefect_api, corpus):
    folder, registry = corpus
    summary = build_warehouse(
        sources=str(registry), warehouse=str(folder / "warehouse"), batch_size=100
    )
    assert summary.status == "success_with_issues"  # the generator's defective rows and files
    expected, matched, unexpected = accuracy(folder, folder / "warehouse")
    assert (matched, unexpected) == (expected, 0) and expected > 10_000
    con = duckdb.connect(str(folder / "warehouse" / "evidence.duckdb"), read_only=True)
    try:
        bad = con.sql(
            "SELECT count(*) FROM quality.quarantine WHERE \"check\" = 'less_than_or_equal_to(100)'"
        ).fetchall()[0][0]
        unreadable = con.sql(
            "SELECT count(*) FROM quality.source_errors WHERE error = 'unreadable'"
        ).fetchall()[0][0]
    finally:
        con.close()
    assert bad > 0 and unreadable > 0


def test_the_bare_work_loads_the_expected_findings_and_the_rows_validation_would_refuse(corpus):
    """Bare work validates nothing: it keeps the generator's rows of an impossible strength (250 %,
    which the flow quarantines) and otherwise yields exactly the expected findings."""
    folder, registry = corpus
    seconds, parse_cpu_ms = bare_work(registry, folder, batch_size=250, workers=2)
    assert 0 < parse_cpu_ms < 1000 * seconds * 2 / 500  # the workers' CPU, per guide, within wall
    database = folder / "bare.duckdb"
    expected, matched, unexpected = compare(
        folder, findings(database, "coalesce(intervention_strength_pct, 0) <= 100")
    )
    assert (matched, unexpected) == (expected, 0) and expected > 10_000
    impossible = findings(database, "intervention_strength_pct > 100")
    assert impossible.height > 0
    assert findings(database).height == expected + impossible.height


def test_the_same_flow_runs_on_a_local_dask_cluster(prefect_api, tmp_path):
    registry = generate(tmp_path, 40, seed=5)
    flow = build_warehouse.with_options(task_runner=task_runner(workers=2))
    summary = flow(sources=str(registry), warehouse=str(tmp_path / "warehouse"), batch_size=10)
    assert summary.status == "success_with_issues"
    expected, matched, unexpected = accuracy(tmp_path, tmp_path / "warehouse")
    assert (matched, unexpected) == (expected, 0)


def test_the_verdict_harness_reports_its_share_of_a_batch(capsys):
    from benchmarks.verdicts import main

    assert main(["--guides", "60", "--repeats", "1"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert re.fullmatch(
        r"60 guides, \d+ findings: batch [\d.]+ s, verdicts [\d.]+ s \([\d.]+% of the rest\); "
        r"\d+ considered, \d+ with a counted estimate, 0 pooled",
        line,
    )
