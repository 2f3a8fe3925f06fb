"""What customers are billed: the lines a customer class pays, agency bills line by line,
typical orders, and each agency's budget impact of next year's rates.

Pure calculations on the Site model; every charge comes from model/money.py, the one
billing rule, and templates only lay the results out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from catalogpress.model.money import (
    Terms,
    Totals,
    billed_quantity,
    charge,
    percent_change,
    terms,
    yearly,
)
from catalogpress.model.views import AgencyView, ServiceView, SheetView, Site
from catalogpress.schema.rates import RateLine, RateSheet, TypicalOrder, Unit
from catalogpress.schema.records import Consumption, CustomerClass


def line_key(line: RateLine) -> str:
    """Identifies "the same" rate line across fiscal years (unique within a sheet)."""
    return "|".join((line.service, line.item, line.customer_class or ""))


def lines_for_class(lines: Iterable[RateLine], customer_class: str | None) -> list[RateLine]:
    """The lines a customer of `customer_class` pays, in sheet order: for each item, the
    line priced for that class, else the line priced for everyone. An item priced only
    for other classes is not offered to this one."""
    chosen: dict[tuple[str, str], tuple[int, RateLine]] = {}
    for i, line in enumerate(lines):
        key = (line.service, line.item)
        if line.customer_class is None:
            chosen.setdefault(key, (i, line))
        elif line.customer_class == customer_class:
            chosen[key] = (chosen.get(key, (i, line))[0], line)
    return [line for _, line in sorted(chosen.values(), key=lambda pair: pair[0])]


def main_line(lines: Iterable[RateLine]) -> RateLine | None:
    """A service's main billable line: its first monthly line, else its first line."""
    listed = list(lines)
    monthly = [ln for ln in listed if ln.charge_type == "recurring" and not ln.vendor_priced]
    return next(iter(monthly or listed), None)


def varies_by_class(lines: Iterable[RateLine]) -> bool:
    return any(line.customer_class for line in lines)


def reference_class(site: Site) -> CustomerClass | None:
    """The class whose rates stand for a service in listings: the first one defined."""
    return next(iter(site.customer_classes.values()), None)


# --- one priced line ----------------------------------------------------------------


@dataclass(frozen=True)
class Charge:
    """One rate line priced for a quantity (or the provider's bill) over its period."""

    line: RateLine
    unit: Unit
    terms: Terms
    quantity: Decimal  # as recorded: a count, or the provider's bill in dollars
    amount: Decimal  # for one billing period, in cents
    program: str | None = None

    @property
    def period(self) -> str:
        return self.terms.period

    @property
    def monthly(self) -> Decimal | None:
        return self.amount if self.period == "month" else None

    @property
    def yearly(self) -> Decimal | None:
        return yearly(self.period, self.amount)

    @property
    def one_time(self) -> Decimal | None:
        return self.amount if self.period == "once" else None

    @property
    def billed_quantity(self) -> Decimal:
        return billed_quantity(self.terms, self.quantity)


def price(site: Site, line: RateLine, quantity: Decimal, program: str | None = None) -> Charge:
    t = terms(line, site.units)
    return Charge(line, site.units[line.unit], t, quantity, charge(t, quantity), program)


def totals(charges: Iterable[Charge]) -> Totals:
    total = Totals()
    for c in charges:
        total = total.add(c.period, c.amount)
    return total


# --- agency bills ---------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceBill:
    service: ServiceView
    charges: tuple[Charge, ...]
    not_offered: tuple[str, ...]  # items on record that this sheet does not price
    recorded: bool  # the agency recorded how much it uses

    @property
    def totals(self) -> Totals:
        return totals(self.charges)


@dataclass(frozen=True)
class AgencyBill:
    agency: AgencyView
    sheet: SheetView | None
    services: tuple[ServiceBill, ...]
    totals: Totals
    estimate: str  # the estimator's address fragment with these quantities filled in

    @property
    def charges(self) -> tuple[Charge, ...]:
        return tuple(c for s in self.services for c in s.charges)

    @property
    def programs(self) -> list[tuple[str, Totals]]:
        """Totals by program, when the agency splits its use by program."""
        names = sorted({c.program for c in self.charges if c.program})
        if not names:
            return []
        by = [(n, totals(c for c in self.charges if c.program == n)) for n in names]
        rest = [c for c in self.charges if not c.program]
        return [*by, ("Not assigned to a program", totals(rest))] if rest else by


def consumption(agency: AgencyView, view: ServiceView, lines: list[RateLine]) -> list[Consumption]:
    """The agency's use of one service, line by line; a bare `quantity:` on the service
    counts its main line."""
    use = next(s for s in agency.agency.services if s.service == view.id)
    if use.lines:
        return list(use.lines)
    main = main_line(lines)
    if use.quantity is None or main is None:
        return []
    return [Consumption(item=main.item, quantity=use.quantity)]


def agency_bill(site: Site, agency: AgencyView, sheet: SheetView | None = None) -> AgencyBill:
    """The agency's bill at `sheet`'s rates (the sheet in effect by default), for the
    agency's customer class, every line it uses."""
    sheet = sheet if sheet is not None else site.current_sheet
    class_id = agency.agency.customer_class
    services = []
    for view in agency.services:
        lines = lines_for_class(_service_lines(sheet, view.id), class_id)
        by_item = {ln.item: ln for ln in lines}
        uses = consumption(agency, view, lines)
        charges, missing = [], []
        for use in uses:
            line = by_item.get(use.item)
            if line is None:
                missing.append(use.item)
                continue
            amount = use.vendor_cost if use.vendor_cost is not None else use.quantity
            charges.append(price(site, line, amount or Decimal(0), use.program))
        services.append(ServiceBill(view, tuple(charges), tuple(missing), bool(uses)))
    total = sum((s.totals for s in services), Totals())
    estimate = urlencode(
        [("class", class_id)] * bool(class_id)
        + [(line_key(c.line), f"{c.quantity:f}") for s in services for c in s.charges]
    )
    return AgencyBill(agency, sheet, tuple(services), total, estimate)


def _service_lines(sheet: SheetView | None, service_id: str) -> list[RateLine]:
    return list(sheet.sheet.lines_of(service_id)) if sheet else []


# --- typical orders ---------------------------------------------------------------------


@dataclass(frozen=True)
class OrderPrice:
    """A typical order (or a service's main line) priced for one class in one sheet."""

    name: str  # "Typical virtual server", or the main line's item
    description: str | None
    charges: tuple[Charge, ...]
    missing: tuple[str, ...]  # items the sheet does not price for the class
    customer_class: CustomerClass | None  # named when the price differs by class
    order: TypicalOrder | None  # None: the service's main line stands for it

    @property
    def totals(self) -> Totals:
        return totals(self.charges)

    @property
    def single(self) -> Charge | None:
        """The one line, when a main line stands for the service."""
        return self.charges[0] if self.order is None and self.charges else None

    @property
    def headline(self) -> tuple[Decimal, str]:
        """The figure listings show, with its period: monthly if the order has monthly
        charges, else yearly, else one-time."""
        t = self.totals
        if t.monthly:
            return t.monthly, "a month"
        if t.yearly:
            return t.yearly, "a year"
        return t.one_time, "one time"

    @property
    def also_yearly(self) -> Decimal:
        """Yearly charges on top of a monthly headline (0 when none)."""
        t = self.totals
        return t.yearly - 12 * t.monthly if t.monthly else Decimal(0)

    @property
    def also_one_time(self) -> Decimal:
        """One-time charges on top of a recurring headline (0 when none)."""
        t = self.totals
        return t.one_time if (t.monthly or t.yearly) else Decimal(0)

    @property
    def estimate(self) -> str:
        """The estimator's address fragment with this order filled in."""
        class_id = self.customer_class.id if self.customer_class else None
        return urlencode(
            [("class", class_id)] * bool(class_id)
            + [(line_key(c.line), f"{c.quantity:f}") for c in self.charges]
        )

    @property
    def estimable(self) -> bool:
        """False when the price depends on a provider's bill nobody knows in advance."""
        return not any(c.terms.vendor_priced for c in self.charges)


def service_price(
    site: Site, view: ServiceView, sheet: RateSheet | None, class_id: str | None = None
) -> OrderPrice | None:
    """How a service is priced in listings: its typical order, else its main line."""
    if sheet is None:
        return None
    all_lines = list(sheet.lines_of(view.id))
    if class_id is None:
        reference = reference_class(site)
        class_id = reference.id if reference else None
    lines = lines_for_class(all_lines, class_id)
    named = site.customer_classes.get(class_id or "") if varies_by_class(all_lines) else None
    order = site.typical_orders.get(view.id)
    if order is not None:
        by_item = {ln.item: ln for ln in lines}
        charges = tuple(
            price(site, by_item[o.item], o.quantity) for o in order.lines if o.item in by_item
        )
        missing = tuple(o.item for o in order.lines if o.item not in by_item)
        return OrderPrice(order.name, order.description, charges, missing, named, order)
    main = main_line(lines)
    if main is None:
        return None
    return OrderPrice(main.item, None, (price(site, main, Decimal(1)),), (), named, None)


# --- budget impact ---------------------------------------------------------------------


@dataclass(frozen=True)
class UsedLineChange:
    """A line the agency uses whose price changes next year (model/budget.py shows it)."""

    old: RateLine  # this year's line for the agency's class
    new: RateLine | None  # next year's (None: not offered next year)
    now: Totals  # what the agency's use of the line costs this year
    next: Totals  # and at next year's rate (nothing when not offered)

    @property
    def item(self) -> str:
        return self.old.item

    @property
    def reason(self) -> str | None:
        return self.new.reason if self.new else None

    @property
    def rates(self) -> tuple[Decimal, Decimal] | None:
        """(this year's, next year's) amount of a line priced at a rate both years."""
        if self.new is None or self.old.amount is None or self.new.amount is None:
            return None
        return self.old.amount, self.new.amount

    @property
    def percent(self) -> Decimal | None:
        """The rate's change in percent (None unless priced at a rate both years)."""
        return percent_change(*self.rates) if self.rates else None


@dataclass(frozen=True)
class ServiceImpact:
    service: ServiceView
    now: Totals
    next: Totals
    changes: tuple[UsedLineChange, ...]  # lines the agency uses whose rate changes
    not_offered: tuple[str, ...]  # items it uses that next year's sheet does not price

    @property
    def change(self) -> Decimal:
        return self.next.yearly - self.now.yearly

    @property
    def percent(self) -> Decimal | None:
        return percent_change(self.now.yearly, self.next.yearly)


@dataclass(frozen=True)
class BudgetImpact:
    agency: AgencyView
    now: AgencyBill
    next: AgencyBill
    services: tuple[ServiceImpact, ...]

    @property
    def change(self) -> Decimal:
        return self.next.totals.yearly - self.now.totals.yearly

    @property
    def percent(self) -> Decimal | None:
        return percent_change(self.now.totals.yearly, self.next.totals.yearly)


def budget_impact(
    site: Site, agency: AgencyView, upcoming: SheetView, now: AgencyBill, nxt: AgencyBill
) -> BudgetImpact:
    """This year's bill beside the same use at `upcoming`'s rates, service by service."""
    impacts = []
    for this, that in zip(now.services, nxt.services, strict=True):
        old = {c.line.item: c.line for c in this.charges}
        new = {c.line.item: c.line for c in that.charges}
        changes = tuple(
            UsedLineChange(
                old[item],
                new.get(item),
                totals(c for c in this.charges if c.line.item == item),
                totals(c for c in that.charges if c.line.item == item),
            )
            for item in old
            if item not in new or price_terms(new[item]) != price_terms(old[item])
        )
        impacts.append(
            ServiceImpact(this.service, this.totals, that.totals, changes, that.not_offered)
        )
    return BudgetImpact(agency, now, nxt, tuple(impacts))


def price_terms(line: RateLine) -> tuple[str, Decimal | None, Decimal | None]:
    """What a line's price is made of: a rate line changes when one of these does."""
    return line.pricing, line.amount, line.markup
