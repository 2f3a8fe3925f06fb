"""A service's availability month by month as SVG bars beside the target line.

Geometry only, made at build time; the template draws it. Each missed month carries
a cross above its bar (never colour alone), the figure has a caption that says what
it shows, and the scorecard's table gives every figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from catalogpress.model.performance import MonthResult

WIDTH, HEIGHT = 640, 250
LEFT, RIGHT, TOP, BOTTOM = 64, 8, 16, 44
MET_COLOUR, MISSED_COLOUR = "#005ea2", "#b50909"  # both at least 3:1 against white
STEPS = tuple(Decimal(s) for s in ("0.05", "0.1", "0.25", "0.5", "1", "2", "5", "10", "20", "25"))
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ChartBar:
    month: dt.date
    short: str  # "Mar"
    year: str  # "2026" under January and the first bar, else ""
    value: Decimal | None  # None: not reported
    verdict: str  # "met", "missed", "none"
    x: float
    y: float
    width: float
    height: float
    label_x: float

    @property
    def name(self) -> str:
        return f"{self.month:%B} {self.month.year}"

    @property
    def mark_y(self) -> float:
        """Where the cross over a missed month's bar goes."""
        return round(self.y - 5, 2)

    @property
    def colour(self) -> str:
        return MISSED_COLOUR if self.verdict == "missed" else MET_COLOUR


@dataclass(frozen=True)
class Tick:
    value: Decimal
    y: float

    @property
    def label_y(self) -> float:
        return round(self.y + 4, 2)


@dataclass(frozen=True)
class TrendChart:
    id: str
    bars: tuple[ChartBar, ...]
    ticks: tuple[Tick, ...]
    goal: Decimal
    goal_y: float
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    baseline: float = HEIGHT - BOTTOM
    axis_x: int = LEFT - 6  # where the axis labels end
    empty_y: float = HEIGHT - BOTTOM - 5  # "n/a" above the baseline, for a month not reported
    month_y: float = HEIGHT - BOTTOM + 16  # the month names under the bars
    year_y: float = HEIGHT - BOTTOM + 32


def _scale(values: Sequence[Decimal]) -> tuple[Decimal, Decimal]:
    """The bottom of the axis and the step between its ticks: at most five steps."""
    lowest = min(values)
    for step in STEPS:
        floor = ((lowest - step / 2) // step) * step
        if floor < 0:
            floor = Decimal(0)
        if (HUNDRED - floor) / step <= 5:
            return floor, step
    return Decimal(0), Decimal(25)


def trend_chart(
    chart_id: str, months: Sequence[tuple[dt.date, MonthResult | None]], goal: Decimal
) -> TrendChart:
    values = [m.availability.measured for _, m in months if m is not None]
    floor, step = _scale([goal, *(v for v in values if v is not None)])
    plot_h = HEIGHT - TOP - BOTTOM
    span = HUNDRED - floor

    def y_of(value: Decimal) -> float:
        return round(TOP + float((HUNDRED - value) / span) * plot_h, 2)

    slot = (WIDTH - LEFT - RIGHT) / max(len(months), 1)
    bars = []
    for i, (month, result) in enumerate(months):
        value = result.availability.measured if result else None
        top = y_of(value) if value is not None else HEIGHT - BOTTOM
        x = LEFT + i * slot + slot * 0.15
        bars.append(
            ChartBar(
                month,
                f"{month:%b}",
                str(month.year) if i == 0 or month.month == 1 else "",
                value,
                result.availability.verdict if result else "none",
                round(x, 2),
                top,
                round(slot * 0.7, 2),
                round(HEIGHT - BOTTOM - top, 2),
                round(x + slot * 0.35, 2),
            )
        )
    ticks = []
    tick = floor
    while tick <= HUNDRED:
        ticks.append(Tick(tick, y_of(tick)))
        tick += step
    return TrendChart(chart_id, tuple(bars), tuple(ticks), goal, y_of(goal))
