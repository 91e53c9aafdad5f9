"""A registry entry of published analysis tables instead of the hand-copied rows of the same
reviews: the flow loads every estimate with its file and line, records every row that prints no
estimate, and the seed's findings get the verdicts the CSV gives them."""

import shutil
from pathlib import Path

from pipelines.flows import build_warehouse
from tests.conftest import DATA, warehouse_rows

# The CSV lines the tables of tests/data/estimate_tables/ print, taken out so that only the
# table route holds those estimates.
COPIED = {
    "effect_estimates.csv": {19, 20, 21, 22, 23, 24, 25, 26, 27, 30, 33, 34, 35},
    "effect_estimates_more.csv": {6, 7, 9, 10},
}
TABLES_ENTRY = '\n[[source]]\nid = "review-tables"\nkind = "estimates"\npath = "tables/*"\n'
VERDICTS = "SELECT finding_id, verdict FROM core.evidence_checks ORDER BY finding_id"
# Seed table 1, row 2, statement 2 (tacrolimus 0.1% vs pimecrolimus 1% in children): the CSV's
# lines 19-20 say 'one adult trial N=413', which the analysis table does not print.
CHILDREN = "fnd_e5a4a96ccb79e016"


def without_lines(path: Path, lines: set[int]) -> None:
    kept = [
        line
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(keepends=True), 1)
        if n not in lines
    ]
    path.write_text("".join(kept), encoding="utf-8")


def test_published_tables_give_the_verdicts_of_the_hand_copied_rows(seed_run, project):
    for name, lines in COPIED.items():
        without_lines(project / "raw" / "estimates" / name, lines)
    shutil.copytree(DATA / "estimate_tables", project / "raw" / "tables")
    registry = project / "raw" / "sources.toml"
    registry.write_text(registry.read_text(encoding="utf-8") + TABLES_ENTRY, encoding="utf-8")

    summary = build_warehouse(sources=str(registry), warehouse=str(project / "warehouse"))

    assert (summary.status, summary.quarantined) == ("success", 0)
    warehouse = project / "warehouse"
    counts = warehouse_rows(
        warehouse,
        "SELECT file, count(*) FROM core.effect_estimates WHERE file LIKE 'tables/%' "
        "GROUP BY file ORDER BY file",
    )
    assert counts == [
        ("tables/cochrane-pimecrolimus-data-and-analyses.html", 9),
        ("tables/cochrane-pimecrolimus-data-and-analyses.md", 9),
        ("tables/cochrane-tacrolimus-summary-of-findings.txt", 4),
        ("tables/crisaborole-pooled-estimates-journal-table.txt", 4),
    ]
    assert warehouse_rows(
        warehouse,
        "SELECT line_no, estimate, ci_low, ci_high FROM core.effect_estimates "
        "WHERE file = 'tables/cochrane-pimecrolimus-data-and-analyses.md' AND line_no = 20",
    ) == [(20, 0.56, 0.41, 0.77)]
    assert warehouse_rows(
        warehouse,
        "SELECT file, line_no, printed FROM quality.rows_without_estimate ORDER BY file, line_no",
    ) == [
        ("tables/cochrane-pimecrolimus-data-and-analyses.html", 17, "0.0 [0.0, 0.0]"),
        ("tables/cochrane-pimecrolimus-data-and-analyses.html", 18, "Totals not selected"),
        ("tables/cochrane-pimecrolimus-data-and-analyses.html", 27, "Subtotals only"),
        ("tables/cochrane-pimecrolimus-data-and-analyses.html", 36, "Not estimable"),
        ("tables/cochrane-pimecrolimus-data-and-analyses.md", 12, "0.0 [0.0, 0.0]"),
        ("tables/cochrane-pimecrolimus-data-and-analyses.md", 13, "Totals not selected"),
        ("tables/cochrane-pimecrolimus-data-and-analyses.md", 19, "Subtotals only"),
        ("tables/cochrane-pimecrolimus-data-and-analyses.md", 28, "Not estimable"),
        ("tables/cochrane-tacrolimus-summary-of-findings.txt", 26, "Not estimable"),
    ]

    by_csv = dict(warehouse_rows(seed_run[1], VERDICTS))
    by_tables = dict(warehouse_rows(warehouse, VERDICTS))
    assert {k: v for k, v in by_tables.items() if k != CHILDREN} == {
        k: v for k, v in by_csv.items() if k != CHILDREN
    }
    assert len(by_csv) == 10
    assert (by_csv[CHILDREN], by_tables[CHILDREN]) == ("no_estimates", "supported")
