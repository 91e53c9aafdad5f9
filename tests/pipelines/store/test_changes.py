"""The run's one line of what changed: a verdict flip is told apart from a verdict that only
counts other estimates or has another certainty."""

import duckdb

from pipelines.store.changes import TABLE, headline


def line(*rows: tuple) -> str:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA meta")
    con.execute(
        f"CREATE TABLE {TABLE} (dataset VARCHAR, key VARCHAR, change VARCHAR, field VARCHAR, "
        "old VARCHAR, new VARCHAR)"
    )
    for row in rows:
        con.execute(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?)", row)
    return headline(con)


def test_flips_are_counted_apart_from_other_changes_of_a_verdict():
    checks = "core.evidence_checks"
    assert line(
        (checks, "fnd_1", "changed", "verdict", "supported", "mixed"),
        (checks, "fnd_1", "changed", "certainty", "high", "low"),
        (checks, "fnd_2", "changed", "estimate_ids", '["est_a"]', '["est_a","est_b"]'),
        (checks, "fnd_3", "changed", "certainty", "moderate", "low"),
        ("core.effect_estimates", "est_b", "added", None, None, None),
    ) == (
        "effect_estimates: 1 added; "
        "verdicts: 1 flipped (supported → mixed), 2 changed with the same verdict"
    )
    assert line((checks, "fnd_2", "changed", "estimate_ids", "[]", '["est_b"]')) == (
        "verdicts: 1 changed with the same verdict"
    )
    assert line() == "nothing changed since the previous release"
