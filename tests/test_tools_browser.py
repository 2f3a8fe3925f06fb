"""The agency tools in a real browser: Playwright driving Debian's Chromium.

The sample catalog is built as of a fixed date (FY2027 in effect, FY2028 published)
so every figure below can be worked out by hand from rates.yaml.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re

import pytest

from catalogpress.app.build import build

from .checks import require_tool, serve_folder
from .conftest import SAMPLE_AS_OF

pytestmark = pytest.mark.slow  # Chromium, and the sample site with its PDFs

CHROMIUM = "/usr/bin/chromium"
AS_OF = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def site(sample_site):
    """The sample catalog as of AS_OF with its PDFs: conftest's shared session build."""
    assert AS_OF == SAMPLE_AS_OF
    return sample_site


@pytest.fixture(scope="module")
def chromium():
    require_tool(os.path.exists(CHROMIUM), "Chromium")
    try:
        from playwright import sync_api
    except ImportError:  # in CI a failure, never a skip
        require_tool(False, "Playwright for Python")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
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
        yield browser
        browser.close()


@pytest.fixture
def page(site, chromium):
    with serve_folder(site) as base:
        context = chromium.new_context(accept_downloads=True)
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.base = base  # type: ignore[attr-defined]
        yield tab
        context.close()
        assert errors == []


def results(page) -> list[tuple[str, str]]:
    page.wait_for_function("document.getElementById('search-status').textContent.match(/result/)")
    return [
        (a.inner_text(), a.get_attribute("href"))
        for a in page.locator("#search-results h2 a").all()
    ]


def test_search_finds_a_known_service(page):
    page.goto(page.base)
    page.get_by_label("Search the catalog").fill("mailbox")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=mailbox$"))
    found = results(page)
    assert ("Enterprise Email", "/services/enterprise-email/") in found
    assert re.fullmatch(r"\d+ results? for “mailbox”\.", page.inner_text("#search-status"))
    page.get_by_role("link", name="Enterprise Email").first.click()
    assert page.locator("h1").inner_text() == "Enterprise Email"


def test_search_filters_by_category_audience_and_status(page, site):
    in_category = set(
        re.findall(
            r'<a href="\.\./\.\./services/([a-z0-9-]+)/"',
            (site / "categories/security/index.html").read_text(),
        )
    )
    assert len(in_category) >= 3
    page.goto(page.base + "search/?category=Security")
    found = results(page)
    assert {href.split("/")[2] for _, href in found} == in_category
    summaries = [
        p.inner_text() for p in page.locator("#search-results li p:not(.result-labels)").all()
    ]
    assert len(summaries) == len(found) and all(summaries)  # no words, so the summary shows
    page.get_by_label("Search for").fill("training")
    page.get_by_label("Who can order").select_option("Public school districts")
    page.get_by_role("button", name="Search").last.click()
    assert "/search/?q=training&category=Security&audience=Public+school+districts" in page.url
    found = results(page)
    assert found == [("Security Awareness Training", "/services/security-awareness-training/")]
    page.get_by_label("Status").select_option("Proposed")
    page.get_by_role("button", name="Search").last.click()
    page.wait_for_function(
        "document.getElementById('search-status').textContent.startsWith('No results')"
    )
    assert page.locator("#search-results li").count() == 0


def test_without_javascript_category_listings_still_work(site, chromium):
    with serve_folder(site) as base:
        context = chromium.new_context(java_script_enabled=False)
        tab = context.new_page()
        tab.goto(base + "search/?q=mailbox")
        assert "Search needs JavaScript" in tab.inner_text("main")
        tab.get_by_role("link", name="Email and Collaboration").click()
        assert tab.locator("h1").inner_text() == "Email and Collaboration"
        tab.get_by_role("link", name="Enterprise Email").click()
        assert tab.locator("h1").inner_text() == "Enterprise Email"
        context.close()


def add_service(page, service_id: str) -> None:
    """Add a service to the estimate with the form's own control, as a reader would."""
    page.get_by_label("Add a service").select_option(service_id)
    page.get_by_role("button", name="Add", exact=True).click()


BASKET_SERVICES = ["virtual-servers", "server-colocation", "print-services", "e-signature"]
BASKET_SERVICES.append("wide-area-network")
BASKET = {  # label on the form -> quantity; see the totals worked out below
    "Virtual server base": "10",  # $64.50/month x 10 (both years)
    "Rack space": "2",  # minimum 4: FY2027 $33.25 x 4, FY2028 $32.25 x 4
    "Black-and-white page": "12,345",  # a month: FY2027 $0.0120, FY2028 $0.0122 (150.609)
    "Sender license": "3",  # minimum 5, yearly: $228.00 x 5
    "New site installation": "2",  # one-time: FY2027 $2,500.00, FY2028 $2,475.00
}
# FY2027: monthly 645.00 + 133.00 + 148.14 = 926.14; yearly 926.14 x 12 + 1,140.00
# FY2028: monthly 645.00 + 129.00 + 150.61 = 924.61; yearly 924.61 x 12 + 1,140.00
EXPECTED = {
    ("monthly", "fy2027"): "$926.14",
    ("annual", "fy2027"): "$12,253.68",
    ("once", "fy2027"): "$5,000.00",
    ("monthly", "fy2028"): "$924.61",
    ("annual", "fy2028"): "$12,235.32",
    ("once", "fy2028"): "$4,950.00",
}


EXEC = "Executive branch agencies"


def test_estimator_totals_a_known_basket(page):
    page.goto(page.base + "estimator/")
    for service in BASKET_SERVICES:
        add_service(page, service)
    for label, quantity in BASKET.items():
        field = page.locator(".line:not([hidden])").get_by_label(label, exact=False)
        assert field.count() == 1, label  # every quantity the class pays has its own label
        field.fill(quantity)
    for (kind, sheet), amount in EXPECTED.items():
        cell = page.locator(f'[data-total="{kind}"][data-sheet="{sheet}"]')
        assert cell.inner_text() == amount, (kind, sheet)
    summary = page.locator("#estimate-summary[role=status][aria-live=polite]")
    # The summary is announced 400 ms after the last edit; on a busy machine the fills are
    # further apart than that, so an announcement of a part-filled basket comes first.
    page.wait_for_function(
        "document.getElementById('estimate-summary').textContent.includes('FY2027: $926.14')"
    )
    assert summary.inner_text() == (
        "For executive branch agencies: "
        "FY2027: $926.14 a month, $12,253.68 a year, $5,000.00 one-time. "
        "FY2028: $924.61 a month, $12,235.32 a year, $4,950.00 one-time."
    )
    rows = page.locator("#estimate-lines tbody tr")
    assert rows.count() == 5
    assert rows.nth(0).inner_text().split("\t")[-1] in {
        "$645.00",
        "$133.00",
        "$148.14",
        "$1,140.00",
        "$5,000.00",
    }

    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename == "estimate-2026-11-23.csv"
    table = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert table[0][:3] == ["fiscal_year", "service", "item"]
    totals = [row for row in table if row[1] == "Total"]
    assert totals == [
        ["FY2027", "Total", "", "", "", "", "", "", "926.14", "12253.68", "5000.00", EXEC],
        ["FY2028", "Total", "", "", "", "", "", "", "924.61", "12235.32", "4950.00", EXEC],
    ]
    pages = next(row for row in table if row[2] == "Black-and-white page" and row[0] == "FY2028")
    assert pages[4:8] == ["12345", "0.0122", "use", "150.61"]


def test_estimator_rejects_bad_input_and_can_be_printed(page):
    page.goto(page.base + "estimator/")
    add_service(page, "virtual-servers")
    field = page.get_by_label("Virtual server base")
    field.fill("ten")
    assert field.get_attribute("aria-invalid") == "true"
    error = page.locator(f"#{field.get_attribute('id')}-error")
    assert error.inner_text() == "Enter a number of 0 or more, like 12 or 2.5."
    assert error.get_attribute("id") in field.get_attribute("aria-describedby")
    assert page.locator('[data-total="monthly"][data-sheet="fy2027"]').inner_text() == "$0.00"
    field.fill("1")
    assert field.get_attribute("aria-invalid") is None
    page.keyboard.press("Tab")  # keyboard reaches the next quantity
    assert (
        page.evaluate("document.activeElement.dataset.key")
        == "virtual-servers|Virtual processor (vCPU)|"
    )
    page.emulate_media(media="print")
    assert not page.locator("#estimator").is_visible()
    assert page.locator("#estimate-totals").is_visible()
    assert page.get_by_text("Estimate made on the Department of Technology Services").is_visible()


def test_in_house_comparison_computes_the_right_figures(page):
    page.goto(page.base + "compare/")
    page.get_by_label("Service and rate").select_option("virtual-servers|Virtual server base|")
    page.get_by_label("How many").fill("10")
    for label, value in [
        ("Staff hours a year", "200"),
        ("Cost of a staff hour", "55.50"),
        ("Hardware and software", "3,000"),
        ("Space, dollars", "1200"),
        ("Power and cooling", "800.50"),
        ("Backup and disaster recovery", "1500"),
        ("Security, dollars", "2000"),
        ("Overhead, percent", "10"),
    ]:
        page.get_by_label(label, exact=False).fill(value)
    cells = {
        (side, part): page.locator(f'[data-side="{side}"][data-part="{part}"]').inner_text()
        for side in ("in-house", "ours")
        for part in (
            "labor",
            "facilities",
            "hardware",
            "disaster_recovery",
            "security",
            "overhead",
            "total",
        )
    }
    # Theirs: 200 h x $55.50; space + power; direct 19,600.50 plus 10% overhead.
    assert cells[("in-house", "labor")] == "$11,100.00"
    assert cells[("in-house", "facilities")] == "$2,000.50"
    assert cells[("in-house", "overhead")] == "$1,960.05"
    assert cells[("in-house", "total")] == "$21,560.55"
    # Ours: the FY2027 breakdown of $64.50 x 10 virtual servers x 12 months.
    assert cells[("ours", "labor")] == "$2,322.00"
    assert cells[("ours", "hardware")] == "$2,167.20"
    assert cells[("ours", "total")] == "$7,740.00"
    page.wait_for_function(
        "document.getElementById('compare-summary').textContent.startsWith('Doing it yourself')"
    )
    assert page.inner_text("#compare-summary") == (
        "Doing it yourself: $21,560.55 a year. With us: $7,740.00 a year, $13,820.55 less."
    )
    # No market price for a bare server base: the benchmark is for the whole typical
    # server, set against the whole order: $64.50 + 2 x $9.20 + 100 GB x $0.17 = $99.90.
    assert page.inner_text("#compare-benchmark") == (
        "This line has no market price for the same item."
    )
    typical = page.locator("tr", has_text="Typical virtual server")
    assert typical.locator("td").nth(0).inner_text() == "$99.90"
    assert typical.locator("td").nth(1).inner_text() == "$112.00"
    assert typical.get_by_role("link", name=re.compile("SPA-122")).count() == 1
    assert "checked March 2, 2026" in typical.inner_text()


def test_search_finds_a_pdf_once_through_the_page_that_prints_it(tmp_path, chromium, scratch):
    """A brochure prints its service page, so the page is the hit (it offers the PDF);
    the catalog book, which no single page shows, is a hit of its own, labelled."""
    from .conftest import MINIMAL_AS_OF

    scratch.replace("content/services/email.md", "\n---\n", "\n---\nGuarded by zanzibarite.\n\n", 1)
    out = tmp_path / "site"
    build(scratch.root, out, MINIMAL_AS_OF, cache=tmp_path / "cache")
    with serve_folder(out) as base:
        tab = chromium.new_page()
        tab.goto(base + "search/?q=zanzibarite")
        found = results(tab)
        labels = [t.inner_text() for t in tab.locator("#search-results .result-labels").all()]
        tab.close()
    hrefs = [h for _, h in found]
    assert "/services/email/" in hrefs
    assert "/pdf/services/email.pdf" not in hrefs  # no duplicate of the page
    assert [h for h in hrefs if h.endswith(".pdf")] == ["/pdf/service-catalog.pdf"]
    assert labels[hrefs.index("/services/email/")] == "Service"
    assert labels[hrefs.index("/pdf/service-catalog.pdf")] == "PDF document"


def test_a_search_index_made_in_parts_finds_what_one_index_finds(
    tmp_path, chromium, scratch, monkeypatch
):
    """A big catalog's index is made in parts (one edit then re-indexes one part) and
    merged by the search page: the same hits, by words and by filters, also when most
    parts come from the cache after an edit."""
    import catalogpress.index.search as search

    from .conftest import MINIMAL_AS_OF

    queries = ("search/?q=email", "search/?q=service", "search/?status=Active")

    def hits(out, extra=()):
        found = {}
        with serve_folder(out) as base:
            tab = chromium.new_page()
            for query in (*queries, *extra):
                tab.goto(base + query)
                found[query] = sorted(h for _, h in results(tab))
            tab.close()
        return found

    whole = tmp_path / "whole"
    build(scratch.root, whole, MINIMAL_AS_OF, pdf=False, cache=tmp_path / "cache-whole")
    monkeypatch.setattr(search, "PART_PAGES", 6)
    split = tmp_path / "split"
    build(scratch.root, split, MINIMAL_AS_OF, pdf=False, cache=tmp_path / "cache")
    parts = json.loads((split / "pagefind/catalogpress-parts.json").read_text())["parts"]
    assert len(parts) >= 3
    assert json.loads((whole / "pagefind/catalogpress-parts.json").read_text()) == {"parts": []}
    one, merged = hits(whole), hits(split)
    assert all(one.values()) and merged == one
    # An edit: the second build takes the other parts from the cache.
    scratch.replace("content/services/email.md", "\n---\n", "\n---\nGuarded by zanzibarite.\n\n", 1)
    build(scratch.root, split, MINIMAL_AS_OF, pdf=False, cache=tmp_path / "cache")
    monkeypatch.setattr(search, "PART_PAGES", 200)
    build(scratch.root, whole, MINIMAL_AS_OF, pdf=False, cache=tmp_path / "cache-whole")
    new = ("search/?q=zanzibarite",)
    one, merged = hits(whole, new), hits(split, new)
    assert one[new[0]] == ["/services/email/"] and merged == one


def test_search_results_say_what_each_hit_is_and_put_retired_services_last(page):
    page.goto(page.base + "search/?q=backups")
    found = results(page)
    items = page.locator("#search-results li").all()
    labels = {
        a: [tag.inner_text() for tag in li.locator(".result-labels .tag").all()]
        for (a, _), li in zip(found, items, strict=True)
    }
    assert labels["Backup and Recovery"] == ["Service"]
    assert labels["Tape Backup"] == ["Service", "Retired"]
    names = [a for a, _ in found]
    # Every hit that is not a retired service comes first, in Pagefind's order.
    retired = [i for i, n in enumerate(names) if "Retired" in labels[n]]
    assert retired == list(range(len(names) - len(retired), len(names)))
    from catalogpress.render.pages import SEARCH_TYPES

    kinds = {labels[n][0] for n in names}  # every hit says what it is
    assert kinds <= {*SEARCH_TYPES.values(), "Page", "PDF document"}
    assert len(kinds) > 1, kinds  # services, and the other pages that mention backups


def agency_totals(page) -> dict[str, str]:
    """The bill's totals on an agency page, as the page shows them."""
    found = {}
    for name, kind in [("Monthly cost", "monthly"), ("Yearly cost", "annual")]:
        found[kind] = page.locator(f"dt:text-is('{name}') + dd").inner_text()
    one_time = page.locator("dt:text-is('One-time charges') + dd")
    found["once"] = one_time.inner_text() if one_time.count() else "$0.00"
    return found


def estimator_totals(page, sheet: str = "fy2027") -> dict[str, str]:
    return {
        kind: page.locator(f'[data-total="{kind}"][data-sheet="{sheet}"]').inner_text()
        for kind in ("monthly", "annual", "once")
    }


def quantity(page, key: str):
    return page.locator(f'.line:not([hidden]) input[data-key="{key}"]')


@pytest.mark.parametrize(
    ("agency", "customer_class"),
    [
        # a one-time site installation, 15-minute steps, use split by program
        ("transportation", "executive"),
        # other state entities pay their own 1 Gbps site rate
        ("legislative-services", "other-state"),
        # a markup on the cloud provider's bill, 0.1-hour consulting steps
        ("northhaven-state-university", "local-government"),
        # a yearly license with a minimum of 5, and a one-time exercise
        ("revenue", "executive"),
    ],
)
def test_agency_page_and_its_estimate_agree_to_the_cent(page, agency, customer_class):
    """Python (the agency page) and the browser (the estimator opened from it) give the
    same monthly, yearly and one-time totals, at the agency's class rates."""
    page.goto(page.base + f"agencies/{agency}/")
    expected = agency_totals(page)
    assert re.fullmatch(r"\$\d{1,3}(,\d{3})*\.\d\d", expected["monthly"])
    assert expected["monthly"] != "$0.00"
    page.get_by_role("link", name="Open these quantities in the cost estimator").click()
    page.wait_for_url(re.compile(r"/estimator/#class="))
    assert page.get_by_label("Your agency's customer class").input_value() == customer_class
    assert estimator_totals(page) == expected


def test_estimate_follows_the_address_and_keeps_programs_apart(page):
    page.goto(page.base + "agencies/transportation/")
    monthly = agency_totals(page)["monthly"]
    page.get_by_role("link", name="Open these quantities in the cost estimator").click()
    page.wait_for_url(re.compile(r"/estimator/#"))
    base = quantity(page, "virtual-servers|Virtual server base|")
    assert base.input_value() == "120 + 60"  # two programs, billed one by one
    assert estimator_totals(page)["monthly"] == monthly
    base.fill("181")  # the address follows the form
    address = page.evaluate("window.location.href")
    assert "class=executive" in address
    assert "virtual-servers%7CVirtual+server+base%7C=181" in address
    page.goto(page.base + "estimator/#" + address.split("#")[1].replace("=181", "=7"))
    assert quantity(page, "virtual-servers|Virtual server base|").input_value() == "7"
    page.goto("about:blank")
    page.goto(address)  # a bookmarked estimate
    assert quantity(page, "virtual-servers|Virtual server base|").input_value() == "181"


def test_estimator_prices_each_rate_kind_for_the_chosen_class(page):
    page.goto(page.base + "estimator/")
    chooser = page.get_by_label("Your agency's customer class")
    assert chooser.input_value() == "executive"  # the reference class, the first defined
    # Only the lines of the class: executive agencies see the everyone line of the 1 Gbps
    # site and mailbox, not the other classes' lines.
    assert quantity(page, "wide-area-network|Site connection, 1 Gbps|").count() == 1
    assert quantity(page, "wide-area-network|Site connection, 1 Gbps|other-state").count() == 0
    chooser.select_option("local-government")
    assert page.inner_text("#estimate-class") == "Rates for local governments and universities."
    assert quantity(page, "enterprise-email|Standard mailbox|").count() == 0
    for service in ["cloud-brokerage", "server-colocation", "e-signature", "wide-area-network"]:
        add_service(page, service)
    add_service(page, "enterprise-email")
    markup = quantity(page, "cloud-brokerage|Cloud provider usage|")
    hint = page.locator(f"#{markup.get_attribute('id')}-hint").inner_text()
    assert "Cost + 6%" in hint and "Estimated from the bill you enter." in hint
    label = page.locator(f"label[for='{markup.get_attribute('id')}']").inner_text()
    assert label.startswith("Cloud provider usage: the provider's expected monthly bill ($)")
    steps = quantity(page, "server-colocation|Remote hands|")
    hint = page.locator(f"#{steps.get_attribute('id')}-hint").inner_text()
    assert "Billed in steps of 15 minutes. Minimum 30 minutes. Enter how many a month." in hint
    for key, value in [
        ("cloud-brokerage|Cloud provider usage|", "$18,420.00"),  # x 1.06 = 19,525.20
        ("cloud-brokerage|Cloud architecture consulting|", "7.53"),  # 7.6 h x 118 = 896.80
        ("server-colocation|Remote hands|", "0.1"),  # minimum 0.5 h x 84 = 42.00
        ("e-signature|Sender license|", "3"),  # minimum 5 x 228.00 = 1,140.00 a year
        ("wide-area-network|New site installation|", "1"),  # one-time 2,500.00; 2,475.00
        ("enterprise-email|Standard mailbox|local-government", "10"),  # 6.90; 6.62 x 10
    ]:
        quantity(page, key).fill(value)
    # FY2027 monthly 19,525.20 + 896.80 + 42.00 + 69.00 = 20,533.00;
    #   yearly 20,533.00 x 12 + 1,140.00 = 247,536.00; one-time 2,500.00.
    # FY2028 monthly 19,525.20 + 896.80 + 42.00 + 66.20 = 20,530.20;
    #   yearly 20,530.20 x 12 + 1,140.00 = 247,502.40; one-time 2,475.00.
    assert estimator_totals(page, "fy2027") == {
        "monthly": "$20,533.00",
        "annual": "$247,536.00",
        "once": "$2,500.00",
    }
    assert estimator_totals(page, "fy2028") == {
        "monthly": "$20,530.20",
        "annual": "$247,502.40",
        "once": "$2,475.00",
    }
    page.wait_for_function(
        "document.getElementById('estimate-summary').textContent.includes('$20,533.00')"
    )
    assert page.inner_text("#estimate-summary").startswith(
        "For local governments and universities: FY2027: $20,533.00 a month"
    )
    usage = page.locator("#estimate-lines tbody tr", has_text="Cloud provider usage")
    assert usage.locator("td").all_inner_texts() == ["$18,420.00", "$19,525.20"]
    # Another class keeps the quantities, at its own lines: 10 mailboxes at $6.10.
    chooser.select_option("executive")
    assert quantity(page, "enterprise-email|Standard mailbox|").input_value() == "10"
    assert estimator_totals(page, "fy2027")["monthly"] == "$20,525.00"  # 20,533.00 - 8.00
    assert "class=executive" in page.evaluate("window.location.hash")


def test_search_opened_from_disk_says_what_to_do(site, chromium):
    tab = chromium.new_page()
    tab.goto((site / "search" / "index.html").as_uri() + "?q=mailbox")
    tab.wait_for_function("document.getElementById('search-status').textContent !== ''")
    assert tab.inner_text("#search-status").startswith(
        "Search works when the site is published on a web server"
    )
    assert tab.get_by_role("link", name="Email and Collaboration").count() == 1
    tab.close()


def test_service_results_table_sorts_by_a_column(page):
    page.goto(page.base + "performance/")
    table = page.locator("table[data-sortable]")
    first = table.locator("tbody tr th").first.inner_text()
    assert first == "Application Development and Support"  # published order: by name
    column = table.locator("thead th").nth(2)
    heading = column.get_by_role("button", name="Availability")

    def shown() -> list[float]:
        cells = table.locator("tbody td[data-label=Availability]")
        return [float(v) for v in cells.evaluate_all("cs => cs.map(c => c.dataset.value)")]

    heading.click()
    assert column.get_attribute("aria-sort") == "ascending"
    assert shown() == sorted(shown()) and len(shown()) >= 24
    heading.click()
    assert column.get_attribute("aria-sort") == "descending"
    assert shown() == sorted(shown(), reverse=True)
