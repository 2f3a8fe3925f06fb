"""Dates that are plausible on their own but wrong on the build date, each pinned with
the message that says what to change."""

from __future__ import annotations

import pytest

from catalogpress.app.build import check
from catalogpress.core.errors import SiteError

from .conftest import MINIMAL_AS_OF


def problems_of(root, as_of=MINIMAL_AS_OF) -> list[str]:
    with pytest.raises(SiteError) as info:
        check(root, as_of)
    return [str(p) for p in info.value.problems]


def warnings_of(root, as_of=MINIMAL_AS_OF) -> list[str]:
    return [str(w) for w in check(root, as_of).warnings]


def test_an_active_service_that_has_not_started_is_an_error_suggesting_proposed(scratch):
    scratch.replace(
        "catalog.yaml",
        "effective: 2027-01-01\n        status: proposed",
        "effective: 2027-01-01\n        status: active",
    )
    line = scratch.line_of("catalog.yaml", 'version: "0.1"')
    assert problems_of(scratch.root) == [
        f"catalog.yaml:{line}: services[ai-assistant].versions[0].status: the service is "
        "marked active, but its first version starts on 2027-01-01, after the build date "
        "2025-11-01; write status: proposed (it is then listed as coming soon, and goes "
        "live by itself on 2027-01-01), or build with --as-of 2027-01-01 to see the catalog "
        "as it will be then"
    ]


def test_an_active_service_is_fine_once_it_has_started(scratch):
    scratch.replace(
        "catalog.yaml",
        "effective: 2027-01-01\n        status: proposed",
        "effective: 2025-10-01\n        status: active",
    )
    scratch.replace(
        "rates.yaml",
        "        reason: Hosting hardware costs rose.",
        "        reason: Hosting hardware costs rose.\n"
        "      - service: ai-assistant\n        item: Seat\n        unit: seat-month\n"
        '        amount: "3"\n        charge_type: recurring',
    )
    assert warnings_of(scratch.root) == []


def test_a_later_version_marked_active_is_a_scheduled_change_not_an_error(scratch):
    # On this date email's version 1.10 (2025-07-01, active) is still ahead: no problem.
    found = warnings_of(scratch.root, MINIMAL_AS_OF.replace(year=2025, month=1))
    assert not any("status" in w or "services[email]" in w for w in found), found


def test_an_active_service_without_a_rate_says_what_to_do(scratch):
    scratch.replace(
        "rates.yaml",
        "      - service: web-hosting\n        item: Website\n"
        '        unit: site-month\n        amount: "42.50"',
        "      - service: email\n        item: Website\n        unit: site-month"
        '\n        amount: "42.50"',
    )
    found = problems_of(scratch.root)
    assert any(
        "services[web-hosting]: the service is retiring on 2025-11-01 but has no rate in the "
        "FY2026 rate sheet; add a line with service: web-hosting to that sheet in rates.yaml, "
        "or write no_charge: true here if agencies do not pay for it, or build with --as-of "
        "a date when it is priced" in p
        for p in found
    ), found


def test_a_gap_between_rate_sheets_is_a_warning(scratch):
    scratch.replace(
        "rates.yaml",
        "    effective: 2024-07-01\n",
        "    effective: 2024-07-01\n    ends: 2025-03-31\n",
    )
    line = scratch.line_of("rates.yaml", "fiscal_year: 2025")
    assert warnings_of(scratch.root) == [
        f"warning: rates.yaml:{line}: rate_sheets[FY2025].ends: no rate sheet is in effect "
        "from 2025-04-01 to 2025-06-30: FY2025 ends on 2025-03-31 and FY2026 starts on "
        "2025-07-01, so the site would show no rates then; remove ends: (the rates then stay "
        "in effect until the next sheet starts), or add a sheet for the missing time"
    ]


def test_a_fiscal_year_with_no_sheet_between_two_sheets_is_a_warning(scratch):
    scratch.replace("rates.yaml", "fiscal_year: 2025", "fiscal_year: 2024")
    scratch.replace("rates.yaml", "effective: 2024-07-01", "effective: 2023-07-01")
    line = scratch.line_of("rates.yaml", "fiscal_year: 2026")
    assert warnings_of(scratch.root) == [
        f"warning: rates.yaml:{line}: rate_sheets[FY2026].fiscal_year: there is no rate sheet "
        "for FY2025, between FY2024 and FY2026; FY2024's rates stay in effect until "
        "2025-07-01. Add the missing sheet, or check the fiscal_year of FY2026"
    ]


def test_a_review_date_after_the_build_date_is_a_warning(scratch):
    scratch.replace(
        "content/services/email.md", "reviewed_on: 2025-09-01", "reviewed_on: 2025-12-01"
    )
    assert warnings_of(scratch.root) == [
        "warning: content/services/email.md:4: reviewed_on: the review date 2025-12-01 is "
        "after the build date 2025-11-01; write the day you last checked the text"
    ]


@pytest.mark.parametrize(
    "broken",
    [
        "title: Email\nownr: ana-park\n",  # a field error
        "title: Email\nowner: [ana-park\n",  # a syntax error
    ],
)
def test_an_overview_with_a_front_matter_error_is_not_also_called_missing(scratch, broken):
    text = scratch.path("content/services/email.md").read_text()
    scratch.write(
        "content/services/email.md", text.replace("title: Email\nowner: ana-park\n", broken)
    )
    with pytest.raises(SiteError) as info:
        check(scratch.root, MINIMAL_AS_OF)
    assert [p.file for p in info.value.problems] == ["content/services/email.md"]
    assert not any("no overview page" in str(w) for w in info.value.warnings)
