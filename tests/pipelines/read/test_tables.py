"""Tables of the text rendering in each of their shapes: the same rows whatever the rendering."""

import pytest

from pipelines.read.guide_text import parse_guide_text

ROWS = [
    ("IGA success", "A 0.1% vs. B 1%", "A 0.1% is more effective. [1]", "High"),
    ("Skin atrophy", "A vs. C", "Less frequent with A.", "Low"),
]
HEADER = ("Outcome", "Comparison", "Result", "Grade")


def guide(block: str, prose: str = "") -> str:
    before = f"{prose}\n\n" if prose else ""
    return f"# T\n\n{before}Table 1: X\n\n{block}\nAfter the table.\n"


def cells(text: str) -> list[tuple[str, ...]]:
    [table] = parse_guide_text(text).tables
    return [table.header, *(tuple(cell.text for cell in row.cells) for row in table.rows)]


GRID = """+--------------+--------------+--------------------------+-------+
| Outcome      | Comparison   | Result                   | Grade |
+==============+==============+==========================+=======+
| IGA success  | A 0.1% vs. B | A 0.1% is more effective.| High  |
|              | 1%           | [1]                      |       |
+--------------+--------------+--------------------------+-------+
| Skin atrophy | A vs. C      | Less frequent with A.    | Low   |
+--------------+--------------+--------------------------+-------+"""
MULTILINE = """----------------------------------------------------------
Outcome       Comparison    Result                    Grade
------------- ------------- ------------------------- -----
IGA success   A 0.1% vs. B  A 0.1% is more effective. High
              1%            [1]

Skin atrophy  A vs. C       Less frequent with A.     Low
----------------------------------------------------------"""
SIMPLE = """  Outcome       Comparison        Result                          Grade
  ------------  ----------------  ------------------------------  -----
  IGA success   A 0.1% vs. B 1%   A 0.1% is more effective. [1]   High
  Skin atrophy  A vs. C           Less frequent with A.           Low"""
# A PDF's text: cells wrapped onto the next lines, a word broken by a hyphen ('effec-'), a page
# broken inside the table (footer, running title, the header again), a ligature (ﬀ).
PDF = """Outcome        Comparison      Result                Grade
IGA success    A 0.1% vs. B    A 0.1% is more effec- High
               1%              tive. [1]
Guide X · For research use only              Page 1 of 2
A running title                               BenchChem
Outcome        Comparison      Result                Grade
Skin atrophy   A vs. C         Less frequent with A. Low
Guide X · For research use only              Page 2 of 2
A running title                               BenchChem"""
CARDS = "\n\n".join(
    "\n".join(f"{label}: {value}" for label, value in zip(HEADER, row, strict=True)) for row in ROWS
)
BOLD_CARDS = "\n\n".join(
    "\n".join(f"**{label}:** {value}  " for label, value in zip(HEADER, row, strict=True))
    for row in ROWS
)

RENDERINGS = {
    "grid": GRID,
    "multiline": MULTILINE,
    "simple": SIMPLE,
    "PDF text": PDF,
    "cards": CARDS,
    "cards with bold labels": BOLD_CARDS,
    "pipe without outer bars": "\n".join(
        [" | ".join(HEADER), "---|---|---|---", *(" | ".join(row) for row in ROWS)]
    ),
    "tab": "\n".join("\t".join(row) for row in [HEADER, *ROWS]),
    "pipe with rule": "\n".join(
        ["| " + " | ".join(HEADER) + " |", "|:---|---|---|:---:|"]
        + ["| " + " | ".join(row) + " |" for row in ROWS]
    ),
    "pipe without rule": "\n".join("| " + " | ".join(row) + " |" for row in [HEADER, *ROWS]),
    "aligned": "\n".join(
        "".join(cell.ljust(width) for cell, width in zip(row, (16, 20, 34, 6), strict=True))
        for row in [HEADER, *ROWS]
    ),
}


@pytest.mark.parametrize("rendering", RENDERINGS)
def test_every_rendering_gives_the_same_header_and_rows(rendering):
    # The prose prints 'effective' whole: the word the PDF text breaks is mended by it.
    text = guide(RENDERINGS[rendering] + "\n", prose="A is the more effective.")
    assert cells(text) == [HEADER, *ROWS]
    assert parse_guide_text(text).issues == []


def test_a_table_continued_after_a_page_break_is_one_table_with_its_rows_numbered_on():
    block = "\t".join(HEADER) + "\n" + "\t".join(ROWS[0])
    page = "Guide X · For research use only       Page {} of 2\n\fA running title    BenchChem"
    again = block.replace(ROWS[0][0], "Itch")
    text = guide(
        f"{block}\n\n{page.format(1)}\n\nTable 1 (continued)\n\n{again}\n\n{page.format(2)}\n"
    )
    parsed = parse_guide_text(text)
    [table] = parsed.tables
    assert [(row.row_no, row.cells[0].text) for row in table.rows] == [
        (1, "IGA success"),
        (2, "Itch"),
    ]
    assert [p.text for p in parsed.paragraphs] == ["After the table."]


def test_a_caption_over_two_lines_and_the_notes_around_a_table():
    text = (
        "# T\n\nSummary of findings 2. A compared to B\nfor atopic dermatitis\n\n"
        "Patient or population: adults\nIntervention: A 0.1%\nComparison: B 1%\n\n"
        + "\n".join("\t".join(row) for row in [HEADER, *ROWS])
        + "\n\n*Risk with the intervention is derived from the comparison group's.\n"
        "CI: confidence interval; RR: risk ratio\n\nAfter the table.\n"
    )
    parsed = parse_guide_text(text)
    [table] = parsed.tables
    assert (table.table_no, table.title) == (2, "A compared to B for atopic dermatitis")
    assert table.notes == (
        "Patient or population: adults",
        "Intervention: A 0.1%",
        "Comparison: B 1%",
        "*Risk with the intervention is derived from the comparison group's.",
        "CI: confidence interval; RR: risk ratio",
    )
    assert [p.text for p in parsed.paragraphs] == ["After the table."]


def test_a_pandoc_caption_under_an_uncaptioned_table_numbers_it():
    text = "# T\n\n" + SIMPLE + "\n\n: Table 4. Evidence at a glance\n\nAfter.\n"
    [table] = parse_guide_text(text).tables
    assert (table.table_no, table.title, table.numbered) == (4, "Evidence at a glance", True)


def test_group_labels_over_a_dashed_rule_prefix_the_labels_they_repeat():
    block = """                        First trial     Second trial
                        --------------  --------------
Comparison  Outcome     Active  Vehicle  Active  Vehicle
A vs. B     IGA         42.4%   6.1%     37.5%   6.9%"""
    [table] = parse_guide_text(guide(block + "\n")).tables
    assert table.header == (
        "Comparison",
        "Outcome",
        "First trial Active",
        "First trial Vehicle",
        "Second trial Active",
        "Second trial Vehicle",
    )
    assert [cell.text for cell in table.rows[0].cells] == [
        "A vs. B",
        "IGA",
        "42.4%",
        "6.1%",
        "37.5%",
        "6.9%",
    ]


def test_a_second_header_row_under_a_spanning_label_is_part_of_the_header():
    block = """| Outcome | Effects | | Grade |
|---|---|---|---|
| | Risk with B | Risk with A | |
| IGA success | 217 per 1000 | 321 per 1000 | High |"""
    [table] = parse_guide_text(guide(block + "\n")).tables
    assert table.header == ("Outcome", "Risk with B", "Risk with A", "Grade")
    assert [cell.text for cell in table.rows[0].cells] == [
        "IGA success",
        "217 per 1000",
        "321 per 1000",
        "High",
    ]


def test_a_row_whose_tabs_became_spaces_is_read_and_reported():
    block = "\n".join(
        ["\t".join(HEADER), "\t".join(ROWS[0]), "    ".join(ROWS[1]), "\t".join(ROWS[0])]
    )
    parsed = parse_guide_text(guide(block + "\n"))
    assert [len(row.cells) for row in parsed.tables[0].rows] == [4, 4, 4]
    assert [(i.line_no, i.error) for i in parsed.issues] == [(7, "table_shape")]
    assert "separated by spaces" in parsed.issues[0].message


def test_a_line_that_fits_no_shape_is_reported_and_the_rows_after_it_are_read():
    block = "\n".join(
        ["| " + " | ".join(HEADER) + " |", "a stray line", "| " + " | ".join(ROWS[1]) + " |"]
    )
    parsed = parse_guide_text(guide(block + "\n"))
    assert [row.cells[0].text for row in parsed.tables[0].rows] == ["Skin atrophy"]
    assert [(i.line_no, i.error) for i in parsed.issues] == [(6, "table_shape")]
    assert "'a stray line'" in parsed.issues[0].message


def test_a_table_printed_without_a_header_has_empty_labels_and_keeps_its_first_row():
    text = guide("\n".join("\t".join(row) for row in ROWS) + "\n")
    assert cells(text) == [("", "", "", ""), *ROWS]


def test_a_header_with_a_comparison_word_is_still_a_header():
    header = ("Treatment vs control", "Measure", "Level", "Findings")
    text = guide("\n".join("\t".join(row) for row in [header, *ROWS]) + "\n")
    assert cells(text)[0] == header


def test_single_spaced_columns_are_told_apart_by_the_types_of_their_cells():
    """A published table as a browser's text gives it: no tab, no run of spaces; an effect with
    its interval, a count with its participants and a grade word line up row after row."""
    text = """# T

Table 2 Tacrolimus 0.1% versus pimecrolimus 1%

Outcome Studies (participants) Effect (95% CI) Certainty
Physician's assessment of global improvement 1 (413) RR 1.80 (1.34 to 2.42) Moderate
Itch relief 2 (600) RR 1.25 (1.05 to 1.48) Low
Skin burning at the application site 2 (600) RR 1.70 (1.30 to 2.20) Moderate

After.
"""
    parsed = parse_guide_text(text)
    [table] = parsed.tables
    assert (table.table_no, table.title) == (2, "Tacrolimus 0.1% versus pimecrolimus 1%")
    assert table.notes == ("Outcome Studies (participants) Effect (95% CI) Certainty",)
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        [
            "Physician's assessment of global improvement",
            "1 (413)",
            "RR 1.80 (1.34 to 2.42)",
            "Moderate",
        ],
        ["Itch relief", "2 (600)", "RR 1.25 (1.05 to 1.48)", "Low"],
        ["Skin burning at the application site", "2 (600)", "RR 1.70 (1.30 to 2.20)", "Moderate"],
    ]
    assert parsed.issues == []
    prose = "# T\n\nTable 1: X\n\nA sentence that goes on.\nAnother one follows it.\nAnd a third.\n"
    assert [issue.error for issue in parse_guide_text(prose).issues] == ["table_shape"]


def test_single_spaced_rows_with_a_method_words_at_the_end_and_a_group_row():
    """A review's analyses as a browser's text gives them: the statistical method is a cell, a
    row that prints words where the others print an effect keeps them as that cell, a first cell
    may end in a number ('EASI 75'), and a line of text with no number apart is a group row."""
    text = """# T

Table 3 Crisaborole versus vehicle

Outcome Studies Participants Method Effect
Crisaborole 2% twice daily vs vehicle
ISGA success 8 2266 Risk Ratio (M-H, Random, 95% CI) 1.45 [1.28, 1.63]
EASI 75 8 2266 Risk Ratio (M-H, Random, 95% CI) 1.71 [1.43, 2.04]
Skin atrophy 2 790 Risk Ratio (M-H, Random, 95% CI) Not estimable
Itch 8 2266 Mean Difference (IV, Random, 95% CI) -0.70 [-0.94, -0.47]

After.
"""
    [table] = parse_guide_text(text).tables
    assert [(row.group, [c.text for c in row.cells]) for row in table.rows] == [
        (group := "Crisaborole 2% twice daily vs vehicle", ["ISGA success", "8", "2266", "Risk Ratio (M-H, Random, 95% CI)", "1.45 [1.28, 1.63]"]),
        (group, ["EASI 75", "8", "2266", "Risk Ratio (M-H, Random, 95% CI)", "1.71 [1.43, 2.04]"]),
        (group, ["Skin atrophy", "2", "790", "Risk Ratio (M-H, Random, 95% CI)", "Not estimable"]),
        (group, ["Itch", "8", "2266", "Mean Difference (IV, Random, 95% CI)", "-0.70 [-0.94, -0.47]"]),
    ]  # fmt: skip


def test_a_page_break_inside_an_aligned_table_leaves_no_furniture_and_no_header_row():
    """The header printed again after the page's number and running title is no row; a line of
    the table that stands beside two page numbers but in other places too ('Random, 95% CI)')
    is the table's, not the page's."""
    header = "Outcome                   Studies  Method                 Effect"
    method = "                                   Random, 95% CI)"
    analyses = [("1.1 Flares", "9", "1.47 [1.32, 1.64]"), ("1.2 Withdrawals", "2", "1.18 [0.91, 1.52]"), ("1.3 Burning", "2", "0.76 [0.36, 1.62]"), ("1.4 Itch", "3", "1.25 [1.05, 1.48]")]  # fmt: skip
    rows = [[f"{label:<26}{studies:<9}{'Risk Ratio (M-H,':<23}{effect}", method] for label, studies, effect in analyses]  # fmt: skip
    footer = "Guide X · For research use only                         Page {} of 3"
    title = "\fA running title                                   Journal"
    lines = [header, *rows[0], *rows[1], footer.format(1), title, header, *rows[2]]
    lines += [footer.format(2), title, header, *rows[3]]
    [table] = parse_guide_text(guide("\n".join(lines) + "\n")).tables
    assert [[c.text for c in row.cells] for row in table.rows] == [
        [label, studies, "Risk Ratio (M-H, Random, 95% CI)", effect]
        for label, studies, effect in analyses
    ]


def test_the_first_row_ending_in_an_empty_cell_keeps_its_cells_where_they_are():
    block = "\t".join(HEADER) + "\n" + "\t".join((*ROWS[0][:3], "")) + "\n"
    assert cells(guide(block))[1] == (*ROWS[0][:3], "")
