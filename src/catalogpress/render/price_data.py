"""The prices in the open data: rate lines with their terms, customer classes and
typical orders, with a JSON Schema for each. Every figure comes from model/money.py
and the build's PriceBook, the same ones the pages and PDFs show."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from catalogpress.model.money import terms
from catalogpress.model.views import Site
from catalogpress.render.json_schema import (
    DATE,
    ID,
    MONEY,
    QUANTITY,
    TEXT,
    URL,
    json_object,
    nullable,
)
from catalogpress.schema.rates import (
    CHARGE_TYPES,
    PRICINGS,
    UNIT_PERIODS,
    Benchmark,
    Breakdown,
    RateLine,
)


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}" if value else "0"


def _benchmark(b: Benchmark | None) -> dict[str, Any] | None:
    if b is None:
        return None
    return {
        "source": b.source,
        "url": b.url,
        "as_of": b.as_of.isoformat(),
        "amount": f"{b.amount:f}",
    }


BENCHMARK = nullable(json_object({"source": TEXT, "url": URL, "as_of": DATE, "amount": MONEY}))


def line_data(line: RateLine, site: Site) -> dict[str, Any]:
    unit = site.units[line.unit]
    t = terms(line, site.units)
    return {
        "service": line.service,
        "item": line.item,
        "customer_class": line.customer_class,
        "unit": line.unit,
        "unit_label": unit.label,
        "unit_period": unit.period,
        "pricing": line.pricing,
        "amount": f"{line.amount:f}" if line.amount is not None else None,
        "markup_percent": _decimal(line.markup),
        "currency": "USD",
        "charge_type": line.charge_type,
        "minimum": _decimal(t.minimum) if line.minimum else None,
        "increment": _decimal(t.increment) if line.increment else None,
        "notes": line.notes,
        "reason": line.reason,
        "breakdown": (
            {name: f"{getattr(line.breakdown, name):f}" for name in line.breakdown.LABELS}
            if line.breakdown
            else None
        ),
        "benchmark": _benchmark(line.benchmark),
    }


LINE_SCHEMA = json_object(
    {
        "service": ID,
        "item": TEXT,
        "customer_class": nullable(ID),
        "unit": ID,
        "unit_label": TEXT,
        "unit_period": {"enum": list(UNIT_PERIODS)},
        "pricing": {"enum": list(PRICINGS)},
        "amount": nullable(MONEY),
        "markup_percent": nullable(QUANTITY),
        "currency": {"const": "USD"},
        "charge_type": {"enum": list(CHARGE_TYPES)},
        "minimum": nullable(QUANTITY),
        "increment": nullable(QUANTITY),
        "notes": nullable(TEXT),
        "reason": nullable(TEXT),
        "breakdown": nullable(json_object({name: MONEY for name in Breakdown.LABELS})),
        "benchmark": BENCHMARK,
    }
)


def classes_data(site: Site) -> list[dict[str, Any]]:
    return [
        {"id": c.id, "name": c.name, "description": c.description}
        for c in site.customer_classes.values()
    ]


CLASSES_SCHEMA = {
    "type": "array",
    "items": json_object({"id": ID, "name": TEXT, "description": nullable(TEXT)}),
}


def typical_data(site: Site) -> list[dict[str, Any]]:
    """Each typical order, priced in every open sheet for every class (one row when the
    catalog has no classes)."""
    classes: list[str | None] = list(site.customer_classes) or [None]
    sheets = [s for s in site.sheets if s.last_day is None or s.last_day >= site.as_of]
    rows = []
    for order in site.typical_orders.values():
        view = site.services[order.service]
        prices = []
        for sheet in sorted(sheets, key=lambda s: s.first_day):
            for class_id in classes:
                price = site.prices.service(view, sheet, class_id)
                if price is None or price.order is None:
                    continue
                t = price.totals
                prices.append(
                    {
                        "fiscal_year": sheet.sheet.fiscal_year,
                        "customer_class": class_id,
                        "monthly": f"{t.monthly:f}",
                        "yearly": f"{t.yearly:f}",
                        "one_time": f"{t.one_time:f}",
                        "complete": not price.missing and price.estimable,
                    }
                )
        rows.append(
            {
                "service": order.service,
                "name": order.name,
                "description": order.description,
                "lines": [{"item": o.item, "quantity": f"{o.quantity:f}"} for o in order.lines],
                "prices": prices,
                "benchmark": _benchmark(order.benchmark),
            }
        )
    return rows


TYPICAL_SCHEMA = {
    "type": "array",
    "items": json_object(
        {
            "service": ID,
            "name": TEXT,
            "description": nullable(TEXT),
            "lines": {
                "type": "array",
                "items": json_object({"item": TEXT, "quantity": QUANTITY}),
            },
            "prices": {
                "type": "array",
                "items": json_object(
                    {
                        "fiscal_year": {"type": "integer"},
                        "customer_class": nullable(ID),
                        "monthly": MONEY,
                        "yearly": MONEY,
                        "one_time": MONEY,
                        "complete": {"type": "boolean"},
                    }
                ),
            },
            "benchmark": BENCHMARK,
        }
    ),
}
