"""Stage 4, render: the Site model through the theme's templates into file contents.

Pure: returns every output as (site path, bytes) and writes nothing, so pages
can be rendered in any order, in parallel or cached. Between the builds of a
session (the preview) a page is reused when the build's inputs other than
markdown bodies are unchanged and every body its template read is unchanged:
editing one overview re-renders only the pages that show it.
"""

from __future__ import annotations

import functools
import html
import posixpath
import traceback
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jinja2

from catalogpress.core.errors import Problem, SiteError
from catalogpress.model.maintenance import EventView
from catalogpress.model.markdown import relative_url
from catalogpress.model.views import BodyReads, Site
from catalogpress.render import decision_pages as extras
from catalogpress.render.outputs import Output, PageSpec
from catalogpress.render.rate_csv import rates_csv
from catalogpress.routes import file_path

SITEMAP = file_path("sitemap")
FEED = file_path("feed")

# The template that lays out each kind of page of the route table.
TEMPLATES = {
    "home": "home.html",
    "services": "services.html",
    "categories": "categories.html",
    "rates": "rates.html",
    "slas": "slas.html",
    "care": "care.html",
    "glossary": "glossary.html",
    "not_found": "404.html",
    "category": "category.html",
    "service": "service.html",
    "rate_sheet": "rates.html",
    "whats_new": "whats_new.html",
    "rate_changes": "rate_changes.html",
    "sla": "sla.html",
    "page": "page.html",
    "agencies": "agencies.html",
    "estimator": "estimator.html",
    "compare": "compare.html",
    "search": "search.html",
    "maintenance": "maintenance.html",
    "data": "data.html",
    "agency": "agency.html",
    "review": "review.html",
    "budget_impact": "budget_impact.html",
    "accessibility": "accessibility.html",
    "privacy": "privacy.html",
    "performance": "performance.html",
    "scorecard": "scorecard.html",
}

# What search results call each kind of page, so a reader can tell a service from its
# rate sheet, its service level agreement or a news item; other kinds are "Page".
SEARCH_TYPES = {
    "not_found": "",  # not indexed
    "home": "Home page",
    "services": "List of services",
    "categories": "Categories",
    "category": "Category",
    "service": "Service",
    "rates": "Rate sheet",
    "rate_sheet": "Rate sheet",
    "rate_changes": "Rate changes",
    "slas": "Service level agreements",
    "sla": "Service level agreement",
    "care": "Customer care",
    "maintenance": "Maintenance",
    "glossary": "Glossary",
    "whats_new": "News",
    "agencies": "Agencies",
    "agency": "Agency",
    "review": "Operations review",
    "budget_impact": "Budget impact",
    "performance": "Service results",
    "scorecard": "Service results",
    "estimator": "Tool",
    "compare": "Tool",
    "data": "Open data",
}


def page_specs(site: Site, rendered: Container[str] | None = None) -> list[PageSpec]:
    """Every page of the site's route table, with its template and what it shows.

    `rendered`: the pages (by output path) that will be rendered; the others get no
    context, since working them out is what takes the time (the estimator's data alone
    took 0.3 s at 1,000 services, for a rebuild that renders one edited page)."""
    contexts = _Contexts(site)
    return [
        PageSpec(
            route.path,
            TEMPLATES[route.kind],
            route.title,
            contexts.of(route.kind, route.key)
            if rendered is None or route.path + route.filename in rendered
            else {},
            site.routes.crumbs(route),
            route.filename,
            SEARCH_TYPES.get(route.kind, "Page"),
        )
        for route in site.routes.routes
    ]


class _Contexts:
    """The records a page of each kind shows, looked up by the route's key."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.decisions = extras.DecisionContexts(site)

    @functools.cached_property
    def _events(self) -> list[EventView]:
        return extras.event_views(self.site)

    def of(self, kind: str, key: str) -> dict[str, Any]:
        site = self.site
        if kind in extras.DecisionContexts.KINDS:
            return self.decisions.of(kind, key)
        if kind == "rates":
            return {"sheet": site.current_sheet}
        if kind == "care":
            return extras.care_context(site)
        if kind == "category":
            return {"category": next(c for c in site.categories if c.category.id == key)}
        if kind == "service":
            view = site.services[key]
            return {
                "service": view,
                **extras.service_context(site, view, self._events),
                "tools": self.decisions.tools[key],
            }
        if kind == "rate_sheet":
            return {"sheet": next(s for s in site.sheets if s.sheet.id == key)}
        if kind == "rate_changes":
            return {"notice": next(n for n in site.notices if n.notice.id == key)}
        if kind == "sla":
            return {"sla": site.slas[key], "scorecards": site.performance.for_sla(key)}
        if kind == "scorecard":
            return {"card": site.performance.cards[key]}
        if kind == "performance":
            return {"results": site.performance, **extras.performance_files()}
        if kind == "page":
            return {"page_view": site.pages[key]}
        return {}


@dataclass
class _Reused:
    """One output as last rendered, with what it depended on beyond the build inputs."""

    offered: object  # the PDFs the page links to
    reads: dict[str, str]  # markdown bodies its template read
    data: Any


class RenderedPages:
    """The outputs of a session's previous render, by output path, and the inputs
    they came from. Each render replaces them with its own."""

    def __init__(self) -> None:
        self.inputs: object = None
        self.outputs: dict[str, _Reused] = {}

    def clear(self) -> None:
        self.inputs, self.outputs = None, {}

    def __len__(self) -> int:
        return len(self.outputs)


class Reuse:
    """Outputs kept from the last render (in `kept`) handed back while nothing they
    were made from changed; used for the PDF documents' HTML (pdf/documents.py), as
    PageJobs does for pages. Call `done()` once every output was asked for."""

    def __init__(self, site: Site, inputs: object, kept: RenderedPages) -> None:
        if inputs is None or inputs != kept.inputs:
            kept.outputs = {}
        kept.inputs = inputs
        self.kept = kept
        bodies = site.bodies() if inputs is not None else None
        self.reuse = _Reuse(bodies, kept.outputs, site.body_reads)

    def __call__(self, name: str, make: Callable[[], Any]) -> Any:
        return self.reuse(name, (), make)

    def done(self) -> None:
        self.kept.outputs = self.reuse.kept


class PageJobs:
    """One render of the site: the pages to render again, as jobs, and the data files.

    `documents` lists the PDFs each page offers, by its path. `inputs` identifies
    everything the site was made from except markdown bodies (see app/build.py);
    given, outputs in `kept` from the previous render are reused when unchanged.
    `render(n)` renders the n-th page to make and may run in a worker process;
    `finish` takes every result, in order, and gives all the outputs.
    """

    def __init__(
        self,
        site: Site,
        env: jinja2.Environment,
        documents: Mapping[str, Sequence[Any]] | None,
        inputs: object,
        kept: RenderedPages | None,
    ) -> None:
        self.site, self.env = site, env
        self.kept = kept if kept is not None else RenderedPages()
        if inputs is None or inputs != self.kept.inputs:
            self.kept.outputs = {}
        self.kept.inputs = inputs
        bodies = site.bodies() if inputs is not None else None
        self.reuse = _Reuse(bodies, self.kept.outputs, site.body_reads)
        self.paths = [route.path + route.filename for route in site.routes.routes]
        self.offered = [tuple((documents or {}).get(path, ())) for path in self.paths]
        self.pages = [
            self.reuse.reused(path, offers)
            for path, offers in zip(self.paths, self.offered, strict=True)
        ]
        self.missing = [i for i, page in enumerate(self.pages) if page is None]
        self.specs = page_specs(site, {self.paths[i] for i in self.missing})
        self.problems: list[Problem] = []

    def __len__(self) -> int:
        return len(self.missing)

    def render(self, n: int) -> tuple[bytes | Problem, list[str]]:
        i = self.missing[n]
        try:
            with self.site.body_reads.recording() as reads:
                page = render_page(self.site, self.env, self.specs[i], self.offered[i])
            return page, sorted(reads)
        except jinja2.TemplateError as exc:
            return template_problem(exc, self.specs[i].template, self.paths[i]), []

    def data_files(self) -> list[Output]:
        """The rate sheets as CSV, the sitemap, the open data and the feed."""
        site, reuse = self.site, self.reuse
        files = [
            Output(s.csv_path, reuse(s.csv_path, (), functools.partial(rates_csv, s.sheet, site)))
            for s in site.sheets
        ]
        files.append(Output(SITEMAP, reuse(SITEMAP, (), lambda: sitemap(site))))
        files.extend(reuse("extras", (), lambda: extras.extra_outputs(site)))
        try:
            feed = self.env.get_template("feed.xml")
            files.append(Output(FEED, reuse(FEED, (), lambda: _feed(feed, site))))
        except jinja2.TemplateError as exc:
            self.problems.append(template_problem(exc, FEED, FEED))
        return files

    def finish(
        self, rendered: Sequence[tuple[bytes | Problem, list[str]]], data_files: list[Output]
    ) -> list[Output]:
        for i, (result, read) in zip(self.missing, rendered, strict=True):
            if isinstance(result, Problem):
                self.problems.append(result)
            else:
                self.pages[i] = self.reuse.keep(self.paths[i], self.offered[i], read, result)
        if self.problems:
            raise SiteError(sorted(set(self.problems)))
        self.kept.outputs = self.reuse.kept
        pages = zip(self.paths, self.pages, strict=True)
        return [Output(path, page) for path, page in pages] + data_files


class _Reuse:
    """Gives the previous output for a name when nothing it depended on changed."""

    def __init__(
        self, bodies: dict[str, str] | None, previous: dict[str, _Reused], reads: BodyReads
    ) -> None:
        self.bodies = bodies  # None: no reuse
        self.previous = previous
        self.kept: dict[str, _Reused] = {}
        self.reads = reads  # the site's

    def reused(self, name: str, offered: object) -> Any:
        """The previous output, or None when it must be made again."""
        last = self.previous.get(name)
        if (
            self.bodies is None
            or last is None
            or last.offered != offered
            or not all(self.bodies.get(key) == html for key, html in last.reads.items())
        ):
            return None
        self.kept[name] = last
        return last.data

    def keep(self, name: str, offered: object, read: list[str], data: Any) -> Any:
        """Remember a new output and the bodies (by key) it read; return it."""
        if self.bodies is not None:
            self.kept[name] = _Reused(offered, {key: self.bodies[key] for key in read}, data)
        return data

    def __call__(self, name: str, offered: object, make: Callable[[], Any]) -> Any:
        found = self.reused(name, offered)
        if found is not None:
            return found
        with self.reads.recording() as reads:
            data = make()
        return self.keep(name, offered, list(reads), data)


def render_page(
    site: Site, env: jinja2.Environment, spec: PageSpec, documents: Sequence[Any] = ()
) -> bytes:
    if spec.filename == "404.html":
        # Served for missing pages at any depth, so links must start at the site root.
        base = urlsplit(site.settings.base_url).path.rstrip("/") + "/"
        to_site: Callable[[str], str] = lambda target: base + target  # noqa: E731
    else:
        here = spec.path.rstrip("/")
        to_site = lambda target: relative_url(here, target)  # noqa: E731

    def url(target: str) -> str:
        """A link to a site path, or a web address as it is (a rate methodology may be
        published elsewhere)."""
        return target if urlsplit(target).scheme in ("http", "https") else to_site(target)

    template = env.get_template(spec.template)
    html = template.render(
        site=site,
        page=spec,
        url=url,
        url_for=lambda kind, key="": url(site.routes.target(kind, key)),
        nav=site.routes.nav(spec.path, [(p.meta.title, p.path) for p in site.nav_pages]),
        documents=documents,
        **spec.context,
    )
    return html.encode("utf-8")


def template_problem(exc: jinja2.TemplateError, template: str, making: str) -> Problem:
    """The template file and line a rendering error comes from, as a Problem."""
    line = getattr(exc, "lineno", None) or 0
    name = getattr(exc, "filename", None) or getattr(exc, "name", None) or template
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            name, line = frame.filename, frame.lineno or 0
            break
    shown = "themes/" + name.split("/themes/", 1)[1] if "/themes/" in name else name
    return Problem(shown, line, "", f"template error while making {making}: {exc}")


def absolute(site: Site, path: str) -> str:
    """The full web address of a site path, for files read outside the site (feeds)."""
    return site.settings.base_url.rstrip("/") + "/" + path


def _feed(template: jinja2.Template, site: Site) -> bytes:
    """The Atom feed: read by feed readers, so every address in it is absolute."""
    return template.render(
        site=site,
        url=lambda path: absolute(site, path),
        url_for=lambda kind, key="": absolute_for(site, kind, key),
    ).encode("utf-8")


def absolute_for(site: Site, kind: str, key: str = "") -> str:
    return absolute(site, site.routes.target(kind, key))


def sitemap(site: Site) -> bytes:
    base = site.settings.base_url.rstrip("/") + "/"
    urls = sorted(
        {posixpath.join(base, r.path) for r in site.routes.routes if r.filename == "index.html"}
    )
    body = "".join(f"  <url><loc>{html.escape(u, quote=False)}</loc></url>\n" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{body}</urlset>\n"
    ).encode()
