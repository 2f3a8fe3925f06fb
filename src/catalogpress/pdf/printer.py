"""Print documents' HTML to PDF with WeasyPrint: in-process, in parallel, cached, offline.

The renderer reads nothing but the theme's and content/'s files, and data: URLs.
`LocalFetcher` serves the site's own addresses (base_url + assets/… or images/…)
from the files the site build copies, and file: URLs inside the theme or
content/ folders; it refuses any other file and every network address, and the
document is printed without it (a warning names what was refused).

Output is reproducible: PDF/UA-1 (tagged, with title and language), metadata
dates from the data, and a file identifier derived from the content, so the
same sources give byte-identical PDFs.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from catalogpress.core.errors import Problem, SiteError
from catalogpress.pdf.cache import PdfCache, cache_key
from catalogpress.pdf.page_numbers import (
    all_right,
    anchor_pages,
    linked_anchors,
    with_page_numbers,
)
from catalogpress.pdf.resources import Resources, local_fetcher
from catalogpress.render.outputs import Output

OPTIONS = {"pdf_variant": "pdf/ua-1", "uncompressed_pdf": False, "optimize_images": False}
WORKERS = 2  # the documents are printed on this many cores at most
GUESSES = 2  # layouts with page numbers written in, before one from the HTML itself
# WeasyPrint says this for every font of every document when the system lacks
# HarfBuzz's subsetter; it is one fact about the machine, so it is said once per build.
FONT_FALLBACK = "Using fontTools instead of HarfBuzz-Subset"
FONT_FALLBACK_ADVICE = (
    "PDFs print about twice as slowly on this computer because HarfBuzz's font "
    "subsetter is not installed. Install it, then build again: on Debian or Ubuntu "
    "`sudo apt install libharfbuzz-subset0`, on Fedora `sudo dnf install harfbuzz`, "
    "on macOS `brew install harfbuzz`"
)


@dataclass(frozen=True)
class Job:
    path: str  # site path of the PDF
    html: str
    key: str  # cache key: the HTML, the renderer, and which files serve the theme
    identifier: str  # the PDF's file identifier: the HTML and the renderer only, so the
    # same document is the same bytes wherever the project lies
    known_pages: dict[str, int] = field(default_factory=dict)  # anchor → page, from the
    # last print: a first guess for the cross-references (pdf/page_numbers.py)


@dataclass
class Printed:
    pdf: bytes
    pages: int
    files: list[str] = field(default_factory=list)  # every file the renderer read
    warnings: list[str] = field(default_factory=list)
    cpu: float = 0.0  # seconds of CPU the printing took (0 from the cache)
    font_fallback: bool = False  # fonts were subset with fontTools: HarfBuzz's is missing
    anchor_pages: dict[str, int] = field(default_factory=dict)  # page of each linked anchor


@dataclass
class PdfReport:
    outputs: list[Output]
    sizes: dict[str, tuple[int, int]]  # site path → (pages, bytes)
    warnings: list[Problem]
    rendered: int  # how many were printed, not taken from the cache
    seconds: float
    cpu: list[float]  # CPU seconds of each printed document, for benchmarks


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().strip())


# The font configuration of a pool worker (see _worker_fonts). Module state, as a
# worker process has nowhere else to keep it between the documents it prints; the
# workers live for one print_all call, and the parent never uses this.
_WORKER_FONTS: dict[str, object] = {}


class PrintError(Exception):
    """WeasyPrint failed on a document; carries which one, as plain text that pickles."""


def print_pdf(job: Job, resources: Resources, fonts: object = None) -> Printed:
    """Lay out and print one document, with `fonts` (a WeasyPrint FontConfiguration;
    in a pool worker, by default, the worker's own)."""
    try:
        return _print(job, resources, fonts if fonts is not None else _worker_fonts())
    except Exception as exc:  # a crash in one document must name it, not end in a traceback
        raise PrintError(
            f"{job.path}: could not print this document: {type(exc).__name__}: {exc}"
        ) from None


def _worker_fonts() -> object:
    """One font configuration per worker: making one for each document would load the
    system's fonts again each time."""
    from weasyprint.text.fonts import FontConfiguration

    return _WORKER_FONTS.setdefault("fonts", FontConfiguration())


def _print(job: Job, resources: Resources, fonts: object) -> Printed:
    from weasyprint.logger import LOGGER

    started = time.process_time()
    fetcher = local_fetcher(resources)
    collect = _Collect()
    LOGGER.addHandler(collect)
    try:
        document, landed = _lay_out(job, resources, fetcher, fonts)
        pdf = document.write_pdf(pdf_identifier=job.identifier[:32].encode(), **OPTIONS)
    finally:
        LOGGER.removeHandler(collect)
    linked = linked_anchors(job.html)  # the anchors worth keeping: links point to them
    refused = [
        f"refused to read {url}: documents may only use files of the theme and "
        "content/, and nothing from the network"
        for url in dict.fromkeys(fetcher.refused)
    ]
    messages = list(dict.fromkeys(collect.messages))
    others = [
        m
        for m in messages
        if not m.startswith(FONT_FALLBACK) and not any(url in m for url in fetcher.refused)
    ]
    return Printed(
        pdf,
        len(document.pages),
        sorted(set(fetcher.read)),
        refused + others,
        time.process_time() - started,
        any(m.startswith(FONT_FALLBACK) for m in messages),
        {a: p for a, p in landed.items() if a in linked},
    )


def _lay_out(
    job: Job, resources: Resources, fetcher: object, fonts: object
) -> tuple[Any, dict[str, int]]:
    """The laid-out document: with the cross-references' page numbers of the last print
    written in; where one came out wrong (an edit moved a page), once more with the
    pages the anchors landed on, which text of another width seldom moves again; and
    only then from the HTML itself (WeasyPrint's target-counter, 106 page layouts for
    the 46-page book, against 46 a try). Also the page each anchor landed on."""
    from weasyprint import HTML

    def lay_out(html: str) -> Any:
        return HTML(string=html, base_url=resources.base, url_fetcher=fetcher).render(
            font_config=fonts, **OPTIONS
        )

    known = job.known_pages
    for _ in range(GUESSES):
        guessed, written = with_page_numbers(job.html, known)
        if not written:
            break
        document = lay_out(guessed)
        known = anchor_pages(document.pages)
        if all_right(written, known):
            return document, known
    document = lay_out(job.html)
    return document, anchor_pages(document.pages)


def _served_files_digest(resources: Resources) -> str:
    """Which file serves each theme address. The cache checks the bytes of every file a
    document read, but a theme override that shadows a built-in file (its own pdf.css)
    serves another file at the same address, so the mapping is part of the key. Content
    images are left out: each has one source, so adding one reprints nothing."""
    served = sorted((p, f) for p, f in resources.files.items() if not p.startswith("images/"))
    return hashlib.sha256(repr(served).encode()).hexdigest()


def _salt() -> str:
    # The installed versions from the packages' metadata: importing WeasyPrint only to
    # read its version took most of a build whose PDFs all came from the cache.
    from importlib.metadata import version

    options = sorted(OPTIONS.items())
    return f"weasyprint {version('weasyprint')}, pydyf {version('pydyf')}, {options}"


def cached_sizes(
    pages: dict[str, str], resources: Resources, cache: PdfCache
) -> dict[str, tuple[int, int]]:
    """(pages, bytes) of each document the cache already holds, unchanged: what the web
    pages' download links will say, known before anything is printed."""
    found = {}
    for job in _jobs(pages, resources):
        entry = cache.get(job.key)
        if entry is not None:
            found[job.path] = (entry.pages, len(entry.pdf))
    return found


def _jobs(pages: dict[str, str], resources: Resources) -> list[Job]:
    renderer = _salt()
    served = renderer + _served_files_digest(resources)
    return [
        Job(path, html, cache_key(html, served), cache_key(html, renderer))
        for path, html in pages.items()
    ]


def print_all(
    pages: dict[str, str], resources: Resources, cache: PdfCache | None, workers: int = WORKERS
) -> PdfReport:
    """Every document as PDF bytes, from the cache where nothing changed, else printed."""
    started = time.perf_counter()
    jobs = _jobs(pages, resources)
    known = cache.anchor_pages() if cache else {}
    done: dict[str, Printed] = {}
    for job in jobs:
        entry = cache.get(job.key) if cache else None
        if entry is not None:
            done[job.path] = Printed(entry.pdf, entry.pages, list(entry.deps), entry.warnings)
    # Longest first, so the catalog book does not start last on an otherwise idle pool.
    todo = sorted(
        (replace(j, known_pages=known.get(j.path, {})) for j in jobs if j.path not in done),
        key=lambda j: -len(j.html),
    )
    try:
        for job, printed in zip(todo, _print_many(todo, resources, workers), strict=True):
            done[job.path] = printed
            if cache:
                cache.put(job.key, printed.pdf, printed.pages, printed.files, printed.warnings)
    except PrintError as exc:
        path, _, message = str(exc).partition(": ")
        raise SiteError([Problem(path, 0, "", message)]) from None
    if cache:
        cache.prune(j.key for j in jobs)
        printed_now = {j.path: done[j.path].anchor_pages for j in todo}
        cache.keep_anchor_pages(
            {j.path: printed_now.get(j.path, known.get(j.path, {})) for j in jobs}
        )
    outputs = [Output(j.path, done[j.path].pdf) for j in jobs]
    warnings = [Problem(j.path, 0, "", w, "warning") for j in jobs for w in done[j.path].warnings]
    if any(done[j.path].font_fallback for j in todo):
        warnings.append(Problem("pdf/", 0, "", FONT_FALLBACK_ADVICE, "warning"))
    return PdfReport(
        outputs,
        {j.path: (done[j.path].pages, len(done[j.path].pdf)) for j in jobs},
        warnings,
        len(todo),
        time.perf_counter() - started,
        [done[j.path].cpu for j in todo],
    )


def _print_many(jobs: list[Job], resources: Resources, workers: int) -> Iterator[Printed]:
    if not jobs:  # everything came from the cache: importing WeasyPrint alone takes 1.5 s
        return
    workers = max(1, min(workers, os.cpu_count() or 1, len(jobs)))
    if workers == 1:
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()  # for this call's documents only
        yield from (print_pdf(job, resources, fonts) for job in jobs)
        return
    with _pool(workers) as pool:
        yield from pool.map(print_pdf, jobs, [resources] * len(jobs))


@contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    # fork shares the already imported WeasyPrint with the workers (no second import);
    # spawn where fork does not exist.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        yield pool
