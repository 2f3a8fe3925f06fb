"""What government sites carry (issue #17): one type system shipped for web and PDF, an
official-site banner, the office's logo or seal, a favicon, accessibility and privacy
statements, "last updated" from the data, and share-preview metadata."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from catalogpress.app.build import build
from catalogpress.core.errors import SiteError
from catalogpress.render.theme import builtin_theme_dir

from .conftest import SAMPLE_AS_OF

THEME = builtin_theme_dir()
GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "system-ui", "inherit"}


@pytest.fixture(scope="module")
def sample(sample_pages: Path) -> Path:
    """The sample catalog's pages: conftest's shared session build."""
    return sample_pages


FACE = re.compile(r'@font-face \{ font-family: "([^"]+)"; src: url\(([^)]+)\)')


def families_named(css: str) -> set[str]:
    stacks = re.findall(r"(?<![{] )font-family: ([^;}]+)", FACE.sub("", css))
    return {name.strip().strip('"') for stack in stacks for name in stack.split(",")}


@pytest.mark.parametrize(
    ("css", "faces_in"),
    [
        ("static/site.css", "static/site.css"),
        ("static/tools.css", "static/site.css"),
        ("pdf/pdf.css", "pdf/pdf.css"),
    ],
)
def test_every_font_the_css_names_is_shipped(css: str, faces_in: str):
    faces = dict(FACE.findall((THEME / faces_in).read_text()))
    assert families_named((THEME / css).read_text()) - GENERIC_FAMILIES <= set(faces)
    for url in faces.values():
        assert (THEME / "pdf" / url).is_file()


def test_the_site_serves_the_pdfs_own_font_files(sample: Path):
    for url in dict(FACE.findall((THEME / "static/site.css").read_text())).values():
        assert (sample / "assets" / url).read_bytes() == (THEME / "pdf" / url).read_bytes()


def test_every_page_carries_the_official_banner_favicon_and_share_metadata(sample: Path):
    for page in ("index.html", "services/enterprise-email/index.html", "rates/fy2027/index.html"):
        html = (sample / page).read_text()
        assert "An official website of the State of Northhaven" in html
        icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
        assert icon and (sample / page).parent.joinpath(icon.group(1)).resolve().is_file()
        for prop in ("og:type", "og:site_name", "og:title", "og:description", "og:url", "og:image"):
            assert f'<meta property="{prop}" content="' in html, (page, prop)
    email = (sample / "services/enterprise-email/index.html").read_text()
    assert '<meta property="og:title" content="Enterprise Email">' in email
    assert '<meta property="og:url" content="https://' in email
    assert re.search(r'<meta property="og:image" content="https://[^"]+/images/seal\.png">', email)


def test_the_logo_shows_in_the_header_and_is_copied(sample: Path):
    html = (sample / "services/enterprise-email/index.html").read_text()
    assert '<img class="brand-logo" src="../../images/seal.png" alt=""' in html
    assert (sample / "images/seal.png").is_file()


def test_footer_links_accessibility_and_privacy_and_says_when_updated(sample: Path):
    home = (sample / "index.html").read_text()
    footer = home[home.index('<footer class="site-footer">') :]
    assert '<a href="accessibility/">Accessibility</a>' in footer
    assert '<a href="privacy/">Privacy</a>' in footer
    updated = re.search(r"last updated (\w+ \d+, \d{4})", footer)
    assert updated
    day = dt.datetime.strptime(updated.group(1), "%B %d, %Y").date()
    assert day <= SAMPLE_AS_OF


def test_accessibility_statement_lists_the_checks_the_build_runs(sample: Path):
    html = (sample / "accessibility/index.html").read_text()
    assert "Pages that read above U.S. school grade 8." in html
    assert "Sentences longer than 25 words." in html
    assert "Images without a text description" in html
    assert "turn off" not in html  # the sample skips no check
    assert (sample / "privacy/index.html").is_file()


def test_a_logo_that_is_not_an_image_in_content_images_stops_the_build(scratch, tmp_path):
    scratch.replace("catalog.yaml", "  name: ", "  logo: images/missing-seal.png\n  name: ")
    with pytest.raises(SiteError) as caught:
        build(scratch.root, tmp_path / "out", SAMPLE_AS_OF, pdf=False, search=False)
    assert "unknown image 'images/missing-seal.png'" in str(caught.value)
    scratch.replace("catalog.yaml", "logo: images/missing-seal.png", "logo: ../secrets/seal.png")
    with pytest.raises(SiteError) as caught:
        build(scratch.root, tmp_path / "out2", SAMPLE_AS_OF, pdf=False, search=False)
    assert "expected images/<file>.png" in str(caught.value)
