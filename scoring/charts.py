"""Small line charts drawn on the server as inline SVG (no chart library, no
CDN): one chart per pool, each on its own scale, its lines in the Okabe–Ito
colour-blind-safe palette, never one colour twice in a chart; the legend is
HTML under the chart (it wraps on a phone)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

#: Okabe & Ito (2008), "Color Universal Design": eight colours told apart with
#: every common colour-vision deficiency. Yellow last: faint on white.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)
MAX_SERIES = len(PALETTE)

WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 8, 18


@dataclass(frozen=True)
class Line:
    label: str
    colour: str
    points: str  # SVG polyline points
    last: str  # the final value, two decimals


@dataclass(frozen=True)
class Chart:
    title: str
    lines: list[Line]
    ticks: list[tuple[float, str]]  # (y, label)
    months: list[tuple[float, str]]  # (x, label)
    shown: int
    total: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_x: int = WIDTH - RIGHT
    bottom_y: int = HEIGHT - BOTTOM

    @property
    def omitted(self) -> int:
        return self.total - self.shown


def _nice_ceiling(value: Fraction) -> int:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ (whole) at or above ``value``."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step
        step *= 10


def cumulative(values: list[Fraction]) -> list[Fraction]:
    out, running = [], Fraction(0)
    for v in values:
        running += v
        out.append(running)
    return out


def line_chart(title: str, series: list[tuple[str, list[Fraction]]], *, total: int) -> Chart:
    """A chart of at most :data:`MAX_SERIES` lines (the first ones of
    ``series``, in order; ``total`` says how many there were in all) over
    12 months, the y axis from 0 to a round number above the largest value."""
    series = series[:MAX_SERIES]
    top = _nice_ceiling(max((max(v) for _label, v in series), default=Fraction(0)))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(month: int) -> float:
        return round(LEFT + plot_w * month / 11, 1)

    def y(value: Fraction) -> float:
        return round(TOP + plot_h * float(1 - Fraction(value) / top), 1)

    lines = [
        Line(
            label=label,
            colour=PALETTE[i],
            points=" ".join(f"{x(m)},{y(v)}" for m, v in enumerate(values)),
            last=f"{float(values[-1]):.2f}" if values else "0.00",
        )
        for i, (label, values) in enumerate(series)
    ]
    ticks = [(y(Fraction(top * k, 2)), _tick(Fraction(top * k, 2))) for k in (0, 1, 2)]
    months = [(x(m - 1), str(m)) for m in (1, 3, 6, 9, 12)]
    return Chart(
        title=title, lines=lines, ticks=ticks, months=months, shown=len(lines), total=total
    )


def _tick(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"
