"""The site model's views: each record as a page shows it, on one date.

Frozen dataclasses the templates read; built by model/site.py's `build_site`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from catalogpress.model.news import Event
from catalogpress.model.rate_changes import ChangeNotice, LineChange
from catalogpress.model.scorecards import PerformanceView
from catalogpress.routes import RouteTable
from catalogpress.schema.frontmatter import PageMeta, ServiceOverview, SlaMeta, Term
from catalogpress.schema.rates import RateLine, RateSheet, TypicalOrder, Unit
from catalogpress.schema.records import (
    PLAIN_CHECKS,
    Agency,
    Category,
    Checks,
    CustomerClass,
    Maintenance,
    Office,
    Person,
    Service,
    SiteSettings,
    SteeringCommittee,
    Version,
)

LISTED_STATUSES = ("active", "retiring")

# What a reader may order, by service status. A retiring service keeps the lines it has
# but sells no new ones; a proposed one cannot be ordered until it starts.
ORDERING_BY_STATUS = (
    ("active", "open"),
    ("retiring", "existing-only"),
    ("proposed", "not-yet"),
    ("retired", "closed"),
)


class BodyReads:
    """Which markdown bodies the templates read while one page renders, by body key.

    One per Site, shared by its views. The render stage hands it a dict of its own
    for each page (`recording`); its page cache uses what was read: a page that
    read no changed body is reused.
    """

    def __init__(self) -> None:
        self._into: dict[str, str] | None = None

    @contextmanager
    def recording(self) -> Iterator[dict[str, str]]:
        reads: dict[str, str] = {}
        self._into = reads
        try:
            yield reads
        finally:
            self._into = None

    def read(self, key: str, html: str) -> str:
        if self._into is not None:
            self._into[key] = html
        return html


@dataclass(frozen=True)
class SlaView:
    id: str
    meta: SlaMeta
    body: str  # rendered markdown; templates read it as body_html
    path: str
    reads: BodyReads = field(compare=False, repr=False)

    @property
    def body_html(self) -> str:
        return self.reads.read(f"sla:{self.id}", self.body)


class HistoryEntry(NamedTuple):
    version: Version
    state: str  # "current" (the view's version), "scheduled" (takes effect later) or ""


@dataclass(frozen=True)
class ServiceView:
    service: Service
    version: Version  # the version in effect, or the first planned one when none is yet
    scheduled: tuple[Version, ...]  # later versions already scheduled, in the record's order
    category: Category
    audiences: tuple[str, ...]  # names of who may order
    owner: Person
    sla: SlaView
    overview: ServiceOverview | None
    overview_body: str  # rendered markdown; templates read it as overview_html
    rates: tuple[RateLine, ...]  # in the sheet in effect
    next_rates: tuple[RateLine, ...]  # in next fiscal year's sheet, when published
    related: tuple[Service, ...]
    replacement: Service | None
    status: str  # the version's status, but "retired" once a retire date has passed
    path: str
    reads: BodyReads = field(compare=False, repr=False)

    @property
    def id(self) -> str:
        return self.service.id

    @property
    def overview_html(self) -> str:
        return self.reads.read(f"service:{self.service.id}", self.overview_body)

    @property
    def name(self) -> str:
        return self.service.name

    @property
    def hours_differ(self) -> bool:
        """Whether the SLA's service hours and the support hours are not the same text,
        so the page must say how they differ."""
        return self.sla.meta.service_hours != self.version.support_hours

    @property
    def listed(self) -> bool:
        return self.status in LISTED_STATUSES

    @property
    def status_date(self) -> dt.date | None:
        """The day a listing's status tag names: when a retiring service retires, when a
        proposed one starts; None for other statuses."""
        if self.status == "retiring":
            return self.version.retire_on
        return self.version.effective if self.status == "proposed" else None

    @property
    def upcoming(self) -> Version | None:
        """The next version already scheduled: its page announces it."""
        return self.scheduled[0] if self.scheduled else None

    @property
    def history(self) -> tuple[HistoryEntry, ...]:
        """Every version, newest first, each marked current, scheduled or neither."""
        return tuple(
            HistoryEntry(
                v,
                "current"
                if v is self.version
                else ("scheduled" if any(v is s for s in self.scheduled) else ""),
            )
            for v in reversed(self.service.versions)
        )

    @property
    def rates_pending(self) -> bool:
        """A charged service, still sold or yet to start, with no rate published yet,
        this year or next. A retired service has no rates to wait for."""
        return (
            not self.service.no_charge
            and self.status != "retired"
            and not self.rates
            and not self.next_rates
        )

    @property
    def rates_planned(self) -> bool:
        """Rates published for a service that has not started: they may still change."""
        return self.status == "proposed" and bool(self.rates or self.next_rates)

    @property
    def ordering_state(self) -> str:
        """ "open" (order now), "existing-only" (retiring: changes to what an agency has,
        no new orders), "not-yet" (proposed) or "closed" (retired): what the page offers."""
        return dict(ORDERING_BY_STATUS).get(self.status, "closed")


@dataclass(frozen=True)
class CategoryView:
    category: Category
    services: tuple[ServiceView, ...]  # listed ones, by name
    coming_soon: tuple[ServiceView, ...]
    path: str


@dataclass(frozen=True)
class PageView:
    slug: str
    meta: PageMeta
    body: str  # rendered markdown; templates read it as body_html
    path: str
    reads: BodyReads = field(compare=False, repr=False)

    @property
    def body_html(self) -> str:
        return self.reads.read(f"page:{self.slug}", self.body)


@dataclass(frozen=True)
class AgencyView:
    agency: Agency
    specialist: Person
    sla: SlaView
    services: tuple[ServiceView, ...]  # in the order of the agency's record
    customer_class: CustomerClass | None  # None when the catalog defines no classes


SHEET_STATES = ("current", "upcoming", "past")


def sheet_state(first_day: dt.date, in_effect: bool, as_of: dt.date) -> str:
    """A sheet's state on the build date: in effect, published ahead, or no longer in effect."""
    if in_effect:
        return "current"
    return "upcoming" if first_day > as_of else "past"


@dataclass(frozen=True)
class SheetView:
    sheet: RateSheet
    first_day: dt.date
    last_day: dt.date | None
    groups: tuple[tuple[Category, tuple[tuple[ServiceView, tuple[RateLine, ...]], ...]], ...]
    path: str
    csv_path: str
    state: str  # one of SHEET_STATES, as of the build date (see sheet_state)


@dataclass(frozen=True)
class NoticeView:
    """A rate change notice grouped for display: category → service → changed lines."""

    notice: ChangeNotice
    groups: tuple[tuple[Category, tuple[tuple[ServiceView, tuple[LineChange, ...]], ...]], ...]
    path: str


@dataclass
class Site:
    as_of: dt.date
    settings: SiteSettings
    office: Office
    units: dict[str, Unit]
    categories: list[CategoryView]
    services: dict[str, ServiceView]
    slas: dict[str, SlaView]
    pages: dict[str, PageView]
    people: dict[str, Person]
    agencies: list[AgencyView]
    sheets: list[SheetView]  # newest first
    current_sheet: SheetView | None
    next_sheet: SheetView | None  # published ahead of its fiscal year
    notices: list[NoticeView]  # newest first
    events: list[Event]  # newest first, including scheduled ones
    glossary: list[Term]
    glossary_body: str  # rendered markdown; templates read it as glossary_html
    glossary_title: str
    body_reads: BodyReads = field(compare=False, repr=False)
    featured: list[ServiceView] = field(default_factory=list)
    customer_classes: dict[str, CustomerClass] = field(default_factory=dict)
    typical_orders: dict[str, TypicalOrder] = field(default_factory=dict)  # by service
    # model.price_book.PriceBook: every price, bill and budget impact, computed once. Set by
    # build_site, since pricing needs the finished views (and billing imports this module).
    prices: Any = field(default=None, compare=False, repr=False)
    maintenance: tuple[Maintenance, ...] = ()  # scheduled events, by start time
    routes: RouteTable = field(default_factory=lambda: RouteTable(()))
    checks: Checks = field(default_factory=Checks)  # the plain-language checks in force
    committee: SteeringCommittee = field(default_factory=SteeringCommittee)
    performance: PerformanceView = field(default_factory=lambda: PerformanceView({}, ()))

    @property
    def glossary_html(self) -> str:
        return self.body_reads.read("glossary", self.glossary_body)

    def bodies(self) -> dict[str, str]:
        """Every rendered markdown body by the key its reads are recorded under."""
        found = {f"service:{s.id}": s.overview_body for s in self.services.values()}
        found.update({f"sla:{s.id}": s.body for s in self.slas.values()})
        found.update({f"page:{p.slug}": p.body for p in self.pages.values()})
        found["glossary"] = self.glossary_body
        return found

    @functools.cached_property
    def past_events(self) -> list[Event]:
        # Once per build: every page's footer and feed link read it, and a big catalog
        # has an event for each service version (10,000 pages x 30,000 events).
        return [e for e in self.events if e.date <= self.as_of]

    @property
    def upcoming_events(self) -> list[Event]:
        return sorted(e for e in self.events if e.date > self.as_of)

    @property
    def nav_pages(self) -> list[PageView]:
        return [p for p in self.pages.values() if p.meta.nav]

    @property
    def summarised_pages(self) -> list[PageView]:
        """Pages with a summary, which the customer care page lists."""
        return [p for p in self.pages.values() if p.meta.summary]

    @property
    def offered_categories(self) -> list[CategoryView]:
        """Categories with at least one listed service: the printed catalog's sections."""
        return [c for c in self.categories if c.services]

    @property
    def book_service_ids(self) -> tuple[str, ...]:
        """The services the printed catalog has a section for."""
        return tuple(s.id for c in self.offered_categories for s in c.services)

    @property
    def next_notice(self) -> NoticeView | None:
        """The notice of what changes when next fiscal year's published sheet takes effect."""
        if self.next_sheet is None:
            return None
        upcoming = self.next_sheet.sheet
        return next((n for n in self.notices if n.notice.new is upcoming), None)

    @property
    def plain_checks_run(self) -> tuple[str, ...]:
        """The plain-language checks every build runs (none skipped in catalog.yaml): what
        the accessibility statement may promise."""
        return tuple(c for c in PLAIN_CHECKS if c not in self.checks.skip)

    @functools.cached_property
    def last_updated(self) -> dt.date:
        """The newest change the data records up to the build date: a content review, a
        version or rate sheet taking effect, or other news."""
        reviews = [
            s.overview.reviewed_on
            for s in self.services.values()
            if s.overview and s.overview.reviewed_on and s.overview.reviewed_on <= self.as_of
        ]
        return max([*reviews, *(e.date for e in self.past_events[:1])], default=self.as_of)

    @property
    def feed_updated(self) -> dt.date:
        """When the news feed last changed: its newest past event, or the build date."""
        past = self.past_events
        return past[0].date if past else self.as_of

    def methodology(self, sheet: RateSheet) -> tuple[str, str]:
        """(title, site path or web address) of a sheet's rate methodology."""
        page = self.pages.get(sheet.methodology)
        return (page.meta.title, page.path) if page else ("Rate methodology", sheet.methodology)
