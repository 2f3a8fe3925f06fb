"""A long document cut into parts that print at the same time (pdf/parts.py): where it
is cut, what each part is told of the others, and when its numbers hold."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

import catalogpress.pdf.parts as parts_module
from catalogpress.pdf.parts import PAGE_COUNT, ROUNDS, Rounds, cut, part, settle
from catalogpress.pdf.print_run import PdfReport
from catalogpress.pdf.resources import Resources

RESOURCES = Resources("https://x.example/", {}, ())


def section(name: str, words: int, links: str = "") -> str:
    return (
        f'<section class="divider" id="{name}" data-part-break><h1>{name}</h1>'
        f"<p>{'word ' * words}{links}</p></section>"
    )


def book(*sections: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><title>B</title></head>'
        f'<body class="doc-catalog"><nav><a href="#c">C</a> <a href="#gone">?</a></nav>'
        f"{''.join(sections)}</body></html>"
    )


HTML = book(
    section("a", 100, '<a href="#c">see c</a>'),
    section("b", 100),
    section("c", 100, '<a href="#a">back to a</a>'),
)


def test_it_is_cut_at_the_marked_place_nearest_the_middle():
    found = cut(HTML)
    assert found is not None
    assert found.starts == ("", "b")
    assert found.head.endswith('<body class="doc-catalog">')
    assert found.tail == "</body></html>"
    assert "".join(found.slices) == HTML[len(found.head) : -len(found.tail)]
    assert found.slices[1].startswith('<section class="divider" id="b"')
    assert found.owned == (frozenset({"a"}), frozenset({"b", "c"}))
    # Links to anchors of any part; a link to an anchor no part has is not one.
    assert found.links == (frozenset({"c"}), frozenset({"a"}))


def test_a_document_is_printed_whole_without_enough_marks():
    # The only mark starts the body: the first part would be empty.
    alone = "<html><head></head><body>\n" + section("a", 10) + "</body></html>"
    assert cut(alone) is None
    assert cut(alone.replace("<body>", "<body><p>Cover</p>")) is not None
    unnamed = HTML.replace(' id="a"', "").replace(' id="b"', "").replace(' id="c"', "")
    assert cut(unnamed) is None  # a part must start at an anchor, to find its page
    assert cut(HTML, parts=1) is None
    assert cut("<p>no body</p>") is None
    three = cut(HTML, parts=3)
    assert three is not None and three.starts == ("", "b", "c")


def test_a_part_is_told_its_first_page_the_page_count_and_its_cross_references():
    found = cut(HTML)
    assert found is not None
    second = part(found, 1, {"b": 7, "a": 3, "c": 9, PAGE_COUNT: 12})
    assert second.first_page == 7 and second.page_count == 12 and second.guessed
    assert second.html.startswith('<!DOCTYPE html><html data-page-count="12" lang="en">')
    assert "<style>@page :first { counter-reset: page 7 }</style></head>" in second.html
    # The anchor of the first part it links to is a placeholder here, which lays out
    # nothing; the link says the page.
    assert second.html.endswith('<span id="a" style="position: absolute"></span></body></html>')
    assert '<a href="#a" data-page="3">back to a</a>' in second.html
    assert second.written == {"a": 3}
    first = part(found, 0, {"b": 7, "a": 3, "c": 9, PAGE_COUNT: 12})
    assert first.first_page == 1 and "counter-reset" not in first.html
    assert first.written == {"c": 9} and '<span id="c"' in first.html
    assert '<a href="#gone">?</a>' in first.html  # WeasyPrint warns of it, as in one piece


def test_numbers_not_known_are_written_as_zero_and_make_a_layout_only():
    found = cut(HTML)
    assert found is not None
    cold = part(found, 1, {})
    assert cold.first_page == 0 and cold.page_count == 0 and cold.written == {"a": 0}
    assert 'data-page-count="0"' in cold.html and not cold.guessed
    assert not part(found, 0, {"c": 9}).guessed  # its page count is not known
    assert part(found, 0, {"c": 9, PAGE_COUNT: 4}).guessed


def test_where_the_anchors_fell_in_the_whole_book():
    found = cut(HTML)
    assert found is not None
    parts = [part(found, i, {"a": 2, "b": 6, "c": 8, PAGE_COUNT: 9}) for i in (0, 1)]
    # Part 1 has 5 pages, part 2 has 4; part 2's c lies on its 3rd page, so page 8 of 9.
    # A placeholder's page (the "a" in part 2) is not where a lies.
    printed = [(5, {"a": 2}), (4, {"b": 1, "c": 3, "a": 4})]
    landed, wrong = settle(found, parts, printed)
    assert landed == {"a": 2, "b": 6, "c": 8, PAGE_COUNT: 9}
    assert wrong == []
    # One more page in part 1 moves every number after it.
    landed, wrong = settle(found, parts, [(6, {"a": 2}), (4, {"b": 1, "c": 3})])
    assert landed == {"a": 2, "b": 7, "c": 9, PAGE_COUNT: 10}
    assert wrong == [0, 1]  # part 1 says "of 9" and c on page 8; part 2 starts on 7


def test_rounds_print_again_only_what_was_wrong_until_it_holds():
    found = cut(HTML)
    assert found is not None
    rounds = Rounds(found, {})
    assert [p.guessed for p in rounds.parts] == [False, False]
    assert not rounds.take(1, 4, {"b": 1, "c": 3})
    assert rounds.take(0, 5, {"a": 2})
    again = rounds.next_round()
    assert again is not None and [p.index for p in again] == [0, 1]
    assert all(p.guessed for p in again) and again[1].first_page == 6
    rounds.take(0, 5, {"a": 2})
    rounds.take(1, 4, {"b": 1, "c": 3})
    assert rounds.next_round() == []
    assert rounds.landed == {"a": 2, "b": 6, "c": 8, PAGE_COUNT: 9}


@pytest.mark.parametrize("pages", [(5, 6, 5), (5, 6, 7)])
def test_rounds_give_up_when_the_numbers_never_hold(pages: tuple[int, ...]):
    found = cut(HTML)
    assert found is not None
    rounds = Rounds(found, {})
    outcome: list[object] = []
    for count in pages:  # part 1's page count moves with the numbers written in it
        rounds.take(0, count, {"a": 2})
        rounds.take(1, 4, {"b": 1, "c": 3})
        again = rounds.next_round()
        outcome.append(again if again is None else [p.index for p in again])
    assert len(pages) == ROUNDS and outcome[-1] is None


# Printed for real: a small book in parts reads as the same book printed whole.

STYLE = """
@page { size: A6; margin: 12mm 10mm;
        @bottom-right { content: "Page " counter(page) " of " string(page-count); } }
@page divider { @bottom-right { content: none; } }
html { string-set: page-count counter(pages); }
html[data-page-count] { string-set: page-count attr(data-page-count); }
body { font: 9pt sans-serif; }
.divider { page: divider; break-before: page; break-after: page; }
h1 { bookmark-level: 1; }
h2 { bookmark-level: 2; }
.toc a::after { content: " " target-counter(attr(href url), page); }
.toc a[data-page]::after { content: " " attr(data-page); }
.ref::after { content: " (page " target-counter(attr(href url), page) ")"; }
.ref[data-page]::after { content: " (page " attr(data-page) ")"; }
"""


def printed_book() -> str:
    names = ["North", "South", "East", "West"]
    toc = "".join(f'<li><a href="#s-{n}">{n}</a></li>' for n in names)
    body = []
    for i, name in enumerate(names):
        other = names[-1 - i]
        body.append(
            f'<section class="divider" id="part-{name}" data-part-break><h1>{name}</h1></section>'
            f'<article id="s-{name}"><h2>{name} service</h2>'
            + "<p>Filler text for a line of the service.</p>" * (12 + 9 * i)
            + f'<p>Compare <a class="ref" href="#s-{other}">{other}</a>.</p></article>'
        )
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>Book</title><style>{STYLE}</style>'
        f'</head><body><h1>Contents</h1><ul class="toc">{toc}</ul>{"".join(body)}</body></html>'
    )


def _pages_text(pdf: bytes, tmp_path: Path, name: str) -> list[str]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f")]


def _outline(pdf: bytes) -> list[tuple[str, int]]:
    reader = PdfReader(io.BytesIO(pdf))

    def walk(items: list[Any]) -> list[tuple[str, int]]:
        found = []
        for item in items:
            if isinstance(item, list):
                found.extend(walk(item))
            else:
                found.append((item.title, reader.get_destination_page_number(item)))
        return found

    return walk(reader.outline)


def _destinations(pdf: bytes) -> dict[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return {
        name: reader.get_destination_page_number(dest)
        for name, dest in reader.named_destinations.items()
    }


@pytest.fixture(scope="module")
def whole_and_parts() -> tuple[PdfReport, PdfReport]:
    import catalogpress.pdf.print_run as print_run

    documents = {"pdf/book.pdf": printed_book()}
    parts = print_run.print_all(documents, RESOURCES, None, workers=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(print_run, "cut", lambda html: None)
        whole = print_run.print_all(documents, RESOURCES, None, workers=1)
    return whole, parts


def test_a_book_in_parts_reads_as_the_book_printed_whole(
    whole_and_parts: tuple[PdfReport, PdfReport], tmp_path: Path
):
    whole, parts = whole_and_parts
    assert len(parts.cpu) == 4  # two parts, each laid out, then printed with the numbers
    assert whole.sizes["pdf/book.pdf"][0] == parts.sizes["pdf/book.pdf"][0] == 13
    whole_pdf, parts_pdf = whole.outputs[0].data, parts.outputs[0].data
    assert whole_pdf != parts_pdf
    texts = _pages_text(parts_pdf, tmp_path, "parts")
    assert texts == _pages_text(whole_pdf, tmp_path, "whole")
    # Hand-checked: the contents, a reference across the cut, the footers' count.
    assert texts[0] == "Contents • North 3 • South 5 • East 8 • West 11 Page 1 of 13"
    assert texts[1] == "North"  # a divider: no footer
    assert "Compare West (page 11). Page 3 of 13" in texts[2]
    assert texts[12].endswith("Compare North (page 3). Page 13 of 13")
    assert _outline(parts_pdf) == _outline(whole_pdf)
    assert _destinations(parts_pdf) == _destinations(whole_pdf)


def test_a_book_whose_parts_never_settle_is_printed_whole(
    whole_and_parts: tuple[PdfReport, PdfReport], monkeypatch: pytest.MonkeyPatch
):
    import catalogpress.pdf.print_run as print_run

    whole, _ = whole_and_parts
    monkeypatch.setattr(parts_module, "settle", lambda book, parts, printed: ({}, [0, 1]))
    again = print_run.print_all({"pdf/book.pdf": printed_book()}, RESOURCES, None, workers=1)
    assert again.outputs[0].data == whole.outputs[0].data
    assert len(again.cpu) == 2 * ROUNDS + 1


def test_a_longer_document_is_cut_into_more_parts(monkeypatch: pytest.MonkeyPatch):
    body = len(HTML) - HTML.index("<nav>") - len("</body></html>")
    monkeypatch.setattr(parts_module, "PART_LENGTH", body // 3)
    three = cut(HTML)
    assert three is not None and three.starts == ("", "b", "c")
    monkeypatch.setattr(parts_module, "PART_LENGTH", 10)
    most = cut(HTML)  # one part more than the places marked
    assert most is not None and most.starts == ("", "a", "b", "c")


def test_an_edit_that_moves_no_page_prints_only_its_part_again(tmp_path: Path):
    import catalogpress.pdf.print_run as print_run
    from catalogpress.pdf.cache import PdfCache

    first = print_run.print_all(
        {"pdf/book.pdf": printed_book()}, RESOURCES, PdfCache(tmp_path), workers=1
    )
    assert len(first.cpu) == 4
    edited = printed_book().replace("<h2>West service", "<h2>The West service", 1)
    again = print_run.print_all({"pdf/book.pdf": edited}, RESOURCES, PdfCache(tmp_path), workers=1)
    assert len(again.cpu) == 1  # the last part; the first is the cache's
    fresh = print_run.print_all({"pdf/book.pdf": edited}, RESOURCES, None, workers=1)
    assert again.outputs[0].data == fresh.outputs[0].data != first.outputs[0].data
    # The cache holds this build's book and parts only: the edited part's old print is gone.
    assert len(list((tmp_path / "pdf").glob("*.pdf"))) == 3


def test_a_build_that_takes_the_book_from_the_cache_keeps_its_parts(tmp_path: Path):
    import catalogpress.pdf.print_run as print_run
    from catalogpress.pdf.cache import PdfCache

    documents = {"pdf/book.pdf": printed_book()}
    print_run.print_all(documents, RESOURCES, PdfCache(tmp_path), workers=1)
    warm = print_run.print_all(documents, RESOURCES, PdfCache(tmp_path), workers=1)
    assert warm.rendered == 0 and len(list((tmp_path / "pdf").glob("*.pdf"))) == 3
    edited = printed_book().replace("<h2>West service", "<h2>The West service", 1)
    again = print_run.print_all({"pdf/book.pdf": edited}, RESOURCES, PdfCache(tmp_path), workers=1)
    assert len(again.cpu) == 1


def test_a_stylesheet_that_counts_only_its_own_pages_prints_the_book_whole(tmp_path: Path):
    """A site's own pdf.css from before books printed in parts shows counter(pages), which
    in a part would count that part's pages only."""
    import catalogpress.pdf.print_run as print_run

    old_style = "html { string-set: page-count counter(pages); }"
    css = tmp_path / "pdf.css"
    css.write_text(old_style)
    html = printed_book().replace(STYLE, STYLE.split("html {")[0])
    assert "data-page-count" not in html
    served = Resources("https://x.example/", {"pdf-assets/pdf.css": str(css)}, ())
    whole = print_run.print_all({"pdf/book.pdf": html}, served, None, workers=1)
    assert len(whole.cpu) == 1
    css.write_text(
        old_style + " html[data-page-count] { string-set: page-count attr(data-page-count); }"
    )
    parts = print_run.print_all({"pdf/book.pdf": html}, served, None, workers=1)
    assert len(parts.cpu) == 4
