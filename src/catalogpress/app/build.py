"""The build, start to finish: load → validate → model → render → print → index → write.

Each stage lives in its own module as plain functions; this one runs them in
order, stops before writing if any stage found a mistake, and decides what runs
alongside what: the slow parts of a big catalog (parsing catalog.yaml, rendering
markdown and pages) are handed to forked workers (core/parallel.py) while this
process gets on with work that does not depend on them. What a build keeps for
the next one is in the `BuildSession` its caller passes in (app/session.py).
"""

from __future__ import annotations

import datetime as dt
import os
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

import jinja2

from catalogpress.app.session import BuildSession
from catalogpress.app.stored_session import load_session, save_session, start_saving
from catalogpress.check.plain_language import check_plain_language
from catalogpress.check.validate import validate
from catalogpress.core.collector import collector_paused, collector_resumed
from catalogpress.core.errors import Problem, Problems, SiteError
from catalogpress.core.parallel import start_map
from catalogpress.index.pdf_text import search_records
from catalogpress.index.search import start_index
from catalogpress.index.search_parts import FOLDER as SEARCH_CACHE
from catalogpress.model.site import Site, build_site, site_bodies
from catalogpress.pdf.cache import FOLDER as CACHE_FOLDER
from catalogpress.pdf.cache import PdfCache
from catalogpress.pdf.documents import document_specs, links_by_page, render_documents
from catalogpress.pdf.print_run import cached_sizes, print_all
from catalogpress.pdf.resources import pdf_resources
from catalogpress.render.outputs import Output
from catalogpress.render.pages import PageJobs, Reuse
from catalogpress.render.theme import (
    builtin_theme_dir,
    compile_ahead,
    make_environment,
    outside_links,
    static_files,
    templates_digest,
    theme_dirs,
)
from catalogpress.schema.dates import EARLIEST, LATEST, in_calendar
from catalogpress.sources.files import (
    Sources,
    load_all_but_big,
    parse_big_sources,
    read_big_sources,
    with_big_sources,
    worth_a_worker,
)
from catalogpress.write.writer import (
    check_output_dir,
    start_reading_ahead,
    sync_site,
    write_site,
)

# In the cache: the site a command-line build replaced, made into the next one's new
# folder (write/writer.py), so that it writes only what changed.
SPARE_SITE = "spare-site"


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
    pdf_cpu: list[float] = field(default_factory=list)  # per print (a document, or a
    # round of a part of the book)


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


def _shown_path(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def build(
    root: Path,
    output: Path | None = None,
    as_of: dt.date | None = None,
    *,
    session: BuildSession | None = None,
    strict: bool = False,
    incremental: bool = False,
    search: bool = True,
    pdf: bool = True,
    cache: Path | None = None,
    guard: AbstractContextManager[object] | None = None,
    stored: bool = False,
) -> Report:
    """Build the site into `output`.

    By default the new site replaces the old one atomically. `incremental` (the
    preview) updates `output` in place and rewrites only files whose bytes changed,
    holding `guard` (a lock the preview's web server also takes) while it writes.
    `session` holds what earlier builds made, for reuse (default: a fresh one).
    `strict` treats warnings as problems: nothing is written. `search=False` skips
    the search index (the preview, where it would double the time of a rebuild).
    `pdf` prints the PDF documents too, reusing those in `cache` (default:
    <project>/.catalogpress-cache) whose sources did not change. `stored` (the
    command line) starts from the session kept in that folder, when no `session`
    is given, and keeps this build's there for the next (app/stored_session.py).
    """
    started = time.perf_counter()
    root = root.resolve()
    output = (output or root / "site").resolve()
    check_output_dir(output, root)
    as_of = as_of or default_as_of()
    cache = cache or root / CACHE_FOLDER
    if stored and not incremental:
        start_reading_ahead(cache / SPARE_SITE)
    with collector_paused():
        if session is None:
            session = load_session(cache) if stored else BuildSession()
        site, problems, sources = _load_site(root, as_of, session, pdf)  # load, validate, model
        _stop_on_warnings(problems, strict)
        theme = load_theme(root, site, session)
        inputs = _inputs(sources, as_of, theme.dirs)
        specs = document_specs(site) if pdf else []
        # Without PDFs the documents' kept HTML is left as it is, for the next build with them.
        kept = Reuse(site, inputs, session.documents) if pdf else None
        documents = render_documents(site, theme.env, specs, kept)
        copies = {**theme.static, **sources.images}
        resources = (
            pdf_resources(site.settings.base_url, theme.dirs, root / "content", copies)
            if pdf
            else None
        )
        pdf_cache = PdfCache(cache)
        # Every template runs before any printing, so a mistake stops the build at once.
        # Download links tell each PDF's pages and size where the cache already knows them.
        known = cached_sizes(documents, resources, pdf_cache) if resources else {}
        offers = links_by_page(specs, known) if pdf else None
        outputs = _render_pages(site, theme.env, offers, inputs, session)
        report = Report(warnings=problems.warnings)
        pdfs: list[Output] = []
        if resources is not None:
            with collector_resumed():  # WeasyPrint makes cycles; its workers inherit this
                printed = print_all(documents, resources, pdf_cache)
            _stop_on_warnings(Problems(printed.warnings), strict)
            if printed.sizes != known:  # again, now that every link can tell them
                offers = links_by_page(specs, printed.sizes)
                outputs = _render_pages(site, theme.env, offers, inputs, session)
            pdfs = printed.outputs
            report.warnings = report.warnings + printed.warnings
            report.pdfs, report.pdfs_printed = len(pdfs), printed.rendered
            report.pdf_seconds, report.pdf_cpu = printed.seconds, printed.cpu
        report.pages = sum(1 for o in outputs if o.path.endswith(".html"))
        language = site.settings.language
        records = search_records(specs, documents) if search else []
        # Pagefind indexes the pages from memory, in processes of its own, while this one
        # writes the site (or compares it with the files written before); its files come
        # last. The command line's build keeps each part of the index in the cache, and
        # stores its session (final by now) from a process of its own meanwhile too.
        parts = None if incremental else cache / SEARCH_CACHE
        index = start_index(outputs, language, records, cache=parts) if search else None
        files = chain(outputs, pdfs, _later(index.result if index else list))
        if incremental:
            with guard or nullcontext():
                synced = sync_site(files, copies, output, session.written)
            report.files, report.changed = synced.total, synced.written + synced.removed
            if stored:
                save_session(session, cache)
        else:
            report.files = _replace_site(files, copies, output, session, cache if stored else None)
    report.seconds = time.perf_counter() - started
    return report


def _replace_site(
    files: Iterable[Output],
    copies: dict[str, Path],
    output: Path,
    session: BuildSession,
    cache: Path | None,
) -> int:
    """Write the new site in place of the old; with `cache` (the command line), refresh
    the site kept there into it, and store the session meanwhile."""
    if cache is None:
        return write_site(files, copies, output)
    stored = start_saving(session, cache)
    try:
        return write_site(files, copies, output, cache / SPARE_SITE)
    finally:
        stored()


def _later(make: Callable[[], Iterable[Output]]) -> Iterator[Output]:
    """The outputs `make` returns, made only when the writer gets to them."""
    yield from make()


def _load_site(
    root: Path, as_of: dt.date, session: BuildSession, pdf: bool
) -> tuple[Site, Problems, Sources]:
    """Load, validate and model; raise SiteError listing every problem found."""
    _in_calendar(as_of, "--as-of")
    problems = Problems()
    sources = _load_sources(root, problems, session)
    checked = validate(sources, as_of, problems, session.checked)
    problems.raise_if_errors()
    assert checked is not None  # validate returns None only alongside errors
    bodies = site_bodies(checked, as_of, set(sources.images), session.bodies)
    with start_map(bodies.jobs.render, len(bodies.jobs)) as rendering:
        # While workers render the markdown, what does not need it:
        check_plain_language(checked, problems, session.findings)  # warnings only
        _compile_theme(root, checked.catalog.site.theme, pdf, session)
        rendered = rendering.results()
    site = build_site(checked, as_of, problems, bodies, rendered)
    problems.raise_if_errors()
    return site, problems, sources


def _load_sources(root: Path, problems: Problems, session: BuildSession) -> Sources:
    """The sources; a big catalog.yaml and rates.yaml new to the session parse in a
    worker process (one job: both) while the rest loads here."""
    big = read_big_sources(root, problems, session.sources)
    fork_from = 1 if worth_a_worker(big) else 2  # jobs (there is one) worth a worker
    with start_map(lambda _: parse_big_sources(big), 1, min_items=fork_from) as parsing:
        rest, later = load_all_but_big(root, session.sources)
        [parsed] = parsing.results()
    return with_big_sources(rest, later, big, parsed, problems, session.sources)


def _render_pages(
    site: Site,
    env: jinja2.Environment,
    offers: Mapping[str, Sequence[Any]] | None,
    inputs: object,
    session: BuildSession,
) -> list[Output]:
    """Every page and data file; pages render in workers while this process makes the
    data files. `offers`: the PDFs each page links to; `inputs`: see `_inputs`."""
    pages = PageJobs(site, env, offers, inputs, session.pages)
    with start_map(pages.render, len(pages)) as rendering:
        data_files = pages.data_files()
        rendered = rendering.results()
    return pages.finish(rendered, data_files)


def load_site(
    root: Path, as_of: dt.date, session: BuildSession | None = None
) -> tuple[Site, Problems]:
    """Load, validate and model; raise SiteError listing every problem found."""
    site, problems, _ = _load_site(root, as_of, session or BuildSession(), pdf=False)
    return site, problems


def _inputs(sources: Sources, as_of: dt.date, themes: list[Path]) -> tuple[object, ...]:
    """Everything pages are made from except markdown bodies, for the render cache.

    The loader hands back the very same document object for unchanged YAML, so
    comparing two of these is cheap when nothing changed. Documents are referred
    to weakly, so that the render cache does not keep an edited catalog's old
    document alive (a weak reference to a document gone is unequal to any other).
    """
    return (
        as_of,
        *(weakref.ref(doc) if doc else None for doc in (sources.catalog, sources.rates)),
        tuple((md.path, weakref.ref(md.meta)) for md in sources.markdown),
        sources.performance,  # compared by value: a small file, re-read on every build
        tuple(sorted(sources.images)),
        tuple(themes),
        templates_digest(themes),
    )


def check(root: Path, as_of: dt.date | None = None, strict: bool = False) -> Report:
    """Everything a build does except printing PDFs and writing: templates can fail too."""
    session = BuildSession()
    with collector_paused():
        site, problems, _ = _load_site(root, as_of or default_as_of(), session, pdf=True)
        _stop_on_warnings(problems, strict)
        theme = load_theme(root, site, session)
        specs = document_specs(site)
        render_documents(site, theme.env, specs)
        _render_pages(site, theme.env, links_by_page(specs), None, session)
    return Report(warnings=problems.warnings)


def _stop_on_warnings(problems: Problems, strict: bool) -> None:
    """With --strict, warnings stop the run like mistakes do."""
    if strict and problems.warnings:
        raise SiteError(sorted(set(problems.warnings)))


def render(root: Path, site: Site) -> tuple[list[Output], dict[str, Path]]:
    """The web pages (without PDF links) and the theme's static files."""
    session = BuildSession()
    theme = load_theme(root, site, session)
    return _render_pages(site, theme.env, None, None, session), theme.static


@dataclass(frozen=True)
class Theme:
    dirs: list[Path]  # in lookup order (theme_dirs)
    env: jinja2.Environment
    static: dict[str, Path]  # the files copied into the site, by site path


def load_theme(root: Path, site: Site, session: BuildSession | None = None) -> Theme:
    """The site's theme: its folders, template environment and static files."""
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
    themes = session.themes if session is not None else None
    return Theme(dirs, make_environment(dirs, themes), static_files(dirs))


def _compile_theme(root: Path, theme: str, pdf: bool, session: BuildSession) -> None:
    """Compile the templates ahead (see theme.compile_ahead); a missing theme is
    reported later, with the rest of the build's problems."""
    dirs = theme_dirs(root, theme)
    if dirs:
        compile_ahead(make_environment(dirs, session.themes), pdf)
