"""Cost breakdown charts: how a rate is made up, and how it compares with the market,
as accessible SVG bars with a table that says the same."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from catalogpress.model.money import percent_change, share_percent
from catalogpress.model.views import ServiceView
from catalogpress.schema.rates import RateLine

# One colour per breakdown part: USWDS tokens, each at least 3:1 against white
# (WCAG 1.4.11) and told apart by the legend table too, never by colour alone.
PART_COLOURS = ("#005ea2", "#c05600", "#008817", "#8168b3", "#d83933", "#565c65")
CHART_WIDTH = 600
BAR_HEIGHT = 28


# --- cost breakdowns and charts ----------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    label: str
    amount: Decimal
    percent: Decimal  # of the rate, one decimal place
    colour: str
    x: float  # SVG geometry of the stacked bar, in viewBox units
    width: float


@dataclass(frozen=True)
class Bar:
    label: str
    amount: Decimal
    colour: str
    y: int  # SVG geometry, in viewBox units
    width: float
    text_x: float
    text_y: int


@dataclass(frozen=True)
class BreakdownView:
    line: RateLine
    segments: tuple[Segment, ...]
    chart_id: str
    bars: tuple[Bar, ...]  # our rate against the market benchmark
    bars_height: int
    benchmark_difference: Decimal | None  # percent below (+) or above (-) the market price

    @property
    def benchmark_verdict(self) -> str:
        """Our rate against the market price: "lower", "higher" or "same"."""
        if self.benchmark_difference is None or self.benchmark_difference == 0:
            return "same"
        return "lower" if self.benchmark_difference > 0 else "higher"

    @property
    def benchmark_gap(self) -> Decimal | None:
        """How far our rate is from the market price, in percent, without its sign."""
        return None if self.benchmark_difference is None else abs(self.benchmark_difference)


def breakdowns(view: ServiceView) -> list[BreakdownView]:
    """A breakdown view for each of the service's current rate lines that has one."""
    result = []
    for index, line in enumerate(view.rates):
        if line.breakdown is None or not line.amount:
            continue
        rate = line.amount
        x = 0.0
        segments = []
        for number, (label, amount) in enumerate(line.breakdown.parts()):
            if amount == 0:
                continue
            share = amount / rate
            width = round(float(share) * CHART_WIDTH, 2)
            segments.append(
                Segment(
                    label,
                    amount,
                    share_percent(amount, rate),
                    PART_COLOURS[number % len(PART_COLOURS)],
                    round(x, 2),
                    width,
                )
            )
            x += width
        bars: tuple[Bar, ...] = ()
        difference = None
        if line.benchmark:
            top = max(rate, line.benchmark.amount)
            pairs = (
                ("Our rate", rate, PART_COLOURS[0]),
                ("Market price", line.benchmark.amount, PART_COLOURS[-1]),
            )
            bars = tuple(
                Bar(
                    label,
                    amount,
                    colour,
                    4 + row * (BAR_HEIGHT + 8),
                    width := round(float(amount / top) * CHART_WIDTH * 0.55, 2),
                    width + 6,
                    22 + row * (BAR_HEIGHT + 8),
                )
                for row, (label, amount, colour) in enumerate(pairs)
            )
            if line.benchmark.amount > 0:
                difference = -(percent_change(line.benchmark.amount, rate) or Decimal(0))
        result.append(
            BreakdownView(
                line,
                tuple(segments),
                f"{view.id}-cost-{index + 1}",
                bars,
                len(bars) * (BAR_HEIGHT + 8) + 4,
                difference,
            )
        )
    return result
