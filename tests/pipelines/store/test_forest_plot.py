"""The forest plot's elements, from the SVG text: what a reader of a meta-analysis looks for."""

import re

from pipelines.store.forest_plot import Plot, Pooled, Row, forest_svg

ROWS = (
    Row("e1", "Ashcroft 2005", "(3 weeks; 1 trial)", 2.0, 1.5, 2.7, "", 0.6),
    Row("e2", "Smith 2010", "(6 weeks; 1 trial)", 1.5, 1.1, 2.05, "from RR 0.67 [0.49, 0.91], B vs A", 0.4),
)  # fmt: skip


def texts(svg: str, css: str) -> list[str]:
    return re.findall(rf"<text class='{css}'[^>]*>(.*?)</text>", svg)


def test_a_pooled_ratio_plot_has_every_element():
    pooled = Pooled(1.78, 1.4, 2.27, 0.9, 3.5, 12.0, 0.004)
    svg = forest_svg(Plot("RR", True, True, "A 1%", "B", ROWS, pooled))
    assert texts(svg, "tick") == ["0.1", "0.2", "0.5", "1", "2", "5", "10"]
    assert texts(svg, "favours") == ["← favours B", "favours A 1% →"]
    assert texts(svg, "value") == ["2.00 [1.50, 2.70]", "1.50 [1.10, 2.05]", "1.78 [1.40, 2.27]"]
    assert "from RR 0.67 [0.49, 0.91], B vs A" in svg and ">60%<" in svg and ">40%<" in svg
    assert "<polygon class='pooled'" in svg and "class='prediction'" in svg
    assert "I² 12%, τ² 0.004; prediction interval 0.90 to 3.50" in svg
    assert re.findall(r"data-estimate='(\w+)'", svg) == ["e1", "e2"]


def test_the_null_sits_in_the_same_place_on_every_ratio_plot_and_harms_flip_the_sides():
    narrow = forest_svg(Plot("RR", True, True, "A", "B", ROWS[:1], None))
    harm = forest_svg(Plot("RR of relapse", True, False, "A", "B", ROWS[:1], None))
    null = re.compile(r"<line class='null' x1='([\d.]+)'")
    assert null.search(narrow)[1] == null.search(harm)[1] == "500.0"
    assert texts(harm, "favours") == ["← favours A", "favours B →"]
    assert "<polygon" not in narrow


def test_a_difference_plot_is_linear_and_symmetric_about_zero():
    rows = (Row("e", "Kirkup 2003", "", -2.39, -3.47, -1.31, "", None),)
    svg = forest_svg(Plot("MD", False, False, "fluticasone 0.05%", "hydrocortisone 1%", rows, None))
    assert texts(svg, "tick") == ["-5", "-2.5", "0", "2.5", "5"]
    assert texts(svg, "favours") == ["← favours fluticasone 0.05%", "favours hydrocortisone 1% →"]
