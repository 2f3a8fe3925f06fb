"""The build, start to finish: load → validate → model → render → write.

Each stage lives in its own module; this one only runs them in order and
stops before writing if any stage found a mistake.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from catalogpress.check.plain_language import check_plain_language
from catalogpress.check.validate import Checked, validate
from catalogpress.core.errors import Problem, Problems, SiteError
from catalogpress.index.pdf_text import search_records
from catalogpress.index.search import search_index
from catalogpress.model.site import Site, build_site
from catalogpress.pdf.cache import FOLDER as CACHE_FOLDER
from catalogpress.pdf.cache import PdfCache
from catalogpress.pdf.documents import document_specs, links_by_page, render_documents
from catalogpress.pdf.printer import Resources, print_all
from catalogpress.render.outputs import Output
from catalogpress.render.pages import render_site
from catalogpress.render.theme import (
    builtin_theme_dir,
    compile_ahead,
    make_environment,
    outside_links,
    static_files,
    templates_digest,
    theme_dirs,
)
from catalogpress.routes import file_path
from catalogpress.schema.dates import EARLIEST, LATEST, in_calendar
from catalogpress.sources.files import Sources, load_sources
from catalogpress.write.writer import check_output_dir, sync_site, write_site


@dataclass
class Report:
    warnings: list[Problem] = field(default_factory=list)
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    changed: list[str] = field(default_factory=list)  # incremental builds: files rewritten
    pdfs: int = 0
    pdfs_printed: int = 0  # the rest came from the cache
    pdf_seconds: float = 0.0
    pdf_cpu: list[float] = field(default_factory=list)  # per printed document


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Run without Python's cyclic garbage collector, then as before.

    Loading, checking and rendering make hundreds of thousands of objects and
    next to no reference cycles; the collector kept rescanning the loaded
    catalog (7% of a big build) and found nothing. PDF printing runs with it on:
    WeasyPrint does make cycles, and its workers inherit the setting.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def default_as_of() -> dt.date:
    """The build date: SOURCE_DATE_EPOCH when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        try:
            day = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            day = dt.date.max  # reported below, like any date outside the calendar
        return _in_calendar(day, "SOURCE_DATE_EPOCH")
    return dt.date.today()


def _in_calendar(day: dt.date, source: str) -> dt.date:
    """The build date, which must lie in the catalog's calendar like every other date."""
    if not in_calendar(day):
        raise SiteError(
            [
                Problem(
                    source,
                    0,
                    "",
                    f"the build date must be between {EARLIEST} and {LATEST}; "
                    "give another date, or unset it to build as of today",
                )
            ]
        )
    return day


def load_site(root: Path, as_of: dt.date) -> tuple[Site, Problems]:
    """Load, validate and model; raise SiteError listing every problem found."""
    site, problems, _ = _load_site(root, as_of)
    return site, problems


def _load_site(
    root: Path,
    as_of: dt.date,
    meanwhile: Callable[[Checked], object] | None = None,
) -> tuple[Site, Problems, Sources]:
    """`meanwhile` gets the checked sources while markdown renders in worker processes."""
    _in_calendar(as_of, "--as-of")
    problems = Problems()
    sources = load_sources(root, problems)
    checked = validate(sources, as_of, problems)
    problems.raise_if_errors()
    assert checked is not None  # validate returns None only alongside errors

    def while_markdown_renders() -> None:
        check_plain_language(checked, problems)  # warnings only
        if meanwhile is not None:
            meanwhile(checked)

    site = build_site(checked, set(sources.images), as_of, problems, while_markdown_renders)
    problems.raise_if_errors()
    return site, problems, sources


def _inputs(sources: Sources, as_of: dt.date, themes: list[Path]) -> tuple[object, ...]:
    """Everything pages are made from except markdown bodies, for the render cache.

    The loader hands back the very same document object for unchanged YAML, so
    comparing two of these is cheap when nothing changed.
    """
    return (
        as_of,
        sources.catalog,
        sources.rates,
        tuple((md.path, md.meta) for md in sources.markdown),
        tuple(sorted(sources.images)),
        tuple(themes),
        templates_digest(themes),
    )


def check(root: Path, as_of: dt.date | None = None, strict: bool = False) -> Report:
    """Everything a build does except printing PDFs and writing: templates can fail too."""
    with _collector_paused():
        site, problems = load_site(root, as_of or default_as_of())
        _stop_on_warnings(problems, strict)
        env, _ = load_theme(root, site)
        specs = document_specs(site)
        render_documents(site, env, specs)
        render_site(site, env, links_by_page(specs))
    return Report(warnings=problems.warnings)


def _stop_on_warnings(problems: Problems, strict: bool) -> None:
    """With --strict, warnings stop the run like mistakes do."""
    if strict and problems.warnings:
        raise SiteError(sorted(set(problems.warnings)))


def render(root: Path, site: Site) -> tuple[list[Output], dict[str, Path]]:
    """The web pages (without PDF links) and the theme's static files."""
    env, copies = load_theme(root, site)
    return render_site(site, env), copies


def load_theme(root: Path, site: Site) -> tuple[jinja2.Environment, dict[str, Path]]:
    """The template environment and the theme's static files by site path."""
    dirs = theme_dirs(root, site.settings.theme)
    if not dirs:
        raise SiteError([Problem("themes/", 0, "", f"theme '{site.settings.theme}' not found")])
    escaping = outside_links(dirs, [root, builtin_theme_dir()])
    if escaping:
        raise SiteError(
            [
                Problem(
                    _shown_path(path, root),
                    0,
                    "",
                    "this link points outside the project; copy the file into the theme instead",
                )
                for path in escaping
            ]
        )
    return make_environment(dirs), static_files(dirs)


def _shown_path(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _compile_theme(root: Path, theme: str, pdf: bool) -> None:
    """Compile the templates ahead (see theme.compile_ahead); a missing theme is
    reported later, with the rest of the build's problems."""
    dirs = theme_dirs(root, theme)
    if dirs:
        compile_ahead(make_environment(dirs), pdf)


def build(
    root: Path,
    output: Path | None = None,
    as_of: dt.date | None = None,
    *,
    strict: bool = False,
    incremental: bool = False,
    search: bool = True,
    pdf: bool = True,
    cache: Path | None = None,
    guard: AbstractContextManager[object] | None = None,
) -> Report:
    """Build the site into `output`.

    By default the new site replaces the old one atomically. `incremental` (the
    preview) updates `output` in place and rewrites only files whose bytes changed,
    holding `guard` (a lock the preview's web server also takes) while it writes.
    `strict` treats warnings as problems: nothing is written. `search=False` skips
    the search index (the preview, where it would double the time of a rebuild).
    `pdf` prints the PDF documents too, reusing those in `cache` (default:
    <project>/.catalogpress-cache) whose sources did not change.
    """
    started = time.perf_counter()
    root = root.resolve()
    output = (output or root / "site").resolve()
    check_output_dir(output, root)
    as_of = as_of or default_as_of()
    with _collector_paused():
        site, problems, sources = _load_site(
            root, as_of, lambda checked: _compile_theme(root, checked.catalog.site.theme, pdf)
        )
        _stop_on_warnings(problems, strict)
        env, copies = load_theme(root, site)
        inputs = _inputs(sources, as_of, theme_dirs(root, site.settings.theme))
        copies.update(_content_images(root))
        report = Report(warnings=problems.warnings)
        specs = document_specs(site) if pdf else []
        documents = render_documents(site, env, specs)
        # Every template runs before any printing, so a mistake stops the build at once.
        outputs = render_site(site, env, links_by_page(specs) if pdf else None, inputs)
    pdfs: list[Output] = []
    if pdf:
        printed = print_all(
            documents, _resources(root, site, copies), PdfCache(cache or root / CACHE_FOLDER)
        )
        _stop_on_warnings(Problems(printed.warnings), strict)
        # Again, now that each download link can tell its number of pages and size.
        with _collector_paused():
            outputs = render_site(site, env, links_by_page(specs, printed.sizes), inputs)
        pdfs = printed.outputs
        report.warnings = report.warnings + printed.warnings
        report.pdfs, report.pdfs_printed = len(pdfs), printed.rendered
        report.pdf_seconds, report.pdf_cpu = printed.seconds, printed.cpu
    if search:
        outputs += search_index(outputs, site.settings.language, search_records(specs, documents))
    outputs += pdfs
    if incremental:
        with guard or nullcontext():
            synced = sync_site(outputs, copies, output)
        report.files, report.changed = synced.total, synced.written + synced.removed
    else:
        report.files = write_site(outputs, copies, output)
    report.pages = sum(1 for o in outputs if o.path.endswith(".html"))
    report.seconds = time.perf_counter() - started
    return report


def _resources(root: Path, site: Site, copies: dict[str, Path]) -> Resources:
    """What the PDF renderer may read: the files the site copies, the theme, content/."""
    themes = theme_dirs(root, site.settings.theme)
    folders = [*themes, root / "content"]
    files = {**copies, **static_files(themes, "pdf", "pdf-assets/")}
    return Resources(
        base=site.settings.base_url.rstrip("/") + "/",
        files={path: str(source) for path, source in files.items()},
        roots=tuple(str(f.resolve()) for f in folders if f.is_dir()),
    )


def _content_images(root: Path) -> dict[str, Path]:
    images = root / "content" / "images"
    if not images.is_dir():
        return {}
    return {
        file_path("image", p.relative_to(images).as_posix()): p
        for p in sorted(images.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }
