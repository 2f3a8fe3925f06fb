"""How well the printed documents use their paper (issue #17).

    python3 benchmarks/pdf_fill.py [site/pdf]

For every PDF under the folder: its pages, the lines of text on each page (the running
header and footer left out), and how far down the last page its text reaches, as a
share of the page's text area. Needs poppler's pdftotext.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from html import unescape
from pathlib import Path

MM = 72 / 25.4
TOP, BOTTOM = 20 * MM, 18 * MM  # the page margins of themes/default/pdf/pdf.css


@dataclass(frozen=True)
class PageFill:
    lines: int  # lines of body text
    reach: float  # how far down the text area the lowest body line reaches, 0..1


def page_fills(pdf: Path) -> list[PageFill]:
    """Each page's body lines and reach, from the words' boxes that pdftotext reports."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    fills = []
    for page in re.findall(r"<page ([^>]*)>(.*?)</page>", out, re.S):
        height = float(re.search(r'height="([\d.]+)"', page[0]).group(1))  # type: ignore[union-attr]
        rows: set[int] = set()
        low = 0.0
        for y_min, y_max, word in re.findall(
            r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
            page[1],
        ):
            top, bottom = float(y_min), float(y_max)
            if bottom > height - BOTTOM or (top < TOP and unescape(word).isupper()):
                continue  # the running footer, or the running header's capitals
            rows.add(round(bottom / 3))  # words within 3 pt of each other share a line
            low = max(low, bottom)
        area = height - TOP - BOTTOM
        fills.append(PageFill(len(rows), max(0.0, min(1.0, (low - TOP) / area))))
    return fills


def report(folder: Path) -> list[tuple[str, int, PageFill]]:
    rows = []
    for pdf in sorted(folder.rglob("*.pdf")):
        fills = page_fills(pdf)
        rows.append((str(pdf.relative_to(folder)), len(fills), fills[-1]))
    return rows


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "site/pdf")
    rows = report(folder)
    print(f"{'document':58} pages  last-page lines  reach")
    for name, pages, last in rows:
        print(f"{name:58} {pages:5}  {last.lines:15}  {last.reach:5.0%}")
    one = sum(1 for name, pages, _ in rows if name.startswith("services/") and pages == 1)
    brochures = sum(1 for name, _, _ in rows if name.startswith("services/"))
    print(f"\n{one} of {brochures} brochures on one page")


if __name__ == "__main__":
    main()
