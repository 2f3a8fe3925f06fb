"""Bad-input corpus, round two: characters that deceive, numbers and dates at their limits,
and files other programs read. Each case exits 1 through the real CLI with the exact
message, prints no traceback, and leaves the previous site byte for byte as it was.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogpress.app.build import load_site
from catalogpress.app.cli import main
from catalogpress.core.characters import first_deceptive, shown
from catalogpress.core.errors import Problem, SiteError
from catalogpress.model.maintenance import _escape
from catalogpress.render.rate_csv import cell

from .conftest import MINIMAL, MINIMAL_AS_OF, Scratch, examples
from .test_corpus import Case, md, snapshot, sub

AS_OF = ["--as-of", MINIMAL_AS_OF.isoformat()]
MAINTENANCE = """
maintenance:
  - id: upgrade
    title: Upgrade
    services: [email]
    start: {start}
    end: {end}
    description: New servers.
"""


def append(file: str, text: str):
    return lambda s: s.write(file, s.path(file).read_text() + text)


CASES = [
    # Characters that deceive, typed, escaped in YAML, or as HTML references in markdown.
    Case(
        "bidi-override-in-yaml",
        sub("catalog.yaml", "  short_name: OST\n", "  short_name: O\u202eTS\n"),
        (
            "catalog.yaml:7: column 16 contains the invisible character U+202E (right-to-left "
            "override), which can make text read differently from what it says; delete it",
        ),
    ),
    Case(
        "bidi-isolate-in-markdown",
        md("Our mail \u2066service\u2069 is fast."),
        (
            "content/services/email.md:4: column 10 contains the invisible character U+2066 "
            "(left-to-right isolate)",
        ),
    ),
    Case(
        "zero-width-joiner-as-yaml-escape",
        sub("catalog.yaml", "  short_name: OST\n", '  short_name: "O\\u200dST"\n'),
        (
            "catalog.yaml:7: office.short_name: contains the invisible character U+200D "
            "(zero-width joiner)",
        ),
    ),
    Case(
        "embedding-as-yaml-escape",
        sub("catalog.yaml", "  short_name: OST\n", '  short_name: "\\u202aOST"\n'),
        ("catalog.yaml:7: office.short_name: contains the invisible character U+202A",),
    ),
    Case(
        "terminal-escape-as-yaml-escape",
        sub("catalog.yaml", "  short_name: OST\n", '  short_name: "\\e[2KNo problems found"\n'),
        (
            "catalog.yaml:7: office.short_name: contains the invisible character U+001B "
            "(control character)",
        ),
    ),
    Case(
        "word-joiner-as-html-reference",
        md("Mail\n\nfor every&#x2060;one."),
        ("content/services/email.md:6: contains the invisible character U+2060 (word joiner)",),
    ),
    Case(
        "named-direction-mark-reference",
        md("Mail &rlm;today."),
        (
            "content/services/email.md:4: contains the invisible character U+200F "
            "(right-to-left mark)",
        ),
    ),
    # Inputs whose cost would explode: refused before rendering, with their line.
    Case(
        "square-of-brackets",
        md("Intro.\n\n" + "[" * 20_000),
        ("content/services/email.md:6: this paragraph has 20,000 '[' and '<' characters",),
    ),
    Case(
        "many-angle-brackets",
        md("<a " * 4000),
        ("content/services/email.md:4: this paragraph has 4,000 '[' and '<' characters",),
    ),
    Case(
        "deeply-nested-list",
        md("".join("    " * i + "- x\n" for i in range(300))),
        ("content/services/email.md:45: this line is nested too deeply",),
    ),
    Case(
        "deeply-nested-quote",
        md("Intro.\n\n" + ">" * 60 + " deep"),
        ("content/services/email.md:6: this line is nested too deeply",),
    ),
    Case(
        "huge-overview",
        md("The service desk answers. " * 10_000),
        (
            "content/services/email.md:4: the text is too long (260,001 characters; the limit "
            "is 200,000); split it into several pages",
        ),
    ),
    # Numbers and dates at their limits.
    Case(
        "thirty-digit-amount",
        sub("rates.yaml", 'amount: "6.00"', 'amount: "123456789012345678901234567890"'),
        (
            "rates.yaml:11: rate_sheets[0].lines[0].amount: expected an amount below "
            "1,000,000,000,000, got 123456789012345678901234567890",
        ),
    ),
    Case(
        "huge-quantity",
        sub("catalog.yaml", 'quantity: "120"', 'quantity: "99999999999999999"'),
        ("catalog.yaml:46: agencies[0].services[0].quantity: expected an amount below",),
    ),
    Case(
        "year-9999-review-date",
        sub("content/services/email.md", "reviewed_on: 2025-09-01", "reviewed_on: 9999-12-31"),
        (
            "content/services/email.md:4: reviewed_on: expected a date between 1900 and 2199, "
            "got 9999-12-31",
        ),
    ),
    Case(
        "huge-review-period",
        sub(
            "catalog.yaml",
            "  featured: [email]\n",
            "  featured: [email]\n  review_months: 10000000000\n",
        ),
        ("catalog.yaml:4: site.review_months: expected a whole number from 1 to 120",),
    ),
    Case(
        "huge-fiscal-year",
        sub("rates.yaml", "fiscal_year: 2026", "fiscal_year: 99999"),
        ("rates.yaml:18: rate_sheets[1].fiscal_year: expected a whole number from 1900 to 2,199",),
    ),
    Case(
        "huge-lead-time",
        sub("catalog.yaml", "lead_time_days: 10}", "lead_time_days: 10000000000000}"),
        (
            "catalog.yaml:96: services[1].versions[0].ordering.lead_time_days: expected a whole "
            "number from 0 to 3,650",
        ),
    ),
    Case(
        "maintenance-at-the-end-of-the-calendar",
        append(
            "catalog.yaml",
            MAINTENANCE.format(start="9999-12-31T23:00-05:00", end="9999-12-31T23:59-05:00"),
        ),
        ("catalog.yaml:", "maintenance[0].start: expected a date between 1900 and 2199"),
    ),
    Case(
        "maintenance-at-the-start-of-the-calendar",
        append(
            "catalog.yaml",
            MAINTENANCE.format(start="0001-01-01T00:00+05:00", end="0001-01-01T01:00+05:00"),
        ),
        ("catalog.yaml:", "maintenance[0].start: expected a date between 1900 and 2199"),
    ),
]


@pytest.fixture(scope="module")
def built_baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site and its built site/, made once and copied for each case."""
    root = tmp_path_factory.mktemp("baseline") / "site-src"
    shutil.copytree(MINIMAL, root)
    result = CliRunner().invoke(main, ["build", "-C", str(root), "--no-pdf", *AS_OF])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def baseline(built_baseline: Path, tmp_path: Path) -> Scratch:
    root = tmp_path / "site-src"
    shutil.copytree(built_baseline, root)
    return Scratch(root)


def run(scratch: Scratch, env: dict[str, str] | None = None):
    args = ["build", "-C", str(scratch.root), "--no-pdf", *AS_OF]
    return CliRunner().invoke(main, args, env=env)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_round_two(case: Case, baseline: Scratch):
    before = snapshot(baseline.root / "site")
    case.setup(baseline)
    result = run(baseline)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    prefix, *rest = case.errors
    matching = [line for line in lines if line.startswith(prefix)]
    assert matching, (prefix, lines)
    assert all(any(part in line for line in matching) for part in rest), (rest, lines)
    assert first_deceptive(result.output) is None  # nothing invisible reaches the terminal
    assert lines[-1].endswith("found; nothing was written.")
    assert snapshot(baseline.root / "site") == before


def test_a_huge_build_date_is_a_message_not_a_traceback(baseline: Scratch):
    result = run(baseline, env={"SOURCE_DATE_EPOCH": "9" * 30})
    args = ["build", "-C", str(baseline.root), "--no-pdf"]
    result = CliRunner().invoke(main, args, env={"SOURCE_DATE_EPOCH": "9" * 30})
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith(
        "SOURCE_DATE_EPOCH: the build date must be between 1900-01-01 and 2199-12-31"
    )
    far = CliRunner().invoke(main, [*args, "--as-of", "9999-12-31"])
    assert far.exit_code == 1 and far.output.startswith("--as-of: the build date must be")


def test_a_terminal_escape_in_a_file_name_is_shown_escaped(baseline: Scratch):
    baseline.write("content/pages/\x1b[2Kabout.md", "---\ntitle: About\n---\nText.\n")
    result = run(baseline)
    assert result.exit_code == 1
    assert "\x1b" not in result.output
    assert "content/pages/\\u001b[2Kabout.md" in result.output


def test_messages_print_deceptive_characters_as_escapes():
    problem = Problem("content/pages/a\u202eb.md", 3, "title\x1b", "bad\rline\nnext \u2066x")
    text = str(problem)
    assert text == "content/pages/a\\u202eb.md:3: title\\u001b: bad\\u000dline\nnext \\u2066x"
    assert shown("tab\there") == "tab\\u0009here"


def test_rate_spreadsheet_cells_never_start_a_formula(baseline: Scratch, tmp_path: Path):
    baseline.replace("rates.yaml", 'amount: "5.75"', 'amount: "5.75"\n        notes: "=1+2"')
    baseline.replace("catalog.yaml", "name: Email\n", 'name: "@SUM(A1)"\n')
    result = run(baseline)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO((baseline.root / "site/rates/fy2026.csv").read_text())))
    assert {r["service"] for r in rows if r["service_id"] == "email"} == {"'@SUM(A1)"}
    assert "'=1+2" in {r["notes"] for r in rows}
    assert [cell(t) for t in ("-1", "+1", "\tx", "\rx", "plain", "a=b")] == [
        "'-1",
        "'+1",
        "'\tx",
        "'\rx",
        "plain",
        "a=b",
    ]
    # Amounts are our own decimal strings and stay numbers.
    assert all(re.fullmatch(r"\d+\.\d+|\d+", r["amount"]) for r in rows)


def test_calendar_text_has_no_bare_control_characters():
    assert _escape("a\rb\nc\x01d\x7fe;f,g\\") == "a\\nb\\ncde\\;f\\,g\\\\"


# Every number and date field of the fixture site, by the text that introduces it.
LIMIT_FIELDS = [
    ("rates.yaml", 'amount: "6.00"', "amount: {}"),
    ("rates.yaml", 'minimum: "1"', "minimum: {}"),
    ("rates.yaml", "fiscal_year: 2026", "fiscal_year: {}"),
    ("rates.yaml", "effective: 2025-07-01", "effective: {}"),
    ("rates.yaml", "approved_on: 2025-05-01", "approved_on: {}"),
    ("catalog.yaml", 'quantity: "120"', "quantity: {}"),
    ("catalog.yaml", "effective: 2025-07-01", "effective: {}"),
    ("catalog.yaml", "retire_on: 2026-06-30", "retire_on: {}"),
    ("catalog.yaml", "lead_time_days: 10}", "lead_time_days: {}}}"),
    ("content/services/email.md", "reviewed_on: 2025-09-01", "reviewed_on: {}"),
    ("content/slas/sla-basic.md", "reviewed_on: 2025-03-01", "reviewed_on: {}"),
]
EXTREMES = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.integers(min_value=0, max_value=10**40).map(lambda n: f'"{n}"'),
    st.integers(min_value=0, max_value=10**6).map(lambda n: f'"{n}.{n}"'),
    st.sampled_from(
        [
            "0001-01-01",
            "9999-12-31",
            "1899-12-31",
            "2200-01-01",
            "2199-12-31",
            "1900-01-01",
            "0000-00-00",
            '"1e400"',
            '"NaN"',
            '"-0"',
            ".inf",
            "-.inf",
            "1e308",
            "-1",
        ]
    ),
    st.dates().map(lambda d: d.isoformat()),
)


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(field=st.sampled_from(LIMIT_FIELDS), value=EXTREMES)
def test_extreme_numbers_and_dates_never_crash(tmp_path_factory, field, value):
    """Any value in any number or date field gives a site or a positioned error."""
    root = tmp_path_factory.mktemp("limits") / "site-src"
    shutil.copytree(MINIMAL, root)
    file, old, new = field
    path = root / file
    path.write_text(path.read_text().replace(old, new.format(value), 1))
    try:
        load_site(root, MINIMAL_AS_OF)
    except SiteError as error:
        assert all(p.file and p.message for p in error.problems)


def test_real_pages_stay_far_below_the_markdown_limits():
    from catalogpress.sources.markdown_limits import cost_problem

    table = "| Service | Page |\n|---|---|\n" + "".join(
        f"| Service {i} | [page](service:s{i}) |\n" for i in range(300)
    )
    nested = "".join("  " * i + "- item\n" for i in range(20))
    escaped = "\\[" * 5000
    assert cost_problem(table) is None
    assert cost_problem(nested) is None
    assert cost_problem(escaped) is None
    assert cost_problem("word " * 39_000) is None  # 195,000 characters


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.text())
@settings(max_examples=examples(400))
def test_the_ascii_shortcut_finds_what_the_pattern_finds(text: str) -> None:
    """first_deceptive looks through ASCII text byte-wise before using the pattern:
    the same answer either way, for ASCII (control characters) and for any text."""
    from catalogpress.core.characters import DECEPTIVE

    found = DECEPTIVE.search(text)
    assert first_deceptive(text) == (found.start() if found else None)
    assert first_deceptive("plain\ttext\r\n" * 1000 + "\x1b[2J") == 12000
