"""The cost estimator's data: every rate line it can price, for the browser script.

The script (money.js) repeats model/money.py's billing rule in integer ten-thousandths
of a dollar, from the figures `estimator_data` embeds in the page. Which lines a customer
class pays is decided here, by billing.lines_for_class, never in the script."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from catalogpress.model.billing import OrderPrice, line_key, lines_for_class
from catalogpress.model.money import e4, terms
from catalogpress.model.views import ServiceView, SheetView, Site
from catalogpress.schema.rates import Benchmark, RateLine, Unit
from catalogpress.schema.records import CustomerClass

# --- estimator and in-house comparison data -------------------------------------------------


def open_sheets(site: Site) -> list[SheetView]:
    """This fiscal year's sheet and any published for later years, oldest first."""
    return sorted(
        (s for s in site.sheets if s.last_day is None or s.last_day >= site.as_of),
        key=lambda s: s.first_day,
    )


def estimator_data(site: Site) -> dict[str, Any]:
    """Everything the estimator and comparison scripts need, as plain JSON data.

    Amounts are integers in ten-thousandths of a dollar so the browser never does
    money arithmetic in binary floating point.
    """
    sheets = []
    for sheet in open_sheets(site):
        lines = []
        for line in sheet.sheet.lines:
            view = site.services[line.service]
            unit = site.units[line.unit]
            t = terms(line, site.units)
            entry: dict[str, Any] = {
                "key": line_key(line),
                "service": line.service,
                "service_name": view.name,
                "item": line.item,
                "customer_class": line.customer_class or "",
                "unit": line.unit,
                "unit_label": unit.label,
                "period": unit.period,
                "billing_period": t.period,
                "charge_type": line.charge_type,
                "pricing": t.pricing,
                "amount_e4": e4(t.amount),
                "amount": f"{t.amount:f}",
                "markup_e4": e4(t.markup),
                "minimum_e4": e4(t.minimum),
                "increment_e4": e4(t.increment),
            }
            if line.breakdown is not None:
                entry["breakdown_e4"] = {
                    name: e4(getattr(line.breakdown, name)) for name in line.breakdown.LABELS
                }
            if line.benchmark is not None:
                entry["benchmark"] = _benchmark(line.benchmark)
            lines.append(entry)
        sheets.append(
            {
                "id": sheet.sheet.id,
                "label": sheet.sheet.label,
                "first_day": sheet.first_day.isoformat(),
                "current": site.current_sheet is sheet,
                "lines": lines,
            }
        )
    return {
        "as_of": site.as_of.isoformat(),
        "sheets": sheets,
        "classes": class_rows(site),
    }


def _benchmark(b: Benchmark) -> dict[str, Any]:
    return {
        "source": b.source,
        "url": b.url,
        "as_of": b.as_of.isoformat(),
        "amount_e4": e4(b.amount),
    }


def class_rows(site: Site) -> list[dict[str, Any]]:
    """For each customer class (the reference class first; one nameless class when the
    catalog defines none): the estimator rows it sees and, for each open sheet, the line
    each row is priced at (billing.lines_for_class), plus the other keys an address may
    name a row by.

    A row is keyed by the line the class pays in the earliest open sheet that offers the
    item, so an agency page's address (keys of the sheet in effect) names rows directly."""
    classes: list[tuple[str, str]] = [(c.id, c.name) for c in site.customer_classes.values()]
    result = []
    for class_id, name in classes or [("", "")]:
        rows: dict[str, dict[str, str]] = {}
        row_of_item: dict[tuple[str, str], str] = {}
        aliases: dict[str, str] = {}
        for sheet in open_sheets(site):
            for line in lines_for_class(sheet.sheet.lines, class_id or None):
                key = line_key(line)
                row = row_of_item.setdefault((line.service, line.item), key)
                rows.setdefault(row, {})[sheet.sheet.id] = key
                if key != row:
                    aliases[key] = row
        result.append({"id": class_id, "name": name, "rows": rows, "aliases": aliases})
    return result


def script_json(data: object) -> str:
    """JSON that is safe inside <script type="application/json">: no '<', '>' or '&'
    can close the element or start markup, whatever the catalog's text says."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass(frozen=True)
class EstimatorRow:
    key: str
    line: RateLine  # as priced in the earliest open sheet that has it
    unit: Unit
    prices: tuple[tuple[SheetView, RateLine | None], ...]  # each open sheet's line, or None
    customer_class: CustomerClass | None = None  # the class the line is priced for

    @property
    def vendor_priced(self) -> bool:
        """Priced from the provider's bill: the form asks for that bill, in dollars."""
        return self.line.vendor_priced

    @property
    def counted_per_month(self) -> bool:
        """Hourly and per-use charges have no fixed quantity: the form asks how many a month
        (the estimator's script counts them into the monthly total)."""
        return self.unit.period in ("hour", "use")


def estimator_groups(site: Site) -> list[tuple[str, list[tuple[ServiceView, list[EstimatorRow]]]]]:
    """Every rate line of the open sheets for the form: [(category, [(service, rows)])]."""
    sheets = open_sheets(site)
    by_key: dict[str, dict[str, RateLine]] = {}
    order: list[RateLine] = []
    for sheet in sheets:
        for line in sheet.sheet.lines:
            key = line_key(line)
            if key not in by_key:
                by_key[key] = {}
                order.append(line)
            by_key[key][sheet.sheet.id] = line
    order_by_service: dict[str, list[RateLine]] = {}
    for line in order:
        order_by_service.setdefault(line.service, []).append(line)
    groups = []
    for category in site.categories:
        entries = []
        for view in site.services.values():
            if view.category.id != category.category.id:
                continue
            rows = [
                EstimatorRow(
                    line_key(line),
                    line,
                    site.units[line.unit],
                    tuple((s, by_key[line_key(line)].get(s.sheet.id)) for s in sheets),
                    site.customer_classes.get(line.customer_class or ""),
                )
                for line in order_by_service.get(view.id, ())
            ]
            if rows:
                entries.append((view, rows))
        if entries:
            groups.append((category.category.name, entries))
    return groups


def comparable_lines(
    groups: list[tuple[str, list[tuple[ServiceView, list[EstimatorRow]]]]],
) -> list[tuple[ServiceView, list[EstimatorRow]]]:
    """Rate lines of the sheet in effect with a cost breakdown: the ones an in-house cost
    compares with. Only lines with a rate of ours: a markup or at-cost line is the
    provider's bill, which an agency would pay doing it itself too.
    `groups`: estimator_groups(site)."""
    rows = []
    for _category, entries in groups:
        for view, lines in entries:
            with_parts = [
                r
                for r in lines
                if r.line.breakdown is not None
                and not r.vendor_priced
                and r.unit.period in ("month", "year")
                and r.prices
                and r.prices[0][0].state == "current"
                and r.prices[0][1] is not None
            ]
            if with_parts:
                rows.append((view, with_parts))
    return rows


def typical_benchmarks(site: Site) -> list[tuple[ServiceView, OrderPrice]]:
    """Typical orders with a market price for the same basket, priced at the rates in
    effect for the reference class: the like-for-like comparisons the tool shows."""
    found = []
    for view in site.services.values():
        price = site.prices.service(view)
        if price is not None and price.order is not None and price.order.benchmark is not None:
            found.append((view, price))
    return found


@dataclass(frozen=True)
class ServiceTools:
    """What a service page offers of the estimator and the comparison."""

    estimate: str | None  # the estimator's address fragment adding the service, if it can
    compare: bool  # the comparison shows a market price for the service


def service_tools(
    site: Site, groups: list[tuple[str, list[tuple[ServiceView, list[EstimatorRow]]]]]
) -> dict[str, ServiceTools]:
    """For each service, by id: whether a reader can estimate it (it is sold or yet to
    start, not retired, and has a rate line in an open sheet, so the estimator has a form
    for it) and whether the comparison shows market prices for it.

    The address names the first class that pays a line of the service when the reference
    class pays none, so the estimator opens at a class that can buy it.
    `groups`: estimator_groups(site)."""
    rows_by_class = class_rows(site)
    in_form = {view.id: rows for _c, entries in groups for view, rows in entries}
    benchmarked = {
        view.id for view, rows in comparable_lines(groups) if any(r.line.benchmark for r in rows)
    } | {view.id for view, _price in typical_benchmarks(site)}
    class_keys = [(c, set(c["rows"])) for c in rows_by_class]  # once, not per service
    found = {}
    for view in site.services.values():
        estimate = None
        keys = {row.key for row in in_form.get(view.id, ())}
        if view.ordering_state != "closed" and keys:
            paying = [c for c, rows in class_keys if keys & rows]
            if paying:
                named = [("class", paying[0]["id"])] if paying[0] is not rows_by_class[0] else []
                estimate = urlencode([*named, ("add", view.id)])
        found[view.id] = ServiceTools(estimate, view.id in benchmarked)
    return found
