"""Crash safety in CI: a SIGKILL of a real `dermevidence run` at every stage boundary and one at
random, and random kills of runs mending a damaged release part or another warehouse's file
(tests/faults.py runs 72 by default)."""

import random

import duckdb
import pytest

from pipelines.store.layout import visible_folders
from pipelines.store.publish import reconcile_exports, switch_exports, verify_release
from tests.faults import BOUNDARIES, Harness, inject


def test_kills_at_every_stage_boundary_and_at_random_leave_nothing_partial(prefect_api, tmp_path):
    outcome = inject(
        len(BOUNDARIES) + 1, seed=11, workdir=tmp_path, api_url=prefect_api, log=lambda _: None
    )
    assert outcome.violations == []
    # Every boundary hit exactly once, by the run itself at that moment; then one random kill.
    assert {b: outcome.kills[b] for b in BOUNDARIES} == dict.fromkeys(BOUNDARIES, 1)
    randoms = {**outcome.kills, **outcome.finished_before_kill}.keys() - set(BOUNDARIES)
    assert len(randoms) == 1 and next(iter(randoms)).startswith("random ")


@pytest.mark.parametrize("scenario", ["part", "foreign"])
def test_a_kill_of_a_run_mending_a_damaged_part_or_a_foreign_file_leaves_it_mended(
    prefect_api, tmp_path, scenario
):
    outcome = inject(
        1, seed=3, workdir=tmp_path, api_url=prefect_api, log=lambda _: None,
        scenarios=(scenario,), boundaries=(),
    )  # fmt: skip
    assert outcome.violations == []
    assert (outcome.kills + outcome.finished_before_kill) == {f"random {scenario}": 1}


def test_exports_left_behind_by_a_kill_are_brought_level_with_the_warehouse(prefect_api, tmp_path):
    harness = Harness(tmp_path, prefect_api)
    assert harness.run_to_end() == 0
    first = harness.layout.exports.resolve()
    harness.touch_input()
    assert harness.run_to_end() == 0
    second = harness.layout.exports.resolve()
    switch_exports(harness.layout.exports, first)  # as a kill between the two renames leaves it
    assert (
        reconcile_exports(harness.layout.database, harness.layout.releases, harness.layout.exports)
        == second
    )
    assert harness.layout.exports.resolve() == second and verify_release(second) == []
    con = duckdb.connect(str(harness.layout.database), read_only=True)
    try:
        assert con.sql("SELECT max(release_id) FROM meta.runs").fetchall()[0][0] == second.name
    finally:
        con.close()


def test_a_kill_once_the_mending_release_is_live_leaves_the_damaged_one_to_the_next_run(
    prefect_api, tmp_path
):
    """Killed after `exports` went over to the release that replaces a damaged one, before the
    damaged one was removed (the fault injector found it): the next run removes it, though the
    live release it sees is whole."""
    harness = Harness(tmp_path, prefect_api)
    assert harness.run_to_end() == 0
    damaged = harness.layout.exports.resolve()
    harness.damage_part(random.Random(3))
    assert harness.kill_at("switched") == []
    assert harness.layout.exports.resolve() != damaged and verify_release(damaged) != []
    assert harness.run_to_end() == 0
    assert not damaged.exists()
    assert [p for r in visible_folders(harness.layout.releases) for p in verify_release(r)] == []
