"""The one billing rule: how a quantity of a rate line becomes a charge, in exact cents.

Every figure the site, the PDFs, the open data and the estimator show is made here or
from figures made here. The estimator's script (themes/default/static/money.js) repeats
`charge` in integer ten-thousandths; tests/test_billing_vectors.py runs both on the same
cases and compares them to the cent.

The rule, in order:
1. Nothing used, nothing billed.
2. A billing increment rounds the quantity up to the next whole step (staff time billed
   in 0.1-hour steps: 1.23 hours are billed as 1.3).
3. A minimum raises the quantity to it (a 4-rack-unit minimum bills 2 units as 4).
4. A rate line charges quantity × amount; a markup line charges the provider's bill plus
   the percentage; an at-cost line charges the provider's bill as it is.
5. The charge is rounded half up to the cent, once, for the billing period.
6. Monthly, hourly and per-use lines are billed every month (hours and uses are counted
   a month at a time), yearly licenses once a year, one-time charges once. A year of a
   monthly line is twelve of its monthly charges.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from catalogpress.schema.rates import Measure, RateLine, Unit, convert

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
# The billing period of each unit period: hours and uses are counted a month at a time.
BILLING_PERIODS = {
    "month": "month",
    "hour": "month",
    "use": "month",
    "year": "year",
    "once": "once",
}


def cents(amount: Decimal) -> Decimal:
    """Round to whole cents, half up, the way a bill is rounded."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_change(old: Decimal, new: Decimal) -> Decimal | None:
    """The change from old to new in percent, to one decimal, half up; None from zero."""
    if old == 0:
        return None
    return ((new - old) / old * 100).quantize(TENTH, ROUND_HALF_UP)


def share_percent(part: Decimal, whole: Decimal) -> Decimal:
    """`part` as a percentage of `whole`, to one decimal, half up."""
    return (part / whole * 100).quantize(TENTH, ROUND_HALF_UP) if whole else Decimal(0)


@dataclass(frozen=True)
class Terms:
    """A rate line's pricing terms with every quantity counted in the line's own unit."""

    pricing: str  # "rate", "markup" or "at-cost"
    amount: Decimal  # the rate (0 for lines priced from a provider's bill)
    markup: Decimal  # percent on the provider's bill (0 unless pricing is "markup")
    minimum: Decimal  # 0: none
    increment: Decimal  # 0: none
    period: str  # billing period: "month", "year" or "once"

    @property
    def vendor_priced(self) -> bool:
        return self.pricing != "rate"


def terms(line: RateLine, units: dict[str, Unit]) -> Terms:
    """The line's terms; validation has made sure every conversion exists."""

    def in_line_unit(measure: Measure | None) -> Decimal:
        return (convert(measure, line.unit, units) or Decimal(0)) if measure else Decimal(0)

    return Terms(
        pricing=line.pricing,
        amount=line.amount or Decimal(0),
        markup=line.markup or Decimal(0),
        minimum=in_line_unit(line.minimum),
        increment=in_line_unit(line.increment),
        period=BILLING_PERIODS[units[line.unit].period],
    )


def billed_quantity(t: Terms, quantity: Decimal) -> Decimal:
    """The quantity a bill charges for: steps 1 to 3 of the rule (2.5, not 2.50)."""
    if quantity <= 0:
        return Decimal(0)
    if t.increment:
        quantity = (quantity / t.increment).to_integral_value(ROUND_CEILING) * t.increment
    return plain(max(quantity, t.minimum))


def plain(value: Decimal) -> Decimal:
    """`value` without trailing zeros, and never in exponent form (10, not 1E+1)."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value  # type: ignore[operator]


def charge(t: Terms, quantity: Decimal) -> Decimal:
    """One billing period's charge in cents for `quantity` (the provider's bill in dollars
    for a line priced from it)."""
    if t.pricing == "markup":
        return cents(max(quantity, Decimal(0)) * (100 + t.markup) / 100)
    if t.pricing == "at-cost":
        return cents(max(quantity, Decimal(0)))
    return cents(billed_quantity(t, quantity) * t.amount)


@dataclass(frozen=True)
class Totals:
    """What a set of charges costs: each month, in a year (twelve months plus yearly
    charges), and once."""

    monthly: Decimal = Decimal(0)
    yearly: Decimal = Decimal(0)
    one_time: Decimal = Decimal(0)

    def add(self, period: str, amount: Decimal) -> Totals:
        if period == "month":
            return Totals(self.monthly + amount, self.yearly + 12 * amount, self.one_time)
        if period == "year":
            return Totals(self.monthly, self.yearly + amount, self.one_time)
        return Totals(self.monthly, self.yearly, self.one_time + amount)

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.monthly + other.monthly,
            self.yearly + other.yearly,
            self.one_time + other.one_time,
        )


def yearly(period: str, amount: Decimal) -> Decimal | None:
    """A charge's cost over a year: twelve monthly charges, one yearly, none for one-time."""
    return Totals().add(period, amount).yearly if period != "once" else None


def e4(value: Decimal) -> int:
    """An amount or quantity in ten-thousandths, for the browser's integer arithmetic."""
    return int(value.scaleb(4).to_integral_value(ROUND_HALF_UP))
