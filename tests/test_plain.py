"""Plain-language checks: fixtures with known findings, settings, --strict, and <abbr>."""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner

from catalogpress.app.build import check
from catalogpress.app.cli import main
from catalogpress.check.plain_language import DEFAULT_JARGON, check_text, glossary_acronyms
from catalogpress.core.errors import SiteError
from catalogpress.model.markdown import render_markdown
from catalogpress.schema.frontmatter import Term
from catalogpress.schema.records import PLAIN_CHECKS, Checks

from .conftest import MINIMAL_AS_OF, TESTS

PLAIN = TESTS / "fixtures" / "plain"
MFA = {"MFA": "Multi-factor authentication"}


def findings(
    name: str,
    settings: Checks | None = None,
    jargon: dict[str, str] | None = None,
) -> set[tuple[int, str, str]]:
    """(line, check, quoted word or count) for each finding in a fixture file."""
    text = (PLAIN / name).read_text()
    _, meta, body = text.split("---\n", 2)
    first_line = meta.count("\n") + 3
    found = check_text(
        body,
        first_line,
        settings or Checks(),
        MFA,
        DEFAULT_JARGON if jargon is None else jargon,
        "A title",
    )
    return {
        (
            f.line,
            f.check,
            (re.findall(r"'([^']+)'|(\d+) words", f.message) or [("", "")])[0][0] or "",
        )
        for f in found
    }


def test_known_findings_in_hard_page():
    assert findings("hard.md") == {
        (5, "long-sentence", ""),  # 28 words
        (5, "jargon", "utilize"),
        (5, "jargon", "robust"),
        (5, "jargon", "holistic"),
        (5, "jargon", "paradigm"),
        (5, "jargon", "in order to"),
        (5, "jargon", "facilitate"),
        (6, "jargon", "deliverables"),
        (6, "jargon", "stakeholders"),
        (9, "acronym", "MFA"),  # spelled out only after its first use
        (11, "image-alt", ""),  # ![](...)
        (13, "image-alt", ""),  # <img> without alt
        (15, "image-alt", "image"),  # alt text that says nothing
        (19, "link-text", "click here"),
        (19, "link-text", "read more"),
    }
    # Not reported: code blocks, HTML comments, "e.g." and "a.m." inside a sentence, a
    # described image, and a link whose text names the page.


def test_messages_say_what_to_do():
    text = (PLAIN / "hard.md").read_text().split("---\n", 2)[2]
    messages = {f.check: f.message for f in check_text(text, 5, Checks(), MFA, DEFAULT_JARGON)}
    assert messages["long-sentence"].startswith(
        "this sentence has 28 words; keep sentences to 25 words or fewer"
    )
    assert messages["acronym"] == (
        "'MFA' is used before it is spelled out; the first time, "
        'write "multi-factor authentication (MFA)"'
    )
    assert 'try "use"' in next(
        f.message
        for f in check_text(text, 5, Checks(), MFA, DEFAULT_JARGON)
        if "utilize" in f.message
    )


def test_reading_grade_reported_above_target_only():
    dense = findings("dense.md")
    assert (4, "reading-grade", "") in dense
    assert not any(check == "reading-grade" for _, check, _ in findings("hard.md"))  # short
    relaxed = findings("dense.md", Checks(reading_grade=60))
    assert not any(check == "reading-grade" for _, check, _ in relaxed)


def test_sentence_limit_is_a_setting():
    assert not any(
        c == "long-sentence" for _, c, _ in findings("hard.md", Checks(sentence_words=30))
    )


def test_acronym_spelled_out_first_or_in_title_is_fine():
    settings = Checks()
    ok = [
        "Multi-factor authentication (MFA) protects you. MFA is required.",
        "MFA (multi-factor authentication) protects you.",
        "Multi factor\nauthentication comes first. Later, MFA.",
    ]
    for text in ok:
        assert check_text(text, 1, settings, MFA, {}) == [], text
    assert (
        check_text("MFA is required.", 1, settings, MFA, {}, "Multi-factor authentication (MFA)")
        == []
    )
    assert [f.check for f in check_text("Turn on MFA.", 1, settings, MFA, {})] == ["acronym"]


def test_jargon_word_forms_and_whole_words():
    found = check_text(
        "It utilizes and utilized things. Facilitation is not listed.",
        1,
        Checks(),
        {},
        DEFAULT_JARGON,
    )
    assert [f.message for f in found] == ["'utilizes' (2 times on this page): try \"use\""]
    assert check_text("A robustness test.", 1, Checks(), {}, DEFAULT_JARGON) == []


def test_glossary_acronyms():
    terms = [
        Term("GB and TB", "d", "Gigabyte and terabyte"),
        Term("E911", "d", "Enhanced 911"),
        Term("Mbps", "d", "Megabits per second"),
        Term("Co-location", "d", "Server co-location"),
        Term("FY", "d", "Fiscal year"),
        Term("Cost pool", "d", "Cost pool"),
    ]
    assert glossary_acronyms(terms) == {
        "GB": "Gigabyte",
        "TB": "terabyte",
        "E911": "Enhanced 911",
        "FY": "Fiscal year",
    }


def test_abbr_wraps_text_but_not_links_code_or_attributes():
    html, _ = render_markdown(
        "## MFA for everyone\n\nTurn on MFA today, not MFAX. [MFA help](/glossary/) and "
        '`MFA` and <img src="x.png" alt="MFA"> stay.\n',
        "services/x/",
        lambda target: target.lstrip("/"),
        2,
        MFA,
    )
    assert html.count('<abbr title="Multi-factor authentication">MFA</abbr>') == 2
    assert 'id="mfa-for-everyone"' in html  # heading id made before wrapping
    assert ">MFA help</a>" in html and "<code>MFA</code>" in html and 'alt="MFA"' in html
    assert "MFAX" in html


@pytest.mark.slow
def test_abbr_on_the_built_site(scratch, tmp_path):
    from catalogpress.app.build import build

    scratch.write(
        "content/pages/help.md",
        "---\ntitle: Help\n---\nEach service level agreement (SLA) says how fast we respond.\n",
    )
    build(scratch.root, tmp_path / "out", MINIMAL_AS_OF)
    page = (tmp_path / "out" / "help" / "index.html").read_text()
    assert '(<abbr title="Service Level Agreement">SLA</abbr>)' in page


@pytest.fixture
def hard_site(scratch):
    shutil.copy(PLAIN / "hard.md", scratch.path("content/pages/hard.md"))
    return scratch


def test_check_reports_warnings_with_file_and_line(hard_site):
    result = CliRunner().invoke(
        main, ["check", "-C", str(hard_site.root), "--as-of", MINIMAL_AS_OF.isoformat()]
    )
    assert result.exit_code == 0, result.output
    assert (
        "warning: content/pages/hard.md:19: link-text: the link text 'click here' does "
        "not say where the link goes"
    ) in result.output
    assert "warning: content/pages/hard.md:9: acronym:" not in result.output  # not a term
    plain = [
        line
        for line in result.output.splitlines()
        if re.match(
            r"warning: content/pages/hard\.md:\d+: (jargon|long-sentence|"
            r"image-alt|link-text): ",
            line,
        )
    ]
    assert len(plain) == 14
    count = result.output.count("warning: ")
    assert f"No problems found ({count} warnings)." in result.output


@pytest.mark.slow
def test_strict_turns_warnings_into_failure(hard_site, tmp_path):
    args = ["-C", str(hard_site.root), "--as-of", MINIMAL_AS_OF.isoformat()]
    result = CliRunner().invoke(main, ["check", "--strict", *args])
    assert result.exit_code == 1
    count = result.output.count("warning: ")
    assert count >= 14
    assert f"{count} warnings found and --strict is on; nothing was written." in result.output
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--strict", "-o", str(out), *args])
    assert result.exit_code == 1 and not out.exists()
    result = CliRunner().invoke(main, ["build", "-o", str(out), *args])
    assert result.exit_code == 0 and f"with {count} warnings" in result.output
    assert (out / "hard" / "index.html").is_file()


def test_checks_settings_in_catalog(hard_site):
    hard_site.replace(
        "catalog.yaml",
        "site:\n",
        "checks:\n  sentence_words: 30\n"
        "  jargon: {smooth delivery: delivery}\n  allow: [Robust, holistic]\n"
        "  skip: [image-alt, link-text]\n\nsite:\n",
    )
    warnings = {
        (w.line, w.field, w.message.split("'")[1] if "'" in w.message else "")
        for w in check(hard_site.root, MINIMAL_AS_OF).warnings
        if w.file == "content/pages/hard.md" and w.field in PLAIN_CHECKS
    }
    assert {f for _, f, _ in warnings} == {"jargon"}
    words = {word for _, _, word in warnings}
    assert "smooth delivery" in words and "utilize" in words
    assert not {"robust", "holistic"} & words


def test_unknown_check_name_is_a_plain_error(scratch):
    scratch.replace("catalog.yaml", "site:\n", "checks:\n  skip: [jargn]\n\nsite:\n")
    with pytest.raises(SiteError) as caught:
        check(scratch.root, MINIMAL_AS_OF)
    assert [str(p) for p in caught.value.problems] == [
        "catalog.yaml:2: checks.skip[0]: expected one of reading-grade, long-sentence, "
        "acronym, jargon, image-alt, link-text, got 'jargn'; did you mean 'jargon'?"
    ]


def test_sample_content_passes_every_check(sample_check):
    assert [str(w) for w in sample_check.warnings] == []
