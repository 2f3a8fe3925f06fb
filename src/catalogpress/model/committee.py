"""The steering committee brief: spend, next year's rate outlook, services coming and
going, and what the office asks of the committee, all from the same bills and prices
the agency pages show (site.prices)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from catalogpress.model.billing import BudgetImpact, UsedLineChange
from catalogpress.model.money import Totals, percent_change, share_percent
from catalogpress.model.performance import period_result
from catalogpress.model.review import review_quarter
from catalogpress.model.views import AgencyView, ServiceView, SheetView, Site
from catalogpress.schema.dates import Quarter


@dataclass(frozen=True)
class Spend:
    name: str
    yearly: Decimal
    share: Decimal  # percent of all spend, one decimal


@dataclass(frozen=True)
class RateRise:
    service: ServiceView
    change: UsedLineChange


@dataclass(frozen=True)
class Outlook:
    """What next year's published rates do to the agencies' yearly spend."""

    sheet: SheetView
    now: Decimal
    next: Decimal
    rises: tuple[RateRise, ...]  # the biggest rate increases agencies will pay, with reasons
    falls: int  # lines agencies use whose rate goes down
    rises_count: int

    @property
    def change(self) -> Decimal:
        return self.next - self.now

    @property
    def percent(self) -> Decimal | None:
        return percent_change(self.now, self.next)


@dataclass(frozen=True)
class Change:
    service: ServiceView
    day: dt.date | None  # when it starts or retires


@dataclass(frozen=True)
class Results:
    """How every measured service did over the last fiscal quarter that has ended."""

    quarter: Quarter
    services: int  # services with measurements in the quarter
    availability_met: int  # of those, how many met their availability target
    incident_targets: tuple[int, int]  # (met, measured) months and priorities with incidents
    satisfaction: Decimal | None  # average survey score of the quarter, 1 to 5
    responses: int
    misses: tuple[tuple[ServiceView, str, str], ...]  # (service, month, what was missed)

    SHOWN = 4  # misses the brief names; the results page explains them all

    @property
    def shown_misses(self) -> tuple[tuple[ServiceView, str, str], ...]:
        return self.misses[: self.SHOWN]

    @property
    def more_misses(self) -> int:
        return max(0, len(self.misses) - self.SHOWN)


@dataclass(frozen=True)
class CommitteeBrief:
    sheet: SheetView | None
    total: Totals  # all agencies' bills at this year's rates
    by_agency: tuple[Spend, ...]  # biggest first
    by_category: tuple[Spend, ...]  # biggest first
    outlook: Outlook | None
    coming: tuple[Change, ...]
    going: tuple[Change, ...]
    results: Results | None  # None without performance.csv


def _spend(amounts: dict[str, Decimal]) -> tuple[Spend, ...]:
    whole = sum(amounts.values(), Decimal(0))
    ranked = sorted(amounts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(Spend(name, amount, share_percent(amount, whole)) for name, amount in ranked)


def _agency_name(agency: AgencyView) -> str:
    return agency.agency.short_name or agency.agency.name


def _outlook(site: Site, impacts: list[BudgetImpact]) -> Outlook | None:
    if not impacts:
        return None
    # A line is the same rate for every agency of a class: count each (rate, change) once.
    rises: dict[tuple[str, str, Decimal, Decimal], RateRise] = {}
    falls: set[tuple[str, str, Decimal, Decimal]] = set()
    for impact in impacts:
        for service in impact.services:
            for change in service.changes:
                if change.rates is None:
                    continue  # not offered next year, or priced from a provider's bill
                old, new = change.rates
                key = (service.service.id, change.item, old, new)
                if new < old:
                    falls.add(key)
                else:
                    rises[key] = RateRise(service.service, change)
    ranked = sorted(
        rises.values(),
        key=lambda r: (-(r.change.percent or Decimal(0)), r.service.name, r.change.item),
    )
    return Outlook(
        impacts[0].next.sheet,  # type: ignore[arg-type]
        sum((i.now.totals.yearly for i in impacts), Decimal(0)),
        sum((i.next.totals.yearly for i in impacts), Decimal(0)),
        tuple(ranked[:4]),
        len(falls),
        len(rises),
    )


def _results(site: Site) -> Results | None:
    quarter = review_quarter(site)
    periods = [
        (site.services[sid], period)
        for sid, period in site.performance.results(
            site.services, quarter.first, quarter.last.replace(day=1)
        ).items()
        if period.months
    ]
    if not periods:
        return None
    availability = [p.availability for _, p in periods if p.availability]
    incidents = [t for _, p in periods for t in p.incident_summaries]
    # The quarter's survey answers of every service together, weighted as one period.
    months = [m for _, p in periods for m in p.months]
    score, responses = period_result("", quarter.first, quarter.last, months).satisfaction
    misses = tuple(
        (view, month.label, outcome.target.label)
        for view, p in periods
        for month, outcome in p.misses
    )
    return Results(
        quarter,
        len(periods),
        sum(1 for t in availability if t.outcome.met),
        (sum(t.months_met for t in incidents), sum(t.months_measured for t in incidents)),
        score,
        responses,
        misses,
    )


def committee_brief(site: Site) -> CommitteeBrief:
    bills = [site.prices.bill(a) for a in site.agencies]
    by_agency = {_agency_name(b.agency): b.totals.yearly for b in bills}
    by_category: dict[str, Decimal] = {}
    for bill in bills:
        for service in bill.services:
            name = service.service.category.name
            by_category[name] = by_category.get(name, Decimal(0)) + service.totals.yearly
    next_sheet = next(iter(site.prices.upcoming_sheets), None)
    impacts = [
        impact
        for a in site.agencies
        for impact in site.prices.impacts(a)
        if next_sheet is not None and impact.next.sheet is next_sheet
    ]
    views = list(site.services.values())
    return CommitteeBrief(
        site.current_sheet,
        sum((b.totals for b in bills), Totals()),
        _spend(by_agency),
        _spend({k: v for k, v in by_category.items() if v}),
        _outlook(site, impacts),
        tuple(Change(v, v.status_date) for v in views if v.status == "proposed"),
        tuple(Change(v, v.status_date) for v in views if v.status == "retiring"),
        _results(site),
    )
