"""Open data: the catalog as JSON, with a published JSON Schema that describes it.

Amounts are decimal strings ("6.40"), never JSON numbers, so spreadsheets and
finance tools read exactly what the rate committee approved.
"""

from __future__ import annotations

import json
from typing import Any

from catalogpress.model.maintenance import ICS_PATH, event_views
from catalogpress.model.views import Site
from catalogpress.render.json_schema import (
    DATE,
    DATETIME,
    ID,
    MONEY,
    TEXT,
    URL,
    json_object,
    nullable,
)
from catalogpress.render.price_data import (
    CLASSES_SCHEMA,
    LINE_SCHEMA,
    TYPICAL_SCHEMA,
    classes_data,
    line_data,
    typical_data,
)
from catalogpress.routes import file_path

JSON_PATH = file_path("catalog_json")
SCHEMA_PATH = file_path("catalog_schema")
SCHEMA_VERSION = "2.0"  # 2.0: rate kinds, customer classes, typical orders


def _url(site: Site, path: str) -> str:
    return site.settings.base_url.rstrip("/") + "/" + path


def catalog_data(site: Site) -> dict[str, Any]:
    office = site.office
    return {
        "$schema": _url(site, SCHEMA_PATH),
        "schema_version": SCHEMA_VERSION,
        "as_of": site.as_of.isoformat(),
        "url": _url(site, ""),
        "office": {
            "name": office.name,
            "short_name": office.short_name,
            "parent": office.parent,
            "mission": office.mission,
            "service_desk": {
                "phone": office.service_desk.phone,
                "email": office.service_desk.email,
                "portal": office.service_desk.portal,
                "hours": office.service_desk.hours,
            },
        },
        "categories": [
            {
                "id": c.category.id,
                "name": c.category.name,
                "description": c.category.description,
                "url": _url(site, c.path),
            }
            for c in site.categories
        ],
        "services": [
            {
                "id": s.id,
                "name": s.name,
                "category": s.category.id,
                "status": s.status,
                "version": s.version.version,
                "effective": s.version.effective.isoformat(),
                "retire_on": s.version.retire_on.isoformat() if s.version.retire_on else None,
                "replaced_by": s.version.replaced_by,
                "summary": s.version.summary,
                "audiences": list(s.audiences),
                "included": list(s.version.included),
                "not_included": list(s.version.not_included),
                "sla": s.sla.id,
                "owner_team": s.service.owner.team,
                "no_charge": s.service.no_charge,
                "support_hours": s.version.support_hours,
                "ordering": {
                    "channel": s.version.ordering.channel,
                    "url": s.version.ordering.url,
                    "lead_time_days": s.version.ordering.lead_time_days,
                },
                "url": _url(site, s.path),
            }
            for s in site.services.values()
        ],
        "rate_sheets": [
            {
                "id": s.sheet.id,
                "fiscal_year": s.sheet.fiscal_year,
                "effective": s.first_day.isoformat(),
                "ends": s.last_day.isoformat() if s.last_day else None,
                "approved_by": s.sheet.approved_by,
                "approved_on": s.sheet.approved_on.isoformat(),
                "current": site.current_sheet is s,
                "csv": _url(site, s.csv_path),
                "lines": [line_data(line, site) for line in s.sheet.lines],
            }
            for s in site.sheets
        ],
        "customer_classes": classes_data(site),
        "typical_orders": typical_data(site),
        "slas": [
            {
                "id": v.id,
                "name": v.meta.name,
                "availability": f"{v.meta.availability:f}",
                "service_hours": v.meta.service_hours,
                "url": _url(site, v.path),
            }
            for v in site.slas.values()
        ],
        "maintenance": [
            {
                "id": v.event.id,
                "title": v.event.title,
                "services": list(v.event.services),
                "start": v.event.start.isoformat(),
                "end": v.event.end.isoformat(),
                "impact": v.event.impact,
                "description": v.event.description,
                "state": v.state,
            }
            for v in event_views(site)
        ],
        "calendar": _url(site, ICS_PATH),
    }


def catalog_schema(site: Site) -> dict[str, Any]:
    """JSON Schema (2020-12) for catalog.json; tests validate the output against it."""
    line = LINE_SCHEMA
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": _url(site, SCHEMA_PATH),
        "title": f"{site.office.name} service catalog",
        "description": "Services, rates, service levels and scheduled maintenance, as "
        "published on the catalog website. Amounts are decimal strings in USD.",
        **json_object(
            {
                "$schema": URL,
                "schema_version": {"const": SCHEMA_VERSION},
                "as_of": DATE,
                "url": URL,
                "office": json_object(
                    {
                        "name": TEXT,
                        "short_name": TEXT,
                        "parent": nullable(TEXT),
                        "mission": TEXT,
                        "service_desk": json_object(
                            {"phone": TEXT, "email": TEXT, "portal": URL, "hours": TEXT}
                        ),
                    }
                ),
                "categories": {
                    "type": "array",
                    "items": json_object({"id": ID, "name": TEXT, "description": TEXT, "url": URL}),
                },
                "services": {
                    "type": "array",
                    "items": json_object(
                        {
                            "id": ID,
                            "name": TEXT,
                            "category": ID,
                            "status": {"enum": ["proposed", "active", "retiring", "retired"]},
                            "version": TEXT,
                            "effective": DATE,
                            "retire_on": nullable(DATE),
                            "replaced_by": nullable(ID),
                            "summary": TEXT,
                            "audiences": {"type": "array", "items": TEXT},
                            "included": {"type": "array", "items": TEXT},
                            "not_included": {"type": "array", "items": TEXT},
                            "sla": ID,
                            "owner_team": TEXT,
                            "no_charge": {"type": "boolean"},
                            "support_hours": TEXT,
                            "ordering": json_object(
                                {
                                    "channel": {"enum": ["portal", "email", "phone", "form"]},
                                    "url": nullable(URL),
                                    "lead_time_days": {"type": "integer", "minimum": 0},
                                }
                            ),
                            "url": URL,
                        }
                    ),
                },
                "rate_sheets": {
                    "type": "array",
                    "items": json_object(
                        {
                            "id": ID,
                            "fiscal_year": {"type": "integer"},
                            "effective": DATE,
                            "ends": nullable(DATE),
                            "approved_by": TEXT,
                            "approved_on": DATE,
                            "current": {"type": "boolean"},
                            "csv": URL,
                            "lines": {"type": "array", "items": line},
                        }
                    ),
                },
                "customer_classes": CLASSES_SCHEMA,
                "typical_orders": TYPICAL_SCHEMA,
                "slas": {
                    "type": "array",
                    "items": json_object(
                        {
                            "id": ID,
                            "name": TEXT,
                            "availability": MONEY,
                            "service_hours": TEXT,
                            "url": URL,
                        }
                    ),
                },
                "maintenance": {
                    "type": "array",
                    "items": json_object(
                        {
                            "id": ID,
                            "title": TEXT,
                            "services": {"type": "array", "items": ID, "minItems": 1},
                            "start": DATETIME,
                            "end": DATETIME,
                            "impact": {"enum": ["outage", "degraded", "none"]},
                            "description": TEXT,
                            "state": {"enum": ["upcoming", "under way", "past"]},
                        }
                    ),
                },
                "calendar": URL,
            }
        ),
    }


def dump(data: object) -> bytes:
    # Compact: indenting switches json to its pure-Python encoder, which took a
    # third of a second on a 1,000-service catalog; browsers and jq indent it anyway.
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
