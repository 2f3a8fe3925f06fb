"""Print one document's HTML to PDF with WeasyPrint, offline (pdf/print_run.py prints
them all, from the cache or on every core).

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

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from catalogpress.pdf.page_numbers import (
    all_right,
    anchor_pages,
    linked_anchors,
    with_page_numbers,
)
from catalogpress.pdf.resources import Resources, local_fetcher

OPTIONS = {"pdf_variant": "pdf/ua-1", "uncompressed_pdf": False, "optimize_images": False}
GUESSES = 2  # layouts with page numbers written in, before one from the HTML itself
# WeasyPrint says this for every font of every document when the system lacks
# HarfBuzz's subsetter; it is one fact about the machine, so it is said once per build.
FONT_FALLBACK = "Using fontTools instead of HarfBuzz-Subset"


@dataclass(frozen=True)
class Job:
    path: str  # site path of the PDF
    html: str
    key: str  # cache key: the HTML, the renderer, and which files serve the theme
    identifier: str  # the PDF's file identifier: the HTML and the renderer only, so the
    # same document is the same bytes wherever the project lies
    known_pages: dict[str, int] = field(default_factory=dict)  # anchor → page, from the
    # last print: a first guess for the cross-references (pdf/page_numbers.py)
    part: bool = False  # a part of a book (pdf/parts.py): laid out once, as written
    layout_only: bool = False  # a part with numbers still unknown: its pages, no PDF


@dataclass
class Printed:
    pdf: bytes
    pages: int
    files: list[str] = field(default_factory=list)  # every file the renderer read
    warnings: list[str] = field(default_factory=list)
    cpu: float = 0.0  # seconds of CPU the printing took (0 from the cache)
    font_fallback: bool = False  # fonts were subset with fontTools: HarfBuzz's is missing
    anchor_pages: dict[str, int] = field(default_factory=dict)  # page of each linked anchor
    # (of every anchor, for a part of a book)
    tasks: list[float] = field(default_factory=list)  # CPU seconds of each print it took:
    # one, or each round of each part of a book


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
        pdf = (
            b""
            if job.layout_only
            else document.write_pdf(pdf_identifier=job.identifier[:32].encode(), **OPTIONS)
        )
    finally:
        LOGGER.removeHandler(collect)
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
    cpu = time.process_time() - started
    return Printed(
        pdf,
        len(document.pages),
        sorted(set(fetcher.read)),
        refused + others,
        cpu,
        any(m.startswith(FONT_FALLBACK) for m in messages),
        landed if job.part else _linked_only(landed, job.html),
        [cpu],
    )


def _linked_only(landed: dict[str, int], html: str) -> dict[str, int]:
    """The anchors worth keeping for the next print's guesses: links point to them."""
    linked = linked_anchors(html)
    return {a: p for a, p in landed.items() if a in linked}


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

    if job.part:  # its numbers were written in and are checked against the other parts
        document = lay_out(job.html)
        return document, anchor_pages(document.pages)
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
