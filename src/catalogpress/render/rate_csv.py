"""A rate sheet as a spreadsheet (CSV): one row per rate line.

Finance staff open it in a spreadsheet program, which runs any cell that starts like a
formula, so text from the sources is written so that it cannot start one (the same rule
as the estimator's CSV in money.js). Amounts are exact decimal strings.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from catalogpress.model.views import Site
from catalogpress.render.price_data import line_data

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str) -> str:
    """Text as a spreadsheet shows it, never as a formula: "=1+1" becomes "'=1+1"."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def rates_csv(sheet: Any, site: Site) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            "fiscal_year",
            "effective",
            "category",
            "service_id",
            "service",
            "item",
            "customer_class",
            "unit",
            "unit_label",
            "pricing",
            "amount",
            "markup_percent",
            "currency",
            "charge_type",
            "minimum",
            "increment",
            "notes",
            "reason",
        ]
    )
    for line in sheet.lines:
        view = site.services[line.service]
        data = line_data(line, site)  # the figures the JSON open data holds
        writer.writerow(
            [
                sheet.fiscal_year,
                sheet.effective.isoformat(),
                cell(view.category.name),
                line.service,
                cell(view.name),
                cell(line.item),
                cell(site.customer_classes[line.customer_class].name)
                if line.customer_class
                else "",
                line.unit,
                cell(site.units[line.unit].label),
                line.pricing,
                data["amount"] or "",
                data["markup_percent"] or "",
                "USD",
                line.charge_type,
                data["minimum"] or "",
                data["increment"] or "",
                cell(line.notes or ""),
                cell(line.reason or ""),
            ]
        )
    return buffer.getvalue().encode("utf-8")
