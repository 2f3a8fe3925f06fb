"""Two columns split here, not balanced by the renderer.

WeasyPrint balances CSS multi-column boxes by laying their content out again and
again until both columns end level: a brochure took 1.9 s on average (up to 4 s) with
its four column boxes, 0.56 s without. So the printed documents' side-by-side parts
are two explicit columns (a `.cols` row), and what goes in each is decided here, from
an estimate of the lines each part takes: lists as runs of items under their headings;
a service's overview, and the boxes of its terms, as top-level blocks, a paragraph cut
in two where that comes out more even. Reading order stays the same as with CSS
columns: all of the first column, then the second.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from markupsafe import Markup

CHARS_PER_LINE = 50  # about what a half-width column holds at the documents' body size
HEADING = 1.6  # a heading with its space above and below, in lines
GAP = 1.0  # the space around a block (margins, a box's padding), in lines


def _lines(text: str, per_line: int = CHARS_PER_LINE) -> float:
    return max(1, math.ceil(len(" ".join(text.split())) / per_line))


@dataclass(frozen=True)
class Run:
    """Some items of one group in one column; `title` is None where the group goes on
    from the column before (its heading is printed once, where it starts)."""

    title: str | None
    items: tuple[str, ...]
    group: int  # which group, from 0, for a class name


def _best_split(weights: Sequence[float], headings: Sequence[bool]) -> int:
    """How many entries go in the first column: the split whose longer column is the
    shortest, the first column the longer one on a tie (as CSS columns fill), and never
    a heading last in the first column."""
    total = sum(weights)
    best, best_cost = len(weights), total
    left = 0.0
    for cut in range(len(weights) + 1):
        if cut:
            left += weights[cut - 1]
        if cut and headings[cut - 1]:
            continue
        cost = max(left, total - left) + (0.01 if left < total - left else 0)
        if cost < best_cost:
            best, best_cost = cut, cost
    return best


def split_groups(groups: Sequence[tuple[str, Sequence[str]]]) -> list[list[Run]]:
    """Lists under headings (a heading may be "") as two columns of runs."""
    entries: list[tuple[int, str | None]] = []  # (group, item), item None for a heading
    for number, (title, items) in enumerate(groups):
        if not items:
            continue
        if title:
            entries.append((number, None))
        entries.extend((number, item) for item in items)
    weights = [HEADING if item is None else _lines(item) for _, item in entries]
    cut = _best_split(weights, [item is None for _, item in entries])
    columns = []
    for part in (entries[:cut], entries[cut:]):
        runs: list[Run] = []
        for number, item in part:
            if item is None:
                runs.append(Run(groups[number][0], (), number))
            elif runs and runs[-1].group == number:
                last = runs[-1]
                runs[-1] = Run(last.title, (*last.items, item), number)
            else:
                runs.append(Run(None, (item,), number))
        columns.append(runs)
    return [column for column in columns if column]


class _Blocks(HTMLParser):
    """Where each top-level element of an HTML fragment starts, and the text of each of
    its lines-making parts (paragraphs, list items, table rows, headings)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.blocks: list[tuple[int, str, list[list[str]]]] = []  # (offset, tag, parts)
        self._lines = [0]

    def feed_all(self, html: str) -> None:
        for line in html.splitlines(keepends=True):
            self._lines.append(self._lines[-1] + len(line))
        self.feed(html)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if self.depth == 0:
            self.blocks.append((self._offset(), tag, [[tag, ""]]))
        elif tag in _PARTS and self.blocks:
            self.blocks[-1][2].append([tag, ""])
        if tag not in _VOID:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        self.depth = max(0, self.depth - 1)

    def handle_data(self, data: str) -> None:
        if self.blocks and self.depth:
            self.blocks[-1][2][-1][1] += data


_VOID = frozenset({"br", "hr", "img", "wbr", "col", "input", "meta", "link"})
_PARTS = frozenset({"p", "li", "tr", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd"})
_HEADING = re.compile(r"h[1-6]")


def _weight(parts: Sequence[Sequence[str]]) -> float:
    """Estimated lines of a block, from its parts' text."""
    total = GAP
    for tag, text in parts:
        if _HEADING.fullmatch(tag):
            total += HEADING
        elif text.strip():
            # A table row's text is in cells, its notes in smaller type: about the same.
            total += _lines(text) + 0.15
    return total


def split_html(html: str) -> list[Markup]:
    """Sanitized HTML (a service's overview, the boxes of its terms) as two columns, cut
    between top-level blocks, or inside a paragraph where that comes out more even (as
    CSS columns would); a heading always starts the second column rather than ending
    the first."""
    html = str(html)  # plain text from here: Markup would escape what is added to it
    parser = _Blocks()
    parser.feed_all(html)
    blocks = parser.blocks
    if not blocks:
        return [Markup(html)]  # noqa: S704 - input is sanitized by markup.py
    weights = [_weight(parts) for _, _, parts in blocks]
    headings = [bool(_HEADING.fullmatch(tag)) for _, tag, _ in blocks]
    cut = _best_split(weights, headings)
    at = blocks[cut][0] if cut < len(blocks) else len(html)
    halves = [html[:at].strip(), html[at:].strip()]
    inside = _paragraph_cut(html, blocks, weights, max(sum(weights[:cut]), sum(weights[cut:])))
    if inside is not None:
        halves = inside
    return [Markup(half) for half in halves if half]  # noqa: S704 - sanitized input


_TOKEN = re.compile(r"<(/?)([a-zA-Z0-9]+)[^>]*>|[^<]+")


def _paragraph_cut(
    html: str,
    blocks: Sequence[tuple[int, str, list[list[str]]]],
    weights: list[float],
    cost: float,
) -> list[str] | None:
    """The two halves cut at a space inside the paragraph that straddles the middle, when
    that beats `cost`, the longer column of the best cut between blocks; else None."""
    total = sum(weights)
    half = total / 2
    before = 0.0
    for number, ((start, tag, parts), weight) in enumerate(zip(blocks, weights, strict=True)):
        if before + weight <= half:
            before += weight
            continue
        if tag != "p" or before + weight - half < 1.5:
            return None
        lines = half - before + 0.5  # the first column takes the odd line
        text = sum(_lines(t) for _, t in parts if t.strip())
        if lines < 2 or text - lines < 2:  # no orphan or widow line
            return None
        if max(before + lines, total - before - lines) >= cost - 0.5:
            return None
        end = blocks[number + 1][0] if number + 1 < len(blocks) else len(html)
        cut = _cut_paragraph(html[start:end], int(lines * CHARS_PER_LINE))
        if cut is None:
            return None
        first, second = cut
        return [(html[:start] + first).strip(), (second + html[end:]).strip()]
    return None


def _cut_paragraph(paragraph: str, chars: int) -> tuple[str, str] | None:
    """A paragraph cut at the first space after `chars` characters of its text: inline
    elements open there are closed in the first part and opened again in the second."""
    opened: list[tuple[str, str]] = []  # (tag name, start tag) of the elements open here
    seen = 0
    for match in _TOKEN.finditer(paragraph):
        if match.group(2):
            name = match.group(2).lower()
            if match.group(1):
                if opened and opened[-1][0] == name:
                    opened.pop()
            elif name not in _VOID:
                opened.append((name, match.group(0)))
            continue
        text = match.group(0)
        if seen + len(text) > chars and opened and opened[0][0] == "p":
            space = text.find(" ", max(0, chars - seen))
            if space > 0:
                at = match.start() + space
                closing = "".join(f"</{name}>" for name, _ in reversed(opened))
                reopening = "".join(start for _, start in opened)
                return paragraph[:at] + closing, reopening + paragraph[at + 1 :]
        seen += len(text)
    return None
