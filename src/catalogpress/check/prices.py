"""Checks that make every price computable: customer classes, rate kinds, units of
minimums and increments, typical orders, agency consumption and reasons for changes.

Each problem names the file, line and field, says what is wrong and how to fix it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from catalogpress.core.errors import Problems
from catalogpress.core.suggest import suggest
from catalogpress.schema.checker import Source
from catalogpress.schema.dates import sheet_in_effect, sheet_periods
from catalogpress.schema.rates import Measure, RateLine, Rates, RateSheet, Unit, convert
from catalogpress.schema.records import Agency, Catalog

PRICED_LINE_HINT = "a line priced at cost or with a markup is billed from the provider's bill"


def check_prices(
    catalog: Catalog, rates: Rates, units: dict[str, Unit], as_of: dt.date, problems: Problems
) -> None:
    for sheet in rates.rate_sheets:
        for i, line in enumerate(sheet.lines):
            _check_line_units(line, f"rate_sheets[{sheet.label}].lines[{i}]", units, problems)
    _check_classes(catalog, rates, problems)
    reference = _reference_sheet(rates, as_of)
    if reference is None:
        return
    # Items priced in an earlier sheet: an agency still recording one is out of date,
    # not wrong (a retired line drops off its bill).
    earlier: dict[str, set[str]] = {}
    for sheet in rates.rate_sheets:
        if sheet.effective < reference.effective:
            for line in sheet.lines:
                earlier.setdefault(line.service, set()).add(line.item)
    for agency in catalog.agencies:
        _check_consumption(agency, reference, catalog, earlier, problems)
    _check_typical_orders(rates, reference, problems)
    _check_reasons(rates, problems)


def _reference_sheet(rates: Rates, as_of: dt.date) -> RateSheet | None:
    """The sheet consumption and typical orders are checked against: the one in effect,
    else the newest."""
    periods = sheet_periods(rates)
    return sheet_in_effect(rates, as_of) or (periods[-1][0] if periods else None)


def _add(problems: Problems, src: Source, where: str, message: str, warning: bool = False) -> None:
    problems.add(src.file, src.line, where, message, warning=warning)


def _check_line_units(
    line: RateLine, where: str, units: dict[str, Unit], problems: Problems
) -> None:
    if line.unit not in units:
        return  # reported with the sheet's other unit checks
    for name in ("minimum", "increment"):
        measure: Measure | None = getattr(line, name)
        if measure is None:
            continue
        if measure.unit is not None and measure.unit not in units:
            _add(
                problems,
                line.src,
                f"{where}.{name}.unit",
                f"unknown unit '{measure.unit}'{suggest(measure.unit, units)}",
            )
            continue
        counted = convert(measure, line.unit, units)
        if counted is None:
            _add(
                problems,
                line.src,
                f"{where}.{name}",
                f"cannot count {measure.quantity:f} {measure.unit} in the line's unit "
                f"'{line.unit}' (give the {name} in '{line.unit}', or say under units: how "
                f"many '{measure.unit}' one '{line.unit}' equals, with equals:)",
            )
        elif name == "increment" and Decimal(1) % counted != 0:
            _add(
                problems,
                line.src,
                f"{where}.increment",
                f"a billing increment of {counted.normalize():f} does not divide one "
                f"'{line.unit}' into whole steps (use a step like 0.1, 0.25 or 0.5)",
            )


def _check_classes(catalog: Catalog, rates: Rates, problems: Problems) -> None:
    classes = {c.id: c for c in catalog.customer_classes}
    seen: set[str] = set()
    for i, c in enumerate(catalog.customer_classes):
        if c.id in seen:
            _add(problems, c.src, f"customer_classes[{i}].id", f"duplicate class id '{c.id}'")
        seen.add(c.id)
    used = {a.customer_class for a in catalog.agencies} | {
        line.customer_class for sheet in rates.rate_sheets for line in sheet.lines
    }
    for c in catalog.customer_classes:
        if c.id not in used:
            _add(
                problems,
                c.src,
                f"customer_classes[{c.id}]",
                f"no agency and no rate line uses the class '{c.id}' (assign it to an "
                "agency with customer_class:, or remove it)",
                warning=True,
            )
    if not classes:
        return
    for agency in catalog.agencies:
        if agency.customer_class is None:
            _add(
                problems,
                agency.src,
                f"agencies[{agency.id}].customer_class",
                "missing customer_class: every agency pays the rates of one class "
                f"(one of: {', '.join(classes)})",
            )


def _check_consumption(
    agency: Agency,
    sheet: RateSheet,
    catalog: Catalog,
    earlier: dict[str, set[str]],
    problems: Problems,
) -> None:
    lines_of: dict[str, list[RateLine]] = {}
    for line in sheet.lines:
        lines_of.setdefault(line.service, []).append(line)
    class_names = {c.id: c.name for c in catalog.customer_classes}
    for use in agency.services:
        where = f"agencies[{agency.id}].services[{use.service}]"
        if use.quantity is not None and use.lines:
            _add(
                problems,
                use.src,
                f"{where}.quantity",
                "give either a quantity for the whole service or lines:, not both",
            )
        items = lines_of.get(use.service, [])
        seen: dict[tuple[str, str | None], int] = {}
        for n, item in enumerate(use.lines):
            at = f"{where}.lines[{n}]"
            key = (item.item, item.program)
            if key in seen:
                _add(
                    problems,
                    item.src,
                    f"{at}.item",
                    f"'{item.item}' is listed twice (also on line {seen[key]}); add the "
                    "quantities together, or give each a different program",
                )
            seen[key] = item.src.line
            offered = [ln for ln in items if ln.item == item.item]
            if not offered and item.item in earlier.get(use.service, set()):
                _add(
                    problems,
                    item.src,
                    f"{at}.item",
                    f"'{item.item}' is no longer priced in the {sheet.label} rate sheet, so "
                    "the agency's bill leaves it out; remove it from the agency's record",
                    warning=True,
                )
                continue
            if not offered:
                names = {ln.item for ln in items}
                _add(
                    problems,
                    item.src,
                    f"{at}.item",
                    f"the {sheet.label} rate sheet has no line '{item.item}' for "
                    f"{use.service}{suggest(item.item, names)}"
                    + (f" (its lines: {_listing(names)})" if names else ""),
                )
                continue
            for_class = [ln for ln in offered if ln.customer_class in (None, agency.customer_class)]
            if not for_class:
                priced = _listing(class_names.get(ln.customer_class or "", "") for ln in offered)
                _add(
                    problems,
                    item.src,
                    f"{at}.item",
                    f"'{item.item}' is not offered to the agency's class "
                    f"'{agency.customer_class}' (it is priced only for: {priced})",
                )
                continue
            line = for_class[-1]
            if line.vendor_priced and item.vendor_cost is None:
                _add(
                    problems,
                    item.src,
                    f"{at}.quantity",
                    f"'{item.item}' is priced {line.pricing}: give vendor_cost: (the "
                    "provider's bill in dollars) instead of a quantity",
                )
            elif not line.vendor_priced and item.vendor_cost is not None:
                _add(
                    problems,
                    item.src,
                    f"{at}.vendor_cost",
                    f"'{item.item}' has a rate of its own: give quantity: (how many), not "
                    f"vendor_cost: ({PRICED_LINE_HINT})",
                )


def _listing(names: Iterable[str]) -> str:
    return ", ".join(f"'{n}'" for n in sorted(set(names)))


def _check_typical_orders(rates: Rates, sheet: RateSheet, problems: Problems) -> None:
    seen: dict[str, int] = {}
    service_of: dict[str, set[str]] = {}
    for line in sheet.lines:
        service_of.setdefault(line.item, set()).add(line.service)
    for i, order in enumerate(rates.typical_orders):
        where = f"typical_orders[{i}]"
        if order.service in seen:
            _add(
                problems,
                order.src,
                f"{where}.service",
                f"'{order.service}' already has a typical order (on line "
                f"{seen[order.service]}); give each service one",
            )
        seen[order.service] = order.src.line
        own = {ln.item for ln in sheet.lines_of(order.service)}
        for n, item in enumerate(order.lines):
            if item.item in own:
                continue
            others = service_of.get(item.item, set())
            detail = (
                f"it is a line of {_listing(others)}, not of '{order.service}'"
                if others
                else f"no line of '{order.service}' has that name{suggest(item.item, own)}"
            )
            _add(
                problems,
                item.src,
                f"{where}.lines[{n}].item",
                f"the typical order names '{item.item}', but {detail}",
            )


def _check_reasons(rates: Rates, problems: Problems) -> None:
    """A rate that changes from one fiscal year to the next says why (a warning)."""
    periods = sheet_periods(rates)
    for (old, _, _), (new, _, _) in zip(periods, periods[1:], strict=False):
        before = {(ln.service, ln.item, ln.customer_class): ln for ln in old.lines}
        for i, line in enumerate(new.lines):
            previous = before.get((line.service, line.item, line.customer_class))
            if previous is None or line.reason:
                continue
            if (previous.amount, previous.markup) != (line.amount, line.markup):
                _add(
                    problems,
                    line.src,
                    f"rate_sheets[{new.label}].lines[{i}].reason",
                    f"the rate changed from {old.label} ({_price(previous)}) to "
                    f"{_price(line)}: add reason: saying why, for the rate change notice "
                    "and each agency's budget impact",
                    warning=True,
                )


def _price(line: RateLine) -> str:
    if line.pricing == "markup":
        return f"cost + {line.markup}%"
    return f"${line.amount}" if line.amount is not None else "at cost"
