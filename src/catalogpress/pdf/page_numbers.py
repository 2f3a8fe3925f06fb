"""Page numbers of a document's cross-references, taken from its last print.

The catalog book says on which page each service and section starts: its contents
and its "(page N)" references use CSS `target-counter`. WeasyPrint cannot know a
page number before it has laid out the page it points to, so it lays out every page
with a reference again once the numbers are known, and again where that moved
something: 106 page layouts for the 46-page book, a third of its printing time.

After an edit, a document's pages mostly fall where they fell before. So the page of
every anchor is kept from the last print, and the next print is handed those
numbers as written text (`data-page="12"` on each link to an anchor; the theme's
stylesheet shows `attr(data-page)` where a link has one): one layout per page.
Then the numbers are checked against where each anchor landed; if any is wrong, the
document is printed again from its own HTML, exactly as without this, so a wrong
guess costs time but never a wrong number. Written numbers equal to those
`target-counter` would find give the same layout, so the PDF has the same bytes
either way (tests/test_pdf_page_numbers.py proves it).
"""

from __future__ import annotations

import html as html_text
import re
from collections.abc import Iterable, Mapping
from typing import Protocol

# An <a> start tag whose href is an anchor of the same document: href="#service-email".
_LINK = re.compile(r"<a\b[^>]*?\shref=\"#([^\"]+)\"[^>]*>", re.IGNORECASE)


class _Page(Protocol):
    anchors: Mapping[str, object]


def anchor_pages(pages: Iterable[_Page]) -> dict[str, int]:
    """The page (from 1) on which each anchor of a laid-out document lies."""
    found: dict[str, int] = {}
    for number, page in enumerate(pages, 1):
        for anchor in page.anchors:
            found.setdefault(anchor, number)
    return found


def with_page_numbers(html: str, known: Mapping[str, int]) -> tuple[str, dict[str, int]]:
    """The HTML with `data-page` on every link to an anchor whose page is known, and
    the numbers it wrote, to check once the document is laid out."""
    written: dict[str, int] = {}

    def fill(match: re.Match[str]) -> str:
        tag, anchor = match.group(0), html_text.unescape(match.group(1))
        number = known.get(anchor)
        if number is None or "data-page=" in tag:
            return tag
        written[anchor] = number
        end = -2 if tag.endswith("/>") else -1
        return f'{tag[:end]} data-page="{number}"{tag[end:]}'

    return _LINK.sub(fill, html), written


def linked_anchors(html: str) -> set[str]:
    """The anchors the document's own links point to."""
    return {html_text.unescape(anchor) for anchor in _LINK.findall(html)}


def all_right(written: Mapping[str, int], landed: Mapping[str, int]) -> bool:
    """Whether every number written is the page its anchor landed on."""
    return all(landed.get(anchor) == number for anchor, number in written.items())
