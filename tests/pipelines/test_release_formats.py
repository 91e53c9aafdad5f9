"""What a release offers people without our code: CSV renditions a validator accepts, Parquet files
that describe themselves, and a warehouse file the DuckDB 1.x they have can open."""

import csv
import io
import json
import shutil
import subprocess
import venv

import polars as pl
import pyarrow.parquet as pq
from frictionless import validate

from pipelines.store.load import STORAGE_VERSION
from schemas import BY_NAME, SCHEMA_VERSION
from tests.conftest import warehouse_rows


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
    findings = pl.read_csv(
        warehouse / "exports" / "csv" / "core" / "findings" / "*.csv", null_values="NA"
    )
    assert findings.height == 10 and findings["direction_reason"].null_count() == 10


def test_both_data_packages_validate_on_the_devset(devset_run):
    """The Parquet package failed every resource (bytes Frictionless cannot measure, lists and
    null integers as its pandas reader hands them over), the CSV one the tables whose title is
    an empty text (read as missing in a required column)."""
    _, warehouse = devset_run
    for package in ("datapackage.json", "csv/datapackage.json"):
        report = validate(str(warehouse / "exports" / package))
        assert report.valid, (package, report.flatten(["type", "message"])[:5])
    assert len(report.tasks) == 37


def test_r_reads_booleans_as_logical_and_nulls_as_na(devset_run, tmp_path):
    """read.csv as a person calls it, no arguments: TRUE/FALSE columns are logical, NA is
    missing in every column type, an empty text stays an empty text. Without R (`make test`
    installs it from the system's packages), the rules R states are checked on the text."""
    _, warehouse = devset_run
    csv_dir = warehouse / "exports" / "csv" / "core"
    [estimates] = (csv_dir / "effect_estimates").glob("*.csv")
    [tables] = (csv_dir / "tables").glob("*.csv")
    truth = warehouse_rows(
        warehouse,
        "SELECT (SELECT count(*) FILTER (reciprocal) FROM core.effect_estimates), "
        "(SELECT count(*) FILTER (ci_low IS NULL) FROM core.effect_estimates), "
        "(SELECT count(*) FILTER (title = '') FROM core.tables), "
        "(SELECT count(*) FILTER (model IS NULL) FROM core.effect_estimates)",
    )[0]
    assert truth[0] > 0 and truth[2] == 7 and truth[3] > 0  # each case is there to be read
    rscript = shutil.which("Rscript")
    if rscript is None:
        text = estimates.read_text(encoding="utf-8")
        header, *rows = list(csv.reader(io.StringIO(text)))
        reciprocal = [row[header.index("reciprocal")] for row in rows]
        assert set(reciprocal) == {"TRUE", "FALSE"} and reciprocal.count("TRUE") == truth[0]
        assert sum(row[header.index("ci_low")] == "NA" for row in rows) == truth[1]
        return
    script = (
        "e <- read.csv(commandArgs(TRUE)[1]); t <- read.csv(commandArgs(TRUE)[2]); "
        "cat(class(e$reciprocal), sum(e$reciprocal), sum(is.na(e$ci_low)), "
        "class(e$model), sum(is.na(e$model)), sum(t$title == ''), sum(is.na(t$title)))"
    )
    done = subprocess.run(
        [rscript, "-e", script, str(estimates), str(tables)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "logical",
        str(truth[0]),
        str(truth[1]),
        "character",
        str(truth[3]),
        "7",
        "0",
    ]


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
