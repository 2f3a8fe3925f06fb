"""The catalog book respects paper (issue #17): services follow one another instead of
leaving half-empty second pages, a reference to another service gives its page number,
the glossary does not end on a near-blank page, and nothing prints as a blue link."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from markupsafe import Markup

from catalogpress.render.theme import book_links, builtin_theme_dir

from .checks import have, require_tool


def book_pages(sample_site: Path) -> list[str]:
    require_tool(have("pdftotext"), "pdftotext (poppler-utils)")
    pdf = sample_site / "pdf" / "service-catalog.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def test_links_to_services_in_the_book_point_into_it():
    html = '<a href="https://x.example/services/email/">Email</a> <a href="https://x.example/services/gone/">Gone</a>'
    out = str(book_links(Markup(html), "https://x.example/services/", ("email",)))
    assert '<a href="#service-email">Email</a>' in out
    assert 'href="https://x.example/services/gone/"' in out
    assert "&lt;a" in str(book_links("<a>", "https://x.example/services/", ()))  # text stays text


def test_paper_has_no_blue_links_and_no_dotted_abbreviations():
    css = (builtin_theme_dir() / "pdf" / "pdf.css").read_text()
    last_link_rule = re.findall(r"^a \{ color: ([^;]+);", css, re.M)[-1]
    assert last_link_rule == "inherit"
    assert "abbr { text-decoration: none;" in css


@pytest.mark.slow
def test_the_book_leaves_no_half_empty_second_pages(sample_site: Path):
    pages = book_pages(sample_site)
    services = len(re.findall(r"On the web: \S+/services/", " ".join(pages)))
    assert services >= 25  # the listed ones: active and retiring
    first = next(i for i, p in enumerate(pages) if p.lstrip().upper().startswith("SECTION 1\n"))
    appendix = max(i for i, p in enumerate(pages) if "Appendix A: Rates" in p)  # not the contents
    dividers = sum(1 for p in pages[first:appendix] if re.match(r"\s*SECTION \d+\n", p, re.I))
    service_pages = appendix - first - dividers
    # Each service took a fresh page and spilled onto a second: 2 pages a service.
    assert service_pages < 1.75 * services, (service_pages, services)
    # And no page in the middle of a section is half empty: only a section's last page
    # (the one before the next divider or the appendix) may be short.
    lines = [len([t for t in p.splitlines() if t.strip()]) for p in pages]
    full = sorted(lines[first:appendix])[len(lines[first:appendix]) // 2]  # the median page
    for i in range(first + 1, appendix - 1):
        next_is_divider = re.match(r"\s*SECTION \d+\n", pages[i + 1], re.I)
        if not re.match(r"\s*SECTION \d+\n", pages[i], re.I) and not next_is_divider:
            assert lines[i] >= full / 2, (i + 1, lines[i], full)


@pytest.mark.slow
def test_a_cross_reference_gives_the_page_it_points_to(sample_site: Path):
    pages = book_pages(sample_site)
    text = " ".join(pages)
    references = re.findall(r"([A-Z][\w ()-]+?) \(page (\d+)\)", re.sub(r"\s+", " ", text))
    assert len(references) >= 5
    for name, page in references:
        assert name.split()[-1] in pages[int(page) - 1], (name, page)


@pytest.mark.slow
def test_the_glossary_ends_on_a_well_filled_page(sample_site: Path):
    pages = book_pages(sample_site)
    start = max(i for i, p in enumerate(pages) if "Appendix B: Glossary" in p)

    def lines(page: str) -> int:
        return len([line for line in page.splitlines() if line.strip()])

    assert lines(pages[-1]) >= lines(pages[start]) / 2  # in two columns it ended a quarter full
