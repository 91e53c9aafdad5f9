"""Figures as files: names a person can find a plot by, and PNG or PDF drawn by matplotlib.

matplotlib is imported only when a PNG or PDF is asked for (`dermevidence report --figures`);
the report's SVGs need nothing but store/drawing.py. A drawing is placed in pixels with y down;
matplotlib draws it at 72 dots per inch so that a pixel is a point and the text keeps the size the
layout measured it at.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.store.drawing import Box, Drawing, Line, Polygon, Text
from pipelines.store.text_width import FONT_FAMILY

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FORMATS = ("png", "pdf")
_STEM_MAX = 120
_PNG_DPI = 200


def figure_stem(title: str, measure: str) -> str:
    """'Tacrolimus 0.1% vs Pimecrolimus 1% — IGA success, adults', 'RR' →
    'tacrolimus-0.1pct-vs-pimecrolimus-1pct--iga-success-adults--rr': ASCII, no spaces, each
    part of the title kept apart by a double dash, cut at a word."""
    parts = [*title.split(" — "), measure]
    stem = "--".join(filter(None, map(_slug, parts)))
    if len(stem) > _STEM_MAX:
        stem = stem[:_STEM_MAX].rsplit("-", 1)[0].rstrip("-")
    return stem or "figure"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = ascii_text.replace("'", "")
    words = re.sub(r"[^a-z0-9.]+", "-", ascii_text.lower().replace("%", "pct"))
    return re.sub(r"(?<![0-9])\.|\.(?![0-9])", "-", words).strip("-").replace("--", "-")


def write_figures(drawings: dict[str, Drawing], folder: Path, fmt: str) -> list[Path]:
    """Each drawing as <folder>/<stem>.<fmt>; the paths written, in order."""
    if fmt not in FORMATS:
        raise ValueError(f"figure format {fmt!r}: use one of {', '.join(FORMATS)}")
    folder.mkdir(parents=True, exist_ok=True)
    family = _font_family()
    written = []
    for stem, drawing in drawings.items():
        path = folder / f"{stem}.{fmt}"
        _draw(drawing, family).savefig(
            path,
            format=fmt,
            dpi=_PNG_DPI if fmt == "png" else 72,
            metadata=_metadata(drawing, fmt),
        )
        written.append(path)
    return written


def _draw(drawing: Drawing, family: str) -> Figure:
    from matplotlib.figure import Figure
    from matplotlib.patches import Polygon as Patch
    from matplotlib.patches import Rectangle

    figure = Figure(figsize=(drawing.width / 72, drawing.height / 72), dpi=72)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, drawing.width)
    axes.set_ylim(drawing.height, 0)
    axes.axis("off")
    for shape in drawing.shapes:
        if isinstance(shape, Text):
            axes.text(
                shape.x, shape.y, shape.text, fontsize=shape.size, family=family,
                fontweight="bold" if shape.bold else "normal", color=shape.fill,
                ha={"start": "left", "middle": "center", "end": "right"}[shape.anchor],
                va="baseline",
            )  # fmt: skip
        elif isinstance(shape, Line):
            axes.plot(
                (shape.x1, shape.x2), (shape.y1, shape.y2), color=shape.stroke, linewidth=1,
                linestyle=(0, (3, 3)) if shape.dashed else "-", solid_capstyle="butt",
            )  # fmt: skip
        elif isinstance(shape, Box):
            axes.add_patch(
                Rectangle((shape.x, shape.y), shape.width, shape.height, color=shape.fill, lw=0)
            )
        elif isinstance(shape, Polygon):
            axes.add_patch(Patch(shape.points, closed=True, color=shape.fill, lw=0))
    return figure


def _font_family() -> str:
    """The first font of the layout's list that this machine has, else matplotlib's own."""
    from matplotlib import font_manager

    have = {font.name for font in font_manager.fontManager.ttflist}
    wanted = [name.strip() for name in FONT_FAMILY.split(",")]
    return next((name for name in wanted if name in have), "DejaVu Sans")


def _metadata(drawing: Drawing, fmt: str) -> dict[str, str | None]:
    """Title and description in the file; no creation date, so the same figure is the same
    bytes."""
    if fmt == "pdf":
        return {"Title": drawing.title, "Subject": drawing.description, "CreationDate": None}
    return {"Title": drawing.title, "Description": drawing.description}
