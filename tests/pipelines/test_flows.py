"""The real flow on a real Prefect server: DuckDB, Parquet release, quarantine, strict mode, determinism."""

import hashlib
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq

from pipelines.flows import build_warehouse
from pipelines.store.publish import verify_release
from schemas import BY_NAME, DATASETS
from tests.conftest import DATA

DIRECTIONS = [
    ("favours_intervention", "high"), ("no_difference", "moderate"), ("favours_intervention", "moderate"),
    ("favours_intervention", "high"), ("favours_intervention", "moderate"), ("comparable", "high"),
    ("favours_intervention", "high"), ("favours_comparator", "high"), ("favours_intervention", "high"),
    ("favours_comparator", "high"),
]  # fmt: skip


def _run(project: Path, **options):
    return build_warehouse(
        sources=str(project / "raw" / "sources.toml"),
        warehouse=str(project / "warehouse"),
        **options,
    )


def test_seed_builds_the_warehouse(seed_run):
    summary, warehouse = seed_run
    assert summary.status == "success"
    con = duckdb.connect(str(warehouse / "evidence.duckdb"), read_only=True)
    try:
        counts = {t: con.sql(f"select count(*) from {t}").fetchall()[0][0] for t in
                  ["core.sources", "core.tables", "core.findings", "core.preclinical_findings", "core.claims", "core.references", "core.citations", "core.bibliographic_records", "raw.effect_estimates", "core.effect_estimates", "core.evidence_checks", "quality.quarantine", "meta.runs"]}  # fmt: skip
        assert counts == {
            "core.sources": 1, "core.tables": 3, "core.findings": 10, "core.preclinical_findings": 3,
            "core.claims": 2, "core.references": 5, "core.citations": 10, "core.bibliographic_records": 6,
            "raw.effect_estimates": 112, "core.effect_estimates": 112, "core.evidence_checks": 10,
            "quality.quarantine": 0, "meta.runs": 1,
        }  # fmt: skip
        rows = con.sql(
            "select direction, evidence_grade from core.findings order by table_no, row_no, statement_no"
        ).fetchall()
        assert rows == DIRECTIONS
        comment = con.sql(
            "select comment from duckdb_columns() where schema_name='core' and table_name='findings' and column_name='direction'"
        ).fetchall()[0][0]
        assert comment.startswith("Which arm the statement favours")
        assert con.sql("select status from quality.checks where status = 'fail'").fetchall() == []
        assert con.sql("select count(*) from core.finding_citations").fetchall()[0][0] == 2
        resolved = con.sql(
            "select r.ref_no, r.pmid, r.match_method, r.match_score, b.format from core.references r"
            " left join core.bibliographic_records b using (record_id) order by r.ref_no"
        ).fetchall()
        assert resolved == [
            (1, None, "unresolved", 64.3, None),
            (2, "12090545", "exact", 100.0, "pubmed-xml"),
            (3, "16033622", "prefix", 65.1, "pubmed-xml"),
            (4, "11060661", "exact", 100.0, "pubmed-xml"),
            (5, None, "unresolved", 46.9, None),
        ]
        [(status, failing, detail)] = con.sql(
            "select status, failing_rows, detail from quality.checks where check_name = 'references_resolved'"
        ).fetchall()
        assert (status, failing) == ("warn", 2)
        assert (
            "guides/benchchem-ascomycin-clinical-validation-b7888174.txt:77 reference 1: no record matches"
            in detail
        )
    finally:
        con.close()


def test_an_html_rendering_registered_instead_gives_the_same_warehouse(seed_run, project):
    _, seed_warehouse = seed_run
    for text_guide in (project / "raw" / "guides").iterdir():
        text_guide.unlink()
    shutil.copy(
        DATA / "benchchem-ascomycin-b7888174.html", project / "raw" / "guides" / "page.html"
    )
    summary = _run(project)
    assert summary.status == "success"
    queries = {
        "core.findings": "select outcome, intervention, intervention_strength_pct, comparator, comparator_potency, population, severity, direction, evidence_grade, result_text from core.findings order by table_no, row_no, statement_no",
        "core.preclinical_findings": "select parameter, comparator, fold_low, fold_high from core.preclinical_findings order by row_no",
        "core.claims": "select claim_text from core.claims order by line_no",
        "core.references": "select ref_no, title, pmid, match_method from core.references order by ref_no",
        "core.citations": "select citing_dataset, ref_no from core.citations order by all",
        "core.sources": "select format, title, publisher, author, published, url from core.sources",
    }  # fmt: skip
    results = []
    for warehouse in (seed_warehouse, project / "warehouse"):
        con = duckdb.connect(str(warehouse / "evidence.duckdb"), read_only=True)
        try:
            results.append({name: con.sql(query).fetchall() for name, query in queries.items()})
        finally:
            con.close()
    text, html = results
    assert [len(html[name]) for name in queries] == [10, 3, 2, 5, 10, 1]
    assert html["core.sources"][0][0] == "guide-html" and text["core.sources"][0][0] == "guide-text"
    assert html["core.sources"][0][1:] == text["core.sources"][0][1:]
    assert all(html[name] == text[name] for name in queries if name != "core.sources")


def test_release_matches_manifest_and_reads_back_everywhere(seed_run):
    _, warehouse = seed_run
    exports = warehouse / "exports"
    assert exports.is_symlink()
    manifest = json.loads((exports / "manifest.json").read_text())
    assert manifest["schema_version"] == "2.5.0" and manifest["run_id"]
    assert verify_release(exports) == []
    by_dataset = {entry["dataset"]: entry for entry in manifest["files"]}
    assert set(by_dataset) >= {
        "core.findings",
        "ref.compounds",
        "quality.quarantine",
        "quality.checks",
    }
    findings_path = exports / by_dataset["core.findings"]["path"]
    assert findings_path.parent == exports / "core" / "findings"
    assert pq.ParquetFile(findings_path).metadata.row_group(0).column(0).compression == "ZSTD"
    # A dataset is a folder of parts; each reader takes the folder as one table.
    from_polars = pl.read_parquet(findings_path.parent / "*.parquet")
    from_arrow = pl.from_arrow(pq.read_table(findings_path.parent))
    con = duckdb.connect(str(warehouse / "evidence.duckdb"), read_only=True)
    try:
        from_duckdb_parquet = con.read_parquet(str(findings_path.parent / "*.parquet")).pl()
        from_warehouse = con.sql(
            "select * from core.findings order by source_id, table_no, row_no, statement_no"
        ).pl()
    finally:
        con.close()
    assert from_polars.height == by_dataset["core.findings"]["rows"] == 10
    assert (
        from_polars.equals(from_arrow)
        and from_polars.equals(from_duckdb_parquet)
        and from_polars.equals(from_warehouse)
    )
    package = json.loads((exports / "datapackage.json").read_text())
    findings_resource = next(r for r in package["resources"] if r["name"] == "core_findings")
    assert [f["name"] for f in findings_resource["schema"]["fields"]] == from_polars.columns


def test_bad_rows_quarantined_rest_published_then_strict_publishes_nothing(prefect_api, project):
    shutil.copy(DATA / "guide_with_bad_rows.txt", project / "raw" / "guides" / "zz-bad-rows.txt")
    summary = _run(project)
    assert summary.status == "success_with_issues" and summary.quarantined == 2
    con = duckdb.connect(str(project / "warehouse" / "evidence.duckdb"), read_only=True)
    try:
        quarantined = con.sql(
            "select dataset, line_no, value from quality.quarantine order by dataset"
        ).fetchall()
        findings = con.sql("select count(*) from core.findings").fetchall()[0][0]
        uncited = con.sql(
            "select status, failing_rows, detail from quality.checks where check_name = 'references_cited'"
        ).fetchall()
    finally:
        con.close()
    assert quarantined == [("core.citations", 8, "7"), ("core.findings", 9, "250.0")]
    assert findings == 11
    assert uncited == [
        (
            "warn",
            1,
            "references that no claim or finding cites; e.g. guides/zz-bad-rows.txt:14 reference 2",
        )
    ]
    release_before = (project / "warehouse" / "exports").resolve()
    strict = _run(project, strict=True)
    assert strict.status == "failed_strict" and strict.release_id is None
    assert (project / "warehouse" / "exports").resolve() == release_before
    assert list((project / "warehouse").glob(".*.building")) == []


def test_two_builds_give_identical_parquet_and_an_unchanged_rerun_rebuilds_nothing(
    prefect_api, project
):
    first = _run(project, batch_size=1)
    other = build_warehouse(
        sources=str(project / "raw" / "sources.toml"),
        warehouse=str(project / "elsewhere"),
        batch_size=1,
    )
    releases = [(project / w / "exports").resolve() for w in ("warehouse", "elsewhere")]
    assert first.release_id != other.release_id

    def data_files(release: Path) -> dict[str, str]:
        return {
            str(p.relative_to(release)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(release.rglob("*.parquet"))
        }

    assert data_files(releases[0]) == data_files(releases[1])
    again = _run(project, batch_size=1)
    assert again.release_id == first.release_id and again.status == "success"
    assert again.message.startswith(f"inputs and code unchanged since release {first.release_id}")
    assert again.rows["core.findings"] == 10 and "load" not in again.stage_seconds
    assert len(list((project / "warehouse" / "reports").glob("*.json"))) == 2
    # The release's page says which runs came before it and links the runs page, which every run
    # rewrites: the unchanged rerun is on it (the page once said "first run" after six).
    page = (project / "warehouse" / "exports" / "report" / "index.html").read_text()
    assert "<h3>Runs before this release</h3>" in page and "href='../../reports/index.html'" in page
    runs = (project / "warehouse" / "reports" / "index.html").read_text()
    assert runs.count(first.release_id) == 2 and "2 run(s), newest first" in runs
    assert runs.index(again.run_id) < runs.index(first.run_id)


def test_input_order_and_batch_size_change_no_id_no_row_and_no_byte(prefect_api, project):
    shutil.copy(
        DATA / "benchchem-ascomycin-b7888174.html", project / "raw" / "guides" / "page.html"
    )
    shutil.copy(DATA / "guide_with_bad_rows.txt", project / "raw" / "guides" / "bad-rows.txt")
    registry = (project / "raw" / "sources.toml").read_text()
    entries = registry.split("[[source]]")
    reversed_registry = entries[0] + "[[source]]" + "[[source]]".join(reversed(entries[1:]))
    (project / "raw" / "reversed.toml").write_text(reversed_registry)
    releases = []
    for sources, batch_size, warehouse in (
        ("sources.toml", 1, "warehouse-a"),
        ("reversed.toml", 1, "warehouse-b"),
        ("sources.toml", 200, "warehouse-c"),
    ):
        build_warehouse(
            sources=str(project / "raw" / sources),
            warehouse=str(project / warehouse),
            batch_size=batch_size,
        )
        releases.append((project / warehouse / "exports").resolve())
    manifests = [json.loads((release / "manifest.json").read_text()) for release in releases]
    for manifest in manifests:
        for varying in ("run_id", "release_id", "created_at", "input_key"):
            manifest.pop(varying)
    assert manifests[0] == manifests[1]
    rows = Counter()
    for entry in manifests[0]["files"]:
        rows[entry["dataset"]] += entry["rows"]
    assert rows["core.findings"] == 21 and rows["core.sources"] == 3
    # Another batch size splits the datasets into other parts, holding the same rows.
    assert len(manifests[0]["files"]) > len(manifests[2]["files"])
    for dataset in (d for d in DATASETS if d.published and d.name != "meta.release_changes"):
        tables = [
            pl.read_parquet(r / dataset.schema / dataset.table / "*.parquet").sort(
                dataset.key, nulls_last=True
            )
            for r in (releases[0], releases[2])
        ]
        assert tables[0].equals(tables[1]), dataset.name


def test_a_run_that_builds_nothing_records_itself_only_in_a_warehouse_of_its_schema(
    prefect_api, project
):
    first = _run(project)
    again = _run(project)
    warehouse = project / "warehouse"

    def recorded() -> list[str]:
        con = duckdb.connect(str(warehouse / "evidence.duckdb"), read_only=True)
        try:
            return [
                r[0] for r in con.sql("SELECT run_id FROM meta.runs ORDER BY started_at").fetchall()
            ]
        finally:
            con.close()

    assert "record" in again.stage_seconds and "load" not in again.stage_seconds
    assert recorded() == [first.run_id, again.run_id]
    manifest = (warehouse / "exports").resolve() / "manifest.json"
    older = json.loads(manifest.read_text()) | {"schema_version": "1.1.0"}
    manifest.write_text(json.dumps(older))
    upgraded = _run(project)
    assert "record" not in upgraded.stage_seconds
    assert recorded() == [first.run_id, again.run_id]
    assert len(list((warehouse / "reports").glob("*.pulled.parquet"))) == 3


def test_every_parquet_field_and_every_view_column_carries_its_description(seed_run):
    """pyarrow shows each field's description (Arrow field metadata), generated from schemas/;
    the views and their columns have COMMENTs."""
    _, warehouse = seed_run
    exports = warehouse / "exports"
    manifest = json.loads((exports / "manifest.json").read_text())
    parquet = [entry for entry in manifest["files"] if entry["path"].endswith(".parquet")]
    assert len(parquet) >= 30
    for entry in parquet:
        schema = pq.read_schema(exports / entry["path"])
        columns = BY_NAME[entry["dataset"]].columns()
        assert {f.name: f.metadata[b"description"].decode() for f in schema} == {
            name: column.description for name, column in columns.items()
        }, entry["path"]
    findings = pq.read_schema(next(exports.glob("core/findings/*.parquet")))
    assert findings.field("evidence_grade").metadata[b"description"].startswith(b"Strength of")
    con = duckdb.connect(str(warehouse / "evidence.duckdb"), read_only=True)
    try:
        views = con.sql(
            "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal ORDER BY 1"
        ).fetchall()
        undescribed = con.sql(
            "SELECT table_name, column_name FROM duckdb_columns() c JOIN duckdb_views() v "
            "ON v.view_name = c.table_name AND v.schema_name = c.schema_name "
            "WHERE NOT v.internal AND (c.comment IS NULL OR c.comment = '')"
        ).fetchall()
    finally:
        con.close()
    assert [name for name, _ in views] == [
        "finding_citations",
        "finding_verdicts",
        "findings_readable",
    ]
    assert all(comment for _, comment in views) and undescribed == []


def test_runs_and_artifacts_say_which_warehouse_they_belong_to(prefect_api, project):
    """Two warehouses' runs told apart in the Prefect UI: the flow run is named after its
    warehouse and when, and its artifacts' keys carry the warehouse. Its task runs carry no tags
    (Prefect asks the server for a concurrency slot per tag of a task run: 2 s each, measured)."""
    from prefect import tags
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        FlowRunFilter,
        FlowRunFilterId,
    )

    from pipelines.flows import warehouse_key

    warehouse = project / "warehouse"
    with tags("dermevidence", f"warehouse:{warehouse_key(warehouse.resolve())}"):
        summary = build_warehouse(
            sources=str(project / "raw" / "sources.toml"), warehouse=str(warehouse)
        )
    key = warehouse_key(warehouse.resolve())
    assert key.startswith("warehouse-") and len(key) == len("warehouse-") + 8
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(summary.run_id)
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run.id]))
        )
        task_runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id]))
        )
    assert len(task_runs) == 10 and all(task_run.tags == [] for task_run in task_runs)
    assert re.fullmatch(rf"build {key} \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ", run.name), run.name
    assert f"warehouse:{key}" in run.tags
    assert sorted(a.key for a in artifacts) == [
        f"dermevidence-release-report-{key}",
        f"dermevidence-run-summary-{key}",
    ]
