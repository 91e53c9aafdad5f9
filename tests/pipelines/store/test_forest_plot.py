"""The forest plot's elements and layout, from the drawing and its SVG text: what a reader of a
meta-analysis looks for, and no text over another (the browser test measures the same in Chromium)."""

import re
import subprocess
import sys
from dataclasses import replace
from itertools import combinations

from pipelines.store.drawing import Polygon, Text, to_svg
from pipelines.store.figure_files import figure_stem, write_figures
from pipelines.store.forest_plot import PLOT_WIDTH, Plot, Pooled, Row, forest_drawing
from pipelines.store.text_width import text_width, wrap

ROWS = (
    Row("e1", "Ashcroft 2005", "Ashcroft DM 2005, BMJ", "3 weeks; 1 trial", 2.0, 1.5, 2.7, "",
        0.6, (40, 100, 20, 98)),
    Row("e2", "Smith 2010", "Smith J 2010, Br J Dermatol", "6 weeks; 1 trial", 1.5, 1.1, 2.05,
        "from RR 0.67 [0.49, 0.91], B vs A", 0.4),
)  # fmt: skip
ALONE = Row("e3", "Jones 2012", "Jones 2012", "12 weeks", 0.02, 0.0001, 4.0, "", None)
POOLED = Pooled(1.78, 1.4, 2.27, 0.9, 3.5, 12.0, 0.004, 1.14, 0.286, 4.7, 0.0000026)


def texts(svg: str, css: str) -> list[str]:
    return re.findall(rf"<text class='{css}'[^>]*>(.*?)</text>", svg)


def plot(rows=ROWS, pooled=POOLED, **changes) -> Plot:
    fields = dict(measure="RR", axis_title="Risk ratio (log scale)", ratio=True,
                  higher_is_better=True, intervention="A 1%", comparator="B", rows=rows,
                  pooled=pooled, title="A 1% vs B — IGA success (RR)")  # fmt: skip
    return Plot(**{**fields, **changes})


def test_a_pooled_ratio_plot_has_what_a_journal_prints():
    svg = to_svg(forest_drawing(plot()))
    assert svg.startswith("<svg") and "<title>A 1% vs B — IGA success (RR)</title>" in svg
    assert "<desc>Forest plot of 2 estimates, Risk ratio (log scale): A 1% against B." in svg
    assert texts(svg, "tick") == ["0.1", "0.2", "0.5", "1", "2", "5", "10"]
    assert texts(svg, "favours") == ["← favours B", "favours A 1% →"]
    assert texts(svg, "axis-title") == ["Risk ratio (log scale)"]
    assert texts(svg, "value") == ["2.00 [1.50, 2.70]", "1.50 [1.10, 2.05]", "1.78 [1.40, 2.27]"]
    assert texts(svg, "events") == ["40", "100", "20", "98"]
    assert ">60%<" in svg and ">40%<" in svg and ">100%<" in svg
    assert texts(svg, "stats") == [
        "95% prediction interval",
        "Random effects (Paule-Mandel), 95% CI",
        "Heterogeneity: τ² = 0.004; Q = 1.14, df = 1 (p = 0.29); I² = 12%",
        "Test for overall effect: Z = 4.70 (p &lt; 0.001)",
    ]
    assert texts(svg, "prediction-value") == ["[0.90, 3.50]"]
    assert "<polygon class='pooled'" in svg and "class='prediction'" in svg
    assert texts(svg, "note") == ["a from RR 0.67 [0.49, 0.91], B vs A"]
    assert texts(svg, "citation") == [
        "Ashcroft 2005: Ashcroft DM 2005, BMJ",
        "Smith 2010: Smith J 2010, Br J Dermatol",
    ]
    assert re.findall(r"data-estimate='(\w+)'", svg) == ["e1", "e2"]
    # the prediction interval on a line of its own, within the axis (it once struck through its
    # caption and ran off the axis)
    drawing = forest_drawing(plot())
    axis = next(s for s in drawing.shapes if getattr(s, "css", "") == "axis")
    [line] = [s for s in drawing.shapes if getattr(s, "css", "") == "prediction"]
    [caption] = [s for s in drawing.shapes if getattr(s, "text", "") == "95% prediction interval"]
    assert axis.x1 < line.x1 < line.x2 < axis.x2 and line.y1 == caption.y - 4
    pooled = next(s for s in drawing.shapes if getattr(s, "css", "") == "pooled-label")
    assert caption.y > pooled.y


def test_an_estimate_counted_alone_stands_apart_under_the_pool_and_past_the_axis_ends_in_an_arrow():
    drawing = forest_drawing(plot(rows=(ROWS[0], ALONE, ROWS[1])))
    at = {s.css: s.y for s in drawing.shapes if isinstance(s, Text) and s.css}
    sources = [s.text for s in drawing.shapes if isinstance(s, Text) and s.css == "source"]
    assert sources == ["Ashcroft 2005", "Smith 2010", "Jones 2012"]
    assert at["pooled-label"] < at["group"]
    assert (
        next(s for s in drawing.shapes if isinstance(s, Text) and s.text == "Jones 2012").y
        > at["group"]
    )
    arrows = [s for s in drawing.shapes if isinstance(s, Polygon) and s.css == "arrow"]
    assert len(arrows) == 1 and arrows[0].points[0][0] < arrows[0].points[1][0]  # points left
    svg = to_svg(drawing)
    assert texts(svg, "tick") == ["0.001", "0.01", "0.1", "1", "10", "100", "1000"]
    assert "0.02 [0.0001, 4.00]" in svg


def test_no_text_overlaps_another_or_leaves_the_figure():
    long_names = plot(
        rows=(ROWS[0], replace(ALONE, source="Topical administration of crisaborole in mild…"),
              ROWS[1]),
        intervention="Topical calcineurin inhibitors", comparator="Topical corticosteroids",
    )  # fmt: skip
    for case in (plot(), long_names, plot(pooled=None, rows=(ALONE,))):
        drawing = forest_drawing(case)
        boxes = [_box(s) for s in drawing.shapes if isinstance(s, Text)]
        for a, b in combinations(boxes, 2):
            assert not _overlap(a, b), (a, b)
        assert all(left >= 0 and right <= drawing.width and top >= 0 and bottom <= drawing.height
                   for left, top, right, bottom, _ in boxes)  # fmt: skip


def test_a_note_printed_twice_has_one_letter_and_the_next_note_the_next():
    turned = "from RR 0.50 [0.40, 0.62], B vs A"
    rows = (
        replace(ROWS[0], note=turned), replace(ROWS[1], note=turned),
        replace(ALONE, note="derived from 3/10 vs 1/10"),
    )  # fmt: skip
    svg = to_svg(forest_drawing(plot(rows=rows)))
    assert texts(svg, "note") == [f"a {turned}", "b derived from 3/10 vs 1/10"]
    letters = re.findall(r"<text x='[\d.]+' y='[\d.]+' font-size='8.5'>(\w)</text>", svg)
    assert letters == ["a", "a", "b"]


def test_tick_labels_that_would_touch_are_dropped():
    """An interval under 0.1 made the axis print "0.010.02"."""
    row = Row("e", "A", "A", "", 0.03, 0.012, 0.08, "", None)
    svg = to_svg(forest_drawing(plot(rows=(row,), pooled=None)))
    assert texts(svg, "tick") == ["0.01", "0.1", "1", "10", "100"]


def test_the_null_sits_mid_axis_and_harms_flip_the_sides():
    for case in (plot(), plot(measure="RR of relapse", higher_is_better=False, pooled=None)):
        drawing = forest_drawing(case)
        axis = next(s for s in drawing.shapes if getattr(s, "css", "") == "axis")
        null = next(s for s in drawing.shapes if getattr(s, "css", "") == "null")
        assert axis.x2 - axis.x1 == PLOT_WIDTH and null.x1 == (axis.x1 + axis.x2) / 2
    harm = to_svg(forest_drawing(plot(higher_is_better=False, pooled=None)))
    assert texts(harm, "favours") == ["← favours A 1%", "favours B →"]
    assert "<polygon" not in harm


def test_a_difference_plot_is_linear_and_symmetric_about_zero():
    rows = (Row("e", "Kirkup 2003", "Kirkup 2003", "", -2.39, -3.47, -1.31, "", None),)
    svg = to_svg(forest_drawing(plot(
        rows=rows, pooled=None, measure="MD", axis_title="Mean difference", ratio=False,
        higher_is_better=False, intervention="fluticasone 0.05%", comparator="hydrocortisone 1%",
    )))  # fmt: skip
    assert texts(svg, "tick") == ["-5", "-2.5", "0", "2.5", "5"]
    assert texts(svg, "favours") == ["← favours fluticasone 0.05%", "favours hydrocortisone 1% →"]


def test_a_guide_s_markup_in_a_label_is_text():
    hostile = Row("e1", "<b onmouseover=x>Evil & co</b>", "<script>x</script>", "", 2.0, 1.5,
                  2.7, "", None)  # fmt: skip
    svg = to_svg(forest_drawing(plot(rows=(hostile,), pooled=None, intervention="<i>A</i>")))
    assert "<b " not in svg and "<script>" not in svg and "<i>" not in svg
    assert "&lt;b onmouseover=x&gt;Evil &amp; co&lt;/b&gt;" in svg


def test_files_are_named_by_comparison_outcome_and_measure():
    assert (
        figure_stem("Tacrolimus 0.1% vs Pimecrolimus 1% — Investigator's Global Assessment (IGA) success, adults", "RR")
        == "tacrolimus-0.1pct-vs-pimecrolimus-1pct--investigators-global-assessment-iga-success-adults--rr"
    )  # fmt: skip
    assert figure_stem("Crème — ../../etc/passwd", "MD") == "creme--etc-passwd--md"
    assert len(figure_stem("A " * 200 + "— B", "RR")) <= 120


def test_png_and_pdf_are_drawn_from_the_same_layout(tmp_path):
    drawings = {"a-vs-b--iga--rr": forest_drawing(plot(rows=(ROWS[0], ALONE, ROWS[1])))}
    [png] = write_figures(drawings, tmp_path / "png", "png")
    [pdf] = write_figures(drawings, tmp_path / "pdf", "pdf")
    assert png.name == "a-vs-b--iga--rr.png" and pdf.name == "a-vs-b--iga--rr.pdf"
    head = png.read_bytes()
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(head[16:20]), int.from_bytes(head[20:24])
    drawing = drawings["a-vs-b--iga--rr"]
    assert abs(width - drawing.width * 200 / 72) <= 1  # 200 dpi of a 72-dpi layout
    assert abs(height - drawing.height * 200 / 72) <= 1
    body = pdf.read_bytes()
    assert body.startswith(b"%PDF") and b"CreationDate" not in body
    assert "A 1% vs B — IGA".encode("utf-16-be") in body  # the title, as PDF keeps Unicode
    again = write_figures(drawings, tmp_path / "again", "pdf")[0]
    assert again.read_bytes() == body  # the same figure is the same bytes


def test_text_is_measured_with_the_fonts_metrics_and_wrapped_between_words():
    assert text_width("Ashcroft 2005", 12) == (667 + 500 + 556 + 500 + 333 + 556 + 278 + 278
                                               + 278 + 4 * 556) * 12 / 1000  # fmt: skip
    assert text_width("τ", 10) == 6.67 and text_width("研", 10) == 10.0
    assert wrap("Topical calcineurin inhibitors", 12, 110) == ["Topical calcineurin", "inhibitors"]


def _box(text: Text) -> tuple[float, float, float, float, str]:
    width = text_width(text.text, text.size, bold=text.bold)
    left = text.x - {"start": 0, "middle": width / 2, "end": width}[text.anchor]
    return left, text.y - text.size * 0.8, left + width, text.y + text.size * 0.2, text.text


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_matplotlib_is_imported_only_when_a_png_or_pdf_is_asked_for():
    probe = (
        "import sys, pipelines.flows, pipelines.cli, pipelines.store.release_report; "
        "print('matplotlib' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
