"""The controlled list of rate units, so every page words a unit the same way."""

from __future__ import annotations

from catalogpress.schema.records import Unit

BUILTIN_UNITS: dict[str, Unit] = {
    unit_id: Unit(label=label, period=period)
    for unit_id, label, period in [
        ("each", "each", "once"),
        ("user-month", "per user per month", "month"),
        ("mailbox-month", "per mailbox per month", "month"),
        ("device-month", "per device per month", "month"),
        ("seat-month", "per seat per month", "month"),
        ("vm-month", "per virtual server per month", "month"),
        ("vcpu-month", "per virtual processor per month", "month"),
        ("gb-month", "per gigabyte per month", "month"),
        ("tb-month", "per terabyte per month", "month"),
        ("rack-unit-month", "per rack unit per month", "month"),
        ("circuit-month", "per circuit per month", "month"),
        ("port-month", "per port per month", "month"),
        ("site-month", "per site per month", "month"),
        ("license-year", "per licence per year", "year"),
        ("hour", "per hour", "hour"),
        ("request", "per request", "use"),
        ("project", "per project", "once"),
        ("page", "per page", "use"),
    ]
}
