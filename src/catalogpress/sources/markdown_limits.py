"""Bounds on what one markdown text may cost to render, checked before it is rendered.

Python-Markdown's inline patterns scan forward from every `[` and `<` of a paragraph, so
a paragraph of many of them takes time that grows with the square of their number (a
20 KB file of `[` took 94 s), and each level of list nesting is a level of recursion
(three hundred levels end in RecursionError). Real catalog pages stay far below these
limits; a text past one is refused with its line and what to change, so no input can
stall a build or the preview.
"""

from __future__ import annotations

import re

MAX_CHARACTERS = 200_000  # a long policy page is about 50,000
# Sum over paragraphs of (openers in the paragraph) squared; 1,000,000 took about half a
# second on the 2-core CI machine. A table of 300 links is 90,000.
MAX_OPENER_COST = 1_000_000
MAX_INDENT = 160  # columns: 40 levels of nested lists
MAX_QUOTE_DEPTH = 40

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_QUOTES = re.compile(r"[ \t]*(?:>[ \t]?)+")


def cost_problem(body: str) -> tuple[int, str] | None:
    """(line offset into `body`, message) for the first limit `body` passes, or None."""
    if len(body) > MAX_CHARACTERS:
        return 0, (
            f"the text is too long ({len(body):,} characters; the limit is "
            f"{MAX_CHARACTERS:,}); split it into several pages"
        )
    cost, start = 0, 0
    for match in [*_PARAGRAPH_BREAK.finditer(body), None]:
        end = match.start() if match else len(body)
        paragraph = body[start:end]
        openers = sum(paragraph.count(c) - paragraph.count("\\" + c) for c in "[<")
        cost += openers * openers
        if cost > MAX_OPENER_COST:
            return body.count("\n", 0, start), (
                f"this paragraph has {openers:,} '[' and '<' characters, too many to "
                "render in reasonable time; write them as \\[ and &lt;, or split the "
                "paragraph"
            )
        start = match.end() if match else end
    for number, line in enumerate(body.split("\n")):
        indent = len(line) - len(line.lstrip(" \t"))
        quotes = _QUOTES.match(line)
        depth = quotes.group().count(">") if quotes else 0
        if indent > MAX_INDENT or depth > MAX_QUOTE_DEPTH:
            return number, (
                "this line is nested too deeply (more than 40 levels of lists or quotes); "
                "flatten the list or quote"
            )
    return None
