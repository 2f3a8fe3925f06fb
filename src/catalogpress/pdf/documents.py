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
from typing import Any
from urllib.parse import urljoin

import jinja2
from markupsafe import Markup

from catalogpress.core.errors import Problem, SiteError
from catalogpress.model.budget import budget_views
from catalogpress.model.committee import committee_brief
from catalogpress.model.review import review_packet
from catalogpress.model.views import Site
from catalogpress.pdf.columns import split_groups, split_html
from catalogpress.render.pages import Reuse, template_problem
from catalogpress.routes import file_path


@dataclass(frozen=True)
class DocSpec:
    path: str  # site path of the PDF: "pdf/services/email.pdf"
    template: str  # "pdf/brochure.html"
    title: str  # the PDF's title: metadata, window title, link text
    kind: str  # brochure, catalog, rates, rate-changes, sla, agency-sla, brief, review,
    # budget-impact
    linked_from: tuple[str, ...]  # output paths of the pages that offer it for download
    context: dict[str, Any]
    date: str  # ISO date it is "as of": from the data, never the clock


# Documents whose content no single web page shows. The others print a page's content
# (a brochure its service page, an SLA its web version), so search finds them through
# that page, which offers them, instead of listing the same text twice.
OWN_CONTENT = frozenset({"catalog", "brief"})


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
            file_path("brief_pdf"),
            "pdf/brief.html",
            f"{site.committee.name} brief: {office.short_name} results, spend and decisions",
            "brief",
            ("index.html", "care/index.html"),
            {"brief": committee_brief(site)},
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
        review = site.routes.get("review", agency.agency.id)
        specs.append(
            DocSpec(
                file_path("review_pdf", agency.agency.id),
                "pdf/review.html",
                review.title,
                "review",
                (review.output, site.routes.get("agency", agency.agency.id).output),
                {"packet": review_packet(site, agency)},
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
    site: Site, env: jinja2.Environment, specs: Sequence[DocSpec], reuse: Reuse | None = None
) -> dict[str, str]:
    """The HTML of each document by PDF path; raise SiteError naming template mistakes.
    `reuse`: the HTML kept from the last build, for documents made from what did not
    change (a warm build rendered all 65 of the sample's again: 0.3 s, more than the
    rest of a build with nothing to print)."""
    base = site.settings.base_url.rstrip("/") + "/"
    pages: dict[str, str] = {}
    problems: list[Problem] = []
    for spec in specs:

        def make(spec: DocSpec = spec) -> str:
            return env.get_template(spec.template).render(
                site=site,
                doc=spec,
                url=lambda target: urljoin(base, target),
                url_for=lambda kind, key="": urljoin(base, site.routes.target(kind, key)),
                absolute=lambda html, page: absolute_links(html, page, base),
                two_columns=split_groups,
                html_columns=split_html,
                **spec.context,
            )

        try:
            pages[spec.path] = reuse(spec.path, make) if reuse is not None else make()
        except jinja2.TemplateError as exc:
            problems.append(template_problem(exc, spec.template, spec.path))
    if problems:
        raise SiteError(sorted(set(problems)))
    if reuse is not None:
        reuse.done()
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
