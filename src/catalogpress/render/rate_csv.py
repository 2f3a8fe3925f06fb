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
            "amount",
            "currency",
            "charge_type",
            "minimum",
            "notes",
        ]
    )
    for line in sheet.lines:
        view = site.services[line.service]
        writer.writerow(
            [
                sheet.fiscal_year,
                sheet.effective.isoformat(),
                cell(view.category.name),
                line.service,
                cell(view.name),
                cell(line.item),
                cell(line.customer_class or ""),
                line.unit,
                cell(site.units[line.unit].label),
                f"{line.amount:f}",
                "USD",
                line.charge_type,
                f"{line.minimum:f}" if line.minimum else "",
                cell(line.notes or ""),
            ]
        )
    return buffer.getvalue().encode("utf-8")
