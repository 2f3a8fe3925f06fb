"""The measurements as open data: a CSV and JSON with its JSON Schema.

One row (or object) per service per month, as reported, with the results worked out
against the SLA in effect that month. Percents are decimal strings rounded as the
scorecards round them (model/performance.py), never JSON numbers; text from the
source is written into the CSV so that a spreadsheet cannot take it for a formula.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from catalogpress.model.performance import MonthResult, Outcome
from catalogpress.model.views import Site
from catalogpress.render.json_schema import DATE, ID, TEXT, json_object, nullable
from catalogpress.render.opendata import _url
from catalogpress.render.rate_csv import cell
from catalogpress.routes import file_path

PERFORMANCE_CSV = file_path("performance_csv")
PERFORMANCE_JSON = file_path("performance_json")
PERFORMANCE_SCHEMA = file_path("performance_schema")
SCHEMA_VERSION = "1.0"
ROUNDING = (
    "Percents are rounded half-up, availability to three decimal places and other "
    "shares to one; a target is met when the rounded figure reaches it."
)
PERCENT = {"type": "string", "pattern": r"^[0-9]{1,3}(\.[0-9]{1,3})?$"}
COUNT = {"type": "integer", "minimum": 0}
MONTH = {"type": "string", "pattern": r"^\d{4}-\d{2}$"}


def _results(site: Site) -> list[MonthResult]:
    """Every reported month (not only the scorecards' year), service by service."""
    history = site.performance.history
    return [m for service in site.performance.cards for m in history.get(service, ())]


def _flag(outcome: Outcome) -> str:
    return {True: "yes", False: "no", None: ""}[outcome.met]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def performance_csv(site: Site) -> bytes:
    levels = _levels(site)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header = ["month", "service_id", "service", "sla", "scheduled_minutes", "downtime_minutes"]
    header += ["availability_percent", "availability_target", "availability_met"]
    for level in levels:
        p = level.lower()
        header += [f"{p}_incidents", f"{p}_responded", f"{p}_resolved", f"{p}_goal"]
        header += [f"{p}_response_met", f"{p}_resolution_met"]
    header += ["requests", "requests_on_time", "on_time_percent"]
    header += ["satisfaction_responses", "satisfaction_score", "note"]
    writer.writerow(header)
    for m in _results(site):
        row = m.row
        avail = m.availability
        cells: list[object] = [f"{row.month:%Y-%m}", row.service, cell(_name(site, row.service))]
        cells += [m.sla, row.scheduled_minutes, row.downtime_minutes]
        cells += [_text(avail.measured), f"{avail.target.goal}", _flag(avail)]
        by_key = {o.target.key: o for o in m.incident_outcomes}
        counts = {c.level: c for c in row.incidents}
        for level in levels:
            c = counts.get(level)
            respond, resolve = (
                by_key.get(f"{level.lower()}-respond"),
                by_key.get(f"{level.lower()}-resolve"),
            )
            cells += [c.incidents, c.responded, c.resolved] if c else ["", "", ""]
            cells += [f"{respond.target.goal}" if respond else ""]
            cells += [_flag(respond) if respond else "", _flag(resolve) if resolve else ""]
        cells += [_text(row.requests), _text(row.requests_on_time), _text(m.on_time)]
        cells += [_text(row.satisfaction_responses), _text(row.satisfaction_score)]
        cells += [cell(row.note)]
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8")


def _name(site: Site, service: str) -> str:
    return site.performance.cards[service].name


def _levels(site: Site) -> list[str]:
    found = {c.level for m in _results(site) for c in m.row.incidents}
    return sorted(found)


def _outcome(o: Outcome) -> dict[str, Any]:
    return {
        "target": o.target.label,
        "goal_percent": f"{o.target.goal}",
        "percent": _text(o.measured) or None,
        "met_count": o.met_count,
        "count": o.count,
        "met": o.met,
    }


def performance_data(site: Site) -> dict[str, Any]:
    return {
        "$schema": _url(site, PERFORMANCE_SCHEMA),
        "schema_version": SCHEMA_VERSION,
        "as_of": site.as_of.isoformat(),
        "rounding": ROUNDING,
        "measurements": [
            {
                "month": f"{m.row.month:%Y-%m}",
                "service": m.row.service,
                "sla": m.sla,
                "scheduled_minutes": m.row.scheduled_minutes,
                "downtime_minutes": m.row.downtime_minutes,
                "availability": _outcome(m.availability),
                "incidents": [
                    {
                        "level": c.level,
                        "incidents": c.incidents,
                        "responded": c.responded,
                        "resolved": c.resolved,
                    }
                    for c in m.row.incidents
                ],
                "incident_targets": [_outcome(o) for o in m.incident_outcomes],
                "requests": None
                if m.row.requests is None
                else {
                    "total": m.row.requests,
                    "on_time": m.row.requests_on_time,
                    "on_time_percent": _text(m.on_time) or None,
                },
                "satisfaction": None
                if m.row.satisfaction_responses is None
                else {
                    "responses": m.row.satisfaction_responses,
                    "score": _text(m.row.satisfaction_score) or None,
                },
                "note": m.row.note or None,
            }
            for m in _results(site)
        ],
    }


def performance_schema(site: Site) -> dict[str, Any]:
    """JSON Schema (2020-12) for performance.json; tests validate the output against it."""
    outcome = json_object(
        {
            "target": TEXT,
            "goal_percent": PERCENT,
            "percent": nullable(PERCENT),
            "met_count": COUNT,
            "count": COUNT,
            "met": {"type": ["boolean", "null"]},
        }
    )
    measurement = json_object(
        {
            "month": MONTH,
            "service": ID,
            "sla": ID,
            "scheduled_minutes": COUNT,
            "downtime_minutes": COUNT,
            "availability": outcome,
            "incidents": {
                "type": "array",
                "items": json_object(
                    {"level": TEXT, "incidents": COUNT, "responded": COUNT, "resolved": COUNT}
                ),
            },
            "incident_targets": {"type": "array", "items": outcome},
            "requests": nullable(
                json_object(
                    {"total": COUNT, "on_time": COUNT, "on_time_percent": nullable(PERCENT)}
                )
            ),
            "satisfaction": nullable(
                json_object(
                    {
                        "responses": COUNT,
                        "score": nullable({"type": "string", "pattern": r"^[1-5](\.\d{1,2})?$"}),
                    }
                )
            ),
            "note": nullable(TEXT),
        }
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": _url(site, PERFORMANCE_SCHEMA),
        "title": f"{site.office.name}: service results, month by month",
        "type": "object",
        **json_object(
            {
                "$schema": {"type": "string"},
                "schema_version": {"const": SCHEMA_VERSION},
                "as_of": DATE,
                "rounding": TEXT,
                "measurements": {"type": "array", "items": measurement},
            }
        ),
    }
