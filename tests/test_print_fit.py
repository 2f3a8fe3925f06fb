"""Printed documents fit their paper (issue #17): a typical service brochure is one page,
no brochure or book page holds only a few lines, and the denser brochure still prints
each price exactly as the service's web page shows it."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest

from .checks import have, require_tool

# Short services of the sample: each one's brochure is one sheet.
TYPICAL = [
    "enterprise-email",
    "virtual-servers",
    "desktop-support",
    "identity-access",
    "service-desk",
]
FEWEST_LINES = 8  # on any page but the book's cover and section dividers: not "a few lines"
# The last page of a longer agreement, budget impact or rate notice: they ended on 4 to 10
# lines, often only the signatures. Now the fewest is 11 (an agency's duties, reports
# and the signatures, a quarter of the page).
FEWEST_LAST_LINES = 10


def pages(pdf: Path) -> list[str]:
    """Each page's text as pdftotext lays it out, the running header and footer left out."""
    require_tool(have("pdftotext"), "pdftotext (poppler-utils)")
    out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    result = []
    for page in out.split("\f")[:-1]:
        lines = [line for line in page.splitlines() if line.strip()]
        body = [line for line in lines if not re.search(r"Page \d+ of \d+\s*$", line)]
        header = body and body[0].strip().isupper() and len(body[0].strip()) < 80
        if header and not re.match(r"\s*SECTION \d+$", body[0]):
            body = body[1:]  # the running header: the document's title in capitals
        result.append("\n".join(body))
    return result


def reading_text(pdf: Path) -> str:
    """The text in reading order (column by column), its words joined again."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return words(out.stdout.replace("\u00ad\n", "").replace("-\n", "-"))


def line_count(page: str) -> int:
    return len(page.splitlines())


def words(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", text.replace("<wbr>", "")))
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


@pytest.mark.slow
def test_typical_brochures_are_one_page_and_most_are(sample_site: Path):
    brochures = sorted((sample_site / "pdf" / "services").glob("*.pdf"))
    counts = {pdf.stem: len(pages(pdf)) for pdf in brochures}
    assert all(counts[name] == 1 for name in TYPICAL), {n: counts[n] for n in TYPICAL}
    two = sorted(name for name, n in counts.items() if n > 1)
    assert len(two) <= len(brochures) // 5, two  # were all two pages, the second half empty
    assert max(counts.values()) <= 2


@pytest.mark.slow
def test_no_brochure_or_book_page_holds_only_a_few_lines(sample_site: Path):
    pdf = sample_site / "pdf"
    short = []
    for path in [pdf / "service-catalog.pdf", *sorted((pdf / "services").glob("*.pdf"))]:
        for number, page in enumerate(pages(path), 1):
            cover = path.name == "service-catalog.pdf" and number == 1
            divider = re.match(r"\s*SECTION \d+\n", page)
            if not cover and not divider and line_count(page) < FEWEST_LINES:
                short.append((path.name, number, line_count(page)))
    assert not short, short


@pytest.mark.slow
@pytest.mark.parametrize(
    "service_id", ["enterprise-email", "server-colocation", "wide-area-network"]
)
def test_a_brochure_prints_the_prices_of_the_web_page(sample_site: Path, service_id: str):
    page = (sample_site / "services" / service_id / "index.html").read_text()
    typical = re.search(r'<div class="typical">\s*<p><strong>(.*?)</strong>', page, re.S)
    table = re.search(r"<caption>[^<]* rates for FY\d{4}</caption>(.*?)</table>", page, re.S)
    assert typical and table
    rows = re.findall(
        r'<th scope="row">(.*?)(?:<span class="note">.*?</span>)?</th>.*?'
        r'<td class="num"[^>]*>([^<]+)</td>',
        table[1],
        re.S,
    )
    assert rows
    brochure = sample_site / "pdf" / "services" / f"{service_id}.pdf"
    printed = pages(brochure)
    assert words(typical[1]) in reading_text(brochure)
    lines = "\n".join(printed).splitlines()
    for item, rate in rows:
        start = words(item)[:14]
        assert any(start in line and f" {rate}" in line for line in lines), (item, rate)


def agreements_and_notices(pdf: Path) -> list[Path]:
    return [
        *sorted((pdf / "slas").glob("*.pdf")),
        *sorted((pdf / "slas" / "agencies").glob("*.pdf")),
        *sorted((pdf / "agencies").glob("*-budget-*.pdf")),
        *sorted((pdf / "rates" / "changes").glob("*.pdf")),
    ]


@pytest.mark.slow
def test_agreements_budgets_and_notices_end_on_a_fair_page(sample_site: Path):
    pdf = sample_site / "pdf"
    documents = agreements_and_notices(pdf)
    assert len(documents) >= 3 + 9 + 9 + 2, [d.name for d in documents]
    short = []
    for path in documents:
        printed = pages(path)
        if len(printed) > 1 and line_count(printed[-1]) < FEWEST_LAST_LINES:
            short.append((str(path.relative_to(pdf)), len(printed), line_count(printed[-1])))
    assert not short, short


@pytest.mark.slow
def test_a_generic_sla_is_one_page(sample_site: Path):
    slas = sorted((sample_site / "pdf" / "slas").glob("sla-*.pdf"))
    assert slas
    assert {path.stem: len(pages(path)) for path in slas} == {path.stem: 1 for path in slas}


@pytest.mark.slow
def test_budget_impacts_are_one_page(sample_site: Path):
    budgets = sorted((sample_site / "pdf" / "agencies").glob("*-budget-*.pdf"))
    assert budgets
    assert {p.stem: len(pages(p)) for p in budgets} == {p.stem: 1 for p in budgets}


@pytest.mark.slow
def test_signatures_never_stand_alone_on_a_page(sample_site: Path):
    agreements = sorted((sample_site / "pdf" / "slas" / "agencies").glob("*.pdf"))
    assert agreements
    for path in agreements:
        printed = pages(path)
        signed = [
            n for n, page in enumerate(printed, 1) if re.search(r"^\s*Agreed\s*$", page, re.M)
        ]
        assert len(signed) == 1, (path.name, signed)
        page = printed[signed[0] - 1]
        # Besides the heading, the two signature lines and "Name, title and date": the
        # last section's text is on the same page.
        rest = [
            line
            for line in page.splitlines()
            if not re.match(r"\s*(Agreed|For .*|Name, title and date.*)\s*$", line)
        ]
        assert len(rest) >= 3, (path.name, page)
        assert "Reports and reviews" in page, path.name
