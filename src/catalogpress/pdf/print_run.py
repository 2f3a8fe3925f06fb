"""Every PDF of the site: from the cache where nothing changed, else printed on every core.

A document is one print job (pdf/printer.py), except a long one whose theme marks
where it may be cut: the catalog book is printed as parts at the same time and
joined (pdf/parts.py, pdf/joined.py). The jobs run longest first, a book's parts
before everything else, so that a part printed again (its numbers were wrong) does
not wait behind the brochures.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from catalogpress.core.errors import Problem, SiteError
from catalogpress.pdf.cache import PdfCache, cache_key
from catalogpress.pdf.parts import PAGE_COUNT, PAGE_COUNT_ATTRIBUTE, Book, Rounds, cut, part
from catalogpress.pdf.printer import (
    OPTIONS,
    Job,
    Printed,
    PrintError,
    print_pdf,
)
from catalogpress.pdf.resources import Resources
from catalogpress.render.outputs import Output

WORKERS = 2  # the documents are printed on this many cores at most
FONT_FALLBACK_ADVICE = (
    "PDFs print about twice as slowly on this computer because HarfBuzz's font "
    "subsetter is not installed. Install it, then build again: on Debian or Ubuntu "
    "`sudo apt install libharfbuzz-subset0`, on Fedora `sudo dnf install harfbuzz`, "
    "on macOS `brew install harfbuzz`"
)


@dataclass
class PdfReport:
    outputs: list[Output]
    sizes: dict[str, tuple[int, int]]  # site path → (pages, bytes)
    warnings: list[Problem]
    rendered: int  # how many were printed, not taken from the cache
    seconds: float
    cpu: list[float]  # CPU seconds of each print (a book's parts each alone), for benchmarks


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


def _served(resources: Resources) -> str:
    return _salt() + _served_files_digest(resources)


def _jobs(pages: dict[str, str], resources: Resources, served: str | None = None) -> list[Job]:
    renderer = _salt()
    served = served if served is not None else _served(resources)
    return [
        Job(path, html, cache_key(html, served), cache_key(html, renderer))
        for path, html in pages.items()
    ]


def print_all(
    pages: dict[str, str], resources: Resources, cache: PdfCache | None, workers: int = WORKERS
) -> PdfReport:
    """Every document as PDF bytes, from the cache where nothing changed, else printed."""
    started = time.perf_counter()
    served = _served(resources)
    jobs = _jobs(pages, resources, served)
    known = cache.anchor_pages() if cache else {}
    done: dict[str, Printed] = {}
    for job in jobs:
        entry = cache.get(job.key) if cache else None
        if entry is not None:
            done[job.path] = Printed(entry.pdf, entry.pages, list(entry.deps), entry.warnings)
    todo = [replace(j, known_pages=known.get(j.path, {})) for j in jobs if j.path not in done]
    kept_parts = _KeptParts(cache, served, resources) if cache else None
    try:
        printed_now = _print_many(todo, resources, workers, kept_parts)
    except PrintError as exc:
        path, _, message = str(exc).partition(": ")
        raise SiteError([Problem(path, 0, "", message)]) from None
    for job in todo:
        printed = done[job.path] = printed_now[job.path]
        if cache:
            cache.put(job.key, printed.pdf, printed.pages, printed.files, printed.warnings)
    if cache:
        for job in jobs:  # a book from the cache keeps its parts for the next edit
            if kept_parts is not None and job.path not in printed_now:
                kept_parts.keep(job, known.get(job.path, {}))
        cache.prune([*(j.key for j in jobs), *(kept_parts.used if kept_parts else ())])
        cache.keep_anchor_pages(
            {
                j.path: printed_now[j.path].anchor_pages
                if j.path in printed_now
                else known.get(j.path, {})
                for j in jobs
            }
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
        [cpu for j in todo for cpu in done[j.path].tasks],
    )


class _KeptParts:
    """The cache's entries for the parts of books: an edit in one part of a book that
    moves no page prints only that part again (of the 8 parts of a 200-service book)."""

    def __init__(self, cache: PdfCache, served: str, resources: Resources) -> None:
        self.cache, self.served, self.resources = cache, served, resources
        self.used: list[str] = []

    def _key(self, html: str) -> str:
        return cache_key(html, self.served)

    def get(self, job: Job) -> Printed | None:
        """The kept print of a part, if any (never of a layout only: it has no PDF)."""
        if not job.part or job.layout_only:
            return None
        key = self._key(job.html)
        entry = self.cache.get(key)
        if entry is None:
            return None
        self.used.append(key)
        return Printed(
            entry.pdf, entry.pages, list(entry.deps), entry.warnings, anchor_pages=entry.anchors
        )

    def keep(self, book: Job, known: dict[str, int]) -> None:
        """Keep the parts of a book its last print settled on (written with the numbers
        it kept, which are the ones its parts were printed with)."""
        found = _book_of(book.html, self.resources)
        if found is not None:
            self.used += [self._key(part(found, i, known).html) for i in range(len(found.slices))]

    def put(self, job: Job, printed: Printed) -> None:
        if not job.part or job.layout_only:
            return
        key = self._key(job.html)
        self.used.append(key)
        self.cache.put(
            key, printed.pdf, printed.pages, printed.files, printed.warnings, printed.anchor_pages
        )


class _BookPrint:
    """A book's parts through their rounds (pdf/parts.py), then joined as one Printed."""

    def __init__(self, job: Job, book: Book) -> None:
        self.job = job
        self.rounds = Rounds(book, job.known_pages)
        self.printed: dict[int, Printed] = {}
        self.tasks: list[float] = []

    def part_jobs(self, parts: list[int] | None = None) -> list[tuple[Job, int]]:
        """The print jobs of `parts` (by default all), each with its part's index."""
        return [
            (
                replace(
                    self.job,
                    html=self.rounds.parts[i].html,
                    part=True,
                    layout_only=not self.rounds.parts[i].guessed,
                ),
                i,
            )
            for i in (range(len(self.rounds.parts)) if parts is None else parts)
        ]

    def take(self, index: int, printed: Printed) -> list[int] | None:
        """One part's print; the parts to print next ([] while its round runs), or None
        when it did not settle and the book is to be printed whole."""
        self.printed[index] = printed
        self.tasks.extend(printed.tasks)
        if not self.rounds.take(index, printed.pages, printed.anchor_pages):
            return []
        again = self.rounds.next_round()
        return None if again is None else [p.index for p in again]

    @property
    def settled(self) -> bool:
        return not self.rounds.pending

    def joined(self) -> Printed:
        # Here, not at the top: pypdf is only needed once a book was printed.
        from catalogpress.pdf.joined import join_parts

        book, parts = self.rounds.book, [self.printed[i] for i in range(len(self.printed))]
        linked = frozenset().union(*book.links, book.starts, {PAGE_COUNT})
        return Printed(
            join_parts([p.pdf for p in parts], book.owned, self.job.identifier[:32].encode()),
            sum(p.pages for p in parts),
            sorted({f for p in parts for f in p.files}),
            list(dict.fromkeys(w for p in parts for w in p.warnings)),
            sum(self.tasks),
            any(p.font_fallback for p in parts),
            {a: n for a, n in self.rounds.landed.items() if a in linked},
            self.tasks,
        )


def _book_of(html: str, resources: Resources) -> Book | None:
    """The document cut into parts, or None where it is printed in one piece."""
    found = cut(html)
    return found if found is not None and _counts_all_pages(html, resources) else None


def _counts_all_pages(html: str, resources: Resources) -> bool:
    """Whether the document's stylesheets show the page count a part is told
    (`data-page-count`, pdf/parts.py). A site's own copy of pdf.css from before books
    were printed in parts would show each part's own count, so its book prints whole."""
    if PAGE_COUNT_ATTRIBUTE in html:
        return True
    for path, source in resources.files.items():
        if path.startswith("pdf-assets/") and path.endswith(".css"):
            try:
                if PAGE_COUNT_ATTRIBUTE in Path(source).read_text(errors="replace"):
                    return True
            except OSError:
                continue
    return False


def _print_many(
    jobs: list[Job], resources: Resources, workers: int, kept: _KeptParts | None = None
) -> dict[str, Printed]:
    """Each job's print by path; at most `workers` at a time, a book's parts first; parts
    printed before with the same HTML and files from `kept`."""
    if not jobs:  # everything came from the cache: importing WeasyPrint alone takes 1.5 s
        return {}
    books = {j.path: _BookPrint(j, b) for j in jobs if (b := _book_of(j.html, resources))}
    parts = [pair for b in books.values() for pair in b.part_jobs()]
    others = [(j, -1) for j in jobs if j.path not in books]
    queue = sorted(parts, key=lambda p: -len(p[0].html)) + sorted(
        others, key=lambda p: -len(p[0].html)
    )
    done: dict[str, Printed] = {}

    def finish(path: str, index: int, printed: Printed) -> None:
        if index < 0:
            if path in books:  # printed whole: count the rounds of parts it took
                tasks = books[path].tasks + printed.tasks
                printed = replace(printed, cpu=sum(tasks), tasks=tasks)
            done[path] = printed
            return
        book = books[path]
        again = book.take(index, printed)
        if again is None:  # unsettled: the whole book, as one document
            queue.insert(0, (book.job, -1))
        elif again:
            queue[:0] = sorted(book.part_jobs(again), key=lambda p: -len(p[0].html))
        elif book.settled:
            done[path] = book.joined()

    running: dict[Future[Printed], tuple[Job, int]] = {}
    workers = max(1, min(workers, os.cpu_count() or 1, len(queue)))
    with _executor(workers, resources) as submit:
        while queue or running:
            while queue and len(running) < workers:
                job, index = queue.pop(0)
                if kept is not None and (printed := kept.get(job)) is not None:
                    finish(job.path, index, printed)
                else:
                    running[submit(job)] = (job, index)
            if not running:
                continue
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=lambda f: (running[f][0].path, running[f][1])):
                job, index = running.pop(future)
                printed = future.result()  # a PrintError ends the run
                if kept is not None:
                    kept.put(job, printed)
                finish(job.path, index, printed)
    return done


@contextmanager
def _executor(workers: int, resources: Resources) -> Iterator[Callable[[Job], Future[Printed]]]:
    """A function that starts printing a job: in this process for one worker, else in a
    pool that forks (sharing the already imported WeasyPrint; spawn where fork does not
    exist)."""
    if workers == 1:
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()  # for this run's documents only

        def here(job: Job) -> Future[Printed]:
            future: Future[Printed] = Future()
            try:
                future.set_result(print_pdf(job, resources, fonts))
            except PrintError as exc:
                future.set_exception(exc)
            return future

        yield here
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        yield lambda job: pool.submit(print_pdf, job, resources)
