"""Front matter of the markdown files in content/, one dataclass per kind of page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from catalogpress.schema.checker import NO_SOURCE, Checker, Source
from catalogpress.schema.fields import Boolean, Date, ListOf, Money, Record, Ref, Text, fld
from catalogpress.sources.yamldoc import Path as YamlPath

TEXTS = ListOf(Text())


@dataclass(frozen=True)
class ServiceOverview:
    """content/services/<service-id>.md"""

    title: str | None = fld(Text(), None)
    owner: str | None = fld(Ref("person"), None)
    reviewed_on: dt.date | None = fld(Date(), None)
    benefits: tuple[str, ...] = fld(TEXTS, ())
    src: Source = NO_SOURCE


@dataclass(frozen=True)
class PageMeta:
    """content/pages/<slug>.md"""

    title: str = fld(Text())
    summary: str | None = fld(Text(), None)
    nav: bool = fld(Boolean(), False)
    owner: str | None = fld(Ref("person"), None)
    reviewed_on: dt.date | None = fld(Date(), None)
    src: Source = NO_SOURCE


@dataclass(frozen=True)
class Term:
    term: str = fld(Text())
    definition: str = fld(Text())
    expansion: str | None = fld(Text(), None)  # what an abbreviation stands for


def _check_term(term: Term, path: YamlPath, ck: Checker) -> None:
    if term.expansion is not None and term.expansion.strip().lower() == term.term.lower():
        ck.error(
            (*path, "expansion"),
            f"the expansion repeats the term '{term.term}'; leave expansion: out (it is for "
            "what an abbreviation stands for)",
        )


@dataclass(frozen=True)
class GlossaryMeta:
    """content/glossary.md"""

    terms: tuple[Term, ...] = fld(ListOf(Record(Term, _check_term), min_items=1))
    title: str = fld(Text(), "Glossary")
    owner: str | None = fld(Ref("person"), None)
    reviewed_on: dt.date | None = fld(Date(), None)
    src: Source = NO_SOURCE


@dataclass(frozen=True)
class Priority:
    level: str = fld(Text())
    name: str = fld(Text())
    description: str = fld(Text())
    respond: str = fld(Text())
    resolve: str = fld(Text())
    goal: Decimal = fld(Money(2))


@dataclass(frozen=True)
class SlaMeta:
    """content/slas/<sla-id>.md"""

    name: str = fld(Text())
    summary: str = fld(Text())
    service_hours: str = fld(Text())
    availability: Decimal = fld(Money(3))
    priorities: tuple[Priority, ...] = fld(ListOf(Record(Priority), min_items=1))
    maintenance_windows: tuple[str, ...] = fld(TEXTS)
    escalation: tuple[str, ...] = fld(ListOf(Text(), min_items=1))
    customer_responsibilities: tuple[str, ...] = fld(TEXTS)
    reporting: str = fld(Text())
    review: str = fld(Text())
    owner: str | None = fld(Ref("person"), None)
    reviewed_on: dt.date | None = fld(Date(), None)
    src: Source = NO_SOURCE
