import random

import pytest

from pipelines.read.errors import FileError, decode
from pipelines.read.guide_text import parse_guide_text
from tests.conftest import DATA, SEED


@pytest.fixture(scope="module")
def guide():
    return parse_guide_text(decode(SEED.read_bytes(), "text guide")[0])


def test_metadata_strings_are_read_as_printed(guide):
    assert (
        guide.title
        == "Clinical validation of Ascomycin's therapeutic potential in inflammatory skin diseases"
    )
    assert guide.author == "BenchChem Technical Support Team"
    assert guide.date_text == "December 2025"
    assert (guide.compound, guide.catalog_no, guide.publisher) == (
        "Ascomycin",
        "B7888174",
        "BenchChem",
    )
    assert guide.cite_url.startswith("https://www.benchchem.com/product/b7888174#")


def test_three_tables_with_4_5_3_rows_and_their_lines(guide):
    assert [(t.table_no, len(t.rows), t.line_no) for t in guide.tables] == [
        (1, 4, 29),
        (2, 5, 37),
        (3, 3, 52),
    ]
    assert guide.tables[0].header == ("Outcome", "Comparison", "Result", "Strength of Evidence")
    assert [r.line_no for r in guide.tables[1].rows] == [40, 41, 42, 43, 44]


def test_row_ending_in_empty_cell_continues_the_outcome_above(guide):
    row = guide.tables[0].rows[1]
    outcome, comparison, result, grade = row.cells
    assert outcome.text.startswith("Investigator's Global Assessment (IGA) - Success")
    assert (outcome.line_no, outcome.continued_from_line) == (33, 32)
    assert comparison.text == "Tacrolimus 0.03% vs. Pimecrolimus 1% (Pediatric)"
    assert result.text.startswith("No significant difference")
    assert grade.text == "Moderate"
    third = guide.tables[1].rows[2]
    assert third.cells[0].continued_from_line == 40 and third.cells[3].text == "High"


def test_cells_are_lossless(guide):
    cell = guide.tables[1].rows[3].cells[2]
    assert cell.text.endswith('<a href="#">[4]</a> <a href="#">[5]</a>')


def test_references_are_numbered_lines_of_the_reference_section(guide):
    assert [(r.ref_no, r.line_no) for r in guide.references] == [
        (1, 77),
        (2, 78),
        (3, 79),
        (4, 80),
        (5, 81),
    ]
    assert guide.references[1].text == "Pimecrolimus. Novartis - PubMed [pubmed.ncbi.nlm.nih.gov]"
    assert guide.issues == []


def test_a_file_without_title_or_tables_is_not_a_guide():
    with pytest.raises(FileError) as raised:
        parse_guide_text("just some words\nand more\n")
    assert raised.value.error == "not_a_guide"


def test_non_utf8_text_is_read_with_an_issue_and_binary_is_refused():
    text, [issue] = decode("# Title\nline two\ncaf\xe9 \u20ac\n".encode("cp1252"), "text guide")
    assert text == "# Title\nline two\ncaf\xe9 \u20ac\n"
    assert (issue.line_no, issue.error) == (3, "encoding")
    assert issue.message.startswith("not UTF-8 (byte at offset 20); read as cp1252 where not UTF-8")
    latin1, [issue] = decode("caf\xe9 \x81".encode("latin-1"), "text guide")
    assert latin1 == "caf\xe9 \x81" and "; read as latin-1 where not UTF-8," in issue.message
    utf16, [issue] = decode("\ufeff# T\n".encode("utf-16-le"), "text guide")
    assert (utf16, issue.error) == ("# T\n", "encoding")
    assert decode("\ufeff# T".encode("utf-8"), "text guide") == ("# T", [])
    with pytest.raises(FileError, match="file is binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "text guide")


def test_mixed_encodings_are_decoded_line_by_line_and_a_stray_nul_is_removed():
    data = (
        "# T \u2014 UTF-8\n".encode()
        + "caf\xe9\n".encode("cp1252")
        + "na\xefve \u2265 5\n".encode()
    )
    text, [issue] = decode(data, "text guide")
    assert text == "# T \u2014 UTF-8\ncaf\xe9\nna\xefve \u2265 5\n"  # UTF-8 lines as they are
    assert (issue.line_no, issue.error) == (2, "encoding")
    assert issue.message.startswith("not UTF-8 (byte at offset 17); read as cp1252 where not")
    padded = ("x" * 200 + "\n") * 30
    text, issues = decode(padded.encode()[:250] + b"\x00" + padded.encode()[250:], "text guide")
    assert text == padded
    assert [(i.line_no, i.error, i.message) for i in issues] == [
        (2, "nul_byte", "NUL byte at offset 250 removed")
    ]
    lines = "".join(f"line {n} caf\xe9\n" for n in range(1, 9)).encode("cp1252")
    _, [issue] = decode(lines, "text guide")
    assert (issue.line_no, issue.message.split("; read")[0]) == (
        1,
        "not UTF-8 (byte at offset 10); also on lines 2, 3, 4, 5, 6 and 2 more",
    )


def test_a_row_with_too_many_cells_is_reported_and_its_siblings_kept():
    text = "# T\n\nTable 1: X\n\nA\tB\na\tb\na\tb\tc\td\nx\ty\n"
    guide = parse_guide_text(text)
    assert [r.line_no for r in guide.tables[0].rows] == [6, 8]
    assert [(i.line_no, i.error) for i in guide.issues] == [(7, "table_shape")]


def test_an_empty_first_cell_continues_the_merged_cell_above():
    guide = parse_guide_text(
        "# T\n\nTable 1: X\n\nOutcome\tComparison\tResult\tGrade\n"
        "IGA success\tA vs. B\tA is more effective.\tHigh\n"
        "\tC vs. B\tC is more effective.\tLow\n"
    )
    [first, second] = guide.tables[0].rows
    assert [c.text for c in second.cells] == [
        "IGA success",
        "C vs. B",
        "C is more effective.",
        "Low",
    ]
    assert second.cells[0].continued_from_line == first.line_no == 6
    assert guide.issues == []


def test_a_row_with_only_its_first_cell_names_the_group_below():
    guide = parse_guide_text(
        "# T\n\nTable 1: X\n\nComparison\tResult\tGrade\n"
        "IGA success\t\t\nA vs. B\tA is more effective.\tHigh\n"
        "Skin atrophy\t\t\nA vs. B\tLess frequent with A.\tLow\n"
    )
    rows = guide.tables[0].rows
    assert [(r.row_no, r.line_no, r.group, r.cells[0].text) for r in rows] == [
        (1, 7, "IGA success", "A vs. B"),
        (2, 9, "Skin atrophy", "A vs. B"),
    ]


def test_the_reference_list_ends_where_prose_starts():
    guide = parse_guide_text(
        "# T\n\n## References\n\n- 1. First - PubMed [x]\n- 2. Second - PubMed [x]\n"
        "**Disclaimer & Data Validity:**\nFor research use only.\n- Unnumbered item\n"
    )
    assert [r.ref_no for r in guide.references] == [1, 2]
    assert [p.text for p in guide.paragraphs] == [
        "**Disclaimer & Data Validity:**",
        "For research use only.",
        "- Unnumbered item",
    ]
    assert guide.issues == []


def test_a_small_guide_with_stray_nuls_or_terminal_escapes_is_read_and_binary_is_not():
    """Six NULs in 450 bytes (1.3 %) or terminal escapes are removed and reported, the rest read;
    random bytes (about 11 % control bytes) are still refused."""
    small = (DATA / "hostile" / "guides" / "nul-bytes-small.txt").read_bytes()
    assert len(small) < 4096 and small.count(b"\x00") == 6
    text, [issue] = decode(small, "text guide")
    assert "\x00" not in text and "Prose before the table." in text
    assert (issue.line_no, issue.error) == (5, "nul_byte")
    assert issue.message == "NUL byte at offset 98 removed, and 5 more on line 5"
    escaped = (DATA / "hostile" / "guides" / "terminal-escapes.txt").read_bytes()
    text, [issue] = decode(escaped, "text guide")
    assert text.splitlines()[0] == "# Hostile case: terminal escapes in the title"
    assert "\x1b" not in text and "\x07" not in text and "pwned" not in text
    assert (issue.line_no, issue.error) == (1, "control_bytes")
    assert issue.message.endswith("at character 16 removed, and 2 more on lines 1, 5")
    noise = random.Random(7).randbytes(4096)
    with pytest.raises(FileError, match="file is binary"):
        decode(noise, "text guide")
