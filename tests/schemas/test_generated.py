"""Generated artefacts stay in step with schemas/, and every documented query returns what it says."""

import json
from pathlib import Path

import duckdb
import pytest

import schemas
from schemas.render import data_dictionary, ddl
from tests.conftest import ROOT

QUERIES = sorted((ROOT / "docs" / "queries").glob("*.sql"))


def test_data_dictionary_is_generated_from_the_schemas():
    committed = (ROOT / "docs" / "data-dictionary.md").read_text()
    assert committed == data_dictionary(), (
        "run `dermevidence docs` and commit docs/data-dictionary.md"
    )


def test_ddl_comments_every_column():
    for dataset in schemas.DATASETS:
        statements = ddl(dataset)
        assert len(statements) == 2 + len(dataset.columns())
        assert all("IS ''" not in s for s in statements), dataset.name


def test_vocabulary_columns_name_a_vocabulary_that_exists():
    for dataset in schemas.DATASETS:
        for name, column in dataset.columns().items():
            vocabulary = (column.metadata or {}).get("vocabulary")
            if vocabulary:
                assert f"ref.{vocabulary}" in schemas.BY_NAME, f"{dataset.name}.{name}"


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_documented_query_returns_what_its_comment_says(seed_run, path: Path):
    _, warehouse = seed_run
    text = path.read_text()
    expected = json.loads(
        next(line for line in text.splitlines() if line.startswith("-- expect:")).removeprefix(
            "-- expect:"
        )
    )
    con = duckdb.connect(str(warehouse / "evidence.duckdb"), read_only=True)
    try:
        rows = [list(row) for row in con.sql(text).fetchall()]
    finally:
        con.close()
    assert rows == expected


def test_there_are_documented_queries():
    assert len(QUERIES) >= 3
