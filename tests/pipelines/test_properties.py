"""Property-based tests: arbitrary input never raises anything but FileError, and a table written
in either rendering reads back as the same cells."""

import contextlib
import html
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.batches import process_batch
from pipelines.pull.sources import describe_file
from pipelines.read.errors import FileError
from pipelines.read.guide import parse_guide
from pipelines.read.guide_html import parse_guide_html
from pipelines.read.guide_text import parse_guide_text
from pipelines.read.tables.assemble import looks_like_data

TAGS = ["html", "body", "main", "h1", "h2", "p", "div", "table", "caption", "thead", "tr", "td", "th", "ol", "li", "sup", "a", "script", "nav", "br"]  # fmt: skip
PROSE = st.characters(blacklist_categories=("Cc", "Cs", "Cn", "Co", "Zl", "Zp"))
# Cells as the readers keep them: no ligature (read as its letters), no page number at the end
# (a PDF's page furniture).
CELL = (
    st.text(PROSE, min_size=1, max_size=30)
    .map(lambda s: " ".join(s.split()))
    .filter(lambda s: s and not re.search("[\ufb00-\ufb06]|Page \\d+ of \\d+$", s, re.IGNORECASE))
)


@st.composite
def tag_soup(draw: st.DrawFn) -> str:
    """Markup fragments in any order, unbalanced, with attributes that matter to the reader."""
    parts = draw(
        st.lists(
            st.one_of(
                st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
                st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
                st.sampled_from(
                    [
                        '<td rowspan="3">',
                        '<td colspan="999999">',
                        '<ol start="x">',
                        '<a href="#r">[1]</a>',
                        "<sup>[2, 4-6]</sup>",
                        "Table 1: t",
                        "## References",
                    ]
                ),
                st.text(PROSE, max_size=20),
            ),
            max_size=60,
        )
    )
    return "".join(parts)


@st.composite
def table(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    width = draw(st.integers(2, 5))  # tab-separated text cannot tell a one-column table from prose
    # Header labels: a first row that reads as data (a percentage, a marker, a sentence) is no
    # header, by the readers' rule (tables.assemble.looks_like_data).
    header = draw(
        st.lists(CELL, min_size=width, max_size=width).filter(lambda h: not looks_like_data(h))
    )
    rows = draw(st.lists(st.lists(CELL, min_size=width, max_size=width), min_size=1, max_size=6))
    # A row that repeats the header is a repeated header (a page break), not a row.
    return header, [row for row in rows if row != header] or [[*header[:-1], header[-1] + "x"]]


def _only_file_errors(parse, text) -> None:
    with contextlib.suppress(FileError):
        parse(text)


@settings(max_examples=300)
@given(st.text())
def test_any_text_parses_or_raises_file_error(text):
    _only_file_errors(parse_guide_text, text)


@settings(max_examples=300)
@given(tag_soup())
def test_any_markup_parses_or_raises_file_error(text):
    _only_file_errors(parse_guide_html, text)


@settings(max_examples=300)
@given(st.binary(max_size=2000))
def test_any_bytes_parse_or_raise_file_error(data):
    _only_file_errors(parse_guide, data)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(), tag_soup(), st.binary(max_size=500).map(lambda b: b.decode("latin-1"))))
def test_the_whole_batch_never_raises(vocab, records, content):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "guide.txt"
        path.write_text(f"# Title\n\n{content}\n", encoding="utf-8", errors="surrogatepass")
        pulled = describe_file(path, source_id="g", registry_id="t", kind="guide", file="guide.txt")
        frames = process_batch([pulled], vocab, records)
    assert frames["core.sources"].height + frames["quality.source_errors"].height >= 1


@settings(max_examples=200)
@given(table())
def test_a_table_reads_back_the_same_from_text_and_from_html(cells):
    header, rows = cells
    text = (
        "# T\n\nTable 1: Round trip\n\n" + "\n".join("\t".join(r) for r in [header, *rows]) + "\n"
    )
    page = (
        "<html><body><h1>T</h1><table><caption>Table 1: Round trip</caption>"
        + "".join(
            "<tr>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in r) + "</tr>"
            for tag, r in [("th", header)] + [("td", row) for row in rows]
        )
        + "</table></body></html>"
    )
    for guide in (parse_guide_text(text), parse_guide_html(page)):
        [parsed] = guide.tables
        assert list(parsed.header) == header
        assert [[c.text for c in row.cells] for row in parsed.rows] == rows
