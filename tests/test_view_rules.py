"""The rules the default theme's templates used to compute, now view properties and theme
filters (see tests/test_template_rules.py), checked on hand-made records."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from catalogpress.model import billing
from catalogpress.model.charts import BreakdownView
from catalogpress.model.estimator import EstimatorRow
from catalogpress.model.news import Event
from catalogpress.model.rate_changes import compare_sheets
from catalogpress.model.views import (
    BodyReads,
    CategoryView,
    HistoryEntry,
    NoticeView,
    PageView,
    ServiceView,
    SheetView,
    Site,
    sheet_state,
)
from catalogpress.render.numbers import format_number
from catalogpress.render.theme import order_channel, split_columns
from catalogpress.schema.frontmatter import PageMeta
from catalogpress.schema.rates import RateLine, RateSheet, Unit
from catalogpress.schema.records import (
    Category,
    Ordering,
    Owner,
    Responsibilities,
    Service,
    Version,
)

AS_OF = dt.date(2026, 3, 1)
UNUSED: Any = None  # a field the property under test never reads


def version(number: str, effective: dt.date, status: str = "active") -> Version:
    return Version(
        version=number,
        effective=effective,
        status=status,
        summary="Mail for staff.",
        included=("Mailbox",),
        not_included=(),
        ordering=Ordering(channel="portal", lead_time_days=2),
        support_hours="Business hours",
        sla="standard",
        responsibilities=Responsibilities(provider=("Run it",), customer=("Use it",)),
    )


def line(amount: str, item: str = "Mailbox", unit: str = "month", **fields: Any) -> RateLine:
    return RateLine(
        service="email",
        item=item,
        unit=unit,
        amount=Decimal(amount),
        charge_type=fields.pop("charge_type", "recurring"),
        **fields,
    )


def service(*versions: Version, no_charge: bool = False) -> Service:
    return Service(
        id="email",
        name="Email",
        category="collaboration",
        owner=Owner(team="Messaging", contact="pat"),
        audience=("staff",),
        versions=versions,
        no_charge=no_charge,
    )


def view(
    record: Service,
    current: Version | None = None,
    scheduled: tuple[Version, ...] = (),
    rates: tuple[RateLine, ...] = (),
    next_rates: tuple[RateLine, ...] = (),
) -> ServiceView:
    return ServiceView(
        service=record,
        version=current or record.versions[0],
        scheduled=scheduled,
        category=Category(id="collaboration", name="Collaboration", description="Work together."),
        audiences=("Staff",),
        owner=UNUSED,
        sla=UNUSED,
        overview=None,
        overview_body="",
        rates=rates,
        next_rates=next_rates,
        related=(),
        replacement=None,
        status="active",
        path="services/email/",
        reads=BodyReads(),
    )


def rate_sheet(year: int, *lines: RateLine) -> RateSheet:
    return RateSheet(
        fiscal_year=year,
        effective=dt.date(year - 1, 7, 1),
        approved_by="Board",
        approved_on=dt.date(year - 1, 5, 1),
        methodology="m",
        lines=lines or (line("5.00"),),
    )


def sheet_view(sheet: RateSheet, state: str) -> SheetView:
    return SheetView(sheet, sheet.effective, None, (), f"rates/{sheet.id}/", "", state)


def site(**fields: Any) -> Site:
    values: dict[str, Any] = {
        "as_of": AS_OF,
        "settings": UNUSED,
        "office": UNUSED,
        "units": {},
        "categories": [],
        "services": {},
        "slas": {},
        "pages": {},
        "people": {},
        "agencies": [],
        "sheets": [],
        "current_sheet": None,
        "next_sheet": None,
        "notices": [],
        "events": [],
        "glossary": [],
        "glossary_body": "",
        "glossary_title": "Glossary",
        "body_reads": BodyReads(),
    }
    return Site(**{**values, **fields})


# --- version history ----------------------------------------------------------------------


def test_history_is_newest_first_with_current_and_scheduled_marked() -> None:
    v1, v2, v3 = (
        version("1", dt.date(2024, 1, 1)),
        version("2", dt.date(2025, 1, 1)),
        version("3", dt.date(2026, 9, 1)),
    )
    history = view(service(v1, v2, v3), current=v2, scheduled=(v3,)).history
    assert history == (HistoryEntry(v3, "scheduled"), HistoryEntry(v2, "current"), (v1, ""))
    assert view(service(v1, v2, v3), current=v2, scheduled=(v3,)).upcoming is v3


def test_a_planned_first_version_is_current_not_scheduled() -> None:
    # Before anything takes effect the view shows the first planned version as its own.
    v1, v2 = version("1", dt.date(2026, 6, 1), "proposed"), version("2", dt.date(2027, 1, 1))
    history = view(service(v1, v2), current=v1, scheduled=(v2,)).history
    assert [entry.state for entry in history] == ["scheduled", "current"]


def test_versions_alike_in_every_field_are_told_apart_by_identity() -> None:
    twin_a, twin_b = version("1", dt.date(2024, 1, 1)), version("1", dt.date(2024, 1, 1))
    assert twin_a == twin_b
    history = view(service(twin_a, twin_b), current=twin_b).history
    assert [entry.state for entry in history] == ["current", ""]


def test_no_upcoming_version_without_a_scheduled_one() -> None:
    assert view(service(version("1", dt.date(2024, 1, 1)))).upcoming is None


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("retiring", dt.date(2026, 6, 30)),
        ("proposed", dt.date(2026, 4, 1)),
        ("active", None),
        ("retired", None),
    ],
)
def test_status_date_is_the_day_a_listing_tag_names(status: str, expected: dt.date | None) -> None:
    planned = dataclasses.replace(
        version("1", dt.date(2026, 4, 1), status), retire_on=dt.date(2026, 6, 30)
    )
    listed = dataclasses.replace(view(service(planned)), status=status)
    assert listed.status_date == expected


# --- rates of a service ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("no_charge", "rates", "next_rates", "pending"),
    [
        (False, (), (), True),
        (True, (), (), False),
        (False, (line("1.00"),), (), False),
        (False, (), (line("1.00"),), False),
    ],
)
def test_rates_pending_only_for_a_charged_service_with_no_published_rate(
    no_charge: bool, rates: tuple[RateLine, ...], next_rates: tuple[RateLine, ...], pending: bool
) -> None:
    record = service(version("1", AS_OF), no_charge=no_charge)
    assert view(record, rates=rates, next_rates=next_rates).rates_pending is pending


# --- agencies ---------------------------------------------------------------------------------


def test_main_line_is_the_first_monthly_line_not_the_cheapest() -> None:
    setup = line("2.50", "Setup", charge_type="one-time")
    large, small = line("9.00", "Large"), line("2.50", "Small")
    assert billing.main_line((setup, large, small)) is large
    assert billing.main_line((setup,)) is setup
    assert billing.main_line(()) is None


def test_a_class_line_replaces_the_line_for_everyone_for_that_class_only() -> None:
    everyone = line("6.10", "Mailbox")
    local = line("6.90", "Mailbox", customer_class="local")
    archive = line("1.50", "Archive")
    only_local = line("3.00", "Map data", customer_class="local")
    lines = (everyone, local, archive, only_local)
    assert billing.lines_for_class(lines, "executive") == [everyone, archive]
    assert billing.lines_for_class(lines, "local") == [local, archive, only_local]
    assert billing.lines_for_class(lines, None) == [everyone, archive]


# --- rate sheets ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_day", "in_effect", "state"),
    [
        (dt.date(2025, 7, 1), True, "current"),
        (dt.date(2026, 7, 1), False, "upcoming"),
        (dt.date(2024, 7, 1), False, "past"),
        (AS_OF, False, "past"),  # took effect today, yet another sheet is in effect
    ],
)
def test_sheet_state_on_the_build_date(first_day: dt.date, in_effect: bool, state: str) -> None:
    assert sheet_state(first_day, in_effect, AS_OF) == state


def test_next_notice_is_the_one_that_leads_to_the_published_sheet() -> None:
    fy25, fy26, fy27 = rate_sheet(2025), rate_sheet(2026), rate_sheet(2027)
    older = NoticeView(compare_sheets(fy25, fy26), (), "rates/changes/fy2025-to-fy2026/")
    coming = NoticeView(compare_sheets(fy26, fy27), (), "rates/changes/fy2026-to-fy2027/")
    assert site(next_sheet=sheet_view(fy27, "upcoming"), notices=[coming, older]).next_notice is (
        coming
    )
    assert site(next_sheet=None, notices=[coming, older]).next_notice is None
    assert site(next_sheet=sheet_view(fy27, "upcoming"), notices=[older]).next_notice is None


# --- site lists -------------------------------------------------------------------------------


def test_offered_categories_leave_out_those_without_listed_services() -> None:
    email = view(service(version("1", AS_OF)))
    empty = CategoryView(Category("empty", "Empty", "Nothing yet."), (), (email,), "")
    full = CategoryView(Category("collaboration", "Collaboration", "Mail."), (email,), (), "")
    assert site(categories=[empty, full]).offered_categories == [full]


def test_summarised_pages_are_the_pages_with_a_summary() -> None:
    about = PageView(
        "about", PageMeta(title="About", summary="Who we are."), "", "about/", BodyReads()
    )
    terms = PageView("terms", PageMeta(title="Terms"), "", "terms/", BodyReads())
    assert site(pages={"about": about, "terms": terms}).summarised_pages == [about]


def test_feed_updated_is_the_newest_past_event_or_else_the_build_date() -> None:
    def event(day: dt.date) -> Event:
        return Event(day, "k", "t", "x", "")

    later, past = event(dt.date(2026, 9, 1)), event(dt.date(2026, 1, 5))
    assert site(events=[later, past]).feed_updated == dt.date(2026, 1, 5)
    assert site(events=[later]).feed_updated == AS_OF


# --- billing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "per_month"),
    [("hour", True), ("use", True), ("month", False), ("year", False), ("once", False)],
)
def test_usage_charges_are_entered_as_how_many_a_month(period: str, per_month: bool) -> None:
    row = EstimatorRow("k", line("1.00"), Unit(label="per x", period=period), ())
    assert row.counted_per_month is per_month


@pytest.mark.parametrize(
    ("difference", "verdict", "gap"),
    [
        (Decimal("12.5"), "lower", Decimal("12.5")),
        (Decimal("-3.0"), "higher", Decimal("3.0")),
        (Decimal("0.0"), "same", Decimal("0.0")),
        (None, "same", None),  # a market price of zero: nothing to compare
    ],
)
def test_benchmark_verdict_and_gap(
    difference: Decimal | None, verdict: str, gap: Decimal | None
) -> None:
    breakdown = BreakdownView(line("1.00"), (), "c", (), 4, difference)
    assert (breakdown.benchmark_verdict, breakdown.benchmark_gap) == (verdict, gap)
    assert str(breakdown.benchmark_gap) == str(gap)  # the same digits the page shows


# --- theme filters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "words"),
    [
        ("portal", "the request portal"),
        ("email", "email"),
        ("phone", "the service desk by phone"),
        ("form", "the order form"),
    ],
)
def test_order_channel_wording(channel: str, words: str) -> None:
    assert order_channel(channel) == words


@pytest.mark.parametrize(("count", "lengths"), [(0, [0, 0]), (1, [1, 0]), (4, [2, 2]), (5, [3, 2])])
def test_two_columns_put_the_extra_item_first(count: int, lengths: list[int]) -> None:
    columns = split_columns(list(range(count)), 2)
    assert [len(c) for c in columns] == lengths
    assert [item for column in columns for item in column] == list(range(count))


def test_number_groups_thousands_and_keeps_recorded_precision() -> None:
    assert [format_number(Decimal("1200")), format_number(Decimal("2.5")), format_number(7)] == [
        "1,200",
        "2.5",
        "7",
    ]
