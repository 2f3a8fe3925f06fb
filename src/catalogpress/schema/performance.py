"""performance.csv: what a service did each month, the source of the scorecards.

One row per service per month, as an office exports it from its service desk or
monitoring tool. This module is the reference for its columns (docs/formats.md):
what each may hold, the record a row becomes, and the error for a cell that is
wrong, pointed at by line and column. Checks across rows and against the catalog
(unknown service, months out of order, counts above their totals) are in
check/performance.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from catalogpress.core.errors import Problems
from catalogpress.core.ids import is_id
from catalogpress.core.suggest import suggest
from catalogpress.schema.checker import Source
from catalogpress.schema.fields import FIRST_YEAR, LAST_YEAR
from catalogpress.sources.csvfile import Cell, CsvRow, CsvTable

FILE = "performance.csv"
MAX_MINUTES = 31 * 24 * 60  # the minutes of the longest month
MAX_COUNT = 10_000_000
LEVELS = ("P1", "P2", "P3", "P4", "P5")  # incident priorities, as the SLA templates name them
MAX_NOTE = 500  # characters
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_GROUPED = re.compile(r"[0-9]{1,3}(,[0-9]{3})+")  # 1,200
_SCORE = re.compile(r"^[0-9](?:\.[0-9]{1,2})?$")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "month", "service", "minutes", "count", "score", "text"
    meaning: str  # for error messages and docs/formats.md


REQUIRED = (
    Column("month", "month", "the month measured, as YYYY-MM"),
    Column("service", "service", "the service id, as in catalog.yaml"),
    Column(
        "scheduled_minutes",
        "minutes",
        "the minutes the service was due to be up: its service hours in the month, less "
        "the maintenance windows of its SLA",
    ),
    Column(
        "downtime_minutes",
        "minutes",
        "the minutes it was down, unplanned, within the scheduled minutes",
    ),
)
# Optional groups: a group's columns are all present or all absent.
GROUPS: tuple[tuple[Column, ...], ...] = (
    *(
        (
            Column(f"{p.lower()}_incidents", "count", f"{p} incidents opened in the month"),
            Column(f"{p.lower()}_responded", "count", f"{p} incidents answered in time"),
            Column(f"{p.lower()}_resolved", "count", f"{p} incidents resolved in time"),
        )
        for p in LEVELS
    ),
    (
        Column("requests", "count", "service requests fulfilled in the month"),
        Column("requests_on_time", "count", "requests fulfilled within their lead time"),
    ),
    (
        Column("satisfaction_responses", "count", "customer survey answers received"),
        Column("satisfaction_score", "score", "their average score, 1 to 5 (empty if none)"),
    ),
    (Column("note", "text", "what happened, in plain words (optional)"),),
)
COLUMNS = {c.name: c for c in (*REQUIRED, *(c for group in GROUPS for c in group))}


@dataclass(frozen=True)
class IncidentCounts:
    level: str  # "P1"
    incidents: int
    responded: int  # answered within the SLA's response time
    resolved: int  # resolved within the SLA's resolution time


@dataclass(frozen=True)
class Measurement:
    """One row of performance.csv."""

    month: dt.date  # the first day of the month
    service: str
    scheduled_minutes: int
    downtime_minutes: int
    incidents: tuple[IncidentCounts, ...] = ()  # the priorities the file reports
    requests: int | None = None
    requests_on_time: int | None = None
    satisfaction_responses: int | None = None
    satisfaction_score: Decimal | None = None  # None: no answers
    note: str = ""
    src: Source = Source(FILE, 0)
    cells: tuple[tuple[str, int, int], ...] = ()  # (column name, line, column) of each cell

    def at(self, column: str) -> tuple[int, int]:
        """The line and column of this row's cell in `column`."""
        for name, line, col in self.cells:
            if name == column:
                return line, col
        return self.src.line, 0


class _Row:
    """Converting the cells of one row, collecting every mistake in it."""

    def __init__(self, file: str, row: CsvRow, names: dict[int, str], problems: Problems) -> None:
        self.file, self.problems, self.bad = file, problems, False
        self.cells = {names[i]: c for i, c in enumerate(row.cells) if i in names}

    def error(self, cell: Cell, column: str, message: str) -> None:
        self.problems.add(self.file, cell.line, column, message, column=cell.column)
        self.bad = True

    def value(self, name: str) -> int | str | Decimal | dt.date | None:
        cell = self.cells[name]
        column, text = COLUMNS[name], self.cells[name].text.strip()
        if column.kind == "text":
            if len(text) > MAX_NOTE:
                self.error(
                    cell,
                    name,
                    f"the note is {len(text)} characters long (at most "
                    f"{MAX_NOTE}; say what happened in a sentence or two)",
                )
            return text
        if not text:
            if column.kind == "score":
                return None  # checked against the number of responses in check/
            self.error(cell, name, f"this cell is empty (expected {_expected(column)})")
            return None
        if column.kind == "month":
            return self._month(cell, name, text)
        if column.kind == "service":
            if not is_id(text):
                self.error(
                    cell,
                    name,
                    f"'{text}' is not a service id (expected lowercase "
                    "letters, digits and hyphens, as in catalog.yaml)",
                )
            return text
        if column.kind == "score":
            return self._score(cell, name, text)
        return self._whole(cell, name, text, MAX_MINUTES if column.kind == "minutes" else MAX_COUNT)

    def _month(self, cell: Cell, name: str, text: str) -> dt.date | None:
        match = _MONTH.match(text)
        if match and FIRST_YEAR <= int(match[1]) <= LAST_YEAR and 1 <= int(match[2]) <= 12:
            return dt.date(int(match[1]), int(match[2]), 1)
        self.error(cell, name, f"'{text}' is not a month (expected YYYY-MM, like 2026-03)")
        return None

    def _whole(self, cell: Cell, name: str, text: str, most: int) -> int | None:
        plain = text.replace(",", "") if _GROUPED.fullmatch(text) else text
        if not (plain.isascii() and plain.isdigit()):
            shown = "a negative number" if text.startswith("-") else f"'{text}'"
            self.error(cell, name, f"expected {_expected(COLUMNS[name])}, got {shown}")
            return None
        number = int(plain)
        if number > most:
            self.error(
                cell,
                name,
                f"{number:,} is more than {most:,}, "
                + (
                    "the minutes of the longest month"
                    if most == MAX_MINUTES
                    else "the most a count may be"
                )
                + f" (expected {_expected(COLUMNS[name])})",
            )
            return None
        return number

    def _score(self, cell: Cell, name: str, text: str) -> Decimal | None:
        try:
            score = Decimal(text) if _SCORE.match(text) else None
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            score = None
        if score is None or not Decimal(1) <= score <= Decimal(5):
            self.error(
                cell,
                name,
                f"expected an average score from 1 to 5 with at most two "
                f"decimals (like 4.36), got '{text}'",
            )
            return None
        return score


def _expected(column: Column) -> str:
    if column.kind == "minutes":
        return f"a whole number of minutes ({column.meaning})"
    if column.kind == "count":
        return f"a whole number: {column.meaning}; write 0 if there were none"
    return column.meaning


def read_measurements(table: CsvTable, problems: Problems) -> tuple[Measurement, ...]:
    """The rows of performance.csv whose cells are all right; the others are reported."""
    names = _header(table, problems)
    if names is None:
        return ()
    present = set(names.values())
    found = []
    for row in table.rows:
        if len(row.cells) != len(table.header):
            problems.add(
                table.file,
                row.line,
                "",
                f"this row has {len(row.cells)} cells but the header "
                f"has {len(table.header)} (expected one cell per column; quote a cell that "
                'holds a comma, like "Power, cooling")',
                column=1,
            )
            continue
        reading = _Row(table.file, row, names, problems)
        values = {name: reading.value(name) for name in COLUMNS if name in present}
        if reading.bad:
            continue
        found.append(_measurement(table.file, row, reading.cells, values))
    return tuple(found)


def _header(table: CsvTable, problems: Problems) -> dict[int, str] | None:
    names: dict[int, str] = {}
    ok = True
    for i, cell in enumerate(table.header):
        name = cell.text.strip().lower()
        if name in names.values():
            problems.add(
                table.file,
                cell.line,
                name,
                "this column is named twice; remove one",
                column=cell.column,
            )
            ok = False
        elif name not in COLUMNS:
            problems.add(
                table.file,
                cell.line,
                name or f"column {i + 1}",
                f"unknown column '{cell.text.strip()}'{suggest(name, COLUMNS)} (the columns "
                "are listed in docs/formats.md)",
                column=cell.column,
            )
            ok = False
        else:
            names[i] = name
    present = set(names.values())
    missing = [c.name for c in REQUIRED if c.name not in present]
    for group in GROUPS:
        have = [c.name for c in group if c.name in present]
        if have and len(have) < len(group):
            missing += [c.name for c in group if c.name not in present]
    if missing:
        problems.add(
            table.file,
            1,
            "",
            f"the header lacks the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (expected a first line naming every column; see "
            "docs/formats.md)",
            column=1,
        )
        ok = False
    return names if ok else None


def _measurement(
    file: str, row: CsvRow, cells: dict[str, Cell], values: Mapping[str, object]
) -> Measurement:
    def whole(name: str) -> int | None:
        value = values.get(name)
        return value if isinstance(value, int) else None

    incidents = tuple(
        IncidentCounts(
            p,
            whole(f"{p.lower()}_incidents") or 0,
            whole(f"{p.lower()}_responded") or 0,
            whole(f"{p.lower()}_resolved") or 0,
        )
        for p in LEVELS
        if f"{p.lower()}_incidents" in values
    )
    score = values.get("satisfaction_score")
    month = values["month"]
    assert isinstance(month, dt.date)
    return Measurement(
        month=month,
        service=str(values["service"]),
        scheduled_minutes=whole("scheduled_minutes") or 0,
        downtime_minutes=whole("downtime_minutes") or 0,
        incidents=incidents,
        requests=whole("requests"),
        requests_on_time=whole("requests_on_time"),
        satisfaction_responses=whole("satisfaction_responses"),
        satisfaction_score=score if isinstance(score, Decimal) else None,
        note=str(values.get("note") or ""),
        src=Source(file, row.line),
        cells=tuple((name, c.line, c.column) for name, c in cells.items()),
    )
