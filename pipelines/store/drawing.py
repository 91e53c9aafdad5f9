"""A figure as a list of shapes placed in pixels, and its SVG text.

A figure is laid out once (store/forest_plot.py) and drawn by any renderer: SVG here, PNG and PDF
by store/figure_files.py. Shapes carry a class and data attributes so a test or a stylesheet can
find them in the SVG; every text is escaped (it comes from guides and sources).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from pipelines.store.text_width import FONT_FAMILY

INK, GREY = "#222", "#555"


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    size: float = 12
    bold: bool = False
    anchor: str = "start"  # start, middle or end, as SVG's text-anchor
    fill: str = INK
    css: str = ""
    tip: str = ""  # a longer text shown on hover (an SVG <title>)


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = INK
    dashed: bool = False
    css: str = ""


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    fill: str
    css: str = ""
    data: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Polygon:
    points: tuple[tuple[float, float], ...]
    fill: str
    css: str = ""


Shape = Text | Line | Box | Polygon


@dataclass
class Drawing:
    width: float
    height: float
    title: str
    description: str
    shapes: list[Shape] = field(default_factory=list)


def to_svg(drawing: Drawing) -> str:
    """The drawing as one standalone <svg> element, its title and description first."""
    width, height = f"{drawing.width:.0f}", f"{drawing.height:.0f}"
    head = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' role='img' font-family='{FONT_FAMILY}' font-size='12' "
        f"><title>{escape(drawing.title)}</title><desc>{escape(drawing.description)}</desc>"
    )
    return head + "".join(_svg(shape) for shape in drawing.shapes) + "</svg>"


def _svg(shape: Shape) -> str:
    css = f" class='{shape.css}'" if shape.css else ""
    if isinstance(shape, Text):
        tip = f"<title>{escape(shape.tip)}</title>" if shape.tip else ""
        return (
            f"<text{css} x='{shape.x:.1f}' y='{shape.y:.1f}'"
            + (f" font-size='{shape.size:g}'" if shape.size != 12 else "")
            + (" font-weight='bold'" if shape.bold else "")
            + (f" text-anchor='{shape.anchor}'" if shape.anchor != "start" else "")
            + (f" fill='{shape.fill}'" if shape.fill != INK else "")
            + f">{tip}{escape(shape.text)}</text>"
        )
    if isinstance(shape, Line):
        dash = " stroke-dasharray='3,3'" if shape.dashed else ""
        return (
            f"<line{css} x1='{shape.x1:.1f}' x2='{shape.x2:.1f}' y1='{shape.y1:.1f}' "
            f"y2='{shape.y2:.1f}' stroke='{shape.stroke}'{dash}/>"
        )
    if isinstance(shape, Box):
        data = "".join(f" data-{name}='{escape(value)}'" for name, value in shape.data)
        return (
            f"<rect{css}{data} x='{shape.x:.1f}' y='{shape.y:.1f}' width='{shape.width:.1f}' "
            f"height='{shape.height:.1f}' fill='{shape.fill}'/>"
        )
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in shape.points)
    return f"<polygon{css} points='{points}' fill='{shape.fill}'/>"
