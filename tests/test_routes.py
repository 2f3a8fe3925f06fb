"""The route table: one place decides every page's path, title and breadcrumbs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from catalogpress.app.build import build, load_site
from catalogpress.core.errors import SiteError
from catalogpress.routes import RESERVED_NAMES, page_path, source_page

from .conftest import MINIMAL, MINIMAL_AS_OF, REPO

THEME = REPO / "themes" / "default" / "templates"


@pytest.fixture(scope="module")
def minimal_site():
    site, _ = load_site(MINIMAL, MINIMAL_AS_OF)
    return site


def test_paths_titles_and_crumbs_of_the_fixture_site(minimal_site):
    routes = minimal_site.routes
    email = routes.get("service", "email")
    assert email.path == "services/email/" and email.title == "Email"
    assert routes.crumbs(email) == (
        ("Home", ""),
        ("Categories", "categories/"),
        ("Email and collaboration", "categories/collaboration/"),
    )
    sheet = routes.get("rate_sheet", "fy2026")
    assert (sheet.path, sheet.title) == ("rates/fy2026/", "FY2026 rates")
    assert routes.crumbs(sheet) == (("Home", ""), ("Rates", "rates/"))
    changes = routes.get("rate_changes", "fy2025-to-fy2026")
    assert changes.path == "rates/changes/fy2025-to-fy2026/"
    assert changes.title == "Rate changes from FY2025 to FY2026"
    assert routes.crumbs(routes.get("maintenance")) == (("Home", ""), ("Customer care", "care/"))
    assert routes.crumbs(routes.get("agency", "parks"))[-1] == ("Agencies", "agencies/")
    assert routes.crumbs(routes.get("home")) == ()
    with pytest.raises(KeyError, match="no service page for 'nope'"):
        routes.path("service", "nope")


def test_every_page_written_is_in_the_route_table_and_the_sitemap(tmp_path):
    out = tmp_path / "site"
    build(MINIMAL, out, MINIMAL_AS_OF, pdf=False, search=False)
    site, _ = load_site(MINIMAL, MINIMAL_AS_OF)
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert written == sorted(r.output for r in site.routes.routes)
    loc = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
    listed = {e.text for e in ET.parse(out / "sitemap.xml").getroot().iter(loc)}
    base = site.settings.base_url.rstrip("/") + "/"
    assert listed == {base + r.path for r in site.routes.routes if r.filename == "index.html"}


GENERATED = {
    "/estimator/": "../../estimator/",
    "/rates/fy2026/": "../../rates/fy2026/",
    "/agencies/": "../../agencies/",
    "/agencies/parks/": "../../agencies/parks/",
    "/care/maintenance/": "../../care/maintenance/",
    "/rates/changes/fy2025-to-fy2026/": "../../rates/changes/fy2025-to-fy2026/",
    "/compare/": "../../compare/",
    "/data/": "../../data/",
    "/whats-new/": "../../whats-new/",
    "/search": "../../search/",
}


def test_markdown_links_to_pages_the_site_makes_itself_work(scratch, tmp_path):
    """docs/formats.md promises that links starting with / reach any page of the site."""
    links = " ".join(f"[page {i}]({target})" for i, target in enumerate(GENERATED))
    scratch.replace("content/services/email.md", "\n---\n", f"\n---\nSee {links}.\n\n", 1)
    out = tmp_path / "site"
    build(scratch.root, out, MINIMAL_AS_OF, pdf=False, search=False)
    page = (out / "services/email/index.html").read_text()
    hrefs = re.findall(r'<a href="([^"]*)">page \d+</a>', page)
    assert hrefs == list(GENERATED.values())


def test_a_link_to_a_page_the_site_lacks_is_named_with_a_suggestion(scratch):
    scratch.replace("content/services/email.md", "\n---\n", "\n---\nSee [it](/estimatr/).\n\n", 1)
    with pytest.raises(SiteError) as caught:
        load_site(scratch.root, MINIMAL_AS_OF)
    [problem] = caught.value.problems
    assert problem.file == "content/services/email.md"
    assert "the link '/estimatr/' points to nothing" in problem.message
    assert "did you mean '/estimator/'?" in problem.message


@pytest.mark.parametrize("name", ["estimator", "agencies", "whats-new", "pdf", "data", "assets"])
def test_a_content_page_may_not_take_a_name_the_site_uses(scratch, name):
    assert name in RESERVED_NAMES
    scratch.write(f"content/pages/{name}.md", "---\ntitle: Mine\n---\nText.\n")
    with pytest.raises(SiteError) as caught:
        load_site(scratch.root, MINIMAL_AS_OF)
    assert any(
        p.file == f"content/pages/{name}.md" and "reserved" in p.message
        for p in caught.value.problems
    )


def test_the_preview_finds_the_page_of_a_content_file():
    assert source_page("content/slas/sla-basic.md") == page_path("sla", "sla-basic")
    assert source_page("content/services/email.md") == "services/email/"
    assert source_page("content/pages/about.md") == "about/"
    assert source_page("content/glossary.md") == "glossary/"
    assert source_page("content/images/x.png") is None
    assert source_page("catalog.yaml") is None


def _templates() -> list[Path]:
    return sorted(p for p in THEME.rglob("*") if p.suffix in (".html", ".xml"))


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(THEME)))
def test_templates_build_no_paths_by_hand(template):
    """Templates name pages by kind (url_for); a literal path would bypass the table."""
    text = template.read_text()
    assert not re.search(r"url\(\s*\(?\s*'", text), "use url_for('kind', key) instead"
    assert "~ '/'" not in text and "{{ base }}" not in text
