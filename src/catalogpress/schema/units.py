"""The controlled list of rate units, so every page words a unit the same way."""

from __future__ import annotations

from decimal import Decimal

from catalogpress.schema.rates import Unit, UnitSize


def _unit(label: str, period: str, equals: tuple[str, str] | None = None) -> Unit:
    size = UnitSize(equals[1], Decimal(equals[0])) if equals else None
    return Unit(label=label, period=period, equals=size)


BUILTIN_UNITS: dict[str, Unit] = {
    "each": _unit("each", "once"),
    "user-month": _unit("per user per month", "month"),
    "mailbox-month": _unit("per mailbox per month", "month"),
    "device-month": _unit("per device per month", "month"),
    "seat-month": _unit("per seat per month", "month"),
    "vm-month": _unit("per virtual server per month", "month"),
    "vcpu-month": _unit("per virtual processor per month", "month"),
    "gb-month": _unit("per gigabyte per month", "month"),
    "tb-month": _unit("per terabyte per month", "month", ("1000", "gb-month")),
    "rack-unit-month": _unit("per rack unit per month", "month"),
    "circuit-month": _unit("per circuit per month", "month"),
    "port-month": _unit("per port per month", "month"),
    "site-month": _unit("per site per month", "month"),
    "license-year": _unit("per license per year", "year"),
    "hour": _unit("per hour", "hour", ("60", "minute")),
    "minute": _unit("per minute", "hour"),
    "request": _unit("per request", "use"),
    "project": _unit("per project", "once"),
    "page": _unit("per page", "use"),
    # Lines priced from a provider's bill (pricing: markup or at-cost): the quantity is
    # that bill in dollars.
    "provider-bill-month": _unit("of the provider's monthly bill", "month"),
    "provider-bill": _unit("of the provider's invoice", "once"),
}
