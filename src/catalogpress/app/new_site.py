"""`catalogpress new site DIR`: a small, complete catalog to start from.

The starter's files ship inside the package (starter_site/) with their dates left
as placeholders, because a starter with fixed dates would stop building once its
fiscal year had passed. They are filled in from the day the starter is made: its
rate sheet is that day's fiscal year (starting July 1, as in most states), and
its pages count as reviewed that day, so the new catalog builds at once with no
problems and no warnings.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from catalogpress.core.errors import Problem, SiteError

STARTER = Path(__file__).parent / "starter_site"
FISCAL_YEAR_STARTS = (7, 1)  # month and day; fiscal year 2027 starts on July 1, 2026
APPROVAL_DAYS_BEFORE = 45  # a starter rate sheet is approved this long before it starts


def fiscal_year_of(day: dt.date) -> int:
    """The fiscal year a day falls in, named after the calendar year it ends in."""
    return day.year + 1 if (day.month, day.day) >= FISCAL_YEAR_STARTS else day.year


def starter_values(today: dt.date) -> dict[str, str]:
    year = fiscal_year_of(today)
    start = dt.date(year - 1, *FISCAL_YEAR_STARTS)
    return {
        "@FISCAL_YEAR@": str(year),
        "@SHEET_START@": start.isoformat(),
        "@APPROVED_ON@": (start - dt.timedelta(days=APPROVAL_DAYS_BEFORE)).isoformat(),
        "@TODAY@": today.isoformat(),
    }


def starter_files() -> list[Path]:
    """The starter's files, relative to its folder, in a stable order."""
    return sorted(p.relative_to(STARTER) for p in STARTER.rglob("*") if p.is_file())


def new_site(target: Path, today: dt.date) -> list[Path]:
    """Write the starter catalog into `target` (new or empty); returns the files written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise SiteError(
            [
                Problem(
                    str(target),
                    0,
                    "",
                    "this folder already exists and is not empty; a new catalog starts in "
                    "a new folder, so nothing of yours is overwritten (choose another name)",
                )
            ]
        )
    values = starter_values(today)
    written = []
    for relative in starter_files():
        text = (STARTER / relative).read_text(encoding="utf-8")
        for placeholder, value in values.items():
            text = text.replace(placeholder, value)
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
