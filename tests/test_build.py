"""Building: the CLI, atomic replacement of site/, and safety of the output."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from catalogpress.app.build import build
from catalogpress.app.cli import main
from catalogpress.core.errors import SiteError

from .checks import without_theme_scripts
from .conftest import MINIMAL_AS_OF, REPO


def snapshot(root):
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_cli_build_prints_summary(scratch, tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "build",
            "-C",
            str(scratch.root),
            "-o",
            str(tmp_path / "out"),
            "--as-of",
            "2025-11-01",
            "--no-pdf",
        ],
    )
    assert result.exit_code == 0, result.output
    assert re.match(
        r"Built \d+ pages \(\d+ files\) with 0 warnings in \d+\.\d\d s\.\n$", result.output
    )
    assert (tmp_path / "out" / "services" / "email" / "index.html").is_file()


def test_failed_build_leaves_previous_site_untouched(scratch):
    out = scratch.root / "site"
    build(scratch.root, out, MINIMAL_AS_OF, pdf=False)
    (out / "extra-file.txt").write_text("left by the previous build")
    before = snapshot(out)
    scratch.replace("catalog.yaml", "category: hosting", "category: hostng")
    with pytest.raises(SiteError):
        build(scratch.root, out, MINIMAL_AS_OF)
    assert snapshot(out) == before
    assert sorted(p.name for p in scratch.root.iterdir() if p.name.startswith(".site")) == []


def test_cli_failure_exit_code_and_no_traceback(scratch):
    scratch.replace("catalog.yaml", "category: hosting", "category: hostng")
    scratch.replace("rates.yaml", 'amount: "6.00"', "amount: 6.00")
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "build.py"),
            "build",
            "-C",
            str(scratch.root),
            "--as-of",
            "2025-11-01",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert lines[-1] == "2 problems found; nothing was written."
    assert lines[0].startswith("catalog.yaml:") and lines[1].startswith("rates.yaml:")
    assert not (scratch.root / "site").exists()


def test_the_command_says_everything_before_it_exits(scratch):
    """`catalogpress` leaves its objects to the operating system (app/cli.py `run`):
    what it prints still comes out whole, through a pipe, with the exit code."""
    for args, code, said in (
        (["check", "--as-of", "2025-11-01"], 0, "No problems found"),
        (["build", "--no-pdf", "--as-of", "2025-11-01"], 0, "Built "),
        (["build", "--as-of", "not-a-date"], 2, "not-a-date"),
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "catalogpress", *args, "-C", str(scratch.root)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == code, (args, proc.stderr)
        assert said in proc.stdout + proc.stderr, (args, proc.stdout, proc.stderr)


def test_check_writes_nothing(scratch):
    result = CliRunner().invoke(main, ["check", "-C", str(scratch.root), "--as-of", "2025-11-01"])
    assert result.exit_code == 0 and "No problems found" in result.output
    assert not (scratch.root / "site").exists()


def test_template_typo_names_template_and_line(scratch):
    scratch.write(
        "themes/default/templates/category.html",
        '{% extends "default/category.html" %}\n'
        "{% block main %}\n<h1>{{ category.category.nmae }}</h1>\n{% endblock %}\n",
    )
    with pytest.raises(SiteError) as info:
        build(scratch.root, scratch.root / "site", MINIMAL_AS_OF)
    problem = str(info.value.problems[0])
    assert problem.startswith(
        "themes/default/templates/category.html:3: template error while "
        "making categories/collaboration/index.html:"
    )
    assert "nmae" in problem


def test_feed_template_typo_is_reported_with_the_pages_mistakes(scratch):
    """The feed renders while the pages do; its mistake joins theirs instead of crashing."""
    scratch.write("themes/default/templates/feed.xml", "<feed>\n{{ site.no_such_thing }}\n")
    scratch.write(
        "themes/default/templates/category.html",
        '{% extends "default/category.html" %}\n'
        "{% block main %}\n<h1>{{ category.category.nmae }}</h1>\n{% endblock %}\n",
    )
    with pytest.raises(SiteError) as info:
        build(scratch.root, scratch.root / "site", MINIMAL_AS_OF, pdf=False)
    problems = [str(p) for p in info.value.problems]
    assert any(
        p.startswith("themes/default/templates/feed.xml:2: template error while making feed.xml:")
        and "no_such_thing" in p
        for p in problems
    ), problems
    assert any(p.startswith("themes/default/templates/category.html:3:") for p in problems)
    assert not (scratch.root / "site").exists()


def test_site_template_overrides_one_template(scratch, tmp_path):
    scratch.write(
        "themes/default/templates/404.html",
        '{% extends "default/404.html" %}{% block main %}<h1>Lost?</h1>{% endblock %}\n',
    )
    build(scratch.root, tmp_path / "out", MINIMAL_AS_OF, pdf=False)
    assert "<h1>Lost?</h1>" in (tmp_path / "out" / "404.html").read_text()
    assert "Skip to main content" in (tmp_path / "out" / "404.html").read_text()  # base kept
    assert "<h1>Email</h1>" in (tmp_path / "out" / "services/email/index.html").read_text()


@pytest.mark.parametrize("where", [".", "content", "themes/default"])
def test_refuses_to_build_over_sources(scratch, where):
    with pytest.raises(SiteError) as info:
        build(scratch.root, scratch.root / where, MINIMAL_AS_OF)
    assert "cannot build into this folder" in str(info.value)
    assert (scratch.root / "catalog.yaml").exists()


def test_refuses_to_replace_a_folder_it_did_not_make(scratch, tmp_path):
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    with pytest.raises(SiteError):
        build(scratch.root, precious, MINIMAL_AS_OF)
    assert (precious / "thesis.txt").read_text() == "years of work"


def test_no_script_reaches_output(scratch, tmp_path):
    scratch.replace(
        "catalog.yaml",
        "name: Email\n",
        "name: \"Email <script>alert(1)</script> ' onmouseover='x\"\n",
    )
    build(scratch.root, tmp_path / "out", MINIMAL_AS_OF, pdf=False)
    for page in (tmp_path / "out").rglob("*.html"):
        html = without_theme_scripts(page.read_text())  # the theme's own, checked in test_tools
        assert "<script" not in html, page
        assert "onmouseover='x" not in html and "javascript:" not in html, page


def test_symlink_out_of_project_is_refused(scratch, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Secret\n---\nsecret text\n")
    (scratch.root / "content/pages/leak.md").symlink_to(secret)
    with pytest.raises(SiteError) as info:
        build(scratch.root, tmp_path / "out", MINIMAL_AS_OF)
    assert "content/pages/leak.md: this link points outside the project" in str(info.value)
