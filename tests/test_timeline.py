"""The catalog over time: as-of builds, next year's rates, change notices, lifecycle, feed."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from catalogpress.app.build import build, check
from catalogpress.model.rate_changes import compare_sheets
from catalogpress.schema.rates import RateLine, RateSheet

from .conftest import MINIMAL_AS_OF, REPO, SAMPLE_AS_OF

NOW = dt.date(2026, 11, 23)  # FY2027, with FY2028 rates published
LATER = dt.date(2027, 8, 1)  # FY2028


@pytest.fixture(scope="module")
def sample_now(sample_site):
    """The sample catalog as of NOW: conftest's shared session build."""
    assert NOW == SAMPLE_AS_OF
    return sample_site


@pytest.fixture(scope="module")
def sample_later(tmp_path_factory):
    out = tmp_path_factory.mktemp("later") / "site"
    build(REPO, out, LATER, cache=out.parent / "cache")
    return out


def text(site, path):
    html = (site / path).read_text()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.slow
def test_version_in_effect_and_scheduled_version(sample_now, sample_later):
    now = text(sample_now, "services/enterprise-email/index.html")
    later = text(sample_later, "services/enterprise-email/index.html")
    assert "3.1, effective July 1, 2025" in now
    assert "From January 1, 2027: version 4.0 takes effect" in now
    assert "4.0, effective January 1, 2027" in later
    assert "From January 1, 2027" not in later
    assert "Version 4.0 , January 1, 2027 (scheduled)" in now
    assert "Version 4.0 , January 1, 2027 (current)" in later


@pytest.mark.slow
def test_rates_this_year_and_next(sample_now, sample_later):
    now = text(sample_now, "services/virtual-servers/index.html")
    assert "Virtual Server Hosting rates for FY2027" in now
    assert "Virtual Server Hosting rates for FY2028, from July 1, 2027" in now
    later = text(sample_later, "services/virtual-servers/index.html")
    assert "rates for FY2028" in later and "FY2029" not in later
    rates_now = text(sample_now, "rates/index.html")
    assert "Rates for FY2027" in rates_now and "FY2028 rates are published." in rates_now
    assert "Rates for FY2028" in text(sample_later, "rates/index.html")
    for fy in ("fy2026", "fy2027", "fy2028"):  # archived and upcoming sheets keep addresses
        assert (sample_now / "rates" / fy / "index.html").is_file()
        assert (sample_later / "rates" / fy / "index.html").is_file()
    assert "These rates are no longer in effect" in text(sample_now, "rates/fy2026/index.html")
    assert "published ahead of time" in text(sample_now, "rates/fy2028/index.html")


@pytest.mark.slow
def test_lifecycle_banners_and_listings(sample_now, sample_later):
    retiring = text(sample_now, "services/legacy-phone-lines/index.html")
    assert "This service is being retired on June 30, 2027." in retiring
    assert (
        'href="../voip-phones/"'
        in (sample_now / "services/legacy-phone-lines/index.html").read_text()
    )
    retired = text(sample_later, "services/legacy-phone-lines/index.html")
    assert "This service has been retired and can no longer be ordered." in retired
    network_now = (sample_now / "categories/network/index.html").read_text()
    network_later = (sample_later / "categories/network/index.html").read_text()
    assert "legacy-phone-lines" in network_now and "legacy-phone-lines" not in network_later
    hosting_now = text(sample_now, "categories/hosting/index.html")
    assert re.search(r"Coming soon .*Container Platform", hosting_now)
    hosting_later = text(sample_later, "categories/hosting/index.html")
    assert "Container Platform" in hosting_later and "Coming soon" not in hosting_later


@pytest.mark.slow
def test_no_published_page_disappears_when_services_retire(sample_now, sample_later):
    before = {
        p.relative_to(sample_now)
        for p in sample_now.rglob("*")
        if p.is_file() and "pagefind" not in p.parts
    }  # index files: hashed names
    after = {
        p.relative_to(sample_later)
        for p in sample_later.rglob("*")
        if p.is_file() and "pagefind" not in p.parts
    }  # index files: hashed names
    # A budget impact is for the budget season of a sheet published ahead; once that
    # sheet is in effect its rate change notice (kept) says what changed.
    seasonal = {p for p in before - after if "budget-fy" in p.as_posix()}
    assert before - after - seasonal == set()


def test_retiring_a_service_keeps_its_page(scratch, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    # Web pages only: a brochure PDF exists only while its service can be ordered.
    build(scratch.root, first, MINIMAL_AS_OF, pdf=False)
    scratch.replace(
        "catalog.yaml",
        "        changes: [Mailboxes grew from 50 GB to 100 GB.]\n",
        "        changes: [Mailboxes grew from 50 GB to 100 GB.]\n"
        '      - version: "1.11"\n        effective: 2025-10-01\n'
        "        status: retired\n        replaced_by: web-hosting\n"
        "        summary: Retired.\n        included: [Nothing]\n"
        "        not_included: []\n"
        "        ordering: {channel: portal, lead_time_days: 3}\n"
        "        support_hours: None\n        sla: sla-basic\n"
        "        responsibilities: {provider: [None], customer: [None]}\n",
    )
    scratch.replace(
        "rates.yaml",
        "      - service: email\n        item: Mailbox\n"
        '        unit: mailbox-month\n        amount: "5.75"',
        "      - service: web-hosting\n        item: Mailbox\n"
        '        unit: mailbox-month\n        amount: "5.75"',
    )
    scratch.replace(
        "rates.yaml",
        "      - service: email\n        item: Setup",
        "      - service: web-hosting\n        item: Setup",
    )
    build(scratch.root, second, MINIMAL_AS_OF, pdf=False)
    old = {
        p.relative_to(first) for p in first.rglob("*") if p.is_file() and "pagefind" not in p.parts
    }  # index files: hashed names
    new = {
        p.relative_to(second)
        for p in second.rglob("*")
        if p.is_file() and "pagefind" not in p.parts
    }  # index files: hashed names
    assert old - new == set()
    page = text(second, "services/email/index.html")
    assert "This service has been retired" in page and "Web Hosting" in page
    assert "services/email/" not in (second / "categories/collaboration/index.html").read_text()


def sheet(year, lines):
    return RateSheet(
        fiscal_year=year,
        effective=dt.date(year - 1, 7, 1),
        approved_by="Board",
        approved_on=dt.date(year - 1, 5, 1),
        methodology="m",
        lines=tuple(
            RateLine(service=s, item=i, unit="each", amount=Decimal(a), charge_type="recurring")
            for s, i, a in lines
        ),
    )


def test_change_notice_matches_hand_computed_figures():
    old = sheet(
        2026,
        [
            ("a", "x", "10.00"),
            ("a", "y", "4.00"),
            ("b", "z", "2.00"),
            ("c", "gone", "7.00"),
            ("d", "third", "3.00"),
        ],
    )
    new = sheet(
        2027,
        [
            ("a", "x", "9.50"),
            ("a", "y", "4.40"),
            ("b", "z", "2.00"),
            ("c", "fresh", "1.00"),
            ("d", "third", "2.90"),
        ],
    )
    notice = compare_sheets(old, new)
    by_item = {c.item: c for c in notice.lines}
    assert (by_item["x"].difference, by_item["x"].percent) == (Decimal("-0.50"), Decimal("-5.0"))
    assert (by_item["y"].difference, by_item["y"].percent) == (Decimal("0.40"), Decimal("10.0"))
    assert by_item["third"].percent == Decimal("-3.3")  # -0.10 / 3.00 = -3.333...%
    assert by_item["gone"].kind == "discontinued" and by_item["fresh"].kind == "new"
    # mean of -5.0, +10.0, 0.0, -3.3 = 0.425 -> 0.4
    assert notice.average_percent == Decimal("0.4")
    assert notice.summary() == (
        "2 rates went down, 1 went up, 1 stayed the same, 1 is new, "
        "1 was discontinued; average change +0.4%."
    )


@pytest.mark.slow
def test_change_notice_page_for_the_fixture(minimal_site):
    page = text(minimal_site, "rates/changes/fy2025-to-fy2026/index.html")
    # Mailbox 6.00 → 5.75 (−4.2%), Website 40.00 → 42.50 (+6.3%), Setup new: mean +1.1%.
    assert "1 rate went down, 1 went up, 1 is new; average change +1.1%." in page
    assert "Email : Mailbox" in page and "$6.00 $5.75 −$0.25 −4.2%" in page


ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


@pytest.mark.slow
def test_feed_is_valid_atom_dated_from_data(sample_now):
    root = ET.parse(sample_now / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) >= 10
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)
    for entry in entries:
        assert entry.findtext(f"{ATOM}title")
        assert RFC3339.match(entry.findtext(f"{ATOM}updated") or "")
        assert entry.find(f"{ATOM}link").get("href").startswith("https://")
        assert entry.findtext(f"{ATOM}updated") <= f"{NOW.isoformat()}T00:00:00Z"
    assert root.findtext(f"{ATOM}updated") == max(e.findtext(f"{ATOM}updated") for e in entries)
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert "FY2027 rates take effect" in titles and "Tape Backup retired" in titles


@pytest.mark.slow
def test_whats_new_lists_upcoming_changes(sample_now):
    page = text(sample_now, "whats-new/index.html")
    assert re.search(r"Coming up .*January 1, 2027 Enterprise Email version 4\.0", page)
    assert "FY2028 rates take effect" in page


def test_review_due_warnings(scratch):
    warnings = [str(w) for w in check(scratch.root, dt.date(2026, 6, 1)).warnings]
    line = scratch.line_of("content/services/web-hosting.md", "reviewed_on")
    assert (
        f"warning: content/services/web-hosting.md:{line}: reviewed_on: review is overdue: "
        "last reviewed 2025-01-15, more than 12 months before 2026-06-01; check the text, "
        "then update reviewed_on"
    ) in warnings
    scratch.replace(
        "catalog.yaml", "  featured: [email]", "  featured: [email]\n  review_months: 24"
    )
    assert check(scratch.root, dt.date(2026, 6, 1)).warnings == []


def test_unknown_replacement_is_an_error(scratch):
    from catalogpress.core.errors import SiteError

    scratch.replace("catalog.yaml", "replaced_by: email", "replaced_by: emial")
    with pytest.raises(SiteError) as info:
        check(scratch.root, MINIMAL_AS_OF)
    assert (
        "services[1].versions[0].replaced_by: unknown service 'emial'; did you mean "
        "'email'?" in str(info.value)
    )


@pytest.mark.slow
def test_change_notice_is_also_a_pdf(sample_now):
    from pypdf import PdfReader

    pdf = sample_now / "pdf/rates/changes/fy2026-to-fy2027.pdf"
    reader = PdfReader(pdf)
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    text_of_page = (sample_now / "rates/changes/fy2026-to-fy2027/index.html").read_text()
    summary = re.search(r"<p class=\"lead\">([^<]+)</p>", text_of_page).group(1)
    assert " ".join(summary.split()) in text
    assert reader.metadata.title == "DTS rate changes FY2026 to FY2027"
    assert "../../../pdf/rates/changes/fy2026-to-fy2027.pdf" in text_of_page
