"""The CLI as a user meets it: documented commands, exit codes, read-only queries, validate output."""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
from typer.testing import CliRunner

from pipelines.cli import Exit, app
from schemas import SCHEMA_VERSION
from tests.conftest import DATA, ROOT

runner = CliRunner()


def test_every_command_and_option_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    help_text = runner.invoke(app, ["--help"]).output
    commands = re.findall(r"│ (\w+)\s{2,}", help_text)
    assert {"run", "validate", "query", "docs", "server", "history", "bench"} <= set(commands)
    for command in [*commands, "server start", "server stop", "server status"]:
        assert f"dermevidence {command}" in readme, command
        options = re.findall(
            r"(--[a-z-]+)", runner.invoke(app, [*command.split(), "--help"]).output
        )
        for option in set(options) - {"--help"}:
            assert option in readme, f"{command} {option}"
    for code in Exit:
        assert f"| {code.value} |" in readme, code


def test_query_is_read_only_and_formats(seed_run):
    _, warehouse = seed_run
    result = runner.invoke(
        app,
        [
            "query",
            "select count(*) as n from core.findings",
            "--warehouse",
            str(warehouse),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0 and json.loads(result.output) == [{"n": 10}]
    result = runner.invoke(
        app,
        [
            "query",
            "select direction from core.findings order by finding_id limit 2",
            "--warehouse",
            str(warehouse),
            "--format",
            "csv",
        ],
    )
    assert result.output.splitlines()[0] == "direction" and len(result.output.splitlines()) == 3
    exports_file = next((warehouse / "exports" / "core" / "findings").glob("*.parquet"))
    for statement in ("delete from core.findings", "attach ':memory:' as scratch"):
        result = runner.invoke(app, ["query", statement, "--warehouse", str(warehouse)])
        assert result.exit_code == Exit.ERROR and "SELECT statements only" in result.output
    # a write hidden behind a SELECT: refused as two statements before anything runs
    smuggled = f"select 1; copy (select 1 as x) to '{exports_file}' (format parquet)"
    result = runner.invoke(app, ["query", smuggled, "--warehouse", str(warehouse)])
    assert result.exit_code == Exit.USAGE and "2 statements given" in result.output
    assert pl.read_parquet(exports_file).height == 10
    con = duckdb.connect(str(warehouse / "evidence.duckdb"), read_only=True)
    assert con.sql("select count(*) from core.findings").fetchall()[0][0] == 10
    con.close()


def test_query_is_sandboxed_by_the_engine(seed_run, tmp_path):
    """What parsing the statement kinds cannot stop, DuckDB's own configuration does: no file but
    the warehouse, no network, no extension; the configuration cannot be changed back."""
    _, warehouse = seed_run
    live = next((warehouse / "exports" / "core" / "findings").glob("*.parquet"))
    before = live.read_bytes()
    target = tmp_path / "written.parquet"
    secret = tmp_path / "secret.txt"
    secret.write_text("not for queries")
    attempts = {
        f"EXPLAIN ANALYZE COPY (SELECT 'TAMPERED' AS finding_id) TO '{live}' (FORMAT parquet)": "EXPLAIN ANALYZE refused",
        f"-- a comment first\nEXPLAIN ANALYZE SELECT * FROM read_text('{secret}')": "EXPLAIN ANALYZE refused",
        f"SELECT * FROM read_text('{secret}')": "file system operations are disabled",
        f"SELECT * FROM glob('{tmp_path}/*')": "file system operations are disabled",
        "SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')": "file system operations are disabled",
        f"EXPLAIN COPY (SELECT 1) TO '{target}'": "",
        "SELECT current_setting('enable_external_access') AS v": "",
    }
    for sql, message in attempts.items():
        result = runner.invoke(app, ["query", sql, "--warehouse", str(warehouse)])
        if message:
            assert result.exit_code == Exit.ERROR and message in result.output, (sql, result.output)
    assert live.read_bytes() == before and not target.exists()
    result = runner.invoke(
        app,
        ["query", "SELECT current_setting('enable_external_access') AS v", "--warehouse",
         str(warehouse), "--format", "csv"],
    )  # fmt: skip
    assert result.output == "v\nfalse\n"


@pytest.mark.skipif(
    shutil.which("unshare") is None or os.geteuid() != 0, reason="needs unshare -n (root)"
)
def test_query_changes_no_file_and_reaches_no_network_in_a_namespace_without_a_route(
    seed_run, tmp_path
):
    """Each statement that could write or fetch, in a process whose network has no route out:
    refused or failed, exit 1, and no file of the warehouse (or DuckDB's extension folder) is
    touched."""
    _, warehouse = seed_run
    home = tmp_path / "home"  # where DuckDB would install an extension
    home.mkdir()
    before = {p: p.stat().st_mtime_ns for p in warehouse.rglob("*") if p.is_file()}
    statements = [
        "INSTALL httpfs",
        "LOAD httpfs",
        f"ATTACH '{tmp_path / 'other.duckdb'}' AS other",
        "SET enable_external_access = true",
        f"COPY (SELECT 1) TO '{tmp_path / 'copied.csv'}'",
        f"SELECT * FROM read_csv('{warehouse / 'README.md'}')",
        "SELECT * FROM read_csv('https://example.org/data.csv')",
        "SELECT * FROM read_parquet('s3://bucket/x.parquet')",
    ]
    cli = str(Path(sys.executable).parent / "dermevidence")
    env = {**os.environ, "HOME": str(home)}
    for sql in statements:
        done = subprocess.run(
            ["unshare", "-n", cli, "query", sql, "--warehouse", str(warehouse)],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == Exit.ERROR, (sql, done.stdout, done.stderr)
        assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr, sql
    assert {p: p.stat().st_mtime_ns for p in warehouse.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]
    assert list(home.rglob("*")) == []


def test_query_from_a_file_and_sql_that_starts_with_a_comment(seed_run):
    _, warehouse = seed_run
    path = ROOT / "docs" / "queries" / "01_findings_count.sql"
    from_file = runner.invoke(
        app, ["query", "--file", str(path), "--warehouse", str(warehouse), "--format", "csv"]
    )
    inline = runner.invoke(
        app, ["query", path.read_text(), "--warehouse", str(warehouse), "--format", "csv"]
    )
    assert from_file.exit_code == inline.exit_code == 0
    assert from_file.output == inline.output and len(from_file.output.splitlines()) == 2


def test_version_names_the_package_and_the_schema():
    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.output) == (
        0,
        f"dermevidence 0.1.0 (schema {SCHEMA_VERSION})\n",
    )


def test_query_without_warehouse_is_a_config_error(tmp_path):
    result = runner.invoke(app, ["query", "select 1", "--warehouse", str(tmp_path)])
    assert result.exit_code == Exit.CONFIG and "run `dermevidence run` first" in result.output


def test_validate_prints_file_line_message():
    result = runner.invoke(
        app,
        [
            "validate",
            str(DATA / "guide_with_bad_rows.txt"),
            "--sources",
            str(ROOT / "raw" / "sources.toml"),
        ],
    )
    assert result.exit_code == Exit.ISSUES
    lines = [line for line in result.output.splitlines() if line.startswith(str(DATA))]
    assert lines == [
        f"{DATA / 'guide_with_bad_rows.txt'}:8: citation marker [7] has no reference 7 in the document's reference list; fix the marker or add the reference (core.citations)",
        f"{DATA / 'guide_with_bad_rows.txt'}:9: intervention_strength_pct 250.0 fails less_than_or_equal_to(100) (core.findings)",
    ]
    clean = runner.invoke(
        app,
        [
            "validate",
            str(ROOT / "raw" / "guides" / "benchchem-ascomycin-clinical-validation-b7888174.txt"),
        ],
    )
    assert clean.exit_code == Exit.OK


def test_validate_reads_html_guides_and_bibliographic_files_by_content(tmp_path):
    html = DATA / "benchchem-ascomycin-b7888174.html"
    references = sorted((ROOT / "raw" / "references").glob("pubmed-*"))
    for path in [html, *references, *sorted((DATA / "bibliography").glob("seed-*"))]:
        result = runner.invoke(app, ["validate", str(path)])
        assert (result.exit_code, result.output.strip()) == (
            Exit.OK,
            "1 file(s) checked, 0 problem(s).",
        ), path
    bad = tmp_path / "export.csv"
    bad.write_text("PMID,Title\n1,A title\n2,Another,extra\nx,Third\n")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == Exit.ISSUES
    assert [line for line in result.output.splitlines() if line.startswith(str(bad))] == [
        f"{bad}:3: row has 3 cells but the header has 2; quote cells that hold commas",
        f"{bad}:4: pmid 'x' is not of the form ^\\d+$ that core.bibliographic_records requires; correct the source (core.bibliographic_records)",
    ]


def test_validate_reads_estimates_csvs_and_names_the_files_it_did_not_check(tmp_path):
    estimates = sorted((ROOT / "raw" / "estimates").glob("*.csv"))
    result = runner.invoke(app, ["validate", *map(str, estimates)])
    assert (result.exit_code, result.output.strip()) == (
        Exit.OK,
        f"{len(estimates)} file(s) checked, 0 problem(s).",
    )
    bad = tmp_path / "estimates.csv"
    lines = estimates[0].read_text(encoding="utf-8").splitlines()
    row = lines[1].split(",")
    header = lines[0].split(",")
    row[header.index("estimate")] = "not a number"
    bad.write_text("\n".join([lines[0], ",".join(row)]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad), str(ROOT / "README.md")])
    assert result.exit_code == Exit.ISSUES
    out = result.output.splitlines()
    assert [line for line in out if line.startswith(str(bad))] == [
        f"{bad}:2: estimate 'not a number' is not a number; correct the source (core.effect_estimates)"
    ]
    assert f"{ROOT / 'README.md'}: not checked: no finding in it as a guide" in result.output
    assert out[-1] == "1 file(s) checked, 1 problem(s), 1 not checked."


def test_validate_reads_a_page_the_registry_lists_as_estimates_as_published_tables(project):
    tables = project / "raw" / "tables"
    shutil.copytree(DATA / "estimate_tables", tables)
    (tables / "notes.txt").write_text("Topical tacrolimus\n\nNo table, only words.\n")
    registry = project / "raw" / "sources.toml"
    entry = '\n[[source]]\nid = "review-tables"\nkind = "estimates"\npath = "tables/*"\n'
    registry.write_text(registry.read_text(encoding="utf-8") + entry, encoding="utf-8")
    pages = sorted(tables.iterdir())
    result = runner.invoke(app, ["validate", *map(str, pages), "--sources", str(registry)])
    assert result.exit_code == Exit.ISSUES
    assert result.output.splitlines() == [
        f"{tables / 'notes.txt'}:1: no table of this page prints an estimate with its interval "
        "(an effect column, or a result read as one); an estimates source that is not a CSV is "
        "read as published analysis tables (README: 'Estimates from published tables')",
        "5 file(s) checked, 1 problem(s).",
    ]


def test_run_exit_codes_for_config_errors_and_no_sources(prefect_api, project, monkeypatch):
    registry = project / "raw" / "sources.toml"
    arguments = ["run", "--sources", str(registry), "--warehouse", str(project / "warehouse")]
    registry.write_text('[[source]]\nid = "x"\nkind = "nonsense"\npath = "guides/*"\n')
    with monkeypatch.context() as unreachable:  # refused before any Prefect server is asked
        unreachable.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
        result = runner.invoke(app, [*arguments, "--no-server"])
    assert result.exit_code == Exit.CONFIG and "kind must be one of" in result.output
    guide = '[[source]]\nid = "guides"\nkind = "guide"\npath = "guides/*"\n'
    registry.write_text(guide + 'sha256 = "' + "0" * 64 + '"\n')
    result = runner.invoke(app, arguments)
    assert result.exit_code == Exit.NO_SOURCES
    assert "no guide could be read: guides/" in result.output
    assert "the registry pins 0000" in result.output
    shutil.rmtree(project / "raw" / "guides")
    registry.write_text(guide)
    result = runner.invoke(app, arguments)
    assert result.exit_code == Exit.NO_SOURCES
    assert "no guide could be read: guides/*: 'guides/*' matches no file under" in result.output
    registry.write_text('[[source]]\nid = "vocab"\nkind = "vocab"\npath = "vocab/*.csv"\n')
    result = runner.invoke(app, arguments)
    assert result.exit_code == Exit.NO_SOURCES and "no guide is registered" in result.output


def test_run_success_prints_summary(prefect_api, project):
    result = runner.invoke(
        app,
        [
            "run",
            "--sources",
            str(project / "raw" / "sources.toml"),
            "--warehouse",
            str(project / "warehouse"),
        ],
    )
    assert result.exit_code == Exit.OK, result.output
    assert "core.findings" in result.output and "quarantined rows: 0" in result.output


def test_run_exit_codes_for_quarantined_rows_and_strict(prefect_api, project):
    shutil.copy(DATA / "guide_with_bad_rows.txt", project / "raw" / "guides" / "bad-rows.txt")
    arguments = ["run", "--sources", str(project / "raw" / "sources.toml"), "--warehouse", str(project / "warehouse")]  # fmt: skip
    published = runner.invoke(app, arguments)
    assert published.exit_code == Exit.ISSUES and "quarantined rows: 2" in published.output
    release = re.search(r"^success_with_issues: release (\S+);", published.output, re.M)[1]
    stage_lines = re.findall(r"^([a-z]+) +\d+\.\d\d s(?:  (.*))?$", published.output, re.M)
    assert [stage for stage, _ in stage_lines] == [
        "pull", "vocabularies", "bibliography", "estimates", "parse", "load", "check", "compare", "publish",
    ]  # fmt: skip
    assert stage_lines[0][1] == "25 files (25 read to hash), 0 source errors"
    assert stage_lines[-1][1] == f"release {release}"
    assert "Finished in state" not in published.output
    quiet = runner.invoke(app, [*arguments, "--quiet"])
    assert quiet.exit_code == Exit.ISSUES
    assert not re.search(r"^(pull|reuse|record) ", quiet.output, re.M)
    assert quiet.output.splitlines()[-1].startswith(f"success_with_issues: release {release};")
    strict = runner.invoke(app, [*arguments, "--strict"])
    assert strict.exit_code == Exit.STRICT_FAILED and "nothing was published" in strict.output
    con = duckdb.connect(str(project / "warehouse" / "evidence.duckdb"), read_only=True)
    recorded = con.sql("SELECT status, release_id FROM meta.runs ORDER BY started_at").fetchall()
    con.close()
    assert recorded == [
        ("success_with_issues", release),
        ("success_with_issues", release),
        ("failed_strict", None),
    ]
    history = runner.invoke(
        app, ["history", "--warehouse", str(project / "warehouse"), "--format", "json"]
    )
    runs = json.loads(history.output)
    assert history.exit_code == Exit.OK
    assert [(r["status"], r["quarantined"]) for r in runs] == [
        ("failed_strict", 2),
        ("success_with_issues", 2),
        ("success_with_issues", 2),
    ]
    assert runs[0]["release_id"] is None
    assert runs[1]["release_id"] == runs[2]["release_id"] == release


def test_verbose_shows_prefects_log_and_the_default_keeps_it_out(prefect_api, project):
    """In a fresh process, as Prefect reads its logging settings once, at import."""
    command = [str(Path(sys.executable).parent / "dermevidence"), "run", "--sources", str(project / "raw" / "sources.toml"), "--warehouse", str(project / "warehouse")]  # fmt: skip
    environment = {**os.environ, "PREFECT_API_URL": prefect_api}
    environment.pop("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", None)
    default = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)
    verbose = subprocess.run(
        [*command, "--verbose"], env=environment, capture_output=True, text=True, timeout=300
    )
    assert (default.returncode, verbose.returncode) == (0, 0)
    assert "Finished in state" not in default.stderr
    assert re.search(
        r"^pull +\d+\.\d\d s  24 files \(\d+ read to hash\), 0 source errors$", default.stderr, re.M
    )
    assert "Task run 'pull" in verbose.stderr and "Finished in state Completed()" in verbose.stderr
    assert re.search(r"Flow run '[^']+' - record \d+\.\d\d s$", verbose.stderr, re.M)
    assert not re.search(r"^pull +\d", verbose.stderr, re.M)


def test_a_run_sends_prefect_heartbeats_only_when_asked(prefect_api, project):
    """Flow-run heartbeats are off unless PREFECT_FLOWS_HEARTBEAT_FREQUENCY asks for them: the
    end of each run waited for their thread's next whole second (0.55 s of a seed rerun)."""
    from prefect.client.orchestration import get_client

    command = [str(Path(sys.executable).parent / "dermevidence"), "run", "--sources", str(project / "raw" / "sources.toml"), "--warehouse", str(project / "warehouse")]  # fmt: skip
    since = datetime.now(UTC).isoformat()
    run_ids = []
    for asked in ({}, {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "30"}):
        environment = {**os.environ, "PREFECT_API_URL": prefect_api, **asked}
        done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        newest = max((project / "warehouse" / "reports").glob("*.json"), key=os.path.getmtime)
        run_ids.append(json.loads(newest.read_text())["run_id"])

    def heartbeats(run_id: str) -> int:
        query = {
            "filter": {
                "occurred": {"since": since},
                "event": {"name": ["prefect.flow-run.heartbeat"]},
                "resource": {"id": [f"prefect.flow-run.{run_id}"]},
            }
        }
        with get_client(sync_client=True) as client:
            return client.request("POST", "/events/filter", json=query).json()["total"]

    waited = 0.0
    while heartbeats(run_ids[1]) == 0 and waited < 60:  # events are stored a moment later
        time.sleep(0.5)
        waited += 0.5
    assert heartbeats(run_ids[1]) == 1
    assert heartbeats(run_ids[0]) == 0


def test_a_guide_whose_other_tables_are_specifications_and_schedules_exits_0(prefect_api, project):
    (project / "raw" / "guides" / "with-other-tables.txt").write_text(
        "# Tacrolimus ointment: evidence and product data\n\n"
        "Table 1: Tacrolimus in atopic dermatitis\n\n"
        "| Endpoint | Arms | What the trials showed | Certainty |\n|---|---|---|---|\n"
        "| IGA success | Tacrolimus 0.1% vs. Pimecrolimus 1% | Tacrolimus 0.1% is more effective. | High |\n\n"
        "Table 2: Product specifications\n\n"
        "| Property | Specification |\n|---|---|\n| CAS number | 104987-11-3 |\n| Purity | 98% |\n\n"
        "Table 3: Application schedule\n\n"
        "Patient group          Strength    Acute phase\n"
        "Children 2-15 years    0.03%       Twice daily for up to 3 weeks\n"
        "Adults                 0.1%        Twice daily until lesions clear\n",
        encoding="utf-8",
    )
    warehouse = project / "warehouse"
    arguments = ["run", "--sources", str(project / "raw" / "sources.toml"), "--warehouse", str(warehouse), "-q"]  # fmt: skip
    published = runner.invoke(app, arguments)
    assert published.exit_code == Exit.OK, published.output
    con = duckdb.connect(str(warehouse / "evidence.duckdb"), read_only=True)
    try:
        kinds = con.sql(
            "SELECT table_no, table_kind FROM core.tables "
            "WHERE file = 'guides/with-other-tables.txt' ORDER BY table_no"
        ).fetchall()
        [(findings,)] = con.sql(
            "SELECT count(*) FROM core.findings WHERE file = 'guides/with-other-tables.txt'"
        ).fetchall()
    finally:
        con.close()
    assert kinds == [(1, "comparative"), (2, "other"), (3, "other")] and findings == 1


def test_an_unknown_term_keeps_its_finding_is_suggested_and_refused_by_strict(prefect_api, project):
    (project / "raw" / "guides" / "unknown-terms.txt").write_text(
        "# A guide with terms nobody listed\n\nTable 1: Emollients in Atopic Dermatitis\n\n"
        "Outcome\tComparison\tResult\tGrade\n"
        "Quality of life (DLQI)\tTacrolimus 0.1% vs. Pimecrolimus 1%\tTacrolimus 0.1% is more effective.\tLow\n"
        "Any adverse reactions\tTacrolimis 0.1% vs. Pimecrolimus 1%\tNo significant difference.\tLow\n",
        encoding="utf-8",
    )
    warehouse = project / "warehouse"
    arguments = ["run", "--sources", str(project / "raw" / "sources.toml"), "--warehouse", str(warehouse), "-q"]  # fmt: skip
    published = runner.invoke(app, arguments)
    assert published.exit_code == Exit.ISSUES, published.output
    assert "check warn: terms_matched (3): " in published.output
    assert (
        'outcomes "Quality of life (DLQI)" (1x in 1 file(s): guides/unknown-terms.txt:6; closest '
        in published.output
    )
    con = duckdb.connect(str(warehouse / "evidence.duckdb"), read_only=True)
    kept = con.sql(
        "SELECT f.outcome, f.outcome_text, f.intervention, f.intervention_text, e.verdict "
        "FROM core.findings f JOIN core.evidence_checks e USING (finding_id) "
        "WHERE f.file = 'guides/unknown-terms.txt' ORDER BY f.row_no"
    ).fetchall()
    con.close()
    assert kept == [
        (None, "Quality of life (DLQI)", "tacrolimus", "Tacrolimus 0.1%", "no_estimates"),
        (None, "Any adverse reactions", None, "Tacrolimis 0.1%", "no_estimates"),
    ]
    suggested = runner.invoke(
        app,
        [
            "vocab",
            "suggest",
            "--warehouse",
            str(warehouse),
            "--vocab",
            str(project / "raw" / "vocab"),
        ],
    )
    assert suggested.exit_code == Exit.OK
    lines = suggested.output.splitlines()
    assert lines[0] == "# raw/vocab/compounds.csv: 1 unmatched term(s)"
    assert (
        lines[1]
        == '# "Tacrolimis" (1x; closest tacrolimus at 90): a synonym of tacrolimus; replace its line with'
    )
    assert lines[2].startswith("tacrolimus,Tacrolimus,compound,") and "|Tacrolimis," in lines[2]
    assert (
        '# "Any adverse reactions" (1x; closest any_adverse_event at 75.7): a synonym of any_adverse_event; replace its line with'
        in lines
    )
    assert any(line.startswith("quality_of_life_dlqi,Quality of life (DLQI),") for line in lines)
    strict = runner.invoke(app, [*arguments, "--strict"])
    assert (
        strict.exit_code == Exit.STRICT_FAILED
        and "terms matched no vocabulary entry" in strict.output
    )


def test_query_writes_nested_and_odd_values_as_text_in_csv(seed_run):
    _, warehouse = seed_run
    result = runner.invoke(
        app,
        [
            "query",
            "select ['a', 'b'] as xs, {'k': 1} as s, null::int[] as n, true as b, "
            "interval 1 day as d, 'x,y' as t",
            "--warehouse", str(warehouse), "--format", "csv",
        ],
    )  # fmt: skip
    assert result.exit_code == Exit.OK, result.output
    assert result.output.splitlines() == [
        "xs,s,n,b,d,t",
        '"[""a"", ""b""]","{""k"": 1}",,true,"1 day, 0:00:00","x,y"',
    ]


def test_output_is_printed_as_it_is_and_unwrapped_when_not_a_terminal(seed_run):
    """A file name with emoji codes, markup in a cell and a 300-character value come out as they
    are, each on one line (the runner's output is not a terminal)."""
    _, warehouse = seed_run
    name, markup, long = "trial:x:results:warning:.txt", "[bold]x[/bold]", "a" * 300
    sql = f"SELECT '{name}' AS file, '{markup}' AS cell, '{long}' AS long"
    result = runner.invoke(app, ["query", sql, "--warehouse", str(warehouse)])
    assert result.exit_code == Exit.OK
    [row] = [line for line in result.output.splitlines() if name in line]
    assert markup in row and long in row


def test_a_source_error_of_a_whole_file_prints_no_empty_line_field():
    from pipelines.store.report import RunSummary, issue_lines

    summary = RunSummary(run_id="r", started_at=datetime.now(UTC), strict=False)
    summary.source_error_sample = [
        {"source_id": "g/a.txt", "file": "guides/a.txt", "line_no": None, "error": "missing", "message": "gone"},
        {"source_id": "g/b.txt", "file": "guides/b.txt", "line_no": 7, "error": "encoding", "message": "not UTF-8"},
    ]  # fmt: skip
    assert issue_lines(summary) == [
        "source error guides/a.txt: [missing] gone",
        "source error guides/b.txt:7: [encoding] not UTF-8",
    ]


def test_query_streams_a_large_result_in_flat_memory(seed_run):
    """Two million rows as CSV cost the process no more memory than a thousand: they are
    fetched and written in chunks, never held whole (held whole, they took hundreds of MB)."""
    _, warehouse = seed_run
    probe = (
        "import atexit, resource, sys; "
        "atexit.register(lambda: print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
        "file=sys.stderr)); from pipelines.cli import app; app()"
    )

    def peak_kb(rows: int) -> tuple[int, int]:
        sql = f"SELECT range AS n, 'row ' || range AS t FROM range({rows})"
        done = subprocess.run(
            [sys.executable, "-c", probe, "query", sql, "--warehouse", str(warehouse),
             "--format", "csv"],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout.count("\n"), int(done.stderr.split()[-1])

    small_lines, small = peak_kb(1_000)
    large_lines, large = peak_kb(2_000_000)
    assert (small_lines, large_lines) == (1_001, 2_000_001)
    assert large - small < 64 * 1024, (small, large)


def test_every_usage_error_exits_2_with_one_line():
    """Through the entry point, as a person types them: an option value out of range, an unknown
    option, no SQL, SQL twice, two statements, --workers beside --dask-address."""
    cases = [
        (["server", "start", "--port", "99999"], "Invalid value for '--port'"),
        (["history", "--bogus"], "No such option: --bogus"),
        (["query"], "give the SQL as the argument or with --file"),
        (["query", "select 1", "--file", "x.sql"], "give the SQL as the argument or with --file"),
        (["query", "select 1; select 2", "--warehouse", str(ROOT / "warehouse")], "2 statements given"),
        (["run", "--workers", "2", "--dask-address", "tcp://127.0.0.1:9"], "--workers and --dask-address exclude each other"),
        (["report", "--figures", "svg"], "--figures 'svg': use one of png, pdf"),
        (["report", "--out", "figures"], "--out names the folder for --figures"),
    ]  # fmt: skip
    for arguments, said in cases:
        done = subprocess.run(
            [str(Path(sys.executable).parent / "dermevidence"), *arguments],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
        )  # fmt: skip
        lines = done.stderr.strip().splitlines()
        assert (done.returncode, len(lines)) == (2, 1), (arguments, done.stderr)
        assert lines[0].startswith("error: ") and said in lines[0], arguments


def test_flags_are_shown_as_flags_and_the_tables_are_listed(seed_run):
    _, warehouse = seed_run
    shown = runner.invoke(app, ["report", "--help"]).output
    [line] = [line for line in shown.splitlines() if "--open" in line]
    assert "<bool>" not in line
    result = runner.invoke(app, ["tables", "--warehouse", str(warehouse), "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["table", "rows", "description"]
    listed = {row[0]: row[1] for row in rows[1:]}
    assert listed["core.findings"] == "10" and listed["core.finding_verdicts"] == ""
    assert "quality.rows_without_estimate" in listed


def test_report_draws_the_forest_plots_as_png_or_pdf_for_a_manuscript(seed_run, tmp_path):
    _, warehouse = seed_run
    svgs = sorted(p.stem for p in (warehouse / "exports" / "report" / "figures").glob("*.svg"))
    assert (
        "tacrolimus-0.1pct-vs-pimecrolimus-1pct--investigators-global-assessment-iga-success-adults--rr"
        in svgs
    )
    for fmt, magic in (("png", b"\x89PNG"), ("pdf", b"%PDF")):
        result = runner.invoke(
            app, ["report", "--warehouse", str(warehouse), "--figures", fmt, "--out", str(tmp_path / fmt)]
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        drawn = sorted((tmp_path / fmt).glob(f"*.{fmt}"))
        assert [p.stem for p in drawn] == svgs
        assert all(p.read_bytes().startswith(magic) for p in drawn)
        assert f"{len(svgs)} {fmt.upper()} figure(s) in {tmp_path / fmt}" in result.output


def test_validate_walks_folders_and_checks_a_registry(tmp_path):
    registry = tmp_path / "sources.toml"
    registry.write_text('[[source]]\nid = "x"\nkind = "guide"\npaht = "g/*"\n', encoding="utf-8")
    result = runner.invoke(
        app, ["validate", str(ROOT / "raw" / "vocab"), str(registry), str(tmp_path / "gone")]
    )
    assert result.exit_code == Exit.ISSUES
    assert result.output.splitlines() == [
        f"{tmp_path / 'gone'}: no such file or folder",
        f"{registry}:1: [[source]] #1 (x): unknown key 'paht'; did you mean 'path'? (keys: id, "
        "kind, path, url, sha256, max_bytes, allow_outside)",
        f"{len(list((ROOT / 'raw' / 'vocab').glob('*.csv'))) + 1} file(s) checked, 2 problem(s).",
    ]


def test_bench_help_lists_the_benchmarks_own_options():
    for asked in ("--help", "-h"):
        done = subprocess.run(
            [str(Path(sys.executable).parent / "dermevidence"), "bench", asked],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0
        assert done.stdout.startswith("usage: dermevidence bench [-h] [--sizes SIZES [SIZES ...]]")
        assert "--batch-size" in done.stdout
