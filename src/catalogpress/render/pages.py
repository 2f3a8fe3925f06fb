"""Stage 4, render: the Site model through the theme's templates into file contents.

Pure: returns every output as (site path, bytes) and writes nothing, so pages
can be rendered in any order, in parallel or cached. Between builds in one
process (the preview) a page is reused when the build's inputs other than
markdown bodies are unchanged and every body its template read is unchanged:
editing one overview re-renders only the pages that show it.
"""

from __future__ import annotations

import functools
import html
import posixpath
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jinja2

from catalogpress.core.errors import Problem, SiteError
from catalogpress.core.parallel import fork_map
from catalogpress.model.maintenance import EventView
from catalogpress.model.markdown import relative_url
from catalogpress.model.views import Site, record_body_reads
from catalogpress.render import decision_pages as extras
from catalogpress.render.outputs import Output, PageSpec
from catalogpress.render.rate_csv import rates_csv
from catalogpress.routes import file_path

SITEMAP = file_path("sitemap")

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
    "accessibility": "accessibility.html",
    "privacy": "privacy.html",
}


def page_specs(site: Site) -> list[PageSpec]:
    """Every page of the site's route table, with its template and what it shows."""
    contexts = _Contexts(site)
    return [
        PageSpec(
            route.path,
            TEMPLATES[route.kind],
            route.title,
            contexts.of(route.kind, route.key),
            site.routes.crumbs(route),
            route.filename,
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
            return {"service": view, **extras.service_context(site, view, self._events)}
        if kind == "rate_sheet":
            return {"sheet": next(s for s in site.sheets if s.sheet.id == key)}
        if kind == "rate_changes":
            return {"notice": next(n for n in site.notices if n.notice.id == key)}
        if kind == "sla":
            return {"sla": site.slas[key]}
        if kind == "page":
            return {"page_view": site.pages[key]}
        return {}


@dataclass
class _Reused:
    """One output as last rendered, with what it depended on beyond the build inputs."""

    offered: object  # the PDFs the page links to
    reads: dict[str, str]  # markdown bodies its template read
    data: Any


class _Memo:
    """Outputs of the previous render in this process, and the inputs they came from."""

    inputs: object = None
    outputs: dict[str, _Reused] = {}


def render_site(
    site: Site,
    env: jinja2.Environment,
    documents: Mapping[str, Sequence[Any]] | None = None,
    inputs: object = None,
) -> list[Output]:
    """Every page and data file; `documents` lists the PDFs each page offers, by its path.

    `inputs` identifies everything the site was made from except markdown bodies
    (see pipeline.py); given, unchanged outputs of the previous call are reused.
    """
    if inputs is None or inputs != _Memo.inputs:
        _Memo.outputs = {}
    _Memo.inputs = inputs
    reuse = _Reuse(site.bodies() if inputs is not None else None)
    specs = page_specs(site)
    paths = [spec.path + spec.filename for spec in specs]
    offered = [tuple((documents or {}).get(path, ())) for path in paths]
    pages = [reuse.reused(path, offers) for path, offers in zip(paths, offered, strict=True)]
    missing = [i for i, page in enumerate(pages) if page is None]

    def render_missing(n: int) -> tuple[bytes | Problem, list[str]]:
        i = missing[n]
        reads: dict[str, str] = {}
        record_body_reads(reads)
        try:
            return render_page(site, env, specs[i], offered[i]), sorted(reads)
        except jinja2.TemplateError as exc:
            return template_problem(exc, specs[i].template, paths[i]), []
        finally:
            record_body_reads(None)

    problems: list[Problem] = []
    data_files: list[Output] = []

    def make_data_files() -> None:  # while the pages render
        data_files.extend(
            Output(s.csv_path, reuse(s.csv_path, (), functools.partial(rates_csv, s.sheet, site)))
            for s in site.sheets
        )
        data_files.append(Output(SITEMAP, reuse(SITEMAP, (), lambda: sitemap(site))))
        data_files.extend(reuse("extras", (), lambda: extras.extra_outputs(site)))
        try:
            data_files.append(
                Output(
                    "feed.xml",
                    reuse(
                        "feed.xml",
                        (),
                        lambda: (
                            env.get_template("feed.xml")
                            .render(
                                site=site,
                                url=lambda path: absolute(site, path),
                                url_for=lambda kind, key="": absolute(
                                    site, site.routes.target(kind, key)
                                ),
                            )
                            .encode("utf-8")
                        ),
                    ),
                )
            )
        except jinja2.TemplateError as exc:
            problems.append(template_problem(exc, "feed.xml", "feed.xml"))

    rendered = fork_map(render_missing, len(missing), make_data_files)
    for i, (result, read) in zip(missing, rendered, strict=True):
        if isinstance(result, Problem):
            problems.append(result)
        else:
            pages[i] = reuse.keep(paths[i], offered[i], read, result)
    if problems:
        raise SiteError(sorted(set(problems)))
    _Memo.outputs = reuse.kept
    return [Output(path, page) for path, page in zip(paths, pages, strict=True)] + data_files


class _Reuse:
    """Gives the previous output for a name when nothing it depended on changed."""

    def __init__(self, bodies: dict[str, str] | None) -> None:
        self.bodies = bodies  # None: no reuse
        self.kept: dict[str, _Reused] = {}

    def reused(self, name: str, offered: object) -> Any:
        """The previous output, or None when it must be made again."""
        last = _Memo.outputs.get(name)
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
        reads: dict[str, str] = {}
        record_body_reads(reads)
        try:
            data = make()
        finally:
            record_body_reads(None)
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
