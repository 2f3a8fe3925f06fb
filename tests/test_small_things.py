"""Small things a new office met on the way: wording of open-ended rate sheets, support
hours beside service hours, and a rate sheet PDF whose last page held a single row."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from catalogpress.app.build import build
from catalogpress.app.new_site import new_site

from .checks import have, require_tool
from .conftest import MINIMAL_AS_OF


def test_an_open_ended_rate_sheet_is_in_effect_until_further_notice(scratch, tmp_path):
    build(scratch.root, tmp_path / "out", MINIMAL_AS_OF, pdf=False, search=False)
    page = (tmp_path / "out" / "rates" / "index.html").read_text()
    assert "<dd>July 1, 2025 until further notice</dd>" in page
    assert "to further notice" not in page


HOURS_NOTE = (
    "Service hours are when the service is meant to work; support hours are when staff "
    "answer calls about it."
)


def test_different_support_and_service_hours_are_explained(scratch, tmp_path):
    build(scratch.root, tmp_path / "out", MINIMAL_AS_OF, pdf=False, search=False)
    page = (tmp_path / "out" / "services" / "email" / "index.html").read_text()
    assert "<dt>Support hours</dt><dd>Business hours</dd>" in page
    assert HOURS_NOTE in page


def test_the_same_hours_need_no_explanation(scratch, tmp_path):
    scratch.replace(
        "catalog.yaml",
        "support_hours: Business hours",
        "support_hours: Monday to Friday, 7 a.m. to 6 p.m.",
        count=5,
    )
    build(scratch.root, tmp_path / "out", MINIMAL_AS_OF, pdf=False, search=False)
    page = (tmp_path / "out" / "services" / "email" / "index.html").read_text()
    assert HOURS_NOTE not in page


@pytest.mark.slow
def test_a_rate_sheet_pdf_never_carries_a_single_row_over_a_page(tmp_path):
    require_tool(have("pdftotext"), "pdftotext (poppler)")
    root, day = tmp_path / "catalog", dt.date(2026, 12, 1)
    new_site(root, day)
    # 19 more lines is where the starter's sheet used to put one row alone on page 2.
    extra = "".join(
        f"      - service: laptops\n        item: Accessory {i}\n        unit: each\n"
        f'        amount: "{i}.00"\n        charge_type: one-time\n'
        for i in range(19)
    )
    (root / "rates.yaml").write_text((root / "rates.yaml").read_text() + extra)
    build(root, tmp_path / "site", day, search=False)
    pdf = tmp_path / "site" / "pdf" / "rates" / "fy2027.pdf"
    last_page = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert sum("$" in line for line in last_page.splitlines()) == 3
