"""A long document cut into parts that print at the same time, one per core.

WeasyPrint lays out a document on one core: the 46-page catalog book took 10–17 s
while the other core printed the brochures in a second or two and then sat idle, so
after one edited service the book alone was the PDF step. So the book is printed
in parts and joined (pdf/joined.py), the same way wherever it is printed and however
many cores there are, so that its bytes never depend on the machine.

The theme says where a document may be cut: `data-part-break` on an element of the
body (an `id` too) that always starts a page and looks the same as the first page
of a document would (the book's section dividers). Each part is the document's
head and body tag, its own slice of the body, and, for every anchor of another
part that it links to, an empty placeholder with that id, so that WeasyPrint keeps
the link (the join points it at the part that owns the anchor).

A part cannot count the pages before it, so the numbers that depend on the other
parts are written in: where its page numbering starts, the book's page count
(`data-page-count` on <html>, which the theme's stylesheet shows in place of
`counter(pages)`), and the page of every cross-reference (pdf/page_numbers.py).
They come from the last print, and are checked against where the parts' pages
and anchors fell once all are laid out; any part with a wrong number is printed
again with the right ones. The printed parts therefore always carry the numbers a
print of the whole book would show.
"""

from __future__ import annotations

import html as html_text
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from catalogpress.pdf.page_numbers import linked_anchors, with_page_numbers

# How many parts: one per PART_LENGTH characters of the body, at least 2, and at most one
# more than the places marked. A figure of the document, never of the machine (its cores),
# so that the joined bytes do not vary: the sample's 46-page book is 4 parts, a
# 200-service one 8 (one per section), which two cores print longest first. Smaller parts
# reprint less after an edit (4 parts: 5.2 s, 2 parts: 7.2 s, for the sample) and cost
# their own font subsets (664 KB against 615 KB; 574 KB printed whole).
PART_LENGTH = 50_000
PAGE_COUNT = ""  # the book's page count among its anchor pages: no anchor has no name
PAGE_COUNT_ATTRIBUTE = "data-page-count"  # on <html>: the book's page count, for its footer
_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_CUT = re.compile(r"<[a-z][a-z0-9]*\b[^>]*\sdata-part-break\b[^>]*>", re.IGNORECASE)
_ID = re.compile(r"\sid=\"([^\"]+)\"")
_HTML_TAG = re.compile(r"<html\b", re.IGNORECASE)
_HEAD_END = re.compile(r"</head>", re.IGNORECASE)


@dataclass(frozen=True)
class Book:
    """A document cut where its theme allows, into parts of similar length."""

    head: str  # everything up to and including the <body> tag
    slices: tuple[str, ...]  # each part's share of the body
    tail: str  # from </body> on
    starts: tuple[str, ...]  # the id of the element each part starts with ("" for the first)
    owned: tuple[frozenset[str], ...]  # the ids that lie in each part
    links: tuple[frozenset[str], ...]  # the anchors (of any part) each part links to


@dataclass(frozen=True)
class Part:
    """One part's HTML as it is printed, and the numbers written into it."""

    index: int
    html: str
    first_page: int  # 0: not known yet
    page_count: int  # 0: not known yet
    written: dict[str, int]  # cross-reference → page written in

    @property
    def guessed(self) -> bool:
        """Whether every number in it is a guess that may be right (else it is only
        laid out, to learn its pages, and never written as PDF)."""
        return self.first_page > 0 and self.page_count > 0 and 0 not in self.written.values()


def cut(html: str, parts: int | None = None) -> Book | None:
    """The document cut into `parts` (by default, by its length), or None where its theme
    marks too few places."""
    body = _BODY.search(html)
    end = html.lower().rfind("</body>")
    if body is None or end < body.end():
        return None
    marks = [m for m in _CUT.finditer(html, body.end(), end) if _ID.search(m.group(0))]
    length = end - body.end()
    if parts is None:
        parts = min(len(marks) + 1, max(2, length // PART_LENGTH))
    if parts < 2 or len(marks) < parts - 1:
        return None
    picked: list[int] = []  # indexes into marks, each cut at the mark nearest its share
    for k in range(1, parts):
        target = body.end() + length * k // parts
        free = range(picked[-1] + 1 if picked else 0, len(marks) - (parts - 1 - k))
        picked.append(min(free, key=lambda i: abs(marks[i].start() - target)))
    chosen = [marks[i] for i in picked]
    bounds = [body.end(), *(m.start() for m in chosen), end]
    slices = tuple(html[a:b] for a, b in zip(bounds, bounds[1:], strict=False))
    if not slices[0].strip():
        return None
    starts = ("", *(_first_id(m.group(0)) for m in chosen))
    owned = tuple(frozenset(html_text.unescape(a) for a in _ID.findall(s)) for s in slices)
    # A link to an anchor no part has gets WeasyPrint's own warning, as in one piece.
    everywhere = frozenset().union(*owned)
    return Book(
        html[: body.end()],
        slices,
        html[end:],
        starts,
        owned,
        tuple(frozenset(linked_anchors(s)) & everywhere for s in slices),
    )


def _first_id(tag: str) -> str:
    found = _ID.search(tag)
    return html_text.unescape(found.group(1)) if found else ""


def part(book: Book, index: int, known: Mapping[str, int]) -> Part:
    """Part `index` with the numbers `known` (anchor → page, PAGE_COUNT → pages) written
    in; a number not known is written as 0, so that WeasyPrint never lays a page out
    twice to find it, and the part counts as laid out only to learn its pages."""
    first_page = 1 if index == 0 else known.get(book.starts[index], 0)
    page_count = known.get(PAGE_COUNT, 0)
    head = _HTML_TAG.sub(f'<html {PAGE_COUNT_ATTRIBUTE}="{page_count}"', book.head, count=1)
    if first_page != 1:
        # Without it the part's pages would count from 1. The page counter is the
        # one number a stylesheet cannot take from an attribute.
        style = f"<style>@page :first {{ counter-reset: page {first_page} }}</style>"
        head = _HEAD_END.sub(lambda m: style + m.group(0), head, count=1)
    elsewhere = sorted(book.links[index] - book.owned[index])
    placeholders = "".join(
        f'<span id="{html_text.escape(a)}" style="position: absolute"></span>' for a in elsewhere
    )
    numbers = {a: known.get(a, 0) for a in book.links[index]}
    html, written = with_page_numbers(head + book.slices[index] + placeholders + book.tail, numbers)
    return Part(index, html, first_page, page_count, written)


def settle(
    book: Book, parts: Sequence[Part], printed: Sequence[tuple[int, Mapping[str, int]]]
) -> tuple[dict[str, int], list[int]]:
    """Where every anchor of the book fell (with PAGE_COUNT), from each part's page count
    and its own anchors' pages within it; and the parts printed with a wrong number."""
    landed: dict[str, int] = {}
    first = 1
    firsts = []
    for index, (pages, anchors) in enumerate(printed):
        firsts.append(first)
        for anchor, page in anchors.items():
            if anchor in book.owned[index]:
                landed.setdefault(anchor, page + first - 1)
        first += pages
    landed[PAGE_COUNT] = first - 1
    wrong = [
        p.index
        for p in parts
        if p.first_page != firsts[p.index]
        or p.page_count != landed[PAGE_COUNT]
        or any(landed.get(a) != n for a, n in p.written.items())
    ]
    return landed, wrong


ROUNDS = 3  # prints of a part before the book is printed whole instead


class Rounds:
    """The parts of one book, printed again until every number written in them holds.

    The first round writes the numbers of the last print (or 0 where there was none,
    which makes that round a layout only); each later round prints again just the
    parts that had a wrong number, with the numbers the round before found."""

    def __init__(self, book: Book, known: Mapping[str, int]) -> None:
        self.book = book
        self.parts = [part(book, i, known) for i in range(len(book.slices))]
        self.pending = set(range(len(self.parts)))
        self.printed: dict[int, tuple[int, Mapping[str, int]]] = {}
        self.landed: dict[str, int] = {}
        self.round = 1

    def take(self, index: int, pages: int, anchors: Mapping[str, int]) -> bool:
        """One part's page count and anchor pages; whether its round is complete."""
        self.printed[index] = (pages, anchors)
        self.pending.discard(index)
        return not self.pending

    def next_round(self) -> list[Part] | None:
        """After a complete round: the parts to print again ([] once all hold), or None
        when they did not settle in ROUNDS rounds."""
        printed = [self.printed[i] for i in range(len(self.parts))]
        self.landed, wrong = settle(self.book, self.parts, printed)
        if not wrong:
            return []
        if self.round == ROUNDS:
            return None
        self.round += 1
        for index in wrong:
            self.parts[index] = part(self.book, index, self.landed)
        self.pending = set(wrong)
        return [self.parts[i] for i in wrong]
