"""rates.yaml as written: units, rate sheets and their lines, typical orders.

Each field's `fld(spec)` says how it is read from YAML, so this module is the reference
for the rate formats (docs/formats.md). The arithmetic on these records lives in one
place, model/billing.py.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from catalogpress.schema.checker import NO_SOURCE, Checker, Invalid, Source
from catalogpress.schema.fields import (
    Choice,
    Date,
    Integer,
    ListOf,
    MapOf,
    Money,
    Record,
    Ref,
    Slug,
    Spec,
    Text,
    Url,
    fld,
)
from catalogpress.sources.yamldoc import Path as YamlPath

UNIT_PERIODS = ("month", "year", "once", "hour", "use")
CHARGE_TYPES = ("recurring", "one-time", "hourly", "per-use", "pass-through")
# How a line's charge is found: its amount times the quantity, or the provider's own bill
# with a markup on top, or the provider's bill passed on as it is.
PRICINGS = ("rate", "markup", "at-cost")
VENDOR_PRICINGS = ("markup", "at-cost")


@dataclass(frozen=True)
class Measure:
    """A quantity in a unit: "0.5" (in the line's own unit) or {quantity, unit}."""

    quantity: Decimal = fld(Money())
    unit: str | None = fld(Slug(), None)


class MeasureSpec(Spec):
    expected = 'a quantity in quotes, like "0.25", or lines quantity: and unit:'

    def check(self, value: Any, path: YamlPath, ck: Checker) -> Measure:
        if isinstance(value, dict):
            measure: Measure = Record(Measure).check(value, path, ck)
        else:
            measure = Measure(Money().check(value, path, ck))
        if measure.quantity <= 0:
            raise self.fail(path, ck, value, "expected a quantity above zero")
        return measure


@dataclass(frozen=True)
class UnitSize:
    """How many of another unit one of this unit is: an hour is 60 minutes."""

    unit: str = fld(Slug())
    quantity: Decimal = fld(Money())


@dataclass(frozen=True)
class Unit:
    label: str = fld(Text())
    period: str = fld(Choice(*UNIT_PERIODS))
    equals: UnitSize | None = fld(Record(UnitSize), None)


@dataclass(frozen=True)
class Breakdown:
    labor: Decimal = fld(Money(), Decimal(0))
    facilities: Decimal = fld(Money(), Decimal(0))
    hardware: Decimal = fld(Money(), Decimal(0))
    disaster_recovery: Decimal = fld(Money(), Decimal(0))
    security: Decimal = fld(Money(), Decimal(0))
    overhead: Decimal = fld(Money(), Decimal(0))

    LABELS = {
        "labor": "Staff time",
        "facilities": "Facilities and power",
        "hardware": "Hardware and licenses",
        "disaster_recovery": "Disaster recovery",
        "security": "Security",
        "overhead": "Overhead",
    }

    @property
    def total(self) -> Decimal:
        return sum((getattr(self, name) for name in self.LABELS), Decimal(0))

    def parts(self) -> list[tuple[str, Decimal]]:
        return [(label, getattr(self, name)) for name, label in self.LABELS.items()]


@dataclass(frozen=True)
class Benchmark:
    """A market price for the same thing, from a named source on a stated date."""

    source: str = fld(Text())
    url: str = fld(Url())
    as_of: dt.date = fld(Date())
    amount: Decimal = fld(Money())
    note: str | None = fld(Text(), None)


@dataclass(frozen=True)
class RateLine:
    service: str = fld(Ref("service"))
    item: str = fld(Text())
    unit: str = fld(Slug())
    charge_type: str = fld(Choice(*CHARGE_TYPES))
    pricing: str = fld(Choice(*PRICINGS), "rate")
    amount: Decimal | None = fld(Money(), None)  # required when pricing is "rate"
    markup: Decimal | None = fld(Money(), None)  # percent on the provider's bill
    customer_class: str | None = fld(Ref("customer_class"), None)
    minimum: Measure | None = fld(MeasureSpec(), None)
    increment: Measure | None = fld(MeasureSpec(), None)
    notes: str | None = fld(Text(), None)
    reason: str | None = fld(Text(), None)  # why the rate changed from last year's
    breakdown: Breakdown | None = fld(Record(Breakdown), None)
    benchmark: Benchmark | None = fld(Record(Benchmark), None)
    src: Source = NO_SOURCE

    @property
    def vendor_priced(self) -> bool:
        """Priced from a provider's bill (markup or at cost), not from an amount of ours."""
        return self.pricing in VENDOR_PRICINGS


def _check_line(line: RateLine, path: YamlPath, ck: Checker) -> None:
    if line.pricing == "rate" and line.amount is None:
        ck.error(
            (*path, "amount"), "missing required field 'amount' (or set pricing: markup or at-cost)"
        )
        raise Invalid()
    if line.pricing != "rate" and line.amount is not None:
        ck.error(
            (*path, "amount"),
            f"a line priced {line.pricing} has no amount of its own: remove 'amount' "
            "(the charge comes from the provider's bill)",
        )
    if line.pricing == "markup" and line.markup is None:
        ck.error((*path, "markup"), 'a markup line needs its percentage, like markup: "10"')
    if line.pricing != "markup" and line.markup is not None:
        ck.error((*path, "markup"), "only a line with pricing: markup takes a markup percentage")
    if line.markup is not None and line.markup > 1000:
        ck.error((*path, "markup"), f"expected a percentage from 0 to 1,000, got {line.markup}")
    for name in ("minimum", "increment"):
        if line.vendor_priced and getattr(line, name) is not None:
            ck.error(
                (*path, name),
                f"a line priced {line.pricing} is billed as the provider bills it: remove '{name}'",
            )
    if line.vendor_priced and (line.breakdown or line.benchmark):
        ck.error(path, "a line priced from the provider's bill has no breakdown or benchmark")


@dataclass(frozen=True)
class RateSheet:
    fiscal_year: int = fld(Integer(1900, 2199))
    effective: dt.date = fld(Date())
    approved_by: str = fld(Text())
    approved_on: dt.date = fld(Date())
    methodology: str = fld(Text())
    lines: tuple[RateLine, ...] = fld(ListOf(Record(RateLine, _check_line), min_items=1))
    ends: dt.date | None = fld(Date(), None)
    src: Source = NO_SOURCE

    @property
    def id(self) -> str:
        return f"fy{self.fiscal_year}"

    @property
    def label(self) -> str:
        return f"FY{self.fiscal_year}"

    def lines_of(self, service_id: str) -> tuple[RateLine, ...]:
        """The service's lines, in sheet order."""
        return self._by_service.get(service_id, ())

    @functools.cached_property
    def _by_service(self) -> dict[str, tuple[RateLine, ...]]:
        # Looked up once per service and sheet by every price, bill and page: scanning
        # all lines each time made a big catalog's build grow with the square of its size.
        found: dict[str, list[RateLine]] = {}
        for line in self.lines:
            found.setdefault(line.service, []).append(line)
        return {service: tuple(lines) for service, lines in found.items()}


@dataclass(frozen=True)
class OrderLine:
    item: str = fld(Text())
    quantity: Decimal = fld(Money())
    src: Source = NO_SOURCE


@dataclass(frozen=True)
class TypicalOrder:
    """What a typical customer orders of one service, priced as a basket of its lines."""

    service: str = fld(Ref("service"))
    name: str = fld(Text())  # "Typical virtual server"
    lines: tuple[OrderLine, ...] = fld(ListOf(Record(OrderLine), min_items=1))
    description: str | None = fld(Text(), None)  # "2 processors and 100 GB of storage"
    benchmark: Benchmark | None = fld(Record(Benchmark), None)  # for the basket, per month
    src: Source = NO_SOURCE


@dataclass(frozen=True)
class Rates:
    """rates.yaml as written."""

    rate_sheets: tuple[RateSheet, ...] = fld(ListOf(Record(RateSheet), min_items=1))
    units: dict[str, Unit] | None = fld(MapOf(Record(Unit)), None)
    typical_orders: tuple[TypicalOrder, ...] = fld(ListOf(Record(TypicalOrder)), ())


def convert(measure: Measure, to_unit: str, units: dict[str, Unit]) -> Decimal | None:
    """`measure` counted in `to_unit` (30 minutes in hours: 0.5), or None when the two
    units are not related by an `equals:` or the result needs more than 4 decimal places."""
    if measure.unit is None or measure.unit == to_unit:
        return measure.quantity
    source, target = units.get(measure.unit), units.get(to_unit)
    if source and source.equals and source.equals.unit == to_unit:
        value = measure.quantity * source.equals.quantity
    elif target and target.equals and target.equals.unit == measure.unit:
        value = measure.quantity / target.equals.quantity
    else:
        return None
    return value if value == value.quantize(Decimal("0.0001")) else None
