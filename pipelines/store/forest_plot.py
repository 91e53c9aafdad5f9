"""A forest plot as a meta-analysis reader expects it, as SVG text (selectable and searchable).

One row per counted estimate, labelled by its source with timepoint and size, its estimate and
95 % interval printed as text (and what was turned round), its weight when pooled; the pooled
diamond with I², τ² and the prediction interval; an axis with ticks (log scale for ratios, on
decades from 0.1 to 10 at least, so the null sits in the same place on every ratio plot; linear
and symmetric about 0 for differences), the null line, and under it "favours …" on each side in
the finding's own arm names, on the side the outcome's polarity puts them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from pipelines.appraise.verdict_words import number

_WIDTH, _LABEL, _AXIS_LEFT, _AXIS_RIGHT, _TEXT, _WEIGHT = 1060, 8, 360, 640, 660, 980
_ROW, _TOP = 34, 40


@dataclass(frozen=True)
class Row:
    estimate_id: str
    source: str
    detail: str
    value: float
    low: float
    high: float
    note: str
    weight: float | None


@dataclass(frozen=True)
class Pooled:
    value: float
    low: float
    high: float
    pi_low: float | None
    pi_high: float | None
    i2: float
    tau2: float


@dataclass(frozen=True)
class Plot:
    measure: str
    ratio: bool
    higher_is_better: bool
    intervention: str
    comparator: str
    rows: tuple[Row, ...]
    pooled: Pooled | None


def forest_svg(plot: Plot) -> str:
    """The plot as one <svg> element."""
    low, high = _range(plot)
    lines = len(plot.rows) + (2 if plot.pooled else 0)
    axis_y = _TOP + lines * _ROW + 6
    height = axis_y + 56

    def x(value: float) -> float:
        position = (_t(value, plot.ratio) - low) / (high - low)
        return _AXIS_LEFT + min(1.0, max(0.0, position)) * (_AXIS_RIGHT - _AXIS_LEFT)

    null = 1.0 if plot.ratio else 0.0
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{_WIDTH}' height='{height}' "
        f"viewBox='0 0 {_WIDTH} {height}' role='img' font-family='system-ui, sans-serif' "
        f"font-size='12' aria-label='forest plot, {escape(plot.measure)}'>",
        f"<text x='{_LABEL}' y='20' font-weight='bold'>Source</text>",
        f"<text x='{_TEXT}' y='20' font-weight='bold'>{escape(plot.measure)} [95% CI]</text>",
    ]
    if any(row.weight is not None for row in plot.rows):
        out.append(f"<text x='{_WEIGHT}' y='20' font-weight='bold'>Weight</text>")
    for n, row in enumerate(plot.rows):
        y = _TOP + n * _ROW
        size = 5 + (8 * row.weight if row.weight is not None else 0)
        out += [
            f"<text x='{_LABEL}' y='{y + 4}'>{escape(row.source)}"
            f"<tspan fill='#555' font-size='11'> {escape(row.detail)}</tspan></text>",
            f"<line x1='{x(row.low):.1f}' x2='{x(row.high):.1f}' y1='{y}' y2='{y}' stroke='#222'/>",
            f"<rect class='estimate' data-estimate='{escape(row.estimate_id)}' "
            f"x='{x(row.value) - size / 2:.1f}' y='{y - size / 2:.1f}' width='{size:.1f}' "
            f"height='{size:.1f}' fill='#1b4f9c'/>",
            f"<text class='value' x='{_TEXT}' y='{y + 4}'>{number(row.value)} "
            f"[{number(row.low)}, {number(row.high)}]</text>",
            (
                f"<text class='note' x='{_TEXT}' y='{y + 17}' fill='#555' font-size='10.5'>"
                f"{escape(row.note)}</text>"
                if row.note
                else ""
            ),
        ]
        if row.weight is not None:
            out.append(f"<text x='{_WEIGHT}' y='{y + 4}'>{row.weight:.0%}</text>")
    if plot.pooled is not None:
        out += _diamond(plot.pooled, _TOP + (len(plot.rows) + 0.5) * _ROW, x)
    out += _axis(plot, low, high, axis_y, x)
    out.append(
        f"<line class='null' x1='{x(null):.1f}' x2='{x(null):.1f}' y1='{_TOP - 12}' "
        f"y2='{axis_y}' stroke='#000' stroke-dasharray='3,3'/>"
    )
    return "".join(out) + "</svg>"


def _diamond(pooled: Pooled, y: float, at: Callable[[float], float]) -> list[str]:
    points = (
        f"{at(pooled.low):.1f},{y:.1f} {at(pooled.value):.1f},{y - 7:.1f} "
        f"{at(pooled.high):.1f},{y:.1f} {at(pooled.value):.1f},{y + 7:.1f}"
    )
    out = []
    if pooled.pi_low is not None and pooled.pi_high is not None:
        out.append(
            f"<line class='prediction' x1='{at(pooled.pi_low):.1f}' x2='{at(pooled.pi_high):.1f}' "
            f"y1='{y:.1f}' y2='{y:.1f}' stroke='#b3541e'/>"
        )
    interval = (
        f"; prediction interval {number(pooled.pi_low)} to {number(pooled.pi_high)}"
        if pooled.pi_low is not None and pooled.pi_high is not None
        else ""
    )
    out += [
        f"<polygon class='pooled' points='{points}' fill='#222'/>",
        f"<text x='{_LABEL}' y='{y + 4:.1f}' font-weight='bold'>Pooled (random effects)"
        f"<tspan font-weight='normal' fill='#555' font-size='11'> I² {pooled.i2:.0f}%, "
        f"τ² {pooled.tau2:.3g}{interval}</tspan></text>",
        f"<text class='value' x='{_TEXT}' y='{y + 4:.1f}' font-weight='bold'>{number(pooled.value)} "
        f"[{number(pooled.low)}, {number(pooled.high)}]</text>",
    ]
    return out


def _axis(plot: Plot, low: float, high: float, y: float, at: Callable[[float], float]) -> list[str]:
    out = [
        f"<line class='axis' x1='{_AXIS_LEFT}' x2='{_AXIS_RIGHT}' y1='{y}' y2='{y}' stroke='#000'/>"
    ]
    for tick in _ticks(plot.ratio, low, high):
        out += [
            f"<line x1='{at(tick):.1f}' x2='{at(tick):.1f}' y1='{y}' y2='{y + 4}' stroke='#000'/>",
            f"<text class='tick' x='{at(tick):.1f}' y='{y + 16}' text-anchor='middle'>{tick:g}</text>",
        ]
    left, right = (
        (plot.comparator, plot.intervention)
        if plot.higher_is_better
        else (plot.intervention, plot.comparator)
    )
    null = at(1.0 if plot.ratio else 0.0)
    out += [
        f"<text class='favours' x='{null - 6:.1f}' y='{y + 34}' text-anchor='end'>"
        f"← favours {escape(left)}</text>",
        f"<text class='favours' x='{null + 6:.1f}' y='{y + 34}'>favours {escape(right)} →</text>",
    ]
    return out


def _t(value: float, ratio: bool) -> float:
    return math.log10(value) if ratio else value


def _range(plot: Plot) -> tuple[float, float]:
    """The axis, on the transformed scale: decades from 0.1 to 10 at least for ratios; for
    differences symmetric about 0, out to a 1-2-5 step."""
    values = [v for row in plot.rows for v in (row.low, row.high)]
    if plot.pooled is not None:
        values += [plot.pooled.low, plot.pooled.high]
    if plot.ratio:
        logs = [math.log10(v) for v in values if v > 0]
        return min(-1, math.floor(min(logs, default=-1))), max(1, math.ceil(max(logs, default=1)))
    reach = max((abs(v) for v in values), default=1.0) or 1.0
    step = _step(reach)
    return -step, step


def _step(reach: float) -> float:
    power = 10 ** math.floor(math.log10(reach))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= reach)


def _ticks(ratio: bool, low: float, high: float) -> list[float]:
    if ratio:
        return [
            m * 10**d
            for d in range(int(low), int(high) + 1)
            for m in (1, 2, 5)
            if d < high or m == 1
        ]
    return [low, low / 2, 0.0, high / 2, high]
