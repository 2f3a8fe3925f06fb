"""Pagefind is given each page cut to what it reads (index/search_body.py): the index
must be byte for byte the one Pagefind makes from the whole pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import catalogpress.index.search as search
from catalogpress.index.search_body import search_document
from catalogpress.render.outputs import Output

from .conftest import TESTS

GOLDEN = TESTS / "golden" / "minimal"


def _site(folder: Path) -> list[Output]:
    return sorted(
        (Output(p.relative_to(folder).as_posix(), p.read_bytes()) for p in folder.rglob("*.html")),
        key=lambda o: o.path,
    )


def _index(pages: list[Output], monkeypatch: pytest.MonkeyPatch, cut: object) -> dict[str, bytes]:
    """The index files of `pages` (one part), each page given to Pagefind as `cut` makes it."""
    with monkeypatch.context() as patch:
        patch.setattr(search, "search_document", cut)
        return {o.path: o.data for o in search.search_index(pages, "en")}


def _whole(page: bytes) -> bytes:
    return page


def _same_index(pages: list[Output], monkeypatch: pytest.MonkeyPatch) -> None:
    whole = _index(pages, monkeypatch, _whole)
    cut = _index(pages, monkeypatch, search_document)
    assert sorted(cut) == sorted(whole), "the cut pages make other index files"
    assert cut == whole


def test_the_fixture_sites_pages_cut_make_the_same_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """The golden pages (what the build writes) are all cut, to under half their bytes,
    and Pagefind makes the same files from them: fragments, filters, metadata, words."""
    pages = _site(GOLDEN)
    cut = {o.path: search_document(o.data) for o in pages}
    whole = [o.path for o in pages if cut[o.path] is o.data]
    assert whole == ["404.html"]  # the one page without data-pagefind-body
    assert sum(map(len, cut.values())) < 0.5 * sum(len(o.data) for o in pages)
    service = cut["services/email/index.html"]
    assert b"data-pagefind-filter" in service and b'class="site-footer"' not in service
    assert b'aria-labelledby="sla" data-pagefind-ignore="all"' not in service
    assert b'class="facts" data-pagefind-ignore>' in service  # its filters would count
    _same_index(pages, monkeypatch)


def test_a_cut_that_loses_what_pagefind_reads_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison above is not blind: a cut that also drops the filter spans, the
    metadata, an ignored box's filter or the page title makes another index."""
    pages = _site(GOLDEN)
    whole = _index(pages, monkeypatch, _whole)
    wrong = [
        lambda p: re.sub(rb'<span data-pagefind-filter="audience[^>]*></span>', b"", p),
        lambda p: re.sub(rb'<span hidden data-pagefind-meta="type[^>]*></span>', b"", p),
        lambda p: re.sub(rb"<title>[^<]*</title>", b"", p).replace(b"<h1>", b"<h2>"),
        lambda p: p.replace(b'class="facts" data-pagefind-ignore>', b'class="facts">'),
    ]
    for mistake in wrong:

        def cut(page: bytes, mistake=mistake) -> bytes:  # noqa: ANN001
            return mistake(search_document(page))

        assert _index(pages, monkeypatch, cut) != whole


H = b'<!DOCTYPE html><html lang="en"><head><title>Head title</title></head><body>'
NAV = b'<header><nav><a href="/">Home</a></nav><img src="/logo.png" alt=""></header>'
FOOT = b"<footer><p>Footer words</p></footer></body></html>"


def _page(main: bytes, before: bytes = NAV, after: bytes = FOOT) -> bytes:
    return H + before + b'<main id="main" data-pagefind-body>' + main + b"</main>" + after


# (page, whether it is cut at all, what the cut must keep, what it must leave out)
CASES: dict[str, tuple[bytes, bool, list[bytes], list[bytes]]] = {
    "ignored boxes: 'all' goes, a plain one stays with the filter inside": (
        _page(
            b"<h1>Mail</h1><p>Mailbox words.</p>"
            b'<section data-pagefind-ignore="all"><h2>Gone</h2><p>Repeated words</p>'
            b'<span data-pagefind-filter="kind:gone"></span></section>'
            b'<dl data-pagefind-ignore><dt>Kept</dt><dd><span data-pagefind-filter="kind:kept">'
            b"</span></dd></dl><p>After the boxes.</p>"
        ),
        True,
        [b"kind:kept", b"After the boxes", b"<title>Head title</title>"],
        [b"Repeated words", b"kind:gone", b"Footer words", b"<nav>"],
    ),
    "other values of data-pagefind-ignore, and names in capitals": (
        _page(
            b"<h1>Values</h1><div data-pagefind-ignore='index'>index words</div>"
            b"<div data-pagefind-ignore=TRUE>true words</div>"
            b'<DIV DATA-PAGEFIND-IGNORE="All">all words</DIV>'
            b'<div data-pagefind-ignore="bogus">bogus words</div><p>end words</p>'
        ),
        True,
        [b"index words", b"true words", b"end words"],
        [b"all words", b"bogus words"],
    ),
    "nested boxes of one name; a marker in text or another attribute is not one": (
        _page(
            b"<h1>Nest</h1><div data-pagefind-ignore='all'><div><div>deep</div></div>x</div>"
            b"<p>The attribute data-pagefind-ignore=&quot;all&quot; hides a box.</p>"
            b'<p title="see data-pagefind-ignore">titled words</p><div>kept div</div>'
        ),
        True,
        [b"hides a box", b"titled words", b"kept div"],
        [b"deep"],
    ),
    "comments and scripts hold no markup": (
        _page(
            b"<h1>Raw</h1><!-- <section data-pagefind-ignore='all'> </main> -->"
            b'<script id="data" type="application/json">{"a": "</div><div>"}</script>'
            b"<script>let s = '<main data-pagefind-ignore=\"all\">';</script>"
            b"<style>p::after { content: '</main>' }</style>"
            b"<section data-pagefind-ignore='all'><!-- </section> -->gone words</section>"
            b"<p>last words</p>"
        ),
        True,
        [b'<script id="data" type="application/json"></script>', b"last words", b"<!--"],
        [b"gone words", b"</div><div>", b"content:"],
    ),
    "a box an end tag of its parent closes, or that does not end, is left in": (
        _page(
            b"<h1>Broken</h1><div><section data-pagefind-ignore='all'>unclosed</div>"
            b"<p>between</p></section><ul><li data-pagefind-ignore='all'>a<li>b</li></ul>"
            b"<svg><g data-pagefind-ignore='all'/><text>drawn</text></svg><p>tail</p>"
        ),
        True,
        [b"unclosed", b"between", b"<li data-pagefind-ignore='all'>a", b"drawn"],
        [],
    ),
    "a title from the first h1, an image after it, boxes with void elements": (
        _page(
            b'<p>No heading yet</p><img data-pagefind-ignore="all" src="/x.png">'
            b'<h1 id="t">The <em>title</em></h1><img src="/pic.png" alt="Picture">'
            b"<br data-pagefind-ignore='all'><p>words</p>"
        ),
        True,
        [b'<img src="/pic.png"', b"The <em>title</em>"],
        [b"/x.png"],
    ),
    "no h1: the head's title names the result": (
        _page(b"<p>Only a paragraph.</p>"),
        True,
        [b"<title>Head title</title>"],
        [],
    ),
    "a filter outside the body: sent whole": (
        _page(b"<h1>Out</h1>", before=b'<span data-pagefind-filter="side:yes"></span>'),
        False,
        [],
        [],
    ),
    "an h1 before the body: sent whole": (
        _page(b"<p>words</p>", before=b"<header><h1>Brand</h1></header>"),
        False,
        [],
        [],
    ),
    "an image after the body (its first image after the title): sent whole": (
        _page(b"<h1>Pic</h1>", after=b'<footer><img src="/f.png" alt=""></footer></html>'),
        False,
        [],
        [],
    ),
    "two bodies: sent whole": (
        _page(b"<h1>One</h1>", after=b"<aside data-pagefind-body>Two</aside></body></html>"),
        False,
        [],
        [],
    ),
    "a comment that does not end: sent whole": (
        _page(b"<h1>Open</h1><!-- never closed"),
        False,
        [],
        [],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_what_is_cut_and_what_stays(name: str) -> None:
    page, is_cut, kept, gone = CASES[name]
    cut = search_document(page)
    assert (cut != page) == is_cut
    for text in kept:
        assert text in cut, text
    for text in gone:
        assert text not in cut, text


def test_the_cut_cases_make_the_same_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every case above, and a page without a body, indexed together: the same files
    whole and cut (Pagefind's own reading of ignored boxes, titles, images, anchors)."""
    pages = [Output(f"case-{n}/index.html", page) for n, (page, *_) in enumerate(CASES.values())]
    pages.append(Output("404.html", H + b"<main><h1>Not found</h1></main></body></html>"))
    _same_index(pages, monkeypatch)
    for n, (page, *_rest) in enumerate(CASES.values()):  # and each alone, to name a failure
        single = [Output(f"case-{n}/index.html", page)]
        assert _index(single, monkeypatch, search_document) == _index(
            single, monkeypatch, _whole
        ), list(CASES)[n]


@pytest.mark.slow
def test_the_sample_sites_pages_cut_make_the_same_index(
    sample_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = _site(sample_site)
    assert [o.path for o in pages if search_document(o.data) is o.data] == ["404.html"]
    _same_index(pages, monkeypatch)
