"""Each agency's budget impact of next year's rates, and the rate change notice (issue #14).

The budget fixture (tests/fixtures/budget/README.md) is the minimal site in budget season:
FY2026 in effect on the build date, FY2027 published ahead, two agencies of two customer
classes. Every figure below is worked out by hand in the comments; the page, its PDF, its
CSV and the agency's own page must all give the same figures to the cent.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from catalogpress.app.build import build, load_site
from catalogpress.model.budget import budget_views

from .conftest import MINIMAL, MINIMAL_AS_OF, REPO, SAMPLE_AS_OF
from .test_pdf import text as pdf_text

BUDGET = Path(__file__).parent / "fixtures" / "budget"
D = Decimal

# DOP, state agencies (FY2026 rate -> FY2027 rate; monthly lines are billed 12 times a year):
#   Mailbox           120 x $5.75 = $690.00 a month = $8,280.00 a year -> 120 x $6.00 = $720.00
#                     = $8,640.00 (+$360.00)
#   Archive license   yearly: 10 x $20.00 = $200.00 -> 10 x $22.00 = $220.00 (+$20.00)
#   Setup             one time: 2 x $25 = $50.00 -> 2 x $30 = $60.00 (apart from the year)
#   Support call-out  3.1 hours billed in 15-minute steps as 3.25: 3.25 x $90.00 = $292.50
#                     a month = $3,510.00 -> 3.25 x $95.00 = $308.75 = $3,705.00 (+$195.00)
#   Extra storage     4 GB, 10 GB minimum: 10 x $0.50 = $5.00 a month = $60.00, both years
#   Cloud usage       $1,000.00 bill + 6% = $1,060.00 a month = $12,720.00 -> + 8%
#                     = $1,080.00 = $12,960.00 (+$240.00)
#   Carrier calls     $200.00 bill at cost = $2,400.00 a year, both years
#   POP access        15 x $1.00 = $15.00 a month = $180.00; not offered in FY2027
# Monthly: 690 + 292.50 + 5 + 1,060 + 200 + 15 = $2,262.50 -> 720 + 308.75 + 5 + 1,080
#   + 200 = $2,313.75
# Yearly:  12 x 2,262.50 + 200 = $27,350.00 -> 12 x 2,313.75 + 220 = $27,985.00
# Change:  +$635.00; 635 / 27,350 = 2.32% -> +2.3%
DOP = {
    "monthly": (D("2262.50"), D("2313.75")),
    "yearly": (D("27350.00"), D("27985.00")),
    "one_time": (D("50.00"), D("60.00")),
    "change": D("635.00"),
    "percent": D("2.3"),
}
# Harbor County, local governments:
#   Mailbox           40 x $6.50 (the local rate) = $260.00 a month = $3,120.00
#                     -> 40 x $6.25 = $250.00 = $3,000.00 (-$120.00)
#   Archive license   yearly: 3 x $20.00 = $60.00 -> 3 x $22.00 = $66.00 (+$6.00)
#   Support call-out  0.5 hours, one-hour minimum: 1 x $90.00 = $90.00 a month = $1,080.00
#                     -> 1 x $95.00 = $95.00 = $1,140.00 (+$60.00)
#   Setup             one time: 1 x $25 = $25.00 -> $30.00
# Monthly: 260 + 90 = $350.00 -> 250 + 95 = $345.00
# Yearly:  12 x 350 + 60 = $4,260.00 -> 12 x 345 + 66 = $4,206.00
# Change:  -$54.00; -54 / 4,260 = -1.27% -> -1.3%
HARBOR = {
    "monthly": (D("350.00"), D("345.00")),
    "yearly": (D("4260.00"), D("4206.00")),
    "one_time": (D("25.00"), D("30.00")),
    "change": D("-54.00"),
    "percent": D("-1.3"),
}
PARKS_SENTENCE = (
    "At FY2027 rates, DOP's yearly cost goes from $27,350.00 to $27,985.00, up $635.00 "
    "(+2.3%). One-time charges, counted apart, go from $50.00 to $60.00. The FY2027 figure "
    "leaves out 1 line DOP uses that FY2027 does not offer ($180.00 a year at FY2026 rates): "
    "ask Ana Park what replaces it."
)
HARBOR_SENTENCE = (
    "At FY2027 rates, Harbor County's yearly cost goes from $4,260.00 to $4,206.00, "
    "down $54.00 (\u22121.3%). One-time charges, counted apart, go from $25.00 to $30.00."
)


def budget_project(root: Path) -> Path:
    """The minimal site with the budget fixture's rates and agencies, at `root`."""
    shutil.copytree(MINIMAL, root)
    shutil.copy(BUDGET / "rates.yaml", root / "rates.yaml")
    catalog = (root / "catalog.yaml").read_text()
    agencies = (BUDGET / "agencies.yaml").read_text()
    catalog, n = re.subn(r"(?ms)^agencies:\n.*?(?=^services:)", agencies, catalog)
    assert n == 1
    (root / "catalog.yaml").write_text(catalog)
    return root


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return budget_project(tmp_path_factory.mktemp("budget") / "src")


@pytest.fixture(scope="module")
def model(project):
    return load_site(project, MINIMAL_AS_OF)


@pytest.fixture(scope="module")
def pages(project) -> Path:
    """The budget fixture built without PDFs (read only)."""
    out = project.parent / "pages"
    build(project, out, MINIMAL_AS_OF, pdf=False, search=False, cache=project.parent / "c1")
    return out


def plain(page: str) -> str:
    """A page's text with tags dropped and whitespace and entities collapsed."""
    inline = re.sub(r"</?(a|span|strong)\b[^>]*>", "", page)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", inline)))


def _view(site, agency_id: str):
    agency = next(a for a in site.agencies if a.agency.id == agency_id)
    [view] = budget_views(site, agency)
    return view


@pytest.mark.parametrize(("agency_id", "expected"), [("parks", DOP), ("harbor", HARBOR)])
def test_budget_impact_figures_by_hand(model, agency_id, expected):
    site, _ = model
    view = _view(site, agency_id)
    assert (view.now_sheet.sheet.label, view.next_sheet.sheet.label) == ("FY2026", "FY2027")
    for name in ("monthly", "yearly", "one_time"):
        assert (getattr(view.now, name), getattr(view.next, name)) == expected[name], name
    assert view.change == expected["change"] and view.impact.percent == expected["percent"]
    # The budget's "this year" is the agency's bill, the very same object.
    agency = view.agency
    assert view.impact.now is site.prices.bill(agency)
    assert site.prices.impacts(agency)[0] is view.impact, "computed once per build"


def test_changed_lines_their_kinds_reasons_and_effects(model):
    site, _ = model
    view = _view(site, "parks")
    lines = {line.item: line for line in view.lines}
    assert set(lines) == {
        "Mailbox",
        "Archive license",
        "Setup",
        "Support call-out",
        "Cloud usage",
        "POP access",
    }, "Extra storage and Carrier calls keep their price"
    mailbox = lines["Mailbox"]
    assert (mailbox.kind, mailbox.difference, mailbox.percent) == ("up", D("0.25"), D("4.3"))
    assert mailbox.reason == "The mail platform license price rose."
    assert mailbox.yearly_change == D("360.00")
    cloud = lines["Cloud usage"]  # 6% -> 8% of the same $1,000.00 bill
    assert (cloud.kind, cloud.difference, cloud.points, cloud.percent) == ("up", 2, True, None)
    assert cloud.yearly_change == D("240.00")
    setup = lines["Setup"]
    assert setup.one_time and setup.one_time_change == D("10.00") and setup.reason is None
    pop = lines["POP access"]
    assert (pop.kind, pop.yearly_change) == ("not-offered", D("-180.00"))
    assert view.not_offered == ("POP access",) and view.not_offered_yearly == D("180.00")
    assert view.without_reason == 1 and view.provider_billed
    harbor = {line.item: line for line in _view(site, "harbor").lines}
    # Harbor pays the local class's mailbox rate, $6.50 -> $6.25, with that line's reason.
    assert harbor["Mailbox"].kind == "down" and harbor["Mailbox"].difference == D("-0.25")
    assert harbor["Mailbox"].reason == "More local mailboxes share the filtering cost."


def test_a_changed_rate_without_a_reason_is_a_warning(project, tmp_path):
    _, problems = load_site(project, MINIMAL_AS_OF)
    assert problems.errors == []
    [warning] = problems.warnings
    assert (warning.file, warning.field) == ("rates.yaml", "rate_sheets[FY2027].lines[3].reason")
    assert "changed from FY2026 ($25) to $30: add reason:" in warning.message
    # A markup that changes without a reason is named by its percentages.
    copy = tmp_path / "src"
    shutil.copytree(project, copy)
    rates = copy / "rates.yaml"
    reason = "        reason: Cost reports now cover every account.\n"
    rates.write_text(rates.read_text().replace(reason, ""))
    _, problems = load_site(copy, MINIMAL_AS_OF)
    assert problems.errors == []
    messages = [w.message for w in problems.warnings]
    assert any("from FY2026 (cost + 6%) to cost + 8%" in m for m in messages), messages


def test_budget_pages_exist_only_for_sheets_published_ahead(model, project, tmp_path):
    site, _ = model
    keys = {r.key for r in site.routes.routes if r.kind == "budget_impact"}
    assert keys == {"parks/fy2027", "harbor/fy2027"}
    route = site.routes.get("budget_impact", "parks/fy2027")
    assert route.path == "agencies/parks/budget-fy2027/"
    assert site.routes.crumbs(route)[-2:] == (
        ("Agencies", "agencies/"),
        ("DOP", "agencies/parks/"),
    )
    copy = tmp_path / "src"
    shutil.copytree(project, copy)
    catalog = copy / "catalog.yaml"  # a year on, the POP access it used is gone
    pop = '          - item: POP access\n            quantity: "15"\n'
    catalog.write_text(catalog.read_text().replace(pop, ""))
    later, _ = load_site(copy, dt.date(2026, 8, 1))  # FY2027 in effect, nothing ahead
    assert not [r for r in later.routes.routes if r.kind == "budget_impact"]
    assert all(budget_views(later, a) == [] for a in later.agencies)


def test_budget_page_states_the_figures_and_is_linked(pages):
    page = (pages / "agencies/parks/budget-fy2027/index.html").read_text()
    text = plain(page)
    assert re.search(r'<p class="lead">([^<]*)</p>', page)[1] == PARKS_SENTENCE
    assert "Customer class State agencies" in text
    assert "Yearly total $27,350.00 $27,985.00 up $635.00 +2.3%" in text
    assert "Monthly total $2,262.50 $2,313.75 up $51.25" in text
    assert "One-time total $50.00 $60.00 up $10.00" in text
    assert "Cloud usage Increase Cost + 6% Cost + 8% +2 points" in text
    assert "Mailbox Increase $5.75 $6.00 +$0.25 (+4.3%) +$360.00 a year" in text
    assert "The mail platform license price rose." in text
    assert "POP access Not offered in FY2027 $1.00 Not offered" in text
    assert "No reason given on the FY2027 rate sheet." in text  # Setup
    harbor = plain((pages / "agencies/harbor/budget-fy2027/index.html").read_text())
    assert HARBOR_SENTENCE in harbor and "Customer class Local governments" in harbor
    mailbox = (
        "Mailbox (Local governments) $6.50 $6.25 \u2212$0.25 (\u22123.8%) \u2212$120.00 a year"
    )
    assert mailbox in harbor
    # Linked from the agency page (with the same sentence) and from the agencies list.
    agency = (pages / "agencies/parks/index.html").read_text()
    assert 'href="budget-fy2027/"' in agency and PARKS_SENTENCE in plain(agency)
    listing = (pages / "agencies/index.html").read_text()
    assert 'href="parks/budget-fy2027/"' in listing and 'href="harbor/budget-fy2027/"' in listing


def test_agency_page_bill_gives_the_same_totals(pages):
    for agency_id, figures in (("parks", DOP), ("harbor", HARBOR)):
        text = plain((pages / f"agencies/{agency_id}/index.html").read_text())
        (monthly, _), (yearly, _), (one_time, _) = (
            figures["monthly"],
            figures["yearly"],
            figures["one_time"],
        )
        assert f"Monthly cost ${monthly:,}" in text and f"Yearly cost ${yearly:,}" in text
        assert f"One-time charges ${one_time:,}" in text
        assert f"Total ${monthly:,} ${yearly:,}" in text


def test_budget_csv_has_the_same_figures_and_is_formula_safe(pages):
    with open(pages / "agencies/parks/budget-fy2027.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    total = rows[-1]
    assert total["row"] == "total"
    assert (total["yearly_this_year"], total["yearly_next_year"]) == ("27350.00", "27985.00")
    assert (total["yearly_change"], total["percent_change"], total["change"]) == (
        "635.00",
        "2.3",
        "up",
    )
    assert (total["one_time_this_year"], total["one_time_next_year"]) == ("50.00", "60.00")
    cloud = next(r for r in rows if r["item"] == "Cloud usage")
    assert (cloud["pricing"], cloud["rate_this_year"], cloud["rate_next_year"]) == (
        "markup",
        "6",
        "8",
    )
    pop = next(r for r in rows if r["item"] == "POP access")
    assert (pop["change"], pop["rate_next_year"], pop["yearly_next_year"]) == (
        "not-offered",
        "",
        "0.00",
    )
    assert all(not v.startswith(("=", "+", "@")) for r in rows for v in r.values())
    data = (pages / "data/index.html").read_text()
    assert 'href="../agencies/parks/budget-fy2027.csv"' in data


def test_rate_change_notice_shows_markups_at_cost_increases_and_reasons(pages):
    text = plain((pages / "rates/changes/fy2026-to-fy2027/index.html").read_text())
    assert "Email: Cloud usage Increase Why: Cost reports now cover every account." in text
    assert "Cost + 6% Cost + 8% +2 points \u2014" in text  # no percent of a percent
    carrier = "Email: Carrier calls of the provider's monthly bill At cost At cost \u2014 \u2014"
    assert carrier in text
    assert "$6.00" not in text.split("Cloud usage")[1].split("Carrier calls")[0]
    assert "Email: Mailbox (Local governments) Why: More local mailboxes" in text
    assert "Email: Mailbox Increase Why: The mail platform license price rose." in text
    assert "Email: Extra storage per gigabyte per month $0.50 $0.50 $0.00 0.0%" in text
    assert "Email: POP access per user per month $1.00 Discontinued" in text


@pytest.mark.slow
def test_budget_pdf_and_agency_sla_pdf_agree_with_the_page(project, tmp_path):
    out = tmp_path / "site"
    build(project, out, MINIMAL_AS_OF, search=False, cache=tmp_path / "cache")
    printed = re.sub(r"\s+", " ", pdf_text(out / "pdf/agencies/parks-budget-fy2027.pdf"))
    assert PARKS_SENTENCE.replace("'", "\u2019") in printed or PARKS_SENTENCE in printed
    assert "Yearly total $27,350.00 $27,985.00 up $635.00 +2.3%" in printed
    assert "One-time total $50.00 $60.00 up $10.00" in printed
    assert "The mail platform license price rose." in printed
    harbor = re.sub(r"\s+", " ", pdf_text(out / "pdf/agencies/harbor-budget-fy2027.pdf"))
    assert HARBOR_SENTENCE in harbor
    sla = re.sub(r"\s+", " ", pdf_text(out / "pdf/slas/agencies/parks.pdf"))
    assert "Total $2,262.50 $27,350.00" in sla
    page = (out / "agencies/parks/budget-fy2027/index.html").read_text()
    assert 'href="../../../pdf/agencies/parks-budget-fy2027.pdf"' in page


# The sample site (built once per session). Harbor County, local governments, by hand:
#   Standard mailbox  640 x $6.90 = $4,416.00 a month = $52,992.00 -> 640 x $6.62
#                     = $4,236.80 = $50,841.60
#   GIS platform user 25 x $26.75 = $668.75 a month = $8,025.00 -> 25 x $26.48 = $662.00
#                     = $7,944.00
#   Learner license   yearly: 700 x $13.10 = $9,170.00 -> 700 x $13.36 = $9,352.00
#   Internet, 100 Mbps 2 x $288.00 = $576.00 a month = $6,912.00 -> 2 x $279.36 = $558.72
#                     = $6,704.64
# Yearly: $77,099.00 -> $74,842.24, down $2,256.76; -2,256.76 / 77,099 = -2.93% -> -2.9%
# NDOT (executive branch) is checked the same way against its own agency page.
SAMPLE_HARBOR = (
    "At FY2028 rates, Harbor County's yearly cost goes from $77,099.00 to $74,842.24, "
    "down $2,256.76 (\u22122.9%)."
)


@pytest.mark.slow
@pytest.mark.parametrize("agency_id", ["transportation", "harbor-county"])
def test_sample_budget_page_pdf_and_agency_page_agree(sample_site, agency_id):
    site, _ = load_site(REPO, SAMPLE_AS_OF)
    view = _view(site, agency_id)
    now, nxt = view.now.yearly, view.next.yearly
    money = [f"${v:,}" for v in (now, nxt, view.size)]
    page = plain((sample_site / f"agencies/{agency_id}/budget-fy2028/index.html").read_text())
    printed = re.sub(
        r"\s+", " ", pdf_text(sample_site / f"pdf/agencies/{agency_id}-budget-fy2028.pdf")
    )
    agency = plain((sample_site / f"agencies/{agency_id}/index.html").read_text())
    sentence = f"yearly cost goes from {money[0]} to {money[1]}, {view.direction} {money[2]}"
    assert sentence in page and sentence in printed
    assert f"Yearly cost {money[0]}" in agency and sentence in agency
    if agency_id == "harbor-county":
        assert SAMPLE_HARBOR in page and SAMPLE_HARBOR in printed
        assert view.agency.customer_class.name == "Local governments and universities"
    else:
        # By service, FY2027 -> FY2028 (each monthly line x 12; the rates in rates.yaml):
        # email 248,880 + 10,800 -> 248,880 + 11,016; desktop 1,706,400 + 14,700
        # -> 1,706,400 + 14,112; virtual servers 139,320 + 52,992 + 55,080 -> 139,320
        # + 54,028.80 + 55,080; WAN 320,760 + 105,120 -> 307,929.60 + 105,120; GIS 22,950
        # + 23,040 -> 23,409 + 22,348.80; mobile 35,100 + 259,200 -> 34,452 + 259,200.
        assert (now, nxt) == (D("2994342.00"), D("2981296.20"))
