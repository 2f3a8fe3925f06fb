"""The sample site as a reader sees it (issue #17): words that break only where a line
would overflow, and pages that say what a service's status allows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from catalogpress.app.build import build
from catalogpress.render.theme import breakable, builtin_theme_dir, unbroken

from .conftest import REPO, SAMPLE_AS_OF

SITE_CSS = builtin_theme_dir() / "static" / "site.css"


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("publishable") / "site"
    build(REPO, out, SAMPLE_AS_OF, pdf=False, search=False)
    return out


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
