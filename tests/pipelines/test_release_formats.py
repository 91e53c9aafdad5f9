"""What a release offers people without our code: CSV renditions a validator accepts, Parquet files
that describe themselves, and a warehouse file the DuckDB 1.x they have can open."""

import csv
import json
import subprocess
import venv

import polars as pl
import pyarrow.parquet as pq
from frictionless import validate

from pipelines.store.load import STORAGE_VERSION
from schemas import BY_NAME, SCHEMA_VERSION


def test_the_csv_renditions_are_a_valid_data_package(seed_run):
    _, warehouse = seed_run
    package = warehouse / "exports" / "csv" / "datapackage.json"
    report = validate(str(package))
    assert report.valid, report.flatten(["type", "message"])[:5]
    resources = json.loads(package.read_text())["resources"]
    assert len(resources) == len(
        json.loads((warehouse / "exports" / "datapackage.json").read_text())["resources"]
    )
    [evidence_checks] = (warehouse / "exports" / "csv" / "core" / "evidence_checks").glob("*.csv")
    with evidence_checks.open() as handle:
        header, first, *_ = csv.reader(handle)
    assert header[3:5] == ["estimate_ids", "excluded_estimate_ids"]
    estimate_ids = json.loads(first[3])
    assert estimate_ids and all(item.startswith("est_") for item in estimate_ids)
    findings = pl.read_csv(warehouse / "exports" / "csv" / "core" / "findings" / "*.csv")
    assert findings.height == 10 and findings["direction_reason"].null_count() == 10


def test_every_parquet_file_says_what_it_is(seed_run):
    _, warehouse = seed_run
    manifest = json.loads((warehouse / "exports" / "manifest.json").read_text())
    for entry in manifest["files"]:
        path = warehouse / "exports" / entry["path"]
        metadata = {k.decode(): v.decode() for k, v in pq.read_schema(path).metadata.items()}
        dataset = BY_NAME[entry["dataset"]]
        assert metadata["dermevidence.dataset"] == dataset.name
        assert metadata["dermevidence.schema_version"] == SCHEMA_VERSION
        assert metadata["dermevidence.description"] == dataset.description
        columns = json.loads(metadata["dermevidence.columns"])
        assert list(columns) == list(dataset.columns())
        assert pl.read_parquet_metadata(path)["dermevidence.dataset"] == dataset.name
    findings = json.loads(
        pq.read_schema(next((warehouse / "exports" / "core" / "findings").iterdir())).metadata[
            b"dermevidence.columns"
        ]
    )
    assert findings["outcome_text"] == "Outcome as printed (carried down for merged cells)."


def test_a_duckdb_1_client_opens_the_warehouse(seed_run, tmp_path):
    """DuckDB 1.0.0, the oldest 1.x, in a throwaway environment: the warehouse is written in
    storage version v1.0.0, so every DuckDB from 1.0 on reads it (a 2.x default file it cannot)."""
    _, warehouse = seed_run
    assert STORAGE_VERSION == "v1.0.0"
    environment = tmp_path / "duckdb1"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "duckdb==1.0.0"],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    script = (
        "import duckdb, json, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
        "print(json.dumps([duckdb.__version__, "
        "con.sql('select count(*) from core.findings').fetchall()[0][0], "
        "con.sql('select count(*) from core.finding_verdicts').fetchall()[0][0], "
        "con.sql(\"select comment from duckdb_tables() where table_name = 'findings'\").fetchall()[0][0]]))"
    )
    done = subprocess.run(
        [python, "-c", script, str(warehouse / "evidence.duckdb")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == ["1.0.0", 10, 10, BY_NAME["core.findings"].description]
