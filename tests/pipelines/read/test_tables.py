"""Tables of the text rendering in each of their shapes: the same rows whatever the rendering."""

import pytest

from pipelines.read.guide_text import parse_guide_text

ROWS = [
    ("IGA success", "A 0.1% vs. B 1%", "A 0.1% is more effective. [1]", "High"),
    ("Skin atrophy", "A vs. C", "Less frequent with A.", "Low"),
]
HEADER = ("Outcome", "Comparison", "Result", "Grade")


def guide(block: str) -> str:
    return f"# T\n\nTable 1: X\n\n{block}\nAfter the table.\n"


def cells(text: str) -> list[tuple[str, ...]]:
    [table] = parse_guide_text(text).tables
    return [table.header, *(tuple(cell.text for cell in row.cells) for row in table.rows)]


RENDERINGS = {
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
    text = guide(RENDERINGS[rendering] + "\n")
    assert cells(text) == [HEADER, *ROWS]
    assert parse_guide_text(text).issues == []


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
