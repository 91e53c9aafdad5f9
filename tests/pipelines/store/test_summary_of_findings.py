"""The summary of findings of the seed's release, on the page and as CSV read back by polars."""

import io

import polars as pl

from pipelines.store.spreadsheet import safe_cell
from pipelines.store.summary_of_findings import summary_csv, summary_of_findings
from tests.conftest import opened


def test_every_finding_is_a_row_of_its_comparisons_table(seed_run):
    _, warehouse = seed_run
    with opened(warehouse) as con:
        tables = summary_of_findings(con)
    assert [(t.title, t.population, len(t.rows)) for t in tables] == [
        ("Pimecrolimus 1% vs moderate/potent Topical corticosteroids", "not stated", 1),
        ("Tacrolimus 0.03% vs Pimecrolimus 1%", "Children", 1),
        ("Tacrolimus 0.03% vs mild Topical corticosteroids", "not stated", 1),
        ("Tacrolimus 0.1% vs Pimecrolimus 1%", "Adults; Children", 2),
        ("Tacrolimus 0.1% vs potent Topical corticosteroids", "not stated", 1),
        ("Tacrolimus vs Pimecrolimus", "not stated", 2),
        ("Topical calcineurin inhibitors vs Topical corticosteroids", "not stated", 2),
    ]
    csv = pl.read_csv(io.StringIO(summary_csv(tables)))
    assert csv.height == 10
    children = csv.filter(population="Children", comparison="Tacrolimus 0.1% vs Pimecrolimus 1%")
    assert children.select("relative effect (95% CI)", "certainty").row(0) == (
        "no usable estimate",
        "—",
    )
    atrophy = csv.filter(outcome="Skin atrophy").row(0, named=True)
    # the finding reads TCI vs TCS: RR 4.86 [1.06, 22.28] of TCS vs TCI turned round; the
    # umbrella review's 4 128 participants, and its eight cases far under 300 events
    assert (atrophy["relative effect (95% CI)"], atrophy["participants (studies)"]) == (
        "RR 0.21 (0.04 to 0.94)",
        "4,128 (4 studies)",
    )
    assert atrophy["certainty"] == "⊕⊕◯◯ low"
    assert atrophy["certainty footnotes"] == "imprecision: very serious, 8 events, under 300"


def test_a_cell_a_spreadsheet_would_run_is_written_as_text():
    assert [safe_cell(t) for t in ("=HYPERLINK(1)", "-0.70", "+A1", "@SUM", "IGA")] == [
        "'=HYPERLINK(1)",
        "-0.70",
        "'+A1",
        "'@SUM",
        "IGA",
    ]
