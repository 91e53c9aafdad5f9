"""Guides nobody here wrote (tests/data/devset, copied from shared/devset with its answer key and
scorer): the real flow builds a warehouse from them and the seed, and score.py scores it."""

import re
import shutil
import subprocess
import sys

import duckdb

from pipelines.flows import build_warehouse
from tests.conftest import DATA

DEVSET = DATA / "devset"
KEYS = sorted((DEVSET / "key").glob("findings-*.jsonl"))


def score(warehouse, *keys) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, str(DEVSET / "score.py"), str(warehouse), *map(str, keys),
         "--references", str(DEVSET / "key" / "references.jsonl"), "--min-accuracy", "98"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    line = output.stdout.strip().splitlines()[-1]
    numbers = dict(re.findall(r"(field accuracy|recall|precision) ([\d.]+) %", line))
    references = re.search(r"references (\d+)/(\d+)", line)
    assert output.returncode == 0, output.stdout
    return {
        **{name: float(value) for name, value in numbers.items()},
        "references": references.group(1) == references.group(2),
    }


def test_the_devset_is_read_as_its_key_says(prefect_api, project):
    for guide in (DEVSET / "guides").iterdir():
        shutil.copy(guide, project / "raw" / "guides" / guide.name)
    summary = build_warehouse(
        sources=str(project / "raw" / "sources.toml"), warehouse=str(project / "warehouse")
    )
    assert (summary.status, summary.quarantined, summary.source_errors) == ("success", 0, 0)
    warehouse = project / "warehouse"
    assert score(warehouse, *KEYS) == {
        "field accuracy": 100.0,
        "recall": 100.0,
        "precision": 100.0,
        "references": True,
    }
    con = duckdb.connect(str(warehouse / "evidence.duckdb"), read_only=True)
    try:
        methods = dict(
            con.sql("select method, count(*) from quality.term_matches group by method").fetchall()
        )
        unclassified = con.sql(
            "select count(*) from core.findings where direction = 'unclassified'"
        ).fetchall()
    finally:
        con.close()
    assert "unmatched" not in methods and unclassified == [(0,)]
