"""The operations review packet: what a relationship specialist takes to an agency's
quarterly service review, made from the same data as every other page. The quarter is
the latest one that has ended on the build date (schema/dates.py decides quarters)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from catalogpress.model.billing import AgencyBill, BudgetImpact
from catalogpress.model.maintenance import EventView, event_views
from catalogpress.model.money import cents
from catalogpress.model.performance import PeriodResult
from catalogpress.model.views import AgencyView, ServiceView, Site
from catalogpress.schema.dates import Quarter, fiscal_quarter, last_complete_quarter

FISCAL_YEAR_STARTS = 7  # July, when no rate sheet says otherwise


@dataclass(frozen=True)
class ServiceCost:
    service: ServiceView
    monthly: Decimal
    quarter: Decimal  # three months of monthly charges, plus a quarter of yearly ones
    yearly: Decimal


@dataclass(frozen=True)
class ServiceResult:
    """How one service the agency uses did over the quarter (performance.csv)."""

    service: ServiceView
    result: PeriodResult

    @property
    def incident_targets(self) -> tuple[int, int]:
        """(met, measured): each month and priority that had incidents, judged once."""
        summaries = self.result.incident_summaries
        return sum(t.months_met for t in summaries), sum(t.months_measured for t in summaries)


@dataclass(frozen=True)
class ReviewPacket:
    agency: AgencyView
    quarter: Quarter
    bill: AgencyBill
    costs: tuple[ServiceCost, ...]
    quarter_total: Decimal
    maintenance: tuple[EventView, ...]  # upcoming or under way on services it uses
    retiring: tuple[ServiceView, ...]  # services it uses that are retiring
    impacts: tuple[BudgetImpact, ...]  # next years' rates on its use
    results: tuple[ServiceResult, ...]  # services with measurements in the quarter

    next_review: dt.date  # the day after the quarter under way ends: the next packet


def fiscal_year_start(site: Site) -> int:
    sheet = site.current_sheet or (site.sheets[0] if site.sheets else None)
    return sheet.first_day.month if sheet else FISCAL_YEAR_STARTS


def review_quarter(site: Site) -> Quarter:
    return last_complete_quarter(site.as_of, fiscal_year_start(site))


def review_packet(site: Site, agency: AgencyView) -> ReviewPacket:
    bill = site.prices.bill(agency)
    costs = []
    for service in bill.services:
        t = service.totals
        # A quarter of a year's charges: three months of monthly ones, a fourth of yearly
        # licenses (so four quarters add up to the yearly cost).
        costs.append(ServiceCost(service.service, t.monthly, cents(t.yearly / 4), t.yearly))
    quarter = review_quarter(site)
    periods = site.performance.results(
        [s.id for s in agency.services], quarter.first, quarter.last.replace(day=1)
    )
    results = tuple(
        ServiceResult(view, periods[view.id]) for view in agency.services if periods[view.id].months
    )
    next_quarter = fiscal_quarter(quarter.last + dt.timedelta(days=1), fiscal_year_start(site))
    used = {s.id for s in agency.services}
    events = tuple(
        e for e in event_views(site) if e.state != "past" and used & set(e.event.services)
    )
    return ReviewPacket(
        agency,
        quarter,
        bill,
        tuple(costs),
        sum((c.quarter for c in costs), Decimal(0)),
        events,
        tuple(s for s in agency.services if s.status == "retiring"),
        tuple(site.prices.impacts(agency)),
        results,
        next_quarter.last + dt.timedelta(days=1),
    )
