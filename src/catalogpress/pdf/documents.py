"""Which PDF documents a catalog has, and the HTML each one is printed from.

Pure like render.py: every document is a Jinja template under the theme's
templates/pdf/ (so a site overrides one like any other template) filled with the
same Site model as the web pages. pdf.py turns the HTML into PDF bytes.

Every address in a document is absolute (the site's base_url), so links in a
PDF lead to the published pages, and images and stylesheets are served to the
renderer from the theme and content/ by pdf.py's fetcher, never from the network.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urljoin

import jinja2
from markupsafe import Markup

from catalogpress.core.errors import Problem, SiteError
from catalogpress.model.budget import budget_views
from catalogpress.model.money import percent_change
from catalogpress.model.rate_changes import ChangeNotice, compare_sheets
from catalogpress.model.views import ServiceView, SheetView, Site
from catalogpress.render.pages import template_problem
from catalogpress.routes import file_path


@dataclass(frozen=True)
class DocSpec:
    path: str  # site path of the PDF: "pdf/services/email.pdf"
    template: str  # "pdf/brochure.html"
    title: str  # the PDF's title: metadata, window title, link text
    kind: str  # brochure, catalog, rates, rate-changes, sla, agency-sla, handout, budget-impact
    linked_from: tuple[str, ...]  # output paths of the pages that offer it for download
    context: dict[str, Any]
    date: str  # ISO date it is "as of": from the data, never the clock


@dataclass(frozen=True)
class DocLink:
    """A document as a web page offers it: title, address, and once printed, its size."""

    title: str
    path: str
    pages: int | None = None
    size: int | None = None

    @property
    def size_label(self) -> str:
        if self.size is None:
            return ""
        return (
            f"{max(1, round(self.size / 1024))} KB"
            if self.size < 1024 * 1024
            else f"{self.size / (1024 * 1024):.1f} MB"
        )


def document_specs(site: Site) -> list[DocSpec]:
    """Every PDF of the site, in a stable order."""
    office = site.office
    as_of = site.as_of.isoformat()
    sheet = site.current_sheet
    specs = [
        DocSpec(
            file_path("catalog_pdf"),
            "pdf/catalog.html",
            f"{office.name} service catalog",
            "catalog",
            ("index.html", "services/index.html"),
            {"sheet": sheet},
            as_of,
        ),
        DocSpec(
            file_path("handout_pdf"),
            "pdf/handout.html",
            f"{office.short_name} at a glance: steering committee handout",
            "handout",
            ("index.html", "care/index.html"),
            {"sheet": sheet, "changes": fiscal_year_changes(site)},
            as_of,
        ),
    ]
    for view in site.services.values():
        if view.status == "active":
            date = max([view.version.effective] + ([sheet.sheet.effective] if sheet else []))
            specs.append(
                DocSpec(
                    file_path("service_pdf", view.id),
                    "pdf/brochure.html",
                    f"{view.name}: service brochure",
                    "brochure",
                    (view.path + "index.html",),
                    {"service": view},
                    date.isoformat(),
                )
            )
    for sheet_view in site.sheets:
        pages = [sheet_view.path + "index.html"]
        if sheet is not None and sheet_view is sheet:
            pages.insert(0, "rates/index.html")
        specs.append(
            DocSpec(
                file_path("rates_pdf", sheet_view.sheet.id),
                "pdf/rates.html",
                f"{office.short_name} rate sheet {sheet_view.sheet.label}",
                "rates",
                tuple(pages),
                {"sheet": sheet_view},
                sheet_view.sheet.approved_on.isoformat(),
            )
        )
    for notice in site.notices:
        n = notice.notice
        specs.append(
            DocSpec(
                file_path("rate_changes_pdf", n.id),
                "pdf/rate_changes.html",
                f"{office.short_name} rate changes {n.old.label} to {n.new.label}",
                "rate-changes",
                (notice.path + "index.html",),
                {"notice": notice},
                n.new.approved_on.isoformat(),
            )
        )
    for sla in site.slas.values():
        issued = sla.meta.reviewed_on.isoformat() if sla.meta.reviewed_on else as_of
        specs.append(
            DocSpec(
                file_path("sla_pdf", sla.id),
                "pdf/sla.html",
                sla.meta.name,
                "sla",
                (sla.path + "index.html",),
                {"sla": sla, "agency": None},
                issued,
            )
        )
    for agency in site.agencies:
        specs.append(
            DocSpec(
                file_path("agency_sla_pdf", agency.agency.id),
                "pdf/sla.html",
                f"{agency.sla.meta.name} for {agency.agency.name}",
                "agency-sla",
                ("care/index.html",),
                {"sla": agency.sla, "agency": agency},
                as_of,
            )
        )
    for agency in site.agencies:
        for budget in budget_views(site, agency):
            nxt = budget.next_sheet.sheet
            specs.append(
                DocSpec(
                    budget.pdf_path,
                    "pdf/budget_impact.html",
                    f"Budget impact of {nxt.label} rates for {agency.agency.name}",
                    "budget-impact",
                    (site.routes.get("budget_impact", budget.key).output,),
                    {"budget": budget},
                    as_of,
                )
            )
    return specs


def render_documents(
    site: Site, env: jinja2.Environment, specs: Sequence[DocSpec]
) -> dict[str, str]:
    """The HTML of each document by PDF path; raise SiteError naming template mistakes."""
    base = site.settings.base_url.rstrip("/") + "/"
    pages: dict[str, str] = {}
    problems: list[Problem] = []
    for spec in specs:
        try:
            template = env.get_template(spec.template)
            pages[spec.path] = template.render(
                site=site,
                doc=spec,
                url=lambda target: urljoin(base, target),
                url_for=lambda kind, key="": urljoin(base, site.routes.target(kind, key)),
                absolute=lambda html, page: absolute_links(html, page, base),
                **spec.context,
            )
        except jinja2.TemplateError as exc:
            problems.append(template_problem(exc, spec.template, spec.path))
    if problems:
        raise SiteError(sorted(set(problems)))
    return pages


def links_by_page(
    specs: Sequence[DocSpec], sizes: Mapping[str, tuple[int, int]] | None = None
) -> dict[str, list[DocLink]]:
    """The documents each page offers, by output path; `sizes` gives (pages, bytes) per PDF."""
    links: dict[str, list[DocLink]] = {}
    for spec in specs:
        pages, size = (sizes or {}).get(spec.path, (None, None))
        for page in spec.linked_from:
            links.setdefault(page, []).append(DocLink(spec.title, spec.path, pages, size))
    return links


_LINK = re.compile(r'\b(href|src)="([^"]*)"')


def absolute_links(html: str, page_path: str, base: str) -> Markup:
    """Sanitized page HTML with its relative links made absolute (PDFs have no folders)."""
    page_url = urljoin(base, page_path)

    def fix(match: re.Match[str]) -> str:
        target = match.group(2).replace("&amp;", "&")
        absolute = urljoin(page_url, target).replace("&", "&amp;")
        return f'{match.group(1)}="{absolute}"'

    return Markup(_LINK.sub(fix, html))  # noqa: S704 - input is sanitized by markup.py


@dataclass(frozen=True)
class RateChange:
    service: ServiceView
    item: str
    unit: str
    old: Decimal
    new: Decimal

    @property
    def percent(self) -> Decimal:
        return percent_change(self.old, self.new) or Decimal(0)

    @property
    def direction(self) -> str:
        """Up or down: a change that rounds to 0.0% still went one way."""
        return "up" if self.new > self.old else "down"

    @property
    def size(self) -> Decimal:
        """The percent change without its sign; `direction` tells which way."""
        return abs(self.percent)


@dataclass(frozen=True)
class FiscalYearChanges:
    """What moved between last fiscal year's rate sheet and the current one."""

    previous: SheetView
    current: SheetView
    changed: tuple[RateChange, ...]  # biggest moves of lines priced at a rate, first
    notice: ChangeNotice  # every line, counted as the rate change notice counts them
    new_services: tuple[ServiceView, ...]
    service_updates: tuple[tuple[ServiceView, tuple[str, ...]], ...]  # versions this year


def fiscal_year_changes(site: Site) -> FiscalYearChanges | None:
    current = site.current_sheet
    older = [s for s in site.sheets if current and s.first_day < current.first_day]
    if current is None or not older:
        return None
    previous = older[0]

    # The rate change notice's own comparison, so its counts and the handout's agree.
    notice = compare_sheets(previous.sheet, current.sheet)
    changed = []
    for line in notice.lines:
        if line.old is None or line.new is None or line.percent is None:
            continue
        if line.kind not in ("up", "down"):
            continue
        named = site.customer_classes.get(line.customer_class or "")
        item = f"{line.item} ({named.name})" if named else line.item
        changed.append(RateChange(site.services[line.service], item, line.unit, line.old, line.new))
    changed.sort(key=lambda c: (-abs(c.percent), c.service.name, c.item))
    priced_before = {line.service for line in previous.sheet.lines}
    new = tuple(
        site.services[s]
        for s in dict.fromkeys(ln.service for ln in current.sheet.lines)
        if s not in priced_before
    )
    updates = tuple(
        (view, view.version.changes)
        for view in site.services.values()
        if view.listed
        and view.version.changes
        and current.first_day <= view.version.effective <= site.as_of
    )
    return FiscalYearChanges(previous, current, tuple(changed), notice, new, updates)
