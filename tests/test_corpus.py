"""The bad-input corpus (shared/notes/security.md): every hostile or broken input has a
pinned outcome, either an exact error with file and line, or a proven-safe output.

Every failing case must exit 1 through the real CLI, print no traceback, and leave the
previously built site/ byte for byte as it was.
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from click.testing import CliRunner

from catalogpress.app.cli import main

from .checks import without_theme_scripts
from .conftest import REPO, Scratch


@dataclass
class Case:
    name: str
    setup: Callable[[Scratch], None]
    errors: tuple[str, ...] = ()  # exact lines expected in the report (prefix match on line)
    safe: Callable[[str], bool] | None = None  # for accepted input: a check on all output HTML


def sub(file: str, old: str, new: str) -> Callable[[Scratch], None]:
    return lambda s: s.replace(file, old, new)


def write(file: str, text: str | bytes) -> Callable[[Scratch], None]:
    def apply(s: Scratch) -> None:
        path = s.path(file)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())

    return apply


def md(body: str, front: str = "title: Email") -> Callable[[Scratch], None]:
    return write("content/services/email.md", f"---\n{front}\n---\n{body}\n")


def no(*patterns: str) -> Callable[[str], bool]:
    return lambda html: not any(re.search(p, html, re.I) for p in patterns)


CASES = [
    Case(
        "duplicate-key",
        sub("catalog.yaml", "  short_name: OST\n", "  short_name: OST\n  short_name: OTS\n"),
        (
            "catalog.yaml:8: office.short_name: duplicate key 'short_name' (first given on "
            "line 7); remove one of them",
        ),
    ),
    Case(
        "duplicate-service-id",
        sub("catalog.yaml", "  - id: ai-assistant", "  - id: email"),
        ("catalog.yaml:102: services[2].id: duplicate id 'email' (already used on line 49)",),
    ),
    Case(
        "unknown-category",
        sub("catalog.yaml", "category: hosting", "category: hostng"),
        (
            "catalog.yaml:84: services[1].category: unknown category 'hostng'; did you mean "
            "'hosting'?",
        ),
    ),
    Case(
        "unknown-person",
        sub("catalog.yaml", "specialist: ana-park", "specialist: bob"),
        ("catalog.yaml:42: agencies[0].specialist: unknown person 'bob'",),
    ),
    Case(
        "impossible-date",
        sub("catalog.yaml", "effective: 2024-07-01", "effective: 2026-13-40"),
        ("catalog.yaml:57: services[0].versions[0].effective: '2026-13-40' is not a real date",),
    ),
    Case(
        "date-wrong-format",
        sub("catalog.yaml", "effective: 2024-07-01", "effective: 31/12/2026"),
        (
            "catalog.yaml:57: services[0].versions[0].effective: expected a date written "
            "YYYY-MM-DD, got '31/12/2026'",
        ),
    ),
    Case(
        "money-float",
        sub("rates.yaml", 'amount: "6.00"', "amount: 6.00"),
        (
            "rates.yaml:11: rate_sheets[0].lines[0].amount: expected an amount in quotes, like "
            '"6.00", got the number 6.00',
        ),
    ),
    Case(
        "money-text",
        sub("rates.yaml", 'amount: "6.00"', 'amount: "six dollars"'),
        ('rates.yaml:11: rate_sheets[0].lines[0].amount: expected an amount like "12.85"',),
    ),
    Case(
        "money-commas",
        sub("rates.yaml", 'amount: "6.00"', 'amount: "1,200.00"'),
        ("rates.yaml:11: rate_sheets[0].lines[0].amount: expected an amount like",),
    ),
    Case(
        "money-negative",
        sub("rates.yaml", 'amount: "6.00"', 'amount: "-6.00"'),
        ("rates.yaml:11: rate_sheets[0].lines[0].amount: expected an amount of zero or more",),
    ),
    Case(
        "money-nan",
        sub("rates.yaml", 'amount: "6.00"', "amount: .nan"),
        ("rates.yaml:11: rate_sheets[0].lines[0].amount: expected an amount like",),
    ),
    Case(
        "norway-no-stays-text",
        sub("catalog.yaml", "short_name: OST", "short_name: NO"),
        safe=lambda html: "Why agencies choose NO" in html,
    ),
    Case(
        "yes-on-stay-text",
        sub("catalog.yaml", "role: Relationship Specialist", "role: on"),
        safe=lambda html: True,
    ),
    Case(
        "unquoted-version",
        sub("catalog.yaml", 'version: "1.10"', "version: 1.10"),
        (
            "catalog.yaml:68: services[0].versions[1].version: expected text, got the number "
            '1.10 (write it in quotes, "1.10", so it stays exactly as typed)',
        ),
    ),
    Case(
        "tab-indent",
        sub("catalog.yaml", "  short_name: OST", "\tshort_name: OST"),
        (
            "catalog.yaml:7: a tab character is used for indenting (YAML needs spaces); replace "
            "tabs with spaces",
        ),
    ),
    Case(
        "utf8-bom-accepted",
        lambda s: s.path("rates.yaml").write_bytes(
            b"\xef\xbb\xbf" + s.path("rates.yaml").read_bytes()
        ),
        safe=lambda html: True,
    ),
    Case(
        "utf16",
        lambda s: s.path("catalog.yaml").write_bytes(
            s.path("catalog.yaml").read_text().encode("utf-16")
        ),
        ("catalog.yaml:1: file is saved as UTF-16 (expected UTF-8); save it as UTF-8",),
    ),
    Case(
        "latin1",
        lambda s: s.path("catalog.yaml").write_bytes(
            s.path("catalog.yaml").read_bytes().replace(b"name: Hosting", b"name: H\xf4sting")
        ),
        ("catalog.yaml:28: file contains characters that are not UTF-8",),
    ),
    Case(
        "crlf-line-endings",
        lambda s: s.path("catalog.yaml").write_bytes(
            s.path("catalog.yaml").read_bytes().replace(b"\n", b"\r\n")
        ),
        safe=lambda html: True,
    ),
    Case(
        "empty-file",
        write("catalog.yaml", ""),
        (
            "catalog.yaml:1: catalog.yaml is empty (expected 'name: value' lines; see "
            "docs/formats.md)",
        ),
    ),
    Case(
        "top-level-list",
        write("rates.yaml", "- a\n- b\n"),
        ("rates.yaml:1: expected lines of the form 'name: value', got a list",),
    ),
    Case(
        "python-tag",
        sub(
            "catalog.yaml",
            "short_name: OST",
            "short_name: !!python/object/apply:os.system ['touch /tmp/cp-pwned']",
        ),
        (
            "catalog.yaml:7: office.short_name: the tag '!!python/object/apply:os.system' is not "
            "allowed",
        ),
    ),
    # A core tag on a value not written that way used to crash (!!int abc) or turn
    # "yes" into false (!!bool yes).
    Case(
        "core-tag-on-wrong-value",
        sub("catalog.yaml", "short_name: OST", "short_name: !!int OST"),
        ("catalog.yaml:7: office.short_name: the tag '!!int' does not fit this value; remove it",),
    ),
    Case(
        "bool-tag-on-yes",
        sub("catalog.yaml", "short_name: OST", "short_name: !!bool yes"),
        ("catalog.yaml:7: office.short_name: the tag '!!bool' does not fit this value",),
    ),
    Case(
        "unknown-include-tag",
        sub("catalog.yaml", "short_name: OST", "short_name: !include x"),
        ("catalog.yaml:7: office.short_name: the tag '!include' is not allowed",),
    ),
    Case(
        "alias-bomb",
        write(
            "rates.yaml",
            "a: &a [x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                for p, c in zip("abcdefgh", "bcdefghi", strict=True)
            ),
        ),
        ("rates.yaml:2: anchors and aliases (&name, *name) are not supported",),
    ),
    Case(
        "deep-nesting",
        write("rates.yaml", "a: " + "[" * 10000 + "]" * 10000 + "\n"),
        ("rates.yaml:1: nested too deeply",),
    ),
    Case(
        "huge-file",
        write("content/pages/huge.md", "---\ntitle: Huge\n---\n" + "word " * 8_100_000),
        ("content/pages/huge.md:1: file is too large",),
    ),
    Case(
        "script-in-markdown",
        md("Hi <script>alert(1)</script> there"),
        safe=no(r"<script", r"alert\(1\)</"),
    ),
    Case(
        "event-handlers",
        md("<img src=x onerror=alert(1)> <svg onload=alert(1)></svg> <p onclick=alert(1)>x</p>"),
        safe=no(r"\son\w+=", r"<svg[^>]*onload", r"alert\(1\)"),
    ),  # the theme has SVG charts
    Case(
        "frames-styles-meta",
        md(
            "<iframe src=https://e.example></iframe><style>*{}</style>"
            "<base href=https://e.example/><meta http-equiv=refresh "
            "content=0>"
        ),
        safe=no("<iframe", "<style", "<base ", "http-equiv"),
    ),
    Case(
        "javascript-links",
        md(
            "[a](javascript:alert(1)) [b](JaVaScRiPt:x) [c](java&#09;script:x)"
            " [d](data:text/html,x)"
        ),
        safe=no("javascript:", "data:text"),
    ),
    Case(
        "hostile-front-matter",
        md("Body", "title: '\"><script>alert(1)</script>'"),
        safe=no("<script"),
    ),
    Case(
        "hostile-service-name",
        sub("catalog.yaml", "name: Email\n", "name: \"Email' onmouseover='alert(1)\"\n"),
        safe=lambda html: "onmouseover='alert" not in html,
    ),
    Case(
        "path-escaping-slug",
        sub("catalog.yaml", "  - id: ai-assistant", "  - id: ../../etc"),
        ("catalog.yaml:102: services[2].id: expected an id of lowercase letters",),
    ),
    Case(
        "uppercase-file-collision",
        write("content/pages/Methodology.md", "---\ntitle: Dup\n---\nx\n"),
        ("content/pages/Methodology.md: the file name 'Methodology.md' is not a valid id",),
    ),
    Case(
        "reserved-page-slug",
        write("content/pages/services.md", "---\ntitle: Clash\n---\nx\n"),
        ("content/pages/services.md:1: the page name 'services' is reserved",),
    ),
    Case(
        "file-url-image",
        md("![secret](file:///etc/passwd) <img src='file:///etc/hosts'>"),
        safe=no("file:"),
    ),
    Case(
        "remote-image",
        md("<img src='http://127.0.0.1:9/track.png' alt='t'> ![x](https://tracker.example/p.gif)"),
        safe=no("127.0.0.1", "tracker.example"),
    ),
    Case(
        "missing-page-link",
        md("See [the plan](/no-such-page/)."),
        ("content/services/email.md:4: the link '/no-such-page/' points to nothing",),
    ),
    Case(
        "jinja-in-markdown",
        md("Total {{ 7*7 }} {% include 'base.html' %}"),
        safe=lambda html: (
            "Total {{ 7*7 }} {% include &#39;base.html&#39; %}" in html
            or "Total {{ 7*7 }} {% include 'base.html' %}" in html
        ),
    ),
    Case(
        "bidi-override-name",
        sub("catalog.yaml", "name: Email\n", 'name: "Em\u202eail"\n'),
        ("catalog.yaml:50: column 14 contains the invisible character U+202E",),
    ),
    Case(
        "nul-byte",
        lambda s: s.path("content/pages/methodology.md").write_bytes(b"---\x00\n"),
        ("content/pages/methodology.md:1: file contains a NUL character",),
    ),
    Case(
        "unknown-field",
        sub("catalog.yaml", "  mission:", "  misson:"),
        ("catalog.yaml:9: office.misson: unknown field 'misson'; did you mean 'mission'?",),
    ),
    Case(
        "overlapping-sheets",
        sub(
            "rates.yaml",
            "    approved_by: Rate Board\n    approved_on: 2024-05-01",
            "    ends: 2026-01-01\n    approved_by: Rate Board\n    approved_on: 2024-05-01",
        ),
        ("rates.yaml:2: rate_sheets[FY2025].ends: rate sheets overlap",),
    ),
]


def snapshot(root):
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_corpus_is_big_enough():
    assert len(CASES) >= 30


def corpus_params(cases: list[Case]) -> list[object]:
    """A refused input fails before anything is printed, so the quick loop breaks a site
    built without its PDFs (`scratch_built_pages`), and the full run breaks one with them
    too (`scratch_built`, "-over-pdfs"): the PDFs must be left as they were as well. An
    accepted input builds the site again and prints the PDFs its change touches, which
    makes it slow."""
    slow = [pytest.mark.slow]
    params = []
    for c in cases:
        if c.safe:
            params.append(pytest.param(c, "scratch_built", id=c.name, marks=slow))
        else:
            params.append(pytest.param(c, "scratch_built_pages", id=c.name))
            params.append(pytest.param(c, "scratch_built", id=f"{c.name}-over-pdfs", marks=slow))
    return params


@pytest.mark.parametrize(("case", "built"), corpus_params(CASES))
def test_bad_input(case: Case, built: str, request: pytest.FixtureRequest):
    """`built` names the fixture site after one good build (conftest.corpus_baseline or
    corpus_baseline_pages, built once per session and copied here): then the case breaks
    it and builds again."""
    scratch: Scratch = request.getfixturevalue(built)
    runner = CliRunner()
    args = ["build", "-C", str(scratch.root), "--as-of", "2025-11-01"]
    before = snapshot(scratch.root / "site")
    case.setup(scratch)
    result = runner.invoke(main, args)
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exc_info
    if case.safe is not None:
        assert result.exit_code == 0, result.output
        html = "\n".join(p.read_text() for p in (scratch.root / "site").rglob("*.html"))
        assert case.safe(without_theme_scripts(html)), case.name
        return
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    for expected in case.errors:
        assert any(line.startswith(expected) for line in lines), (expected, lines)
    assert lines[-1].endswith("found; nothing was written.")
    assert snapshot(scratch.root / "site") == before


HEAVY = [c for c in CASES if c.name in ("alias-bomb", "deep-nesting", "huge-file")]


def _limit_memory() -> None:
    limit = 600 * 1024 * 1024  # a few hundred MB, with room for Python and WeasyPrint imports
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.parametrize("case", HEAVY, ids=[c.name for c in HEAVY])
def test_heavy_inputs_fail_fast_in_bounded_memory(case: Case, scratch: Scratch):
    """Run under a hard memory cap and a time cap: a blow-up would be killed, not pass."""
    case.setup(scratch)
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "build.py"),
            "check",
            "-C",
            str(scratch.root),
            "--as-of",
            "2025-11-01",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_memory,
    )  # noqa: PLW1509
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stderr
    assert case.errors[0] in proc.stderr
