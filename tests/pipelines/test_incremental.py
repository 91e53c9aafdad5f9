"""A run whose reference data is unchanged updates a copy of the live warehouse with the batches
that changed, and its release hard-links every part the previous release has: the warehouse, the
release and the list of changes come out as a build from nothing would make them."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from benchmarks.corpus import generate
from pipelines.flows import build_warehouse
from pipelines.store.publish import verify_release
from pipelines.store.report import RunSummary

VARYING = ("run_id", "release_id", "created_at", "input_key")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return generate(tmp_path / "corpus", 40)


def _run(registry: Path, warehouse: Path) -> RunSummary:
    return build_warehouse(sources=str(registry), warehouse=str(warehouse), batch_size=10)


def _files(release: Path, leave_out: str = "") -> dict[str, str]:
    manifest = json.loads((release / "manifest.json").read_text())
    return {
        e["path"]: e["sha256"]
        for e in [*manifest["files"], *manifest["csv_files"]]
        if not leave_out or e["dataset"] != leave_out
    }


def _counts(warehouse: Path) -> dict[str, int]:
    con = duckdb.connect(str(warehouse / "evidence.duckdb"), read_only=True)
    try:
        tables = con.sql(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables()"
            " WHERE schema_name <> 'meta' ORDER BY 1"
        ).fetchall()
        return {t: con.sql(f"SELECT count(*) FROM {t}").fetchall()[0][0] for (t,) in tables}
    finally:
        con.close()


def test_a_touched_guide_replaces_one_batch_and_links_every_other_part(
    prefect_api, corpus, tmp_path
):
    guides = sorted((corpus.parent / "guides").glob("guide-*"))
    warehouse = tmp_path / "warehouse"
    first = _run(corpus, warehouse)
    assert first.stage_details["load"].endswith("built anew")
    before = (warehouse / "exports").resolve()

    guides[25].write_text(guides[25].read_text() + "\n")  # third batch of four
    # A live part damaged at the same size: written again, not linked with a wrong checksum.
    damaged = next(p for p in _files(before) if p.endswith(".parquet") and "part-00001-" in p)
    (before / damaged).chmod(0o644)
    data = bytearray((before / damaged).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (before / damaged).write_bytes(bytes(data))
    inodes = {path: os.stat(before / path).st_ino for path in _files(before)}
    second = _run(corpus, warehouse)
    assert second.stage_details["load"].endswith("updated the live warehouse: 1 shards out, 1 in")
    assert second.changes == "nothing changed since the previous release"
    after = (warehouse / "exports").resolve()
    assert verify_release(after) == []

    fresh = _run(corpus, tmp_path / "fresh")
    assert _files(after) == _files((tmp_path / "fresh" / "exports").resolve())
    assert _counts(warehouse) == _counts(tmp_path / "fresh")

    # The release that held the damaged part is gone; its files live on where they were linked.
    assert not before.exists()
    linked, written = [], []
    for path in _files(after):
        (linked if os.stat(after / path).st_ino == inodes.get(path) else written).append(path)
    assert len(linked) == len(_files(after)) - len(written)
    twins = [p for p in written if Path(p).stem == Path(damaged).stem]  # its CSV is rewritten too
    assert sorted(twins) == sorted([damaged, f"csv/{damaged.removesuffix('.parquet')}.csv"])
    written = [p for p in written if p not in twins]
    assert written and all("part-00006-" in p or "part-run" in p for p in written)
    assert sum("part-00006-" in p for p in written) == sum("part-00006-" in p for p in inodes)
    assert fresh.stage_details["load"].endswith("built anew")
    # The replaced batch's shard is gone from the cache: it holds what the warehouse is built of.
    assert second.stage_details["publish"].endswith("; 1 shards no longer used removed")
    con = duckdb.connect(str(warehouse / "evidence.duckdb"), read_only=True)
    recorded = {name for (name,) in con.sql("SELECT shard FROM meta.shards").fetchall()}
    con.close()
    assert {p.name for p in (warehouse / "cache" / "shards").iterdir()} == recorded


def test_a_removed_guide_is_all_that_the_changes_list(prefect_api, corpus, tmp_path):
    """Removing a guide of the first batch moves every later guide into another batch: every batch
    shard is replaced, and still only that guide's rows are listed as removed."""
    guides = sorted((corpus.parent / "guides").glob("guide-*"))
    warehouse = tmp_path / "warehouse"
    _run(corpus, warehouse)
    before = (warehouse / "exports").resolve()
    findings = pl.read_parquet(before / "core" / "findings" / "*.parquet")
    source = findings["source_id"].sort()[0]
    gone = set(findings.filter(pl.col("source_id") == source)["finding_id"])
    assert gone
    guide = next(g for g in guides if g.name in source)
    guide.unlink()

    second = _run(corpus, warehouse)
    assert second.stage_details["load"].endswith("updated the live warehouse: 4 shards out, 4 in")
    changes = pl.read_parquet(warehouse / "exports" / "meta" / "release_changes" / "*.parquet")
    listed = changes.filter(pl.col("dataset") == "core.findings")
    assert set(listed["change"]) == {"removed"} and set(listed["key"]) == gone
    assert set(changes["change"]) == {"removed"}

    _run(corpus, tmp_path / "fresh")
    after, fresh = (warehouse / "exports").resolve(), (tmp_path / "fresh" / "exports").resolve()
    assert _files(after, "meta.release_changes") == _files(fresh, "meta.release_changes")
    assert _counts(warehouse) == _counts(tmp_path / "fresh")


def test_without_the_shards_it_replaces_a_run_builds_anew(prefect_api, corpus, tmp_path):
    guides = sorted((corpus.parent / "guides").glob("guide-*"))
    warehouse = tmp_path / "warehouse"
    _run(corpus, warehouse)
    con = duckdb.connect(str(warehouse / "evidence.duckdb"), read_only=True)
    [(third,)] = con.sql("SELECT shard FROM meta.shards WHERE position = 6").fetchall()
    con.close()
    shutil.rmtree(warehouse / "cache" / "shards" / third)
    guides[25].write_text(guides[25].read_text() + "\n")
    again = _run(corpus, warehouse)
    assert again.stage_details["load"].endswith("built anew")
    assert verify_release((warehouse / "exports").resolve()) == []
