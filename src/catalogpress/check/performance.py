"""Checks of performance.csv against itself, the catalog and the build date.

Each cell was read in schema/performance.py; here the rows are checked together:
a service the catalog does not have, a month twice or out of order, a count above
its total, a month that has not ended on the build date or comes before the
service started. Every problem points at the cell (file:line:column).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping

from catalogpress.core.errors import Problems
from catalogpress.core.suggest import suggest
from catalogpress.schema.dates import add_months, month_end, version_in_effect
from catalogpress.schema.frontmatter import SlaMeta
from catalogpress.schema.performance import Measurement
from catalogpress.schema.records import Service

# (count, its total, what the count is) for the counts a row holds
_WITHIN = (("requests_on_time", "requests", "requests fulfilled on time"),)


def month_label(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def check_performance(
    rows: tuple[Measurement, ...],
    services: Mapping[str, Service],
    slas: Mapping[str, SlaMeta],
    as_of: dt.date,
    problems: Problems,
) -> None:
    seen: dict[tuple[str, dt.date], Measurement] = {}
    latest: dict[str, Measurement] = {}
    for row in rows:
        _check_row(row, as_of, problems)
        service = services.get(row.service)
        if service is None:
            _at(
                problems,
                row,
                "service",
                f"unknown service '{row.service}'"
                f"{suggest(row.service, services)} (expected a service id from catalog.yaml)",
            )
            continue
        key = (row.service, row.month)
        if key in seen:
            _at(
                problems,
                row,
                "month",
                f"{month_label(row.month)} of {row.service} is "
                f"already on line {seen[key].src.line}; keep one row per service and month",
            )
            continue
        seen[key] = row
        before = latest.get(row.service)
        if before is not None and row.month < before.month:
            _at(
                problems,
                row,
                "month",
                f"the months of {row.service} are out of order: "
                f"{month_label(row.month)} comes after {month_label(before.month)} (line "
                f"{before.src.line}); list each service's months oldest first",
            )
        else:
            latest[row.service] = row
        first = service.versions[0].effective
        if month_end(row.month) < first:
            _at(
                problems,
                row,
                "month",
                f"{row.service} starts on {first}, after "
                f"{month_label(row.month)}; remove the row, or correct the month",
            )
        _check_levels(row, service, slas, problems)
    _check_gaps(seen, latest, problems)


def _check_gaps(
    seen: Mapping[tuple[str, dt.date], Measurement],
    latest: Mapping[str, Measurement],
    problems: Problems,
) -> None:
    """A month left out between a service's first month and its last shows as "not
    reported" on the scorecard: say so, in case a row went missing in the export."""
    for service, last in latest.items():
        months = sorted(m for s, m in seen if s == service)
        missing, month = [], months[0]
        while month < last.month:
            if (service, month) not in seen:
                missing.append(month_label(month))
            month = add_months(month, 1)
        if missing:
            line, col = last.at("service")
            problems.add(
                last.src.file,
                line,
                "service",
                f"no row for {service} in {', '.join(missing[:6])}"
                f"{' and more' if len(missing) > 6 else ''}; its scorecard shows "
                "those months as not reported",
                warning=True,
                column=col,
            )


def _at(problems: Problems, row: Measurement, column: str, message: str) -> None:
    line, col = row.at(column)
    problems.add(row.src.file, line, column, message, column=col)


def _check_row(row: Measurement, as_of: dt.date, problems: Problems) -> None:
    if month_end(row.month) >= as_of:
        _at(
            problems,
            row,
            "month",
            f"{month_label(row.month)} has not ended on the build "
            f"date {as_of}; report a month once it is over",
        )
    days = calendar.monthrange(row.month.year, row.month.month)[1]
    if row.scheduled_minutes == 0:
        _at(
            problems,
            row,
            "scheduled_minutes",
            "no scheduled minutes (expected the minutes "
            "the service was due to be up; leave the month out if it was not offered)",
        )
    elif row.scheduled_minutes > days * 1440:
        _at(
            problems,
            row,
            "scheduled_minutes",
            f"{row.scheduled_minutes:,} minutes is more "
            f"than {month_label(row.month)} has ({days * 1440:,})",
        )
    if row.downtime_minutes > row.scheduled_minutes:
        _at(
            problems,
            row,
            "downtime_minutes",
            f"{row.downtime_minutes:,} minutes down is "
            f"more than the {row.scheduled_minutes:,} scheduled minutes (count only downtime "
            "inside the scheduled minutes)",
        )
    for counts in row.incidents:
        p = counts.level.lower()
        for name, what in (("responded", "answered in time"), ("resolved", "resolved in time")):
            if getattr(counts, name) > counts.incidents:
                _at(
                    problems,
                    row,
                    f"{p}_{name}",
                    f"{getattr(counts, name)} {counts.level} "
                    f"incidents {what} is more than the {counts.incidents} opened "
                    f"({p}_incidents)",
                )
    for count, total, what in _WITHIN:
        have, out_of = getattr(row, count), getattr(row, total)
        if have is not None and out_of is not None and have > out_of:
            _at(problems, row, count, f"{have} {what} is more than the {out_of} {total}")
    responses, score = row.satisfaction_responses, row.satisfaction_score
    if responses and score is None:
        _at(
            problems,
            row,
            "satisfaction_score",
            f"no score for {responses} survey answers (expected their average, 1 to 5)",
        )
    if responses == 0 and score is not None:
        _at(
            problems,
            row,
            "satisfaction_score",
            "a score without survey answers (expected "
            "an empty cell when satisfaction_responses is 0)",
        )


def _check_levels(
    row: Measurement, service: Service, slas: Mapping[str, SlaMeta], problems: Problems
) -> None:
    """Incidents at a priority the service's SLA does not have cannot be held to a target."""
    version = version_in_effect(service, month_end(row.month)) or service.versions[0]
    sla = slas.get(version.sla)
    if sla is None:
        return
    levels = {p.level.upper() for p in sla.priorities}
    for counts in row.incidents:
        if counts.incidents and counts.level not in levels:
            _at(
                problems,
                row,
                f"{counts.level.lower()}_incidents",
                f"{sla.name} has no "
                f"priority {counts.level}, so these incidents have no target (expected 0, or "
                "add the priority to the SLA)",
            )
