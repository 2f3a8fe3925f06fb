"""Each SLA promise reads the same on the web and on paper (issue #17).

The web once said "we aim to fix within 4 hours" and "of scheduled hours" while the
brochure and book said "fixed within 4 hours" and "of service hours". This reads each
promise from the built HTML and looks for the same sentence in pdftotext's output.
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest

from .checks import have, require_tool


def words(text: str) -> str:
    """Text with tags, soft breaks and line wrapping gone, for comparing wordings."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text.replace("<wbr>", "")))
    return re.sub(r"\s+", " ", text).strip()


def pdf_words(pdf: Path) -> str:
    require_tool(have("pdftotext"), "pdftotext (poppler-utils)")
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return words(out.stdout.replace("\u00ad\n", "").replace("-\n", "-"))


def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


def promises(fragment: str) -> list[str]:
    return [words(item) for item in re.findall(r"<li>(.*?)</li>", fragment, re.S)]


@pytest.mark.slow
@pytest.mark.parametrize("service_id", ["enterprise-email", "virtual-servers"])
def test_a_service_s_sla_promises_match_its_brochure(sample_site: Path, service_id: str):
    page = (sample_site / "services" / service_id / "index.html").read_text()
    on_web = promises(section(page, "sla"))
    assert len(on_web) == 3 and "aim to fix them within" in on_web[2]
    on_paper = pdf_words(sample_site / "pdf" / "services" / f"{service_id}.pdf")
    for promise in on_web:
        assert promise in on_paper


@pytest.mark.slow
@pytest.mark.parametrize("sla_id", ["sla-standard", "sla-critical"])
def test_an_sla_page_and_its_pdf_word_each_target_alike(sample_site: Path, sla_id: str):
    page = (sample_site / "slas" / sla_id / "index.html").read_text()
    on_paper = pdf_words(sample_site / "pdf" / "slas" / f"{sla_id}.pdf")
    availability = words(re.search(r"<dt>Availability target</dt><dd>(.*?)</dd>", page).group(1))
    assert "of service hours" in availability and availability in on_paper
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", page, re.S)
    assert rows
    for row in rows:
        for cell in re.split(r"</t[hd]>", row):
            if words(cell):
                assert words(cell) in on_paper, words(cell)
