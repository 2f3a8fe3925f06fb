"""The date rules: which version of a service and which rate sheet are in effect on a day.

One place decides them, so the checks, the site model and every page agree on what
"current" means. Pure functions of the records and a date; never the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from catalogpress.schema.fields import FIRST_YEAR, LAST_YEAR
from catalogpress.schema.rates import Rates, RateSheet
from catalogpress.schema.records import Service, Version

# The calendar the catalog works in (FIRST_YEAR and LAST_YEAR, from schema/fields.py):
# wide enough for any real record, narrow enough that date arithmetic never overflows.
EARLIEST = dt.date(FIRST_YEAR, 1, 1)
LATEST = dt.date(LAST_YEAR, 12, 31)


def in_calendar(day: dt.date) -> bool:
    return EARLIEST <= day <= LATEST


def sheet_periods(rates: Rates) -> list[tuple[RateSheet, dt.date, dt.date | None]]:
    """Each sheet with the first and last day it applies (None: open-ended)."""
    ordered = sorted(rates.rate_sheets, key=lambda s: s.effective)
    periods = []
    for i, sheet in enumerate(ordered):
        following = ordered[i + 1] if i + 1 < len(ordered) else None
        last = sheet.ends or (following.effective - dt.timedelta(days=1) if following else None)
        periods.append((sheet, sheet.effective, last))
    return periods


def sheet_in_effect(rates: Rates, on: dt.date) -> RateSheet | None:
    for sheet, first, last in sheet_periods(rates):
        if first <= on and (last is None or on <= last):
            return sheet
    return None


def sheets_ahead(rates: Rates, on: dt.date) -> list[RateSheet]:
    """Sheets published for fiscal years after the one in effect on `on`, soonest first:
    each agency's budget impact is worked out for each (none when no sheet is in effect)."""
    if sheet_in_effect(rates, on) is None:
        return []
    return [sheet for sheet, first, _ in sheet_periods(rates) if first > on]


def version_in_effect(service: Service, on: dt.date) -> Version | None:
    current = None
    for version in service.versions:
        if version.effective <= on:
            current = version
    return current


def effective_status(version: Version, on: dt.date) -> str:
    """The status on a date: planned services go live on their effective date, and
    retiring ones count as retired once their retire date has passed."""
    if version.status == "proposed" and version.effective <= on:
        return "active"
    if version.status == "retiring" and version.retire_on and version.retire_on <= on:
        return "retired"
    return version.status


def add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + year, month + 1, min(day.day, 28))


@dataclass(frozen=True)
class Quarter:
    """A quarter of the fiscal year: FY2027 Q1 is July to September 2026 when the fiscal
    year starts in July (and is named for the year it ends in)."""

    fiscal_year: int
    number: int  # 1 to 4
    first: dt.date
    last: dt.date

    @property
    def label(self) -> str:
        return f"FY{self.fiscal_year} Q{self.number}"

    @property
    def key(self) -> str:
        return f"fy{self.fiscal_year}-q{self.number}"

    @property
    def months(self) -> str:
        """ "July to September 2026"."""
        start = f"{self.first:%B}" + (
            "" if self.first.year == self.last.year else f" {self.first.year}"
        )
        return f"{start} to {self.last:%B} {self.last.year}"


def fiscal_quarter(day: dt.date, start_month: int) -> Quarter:
    """The fiscal quarter `day` falls in, for a fiscal year starting on the first of
    `start_month`."""
    offset = (day.month - start_month) % 12
    number = offset // 3 + 1
    first = add_months(dt.date(day.year, day.month, 1), -(offset % 3))
    last = add_months(first, 3) - dt.timedelta(days=1)
    fy_start_year = day.year if day.month >= start_month else day.year - 1
    fiscal_year = fy_start_year + (1 if start_month != 1 else 0)
    return Quarter(fiscal_year, number, first, last)


def last_complete_quarter(as_of: dt.date, start_month: int) -> Quarter:
    """The latest fiscal quarter that has ended by `as_of`."""
    current = fiscal_quarter(as_of, start_month)
    if as_of == current.last:
        return current
    return fiscal_quarter(current.first - dt.timedelta(days=1), start_month)


def month_end(month: dt.date) -> dt.date:
    """The last day of the month `month` lies in."""
    return add_months(month.replace(day=1), 1) - dt.timedelta(days=1)
