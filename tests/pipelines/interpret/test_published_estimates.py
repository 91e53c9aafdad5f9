"""Estimates read from published analysis tables (tests/data/estimate_tables/: a review's 'Data and
analyses' in Markdown and HTML, summaries of findings as tab-separated text, a journal table of
pooled estimates as aligned text) agree number for number with the hand-copied CSV rows of the
same reviews; rows that print no estimate are kept with their reason."""

from dataclasses import replace
from pathlib import Path

import pytest

from pipelines.interpret.columns import aligned, table_roles
from pipelines.interpret.estimates import load_estimates
from pipelines.interpret.published_estimates import published_rows
from pipelines.pull.sources import describe_file
from pipelines.read.guide import parse_guide
from pipelines.read.guide_text import parse_guide_text
from tests.pipelines.test_robustness import TEXT_RENDERINGS, as_html, rendered

TABLES = Path(__file__).parents[2] / "data" / "estimate_tables"
ANALYSES = "cochrane-pimecrolimus-data-and-analyses"
SUMMARY = "cochrane-tacrolimus-summary-of-findings.txt"
POOLED = "crisaborole-pooled-estimates-journal-table.txt"
FIRST, MORE = "estimates/effect_estimates.csv", "estimates/effect_estimates_more.csv"
# What both routes must print alike: the comparison as matched, the outcome, the numbers, the
# orientation and the review's DOI.
SHARED = (
    "intervention",
    "intervention_strength_pct",
    "intervention_formulation",
    "comparator",
    "comparator_strength_pct",
    "comparator_formulation",
    "comparator_potency",
    "condition",
    "severity",
    "outcome",
    "outcome_inverted",
    "measure",
    "scale",
    "evidence",
    "estimate",
    "ci_low",
    "ci_high",
    "n_trials",
    "n_participants",
    "benefit_estimate",
    "benefit_ci_low",
    "benefit_ci_high",
    "direction",
    "doi",
)
# Each table row and the CSV line holding the same published estimate.
SAME_ESTIMATE = {
    (f"{ANALYSES}.md", 11): (FIRST, 27),
    (f"{ANALYSES}.md", 20): (FIRST, 19),
    (f"{ANALYSES}.md", 21): (FIRST, 20),
    (f"{ANALYSES}.md", 22): (FIRST, 21),
    (f"{ANALYSES}.md", 23): (FIRST, 22),
    (f"{ANALYSES}.md", 24): (FIRST, 23),
    (f"{ANALYSES}.md", 25): (FIRST, 24),
    (f"{ANALYSES}.md", 26): (FIRST, 25),
    (f"{ANALYSES}.md", 27): (FIRST, 26),
    (SUMMARY, 13): (FIRST, 35),
    (SUMMARY, 24): (FIRST, 33),
    (SUMMARY, 25): (FIRST, 34),
    (SUMMARY, 35): (FIRST, 30),
    (POOLED, 9): (MORE, 6),
    (POOLED, 10): (MORE, 7),
    (POOLED, 11): (MORE, 9),
    (POOLED, 12): (MORE, 10),
}


def load(vocab, *paths: Path):
    pulled = [
        describe_file(
            path,
            source_id=f"tables/{path.name}",
            registry_id="tables",
            kind="estimates",
            file=f"tables/{path.name}",
        )
        for path in paths
    ]
    return load_estimates(pulled, vocab)


@pytest.fixture(scope="module")
def tables(vocab):
    frames, quarantine, errors = load(vocab, *sorted(TABLES.iterdir()))
    assert (quarantine, errors) == ([], [])
    return frames


def rows(frame, name: str, columns: tuple[str, ...]) -> list[tuple]:
    return frame.filter(file=f"tables/{name}").select("line_no", *columns).rows()


def test_a_data_and_analyses_table_gives_each_analysis_and_subgroup_with_its_line(tables):
    core = tables["core.effect_estimates"]
    columns = ("outcome", "timepoint_weeks", "measure", "model", "estimate", "ci_low", "ci_high")
    assert rows(core, f"{ANALYSES}.md", (*columns, "n_trials", "n_participants")) == [
        (11, "flare_prevention", 26.0, "rr", "M-H, Random", 1.47, 1.32, 1.64, 9, 3091),
        (20, "iga_success", 3.0, "rr", "M-H, Random", 0.56, 0.41, 0.77, 2, 639),
        (21, "iga_success", 6.0, "rr", "M-H, Random", 0.58, 0.46, 0.74, 2, 639),
        (22, "withdrawal_any", None, "rr", "M-H, Random", 1.18, 0.91, 1.52, 2, 639),
        (23, "withdrawal_lack_of_efficacy", None, "rr", "M-H, Random", 2.37, 1.1, 5.08, 2, 639),
        (24, "withdrawal_adverse_event", None, "rr", "M-H, Random", 1.01, 0.43, 2.41, 2, 639),
        (25, "any_adverse_event", None, "rr", "M-H, Random", 1.04, 0.47, 2.26, 2, 639),
        (26, "skin_infection", None, "rr", "M-H, Random", 1.6, 0.37, 6.99, 2, 639),
        (27, "application_site_reactions", None, "rr", "M-H, Random", 0.76, 0.36, 1.62, 2, 639),
    ]
    arms = rows(core, f"{ANALYSES}.md", ("intervention", "comparator"))
    assert sorted({arm[1:] for arm in arms}) == [
        ("pimecrolimus", "tacrolimus"),
        ("pimecrolimus", "vehicle"),
    ]
    raw = tables["raw.effect_estimates"].filter(file=f"tables/{ANALYSES}.md", line_no=20)
    assert raw.select("timepoint", "measure", "source_citation").row(0) == (
        "3 weeks",
        "Risk Ratio (M-H, Random)",
        "Cochrane Database of Systematic Reviews 2007, Issue 4. Art. No.: CD005500. DOI: "
        "10.1002/14651858.CD005500.pub2",
    )


def test_a_row_that_prints_no_estimate_is_kept_with_its_reason_never_as_zero(tables):
    none = tables["quality.rows_without_estimate"]
    assert rows(none, f"{ANALYSES}.md", ("table_no", "label", "printed")) == [
        (12, 1, "1.2 Skin atrophy", "0.0 [0.0, 0.0]"),
        (13, 1, "1.3 Quality of life of the parents", "Totals not selected"),
        (19, 10, "10.1 Clear or almost clear eczema (IGA 0 or 1)", "Subtotals only"),
        (28, 10, "10.8 Skin atrophy", "Not estimable"),
    ]
    assert rows(none, SUMMARY, ("label", "printed")) == [(26, "Skin atrophy", "Not estimable")]
    reasons = none.filter(file=f"tables/{ANALYSES}.md")["reason"].to_list()
    assert reasons[0].startswith("prints '0.0 [0.0, 0.0]' with no participants")
    assert reasons[1] == (
        "prints no estimate ('Totals not selected'): the analysis gives none to count"
    )
    core = tables["core.effect_estimates"]
    assert core.filter(file=f"tables/{ANALYSES}.md", line_no=12).height == 0
    assert core.filter(estimate=0.0).height == 0


def test_the_html_and_the_markdown_rendering_give_the_same_estimates(tables):
    core, none = tables["core.effect_estimates"], tables["quality.rows_without_estimate"]
    columns = (*SHARED, "timepoint_weeks", "population")
    markdown = [row[1:] for row in rows(core, f"{ANALYSES}.md", columns)]
    html = [row[1:] for row in rows(core, f"{ANALYSES}.html", columns)]
    assert len(markdown) == 9 and html == markdown
    reasons = [row[1:] for row in rows(none, f"{ANALYSES}.md", ("label", "printed", "reason"))]
    assert [row[1:] for row in rows(none, f"{ANALYSES}.html", ("label", "printed", "reason"))] == (
        reasons
    )


def test_a_summary_of_findings_reads_its_caption_lines_and_participants_with_studies(tables):
    core = tables["core.effect_estimates"]
    columns = (
        "intervention_strength_pct",
        "comparator",
        "comparator_potency",
        "population",
        "severity",
        "outcome",
        "estimate",
        "n_trials",
        "n_participants",
    )
    assert rows(core, SUMMARY, columns) == [
        (
            13,
            0.1,
            "pimecrolimus",
            None,
            "mixed",
            "moderate_to_severe",
            "physician_global_improvement",
            1.8,
            2,
            506,
        ),
        (
            24,
            0.03,
            "tcs",
            "mild",
            "mixed",
            "moderate_to_severe",
            "physician_global_improvement",
            2.58,
            2,
            790,
        ),
        (
            25,
            0.03,
            "tcs",
            "mild",
            "mixed",
            "moderate_to_severe",
            "participant_global_improvement",
            1.64,
            1,
            416,
        ),
        (
            35,
            0.1,
            "tcs",
            "mild",
            "mixed",
            "moderate_to_severe",
            "physician_global_improvement",
            3.09,
            1,
            371,
        ),
    ]


def test_a_journal_table_gives_the_comparison_of_its_group_row_in_every_spacing(
    tables, vocab, tmp_path
):
    columns = ("intervention", "comparator", "outcome", "timepoint_weeks", "estimate", "ci_low")
    aligned = rows(tables["core.effect_estimates"], POOLED, (*columns, "n_trials"))
    assert aligned == [
        (9, "crisaborole", "vehicle", "iga_success", 4.0, 1.45, 1.28, 8),
        (10, "crisaborole", "vehicle", "easi_reduction", 4.0, 1.71, 1.43, 8),
        (11, "crisaborole", "vehicle", "any_adverse_event", 4.0, 1.12, 0.98, 8),
        (12, "crisaborole", "vehicle", "withdrawal_adverse_event", 4.0, 0.87, 0.47, 8),
    ]
    # As a browser copies it: one space between cells, so the columns have no labels and the
    # numbers of trials and participants are not read.
    single = tmp_path / POOLED
    text = (TABLES / POOLED).read_text(encoding="utf-8")
    single.write_text("\n".join(" ".join(line.split()) for line in text.split("\n")))
    frames, quarantine, errors = load(vocab, single)
    assert (quarantine, errors) == ([], [])
    spaced = rows(frames["core.effect_estimates"], POOLED, (*columns, "n_trials"))
    assert spaced == [(*row[:-1], None) for row in aligned]


def test_the_table_route_agrees_with_the_hand_copied_csv_number_for_number(tables, estimates):
    core, csv = tables["core.effect_estimates"], estimates["core.effect_estimates"]
    differences = {}
    for (name, line), (file, csv_line) in SAME_ESTIMATE.items():
        ours = core.filter(file=f"tables/{name}", line_no=line).select(*SHARED).row(0)
        theirs = csv.filter(file=file, line_no=csv_line).select(*SHARED).row(0)
        assert ours == theirs, (name, line)
        columns = ("population", "timepoint_weeks")
        pair = [
            frame.filter(file=f, line_no=n).select(*columns).row(0)
            for frame, f, n in ((core, f"tables/{name}", line), (csv, file, csv_line))
        ]
        if pair[0] != pair[1]:
            differences[csv_line] = pair
    # Where the hand copy adds what the table does not print: the population of one of the two
    # trials (lines 19-20, 'one adult trial N=413') and the trials' duration (lines 21-26).
    assert differences == {
        19: [("unspecified", 3.0), ("adult", 3.0)],
        20: [("unspecified", 6.0), ("adult", 6.0)],
        **{n: [("unspecified", None), ("unspecified", 6.0)] for n in range(21, 27)},
    }


def test_included_studies_give_an_estimate_its_trials_when_they_number_its_studies(vocab, tmp_path):
    page = tmp_path / "included.md"
    page.write_text(
        "# Topical tacrolimus for atopic dermatitis\n\nDOI: 10.9999/example.1\n\n"
        "Comparison 1. Tacrolimus 0.1% ointment versus pimecrolimus 1% cream\n\n"
        "| Outcome or subgroup title | No. of studies | No. of participants | Statistical method | Effect size |\n"
        "|---|---|---|---|---|\n"
        "| 1.1 Physician's assessment of improvement | 2 | 506 | Risk Ratio (M-H, Random, 95% CI) | 1.80 [1.34, 2.42] |\n"
        "| 1.2 Burning at the application site | 3 | 700 | Risk Ratio (M-H, Random, 95% CI) | 1.20 [0.90, 1.60] |\n\n"
        "Characteristics of included studies\n\n"
        "| Study | Participants | Interventions |\n|---|---|---|\n"
        "| Trial One 2004 | 300 adults | Tacrolimus 0.1% ointment vs pimecrolimus 1% cream |\n"
        "| Trial Two 2005 | 206 children | tacrolimus 0.1% ointment twice daily; pimecrolimus 1% cream |\n"
        "| Trial Three 2005 | 141 children | tacrolimus 0.03% ointment vs pimecrolimus 1% cream |\n",
        encoding="utf-8",
    )
    frames, quarantine, errors = load(vocab, page)
    assert (quarantine, errors) == ([], [])
    # Two studies compare tacrolimus 0.1% with pimecrolimus: the list of the analysis of two
    # studies; the analysis of three would need a third, so it lists none.
    assert frames["core.effect_estimates"]["trials"].to_list() == [
        ["trial one 2004", "trial two 2005"],
        None,
    ]


def test_a_page_with_no_estimate_is_a_source_error_naming_the_file(vocab, tmp_path):
    page = tmp_path / "notes.txt"
    page.write_text("Topical tacrolimus\n\nNo table here, only words.\n", encoding="utf-8")
    frames, quarantine, errors = load(vocab, page)
    assert [(e.file, e.error) for e in errors] == [("tables/notes.txt", "no_estimates")]
    assert "published analysis tables" in errors[0].message
    assert frames["core.effect_estimates"].height == 0 and quarantine == []


def test_each_arms_events_are_read_from_the_column_its_header_names(vocab, tmp_path):
    # A worked table for the rule (its counts are not a source's): the vehicle's column first.
    page = tmp_path / "events.md"
    page.write_text(
        "# Crisaborole trials\n\n"
        "Table 2. Crisaborole 2% ointment versus vehicle in mild to moderate atopic dermatitis, "
        "day 29\n\n"
        "| Outcome | Vehicle n/N | Crisaborole n/N | Risk ratio (95% CI) |\n|---|---|---|---|\n"
        "| ISGA success | 40/200 | 70/210 | 1.67 (1.18 to 2.35) |\n",
        encoding="utf-8",
    )
    frames, quarantine, errors = load(vocab, page)
    assert (quarantine, errors) == ([], [])
    core = frames["core.effect_estimates"]
    assert core.select(
        "intervention_events",
        "intervention_n",
        "comparator_events",
        "comparator_n",
        "timepoint_weeks",
        "severity",
        "direction",
    ).rows() == [(70, 210, 40, 200, 4.14, "mild_to_moderate", "favours_intervention")]
    assert frames["raw.effect_estimates"]["note"].to_list() == [
        "read from table 2 ('Crisaborole 2% ointment versus vehicle in mild to moderate atopic "
        "dermatitis, day 29'), row 'ISGA success'; events 70/210 vs 40/200"
    ]


def estimates_of(guide, vocab) -> tuple[list[dict], list[tuple]]:
    """A page's estimates (where each was read aside) and the rows without one."""
    found, none = published_rows(guide, vocab)
    return (
        [{k: v for k, v in row.items() if k != "note"} for _, row in found],
        [(row.label, row.printed, row.reason) for row in none],
    )


def as_seen(guide, vocab):
    """The page as a person sees it: a row the reader shifted under a merged cell put back."""
    tables = []
    for table in guide.tables:
        roles = table_roles(table, vocab)
        rows = tuple(aligned(row, roles, vocab) or row for row in table.rows)
        tables.append(replace(table, rows=rows))
    return replace(guide, tables=tables)


@pytest.mark.parametrize("rendering", [*TEXT_RENDERINGS, "HTML"])
def test_every_rendering_of_the_tables_gives_the_same_estimates(vocab, rendering):
    for name in (f"{ANALYSES}.md", SUMMARY, POOLED):
        text = (TABLES / name).read_text(encoding="utf-8")
        guide = as_seen(parse_guide_text(text), vocab)
        expected = estimates_of(guide, vocab)
        spaced = "spaced" in rendering
        if rendering == "HTML":
            changed = as_html(text, guide)
        else:
            changed = rendered(text, guide, "tab" if spaced else rendering, spaced)
        assert estimates_of(parse_guide(changed.encode()), vocab) == expected, name


def test_a_single_spaced_data_and_analyses_table_keeps_its_numbers_and_its_measure(vocab, tmp_path):
    """Copied with one space between cells: an empty cell leaves no trace, so what the reader
    cannot place is said, never guessed."""
    text = (TABLES / f"{ANALYSES}.md").read_text(encoding="utf-8")
    lines = [
        " ".join(line.replace("|", " ").split()) if line.startswith("|") else line
        for line in text.split("\n")
        if not line.startswith("|---")
    ]
    page = tmp_path / f"{ANALYSES}.txt"
    page.write_text("\n".join(lines), encoding="utf-8")
    frames, quarantine, errors = load(vocab, page)
    core = frames["core.effect_estimates"]
    columns = ("outcome", "timepoint_weeks", "measure", "model", "estimate", "n_trials")
    assert rows(core, page.name, columns)[:3] == [
        # the analysis '10.1' over its subgroups prints no participants: its row is lost, so
        # they have no outcome (and never count); the numbers of studies are not told apart
        (18, None, 3.0, "rr", "M-H, Random", 0.56, None),
        (19, None, 6.0, "rr", "M-H, Random", 0.58, None),
        (20, "withdrawal_any", None, "rr", "M-H, Random", 1.18, None),
    ]
    assert core.height == 8 and quarantine == []
    # comparison 1's three rows print three shapes: no table is read there, and it is said
    assert [(e.line_no, e.error) for e in errors] == [(7, "table_shape")]
    assert rows(frames["quality.rows_without_estimate"], page.name, ("label", "printed")) == [
        (26, "10.8 Skin atrophy", "Not estimable")
    ]


def test_a_reviews_method_names_its_measure_as_review_software_prints_it(vocab, tmp_path):
    """RevMan's labels: 'Std. Mean Difference' is a standardised mean difference, not a mean
    difference; 'Peto Odds Ratio' an odds ratio (worked rows, not a source's numbers)."""
    page = tmp_path / "methods.md"
    page.write_text(
        "# Topical tacrolimus for atopic dermatitis\n\n"
        "Comparison 2. Tacrolimus 0.1% ointment versus vehicle\n\n"
        "| Outcome or subgroup title | No. of studies | No. of participants | Statistical method | Effect size |\n"
        "|---|---|---|---|---|\n"
        "| 2.1 EASI change | 3 | 900 | Std. Mean Difference (IV, Random, 95% CI) | -0.52 [-0.70, -0.34] |\n"
        "| 2.2 Skin infections | 3 | 900 | Peto Odds Ratio (Peto, Fixed, 95% CI) | 1.10 [0.70, 1.73] |\n",
        encoding="utf-8",
    )
    frames, quarantine, errors = load(vocab, page)
    assert (quarantine, errors) == ([], [])
    core = frames["core.effect_estimates"]
    assert core.select("measure", "scale", "model").rows() == [
        ("smd", "difference", "IV, Random"),
        ("or", "ratio", "Peto, Fixed"),
    ]
