"""The scorecards: each service's SLA targets beside its results, ready for templates.

One `Scorecard` per service with measurements, over the twelve months that end with
the latest month reported (`Performance.latest`) and the latest calendar quarter in
them; the `PerformanceView` holds them all, for the performance page and the links
from service and SLA pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from catalogpress.model.performance import (
    MonthResult,
    Outcome,
    Performance,
    PeriodResult,
    TargetSummary,
    month_name,
    period_result,
    quarter_ending,
    year_ending,
)
from catalogpress.model.trend_chart import TrendChart, trend_chart
from catalogpress.schema.dates import add_months
from catalogpress.schema.frontmatter import SlaMeta


def duration(minutes: int) -> str:
    """Minutes in words: "3 hours 10 minutes"."""
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


def span_name(first: dt.date, last: dt.date) -> str:
    """ "July to September 2026", "November 2025 to October 2026"."""
    if first.year == last.year:
        return f"{first:%B} to {month_name(last)}"
    return f"{month_name(first)} to {month_name(last)}"


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    result: MonthResult | None  # None: not reported

    @property
    def label(self) -> str:
        return month_name(self.month)

    @property
    def downtime(self) -> str:
        return duration(self.result.row.downtime_minutes) if self.result else ""

    @property
    def incident_misses(self) -> tuple[Outcome, ...]:
        return (
            tuple(o for o in self.result.incident_outcomes if o.met is False) if self.result else ()
        )


@dataclass(frozen=True)
class TargetRow:
    """One target: its goal, and the results of the quarter and of the year."""

    quarter: TargetSummary | None
    year: TargetSummary


@dataclass(frozen=True)
class Scorecard:
    service: str
    name: str
    path: str
    service_path: str
    sla: str
    sla_meta: SlaMeta
    sla_path: str
    year: PeriodResult
    quarter: PeriodResult
    months: tuple[MonthRow, ...]  # the twelve months, oldest first
    chart: TrendChart

    @property
    def year_label(self) -> str:
        return span_name(self.year.first, self.year.last)

    @property
    def quarter_label(self) -> str:
        return span_name(self.quarter.first, self.quarter.last)

    @property
    def targets(self) -> tuple[TargetRow, ...]:
        in_quarter = {s.outcome.target.key: s for s in self.quarter.summaries}
        return tuple(
            TargetRow(in_quarter.get(s.outcome.target.key), s) for s in self.year.summaries
        )

    @property
    def quarter_incident_targets(self) -> tuple[int, int]:
        """(met, measured): the priority targets of each month of the quarter."""
        found = [o for m in self.quarter.months for o in m.incident_outcomes if o.met is not None]
        return sum(1 for o in found if o.met), len(found)

    @property
    def noted_months(self) -> tuple[MonthRow, ...]:
        """The months with a note saying what happened."""
        return tuple(r for r in self.months if r.result and r.result.row.note)

    @property
    def quarter_months_missed(self) -> int:
        """Months of the quarter whose own availability missed the target."""
        a = self.quarter.availability
        return a.months_measured - a.months_met if a else 0

    @property
    def sort_values(self) -> dict[str, str]:
        """What the results table sorts each column by (sort.js); "" sorts first."""
        q = self.quarter
        a = q.availability
        met, measured = self.quarter_incident_targets
        score = q.satisfaction[0]
        return {
            "availability": f"{a.outcome.measured}" if a and a.outcome.measured is not None else "",
            "missed": f"{self.quarter_months_missed}",
            "incidents": f"{Decimal(met) / measured:.4f}" if measured else "",
            "on_time": f"{q.on_time}" if q.on_time is not None else "",
            "satisfaction": f"{score}" if score is not None else "",
        }

    @property
    def summary(self) -> str:
        return summary(self.year, self.sla_meta)

    @property
    def incident_summary(self) -> str:
        return incident_summary(self.year)

    @property
    def chart_caption(self) -> str:
        """What the trend chart shows, in words: its text alternative."""
        goal = f"{self.sla_meta.availability.normalize():f}%"
        shown = [r for r in self.months if r.result is not None]
        missed = [r for r in shown if r.result and r.result.availability.met is False]
        text = (
            f"Availability each month from {self.year_label}, against the target of {goal} "
            f"(the dashed line): met in {len(shown) - len(missed)} of {len(shown)} months"
        )
        if missed:
            text += ", missed in " + ", ".join(
                f"{r.label} ({r.result.availability.measured}%)" for r in missed if r.result
            )
        gaps = len(self.months) - len(shown)
        if gaps:
            text += f"; {gaps} month{'s' if gaps > 1 else ''} not reported"
        return text + ". The table below gives every month's figures."


def summary(year: PeriodResult, sla: SlaMeta) -> str:
    """The scorecard in plain words, from the figures."""
    avail = year.availability
    if avail is None:
        return "We have no measurements for this service in the last 12 months yet."
    reported, measured = len(year.months), avail.months_measured
    window = (
        "the last 12 months"
        if reported == year.expected_months
        else (f"the {reported} months reported of the last 12")
    )
    missed = [m for m in year.months if m.availability.met is False]
    goal = f"{avail.outcome.target.goal}%"
    if not missed:
        text = f"We met the availability target of {goal} in {_all(measured)} {window}"
    else:
        text = f"We met the availability target of {goal} in {avail.months_met} of {window}"
        worst = max(missed, key=lambda m: m.row.downtime_minutes)
        down = duration(worst.row.downtime_minutes)
        if len(missed) == 1:
            text += (
                f"; in {month_name(worst.month)}, {down} of downtime brought it to "
                f"{worst.availability.measured}%"
            )
        else:
            others = ", ".join(month_name(m.month) for m in missed if m is not worst)
            text += (
                f"; the worst month was {month_name(worst.month)}, when {down} of downtime "
                f"brought it to {worst.availability.measured}%, and we also missed it in {others}"
            )
    return text + "."


def incident_summary(year: PeriodResult) -> str:
    """How incidents went over the year, in a sentence; "" when there were none."""
    with_incidents = [m for m in year.months if any(o.met is not None for o in m.incident_outcomes)]
    clean = [m for m in with_incidents if not any(o.met is False for o in m.incident_outcomes)]
    if not with_incidents:
        return ""
    return (
        "Incidents were answered and resolved within the targets in "
        f"{_count(len(clean), len(with_incidents))} months that had incidents."
    )


def _all(count: int) -> str:
    return "each of" if count > 1 else "the one month of"


def _count(part: int, whole: int) -> str:
    return f"all {whole}" if part == whole else f"{part} of the {whole}"


@dataclass(frozen=True)
class PerformanceView:
    """Every scorecard, in service name order, and the catalog's latest quarter."""

    cards: dict[str, Scorecard]
    unmeasured: tuple[tuple[str, str], ...]  # (name, path) of listed services without figures
    history: Mapping[str, tuple[MonthResult, ...]] = field(default_factory=dict)  # every month

    @property
    def first_card(self) -> Scorecard | None:
        return next(iter(self.cards.values()), None)

    @property
    def quarter_label(self) -> str:
        card = self.first_card
        return card.quarter_label if card else ""

    @property
    def latest_label(self) -> str:
        card = self.first_card
        return month_name(card.year.last) if card else ""

    def results(
        self, services: Iterable[str], first: dt.date, last: dt.date
    ) -> dict[str, PeriodResult]:
        """How each of `services` did from month `first` to month `last` (both included):
        what an agency's review packet asks for its services over a quarter."""
        return {s: period_result(s, first, last, self.history.get(s, ())) for s in services}

    def for_sla(self, sla: str) -> list[Scorecard]:
        return [c for c in self.cards.values() if c.sla == sla]

    @property
    def misses(self) -> list[tuple[Scorecard, MonthResult]]:
        """Every month of the latest quarter that missed a target, service by service."""
        return [(c, m) for c in self.cards.values() for m in c.quarter.months if m.misses]


def performance_view(
    performance: Performance,
    names: Mapping[str, tuple[str, str]],  # service id -> (name, page path), in name order
    slas: Mapping[str, tuple[SlaMeta, str]],  # sla id -> (meta, page path)
    card_path: Mapping[str, str],  # service id -> scorecard path
    listed: tuple[str, ...],
) -> PerformanceView:
    latest = performance.latest
    cards: dict[str, Scorecard] = {}
    if latest is not None:
        first, last = year_ending(latest)
        q_first, q_last = quarter_ending(latest)
        measured = [s for s in names if s in performance.by_service]
        years = performance.results(measured, first, last)
        quarters = performance.results(measured, q_first, q_last)
        for service in measured:
            months = performance.by_service[service]
            sla = months[-1].sla
            by_month = {m.month: m for m in years[service].months}
            window = [add_months(first, i) for i in range(12)]
            rows = tuple(MonthRow(m, by_month.get(m)) for m in window)
            meta, sla_path = slas[sla]
            cards[service] = Scorecard(
                service,
                names[service][0],
                card_path[service],
                names[service][1],
                sla,
                meta,
                sla_path,
                years[service],
                quarters[service],
                rows,
                trend_chart(
                    f"{service}-availability",
                    [(r.month, r.result) for r in rows],
                    meta.availability,
                ),
            )
    unmeasured = tuple(names[s] for s in listed if s not in cards)
    return PerformanceView(cards, unmeasured, performance.by_service)
