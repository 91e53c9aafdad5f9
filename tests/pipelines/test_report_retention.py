"""Reports retention through the real flow: the reports kept on disk, meta.runs and
meta.pulled_files list exactly the same runs, and the run of the live release is never pruned."""

from pathlib import Path

import duckdb

from pipelines.flows import build_warehouse


def run(project: Path, **retention):
    return build_warehouse(
        sources=str(project / "raw" / "sources.toml"),
        warehouse=str(project / "warehouse"),
        **retention,
    )


def kept(project: Path) -> tuple[set[str], set[str], set[str]]:
    """Run ids of the reports on disk, of meta.runs and of meta.pulled_files."""
    warehouse = project / "warehouse"
    on_disk = {p.stem for p in (warehouse / "reports").glob("*.json")}
    con = duckdb.connect(str(warehouse / "evidence.duckdb"), read_only=True)
    try:
        runs = {r[0] for r in con.sql("SELECT run_id FROM meta.runs").fetchall()}
        pulled = {r[0] for r in con.sql("SELECT DISTINCT run_id FROM meta.pulled_files").fetchall()}
    finally:
        con.close()
    return on_disk, runs, pulled


def test_keep_reports_and_days_prune_reports_and_history_alike_but_never_the_live_release(
    prefect_api, project
):
    published = run(project).run_id
    b, c = run(project).run_id, run(project).run_id  # unchanged inputs: they only record
    assert kept(project) == ({published, b, c},) * 3

    d = run(project, keep_reports=2).run_id
    # The newest two (d, c) and the run whose release is live (published); b is gone.
    assert kept(project) == ({published, c, d},) * 3
    reports = project / "warehouse" / "reports"
    assert sorted(p.name for p in reports.glob(f"{b}*")) == []

    e = run(project, keep_reports_days=0).run_id
    assert kept(project) == ({published, e},) * 3
    # the runs' files, and the runs page every run rewrites (it lists the runs kept)
    assert {p.name.split(".")[0] for p in reports.iterdir()} == {published, e, "index"}
    page = (reports / "index.html").read_text()
    assert "2 run(s), newest first" in page and published in page and b not in page
