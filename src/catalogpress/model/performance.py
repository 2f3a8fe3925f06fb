"""Measured results against the SLA's targets: per month, and over any run of months.

Pure and exact (Decimal). The one rounding rule of the scorecards is here
(`rounded`): a percent is rounded half-up, availability to three decimal places
and every other share to one, and a target counts as met when the rounded figure,
the one we publish, reaches it. A priority with no incidents in a month has
nothing to measure: neither met nor missed.

`Performance.results(services, first, last)` answers "how did these services do over
these months", for the scorecards, the performance page and, later, the review
packets of an agency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from catalogpress.schema.dates import (
    add_months,
    last_complete_quarter,
    month_end,
    version_in_effect,
)
from catalogpress.schema.frontmatter import Priority, SlaMeta
from catalogpress.schema.performance import Measurement
from catalogpress.schema.records import Service

AVAILABILITY_PLACES = 3  # 99.952
SHARE_PLACES = 1  # 93.3 (incidents in time, requests on time)
SCORE_PLACES = 2  # 4.36 out of 5


def month_name(month: dt.date) -> str:
    """ "March 2026"."""
    return f"{month:%B} {month.year}"


def rounded(value: Decimal, places: int) -> Decimal:
    """The one rounding rule: half-up to `places` decimal places."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent(part: int, whole: int, places: int) -> Decimal | None:
    """`part` of `whole` in percent, rounded; None when there is nothing to measure."""
    if whole <= 0:
        return None
    return rounded(Decimal(part) * 100 / Decimal(whole), places)


@dataclass(frozen=True)
class Target:
    """One promise of an SLA that a month can meet or miss."""

    key: str  # "availability", "p1-respond", "p1-resolve"
    label: str  # "Availability", "P1 Critical answered within 15 minutes"
    goal: Decimal  # in percent


@dataclass(frozen=True)
class Outcome:
    target: Target
    measured: Decimal | None  # percent, rounded; None: nothing to measure
    met_count: int  # minutes up, or incidents handled in time
    count: int  # minutes scheduled, or incidents

    @property
    def met(self) -> bool | None:
        return None if self.measured is None else self.measured >= self.target.goal

    @property
    def verdict(self) -> str:
        """ "met", "missed" or "none" (nothing to measure)."""
        return {True: "met", False: "missed", None: "none"}[self.met]


def targets(sla: SlaMeta) -> tuple[Target, ...]:
    """The targets of an SLA, in the order a scorecard lists them."""
    found = [Target("availability", "Availability", sla.availability)]
    for p in sla.priorities:
        found += [
            Target(f"{p.level.lower()}-respond", _label(p, f"answered within {p.respond}"), p.goal),
            Target(f"{p.level.lower()}-resolve", _label(p, f"resolved within {p.resolve}"), p.goal),
        ]
    return tuple(found)


def _label(priority: Priority, what: str) -> str:
    return f"{priority.level} {priority.name} incidents {what}"


@dataclass(frozen=True)
class MonthResult:
    """One service in one month, against the SLA in effect at the end of it."""

    row: Measurement
    sla: str  # the SLA's id
    outcomes: tuple[Outcome, ...]  # availability first, then each priority's two

    @property
    def month(self) -> dt.date:
        return self.row.month

    @property
    def label(self) -> str:
        return month_name(self.row.month)

    @property
    def availability(self) -> Outcome:
        return self.outcomes[0]

    @property
    def incident_outcomes(self) -> tuple[Outcome, ...]:
        return self.outcomes[1:]

    @property
    def misses(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.met is False)

    @property
    def incidents(self) -> int:
        return sum(c.incidents for c in self.row.incidents)

    @property
    def on_time(self) -> Decimal | None:
        """Requests fulfilled on time, in percent."""
        if self.row.requests is None or self.row.requests_on_time is None:
            return None
        return percent(self.row.requests_on_time, self.row.requests, SHARE_PLACES)


def month_result(row: Measurement, sla_id: str, sla: SlaMeta) -> MonthResult:
    counts = {c.level.upper(): c for c in row.incidents}
    outcomes = []
    for target in targets(sla):
        if target.key == "availability":
            up = row.scheduled_minutes - row.downtime_minutes
            scheduled = row.scheduled_minutes
            outcomes.append(
                Outcome(target, percent(up, scheduled, AVAILABILITY_PLACES), up, scheduled)
            )
            continue
        level, _, kind = target.key.partition("-")
        found = counts.get(level.upper())
        done = (found.responded if kind == "respond" else found.resolved) if found else 0
        total = found.incidents if found else 0
        outcomes.append(Outcome(target, percent(done, total, SHARE_PLACES), done, total))
    return MonthResult(row, sla_id, tuple(outcomes))


@dataclass(frozen=True)
class TargetSummary:
    """One target over a run of months: pooled over the months, and month by month."""

    outcome: Outcome  # the figures of every month added up, against the target
    months_met: int
    months_measured: int  # months with something to measure


@dataclass(frozen=True)
class PeriodResult:
    """One service over the months `first` to `last` (first days of months)."""

    service: str
    first: dt.date
    last: dt.date
    months: tuple[MonthResult, ...]  # those reported, oldest first
    summaries: tuple[TargetSummary, ...]  # for the targets of the latest month's SLA

    @property
    def expected_months(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1

    @property
    def availability(self) -> TargetSummary | None:
        return self.summaries[0] if self.summaries else None

    @property
    def incident_summaries(self) -> tuple[TargetSummary, ...]:
        return self.summaries[1:]

    @property
    def misses(self) -> tuple[tuple[MonthResult, Outcome], ...]:
        return tuple((m, o) for m in self.months for o in m.misses)

    @property
    def incidents(self) -> int:
        return sum(m.incidents for m in self.months)

    @property
    def downtime_minutes(self) -> int:
        return sum(m.row.downtime_minutes for m in self.months)

    @property
    def on_time(self) -> Decimal | None:
        pairs = [(m.row.requests_on_time, m.row.requests) for m in self.months]
        known = [(a, b) for a, b in pairs if a is not None and b is not None]
        if not known:
            return None
        return percent(sum(a for a, _ in known), sum(b for _, b in known), SHARE_PLACES)

    @property
    def satisfaction(self) -> tuple[Decimal | None, int]:
        """The average score over every survey answer of the period, and how many."""
        answers = [
            (m.row.satisfaction_score, m.row.satisfaction_responses or 0) for m in self.months
        ]
        total = sum(n for s, n in answers if s is not None)
        if not total:
            return None, 0
        weighted = sum((s * n for s, n in answers if s is not None), Decimal(0))
        return rounded(weighted / total, SCORE_PLACES), total


def period_result(
    service: str, first: dt.date, last: dt.date, months: Iterable[MonthResult]
) -> PeriodResult:
    inside = tuple(m for m in months if first <= m.month <= last)
    if not inside:
        return PeriodResult(service, first, last, (), ())
    summaries = []
    for target in inside[-1].outcomes:
        same = [o for m in inside for o in m.outcomes if o.target.key == target.target.key]
        met_count, count = sum(o.met_count for o in same), sum(o.count for o in same)
        places = AVAILABILITY_PLACES if target.target.key == "availability" else SHARE_PLACES
        pooled = Outcome(target.target, percent(met_count, count, places), met_count, count)
        measured = [o for o in same if o.met is not None]
        summaries.append(TargetSummary(pooled, sum(1 for o in measured if o.met), len(measured)))
    return PeriodResult(service, first, last, inside, tuple(summaries))


class Performance:
    """Every checked measurement, as results against the SLA in effect each month."""

    def __init__(
        self,
        rows: Iterable[Measurement],
        services: Mapping[str, Service],
        slas: Mapping[str, SlaMeta],
    ) -> None:
        self.by_service: dict[str, tuple[MonthResult, ...]] = {}
        grouped: dict[str, list[MonthResult]] = {}
        for row in rows:
            version = version_in_effect(services[row.service], month_end(row.month))
            sla_id = (version or services[row.service].versions[0]).sla
            grouped.setdefault(row.service, []).append(month_result(row, sla_id, slas[sla_id]))
        for service, months in grouped.items():
            self.by_service[service] = tuple(sorted(months, key=lambda m: m.month))

    @property
    def latest(self) -> dt.date | None:
        """The latest month any service reported: where the scorecards' year ends."""
        return max((m[-1].month for m in self.by_service.values()), default=None)

    def results(
        self, services: Iterable[str], first: dt.date, last: dt.date
    ) -> dict[str, PeriodResult]:
        """How each of `services` did from month `first` to month `last` (both included)."""
        return {s: period_result(s, first, last, self.by_service.get(s, ())) for s in services}


def year_ending(last: dt.date) -> tuple[dt.date, dt.date]:
    """The twelve months ending with month `last`."""
    return add_months(last, -11).replace(day=1), last


def quarter_ending(last: dt.date, start_month: int = 1) -> tuple[dt.date, dt.date]:
    """The first months of the first and last month of the latest quarter that has ended by
    the end of month `last` (calendar quarters by default; schema/dates.py decides them)."""
    quarter = last_complete_quarter(month_end(last), start_month)
    return quarter.first, quarter.last.replace(day=1)
