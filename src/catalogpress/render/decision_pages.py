"""Pages and files that help agencies decide: agency pages, the cost estimator, the
in-house comparison, search, the maintenance calendar and open data.

Like render.py, pure: page specs with their context computed here, and file
contents as outputs. render.py asks this module for them.
"""

from __future__ import annotations

import functools
from itertools import groupby
from typing import Any

from catalogpress.model import charts, estimator
from catalogpress.model.budget import budget_view, budget_views
from catalogpress.model.estimator import EstimatorRow
from catalogpress.model.maintenance import (
    ICS_PATH,
    EventView,
    calendar_ics,
    event_views,
    service_notices,
)
from catalogpress.model.review import review_packet
from catalogpress.model.views import AgencyView, ServiceView, Site
from catalogpress.render.budget_csv import budget_csv
from catalogpress.render.opendata import JSON_PATH, SCHEMA_PATH, catalog_data, catalog_schema, dump
from catalogpress.render.outputs import Output
from catalogpress.render.performance_data import (
    PERFORMANCE_CSV,
    PERFORMANCE_JSON,
    PERFORMANCE_SCHEMA,
    performance_csv,
    performance_data,
    performance_schema,
)
from catalogpress.schema.rates import Breakdown

# In-house costs a comparison asks for, with the breakdown part each is set against.
IN_HOUSE = (
    (
        "staff",
        "Staff time",
        "labor",
        "Hours your staff spend each year running it, times what an hour costs you with benefits.",
    ),
    (
        "hardware",
        "Hardware and software",
        "hardware",
        "Servers, devices and licenses, spread over the years you use them.",
    ),
    ("space", "Space", "facilities", "Data center or server room space."),
    ("power", "Power and cooling", "facilities", "Electricity and cooling."),
    (
        "backup",
        "Backup and disaster recovery",
        "disaster_recovery",
        "Backup storage, a second site, recovery tests.",
    ),
    ("security", "Security", "security", "Patching, monitoring, audits and security tools."),
)


class DecisionContexts:
    """What each page that helps agencies decide shows, by page kind; the shared
    figures (estimator data, upcoming maintenance) are worked out once per render."""

    KINDS = (
        "agencies",
        "estimator",
        "compare",
        "search",
        "maintenance",
        "data",
        "agency",
        "review",
        "budget_impact",
    )

    def __init__(self, site: Site) -> None:
        self.site = site

    @functools.cached_property
    def _groups(self) -> list[tuple[str, list[tuple[ServiceView, list[EstimatorRow]]]]]:
        return estimator.estimator_groups(self.site)

    @functools.cached_property
    def _rate_data(self) -> str:
        return estimator.script_json(estimator.estimator_data(self.site))

    @functools.cached_property
    def tools(self) -> dict[str, estimator.ServiceTools]:
        """What each service page offers of the estimator and the comparison, by id."""
        return estimator.service_tools(self.site, self._groups)

    @functools.cached_property
    def _agencies(self) -> dict[str, AgencyView]:
        return {a.agency.id: a for a in self.site.agencies}

    @functools.cached_property
    def _events(self) -> list[EventView]:
        return [v for v in event_views(self.site) if v.state != "past"]

    def of(self, kind: str, key: str) -> dict[str, Any]:
        site = self.site
        if kind == "estimator":
            return {
                "groups": self._groups,
                "classes": list(site.customer_classes.values()),
                "sheets": estimator.open_sheets(site),
                "rate_data": self._rate_data,
            }
        if kind == "compare":
            comparable = estimator.comparable_lines(self._groups)
            return {
                "lines": comparable,
                "benchmarked": [
                    (view, row) for view, rows in comparable for row in rows if row.line.benchmark
                ],
                "typical": estimator.typical_benchmarks(site),
                "in_house": IN_HOUSE,
                "parts": list(Breakdown.LABELS.items()),
                "rate_data": self._rate_data,
            }
        if kind == "search":
            return {"filters": search_filters(site)}
        if kind == "maintenance":
            return {"months": _months(event_views(site)), "ics_path": ICS_PATH}
        if kind == "data":
            files = performance_files() if site.performance.cards else {}
            return {
                "json_path": JSON_PATH,
                "schema_path": SCHEMA_PATH,
                "ics_path": ICS_PATH,
                **files,
                "budgets": [b for a in site.agencies for b in budget_views(site, a)],
            }
        if kind == "review":
            return {"packet": review_packet(site, self._agencies[key])}
        if kind == "agency":
            agency = self._agencies[key]
            used = {s.id for s in agency.services}
            return {
                "agency": agency,
                "bill": site.prices.bill(agency),
                "budgets": budget_views(site, agency),
                "maintenance": [v for v in self._events if used & set(v.event.services)],
            }
        if kind == "agencies":
            return {"budgets": {a.agency.id: budget_views(site, a) for a in site.agencies}}
        if kind == "budget_impact":
            return {"budget": budget_view(site, key)}
        return {}


def search_filters(site: Site) -> list[tuple[str, str, list[str]]]:
    """(filter name, label, values) for the search page; values as service pages tag them
    (see partials/search_filters.html)."""
    views = list(site.services.values())
    return [
        ("category", "Category", [c.category.name for c in site.categories]),
        ("audience", "Who can order", sorted({a for v in views for a in v.audiences})),
        (
            "status",
            "Status",
            [
                s.capitalize()
                for s in ("active", "retiring", "proposed", "retired")
                if any(v.status == s for v in views)
            ],
        ),
    ]


def service_context(
    site: Site, view: ServiceView, events: list[EventView] | None = None
) -> dict[str, Any]:
    """Extra context for a service page: maintenance banners and cost breakdowns.
    `events`: event_views(site), computed once for all service pages."""
    return {
        "maintenance": service_notices(site, view.id, events),
        "breakdowns": charts.breakdowns(view),
        "scorecard": site.performance.cards.get(view.id),
    }


def care_context(site: Site) -> dict[str, Any]:
    return {"events": [v for v in event_views(site) if v.state != "past"], "ics_path": ICS_PATH}


def extra_outputs(site: Site) -> list[Output]:
    measured = (
        [
            Output(PERFORMANCE_CSV, performance_csv(site)),
            Output(PERFORMANCE_JSON, dump(performance_data(site))),
            Output(PERFORMANCE_SCHEMA, dump(performance_schema(site))),
        ]
        if site.performance.cards
        else []
    )
    budgets = [b for a in site.agencies for b in budget_views(site, a)]
    return [
        Output(ICS_PATH, calendar_ics(site)),
        Output(JSON_PATH, dump(catalog_data(site))),
        Output(SCHEMA_PATH, dump(catalog_schema(site))),
        *measured,
        *(Output(b.csv_path, budget_csv(b)) for b in budgets),
    ]


def performance_files() -> dict[str, str]:
    """The measurements as open data, for the pages that link to them."""
    return {
        "performance_csv": PERFORMANCE_CSV,
        "performance_json": PERFORMANCE_JSON,
        "performance_schema": PERFORMANCE_SCHEMA,
    }


def _months(views: list[EventView]) -> list[tuple[str, list[EventView]]]:
    """Events grouped by the month they start in, soonest first."""
    return [
        (month, list(group))
        for month, group in groupby(views, key=lambda v: f"{v.event.start:%B} {v.event.start.year}")
    ]
