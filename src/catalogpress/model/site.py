"""Stage 3, model: the site as it stands on one date, ready for templates.

Turns validated records into views (the version in effect, its rates, SLA,
owner, rendered overview) and decides every page's address. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from catalogpress.check.plain_language import glossary_acronyms
from catalogpress.check.validate import Checked, ContentDoc
from catalogpress.core.errors import Problems
from catalogpress.model.markdown import MarkdownJobs, Rendered, RenderedBodies, line_of
from catalogpress.model.news import catalog_events
from catalogpress.model.performance import Performance
from catalogpress.model.price_book import PriceBook
from catalogpress.model.rate_changes import ChangeNotice, LineChange, notices
from catalogpress.model.scorecards import PerformanceView, performance_view
from catalogpress.model.views import (
    AgencyView,
    BodyReads,
    CategoryView,
    NoticeView,
    PageView,
    ServiceView,
    SheetView,
    Site,
    SlaView,
    sheet_state,
)
from catalogpress.routes import RouteTable, file_path
from catalogpress.schema.dates import (
    effective_status,
    sheet_in_effect,
    sheet_periods,
    version_in_effect,
)
from catalogpress.schema.rates import RateLine, RateSheet
from catalogpress.schema.records import Category
from catalogpress.schema.units import BUILTIN_UNITS


@dataclass(frozen=True)
class SiteBodies:
    """A site's markdown bodies, to render before the rest of the site is modelled."""

    docs: list[tuple[ContentDoc, str, int]]  # (document, page path, top heading level)
    routes: RouteTable
    jobs: MarkdownJobs  # the bodies not kept from an earlier build


def site_bodies(
    checked: Checked, as_of: dt.date, images: set[str], kept: RenderedBodies | None = None
) -> SiteBodies:
    """Every markdown body of the site, as jobs for `build_site` (see MarkdownJobs)."""
    routes = site_routes(checked, as_of)

    def links(target: str) -> str | None:
        return routes.resolve(target, images)

    acronyms = glossary_acronyms(checked.glossary.meta.terms) if checked.glossary else {}
    docs = [(d, routes.path("sla", sid), 2) for sid, d in sorted(checked.slas.items())]
    docs += [(d, routes.path("page", slug), 2) for slug, d in sorted(checked.pages.items())]
    docs += [
        (checked.overviews[s.id], routes.path("service", s.id), 3)
        for s in checked.catalog.services
        if s.id in checked.overviews
    ]
    docs += [(checked.glossary, routes.path("glossary"), 2)] if checked.glossary else []
    texts = [(d.file.body, path, top) for d, path, top in docs]
    return SiteBodies(docs, routes, MarkdownJobs(texts, links, acronyms, kept or RenderedBodies()))


def build_site(
    checked: Checked,
    as_of: dt.date,
    problems: Problems,
    bodies: SiteBodies,
    rendered: Sequence[Rendered],
) -> Site:
    """The Site model, given the results of `bodies.jobs` (in order)."""
    routes = bodies.routes
    catalog = checked.catalog
    reads = BodyReads()
    html: dict[str, str] = {}
    for (doc, path, _), (body, broken) in zip(
        bodies.docs, bodies.jobs.finish(rendered), strict=True
    ):
        html[path] = body
        for target in broken:
            problems.add(
                doc.file.path,
                line_of(doc.file.body, target, doc.file.body_line),
                "",
                f"the link '{target}' points to nothing in this catalog "
                "(expected service:<id>, page:<page-name>, sla:<id>, category:<id> "
                f"or a page path like /rates/){routes.closest(target)}",
            )

    slas = {
        sid: SlaView(sid, d.meta, html[routes.path("sla", sid)], routes.path("sla", sid), reads)
        for sid, d in sorted(checked.slas.items())
    }
    pages = {
        slug: PageView(
            slug, d.meta, html[routes.path("page", slug)], routes.path("page", slug), reads
        )
        for slug, d in sorted(checked.pages.items())
    }
    people = {p.id: p for p in catalog.people}
    audiences = {a.id: a.name for a in catalog.audiences}
    by_id = {s.id: s for s in catalog.services}
    current = sheet_in_effect(checked.rates, as_of)
    periods = sheet_periods(checked.rates)
    upcoming = next((sheet for sheet, first, _ in periods if first > as_of), None)
    current_lines, next_lines = _lines_by_service(current), _lines_by_service(upcoming)
    services: dict[str, ServiceView] = {}
    for service in sorted(catalog.services, key=lambda s: s.name.lower()):
        version = version_in_effect(service, as_of) or service.versions[0]
        status = effective_status(version, as_of)
        later = tuple(v for v in service.versions if v.effective > as_of and v is not version)
        overview = checked.overviews.get(service.id)
        path = routes.path("service", service.id)
        services[service.id] = ServiceView(
            service=service,
            version=version,
            scheduled=later,
            category=next(c for c in catalog.categories if c.id == service.category),
            audiences=tuple(audiences[a] for a in service.audience),
            owner=people[service.owner.contact],
            sla=slas[version.sla],
            overview=overview.meta if overview else None,
            overview_body=html[path] if overview else "",
            rates=current_lines.get(service.id, ()),
            next_rates=next_lines.get(service.id, ()),
            status=status,
            related=tuple(by_id[r] for r in service.related),
            replacement=by_id.get(version.replaced_by or ""),
            path=path,
            reads=reads,
        )
    categories = [
        CategoryView(
            c,
            tuple(s for s in services.values() if s.category.id == c.id and s.listed),
            tuple(s for s in services.values() if s.category.id == c.id and s.status == "proposed"),
            routes.path("category", c.id),
        )
        for c in catalog.categories
    ]
    sheets = [
        _sheet_view(
            sheet,
            first,
            last,
            categories,
            services,
            routes,
            sheet_state(first, sheet is current, as_of),
        )
        for sheet, first, last in reversed(periods)
    ]
    notice_list = notices([sheet for sheet, _, _ in periods])
    notice_by_sheet = {n.new.id: n for n in notice_list}
    glossary = checked.glossary
    classes = {c.id: c for c in catalog.customer_classes}
    site = Site(
        as_of=as_of,
        settings=catalog.site,
        office=catalog.office,
        checks=catalog.checks,
        committee=catalog.steering_committee,
        units={**BUILTIN_UNITS, **(checked.rates.units or {})},
        categories=categories,
        services=services,
        slas=slas,
        pages=pages,
        people=people,
        agencies=[
            AgencyView(
                a,
                people[a.specialist],
                slas[a.sla],
                tuple(services[s.service] for s in a.services),
                classes.get(a.customer_class or ""),
            )
            for a in sorted(catalog.agencies, key=lambda a: a.name)
        ],
        sheets=sheets,
        current_sheet=next((s for s in sheets if s.sheet is current), None),
        next_sheet=next((s for s in sheets if s.sheet is upcoming), None),
        notices=[_notice_view(n, categories, services, routes) for n in reversed(notice_list)],
        events=catalog_events(
            catalog.services,
            {s.id: s.name for s in catalog.services},
            [(sheet, notice_by_sheet.get(sheet.id)) for sheet, _, _ in periods],
        ),
        glossary=sorted(glossary.meta.terms, key=lambda t: t.term.lower()) if glossary else [],
        glossary_body=html[routes.path("glossary")] if glossary else "",
        glossary_title=glossary.meta.title if glossary else "Glossary",
        body_reads=reads,
        featured=[services[s] for s in catalog.site.featured],
        maintenance=tuple(sorted(catalog.maintenance, key=lambda m: (m.start, m.id))),
        routes=routes,
        customer_classes=classes,
        typical_orders={t.service: t for t in checked.rates.typical_orders},
        performance=_performance(checked, services, slas, routes),
    )
    site.prices = PriceBook(site)
    return site


def _performance(
    checked: Checked,
    services: dict[str, ServiceView],
    slas: dict[str, SlaView],
    routes: RouteTable,
) -> PerformanceView:
    """The scorecards of the services with measurements (performance.csv)."""
    measured = Performance(
        checked.performance,
        {s.id: s for s in checked.catalog.services},
        {sid: d.meta for sid, d in checked.slas.items()},
    )
    return performance_view(
        measured,
        {sid: (v.name, v.path) for sid, v in services.items()},
        {sid: (v.meta, v.path) for sid, v in slas.items()},
        {sid: routes.path("scorecard", sid) for sid in measured.by_service},
        tuple(sid for sid, v in services.items() if v.listed),
    )


def site_routes(checked: Checked, as_of: dt.date) -> RouteTable:
    """The route table of a checked catalog on the build date."""
    glossary = checked.glossary
    return RouteTable.for_site(
        checked.catalog,
        checked.rates,
        {sid: d.meta for sid, d in checked.slas.items()},
        {slug: d.meta for slug, d in checked.pages.items()},
        glossary.meta.title if glossary else "Glossary",
        as_of,
        {m.service for m in checked.performance},
    )


def _lines_by_service(sheet: RateSheet | None) -> dict[str, tuple[RateLine, ...]]:
    grouped: dict[str, list[RateLine]] = {}
    for line in sheet.lines if sheet else ():
        grouped.setdefault(line.service, []).append(line)
    return {service: tuple(lines) for service, lines in grouped.items()}


T = TypeVar("T")


def _group_by_category(
    per_service: dict[str, tuple[T, ...]],
    categories: list[CategoryView],
    services: dict[str, ServiceView],
) -> tuple[tuple[Category, tuple[tuple[ServiceView, tuple[T, ...]], ...]], ...]:
    """Category → services (in name order) → their items, leaving out empty ones."""
    rows: dict[str, list[tuple[ServiceView, tuple[T, ...]]]] = {}
    for view in services.values():
        if per_service.get(view.id):
            rows.setdefault(view.category.id, []).append((view, per_service[view.id]))
    return tuple(
        (c.category, tuple(rows[c.category.id])) for c in categories if c.category.id in rows
    )


def _notice_view(
    notice: ChangeNotice,
    categories: list[CategoryView],
    services: dict[str, ServiceView],
    routes: RouteTable,
) -> NoticeView:
    changed: dict[str, list[LineChange]] = {}
    for change in notice.lines:
        changed.setdefault(change.service, []).append(change)
    groups = _group_by_category({k: tuple(v) for k, v in changed.items()}, categories, services)
    return NoticeView(notice, groups, routes.path("rate_changes", notice.id))


def _sheet_view(
    sheet: RateSheet,
    first: dt.date,
    last: dt.date | None,
    categories: list[CategoryView],
    services: dict[str, ServiceView],
    routes: RouteTable,
    state: str,
) -> SheetView:
    groups = _group_by_category(_lines_by_service(sheet), categories, services)
    return SheetView(
        sheet,
        first,
        last,
        tuple(groups),
        routes.path("rate_sheet", sheet.id),
        file_path("rates_csv", sheet.id),
        state,
    )
