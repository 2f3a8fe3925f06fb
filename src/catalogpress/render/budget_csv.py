"""An agency's budget impact as a spreadsheet (CSV): a row per service, a row per rate line
whose price changes, and the totals, from the same `BudgetView` as its page and PDF.

Text from the sources is written so that a spreadsheet never runs it as a formula
(render/rate_csv.py `cell`); amounts are exact decimal strings in US dollars.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from catalogpress.model.budget import BudgetView
from catalogpress.model.rate_changes import price_value
from catalogpress.render.rate_csv import cell

COLUMNS = (
    "agency_id",
    "customer_class",
    "this_year",
    "next_year",
    "row",  # service, line (a rate line whose price changes) or total
    "service_id",
    "service",
    "item",
    "yearly_this_year",
    "yearly_next_year",
    "yearly_change",
    "percent_change",  # of the yearly cost; on a line row, of its rate
    "one_time_this_year",
    "one_time_next_year",
    "pricing",  # rate, markup (the rates are percentages) or at-cost
    "rate_this_year",
    "rate_next_year",
    "change",  # up, down, same, changed (priced another way) or not-offered
    "reason",
)


def _money(value: Decimal | None) -> str:
    """An amount to the cent ("0.00"), or nothing."""
    return "" if value is None else f"{value:.2f}"


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value + 0:f}"  # + 0: "0.0", never "-0.0"


def budget_csv(budget: BudgetView) -> bytes:
    agency = budget.agency
    head = [
        agency.agency.id,
        cell(agency.customer_class.name) if agency.customer_class else "",
        budget.now_sheet.sheet.label,
        budget.next_sheet.sheet.label,
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in budget.services:
        s = row.impact
        writer.writerow(
            [
                *head,
                "service",
                s.service.id,
                cell(s.service.name),
                "",
                _money(s.now.yearly),
                _money(s.next.yearly),
                _money(s.change),
                _percent(s.percent),
                _money(s.now.one_time),
                _money(s.next.one_time),
                "",
                "",
                "",
                row.direction,
                "",
            ]
        )
        for line in row.lines:
            old, new = line.change.old, line.change.new
            writer.writerow(
                [
                    *head,
                    "line",
                    s.service.id,
                    cell(s.service.name),
                    cell(line.item),
                    _money(line.change.now.yearly),
                    _money(line.change.next.yearly),
                    _money(line.yearly_change),
                    _percent(line.percent),
                    _money(line.change.now.one_time),
                    _money(line.change.next.one_time),
                    (new or old).pricing,
                    "" if old.pricing == "at-cost" else f"{price_value(old):f}",
                    "" if new is None or new.pricing == "at-cost" else f"{price_value(new):f}",
                    line.kind,
                    cell(line.reason or ""),
                ]
            )
    writer.writerow(
        [
            *head,
            "total",
            "",
            "",
            "",
            _money(budget.now.yearly),
            _money(budget.next.yearly),
            _money(budget.change),
            _percent(budget.impact.percent),
            _money(budget.now.one_time),
            _money(budget.next.one_time),
            "",
            "",
            "",
            budget.direction,
            "",
        ]
    )
    return buffer.getvalue().encode("utf-8")
