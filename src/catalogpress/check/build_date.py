"""Checks of dates against the build date: the mistakes that dates make easy.

A catalog is always shown as it stands on one day (schema/dates.py), so a date
that is plausible on its own can still be wrong on that day: a service marked
active before it starts, a year no rate sheet covers, a review in the future.
Each message says what to change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from catalogpress.core.errors import Problems
from catalogpress.schema.dates import (
    add_months,
    effective_status,
    sheet_in_effect,
    sheet_periods,
    version_in_effect,
)
from catalogpress.schema.rates import Rates
from catalogpress.schema.records import Catalog

ONE_DAY = dt.timedelta(days=1)


def check_service_starts(catalog: Catalog, as_of: dt.date, problems: Problems) -> None:
    """An `active` service whose first version has not started yet is really `proposed`."""
    for service in catalog.services:
        if not service.versions or version_in_effect(service, as_of) is not None:
            continue
        first = service.versions[0]
        if first.status in ("active", "retiring"):
            problems.add(
                first.src.file,
                first.src.line,
                f"services[{service.id}].versions[0].status",
                f"the service is marked {first.status}, but its first version starts on "
                f"{first.effective}, after the build date {as_of}; write status: proposed "
                f"(it is then listed as coming soon, and goes live by itself on "
                f"{first.effective}), or build with --as-of {first.effective} to see the "
                "catalog as it will be then",
            )


def check_sheet_gaps(rates: Rates, problems: Problems) -> None:
    """Warn about time, or a whole fiscal year, that no rate sheet covers."""
    periods = sheet_periods(rates)
    for (sheet, _first, last), (following, starts, _) in zip(periods, periods[1:], strict=False):
        where = f"rate_sheets[{sheet.label}]"
        if last is not None and last + ONE_DAY < starts:
            problems.add(
                sheet.src.file,
                sheet.src.line,
                f"{where}.ends",
                f"no rate sheet is in effect from {last + ONE_DAY} to {starts - ONE_DAY}: "
                f"{sheet.label} ends on {last} and {following.label} starts on {starts}, so "
                "the site would show no rates then; remove ends: (the rates then stay in "
                "effect until the next sheet starts), or add a sheet for the missing time",
                warning=True,
            )
        elif following.fiscal_year > sheet.fiscal_year + 1:
            missing = ", ".join(
                f"FY{year}" for year in range(sheet.fiscal_year + 1, following.fiscal_year)
            )
            problems.add(
                following.src.file,
                following.src.line,
                f"rate_sheets[{following.label}].fiscal_year",
                f"there is no rate sheet for {missing}, between {sheet.label} and "
                f"{following.label}; {sheet.label}'s rates stay in effect until {starts}. Add "
                f"the missing sheet, or check the fiscal_year of {following.label}",
                warning=True,
            )


def check_current_rates(catalog: Catalog, rates: Rates, as_of: dt.date, problems: Problems) -> None:
    """Every service in use on the build date needs a price, or to be marked free."""
    current = sheet_in_effect(rates, as_of)
    priced = {line.service for line in current.lines} if current else set()
    ever_priced = {line.service for sheet in rates.rate_sheets for line in sheet.lines}
    for service in catalog.services:
        version = version_in_effect(service, as_of)
        src = service.src
        if service.no_charge and service.id in ever_priced:
            problems.add(
                src.file,
                src.line,
                f"services[{service.id}].no_charge",
                "the service is marked no_charge but has rate lines in rates.yaml",
            )
        status = effective_status(version, as_of) if version else "proposed"
        if (
            current
            and status in ("active", "retiring")
            and not service.no_charge
            and service.id not in priced
        ):
            problems.add(
                src.file,
                src.line,
                f"services[{service.id}]",
                f"the service is {status} on {as_of} but has no rate in the "
                f"{current.label} rate sheet; add a line with service: {service.id} to "
                f"that sheet in rates.yaml, or write no_charge: true here if agencies do "
                "not pay for it, or build with --as-of a date when it is priced",
            )


def check_reviews(docs: list[Any], review_months: int, as_of: dt.date, problems: Problems) -> None:
    """Warn about text nobody owns, nobody has checked for a long time, or dated ahead."""
    for doc in docs:
        meta, path = doc.meta, doc.file.path
        if meta.owner is None:
            problems.add(
                path,
                1,
                "owner",
                "no owner is named for this text (expected owner: "
                "<person id>, the person who keeps it correct)",
                warning=True,
            )
        if meta.reviewed_on is None:
            problems.add(
                path,
                1,
                "reviewed_on",
                "the date of the last review is missing (expected reviewed_on: YYYY-MM-DD)",
                warning=True,
            )
        elif meta.reviewed_on > as_of:
            problems.add(
                path,
                doc.file.meta.line(("reviewed_on",)),
                "reviewed_on",
                f"the review date {meta.reviewed_on} is after the build date {as_of}; write "
                "the day you last checked the text",
                warning=True,
            )
        elif add_months(meta.reviewed_on, review_months) < as_of:
            problems.add(
                path,
                doc.file.meta.line(("reviewed_on",)),
                "reviewed_on",
                f"review is overdue: last reviewed {meta.reviewed_on}, more than "
                f"{review_months} months before {as_of}; check the text, then update "
                "reviewed_on",
                warning=True,
            )
