"""Service results: the CSV reader, the checks of performance.csv, the model's figures
against a hand-computed fixture, and the scorecard and results pages it makes."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from decimal import Decimal as D

import jsonschema
import pytest
from click.testing import CliRunner

from catalogpress.app.build import build, load_site
from catalogpress.app.cli import main
from catalogpress.core.errors import Problems, SiteError
from catalogpress.model.performance import (
    Performance,
    month_result,
    percent,
    period_result,
    quarter_ending,
    rounded,
    year_ending,
)
from catalogpress.model.scorecards import duration, incident_summary, summary
from catalogpress.schema.frontmatter import Priority, SlaMeta
from catalogpress.schema.performance import IncidentCounts, Measurement
from catalogpress.sources.csvfile import parse_csv

from .test_corpus import snapshot

AS_OF = dt.date(2025, 11, 1)  # the fixture site's build date (conftest.MINIMAL_AS_OF)
HEADER = (
    "month,service,scheduled_minutes,downtime_minutes,p1_incidents,p1_responded,p1_resolved,"
    "p2_incidents,p2_responded,p2_resolved,requests,requests_on_time,"
    "satisfaction_responses,satisfaction_score,note\n"
)
GOOD = HEADER + (
    "2025-08,email,13860,0,0,0,0,3,3,3,40,39,6,4.50,\n"
    '2025-09,email,13860,90,1,1,0,2,2,2,38,36,5,3.80,"Mail store failed over, slowly"\n'
    "2025-10,email,14520,10,0,0,0,4,4,4,41,41,0,,\n"
)


def _sla(availability: str = "99.9") -> SlaMeta:
    return SlaMeta(
        name="Test SLA",
        summary="For tests.",
        service_hours="Always",
        availability=Decimal(availability),
        priorities=(
            Priority("P1", "Critical", "Down.", "15 minutes", "4 hours", Decimal("95")),
            Priority("P2", "High", "Slow.", "1 hour", "1 day", Decimal("90")),
        ),
        maintenance_windows=(),
        escalation=("Service desk",),
        customer_responsibilities=(),
        reporting="Monthly.",
        review="Yearly.",
    )


def _row(month: str, scheduled: int, down: int, p1: tuple[int, int, int], **kw) -> Measurement:
    year, number = month.split("-")
    return Measurement(
        dt.date(int(year), int(number), 1),
        "svc",
        scheduled,
        down,
        (IncidentCounts("P1", *p1), IncidentCounts("P2", 0, 0, 0)),
        **kw,
    )


# --- the pure model, against figures worked out by hand ------------------------------------

# January: 96 of 44,280 minutes down (a fibre cut); February: 20 of 39,960; March: none.
FIXTURE = [
    _row("2026-01", 44280, 96, (2, 2, 1), satisfaction_responses=10, satisfaction_score=D("4.5")),
    _row("2026-02", 39960, 20, (0, 0, 0), satisfaction_responses=30, satisfaction_score=D("4.0")),
    _row("2026-03", 44280, 0, (1, 1, 1), satisfaction_responses=0),
]


def test_the_rounding_rule_is_half_up():
    assert rounded(Decimal("6.25"), 1) == Decimal("6.3")  # half-even would give 6.2
    assert rounded(Decimal("99.9995"), 3) == Decimal("100.000")
    assert percent(1, 16, 1) == Decimal("6.3")
    assert percent(3, 0, 1) is None  # nothing to measure


def test_month_figures_match_the_hand_computed_fixture():
    jan, feb, mar = (month_result(r, "test", _sla()) for r in FIXTURE)
    # (44,280 - 96) / 44,280 = 99.78319...% -> 99.783%, below 99.9%
    assert jan.availability.measured == Decimal("99.783") and jan.availability.met is False
    # (39,960 - 20) / 39,960 = 99.94995...% -> 99.950%: the published figure is compared
    assert feb.availability.measured == Decimal("99.950") and feb.availability.met is True
    assert mar.availability.measured == Decimal("100.000") and mar.availability.met is True
    by_key = {o.target.key: o for o in jan.outcomes}
    assert by_key["p1-respond"].measured == Decimal("100.0") and by_key["p1-respond"].met
    assert (by_key["p1-resolve"].met_count, by_key["p1-resolve"].count) == (1, 2)
    assert by_key["p1-resolve"].measured == Decimal("50.0") and by_key["p1-resolve"].met is False
    assert by_key["p2-respond"].met is None  # no P2 incidents: neither met nor missed
    assert [o.target.key for o in jan.misses] == ["availability", "p1-resolve"]


def test_quarter_figures_match_the_hand_computed_fixture():
    months = [month_result(r, "test", _sla()) for r in FIXTURE]
    first, last = quarter_ending(dt.date(2026, 4, 1))
    assert (first, last) == (dt.date(2026, 1, 1), dt.date(2026, 3, 1))
    q = period_result("svc", first, last, months)
    avail = q.availability
    assert avail is not None
    # up 44,184 + 39,940 + 44,280 = 128,404 of 128,520 scheduled = 99.90974...% -> 99.910%
    assert (avail.outcome.met_count, avail.outcome.count) == (128404, 128520)
    assert avail.outcome.measured == Decimal("99.910") and avail.outcome.met is True
    assert (avail.months_met, avail.months_measured) == (2, 3)
    resolve = next(s for s in q.summaries if s.outcome.target.key == "p1-resolve")
    # 2 of 3 P1 incidents resolved in time = 66.7%; met in March only of the 2 months with any
    assert resolve.outcome.measured == Decimal("66.7") and resolve.outcome.met is False
    assert (resolve.months_met, resolve.months_measured) == (1, 2)
    # (4.5 x 10 + 4.0 x 30) / 40 answers = 4.125 -> 4.13
    assert q.satisfaction == (Decimal("4.13"), 40)
    assert q.downtime_minutes == 116 and q.incidents == 3


def test_a_packet_can_ask_for_any_services_over_any_months():
    service = _service_record()
    results = Performance(FIXTURE, {"svc": service}, {"sla-basic": _sla()}).results(
        ["svc", "other"], dt.date(2026, 2, 1), dt.date(2026, 3, 1)
    )
    assert [m.month.month for m in results["svc"].months] == [2, 3]
    assert results["other"].months == () and results["other"].availability is None


def _service_record():
    [site_service] = [
        s for s in load_site(_fixture_root(), AS_OF)[0].services.values() if s.id == "email"
    ]
    return site_service.service


def _fixture_root():
    from .conftest import MINIMAL

    return MINIMAL


def test_year_and_quarter_windows():
    assert year_ending(dt.date(2026, 10, 1)) == (dt.date(2025, 11, 1), dt.date(2026, 10, 1))
    assert quarter_ending(dt.date(2026, 10, 1)) == (dt.date(2026, 7, 1), dt.date(2026, 9, 1))
    assert quarter_ending(dt.date(2026, 2, 1)) == (dt.date(2025, 10, 1), dt.date(2025, 12, 1))
    assert quarter_ending(dt.date(2026, 12, 1)) == (dt.date(2026, 10, 1), dt.date(2026, 12, 1))


def test_the_summary_sentence_says_what_the_figures_say():
    months = [month_result(r, "test", _sla()) for r in FIXTURE]
    year = period_result("svc", dt.date(2025, 4, 1), dt.date(2026, 3, 1), months)
    text = summary(year, _sla())
    assert text.startswith(
        "We met the availability target of 99.9% in 2 of the 3 months reported of the last 12; "
        "in January 2026, 1 hour 36 minutes of downtime brought it to 99.783%."
    )
    assert text.count(".") == 3  # one sentence (two of the dots are in the figures)
    assert incident_summary(year) == (
        "Incidents were answered and resolved within the targets in 1 of the 2 months that "
        "had incidents."
    )
    assert duration(190) == "3 hours 10 minutes" and duration(1) == "1 minute"


# --- the CSV reader ---------------------------------------------------------------------------


def test_every_cell_keeps_its_line_and_column():
    text = 'a,"b, quoted",c\r\n1,"two\nlines",3\n\n"x""y",,z'
    rows = parse_csv(text, "f.csv", Problems())
    assert rows is not None
    assert [(c.text, c.line, c.column) for c in rows[0].cells] == [
        ("a", 1, 1),
        ("b, quoted", 1, 3),
        ("c", 1, 15),
    ]
    assert [(c.text, c.line, c.column) for c in rows[1].cells] == [
        ("1", 2, 1),
        ("two\nlines", 2, 3),
        ("3", 3, 8),
    ]
    assert [(c.text, c.line, c.column) for c in rows[2].cells] == [
        ('x"y', 5, 1),
        ("", 5, 8),
        ("z", 5, 9),
    ]


def test_cells_are_those_the_csv_module_reads():
    import csv
    import io

    from .conftest import REPO

    text = (REPO / "performance.csv").read_text()
    text += 'x,"two\r\nlines, ""quoted""",\r\ny\rz\n'  # CRLF inside quotes, a bare CR
    rows = parse_csv(text, "performance.csv", Problems())
    assert rows is not None
    assert [[c.text for c in r.cells] for r in rows] == list(
        csv.reader(io.StringIO(text, newline=""))
    )


def test_quoting_mistakes_are_positioned():
    found = Problems()
    assert parse_csv('a,"b"x,c\n', "f.csv", found) is None
    assert str(found.items[0]).startswith("f.csv:1:6: text after a closing quote")
    found = Problems()
    assert parse_csv('a,b\n1,"open\n', "f.csv", found) is None
    assert str(found.items[0]).startswith("f.csv:2:3: a quoted cell is never closed")


# --- the checks: every bad cell named by file, line and column, all in one run ---------------

BAD = HEADER + (
    "2025-08,emial,13860,0,0,0,0,0,0,0,1,1,0,,\n"  # 2: unknown service
    "2025-09,email,13860,14000,2,3,1,0,0,0,5,6,1,4.5,\n"  # 3: counts above their totals
    "2025-08,email,13860,0,0,0,0,0,0,0,1,1,0,,\n"  # 4: out of order
    "2025-09,email,13860,0,0,0,0,0,0,0,1,1,0,,\n"  # 5: duplicated
    "2025-11,email,13860,0,0,0,0,0,0,0,1,1,0,,\n"  # 6: not over on the build date
    "2025-13,email,12x,-3,0,0,0,0,0,0,1,1,0,,\n"  # 7: bad month and numbers
    "2025-10,email,99999,0,0,0,0,0,0,0,1,1,2,6,\n"  # 8: figures out of range
)


def _problems(scratch, text: str) -> list[str]:
    scratch.write("performance.csv", text)
    with pytest.raises(SiteError) as info:
        load_site(scratch.root, AS_OF)
    return [str(p) for p in info.value.problems]


def test_each_bad_measurement_is_reported_at_its_cell(scratch):
    found = _problems(scratch, BAD)
    expected = [
        "performance.csv:2:9: service: unknown service 'emial'; did you mean 'email'?",
        "performance.csv:3:21: downtime_minutes: 14,000 minutes down is more than the 13,860",
        "performance.csv:3:29: p1_responded: 3 P1 incidents answered in time is more than the 2",
        "performance.csv:3:41: requests_on_time: 6 requests fulfilled on time is more than the 5",
        "performance.csv:8:41: satisfaction_score: expected an average score from 1 to 5",
        "performance.csv:4:1: month: the months of email are out of order: 2025-08 comes after",
        "performance.csv:5:1: month: 2025-09 of email is already on line 3",
        "performance.csv:6:1: month: 2025-11 has not ended on the build date 2025-11-01",
        "performance.csv:7:1: month: '2025-13' is not a month (expected YYYY-MM",
        "performance.csv:7:15: scheduled_minutes: expected a whole number of minutes",
        "performance.csv:7:19: downtime_minutes: expected a whole number of minutes (the",
        "performance.csv:8:15: scheduled_minutes: 99,999 is more than 44,640",
    ]
    for start in expected:
        assert any(p.startswith(start) for p in found), (start, found)
    assert any("got a negative number" in p for p in found)


def test_score_and_answers_must_agree(scratch):
    found = _problems(
        scratch,
        HEADER
        + "2025-09,email,13860,0,0,0,0,0,0,0,1,1,2,,\n"
        + "2025-10,email,13860,0,0,0,0,0,0,0,1,1,0,4.2,\n",
    )  # fmt: skip
    assert any(
        p.startswith("performance.csv:2:41: satisfaction_score: no score for 2") for p in found
    )
    assert any(
        p.startswith("performance.csv:3:41: satisfaction_score: a score without") for p in found
    )


def test_a_month_left_out_is_a_warning(scratch):
    scratch.write(
        "performance.csv",
        GOOD.replace(
            '2025-09,email,13860,90,1,1,0,2,2,2,38,36,5,3.80,"Mail store failed over, slowly"\n', ""
        ),
    )
    _, problems = load_site(scratch.root, AS_OF)
    assert [str(w) for w in problems.warnings if "performance.csv" in w.file] == [
        "warning: performance.csv:3:9: service: no row for email in 2025-09; its scorecard "
        "shows those months as not reported"
    ]


def test_header_mistakes_are_reported(scratch):
    found = _problems(scratch, "month,service,schedueld_minutes,downtime_minutes,p1_incidents\n")
    assert any(
        p.startswith("performance.csv:1:15: schedueld_minutes: unknown column 'schedueld_minutes'; "
                     "did you mean 'scheduled_minutes'?") for p in found
    ), found  # fmt: skip
    assert any(
        p.startswith("performance.csv:1:1: the header lacks the columns scheduled_minutes, "
                     "p1_responded, p1_resolved") for p in found
    ), found  # fmt: skip


def test_priorities_the_sla_lacks_and_months_before_the_service(scratch):
    header = (
        "month,service,scheduled_minutes,downtime_minutes,p3_incidents,p3_responded,p3_resolved\n"
    )
    found = _problems(scratch, header + "2025-09,email,100,0,2,2,2\n2024-05,email,100,0,0,0,0\n")
    assert any(
        p.startswith(
            "performance.csv:2:21: p3_incidents: Basic Service Level Agreement has no priority P3"
        )
        for p in found
    ), found
    starts = "performance.csv:3:1: month: email starts on 2024-07-01"
    assert any(p.startswith(starts) for p in found), found


def test_a_bad_measurement_file_leaves_the_previous_site_untouched(scratch_built_pages):
    """Built without PDFs: tests/test_corpus.py's "-over-pdfs" cases show that a refused
    build leaves the PDFs as they were too."""
    scratch_built = scratch_built_pages
    before = snapshot(scratch_built.root / "site")
    scratch_built.write("performance.csv", BAD)
    result = CliRunner().invoke(
        main, ["build", "-C", str(scratch_built.root), "--as-of", "2025-11-01"]
    )
    assert result.exit_code == 1, result.output
    assert "performance.csv:2:9: service: unknown service 'emial'" in result.output
    assert result.output.splitlines()[-1].endswith("found; nothing was written.")
    assert snapshot(scratch_built.root / "site") == before


# --- the pages and the open data -------------------------------------------------------------


def test_scorecard_page_results_page_and_open_data(scratch, tmp_path):
    scratch.write("performance.csv", GOOD)
    out = tmp_path / "site"
    build(scratch.root, out, AS_OF, pdf=False, search=False)
    card = (out / "performance/email/index.html").read_text()
    assert "We met the availability target of 99.5% in 2 of the 3 months reported" in card
    # 90 of 13,860 minutes down: 99.351%, shown in words and a symbol, not colour alone
    assert re.search(
        r"99\.351% <span class=\"result missed\"><span aria-hidden=\"true\">✗</span> Missed", card
    )
    # The chart is an image with a caption that says what it shows, and a table follows.
    svg = re.search(r'<svg class="chart"[^>]*role="img" aria-labelledby="([^"]+)"', card)
    assert svg is not None
    caption = re.search(rf'<figcaption id="{svg[1]}">([^<]+)</figcaption>', card)
    assert caption and "missed in September 2025 (99.351%)" in caption[1]
    assert "results month by month" in card and "Mail store failed over, slowly" in card
    service = (out / "services/email/index.html").read_text()
    assert 'href="../../performance/email/"' in service
    assert 'href="../../performance/email/"' in (out / "slas/sla-basic/index.html").read_text()
    results = (out / "performance/index.html").read_text()
    assert "<table" in results and "data-sortable" in results and "sort.js" in results
    assert "Mail store failed over, slowly" in results  # the miss, explained
    data = json.loads((out / "data/performance.json").read_text())
    schema = json.loads((out / "data/performance.schema.json").read_text())
    jsonschema.validate(data, schema)
    sept = data["measurements"][1]
    assert sept["availability"]["percent"] == "99.351" and sept["availability"]["met"] is False
    csv_text = (out / "data/performance.csv").read_text()
    assert csv_text.splitlines()[2].startswith("2025-09,email,Email,sla-basic,13860,90,99.351,")
    assert "performance.csv" in (out / "data/index.html").read_text()


def test_notes_cannot_start_a_formula_or_inject_markup(scratch, tmp_path):
    scratch.write(
        "performance.csv",
        HEADER + '2025-09,email,100,0,0,0,0,0,0,0,1,1,0,,"=HYPERLINK(1)<script>"\n',
    )
    out = tmp_path / "site"
    build(scratch.root, out, AS_OF, pdf=False, search=False)
    assert ",'=HYPERLINK(1)<script>" in (out / "data/performance.csv").read_text()
    card = (out / "performance/email/index.html").read_text()
    assert "=HYPERLINK(1)&lt;script&gt;" in card


def test_a_site_without_measurements_has_no_results_pages(minimal_site_unbuilt_tmp):
    out = minimal_site_unbuilt_tmp
    assert not (out / "performance").exists() and not (out / "data/performance.json").exists()


@pytest.fixture
def minimal_site_unbuilt_tmp(scratch, tmp_path):
    out = tmp_path / "site"
    build(scratch.root, out, AS_OF, pdf=False, search=False)
    return out


def test_the_sample_site_has_a_year_of_results_for_every_listed_service(sample_model):
    site = sample_model
    listed = {s.id for s in site.services.values() if s.listed}
    cards = site.performance.cards
    assert set(cards) == listed and site.performance.unmeasured == ()
    for card in cards.values():
        assert all(row.result is not None for row in card.months), card.service
    misses = [m for c in cards.values() for m in c.year.months if m.misses]
    assert 3 <= len(misses) <= 12  # a few honest misses
    worst = max(
        (m for c in cards.values() for m in c.year.months), key=lambda m: m.row.downtime_minutes
    )
    assert worst.row.service == "enterprise-email" and worst.row.downtime_minutes >= 180
    assert "Major incident" in worst.row.note
    assert site.performance.misses  # the results page explains the latest quarter's misses
    # What an agency's review packet will ask: these services over this quarter.
    quarter = site.performance.results(
        ["enterprise-email", "virtual-servers"], dt.date(2026, 7, 1), dt.date(2026, 9, 1)
    )
    assert [len(r.months) for r in quarter.values()] == [3, 3]
    missed = [m.label for m in quarter["virtual-servers"].months if m.misses]
    assert missed == ["August 2026"]
