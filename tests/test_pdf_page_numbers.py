"""Cross-references printed from the page numbers of the last print (pdf/page_numbers.py):
one layout per page when the numbers still hold, the same PDF bytes as laying the
document out with target-counter, and a wrong guess printed again, never shown."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import catalogpress.pdf.parts as parts
import catalogpress.pdf.print_run as print_run
import catalogpress.pdf.printer as printer
from catalogpress.app.build import build
from catalogpress.pdf.cache import ANCHOR_PAGES, PdfCache
from catalogpress.pdf.page_numbers import (
    all_right,
    anchor_pages,
    linked_anchors,
    with_page_numbers,
)
from catalogpress.pdf.print_run import print_all
from catalogpress.pdf.printer import Job, print_pdf
from catalogpress.pdf.resources import Resources

from .conftest import MINIMAL_AS_OF, REPO, SAMPLE_AS_OF, Scratch

RESOURCES = Resources("https://x.example/", {}, ())
STYLE = """
@page { size: A6; margin: 10mm; }
body { font: 10pt sans-serif; }
section { break-before: page; }
.toc a::after { content: leader(dotted) " " target-counter(attr(href url), page); }
.toc a[data-page]::after { content: leader(dotted) " " attr(data-page); }
.ref::after { content: " (page " target-counter(attr(href url), page) ")"; }
.ref[data-page]::after { content: " (page " attr(data-page) ")"; }
"""


def document(intro: str = "Short.") -> str:
    """Three sections on pages of their own after a contents page; the first refers to
    the third, forward, as the book's services refer to each other."""
    toc = "".join(f'<li><a href="#s{n}">Section {n}</a></li>' for n in (1, 2, 3))
    body = "<p>Filler text for a line.</p>" * 25  # section 2 runs over two pages
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>T</title><style>{STYLE}</style></head>'
        f'<body><h1>Contents</h1><ul class="toc">{toc}</ul>'
        f'<section id="s1"><h2>One</h2><p>{intro} See <a class="ref" href="#s3">three</a>.</p>'
        f'</section><section id="s2"><h2>Two</h2>{body}</section>'
        '<section id="s3"><h2>Three</h2><p>End.</p></section></body></html>'
    )


class Layouts:
    """Counts the pages WeasyPrint lays out (each layout of a page again counts too)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import weasyprint.layout.page as page

        self.count = 0
        real = page.make_page

        def counted(*args: Any) -> Any:
            self.count += 1
            return real(*args)

        monkeypatch.setattr(page, "make_page", counted)


def job(html: str, known: dict[str, int] | None = None) -> Job:
    return Job("pdf/t.pdf", html, "key", "0" * 32, known or {})


def test_links_to_known_anchors_get_their_page_written_in():
    html = (
        '<a href="#a">A</a> <a class="x" href="#b&amp;c">B</a> <a href="#z">Z</a> '
        '<a href="/p">P</a>'
    )
    filled, written = with_page_numbers(html, {"a": 2, "b&c": 12})
    assert filled == (
        '<a href="#a" data-page="2">A</a> <a class="x" href="#b&amp;c" data-page="12">B</a> '
        '<a href="#z">Z</a> <a href="/p">P</a>'
    )
    assert written == {"a": 2, "b&c": 12}
    assert linked_anchors(html) == {"a", "b&c", "z"}
    already = '<a href="#a" data-page="9">'
    assert with_page_numbers(already, {"a": 2}) == (already, {})
    assert all_right({"a": 2}, {"a": 2, "b": 5}) and not all_right({"a": 2}, {"a": 3})
    assert not all_right({"a": 2}, {})  # an anchor gone is a wrong guess


def test_the_page_of_an_anchor_is_the_first_it_is_on():
    class Page:
        def __init__(self, *anchors: str) -> None:
            self.anchors = dict.fromkeys(anchors, (0, 0))

    assert anchor_pages([Page("a"), Page(), Page("b", "a")]) == {"a": 1, "b": 3}


def test_right_numbers_lay_each_page_out_once_and_give_the_same_bytes(
    monkeypatch: pytest.MonkeyPatch,
):
    layouts = Layouts(monkeypatch)
    cold = print_pdf(job(document()), RESOURCES)
    assert cold.anchor_pages == {"s1": 2, "s2": 3, "s3": 5}
    assert layouts.count > cold.pages  # target-counter laid the referring pages out again

    layouts.count = 0
    warm = print_pdf(job(document(), cold.anchor_pages), RESOURCES)
    assert layouts.count == warm.pages
    assert warm.pdf == cold.pdf


def test_a_wrong_guess_is_laid_out_again_with_the_pages_found(monkeypatch: pytest.MonkeyPatch):
    cold = print_pdf(job(document()), RESOURCES)
    layouts = Layouts(monkeypatch)
    wrong = print_pdf(job(document(), {"s1": 2, "s2": 3, "s3": 4}), RESOURCES)
    assert wrong.pdf == cold.pdf and wrong.anchor_pages == cold.anchor_pages
    assert layouts.count == 2 * cold.pages  # the guess, then the pages it found


def test_numbers_that_never_hold_print_from_the_html(monkeypatch: pytest.MonkeyPatch):
    cold = print_pdf(job(document()), RESOURCES)
    monkeypatch.setattr(printer, "all_right", lambda written, landed: False)
    layouts = Layouts(monkeypatch)
    never = print_pdf(job(document(), cold.anchor_pages), RESOURCES)
    assert never.pdf == cold.pdf
    assert layouts.count > (printer.GUESSES + 1) * cold.pages  # tries, then target-counter


def test_the_cache_keeps_the_pages_for_the_next_print_of_a_changed_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    cache = PdfCache(tmp_path)
    print_all({"pdf/t.pdf": document()}, RESOURCES, cache, workers=1)
    assert cache.anchor_pages() == {"pdf/t.pdf": {"s1": 2, "s2": 3, "s3": 5}}
    edited = document("Short, and edited.")
    layouts = Layouts(monkeypatch)
    report = print_all({"pdf/t.pdf": edited}, RESOURCES, PdfCache(tmp_path), workers=1)
    assert report.rendered == 1 and layouts.count == 5
    fresh = print_all({"pdf/t.pdf": edited}, RESOURCES, None, workers=1)
    assert report.outputs[0].data == fresh.outputs[0].data
    # A file that is not what the cache wrote is no guess at all.
    (tmp_path / "pdf" / ANCHOR_PAGES).write_text('{"pdf/t.pdf": ["not", "pages"]}')
    assert PdfCache(tmp_path).anchor_pages() == {}
    (tmp_path / "pdf" / ANCHOR_PAGES).write_text("{")
    assert PdfCache(tmp_path).anchor_pages() == {}


def _spy_on_guesses(monkeypatch: pytest.MonkeyPatch) -> dict[str, bool]:
    """Whether each guess held, for the documents printed from one (in this process:
    pool workers would keep what they saw to themselves), and for the book printed in
    parts, whether its parts held in their first round."""
    held: dict[str, bool] = {}
    real = printer.all_right
    many = print_run._print_many
    monkeypatch.setattr(
        print_run, "_print_many", lambda jobs, res, _, kept: many(jobs, res, 1, kept)
    )

    def spied(written: dict[str, int], landed: dict[str, int]) -> bool:
        held[str(len(held))] = answer = real(written, landed)
        return answer

    monkeypatch.setattr(printer, "all_right", spied)
    next_round = parts.Rounds.next_round

    def spied_round(rounds: parts.Rounds) -> list[parts.Part] | None:
        again = next_round(rounds)
        held[f"book, round {rounds.round}"] = again == []
        return again

    monkeypatch.setattr(parts.Rounds, "next_round", spied_round)
    return held


def _edit_then_compare(
    scratch: Scratch, cache: Path, tmp_path: Path, as_of: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = _spy_on_guesses(monkeypatch)
    build(scratch.root, tmp_path / "warm", as_of, cache=cache, search=False)
    assert held and all(held.values()), held  # the book was printed from its last numbers
    monkeypatch.undo()
    build(scratch.root, tmp_path / "cold", as_of, cache=tmp_path / "none", search=False)
    for pdf in (tmp_path / "cold").rglob("*.pdf"):
        warm = tmp_path / "warm" / pdf.relative_to(tmp_path / "cold")
        assert warm.read_bytes() == pdf.read_bytes(), pdf.name


@pytest.mark.slow
def test_after_an_edit_the_fixture_book_is_the_pdf_of_a_build_from_nothing(
    scratch: Scratch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    cache = tmp_path / "cache"
    build(scratch.root, tmp_path / "first", MINIMAL_AS_OF, cache=cache, search=False)
    assert PdfCache(cache).anchor_pages()  # the book's contents link to its services
    scratch.replace("catalog.yaml", "simple agency websites.", "simple agency websites, fast.")
    _edit_then_compare(scratch, cache, tmp_path, MINIMAL_AS_OF, monkeypatch)


@pytest.mark.slow
def test_after_an_edit_the_sample_book_is_the_pdf_of_a_build_from_nothing(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The sample's 46-page book, with its contents and its "(page N)" references."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("catalog.yaml", "rates.yaml"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(sample_site.parent / "cache", tmp_path / "cache")
    scratch = Scratch(root)
    scratch.replace("catalog.yaml", "Linux virtual servers that we", "Linux servers we", 2)
    _edit_then_compare(scratch, tmp_path / "cache", tmp_path, SAMPLE_AS_OF, monkeypatch)
