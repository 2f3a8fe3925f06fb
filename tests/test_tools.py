"""Agency tools without a browser: maintenance data, the .ics feed, agency costs, cost
breakdowns, open data against its schema, the search index, and script safety."""

from __future__ import annotations

import csv
import datetime as dt
import html.parser
import io
import json
import re
from decimal import Decimal

import jsonschema
import pytest

from catalogpress.app.build import build, load_site
from catalogpress.core.errors import SiteError
from catalogpress.model import charts, estimator
from catalogpress.model.maintenance import calendar_ics, event_views, service_notices

from .conftest import MINIMAL_AS_OF, REPO

EVENTS = """
maintenance:
  - id: mail-move
    title: Mail server move
    services: [email]
    start: 2025-11-08T22:00-06:00
    end: 2025-11-09T02:30-06:00
    description: "Mail is held; nothing is lost. Notes: bring coffee, and a \\\\ backslash."
  - id: web-patch
    title: Web patching
    services: [web-hosting]
    start: 2025-10-01T05:00Z
    end: 2025-10-01T06:00Z
    impact: degraded
    description: Sites restart once.
"""


def with_events(scratch, text=EVENTS):
    scratch.write("catalog.yaml", scratch.path("catalog.yaml").read_text() + text)


def problems_of(scratch, as_of=MINIMAL_AS_OF):
    with pytest.raises(SiteError) as info:
        load_site(scratch.root, as_of)
    return [str(p) for p in info.value.problems]


# --- maintenance events -------------------------------------------------------------------


def test_maintenance_mistakes_are_reported_with_file_line_and_field(scratch):
    with_events(
        scratch,
        """
maintenance:
  - id: one
    title: One
    services: [emial]
    start: 2025-11-08 22:00
    end: 2025-11-09T02:30-06:00
    description: x
  - id: one
    title: Two
    services: [email]
    start: 2025-11-08T22:00-06:00
    end: 2025-11-08T21:00-06:00
    description: x
""",
    )
    line = scratch.line_of("catalog.yaml", "services: [emial]")
    found = problems_of(scratch)
    assert (
        f"catalog.yaml:{line}: maintenance[0].services[0]: unknown service 'emial'; did "
        "you mean 'email'?"
    ) in found
    assert (
        f"catalog.yaml:{line + 1}: maintenance[0].start: expected a date and time with "
        "its UTC offset, like 2026-03-05T04:00-06:00, got '2025-11-08 22:00'"
    ) in found
    assert any(
        p.startswith(f"catalog.yaml:{line + 8}: maintenance[1].end: the event ends") for p in found
    ), found
    assert not any("Traceback" in p for p in found)


def test_duplicate_event_ids_are_an_error(scratch):
    with_events(scratch, EVENTS.replace("id: web-patch", "id: mail-move"))
    line = scratch.line_of("catalog.yaml", "title: Web patching") - 1
    assert (
        f"catalog.yaml:{line}: maintenance[1].id: duplicate id 'mail-move' (already used "
        f"on line {line - 6}); every id must be unique"
    ) in problems_of(scratch)


def test_impossible_time_is_an_error(scratch):
    with_events(scratch, EVENTS.replace("2025-10-01T05:00Z", "2025-10-01T25:00Z"))
    assert any(
        "maintenance[1].start: '2025-10-01T25:00Z' is not a real date and time" in p
        for p in problems_of(scratch)
    )


@pytest.mark.slow
def test_event_states_and_service_banners_follow_the_build_date(scratch, tmp_path):
    with_events(scratch)
    site, _ = load_site(scratch.root, dt.date(2025, 11, 1))
    assert [(v.event.id, v.state) for v in event_views(site)] == [
        ("web-patch", "past"),
        ("mail-move", "upcoming"),
    ]
    assert [v.event.id for v in service_notices(site, "email")] == ["mail-move"]
    assert service_notices(site, "web-hosting") == []
    site, _ = load_site(scratch.root, dt.date(2025, 11, 9))
    assert service_notices(site, "email")[0].state == "under way"
    assert service_notices(site, "email")[0].when == (
        "Saturday, November 8, 2025, 10 p.m. to Sunday, November 9, 2025, "
        "2:30 a.m. (UTC\u221206:00)"
    )
    scratch.replace("catalog.yaml", "site:\n", "site:\n  time_zone: Central time\n")
    site, _ = load_site(scratch.root, dt.date(2025, 11, 9))
    assert service_notices(site, "email")[0].when.endswith("2:30 a.m. Central time")

    for as_of, expected in [
        (dt.date(2025, 11, 1), "Planned maintenance: Mail server move."),
        (dt.date(2025, 11, 9), "Maintenance under way: Mail server move."),
        (dt.date(2025, 11, 10), None),
    ]:
        out = tmp_path / f"out-{as_of}"
        build(scratch.root, out, as_of)
        page = (out / "services/email/index.html").read_text()
        if expected:
            assert expected in page
            assert 'href="../../care/maintenance/#event-mail-move"' in page
        else:
            assert "Mail server move" not in page
        calendar = (out / "care/maintenance/index.html").read_text()
        assert 'id="event-mail-move"' in calendar and 'id="event-web-patch"' in calendar


def test_ics_feed_follows_rfc_5545(scratch):
    with_events(scratch)
    site, _ = load_site(scratch.root, dt.date(2025, 11, 1))
    data = calendar_ics(site)
    text = data.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith(
        "END:VCALENDAR\r\n"
    )
    assert "\n" not in text.replace("\r\n", "")  # every line ends with CRLF
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert text.count("BEGIN:VEVENT") == 2 == text.count("END:VEVENT")
    assert "UID:mail-move@catalog.example" in unfolded
    assert "DTSTART:20251109T040000Z\r\nDTEND:20251109T083000Z" in unfolded  # -06:00 to UTC
    assert "DTSTART:20251001T050000Z" in unfolded
    assert (
        "DESCRIPTION:Mail is held\\; nothing is lost. Notes: bring coffee\\, and a \\\\ "
        "backslash. Affects: Email."
    ) in unfolded
    assert "URL:https://catalog.example/care/maintenance/#event-mail-move" in unfolded


# --- costs ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_agency_monthly_cost_at_current_rates(minimal_site):
    page = (minimal_site / "agencies/parks/index.html").read_text()
    # FY2026 mailbox rate $5.75 x 120 mailboxes
    assert "<dt>Monthly cost</dt><dd>$690.00</dd>" in page
    assert "<dt>Yearly cost</dt><dd>$8,280.00</dd>" in page
    assert "Ana Park" in page and "Basic Service Level Agreement" in page
    assert "No maintenance is planned on the services DOP uses." in page


@pytest.mark.slow
def test_agency_page_lists_maintenance_on_its_services(scratch, tmp_path):
    with_events(scratch)
    build(scratch.root, tmp_path / "out", dt.date(2025, 11, 1))
    page = (tmp_path / "out/agencies/parks/index.html").read_text()
    assert 'href="../../care/maintenance/#event-mail-move">Mail server move</a>' in page
    assert "Web patching" not in page  # past, and on a service the agency does not use


@pytest.mark.slow
def test_cost_breakdown_table_and_chart_geometry(minimal_site):
    from .conftest import MINIMAL

    site, _ = load_site(MINIMAL, MINIMAL_AS_OF)
    [view] = charts.breakdowns(site.services["email"])
    assert [(s.label, s.amount, s.percent) for s in view.segments] == [
        ("Staff time", Decimal("2.00"), Decimal("34.8")),
        ("Hardware and licenses", Decimal("2.25"), Decimal("39.1")),
        ("Overhead", Decimal("1.50"), Decimal("26.1")),
    ]
    assert view.segments[0].x == 0
    for left, right in zip(view.segments, view.segments[1:], strict=False):
        assert right.x == pytest.approx(left.x + left.width)
    assert sum(s.width for s in view.segments) == pytest.approx(charts.CHART_WIDTH, abs=0.05)
    assert view.benchmark_difference == Decimal("28.1")  # (8.00 - 5.75) / 8.00
    page = (minimal_site / "services/email/index.html").read_text()
    assert "What is in the rate: Mailbox" in page
    assert re.search(r'<rect x="0\.0" y="4" width="208\.7\d?" height="28" fill="#005ea2"', page), (
        page[page.find("<svg") : page.find("</svg>")]
    )
    assert "Our rate is 28.1% lower." in page
    assert "<script" not in page


# --- open data ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_data(sample_site):
    """The sample catalog as of 2026-11-23 with its PDFs: conftest's shared session build."""
    return sample_site


@pytest.mark.slow
def test_catalog_json_is_valid_against_its_published_schema(sample_data):
    data = json.loads((sample_data / "data/catalog.json").read_text())
    schema = json.loads((sample_data / "data/catalog.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    assert [e.message for e in validator.iter_errors(data)] == []
    assert len(data["services"]) >= 24 and len(data["rate_sheets"]) >= 2
    assert {"upcoming", "past"} <= {m["state"] for m in data["maintenance"]}
    # The schema has teeth: a float amount, an unknown field or a missing field all fail.
    line = data["rate_sheets"][0]["lines"][0]
    for broken in (
        {**line, "amount": 6.4},
        {**line, "colour": "red"},
        {k: v for k, v in line.items() if k != "unit"},
    ):
        data["rate_sheets"][0]["lines"][0] = broken
        assert not validator.is_valid(data), broken
    data["rate_sheets"][0]["lines"][0] = line


@pytest.mark.slow
def test_rates_csv_per_fiscal_year_matches_the_json(sample_data):
    data = json.loads((sample_data / "data/catalog.json").read_text())
    for sheet in data["rate_sheets"]:
        rows = list(
            csv.DictReader(
                io.StringIO((sample_data / f"rates/{sheet['id']}.csv").read_text(encoding="utf-8"))
            )
        )
        assert len(rows) == len(sheet["lines"])
        # A line priced from the provider's bill has no amount: null in JSON, empty in CSV.
        assert [(r["service_id"], r["item"], r["amount"]) for r in rows] == [
            (ln["service"], ln["item"], ln["amount"] or "") for ln in sheet["lines"]
        ]
        assert all(re.fullmatch(r"\d+\.\d{2,4}", r["amount"]) for r in rows if r["amount"])
        assert any(not r["amount"] for r in rows)  # the markup and at-cost lines
        assert {r["fiscal_year"] for r in rows} == {str(sheet["fiscal_year"])}


@pytest.mark.slow
def test_estimator_data_is_exact(sample_data):
    site, _ = load_site(REPO, dt.date(2026, 11, 23))
    data = estimator.estimator_data(site)
    assert [s["label"] for s in data["sheets"]] == ["FY2027", "FY2028"]  # current, next
    assert [s["current"] for s in data["sheets"]] == [True, False]
    for sheet in data["sheets"]:
        for line in sheet["lines"]:
            assert Decimal(line["amount_e4"]).scaleb(-4) == Decimal(line["amount"])
            if "breakdown_e4" in line:
                assert sum(line["breakdown_e4"].values()) == line["amount_e4"]


# --- search index -------------------------------------------------------------------------


@pytest.mark.slow
def test_search_index_is_built_into_the_site(sample_data):
    index = sample_data / "pagefind"
    entry = json.loads((index / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] >= 60
    assert (index / "pagefind.js").is_file() and list((index / "fragment").iterdir())
    assert not list(index.glob("pagefind-ui*"))  # the theme has its own search page
    service = (sample_data / "services/enterprise-email/index.html").read_text()
    assert (
        'data-pagefind-filter="category[data-value]" data-value="Email and Collaboration"'
        in service
    )
    assert 'data-pagefind-filter="status[data-value]" data-value="Active"' in service
    home = (sample_data / "index.html").read_text()
    assert re.search(
        r'<form class="site-search" role="search" aria-label="Site" '
        r'action="search/"',
        home,
    )


def test_search_index_is_reproducible():
    from catalogpress.app.build import render
    from catalogpress.index.search import _read, search_index

    from .conftest import MINIMAL

    site, _ = load_site(MINIMAL, MINIMAL_AS_OF)
    outputs, _ = render(MINIMAL, site)
    first, second = search_index(outputs, "en"), search_index(outputs, "en")
    assert [(o.path, o.data) for o in first] == [(o.path, o.data) for o in second]
    filters = {}
    for output in first:
        if output.path.endswith(".pf_filter"):
            name, values = _read(output.data)
            filters[name] = [v[0] for v in values]
    assert filters["status"] == ["Active", "Proposed", "Retiring"]  # sorted, not hash order
    assert filters["category"] == sorted(filters["category"]) and len(filters["category"]) == 2


@pytest.mark.slow
def test_search_index_failure_is_a_problem_not_a_traceback(scratch, tmp_path, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    with pytest.raises(SiteError) as info:
        build(scratch.root, tmp_path / "out", MINIMAL_AS_OF)
    assert str(info.value.problems[0]).startswith("pagefind: could not build the search index")
    assert not (tmp_path / "out").exists()


# --- scripts ------------------------------------------------------------------------------


class ScriptParser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.handlers: list[str] = []
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data):
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


ALLOWED_SCRIPTS = {"search.js", "money.js", "estimator.js", "compare.js", "sort.js"}


def script_problems(site) -> list[str]:
    """Every script that is not one of the theme's own files or an inert JSON data block."""
    found = []
    for page in sorted(site.rglob("*.html")):
        parser = ScriptParser()
        parser.feed(page.read_text())
        where = page.relative_to(site)
        found += [f"{where}: event handler {name}" for name in parser.handlers]
        for attrs, text in parser.scripts:
            src = attrs.get("src") or ""
            if src:
                name = src.rsplit("/", 1)[-1]
                if not (
                    src.endswith(f"assets/{name}")
                    and name in ALLOWED_SCRIPTS
                    and not src.startswith(("http:", "https:", "//"))
                    and not text
                ):
                    found.append(f"{where}: script {src}")
            elif attrs.get("type") == "application/json":
                try:
                    json.loads(text)
                except ValueError:
                    found.append(f"{where}: data block that is not JSON")
                if "<" in text:
                    found.append(f"{where}: '<' inside a data block")
            else:
                found.append(f"{where}: inline script {text[:60]!r}")
    return found


@pytest.mark.slow
def test_only_theme_scripts_and_json_data_in_sample_site(sample_data):
    assert script_problems(sample_data) == []
    estimator = (sample_data / "estimator/index.html").read_text()
    assert '<script src="../assets/estimator.js" defer></script>' in estimator
    assert (
        '<script src="../assets/search.js" defer></script>'
        in (sample_data / "search/index.html").read_text()
    )


@pytest.mark.slow
def test_content_cannot_inject_script_into_tool_pages(scratch, tmp_path):
    evil = "Email </script><script>alert(1)</script> <img src=x onerror=alert(2)>"
    scratch.replace("catalog.yaml", "name: Email\n", f'name: "{evil}"\n')
    scratch.replace("rates.yaml", "item: Mailbox", 'item: "Mailbox</script><script>x()"')
    with_events(scratch)
    build(scratch.root, tmp_path / "out", MINIMAL_AS_OF)
    out = tmp_path / "out"
    assert script_problems(out) == []
    data = (out / "estimator/index.html").read_text()
    block = data.split('<script type="application/json" id="rate-data">', 1)[1]
    parsed = json.loads(block.split("</script>", 1)[0])
    names = {ln["service_name"] for s in parsed["sheets"] for ln in s["lines"]}
    assert evil in names  # the text survives as data, never as markup
    assert "alert(1)" not in (out / "data/catalog.json").read_text().replace(evil, "")


def test_ics_folding_never_splits_a_character():
    from catalogpress.model.maintenance import _fold

    line = "DESCRIPTION:" + "Réseau été " * 20
    folded = _fold(line)
    parts = folded.split("\r\n ")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts[:1])
    assert all(len(p.encode("utf-8")) <= 74 for p in parts[1:])  # plus the leading space
    assert "".join(parts) == line  # each part decoded cleanly, nothing lost


def test_estimator_rows_per_class_are_the_lines_the_class_pays():
    """The script never chooses lines: for each class and open sheet, the page data names
    exactly billing.lines_for_class's lines, and a class line replaces the everyone line."""
    from catalogpress.model.billing import line_key, lines_for_class

    site, _ = load_site(REPO, dt.date(2026, 11, 23))
    data = estimator.estimator_data(site)
    assert [c["id"] for c in data["classes"]] == list(site.customer_classes)
    for cls in data["classes"]:
        for sheet in estimator.open_sheets(site):
            paid = {line_key(ln) for ln in lines_for_class(sheet.sheet.lines, cls["id"])}
            named = {
                keys[sheet.sheet.id] for keys in cls["rows"].values() if sheet.sheet.id in keys
            }
            assert named == paid, (cls["id"], sheet.sheet.id)
    local = next(c for c in data["classes"] if c["id"] == "local-government")
    assert "enterprise-email|Standard mailbox|local-government" in local["rows"]
    assert "enterprise-email|Standard mailbox|" not in local["rows"]
    executive = data["classes"][0]
    assert "enterprise-email|Standard mailbox|" in executive["rows"]
    usage = next(
        ln
        for ln in data["sheets"][0]["lines"]
        if ln["key"] == "cloud-brokerage|Cloud provider usage|"
    )
    assert (usage["pricing"], usage["markup_e4"], usage["billing_period"]) == (
        "markup",
        60000,  # 6%
        "month",
    )
