"""Every validation rule reports file, line, field and a plain message."""

from __future__ import annotations

import pytest

from catalogpress.app.build import check
from catalogpress.core.errors import SiteError

from .conftest import MINIMAL, MINIMAL_AS_OF


def problems_of(root) -> list[str]:
    with pytest.raises(SiteError) as info:
        check(root, MINIMAL_AS_OF)
    return [str(p) for p in info.value.problems]


def test_fixture_is_valid():
    assert check(MINIMAL, MINIMAL_AS_OF).warnings == []


def test_unknown_category_suggests_closest(scratch):
    scratch.replace("catalog.yaml", "category: hosting", "category: hostng")
    line = scratch.line_of("catalog.yaml", "category: hostng")
    assert problems_of(scratch.root) == [
        f"catalog.yaml:{line}: services[1].category: unknown category 'hostng'; "
        "did you mean 'hosting'?"
    ]


def test_unknown_references_of_every_kind(scratch):
    scratch.replace("catalog.yaml", "specialist: ana-park", "specialist: ana-parks")
    scratch.replace("catalog.yaml", "related: [web-hosting]", "related: [web-hostin]")
    scratch.replace("catalog.yaml", "audience: [state-agencies]", "audience: [everyone]")
    scratch.replace("catalog.yaml", "sla: sla-basic\n    services:", "sla: sla-gold\n    services:")
    found = problems_of(scratch.root)
    assert any(
        "agencies[0].specialist: unknown person 'ana-parks'; did you mean 'ana-park'?" in p
        for p in found
    )
    assert any(
        "services[0].related[0]: unknown service 'web-hostin'; did you mean 'web-hosting'?" in p
        for p in found
    )
    assert any("services[0].audience[0]: unknown audience 'everyone'" in p for p in found)
    assert any("agencies[0].sla: unknown sla 'sla-gold'" in p for p in found)
    assert len(found) == 4  # all reported in one run


def test_unknown_field_is_a_typo(scratch):
    scratch.replace("catalog.yaml", "    summary: We host", "    sumary: We host")
    line = scratch.line_of("catalog.yaml", "sumary:")
    found = problems_of(scratch.root)
    assert any(
        p.startswith(
            f"catalog.yaml:{line}: services[1].versions[0].sumary: "
            "unknown field 'sumary'; did you mean 'summary'?"
        )
        for p in found
    )
    assert (
        f"catalog.yaml:{line - 5}: services[1].versions[0].summary: missing required "
        "field 'summary'" in found
    )


def test_float_money_is_refused(scratch):
    scratch.replace("rates.yaml", 'amount: "5.75"', "amount: 5.75")
    line = scratch.line_of("rates.yaml", "amount: 5.75")
    assert problems_of(scratch.root) == [
        f"rates.yaml:{line}: rate_sheets[1].lines[0].amount: expected an amount in quotes, "
        'like "5.75", got the number 5.75 (without quotes YAML would store it inexactly)'
    ]


@pytest.mark.parametrize(
    "amount,message",
    [
        (
            '"$5.75"',
            "expected an amount like \"12.85\" (digits, a point, no $ or commas), got '$5.75'",
        ),
        (
            '"1,200.00"',
            "expected an amount like \"12.85\" (digits, a point, no $ or commas), got '1,200.00'",
        ),
        ('"-3"', "expected an amount of zero or more, got -3"),
        ('"0.123456"', "expected at most 4 decimal places, got 0.123456"),
        (".nan", "expected an amount like \"12.85\" (digits, a point, no $ or commas), got '.nan'"),
    ],
)
def test_amounts_that_are_not_money(scratch, amount, message):
    scratch.replace("rates.yaml", 'amount: "6.00"', f"amount: {amount}")
    line = scratch.line_of("rates.yaml", f"amount: {amount}")
    assert problems_of(scratch.root) == [
        f"rates.yaml:{line}: rate_sheets[0].lines[0].amount: {message}"
    ]


def test_impossible_date(scratch):
    scratch.replace("catalog.yaml", "effective: 2024-07-01", "effective: 2025-02-30")
    line = scratch.line_of("catalog.yaml", "2025-02-30")
    assert problems_of(scratch.root) == [
        f"catalog.yaml:{line}: services[0].versions[0].effective: '2025-02-30' is not a real "
        "date (expected YYYY-MM-DD, like 2026-07-01)"
    ]


def test_unquoted_version_number(scratch):
    scratch.replace("catalog.yaml", 'version: "1.10"', "version: 1.10")
    line = scratch.line_of("catalog.yaml", "version: 1.10")
    assert problems_of(scratch.root) == [
        f"catalog.yaml:{line}: services[0].versions[1].version: expected text, got the number "
        '1.10 (write it in quotes, "1.10", so it stays exactly as typed)'
    ]


def test_duplicate_service_id(scratch):
    scratch.replace("catalog.yaml", "  - id: ai-assistant", "  - id: email")
    first = scratch.line_of("catalog.yaml", "  - id: email")
    found = problems_of(scratch.root)
    assert any(
        p.endswith(
            f"services[2].id: duplicate id 'email' (already used on line "
            f"{first}); every id must be unique"
        )
        for p in found
    )


def test_retiring_without_retire_date(scratch):
    scratch.replace("catalog.yaml", "        retire_on: 2026-06-30\n", "")
    line = scratch.line_of("catalog.yaml", "status: retiring") - 2
    assert problems_of(scratch.root) == [
        f"catalog.yaml:{line}: services[web-hosting].versions[0].retire_on: a retiring "
        "service needs a retire date (expected retire_on: YYYY-MM-DD)"
    ]


def test_versions_out_of_order_and_same_day(scratch):
    scratch.replace("catalog.yaml", "effective: 2025-07-01", "effective: 2024-07-01")
    found = problems_of(scratch.root)
    assert len(found) == 1 and "two versions take effect on the same date (2024-07-01)" in found[0]


def test_overlapping_rate_sheets(scratch):
    scratch.replace(
        "rates.yaml",
        "    approved_by: Rate Board\n",
        "    ends: 2025-12-31\n    approved_by: Rate Board\n",
    )
    line = scratch.line_of("rates.yaml", "fiscal_year: 2025")
    assert problems_of(scratch.root) == [
        f"rates.yaml:{line}: rate_sheets[FY2025].ends: rate sheets overlap: FY2025 runs until "
        "2025-12-31 but FY2026 starts on 2025-07-01 (expected FY2025 to end by 2025-06-30)"
    ]


def test_active_service_without_rate(scratch):
    scratch.replace(
        "rates.yaml",
        "      - service: web-hosting\n        item: Website\n"
        '        unit: site-month\n        amount: "42.50"',
        "      - service: email\n        item: Website\n        unit: site-month"
        '\n        amount: "42.50"',
    )
    line = scratch.line_of("catalog.yaml", "  - id: web-hosting")
    assert problems_of(scratch.root) == [
        f"catalog.yaml:{line}: services[web-hosting]: the service is retiring on 2025-11-01 but "
        "has no rate in the FY2026 rate sheet; add a line with service: web-hosting to that "
        "sheet in rates.yaml, or write no_charge: true here if agencies do not pay for it, "
        "or build with --as-of a date when it is priced"
    ]


def test_breakdown_must_add_up(scratch):
    scratch.replace("rates.yaml", 'overhead: "1.50"', 'overhead: "1.25"')
    found = problems_of(scratch.root)
    assert len(found) == 1 and found[0].endswith(
        "rate_sheets[FY2026].lines[0].breakdown: the cost breakdown adds up to 5.50 (expected "
        "the amount, 5.75)"
    )


def test_unknown_unit(scratch):
    scratch.replace("rates.yaml", "unit: site-month", "unit: site-mnth")
    found = problems_of(scratch.root)
    assert "unknown unit 'site-mnth'; did you mean 'site-month'?" in found[0]


def test_bad_slug(scratch):
    scratch.replace("catalog.yaml", "  - id: ai-assistant", "  - id: ../../etc")
    found = problems_of(scratch.root)
    assert any(
        "services[2].id: expected an id of lowercase letters, digits and single "
        "hyphens, starting with a letter (like 'cloud-hosting'), got '../../etc'" in p
        for p in found
    )


def test_front_matter_errors(scratch):
    scratch.write("content/pages/broken.md", "---\ntitle: [unclosed\n---\nBody\n")
    scratch.write("content/pages/nofront.md", "Just text\n")
    scratch.write("content/pages/typo.md", "---\ntitle: Typo\nnavv: true\n---\nBody\n")
    found = problems_of(scratch.root)
    assert (
        "content/pages/nofront.md:1: missing front matter (expected the file to start with "
        "a '---' line, YAML fields, and another '---' line)" in found
    )
    assert (
        "content/pages/typo.md:3: navv: unknown field 'navv'; did you mean 'nav'? "
        "(expected one of: title, summary, nav, owner, reviewed_on)" in found
    )
    assert any(p.startswith("content/pages/broken.md:2: this list is not closed") for p in found)


def test_broken_content_link(scratch):
    scratch.replace("content/services/email.md", "(page:methodology)", "(page:methodolgy)")
    line = scratch.line_of("content/services/email.md", "page:methodolgy")
    assert problems_of(scratch.root) == [
        f"content/services/email.md:{line}: the link 'page:methodolgy' points to nothing in "
        "this catalog (expected service:<id>, page:<page-name>, sla:<id>, category:<id> or a "
        "page path like /rates/); did you mean 'page:methodology'?"
    ]


def test_broken_links_suggest_the_closest_target(scratch):
    scratch.replace("content/services/email.md", "(service:web-hosting)", "(service:webhosting)")
    scratch.replace("content/services/email.md", "(page:methodology)", "(/methodolgy/)")
    found = problems_of(scratch.root)
    assert found[0].endswith("did you mean 'service:web-hosting'?")
    assert found[1].endswith("did you mean '/methodology/'?")


def test_overview_for_unknown_service(scratch):
    scratch.write("content/services/emial.md", "---\ntitle: Typo\n---\nText\n")
    assert problems_of(scratch.root) == [
        "content/services/emial.md:1: no service has the id 'emial' (the file name must match "
        "a service id in catalog.yaml); did you mean 'email'?"
    ]


def test_missing_overview_is_a_warning(scratch):
    scratch.path("content/services/ai-assistant.md").unlink()
    warnings = [str(w) for w in check(scratch.root, MINIMAL_AS_OF).warnings]
    assert warnings == [
        f"warning: catalog.yaml:{scratch.line_of('catalog.yaml', '- id: ai-')}:"
        " services[ai-assistant]: the service has no overview page (expected "
        "content/services/ai-assistant.md)"
    ]


def test_empty_and_wrong_top_level(scratch):
    scratch.write("catalog.yaml", "# nothing here\n")
    scratch.write("rates.yaml", "- just\n- a list\n")
    found = problems_of(scratch.root)
    assert (
        "catalog.yaml:1: catalog.yaml is empty (expected 'name: value' lines; see docs/formats.md)"
    ) in found
    assert "rates.yaml:1: expected lines of the form 'name: value', got a list" in found


def test_many_problems_reported_together(scratch):
    scratch.replace("catalog.yaml", "category: hosting", "category: nowhere")
    scratch.replace("rates.yaml", 'amount: "6.00"', "amount: 6.0")
    scratch.replace(
        "content/services/email.md", "reviewed_on: 2025-09-01", "reviewed_on: yesterday"
    )
    files = {p.split(":")[0] for p in problems_of(scratch.root)}
    assert files == {"catalog.yaml", "rates.yaml", "content/services/email.md"}
