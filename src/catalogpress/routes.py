"""The route table: every page's address, title and breadcrumbs, decided in one place.

Paths are folder-style site paths ("services/email/"; "" is the home page), relative to
the site's base URL. Everything that needs an address asks this table: the model (links
in markdown, each view's `path`), the render stage (which pages exist, their crumbs, the
sitemap), templates (`url_for`), the checks (names a page may not take) and the preview
(which page shows a content file). Nothing else builds a path by hand.

A layer of its own, just above the source formats, so the checks can use it too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from catalogpress.core.suggest import suggest
from catalogpress.schema.dates import sheet_periods, sheets_ahead
from catalogpress.schema.frontmatter import PageMeta, SlaMeta
from catalogpress.schema.rates import Rates
from catalogpress.schema.records import Catalog

# Where each kind of page lives; "{}" is the record's id. Pages made from
# content/pages/ sit at the top level, so their names must not take these folders.
PAGE_PATHS = {
    "home": "",
    "services": "services/",
    "categories": "categories/",
    "rates": "rates/",
    "slas": "slas/",
    "care": "care/",
    "glossary": "glossary/",
    "not_found": "",
    "category": "categories/{}/",
    "service": "services/{}/",
    "rate_sheet": "rates/{}/",
    "whats_new": "whats-new/",
    "rate_changes": "rates/changes/{}/",
    "sla": "slas/{}/",
    "page": "{}/",
    "agencies": "agencies/",
    "estimator": "estimator/",
    "compare": "compare/",
    "search": "search/",
    "maintenance": "care/maintenance/",
    "data": "data/",
    "agency": "agencies/{}/",
    "review": "agencies/{}/review/",
    "budget_impact": "agencies/{}/budget-{}/",  # key: "<agency id>/<sheet id>"
    "accessibility": "accessibility/",
    "privacy": "privacy/",
    "performance": "performance/",
    "scorecard": "performance/{}/",
}
# Files that are not pages, by name.
FILE_PATHS = {
    "asset": "assets/{}",
    "pdf_asset": "pdf-assets/{}",
    "rates_csv": "rates/{}.csv",
    "catalog_json": "data/catalog.json",
    "catalog_schema": "data/catalog.schema.json",
    "maintenance_ics": "care/maintenance.ics",
    "feed": "feed.xml",
    "sitemap": "sitemap.xml",
    "search_index": "pagefind/",
    "image": "images/{}",
    "catalog_pdf": "pdf/service-catalog.pdf",
    "brief_pdf": "pdf/steering-committee-brief.pdf",
    "service_pdf": "pdf/services/{}.pdf",
    "rates_pdf": "pdf/rates/{}.pdf",
    "rate_changes_pdf": "pdf/rates/changes/{}.pdf",
    "sla_pdf": "pdf/slas/{}.pdf",
    "agency_sla_pdf": "pdf/slas/agencies/{}.pdf",
    "review_pdf": "pdf/reviews/{}.pdf",
    "performance_csv": "data/performance.csv",
    "performance_json": "data/performance.json",
    "performance_schema": "data/performance.schema.json",
    "budget_impact_pdf": "pdf/agencies/{}-budget-{}.pdf",  # key: "<agency id>/<sheet id>"
    "budget_impact_csv": "agencies/{}/budget-{}.csv",
}
# Top-level names the site uses itself, which a page in content/pages/ may not take.
RESERVED_NAMES = frozenset(
    {p.split("/")[0] for p in (*PAGE_PATHS.values(), *FILE_PATHS.values()) if p}
    | {"index", "404", "sitemap", "feed", "pdf", "pdf-assets"}
) - {"{}"}
# Markdown link schemes ("service:email") and the page kind each one names.
LINK_SCHEMES = {"service": "service", "sla": "sla", "category": "category", "page": "page"}
# The main navigation: (label, page kind); pages with `nav: true` follow.
MAIN_NAV = (
    ("Services", "services"),
    ("Rates", "rates"),
    ("Service levels", "slas"),
    ("Customer care", "care"),
    ("Cost estimator", "estimator"),
)
# A section's pages count as inside another section for the navigation's "you are here".
NAV_SECTIONS = {"services": ("services/", "categories/")}


def page_path(kind: str, key: str = "") -> str:
    """The site path of a page of `kind` ("service") for record `key` ("email"); a page
    of two records has the key "<id>/<id>" ("transportation/fy2028")."""
    return PAGE_PATHS[kind].format(*key.split("/"))


def file_path(kind: str, key: str = "") -> str:
    """The site path of a file that is not a page ("rates_csv", "fy2026")."""
    return FILE_PATHS[kind].format(*key.split("/"))


def budget_key(agency_id: str, sheet_id: str) -> str:
    """The key of an agency's budget impact page for one later rate sheet."""
    return f"{agency_id}/{sheet_id}"


def source_page(source: str) -> str | None:
    """The page a content file is published as ("content/slas/x.md" -> "slas/x/")."""
    parts = source.split("/")
    if parts == ["content", "glossary.md"]:
        return page_path("glossary")
    kinds = {"services": "service", "slas": "sla", "pages": "page"}
    if len(parts) == 3 and parts[0] == "content" and parts[1] in kinds:
        name = parts[2]
        if name.endswith(".md"):
            return page_path(kinds[parts[1]], name[:-3])
    return None


@dataclass(frozen=True)
class Route:
    kind: str  # a key of PAGE_PATHS
    key: str  # the record's id, or "" for a page of which there is one
    path: str
    title: str  # the page's heading and <title>
    label: str  # its name in breadcrumbs and links above it (often shorter)
    parent: tuple[str, str] | None  # (kind, key) of the page above it, None for home
    filename: str = "index.html"

    @property
    def output(self) -> str:
        """The file this page is written to."""
        return self.path + self.filename


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str
    current: str | None  # aria-current: "page" on the page itself, "true" inside its section


class RouteTable:
    """Every page of one site, in a stable order, with lookups by kind and key."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes = tuple(routes)
        self._by_key = {(r.kind, r.key): r for r in self.routes}
        self._paths = {r.path for r in self.routes if r.filename == "index.html"}

    @classmethod
    def for_site(
        cls,
        catalog: Catalog,
        rates: Rates,
        slas: Mapping[str, SlaMeta],
        pages: Mapping[str, PageMeta],
        glossary_title: str,
        as_of: dt.date,
        measured: Iterable[str] = (),
    ) -> RouteTable:
        """The pages a catalog makes on the build date `as_of`, in the order they are
        rendered; `measured`: the services with measurements (performance.csv), each of
        which has a scorecard."""
        home, cats, rates_, care, agencies = (
            ("home", ""),
            ("categories", ""),
            ("rates", ""),
            ("care", ""),
            ("agencies", ""),
        )
        office = catalog.office.name
        by_id = {c.id: c for c in catalog.categories}
        periods = sheet_periods(rates)
        sheets = [sheet for sheet, _, _ in periods]
        routes = [
            _route("home", "", office, "Home", None),
            _route("services", "", "All services", "All services", home),
            _route("categories", "", "Service categories", "Categories", home),
            _route("rates", "", "Rates", "Rates", home),
            _route("slas", "", "Service level agreements", "Service level agreements", home),
            _route("care", "", "Customer care", "Customer care", home),
            _route("glossary", "", glossary_title, glossary_title, home),
            Route("not_found", "", "", "Page not found", "Page not found", None, "404.html"),
        ]
        routes += [_route("category", c.id, c.name, c.name, cats) for c in catalog.categories]
        routes += [
            _route("service", s.id, s.name, s.name, ("category", by_id[s.category].id))
            for s in sorted(catalog.services, key=lambda s: s.name.lower())
        ]
        routes += [
            _route("rate_sheet", s.id, f"{s.label} rates", f"{s.label} rates", rates_)
            for s in reversed(sheets)
        ]
        routes += [_route("whats_new", "", "What's new", "What's new", home)]
        routes += [
            _route(
                "rate_changes",
                f"{old.id}-to-{new.id}",
                f"Rate changes from {old.label} to {new.label}",
                f"{old.label} to {new.label}",
                rates_,
            )
            for old, new in reversed(list(zip(sheets, sheets[1:], strict=False)))
        ]
        routes += [_route("sla", i, m.name, m.name, ("slas", "")) for i, m in sorted(slas.items())]
        routes += [_route("page", s, m.title, m.title, home) for s, m in sorted(pages.items())]
        routes += [
            _route("agencies", "", "Agencies we serve", "Agencies", home),
            _route("estimator", "", "Cost estimator", "Cost estimator", home),
            _route("compare", "", "Compare with doing it yourself", "Compare", home),
            _route("search", "", "Search", "Search", home),
            _route("maintenance", "", "Maintenance calendar", "Maintenance calendar", care),
            _route("data", "", "Open data", "Open data", home),
            _route("accessibility", "", "Accessibility", "Accessibility", home),
            _route("privacy", "", "Privacy", "Privacy", home),
        ]
        for a in sorted(catalog.agencies, key=lambda a: a.name):
            routes.append(_route("agency", a.id, a.name, a.short_name or a.name, agencies))
            routes.append(
                _route(
                    "review",
                    a.id,
                    f"Operations review: {a.name}",
                    "Operations review",
                    ("agency", a.id),
                )
            )
        scored = set(measured)
        if scored:
            routes.append(_route("performance", "", "Service results", "Service results", home))
            routes += [
                _route("scorecard", s.id, f"{s.name}: results", s.name, ("performance", ""))
                for s in sorted(catalog.services, key=lambda s: s.name.lower())
                if s.id in scored
            ]
        routes += [
            _route(
                "budget_impact",
                budget_key(a.id, sheet.id),
                f"Budget impact of {sheet.label} rates: {a.name}",
                f"{sheet.label} budget impact",
                ("agency", a.id),
            )
            for a in sorted(catalog.agencies, key=lambda a: a.name)
            for sheet in sheets_ahead(rates, as_of)
        ]
        return cls(routes)

    def get(self, kind: str, key: str = "") -> Route:
        try:
            return self._by_key[(kind, key)]
        except KeyError:
            raise KeyError(f"no {kind} page for '{key}' in this catalog") from None

    def has(self, kind: str, key: str = "") -> bool:
        return (kind, key) in self._by_key

    def path(self, kind: str, key: str = "") -> str:
        """The site path of an existing page; a KeyError names a page the site lacks."""
        return self.get(kind, key).path

    def target(self, kind: str, key: str = "") -> str:
        """The site path of a page (checked to exist) or of a file, for templates' url_for."""
        return self.path(kind, key) if kind in PAGE_PATHS else file_path(kind, key)

    def crumbs(self, route: Route) -> tuple[tuple[str, str], ...]:
        """(label, path) of each page above `route`, from the home page down."""
        above: list[tuple[str, str]] = []
        parent = route.parent
        while parent is not None:
            page = self.get(*parent)
            above.append((page.label, page.path))
            parent = page.parent
        return tuple(reversed(above))

    def nav(self, here: str, pages: Iterable[tuple[str, str]] = ()) -> list[NavItem]:
        """The main navigation seen from the page at `here`; `pages`: (title, path) of
        content pages shown in it."""
        items = []
        for label, kind in MAIN_NAV:
            target = self.path(kind)
            inside = any(here.startswith(p) for p in NAV_SECTIONS.get(kind, (target,)))
            current = ("page" if here == target else "true") if inside else None
            items.append(NavItem(label, target, current))
        items += [NavItem(t, p, "page" if here == p else None) for t, p in pages]
        return items

    def resolve(self, target: str, images: Iterable[str] = ()) -> str | None:
        """A markdown link's site path: `service:email`, `/rates/fy2026/`, `/estimator/`,
        `images/x.png`, with any #fragment kept; None when it names nothing here."""
        target, _, fragment = target.partition("#")
        suffix = f"#{fragment}" if fragment else ""
        scheme, colon, key = target.partition(":")
        if colon:
            kind = LINK_SCHEMES.get(scheme)
            return self.path(kind, key) + suffix if kind and self.has(kind, key) else None
        path = target.lstrip("/")
        image = path.removeprefix("content/")
        if image in images:
            return image + suffix
        if path in self._paths:
            return path + suffix
        if path + "/" in self._paths:
            return path + "/" + suffix
        return None

    def closest(self, target: str) -> str:
        """ "; did you mean 'service:email'?" for a mistyped link, else nothing."""
        target = target.partition("#")[0]
        if ":" in target:
            names = [
                f"{scheme}:{r.key}"
                for scheme, kind in LINK_SCHEMES.items()
                for r in self.routes
                if r.kind == kind
            ]
            return suggest(target, names)
        return suggest(target, [f"/{p}" for p in sorted(self._paths) if p])


def _route(kind: str, key: str, title: str, label: str, parent: tuple[str, str] | None) -> Route:
    return Route(kind, key, page_path(kind, key), title, label, parent)
