"""What things cost: agency bills, cost breakdowns and their charts, estimator data.

Pure calculations on the Site model, in exact decimals; templates only lay the
results out. The estimator's browser script repeats the basket arithmetic in
integer cents, using the data `estimator_data` embeds in the page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from catalogpress.model.views import AgencyView, ServiceView, SheetView, Site
from catalogpress.schema.records import RateLine, Unit

CENT = Decimal("0.01")
# One colour per breakdown part: USWDS tokens, each at least 3:1 against white
# (WCAG 1.4.11) and told apart by the legend table too, never by colour alone.
PART_COLOURS = ("#005ea2", "#c05600", "#008817", "#8168b3", "#d83933", "#565c65")
CHART_WIDTH = 600
BAR_HEIGHT = 28
# Units billed by how much is used rather than by what is held.
USAGE_PERIODS = ("hour", "use")


def cents(amount: Decimal) -> Decimal:
    """Round to whole cents, half up, the way a bill is rounded."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def monthly_amount(line: RateLine, unit: Unit, quantity: Decimal) -> Decimal | None:
    """The monthly charge for `quantity` of a line, or None when it is not a monthly cost.

    Monthly units count as they are, yearly licences as a twelfth; one-time and
    per-use charges have no monthly figure. A line's minimum is billed when the
    quantity is below it.
    """
    billed = max(quantity, line.minimum or Decimal(0)) if quantity > 0 else Decimal(0)
    if unit.period == "month":
        return cents(billed * line.amount)
    if unit.period == "year":
        return cents(billed * line.amount / 12)
    return None


@dataclass(frozen=True)
class BillLine:
    service: ServiceView
    line: RateLine | None  # the first rate line, the one quantities are counted in
    quantity: Decimal | None
    monthly: Decimal | None  # None: no quantity, or not a monthly charge


@dataclass(frozen=True)
class AgencyBill:
    lines: tuple[BillLine, ...]
    monthly_total: Decimal
    annual_total: Decimal
    priced: int  # lines with a monthly figure
    sheet: SheetView | None
    estimate: str  # the estimator's address fragment with these quantities filled in


def agency_bill(site: Site, agency: AgencyView) -> AgencyBill:
    """The agency's monthly cost at the rates in effect, where quantities are known."""
    lines = []
    quantities = {s.service: s.quantity for s in agency.agency.services}
    for view in agency.services:
        line = view.rates[0] if view.rates else None
        quantity = quantities.get(view.id)
        monthly = (
            monthly_amount(line, site.units[line.unit], quantity)
            if line is not None and quantity is not None
            else None
        )
        lines.append(BillLine(view, line, quantity, monthly))
    total = sum((b.monthly for b in lines if b.monthly is not None), Decimal(0))
    estimate = urlencode(
        [
            (line_key(b.line), f"{b.quantity:f}")
            for b in lines
            if b.line is not None and b.quantity is not None
        ]
    )
    return AgencyBill(
        tuple(lines),
        total,
        total * 12,
        sum(1 for b in lines if b.monthly is not None),
        site.current_sheet,
        estimate,
    )


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
        if line.breakdown is None or line.amount <= 0:
            continue
        x = 0.0
        segments = []
        for number, (label, amount) in enumerate(line.breakdown.parts()):
            if amount == 0:
                continue
            share = amount / line.amount
            width = round(float(share) * CHART_WIDTH, 2)
            segments.append(
                Segment(
                    label,
                    amount,
                    (share * 100).quantize(Decimal("0.1")),
                    PART_COLOURS[number % len(PART_COLOURS)],
                    round(x, 2),
                    width,
                )
            )
            x += width
        bars: tuple[Bar, ...] = ()
        difference = None
        if line.benchmark:
            top = max(line.amount, line.benchmark.amount)
            pairs = (
                ("Our rate", line.amount, PART_COLOURS[0]),
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
                difference = (
                    (line.benchmark.amount - line.amount) / line.benchmark.amount * 100
                ).quantize(Decimal("0.1"))
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


# --- estimator and in-house comparison data -------------------------------------------------


def open_sheets(site: Site) -> list[SheetView]:
    """This fiscal year's sheet and any published for later years, oldest first."""
    return sorted(
        (s for s in site.sheets if s.last_day is None or s.last_day >= site.as_of),
        key=lambda s: s.first_day,
    )


def _units_e4(amount: Decimal) -> int:
    """An amount in ten-thousandths of a dollar: rates have at most 4 decimal places."""
    return int(amount.scaleb(4))


def estimator_data(site: Site) -> dict[str, Any]:
    """Everything the estimator and comparison scripts need, as plain JSON data.

    Amounts are integers in ten-thousandths of a dollar so the browser never does
    money arithmetic in binary floating point.
    """
    sheets = []
    for sheet in open_sheets(site):
        lines = []
        for line in sheet.sheet.lines:
            view = site.services[line.service]
            unit = site.units[line.unit]
            entry: dict[str, Any] = {
                "key": line_key(line),
                "service": line.service,
                "service_name": view.name,
                "item": line.item,
                "customer_class": line.customer_class or "",
                "unit": line.unit,
                "unit_label": unit.label,
                "period": unit.period,
                "charge_type": line.charge_type,
                "amount_e4": _units_e4(line.amount),
                "amount": f"{line.amount:f}",
                "minimum_e4": _units_e4(line.minimum) if line.minimum else 0,
            }
            if line.breakdown is not None:
                entry["breakdown_e4"] = {
                    name: _units_e4(getattr(line.breakdown, name)) for name in line.breakdown.LABELS
                }
            if line.benchmark is not None:
                entry["benchmark"] = {
                    "source": line.benchmark.source,
                    "amount_e4": _units_e4(line.benchmark.amount),
                }
            lines.append(entry)
        sheets.append(
            {
                "id": sheet.sheet.id,
                "label": sheet.sheet.label,
                "first_day": sheet.first_day.isoformat(),
                "current": site.current_sheet is sheet,
                "lines": lines,
            }
        )
    return {"as_of": site.as_of.isoformat(), "sheets": sheets}


def script_json(data: object) -> str:
    """JSON that is safe inside <script type="application/json">: no '<', '>' or '&'
    can close the element or start markup, whatever the catalog's text says."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def line_key(line: RateLine) -> str:
    """Identifies "the same" rate line across fiscal years (unique within a sheet)."""
    return "|".join((line.service, line.item, line.customer_class or ""))


@dataclass(frozen=True)
class EstimatorRow:
    key: str
    line: RateLine  # as priced in the earliest open sheet that has it
    unit: Unit
    prices: tuple[tuple[str, Decimal | None], ...]  # (sheet label, amount or None)

    @property
    def counted_per_month(self) -> bool:
        """Hourly and per-use charges have no fixed quantity: the form asks how many a month
        (the estimator's script counts them into the monthly total)."""
        return self.unit.period in USAGE_PERIODS


def estimator_groups(site: Site) -> list[tuple[str, list[tuple[ServiceView, list[EstimatorRow]]]]]:
    """Every rate line of the open sheets for the form: [(category, [(service, rows)])]."""
    sheets = open_sheets(site)
    by_key: dict[str, dict[str, RateLine]] = {}
    order: list[RateLine] = []
    for sheet in sheets:
        for line in sheet.sheet.lines:
            key = line_key(line)
            if key not in by_key:
                by_key[key] = {}
                order.append(line)
            by_key[key][sheet.sheet.id] = line
    order_by_service: dict[str, list[RateLine]] = {}
    for line in order:
        order_by_service.setdefault(line.service, []).append(line)
    groups = []
    for category in site.categories:
        entries = []
        for view in site.services.values():
            if view.category.id != category.category.id:
                continue
            rows = [
                EstimatorRow(
                    line_key(line),
                    line,
                    site.units[line.unit],
                    tuple(
                        (
                            s.sheet.label,
                            by_key[line_key(line)][s.sheet.id].amount
                            if s.sheet.id in by_key[line_key(line)]
                            else None,
                        )
                        for s in sheets
                    ),
                )
                for line in order_by_service.get(view.id, ())
            ]
            if rows:
                entries.append((view, rows))
        if entries:
            groups.append((category.category.name, entries))
    return groups
