"""A forest plot as a journal prints it, laid out from the measured width of its text.

Columns left to right: the source (wrapped, its timepoint and size under it), events and totals
per arm where known, the weight in the pool, the estimate and its 95 % interval, then the plot.
Pooled estimates come first, closed by the pooled row (a diamond), the method and the
heterogeneity statistics (τ², Q with its df and p, I²), the test for the overall effect (Z, p) and
the prediction interval; estimates counted alone are set apart under their own heading. The axis
is symmetric about the null (log scale on decades for ratios, so the null sits mid-plot on every
plot; linear for differences), tick labels that would touch are dropped, an interval past the
axis ends in an arrow, and "favours …" stands under each side in the finding's own arm names,
on the side the outcome's polarity puts them. What was turned round and each source's full
citation are footnotes. Every column is as wide as its widest text, so nothing overlaps and the
figure is as wide as it needs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from pipelines.appraise.verdict_words import number
from pipelines.store.drawing import GREY, Box, Drawing, Line, Polygon, Shape, Text
from pipelines.store.text_width import text_width, wrap

SIZE, SMALL = 12.0, 10.5
LINE, SMALL_LINE = 15, 13  # baseline to baseline
GAP, MARGIN = 18, 10
PLOT_WIDTH, LABEL_MAX, STATS_MIN, ARM_MIN = 260, 240, 300, 110
MAX_DECADES = 3  # a ratio axis reaches 0.001 to 1000 at most; wider intervals end in an arrow
SQUARE, POOLED_INK, PREDICTION = "#1b4f9c", "#222", "#b3541e"
METHOD = "Random effects (Paule-Mandel), 95% CI"


@dataclass(frozen=True)
class Row:
    estimate_id: str
    source: str
    citation: str
    detail: str
    value: float
    low: float | None
    high: float | None
    note: str
    weight: float | None  # its share of the pool; None when counted alone
    arms: tuple[int | None, int | None, int | None, int | None] = (None, None, None, None)
    # events and total of the intervention, then of the comparator


@dataclass(frozen=True)
class Pooled:
    value: float
    low: float
    high: float
    pi_low: float | None
    pi_high: float | None
    i2: float
    tau2: float
    q: float | None = None
    q_p: float | None = None
    z: float | None = None
    z_p: float | None = None


@dataclass(frozen=True)
class Plot:
    measure: str  # as the value column's header says it: "RR", "MD of itch (VAS)"
    axis_title: str  # "Risk ratio (log scale)"
    ratio: bool
    higher_is_better: bool
    intervention: str
    comparator: str
    rows: tuple[Row, ...]
    pooled: Pooled | None
    title: str = "Forest plot"


def forest_drawing(plot: Plot) -> Drawing:
    """The plot laid out: every shape placed, the drawing as wide and tall as its content."""
    return _Layout(plot).draw()


def p_value(p: float) -> str:
    """p as journals print it: two significant figures, under 0.001 as a bound."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}"


class _Layout:
    """One plot being laid out: columns measured first, then rows placed top to bottom."""

    def __init__(self, plot: Plot) -> None:
        self.plot = plot
        self.shapes: list[Shape] = []
        self.pool = [r for r in plot.rows if r.weight is not None] if plot.pooled else []
        self.alone = [r for r in plot.rows if r not in self.pool]
        self.notes = list(dict.fromkeys(r.note for r in plot.rows if r.note))  # a letter each
        self.low, self.high = _range(plot)
        self._columns()

    def _columns(self) -> None:
        """Each column's left edge, from the widest text it will hold."""
        plot = self.plot
        labels = [r.source for r in plot.rows] + [r.detail for r in plot.rows]
        widest = max((text_width(t, SIZE) for t in labels), default=0)
        self.label_width = min(
            LABEL_MAX, max(widest, text_width("Total (95% CI)", SIZE, bold=True))
        )
        x = MARGIN + self.label_width + GAP
        self.events = any(v is not None for r in plot.rows for v in r.arms)
        self.arm_columns: list[tuple[float, float]] = []  # right edge and width of each number
        if self.events:
            for n in range(4):
                head = "Events" if n % 2 == 0 else "Total"
                values = [str(r.arms[n]) for r in plot.rows if r.arms[n] is not None]
                width = max(text_width(t, SIZE, bold=True) for t in [head, *values])
                if n % 2:  # an arm's two columns are wide enough for its name on two lines
                    pair = x + width - (self.arm_columns[-1][0] - self.arm_columns[-1][1])
                    width += max(0.0, ARM_MIN - pair)
                self.arm_columns.append((x + width, width))
                x += width + (GAP if n % 2 else GAP / 2)
        self.weight_x = None
        if self.pool:
            self.weight_x = x + text_width("Weight", SIZE, bold=True)
            x = self.weight_x + GAP
        self.value_x = x
        values = [_interval(r.value, r.low, r.high) + " a" for r in plot.rows]
        if plot.pooled:
            values.append(_interval(plot.pooled.value, plot.pooled.low, plot.pooled.high))
        self.value_width = max(
            [text_width(f"{plot.measure} [95% CI]", SIZE, bold=True)]
            + [text_width(v, SIZE, bold=True) for v in values]
        )
        self.plot_left = self.value_x + self.value_width + GAP
        self.plot_right = self.plot_left + PLOT_WIDTH

    def x(self, value: float) -> float:
        position = (_t(value, self.plot.ratio) - self.low) / (self.high - self.low)
        return self.plot_left + min(1.0, max(0.0, position)) * PLOT_WIDTH

    def draw(self) -> Drawing:
        y = self._header(MARGIN + SIZE)
        top = y - LINE + 4
        for row in self.pool:
            y = self._row(row, y)
        if self.plot.pooled is not None:
            y = self._pooled(self.plot.pooled, y)
            if self.alone:
                self.shapes.append(
                    Text(MARGIN, y, "Counted alone, not pooled", bold=True, css="group")
                )
                y += LINE + 4
        for row in self.alone:
            y = self._row(row, y)
        null = self.x(1.0 if self.plot.ratio else 0.0)
        self.shapes.append(Line(null, top, null, y - 6, "#000", dashed=True, css="null"))
        y = self._axis(y - 6)
        texts = [s for s in self.shapes if isinstance(s, Text)]
        width = math.ceil(max([self.plot_right, *map(_right_edge, texts)]) + MARGIN)
        y = self._footnotes(y, width)
        return Drawing(width, math.ceil(y), self.plot.title, self._description(), self.shapes)

    def _header(self, y: float) -> float:
        """Arm names over their events and totals, then each column's name; the first row's
        baseline."""
        plot = self.plot
        if self.events:
            heads = []
            for n, arm in enumerate((plot.intervention, plot.comparator)):
                right, width = self.arm_columns[2 * n]
                left, right = right - width, self.arm_columns[2 * n + 1][0]
                heads.append((left, right, wrap(arm, SIZE, right - left, bold=True)))
            depth = max(len(lines) for _, _, lines in heads)
            for left, right, lines in heads:
                for k, line in enumerate(lines):
                    self.shapes.append(
                        Text((left + right) / 2, y + (depth - len(lines) + k) * LINE, line,
                             bold=True, anchor="middle", css="arm")
                    )  # fmt: skip
            y += depth * LINE
            for n, (right, _) in enumerate(self.arm_columns):
                head = "Events" if n % 2 == 0 else "Total"
                self.shapes.append(Text(right, y, head, bold=True, anchor="end"))
        self.shapes.append(Text(MARGIN, y, "Source", bold=True))
        if self.weight_x is not None:
            self.shapes.append(Text(self.weight_x, y, "Weight", bold=True, anchor="end"))
        self.shapes.append(Text(self.value_x, y, f"{plot.measure} [95% CI]", bold=True))
        return y + LINE + 8

    def _row(self, row: Row, y: float) -> float:
        """One estimate: its label lines, numbers, square and interval; the next baseline."""
        lines = wrap(row.source, SIZE, self.label_width)
        for k, line in enumerate(lines):
            self.shapes.append(
                Text(MARGIN, y + k * LINE, line, css="source" if k == 0 else "", tip=row.citation)
            )
        details = wrap(row.detail, SMALL, self.label_width) if row.detail else []
        below = y + (len(lines) - 1) * LINE
        for k, line in enumerate(details):
            self.shapes.append(
                Text(MARGIN, below + (k + 1) * SMALL_LINE, line, SMALL, fill=GREY, css="detail")
            )
        for (right, _), value in zip(self.arm_columns, row.arms, strict=False):
            if value is not None:
                self.shapes.append(Text(right, y, str(value), anchor="end", css="events"))
        if row.weight is not None and self.weight_x is not None:
            self.shapes.append(Text(self.weight_x, y, f"{row.weight:.0%}", anchor="end"))
        text = _interval(row.value, row.low, row.high)
        self.shapes.append(Text(self.value_x, y, text, css="value"))
        if row.note:
            letter = chr(ord("a") + self.notes.index(row.note))
            self.shapes.append(
                Text(self.value_x + text_width(text, SIZE) + 2, y - 5, letter, SMALL - 2)
            )
        middle = y - 4
        self._interval_line(row.low, row.high, middle, "#222", "")
        size = 5 + (8 * row.weight if row.weight is not None else 0)
        self.shapes.append(
            Box(self.x(row.value) - size / 2, middle - size / 2, size, size, SQUARE,
                "estimate", (("estimate", row.estimate_id),))
        )  # fmt: skip
        return below + len(details) * SMALL_LINE + LINE + 6

    def _pooled(self, pooled: Pooled, y: float) -> float:
        """The diamond row, the statistics under it and the prediction interval."""
        self.shapes.append(Text(MARGIN, y, "Total (95% CI)", bold=True, css="pooled-label"))
        if self.weight_x is not None:
            self.shapes.append(Text(self.weight_x, y, "100%", bold=True, anchor="end"))
        self.shapes.append(
            Text(self.value_x, y, _interval(pooled.value, pooled.low, pooled.high), bold=True,
                 css="value")
        )  # fmt: skip
        middle = y - 4
        self.shapes.append(
            Polygon(
                ((self.x(pooled.low), middle), (self.x(pooled.value), middle - 7),
                 (self.x(pooled.high), middle), (self.x(pooled.value), middle + 7)),
                POOLED_INK, "pooled",
            )
        )  # fmt: skip
        y += LINE + 2
        if pooled.pi_low is not None and pooled.pi_high is not None:
            self.shapes += [
                Text(MARGIN, y, "95% prediction interval", SMALL, fill=GREY, css="stats"),
                Text(self.value_x, y, f"[{number(pooled.pi_low)}, {number(pooled.pi_high)}]",
                     SMALL, fill=GREY, css="prediction-value"),
            ]  # fmt: skip
            self._interval_line(pooled.pi_low, pooled.pi_high, y - 4, PREDICTION, "prediction")
            y += SMALL_LINE + 2
        room = max(STATS_MIN, self.plot_left - GAP - MARGIN)
        for line in _statistics(pooled, len(self.pool)):
            for part in wrap(line, SMALL, room):
                self.shapes.append(Text(MARGIN, y, part, SMALL, fill=GREY, css="stats"))
                y += SMALL_LINE
        return y + LINE - SMALL_LINE + 8

    def _interval_line(
        self, low: float | None, high: float | None, y: float, stroke: str, css: str
    ) -> None:
        """The interval, with an arrow at an end past the axis and a cap at one within it."""
        if low is None or high is None:
            return
        left, right = self.x(low), self.x(high)
        self.shapes.append(Line(left, y, right, y, stroke, css=css))
        for end, at, outward in ((low, left, -1), (high, right, 1)):
            beyond = _t(end, self.plot.ratio) * outward > (self.high if outward > 0 else -self.low)
            if beyond:
                self.shapes.append(
                    Polygon(((at + 6 * outward, y), (at, y - 4), (at, y + 4)), stroke, "arrow")
                )
            elif css:
                self.shapes.append(Line(at, y - 4, at, y + 4, stroke))

    def _axis(self, y: float) -> float:
        plot = self.plot
        self.shapes.append(Line(self.plot_left, y, self.plot_right, y, "#000", css="axis"))
        for tick in _ticks(plot.ratio, self.low, self.high, self.x):
            at = self.x(tick)
            self.shapes += [
                Line(at, y, at, y + 4, "#000"),
                Text(at, y + 16, _tick_label(tick), anchor="middle", css="tick"),
            ]
        left, right = (
            (plot.comparator, plot.intervention)
            if plot.higher_is_better
            else (plot.intervention, plot.comparator)
        )
        null = self.x(1.0 if plot.ratio else 0.0)
        self.shapes += [
            Text(null - 6, y + 32, f"← favours {left}", anchor="end", css="favours"),
            Text(null + 6, y + 32, f"favours {right} →", css="favours"),
            Text(
                null, y + 48, plot.axis_title, SMALL, anchor="middle", fill=GREY, css="axis-title"
            ),
        ]
        return y + 56

    def _footnotes(self, y: float, width: float) -> float:
        """What each letter says, then each source's full citation, wrapped to the width."""
        room = width - 2 * MARGIN
        items = [(f"{chr(ord('a') + n)} {note}", "note") for n, note in enumerate(self.notes)]
        cited = {
            r.source: r.citation for r in self.plot.rows if r.citation and r.citation != r.source
        }
        items += [(f"{source}: {citation}", "citation") for source, citation in cited.items()]
        if items:
            y += 6
        for text, css in items:
            for line in wrap(text, SMALL, room):
                y += SMALL_LINE
                self.shapes.append(Text(MARGIN, y, line, SMALL, fill=GREY, css=css))
        return y + MARGIN

    def _description(self) -> str:
        plot = self.plot
        words = [
            f"Forest plot of {len(plot.rows)} estimate{'s' if len(plot.rows) != 1 else ''}, "
            f"{plot.axis_title}: {plot.intervention} against {plot.comparator}."
        ]
        if plot.pooled is not None:
            p = plot.pooled
            words.append(
                f"Pooled {_interval(p.value, p.low, p.high)} from {len(self.pool)} estimates "
                f"({METHOD}); I² {p.i2:.0f}%."
            )
        return " ".join(words)


def _statistics(pooled: Pooled, k: int) -> list[str]:
    heterogeneity = f"Heterogeneity: τ² = {pooled.tau2:.3g}"
    if pooled.q is not None and pooled.q_p is not None:
        heterogeneity += f"; Q = {pooled.q:.2f}, df = {k - 1} ({p_value(pooled.q_p)})"
    lines = [METHOD, f"{heterogeneity}; I² = {pooled.i2:.0f}%"]
    if pooled.z is not None and pooled.z_p is not None:
        lines.append(f"Test for overall effect: Z = {abs(pooled.z):.2f} ({p_value(pooled.z_p)})")
    return lines


def _interval(value: float, low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return number(value)
    return f"{number(value)} [{number(low)}, {number(high)}]"


def _right_edge(text: Text) -> float:
    width = text_width(text.text, text.size, bold=text.bold)
    return text.x + {"start": width, "middle": width / 2}.get(text.anchor, 0.0)


def _t(value: float, ratio: bool) -> float:
    return math.log10(value) if ratio else value


def _range(plot: Plot) -> tuple[float, float]:
    """The axis on the transformed scale, symmetric about the null: for ratios whole decades,
    one at least and MAX_DECADES at most; for differences out to a 1-2-5 step."""
    values = [v for row in plot.rows for v in (row.value, row.low, row.high) if v is not None]
    if plot.pooled is not None:
        p = plot.pooled
        values += [v for v in (p.low, p.high, p.pi_low, p.pi_high) if v is not None]
    if plot.ratio:
        reach = max((abs(math.log10(v)) for v in values if v > 0), default=1.0)
        decades = min(MAX_DECADES, max(1, math.ceil(reach - 1e-9)))
        return -decades, decades
    step = _step(max((abs(v) for v in values), default=1.0) or 1.0)
    return -step, step


def _step(reach: float) -> float:
    power = 10 ** math.floor(math.log10(reach))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= reach)


def _ticks(ratio: bool, low: float, high: float, at: Callable[[float], float]) -> list[float]:
    """The ticks whose labels do not touch: the null and the ends first, then the rest in order."""
    if ratio:
        steps = (1, 2, 5) if high - low <= 2 else (1,)
        candidates = [m * 10**d for d in range(int(low), int(high) + 1) for m in steps]
        candidates = [c for c in candidates if c <= 10**high * 1.0001]
        null = 1.0
    else:
        candidates, null = [low, low / 2, 0.0, high / 2, high], 0.0
    order = sorted(candidates, key=lambda c: (c != null, c not in (candidates[0], candidates[-1])))
    kept: list[tuple[float, float, float]] = []
    for tick in order:
        half = text_width(_tick_label(tick), SIZE) / 2 + 3
        left, right = at(tick) - half, at(tick) + half
        if all(right <= k_left or left >= k_right for _, k_left, k_right in kept):
            kept.append((tick, left, right))
    return sorted(tick for tick, _, _ in kept)


def _tick_label(tick: float) -> str:
    return f"{tick:g}"
