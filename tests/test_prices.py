"""Prices agencies can trust: the billing rule on hand-computed cases, and two agencies
of different customer classes billed the same to the cent on their pages, their SLA PDFs
and in the open data (tests/fixtures/prices; its rates.yaml says what each line does).

The figures, worked out by hand from tests/fixtures/prices at FY2026 rates:

Department of Parks (class "state"):
  Mailbox          120 × $5.75                      =    $690.00 a month,  $8,280.00 a year
  Archive license  4, minimum 10 → 10 × $30.00       =    $300.00 a year
  Setup            1 × $25.00                       =     $25.00 one time
  Migration help   2.3 h, 15-minute steps → 2.5 h
                   × $90.00                         =    $225.00 a month,  $2,700.00 a year
  Website          2 × $42.50                       =     $85.00 a month,  $1,020.00 a year
  Cloud usage      $1,000.00 bill + 10%             =  $1,100.00 a month, $13,200.00 a year
  Monthly $2,100.00; yearly $25,500.00; one-time $25.00

Harbor County (class "local"):
  Mailbox          80 × $6.25 (the local rate)      =    $500.00 a month,  $6,000.00 a year
  Archive license  12 × $30.00                      =    $360.00 a year
  Migration help   0.5 h, 1-hour minimum → 1 × $90  =     $90.00 a month,  $1,080.00 a year
  Website          1 × $42.50                       =     $42.50 a month,    $510.00 a year
  Monthly $632.50; yearly $7,950.00; no one-time charges

At FY2027 rates: Parks $26,250.00 a year (mailbox $6.00: $8,640.00; migration $95.00:
$2,850.00; markup 12%: $13,440.00), up $750.00 (+2.9%); Harbor $8,250.00 (mailbox
$6.50: $6,240.00; migration $1,140.00), up $300.00 (+3.8%).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from catalogpress.app.build import build, check, load_site
from catalogpress.core.errors import SiteError
from catalogpress.model import money
from catalogpress.model.views import Site
from catalogpress.schema.rates import Measure, RateLine, Unit
from catalogpress.schema.units import BUILTIN_UNITS

from .conftest import TESTS, Scratch
from .test_pdf import text as pdf_text

PRICES = TESTS / "fixtures" / "prices"
AS_OF = dt.date(2025, 11, 1)
D = Decimal


def line(amount: str | None = "10.00", unit: str = "hour", **fields: object) -> RateLine:
    return RateLine(
        service="s",
        item="i",
        unit=unit,
        amount=D(amount) if amount is not None else None,
        charge_type=str(fields.pop("charge_type", "recurring")),
        **fields,  # type: ignore[arg-type]
    )


def charge(rate: RateLine, quantity: str) -> Decimal:
    return money.charge(money.terms(rate, BUILTIN_UNITS), D(quantity))


# --- the billing rule, by hand ----------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "quantity", "cents"),
    [
        (line("98.00"), "12.5", "1225.00"),  # 12.5 × 98
        (line("118.00", increment=Measure(D("0.1"))), "1.23", "153.40"),  # 1.3 h × 118
        (line("118.00", increment=Measure(D("0.1"))), "1.2", "141.60"),  # on a step: 1.2 h
        # 15-minute steps and a 30-minute minimum, written in minutes: 0.25 h and 0.5 h.
        (
            line("82.00", increment=Measure(D(15), "minute"), minimum=Measure(D(30), "minute")),
            "0.1",
            "41.00",  # 0.5 h × 82
        ),
        (
            line("82.00", increment=Measure(D(15), "minute"), minimum=Measure(D(30), "minute")),
            "0.6",
            "61.50",  # 0.75 h × 82
        ),
        (line("34.50", "rack-unit-month", minimum=Measure(D(4))), "2", "138.00"),  # 4 × 34.50
        (line("34.50", "rack-unit-month", minimum=Measure(D(4))), "0", "0.00"),  # none used
        (line("0.0125", "page"), "180000", "2250.00"),  # 180,000 × 0.0125
        (line("0.0125", "page"), "1", "0.01"),  # 0.0125 rounds half up to a cent
        (line("0.0050", "page"), "1", "0.01"),  # exactly half a cent goes up
        (line("0.0049", "page"), "1", "0.00"),
        (line(None, "provider-bill-month", pricing="markup", markup=D(6)), "18420.00", "19525.20"),
        (line(None, "provider-bill-month", pricing="markup", markup=D("2.5")), "0.10", "0.10"),
        (line(None, "provider-bill-month", pricing="at-cost"), "1240.55", "1240.55"),
        (line("240.00", "license-year", minimum=Measure(D(5))), "3", "1200.00"),  # 5 × 240
    ],
)
def test_a_charge_follows_the_billing_rule(rate: RateLine, quantity: str, cents: str) -> None:
    assert charge(rate, quantity) == D(cents)


def test_billing_periods_and_a_year_of_charges() -> None:
    total = money.Totals().add("month", D("690.00")).add("year", D("300.00"))
    total = total.add("once", D("25.00"))
    assert (total.monthly, total.yearly, total.one_time) == (D("690.00"), D("8580.00"), D(25))
    units = BUILTIN_UNITS
    assert money.terms(line(unit="hour"), units).period == "month"  # hours count a month
    assert money.terms(line(unit="page"), units).period == "month"  # so do uses
    assert money.terms(line(unit="license-year"), units).period == "year"
    assert money.terms(line(unit="each"), units).period == "once"


def test_units_convert_only_exactly() -> None:
    units = {**BUILTIN_UNITS, "day": Unit("per day", "use", None)}
    assert money.convert(Measure(D(30), "minute"), "hour", units) == D("0.5")
    assert money.convert(Measure(D(2), "tb-month"), "gb-month", units) == D(2000)
    assert money.convert(Measure(D(7), "minute"), "hour", units) is None  # 0.11666...
    assert money.convert(Measure(D(1), "day"), "hour", units) is None  # no relation given


def test_percent_changes_round_half_up() -> None:
    assert money.percent_change(D(25500), D(26250)) == D("2.9")
    assert money.percent_change(D(7950), D(8250)) == D("3.8")
    assert money.percent_change(D(200), D("200.25")) == D("0.1")  # 0.125 → 0.1
    assert money.percent_change(D(8), D("8.01")) == D("0.1")  # 0.125 → 0.1
    assert money.percent_change(D(40), D("40.02")) == D("0.1")  # 0.05 → 0.1, half up
    assert money.percent_change(D(0), D(5)) is None


# --- two agencies, every place their bills appear ---------------------------------------

EXPECTED = {
    "parks": {"monthly": "2,100.00", "yearly": "25,500.00", "one_time": "25.00"},
    "harbor": {"monthly": "632.50", "yearly": "7,950.00", "one_time": None},
}


@pytest.fixture(scope="module")
def prices_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, Path]]:
    out = tmp_path_factory.mktemp("prices") / "site"
    build(PRICES, out, AS_OF, cache=out.parent / "cache")
    site, _ = load_site(PRICES, AS_OF)
    yield site, out


def test_the_fixture_checks_cleanly() -> None:
    assert check(PRICES, AS_OF, strict=True).warnings == []


def test_each_agency_is_billed_every_line_at_its_class_rate() -> None:
    site, _ = load_site(PRICES, AS_OF)
    agencies = {a.agency.id: a for a in site.agencies}
    parks = site.prices.bill(agencies["parks"])
    by_item = {c.line.item: c for c in parks.charges}
    assert by_item["Archive license"].billed_quantity == 10
    assert by_item["Archive license"].yearly == D("300.00")
    assert by_item["Archive license"].monthly is None
    assert by_item["Migration help"].billed_quantity == D("2.50")
    assert by_item["Cloud usage"].amount == D("1100.00")
    assert by_item["Setup"].one_time == D("25.00")
    assert parks.totals == money.Totals(D("2100.00"), D("25500.00"), D("25.00"))
    harbor = site.prices.bill(agencies["harbor"])
    mailbox = next(c for c in harbor.charges if c.line.item == "Mailbox")
    assert (mailbox.line.customer_class, mailbox.amount) == ("local", D("500.00"))
    assert harbor.totals == money.Totals(D("632.50"), D("7950.00"), D(0))


def test_next_years_budget_impact_per_agency() -> None:
    site, _ = load_site(PRICES, AS_OF)
    agencies = {a.agency.id: a for a in site.agencies}
    [parks] = site.prices.impacts(agencies["parks"])
    assert (parks.now.totals.yearly, parks.next.totals.yearly) == (D(25500), D(26250))
    assert (parks.change, parks.percent) == (D("750.00"), D("2.9"))
    email = next(s for s in parks.services if s.service.id == "email")
    assert {c.item: c.reason for c in email.changes} == {
        "Mailbox": "The mail platform license costs more.",
        "Migration help": "Staff pay rose.",
    }
    [harbor] = site.prices.impacts(agencies["harbor"])
    assert (harbor.change, harbor.percent) == (D("300.00"), D("3.8"))


def test_the_typical_order_says_typical_and_counts_its_yearly_license() -> None:
    site, _ = load_site(PRICES, AS_OF)
    price = site.prices.service(site.services["email"])
    assert price.order is not None and price.name == "Typical team of ten"
    assert price.headline == (D("57.50"), "a month")  # 10 × 5.75
    assert price.also_yearly == D("300.00")  # 10 archive licenses × 30.00
    assert price.customer_class is not None and price.customer_class.id == "state"
    local = site.prices.service(site.services["email"], class_id="local")
    assert local.headline == (D("62.50"), "a month")  # 10 × 6.25
    web = site.prices.service(site.services["web-hosting"])
    assert web.single is not None and web.single.line.item == "Website"  # named, not cheapest


def _page_text(path: Path) -> str:
    html = path.read_text()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).replace("&amp;", "&")


@pytest.mark.slow
@pytest.mark.parametrize("agency", ["parks", "harbor"])
def test_agency_page_and_sla_pdf_give_the_same_totals(
    prices_site: tuple[Site, Path], agency: str
) -> None:
    _, out = prices_site
    page = _page_text(out / "agencies" / agency / "index.html")
    pdf = re.sub(r"\s+", " ", pdf_text(out / "pdf" / "slas" / "agencies" / f"{agency}.pdf"))
    figures = EXPECTED[agency]
    assert f"Monthly cost ${figures['monthly']}" in page
    assert f"Yearly cost ${figures['yearly']}" in page
    for text in (page, pdf):
        assert re.search(rf"Total \${figures['monthly']} \${figures['yearly']}", text), text
        if figures["one_time"]:
            assert f"One-time charges, not in the totals above ${figures['one_time']}" in text
        else:
            assert "One-time charges" not in text
    if agency == "parks":
        assert "billed as 2.5" in page and "billed as 10" in page
        assert "Cost + 10%" in page and "$1,000.00 bill" in page
    else:
        assert "Mailbox (Local governments)" in page and "$6.25" in page


@pytest.mark.slow
def test_open_data_carries_the_terms_and_typical_prices(prices_site: tuple[Site, Path]) -> None:
    _, out = prices_site
    data = json.loads((out / "data" / "catalog.json").read_text())
    [sheet] = [s for s in data["rate_sheets"] if s["fiscal_year"] == 2026]
    lines = {(ln["item"], ln["customer_class"]): ln for ln in sheet["lines"]}
    help_line = lines[("Migration help", None)]
    assert (help_line["increment"], help_line["minimum"]) == ("0.25", "1")
    cloud = lines[("Cloud usage", None)]
    assert (cloud["pricing"], cloud["amount"], cloud["markup_percent"]) == ("markup", None, "10")
    assert [c["id"] for c in data["customer_classes"]] == ["state", "local"]
    [typical] = data["typical_orders"]
    prices = {(p["fiscal_year"], p["customer_class"]): p for p in typical["prices"]}
    assert prices[(2026, "state")]["yearly"] == "990.00"  # 12 × 57.50 + 300.00
    assert prices[(2026, "local")]["monthly"] == "62.50"
    csv = (out / "rates" / "fy2026.csv").read_text()
    assert ",Local governments," in csv and ",markup,,10," in csv


# --- what validation says -----------------------------------------------------------------


def _errors(scratch: Scratch) -> list[str]:
    with pytest.raises(SiteError) as caught:
        check(scratch.root, AS_OF)
    return [str(p) for p in caught.value.problems]


@pytest.fixture
def prices_scratch(tmp_path: Path) -> Scratch:
    root = tmp_path / "prices"
    shutil.copytree(PRICES, root)
    return Scratch(root)


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "catalog.yaml",
            "    customer_class: local\n",
            "    customer_class: locall\n",
            "catalog.yaml:{line}: agencies[1].customer_class: unknown customer class 'locall'; "
            "did you mean 'local'?",
        ),
        (
            "rates.yaml",
            "        customer_class: local\n",
            "        customer_class: county\n",
            "rates.yaml:{line}: rate_sheets[0].lines[1].customer_class: unknown customer class "
            "'county' (define it under customer_classes: in catalog.yaml)",
        ),
        (
            "catalog.yaml",
            '          - item: Website\n            quantity: "2"',
            '          - item: Web site\n            quantity: "2"',
            "catalog.yaml:{line}: agencies[parks].services[web-hosting].lines[0].item: the "
            "FY2026 rate sheet has no line 'Web site' for web-hosting; did you mean 'Website'?",
        ),
        (
            "catalog.yaml",
            '          - item: Cloud usage\n            vendor_cost: "1000.00"',
            '          - item: Cloud usage\n            quantity: "1000"',
            "catalog.yaml:{line}: agencies[parks].services[web-hosting].lines[1].quantity: "
            "'Cloud usage' is priced markup: give vendor_cost:",
        ),
        (
            "rates.yaml",
            '        markup: "10"\n',
            "",
            "rates.yaml:{line}: rate_sheets[0].lines[6].markup: a markup line needs its "
            'percentage, like markup: "10"',
        ),
        (
            "rates.yaml",
            '        increment: {quantity: "15", unit: minute}\n',
            '        increment: "0.3"\n',
            "rates.yaml:{line}: rate_sheets[FY2026].lines[4].increment: a billing increment of "
            "0.3 does not divide one 'hour' into whole steps",
        ),
        (
            "rates.yaml",
            '        increment: {quantity: "15", unit: minute}\n',
            '        increment: {quantity: "7", unit: minute}\n',
            "rates.yaml:{line}: rate_sheets[FY2026].lines[4].increment: cannot count 7 minute "
            "in the line's unit 'hour'",
        ),
        (
            "rates.yaml",
            '      - item: Archive license\n        quantity: "10"\n',
            '      - item: Website\n        quantity: "10"\n',
            "rates.yaml:{line}: typical_orders[0].lines[1].item: the typical order names "
            "'Website', but it is a line of 'web-hosting', not of 'email'",
        ),
    ],
)
def test_price_mistakes_are_positioned_and_explained(
    prices_scratch: Scratch, file: str, old: str, new: str, message: str
) -> None:
    before = prices_scratch.path(file).read_text()
    assert old in before
    at = before.index(old)
    if "rate_sheets[" in message and "unknown" not in message:  # where the rate line starts
        at = before.rindex("      - service:", 0, at)
    line = before[:at].count("\n") + 1
    prices_scratch.replace(file, old, new)
    errors = _errors(prices_scratch)
    wanted = message.format(line=line)
    assert any(e.startswith(wanted) for e in errors), (wanted, errors)


def test_a_class_no_one_uses_and_a_missing_reason_are_warnings(prices_scratch: Scratch) -> None:
    prices_scratch.replace(
        "catalog.yaml",
        "customer_classes:\n",
        "customer_classes:\n  - id: schools\n    name: School districts\n",
    )
    prices_scratch.replace("rates.yaml", "        reason: Staff pay rose.\n", "")
    warnings = [str(w) for w in check(prices_scratch.root, AS_OF).warnings]
    assert any("no agency and no rate line uses the class 'schools'" in w for w in warnings)
    assert any(
        "lines[4].reason: the rate changed from FY2026 ($90.00) to $95.00: add reason:" in w
        for w in warnings
    ), warnings


def test_the_committee_brief_adds_up_the_agency_bills() -> None:
    from catalogpress.model.committee import committee_brief

    site, _ = load_site(PRICES, AS_OF)
    brief = committee_brief(site)
    assert brief.total.yearly == D("33450.00")  # 25,500.00 + 7,950.00
    assert [(s.name, s.yearly, s.share) for s in brief.by_agency] == [
        ("DOP", D("25500.00"), D("76.2")),  # 25,500 / 33,450 = 76.23%
        ("Harbor County", D("7950.00"), D("23.8")),
    ]
    assert [(s.name, s.yearly) for s in brief.by_category] == [
        ("Email and collaboration", D("18720.00")),  # 11,280.00 + 7,440.00
        ("Hosting", D("14730.00")),  # 14,220.00 + 510.00
    ]
    outlook = brief.outlook
    assert outlook is not None
    assert (outlook.now, outlook.next, outlook.percent) == (D(33450), D(34500), D("3.1"))
    # Migration help +5.6% (90 → 95), the state mailbox +4.3%, the local mailbox +4.0%; the
    # markup line (10% → 12%) has no rate to compare.
    assert [(r.change.item, r.change.percent) for r in outlook.rises] == [
        ("Migration help", D("5.6")),
        ("Mailbox", D("4.3")),
        ("Mailbox", D("4.0")),
    ]
    assert (outlook.rises_count, outlook.falls) == (3, 0)


@pytest.mark.slow
def test_the_brief_pdf_prints_the_same_totals(prices_site: tuple[Site, Path]) -> None:
    _, out = prices_site
    brief = re.sub(r"\s+", " ", pdf_text(out / "pdf" / "steering-committee-brief.pdf"))
    for figure in (
        "$33,450.00",  # the headline: both agencies' yearly bills
        "a year billed to 2 agencies",
        "DOP $25,500.00 76.2%",
        "Harbor $7,950.00 23.8%",  # the name wraps: "Harbor County"
        "goes from $33,450.00 to $34,500.00: +$1,050.00 (+3.1%)",
        "Email: Migration help $90.00 $95.00 +5.6% Staff pay rose.",
    ):
        assert figure in brief, (figure, brief)


def test_the_review_packet_is_for_the_last_quarter_that_has_ended() -> None:
    from catalogpress.model.review import review_packet

    site, _ = load_site(PRICES, AS_OF)
    agencies = {a.agency.id: a for a in site.agencies}
    parks = review_packet(site, agencies["parks"])
    # Built on November 1, 2025; the fiscal year starts in July (the FY2026 sheet).
    assert (parks.quarter.label, parks.quarter.months) == ("FY2026 Q1", "July to September 2025")
    assert parks.next_review == dt.date(2026, 1, 1)  # after the quarter under way
    # A quarter is a fourth of each service's yearly cost: email 11,280.00 / 4, web
    # hosting 14,220.00 / 4.
    assert [(c.service.id, c.quarter) for c in parks.costs] == [
        ("email", D("2820.00")),
        ("web-hosting", D("3555.00")),
    ]
    assert parks.quarter_total == D("6375.00")
    harbor = review_packet(site, agencies["harbor"])
    assert harbor.quarter_total == D("1987.50")  # 7,440.00 / 4 + 510.00 / 4
    [impact] = harbor.impacts
    assert impact.change == D("300.00")


@pytest.mark.slow
def test_the_review_packet_pdf_and_page_agree(prices_site: tuple[Site, Path]) -> None:
    _, out = prices_site
    page = _page_text(out / "agencies" / "parks" / "review" / "index.html")
    pdf = re.sub(r"\s+", " ", pdf_text(out / "pdf" / "reviews" / "parks.pdf"))
    for text in (page, pdf):
        assert "FY2026 Q1: July to September 2025" in text
        assert "Total $2,100.00 $6,375.00 $25,500.00" in text, text
        assert "goes from $25,500.00 to $26,250.00: +$750.00 (+2.9%)" in text
