"""The HTML reader: the seed's HTML rendering yields what its text rendering yields."""

from pathlib import Path

import polars as pl
import pytest

from pipelines.batches import process_batch
from pipelines.pull.sources import describe_file
from pipelines.read.errors import FileError
from pipelines.read.guide import parse_guide, sniff
from pipelines.read.guide_html import parse_guide_html
from pipelines.read.text import clean
from tests.conftest import DATA, SEED

SEED_HTML = DATA / "benchchem-ascomycin-b7888174.html"
# What may differ between renderings: where things are, and how the file was read.
LOCATION = ["file", "line_no", "format", "bytes", "sha256", "continued_from_line"]


def _shard(path: Path, vocab, records) -> dict[str, pl.DataFrame]:
    pulled = describe_file(
        path, source_id="guides/seed", registry_id="guides", kind="guide", file=path.name
    )
    return process_batch([pulled], vocab, records)


def test_both_renderings_of_the_seed_yield_the_same_datasets(vocab, records):
    text, html = _shard(SEED, vocab, records), _shard(SEED_HTML, vocab, records)
    assert html["core.sources"]["format"].to_list() == ["guide-html"]
    for name in text:
        left, right = (shard[name].drop(LOCATION, strict=False) for shard in (text, html))
        if name == "raw.table_cells":  # lossless cell text: markup as each rendering printed it
            left, right = (
                frame.with_columns(pl.col("cell_text").map_elements(clean, return_dtype=pl.String))
                for frame in (left, right)
            )
        assert left.equals(right), name
    counts = {name: html[name].height for name in html}
    assert counts["core.findings"] == 10 and counts["core.preclinical_findings"] == 3
    assert (counts["core.claims"], counts["core.references"], counts["core.citations"]) == (
        2,
        5,
        10,
    )


def test_line_numbers_point_into_the_html_file(vocab, records):
    html = _shard(SEED_HTML, vocab, records)
    assert html["core.tables"].select("table_no", "line_no").rows() == [(1, 55), (2, 86), (3, 129)]
    assert html["core.references"]["line_no"].to_list() == [146, 147, 148, 149, 150]
    merged = html["raw.table_cells"].filter(table_no=2, column_no=1)
    assert merged["continued_from_line"].to_list() == [None, 93, 93, None, None]


def test_site_chrome_yields_nothing():
    guide = parse_guide(SEED_HTML.read_bytes())
    text = " ".join(p.text for p in guide.paragraphs)
    for chrome in ("Custom Synthesis", "cookies", "Disclaimer", "Table 9", "dataLayer", "Products"):
        assert chrome not in text
    assert [t.table_no for t in guide.tables] == [1, 2, 3]


def test_rowspan_and_colspan_fill_the_grid_and_mark_continuations():
    guide = parse_guide_html(
        "<html><body><h1>T</h1><table><caption>Table 4: Spans</caption>"
        "<tr><th>A</th><th>B</th><th>C</th></tr>\n"
        "<tr><td rowspan=2>a</td><td colspan=2>bc</td></tr>\n"
        "<tr><td>b2</td><td>c2</td></tr>\n"
        "<tr><td>a3</td><td>b3</td></tr>\n"
        "</table></body></html>"
    )
    [table] = guide.tables
    assert (table.table_no, table.title, table.header) == (4, "Spans", ("A", "B", "C"))
    cells = [[(c.text, c.continued_from_line) for c in row.cells] for row in table.rows]
    assert cells == [
        [("a", None), ("bc", None), ("bc", None)],
        [("a", 2), ("b2", None), ("c2", None)],
        [("a3", None), ("b3", None), ("", None)],
    ]


def test_markers_as_links_and_bracketed_superscripts_but_not_bare_superscripts():
    guide = parse_guide_html(
        "<html><body><h1>T</h1><p>One.<sup><a href='#r1'>1</a></sup> Two <a href='#r2'>[2]</a>. "
        "Three<sup>[3, 4]</sup>. Area 5 cm<sup>2</sup> &amp; more&nbsp;text.</p></body></html>"
    )
    assert guide.paragraphs[0].text == "One.[1] Two [2]. Three[3, 4]. Area 5 cm2 & more text."


def test_a_paragraph_table_title_is_used_and_an_empty_table_is_reported():
    guide = parse_guide_html(
        "<html><body><h1>T</h1>\n<p>Table 7: From a paragraph</p>\n"
        "<table><tr><td>x</td><td>y</td></tr><tr><td>1</td><td>2</td></tr></table>\n"
        "<p>Table 8: Not followed by a table</p>\n<p>Prose.</p>\n<table></table></body></html>"
    )
    first, empty = guide.tables
    assert (first.table_no, first.title, first.line_no, first.header) == (
        7,
        "From a paragraph",
        2,
        ("x", "y"),
    )
    assert [[c.text for c in row.cells] for row in first.rows] == [["1", "2"]]
    assert (empty.table_no, empty.rows) == (2, ())
    assert [(i.line_no, i.error) for i in guide.issues] == [(6, "table_shape")]
    assert [p.text for p in guide.paragraphs] == ["Table 8: Not followed by a table", "Prose."]


def test_an_ordered_reference_list_numbers_items_from_its_start():
    guide = parse_guide_html(
        "<html><body><h1>T</h1><h2>References</h2><ol start='3'><li>Third</li>"
        "<li value='9'>Ninth</li><li>Tenth</li></ol><ul><li>No number</li></ul></body></html>"
    )
    assert [(r.ref_no, r.text) for r in guide.references] == [
        (3, "Third"),
        (9, "Ninth"),
        (10, "Tenth"),
    ]
    assert [i.error for i in guide.issues] == ["reference_unnumbered"]


def test_format_is_chosen_by_content_not_extension(tmp_path):
    assert sniff(SEED_HTML.read_text()) == "guide-html"
    assert sniff(SEED.read_text()) == "guide-text"
    assert sniff("<a href='#'>[4]</a> is not a page") == "guide-text"
    disguised = tmp_path / "page.txt"
    disguised.write_bytes(SEED_HTML.read_bytes())
    assert parse_guide(disguised.read_bytes()).format == "guide-html"


def test_a_page_without_title_or_table_is_not_a_guide():
    with pytest.raises(FileError) as raised:
        parse_guide_html("<html><body><p>Just a shop page.</p></body></html>")
    assert raised.value.error == "not_a_guide"


def test_a_full_width_row_names_the_outcome_of_the_rows_below_and_empty_cells_continue():
    guide = parse_guide_html(
        "<html><body><h1>T</h1><table><caption>Table 1: X</caption>"
        "<tr><td>Outcome</td><td>Comparison</td><td>Result</td><td>Grade</td></tr>"
        "<tr><td colspan='4'>Adults</td></tr>"
        "<tr><td>IGA success</td><td>A vs. B</td><td>A is more effective.</td><td>High</td></tr>"
        "<tr><td></td><td>C vs. B</td><td>C is more effective.</td><td>Low</td></tr>"
        "</table></body></html>"
    )
    rows = guide.tables[0].rows
    assert [(r.row_no, r.group, [c.text for c in r.cells]) for r in rows] == [
        (1, "Adults", ["IGA success", "A vs. B", "A is more effective.", "High"]),
        (2, "Adults", ["IGA success", "C vs. B", "C is more effective.", "Low"]),
    ]
    assert guide.issues == []


def test_paragraphs_after_the_reference_list_are_not_references():
    guide = parse_guide_html(
        "<html><body><h1>T</h1><h2>References</h2><p>1. First - PubMed [x]</p>"
        "<p>2. Second - PubMed [x]</p><div><p><b>Disclaimer:</b></p><p>Research use only.</p></div>"
        "</body></html>"
    )
    assert [r.ref_no for r in guide.references] == [1, 2]
    assert [p.text for p in guide.paragraphs] == ["Disclaimer:", "Research use only."]
    assert guide.issues == []


def test_a_two_row_header_row_headers_a_figure_caption_and_nested_dots_read_as_one_grid():
    page = """<html><body><h1>T</h1><figure>
<table><thead>
<tr><th rowspan="2">Outcome</th><th colspan="2">Treatments compared</th><th rowspan="2">Grade</th></tr>
<tr><th>Intervention</th><th>Comparator</th></tr></thead>
<tbody>
<tr><th colspan="4" scope="colgroup">Adults &ge;&nbsp;18&nbsp;years</th></tr>
<tr><th scope="row"><abbr title="Investigator's Global Assessment">IGA</abbr> success</th>
<td>A 0.1&nbsp;%</td><td>B</td>
<td><table role="presentation"><tr><td>&#9679;</td><td>&#9675;</td></tr></table> High</td></tr>
</tbody></table>
<figcaption>Table 3: Evidence in adults</figcaption></figure></body></html>"""
    [table] = parse_guide_html(page).tables
    assert (table.table_no, table.title) == (3, "Evidence in adults")
    assert table.header == ("Outcome", "Intervention", "Comparator", "Grade")
    assert table.header_rows == (
        ("Outcome", "Treatments compared", "Treatments compared", "Grade"),
        ("Outcome", "Intervention", "Comparator", "Grade"),
    )
    [row] = table.rows
    assert [cell.text for cell in row.cells] == ["IGA success", "A 0.1 %", "B", "●○ High"]
    assert row.group == "Adults \u2265 18 years"
