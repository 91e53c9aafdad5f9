"""What changed since the previous release: one edited estimate, exactly its changes and the
verdicts it flipped, in DuckDB, in the release and through `dermevidence changes`."""

import duckdb
import polars as pl
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.flows import build_warehouse

ESTIMATE = "est_8882fcf658bae1e0"  # effect_estimates.csv:19, RR 0.56 [0.41, 0.77], tacrolimus 0.1%
EDITED = ',"RR (M-H, random)",0.96,0.81,1.13,'
# An estimate no finding of the seed bears on, and the id its content gives it.
NEW_ROW = (
    "ruxolitinib 1.5% cream,vehicle,vitiligo,adolescents and adults,,F-VASI75,week 24,RR,3.1,"
    '1.9,5.0,2,674,ruxolitinib,"Rosmarin D 2022, N Engl J Med 387:1445-55 (TRuE-V1 and TRuE-V2)",,,'
)
NEW_ID = "est_a5719656df784fa9"


def run(project):
    return build_warehouse(
        sources=str(project / "raw" / "sources.toml"), warehouse=str(project / "warehouse")
    )


def changes(project) -> list[tuple]:
    con = duckdb.connect(str(project / "warehouse" / "evidence.duckdb"), read_only=True)
    try:
        return con.sql(
            "SELECT dataset, key, change, field, old, new FROM meta.release_changes "
            "ORDER BY dataset, key, field"
        ).fetchall()
    finally:
        con.close()


def test_an_edited_estimate_lists_exactly_its_change_and_the_verdicts_it_flipped(
    prefect_api, project
):
    first = run(project)
    assert (first.changes, changes(project)) == ("first release", [])
    runner = CliRunner()
    on_first = runner.invoke(app, ["changes", "--warehouse", str(project / "warehouse")])
    assert (on_first.exit_code, on_first.output) == (0, "first release\n")
    estimates = project / "raw" / "estimates" / "effect_estimates.csv"
    lines = estimates.read_text(encoding="utf-8").split("\n")
    assert ',"RR (M-H, random)",0.56,0.41,0.77,' in lines[18]
    lines[18] = lines[18].replace(',"RR (M-H, random)",0.56,0.41,0.77,', EDITED)
    estimates.write_text("\n".join(lines), encoding="utf-8")
    second = run(project)
    # Lines 19/20 pool an adult trial: they bear on the adults' row (1.1.1), not the children's;
    # line 19 (3 weeks) counts for the two, so the edit leaves the row with no difference.
    assert second.changes == (
        "effect_estimates: 1 changed; verdicts: 1 flipped (supported → not_supported)"
    )
    assert changes(project) == [
        ("core.effect_estimates", ESTIMATE, "changed", "benefit_estimate", "0.56", "0.96"),
        ("core.effect_estimates", ESTIMATE, "changed", "ci_high", "0.77", "1.13"),
        ("core.effect_estimates", ESTIMATE, "changed", "ci_low", "0.41", "0.81"),
        ("core.effect_estimates", ESTIMATE, "changed", "direction", "favours_comparator", "no_difference"),
        ("core.effect_estimates", ESTIMATE, "changed", "estimate", "0.56", "0.96"),
        ("core.evidence_checks", "fnd_3a40d332007626ee", "changed", "certainty", "high", "moderate"),
        ("core.evidence_checks", "fnd_3a40d332007626ee", "changed", "verdict", "supported", "not_supported"),
    ]  # fmt: skip
    published = pl.read_parquet(
        project / "warehouse" / "exports" / "meta" / "release_changes" / "*.parquet"
    )
    assert published.height == 7
    assert set(published["previous_release_id"]) == {first.release_id}
    listed = runner.invoke(
        app, ["changes", "--warehouse", str(project / "warehouse"), "--format", "csv"]
    )
    assert listed.exit_code == 0
    # Verdict and certainty flips first, each change in words.
    finding = (
        "benchchem-ascomycin-clinical-validation-b7888174.txt 1.1.1: Tacrolimus 0.1% vs "
        "Pimecrolimus 1%, Investigator's Global Assessment (IGA) success"
    )
    assert listed.output.splitlines()[1:3] == [
        f'core.evidence_checks,fnd_3a40d332007626ee,changed,certainty,high,moderate,{first.release_id},"{finding}: certainty high → moderate"',
        f'core.evidence_checks,fnd_3a40d332007626ee,changed,verdict,supported,not_supported,{first.release_id},"{finding}: verdict supported → not_supported"',
    ]
    assert published.sort("field")["description"][0] == (
        "effect_estimates.csv:19 Pimecrolimus 1% vs Tacrolimus 0.1%, Investigator's Global "
        "Assessment (IGA) success: benefit_estimate 0.56 → 0.96"
    )
    report = (project / "warehouse" / "reports" / f"{second.run_id}.md").read_text()
    assert f"Since the previous release: {second.changes}." in report
    page = (project / "warehouse" / "exports" / "report" / "index.html").read_text()
    earlier = page.split("<table id='earlier-runs'>", 1)[1].split("</table>", 1)[0]
    assert first.release_id in earlier and earlier.count("<tr>") == 2  # the header and run 1
    changed = page.split("<h2>What changed</h2>", 1)[1].split("</table>", 1)[0]
    assert changed.index("verdict supported → not_supported") < changed.index(
        "effect_estimates.csv:19"
    )
    shown = runner.invoke(app, ["report", "--warehouse", str(project / "warehouse")])
    assert shown.output.strip() == str(
        (project / "warehouse" / "exports" / "report" / "index.html").absolute()
    )


def test_an_estimate_is_what_it_says_not_where_it_sits(prefect_api, project):
    """Inserting, moving and deleting rows changes exactly those rows; a row printed twice is
    counted once, the second quarantined as a duplicate."""
    estimates = project / "raw" / "estimates" / "effect_estimates.csv"
    header, *rows = estimates.read_text(encoding="utf-8").split("\n")
    run(project)
    # a new estimate on top, and the last row moved to the middle: every other row's line moves
    moved = [NEW_ROW, *rows[:30], rows[-2], *rows[30:-2], rows[-1]]
    estimates.write_text("\n".join([header, *moved]), encoding="utf-8")
    assert run(project).changes == "effect_estimates: 1 added"
    assert changes(project) == [("core.effect_estimates", NEW_ID, "added", None, None, None)]
    estimates.write_text("\n".join([header, *rows]), encoding="utf-8")
    assert run(project).changes == "effect_estimates: 1 removed"
    estimates.write_text("\n".join([header, *rows[:-1], rows[17], rows[-1]]), encoding="utf-8")
    summary = run(project)
    assert summary.changes == "nothing changed since the previous release"
    con = duckdb.connect(str(project / "warehouse" / "evidence.duckdb"), read_only=True)
    try:
        quarantined = con.execute(
            'SELECT line_no, "check", message FROM quality.quarantine '
            "WHERE dataset = 'core.effect_estimates'"
        ).fetchall()
        counted = con.execute(
            "SELECT count(*) FROM core.effect_estimates WHERE estimate_id = $id", {"id": ESTIMATE}
        ).fetchone()
    finally:
        con.close()
    assert quarantined == [
        (
            len(rows) + 1,
            "duplicate",
            f"estimates/effect_estimates.csv:{len(rows) + 1}: the same estimate as line 19 (same "
            "comparison, condition, population, severity, outcome, timepoint, measure and "
            "citation); only that line counts",
        )
    ]
    assert counted == (1,)
