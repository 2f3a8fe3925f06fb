"""The sample site as a reader sees it (issue #17): words that break only where a line
would overflow, and pages that say what a service's status allows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from catalogpress.render.theme import breakable, builtin_theme_dir, full_stop, unbroken

SITE_CSS = builtin_theme_dir() / "static" / "site.css"


@pytest.fixture(scope="module")
def pages(sample_pages: Path) -> Path:
    """The sample catalog's pages: conftest's shared session build."""
    return sample_pages


def main_of(page: Path) -> str:
    text = page.read_text()
    return text[text.index("<main") : text.index("</main>")]


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.replace("<wbr>", "")))


def test_no_blanket_rule_breaks_words_anywhere():
    # `overflow-wrap: anywhere` on every link, term and cell split "acc ount" and
    # "555-|0141"; a word may break only when it cannot fit a line on its own.
    css = SITE_CSS.read_text()
    assert "anywhere" not in css
    assert "word-break" not in css


def test_addresses_break_at_their_punctuation_only():
    assert str(breakable("ana.ruiz@dts.example")) == "ana<wbr>.ruiz@<wbr>dts<wbr>.example"
    assert str(breakable("https://a.example/order")) == "https://a<wbr>.example/<wbr>order"
    assert str(breakable("<b>")) == "&lt;b&gt;"
    assert str(unbroken("555-0141")) == '<span class="nowrap">555-0141</span>'


def test_phone_numbers_never_split_at_their_hyphen(pages: Path):
    for page in ("care/index.html", "agencies/revenue/index.html", "index.html"):
        html = (pages / page).read_text()
        shown = re.findall(r"(?<![\d:-])555-\d{4}(?!\d)", re.sub(r'href="[^"]*"', "", html))
        kept = re.findall(r'<span class="nowrap">555-\d{4}</span>', html)
        assert shown and len(shown) == len(kept), page


STATUS_NOTICE = re.compile(
    r'class="banner[^"]*" role="note">\s*<p><strong>(?:This service|Coming soon)'
)
ORDERING_WORDS = re.compile(r"How to order|Order through|Who can order|business days? for setup")


def service_page(pages: Path, service_id: str) -> str:
    return main_of(pages / "services" / service_id / "index.html")


def test_a_retired_service_offers_no_ordering(pages: Path):
    html = service_page(pages, "tape-backup")
    text = visible_text(html)
    assert "This service has been retired and can no longer be ordered." in text
    assert ORDERING_WORDS.findall(text) == []
    assert 'id="order"' not in html
    assert "This service is retired, so it has no rates." in text
    assert "not set yet" not in text and "<table" not in html


def test_a_retiring_service_sells_no_new_lines_and_quotes_no_setup_time(pages: Path):
    text = visible_text(service_page(pages, "legacy-phone-lines"))
    assert "This service is being retired on June 30, 2027." in text
    assert "We take no new orders for this service; order Voice over IP (VoIP) Phones instead." in (
        text
    )
    assert ORDERING_WORDS.findall(text) == []
    assert "$34.00" in text  # lines in place are still billed


def test_a_proposed_service_cannot_be_ordered_yet_and_its_rates_are_planned(pages: Path):
    text = visible_text(service_page(pages, "container-platform"))
    assert "Ordering opens on January 1, 2027." in text
    assert "Order through" not in text and "business days for setup" not in text
    assert "These rates are planned. They may change before the service starts." in text
    assert "not set yet" not in text  # the sample said so above a table of its rates


def test_an_active_service_says_how_to_order(pages: Path):
    text = visible_text(service_page(pages, "enterprise-email"))
    assert "How to order" in text and "Allow 2 business days for setup." in text
    assert STATUS_NOTICE.findall(service_page(pages, "enterprise-email")) == []


@pytest.mark.parametrize("service_id", ["tape-backup", "legacy-phone-lines", "container-platform"])
def test_one_notice_per_state(pages: Path, service_id: str):
    html = service_page(pages, service_id)
    assert len(STATUS_NOTICE.findall(html)) == 1
    overview = html[html.index('id="overview"') : html.index('id="benefits"')]
    for repeated in ("retiring on", "was retired on", "proposed</strong>"):
        assert repeated not in overview  # the prose no longer repeats the notice


def test_a_sentence_gets_one_full_stop():
    assert full_stop("Monday to Friday, 7 a.m. to 6 p.m.") == "Monday to Friday, 7 a.m. to 6 p.m."
    assert full_stop("24 hours a day") == "24 hours a day."
