"""What agencies are billed: the monthly amount of a rate line, and each agency's bill.

Pure calculations on the Site model, in exact decimals, rounded half up to the cent;
templates only lay the results out. The estimator (model/estimator.py) and the charts
(model/charts.py) use the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from catalogpress.model.views import AgencyView, ServiceView, SheetView, Site
from catalogpress.schema.records import RateLine, Unit

CENT = Decimal("0.01")
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


def line_key(line: RateLine) -> str:
    """Identifies "the same" rate line across fiscal years (unique within a sheet)."""
    return "|".join((line.service, line.item, line.customer_class or ""))
