"""The catalog's data model: one frozen dataclass per kind of source record.

Each field's `fld(spec)` says how it is read from YAML (see schema.py), so this
module is also the reference for the source formats (docs/formats.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from catalogpress.schema.checker import NO_SOURCE, Checker, Invalid, Source
from catalogpress.schema.fields import (
    Boolean,
    Choice,
    Date,
    DateTime,
    Email,
    ImageRef,
    Integer,
    ListOf,
    Money,
    Record,
    Ref,
    Slug,
    Spec,
    Text,
    Url,
    fld,
)
from catalogpress.sources.yamldoc import Path as YamlPath

STATUSES = ("proposed", "active", "retiring", "retired")
CHANNELS = ("portal", "email", "phone", "form")
PAGE_SIZES = ("letter", "legal", "a4", "a5")
TEXTS = ListOf(Text())


@dataclass(frozen=True)
class SiteSettings:
    base_url: str = fld(Url())
    language: str = fld(Text(), "en")
    theme: str = fld(Slug(), "default")
    featured: tuple[str, ...] = fld(ListOf(Ref("service"), unique=True), ())
    review_months: int = fld(Integer(1, 120), 12)  # warn when content was last reviewed longer ago
    page_size: str = fld(Choice(*PAGE_SIZES), "letter")  # paper of the PDF documents
    # What readers call the time zone of the maintenance times ("Eastern time"); without
    # it, times show their UTC offset.
    time_zone: str | None = fld(Text(), None)


@dataclass(frozen=True)
class ServiceDesk:
    phone: str = fld(Text())
    email: str = fld(Email())
    portal: str = fld(Url())
    hours: str = fld(Text())


@dataclass(frozen=True)
class SellingPoint:
    title: str = fld(Text())
    text: str = fld(Text())


@dataclass(frozen=True)
class Office:
    name: str = fld(Text())
    short_name: str = fld(Text())
    mission: str = fld(Text())
    service_desk: ServiceDesk = fld(Record(ServiceDesk))
    selling_points: tuple[SellingPoint, ...] = fld(ListOf(Record(SellingPoint), min_items=1))
    parent: str | None = fld(Text(), None)
    logo: str | None = fld(ImageRef(), None)  # the office's logo or seal, in content/images/


@dataclass(frozen=True)
class Audience:
    id: str = fld(Slug())
    name: str = fld(Text())
    src: Source = NO_SOURCE


@dataclass(frozen=True)
class Category:
    id: str = fld(Slug())
    name: str = fld(Text())
    description: str = fld(Text())
    src: Source = NO_SOURCE


@dataclass(frozen=True)
class Person:
    id: str = fld(Slug())
    name: str = fld(Text())
    role: str = fld(Text())
    email: str = fld(Email())
    phone: str = fld(Text())
    src: Source = NO_SOURCE


@dataclass(frozen=True)
class CustomerClass:
    """A group of customers that pays its own rates (executive branch, local governments)."""

    id: str = fld(Slug())
    name: str = fld(Text())
    description: str | None = fld(Text(), None)
    src: Source = NO_SOURCE


@dataclass(frozen=True)
class Consumption:
    """How much of one rate line an agency uses: a quantity a month (a year for yearly
    licenses, this year for one-time charges), or the provider's monthly bill for a line
    priced from it."""

    item: str = fld(Text())
    quantity: Decimal | None = fld(Money(), None)
    vendor_cost: Decimal | None = fld(Money(), None)
    program: str | None = fld(Text(), None)
    src: Source = NO_SOURCE


def _check_consumption(use: Consumption, path: YamlPath, ck: Checker) -> None:
    if (use.quantity is None) == (use.vendor_cost is None):
        ck.error(
            path,
            "give either quantity: (how many) or vendor_cost: (the provider's bill, for a "
            "line priced at cost or with a markup), not both or neither",
        )


@dataclass(frozen=True)
class AgencyService:
    service: str = fld(Ref("service"))
    quantity: Decimal | None = fld(Money(), None)  # of the service's main line
    lines: tuple[Consumption, ...] = fld(ListOf(Record(Consumption, _check_consumption)), ())
    src: Source = NO_SOURCE


@dataclass(frozen=True)
class Agency:
    id: str = fld(Slug())
    name: str = fld(Text())
    specialist: str = fld(Ref("person"))
    sla: str = fld(Ref("sla"))
    services: tuple[AgencyService, ...] = fld(ListOf(Record(AgencyService)), ())
    short_name: str | None = fld(Text(), None)
    customer_class: str | None = fld(Ref("customer_class"), None)
    src: Source = NO_SOURCE


IMPACTS = ("outage", "degraded", "none")


@dataclass(frozen=True)
class Maintenance:
    """A scheduled maintenance event: the care calendar, the .ics feed, service banners."""

    id: str = fld(Slug())
    title: str = fld(Text())
    services: tuple[str, ...] = fld(ListOf(Ref("service"), min_items=1, unique=True))
    start: dt.datetime = fld(DateTime())
    end: dt.datetime = fld(DateTime())
    description: str = fld(Text())
    impact: str = fld(Choice(*IMPACTS), "outage")  # what users notice while it runs
    src: Source = NO_SOURCE


def _check_maintenance(event: Maintenance, path: tuple[str | int, ...], ck: Checker) -> None:
    if event.end <= event.start:
        ck.error(
            (*path, "end"),
            f"the event ends ({event.end.isoformat()}) before it starts "
            f"({event.start.isoformat()}); expected an end after the start",
        )


@dataclass(frozen=True)
class Owner:
    team: str = fld(Text())
    contact: str = fld(Ref("person"))


@dataclass(frozen=True)
class Ordering:
    channel: str = fld(Choice(*CHANNELS))
    lead_time_days: int = fld(Integer(0, 3650))
    url: str | None = fld(Url(), None)


@dataclass(frozen=True)
class Responsibilities:
    provider: tuple[str, ...] = fld(TEXTS)
    customer: tuple[str, ...] = fld(TEXTS)
    joint: tuple[str, ...] = fld(TEXTS, ())


@dataclass(frozen=True)
class Version:
    version: str = fld(Text())
    effective: dt.date = fld(Date())
    status: str = fld(Choice(*STATUSES))
    summary: str = fld(Text())
    included: tuple[str, ...] = fld(ListOf(Text(), min_items=1))
    not_included: tuple[str, ...] = fld(TEXTS)
    ordering: Ordering = fld(Record(Ordering))
    support_hours: str = fld(Text())
    sla: str = fld(Ref("sla"))
    responsibilities: Responsibilities = fld(Record(Responsibilities))
    prerequisites: tuple[str, ...] = fld(TEXTS, ())
    changes: tuple[str, ...] = fld(TEXTS, ())
    retire_on: dt.date | None = fld(Date(), None)
    replaced_by: str | None = fld(Ref("service"), None)
    src: Source = NO_SOURCE


@dataclass(frozen=True)
class Service:
    id: str = fld(Slug())
    name: str = fld(Text())
    category: str = fld(Ref("category"))
    owner: Owner = fld(Record(Owner))
    audience: tuple[str, ...] = fld(ListOf(Ref("audience"), min_items=1, unique=True))
    versions: tuple[Version, ...] = fld(ListOf(Record(Version), min_items=1))
    related: tuple[str, ...] = fld(ListOf(Ref("service"), unique=True), ())
    no_charge: bool = fld(Boolean(), False)
    src: Source = NO_SOURCE


PLAIN_CHECKS = ("reading-grade", "long-sentence", "acronym", "jargon", "image-alt", "link-text")


class WordMap(Spec):
    """`word or phrase: plainer words` pairs, kept in the order written."""

    expected = "a list of 'word: plainer words' lines"

    def check(self, value: Any, path: YamlPath, ck: Checker) -> tuple[tuple[str, str], ...]:
        if not isinstance(value, dict):
            raise self.fail(path, ck, value)
        pairs = []
        for word, plainer in value.items():
            try:
                pairs.append(
                    (
                        Text().check(word, (*path, word), ck).lower(),
                        Text().check(plainer, (*path, word), ck),
                    )
                )
            except Invalid:
                continue
        return tuple(pairs)


@dataclass(frozen=True)
class Checks:
    """catalog.yaml `checks:`: the plain-language checks (plain.py, docs/formats.md)."""

    reading_grade: int = fld(Integer(1, 20), 8)  # highest Flesch-Kincaid grade a page may have
    sentence_words: int = fld(Integer(5, 200), 25)  # longest sentence, in words
    jargon: tuple[tuple[str, str], ...] = fld(WordMap(), ())  # added to the built-in list
    allow: tuple[str, ...] = fld(ListOf(Text()), ())  # built-in jargon words to accept
    skip: tuple[str, ...] = fld(ListOf(Choice(*PLAIN_CHECKS), unique=True), ())


@dataclass(frozen=True)
class CommitteeAsk:
    """A decision or request the office brings to the steering committee."""

    title: str = fld(Text())
    text: str = fld(Text())
    decide_by: dt.date | None = fld(Date(), None)


@dataclass(frozen=True)
class SteeringCommittee:
    """catalog.yaml `steering_committee:`: what the committee brief asks of its members."""

    name: str = fld(Text(), "Technology Steering Committee")
    meeting: dt.date | None = fld(Date(), None)  # the meeting the brief is for
    asks: tuple[CommitteeAsk, ...] = fld(ListOf(Record(CommitteeAsk)), ())


@dataclass(frozen=True)
class Catalog:
    """catalog.yaml as written."""

    site: SiteSettings = fld(Record(SiteSettings))
    office: Office = fld(Record(Office))
    audiences: tuple[Audience, ...] = fld(ListOf(Record(Audience), min_items=1))
    categories: tuple[Category, ...] = fld(ListOf(Record(Category), min_items=1))
    services: tuple[Service, ...] = fld(ListOf(Record(Service)))
    people: tuple[Person, ...] = fld(ListOf(Record(Person)), ())
    customer_classes: tuple[CustomerClass, ...] = fld(ListOf(Record(CustomerClass)), ())
    agencies: tuple[Agency, ...] = fld(ListOf(Record(Agency)), ())
    maintenance: tuple[Maintenance, ...] = fld(ListOf(Record(Maintenance, _check_maintenance)), ())
    checks: Checks = fld(Record(Checks), Checks())
    steering_committee: SteeringCommittee = fld(Record(SteeringCommittee), SteeringCommittee())
