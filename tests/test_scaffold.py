"""`catalogpress new service` and `new page`: templates that build, files left intact."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from click.testing import CliRunner

from catalogpress.app.build import build, check
from catalogpress.app.cli import main
from catalogpress.app.scaffold import new_service

from .conftest import MINIMAL_AS_OF, REPO, SAMPLE_AS_OF


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.slow
def test_new_service_appends_entry_and_page(scratch, tmp_path):
    before = scratch.path("catalog.yaml").read_bytes()
    result = run(
        "new", "service", "file-transfer", "--name", "Secure File Transfer", "-C", str(scratch.root)
    )
    assert result.exit_code == 0, result.output
    assert "Wrote catalog.yaml" in result.output
    assert "Wrote content/services/file-transfer.md" in result.output
    after = scratch.path("catalog.yaml").read_bytes()
    assert after.startswith(before)  # every byte that was there is still there
    added = after[len(before) :].decode()
    assert added.startswith("  - id: file-transfer")  # the list's own indentation
    assert "name: Secure File Transfer" in added and "status: proposed" in added
    assert "#" in added  # commented, to guide the editor
    page = scratch.path("content/services/file-transfer.md").read_text()
    assert page.startswith("---\ntitle: Secure File Transfer\n")
    # The new service is valid as it stands: proposed, so it needs no rate yet. Checked
    # on the day it was made, as its page says it was reviewed then.
    report = check(scratch.root, dt.date.today())
    assert not [w for w in report.warnings if "file-transfer" in w.file]
    build(scratch.root, tmp_path / "out", MINIMAL_AS_OF)
    built = (tmp_path / "out" / "services" / "file-transfer" / "index.html").read_text()
    assert "Secure File Transfer" in built
    assert "This is the plain-language overview" not in built  # the note is not published


def test_new_service_in_the_middle_of_the_file(tmp_path):
    """The sample catalog has a section after services:; only the new lines are added."""
    root = tmp_path / "sample"
    root.mkdir()
    for name in ("catalog.yaml", "rates.yaml", "content"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    before = (root / "catalog.yaml").read_text().splitlines(keepends=True)
    new_service(root, "print-shop", today=dt.date(2026, 11, 1))
    after = (root / "catalog.yaml").read_text().splitlines(keepends=True)
    start = next(i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b)
    added = after[start : start + len(after) - len(before)]
    assert after[:start] + after[start + len(added) :] == before  # one block inserted
    assert added[0].startswith("  - id: print-shop ")
    assert any(line.startswith("maintenance:") for line in after[start + len(added) :])
    assert [str(p) for p in check(root, SAMPLE_AS_OF).warnings] == []


def test_new_service_keeps_windows_line_endings(scratch):
    crlf = scratch.path("catalog.yaml").read_bytes().replace(b"\n", b"\r\n")
    scratch.path("catalog.yaml").write_bytes(crlf)
    assert run("new", "service", "kiosks", "-C", str(scratch.root)).exit_code == 0
    after = scratch.path("catalog.yaml").read_bytes()
    assert after.startswith(crlf) and b"\n" not in after.replace(b"\r\n", b"")
    check(scratch.root, MINIMAL_AS_OF)


def test_new_service_refuses_used_or_invalid_ids(scratch):
    before = scratch.path("catalog.yaml").read_bytes()
    result = run("new", "service", "email", "-C", str(scratch.root))
    line = scratch.line_of("catalog.yaml", "- id: email")
    assert result.exit_code == 1
    assert (
        f"catalog.yaml:{line}: services[0].id: there is already a service with the id 'email'"
    ) in result.output
    result = run("new", "service", "New_Service", "-C", str(scratch.root))
    assert result.exit_code == 1
    assert "'New_Service' cannot be used as a service id" in result.output
    assert "Traceback" not in result.output
    scratch.write("content/services/orphan.md", "---\ntitle: Orphan\n---\nText.\n")
    result = run("new", "service", "orphan", "-C", str(scratch.root))
    assert result.exit_code == 1 and "content/services/orphan.md" in result.output
    assert scratch.path("catalog.yaml").read_bytes() == before


@pytest.mark.slow
def test_new_page(scratch, tmp_path):
    result = run("new", "page", "procurement", "-C", str(scratch.root))
    assert result.exit_code == 0, result.output
    text = scratch.path("content/pages/procurement.md").read_text()
    assert text.startswith("---\ntitle: Procurement\n")
    build(scratch.root, tmp_path / "out", MINIMAL_AS_OF)
    assert "Accessibility" in (tmp_path / "out" / "procurement" / "index.html").read_text()
    again = run("new", "page", "procurement", "-C", str(scratch.root))
    assert again.exit_code == 1 and "already exists" in again.output
    for name in ("rates", "accessibility"):  # the site makes its own accessibility statement
        reserved = run("new", "page", name, "-C", str(scratch.root))
        assert reserved.exit_code == 1 and "used by a page the site makes itself" in reserved.output


def test_new_service_name_with_yaml_characters_is_quoted(scratch):
    name = "Secure File Transfer: Team #1"
    assert run("new", "service", "sft", "--name", name, "-C", str(scratch.root)).exit_code == 0
    from catalogpress.app.build import load_site

    site, _ = load_site(scratch.root, MINIMAL_AS_OF)
    assert site.services["sft"].name == name
    lines = scratch.path("catalog.yaml").read_text().splitlines()
    added = lines[next(i for i, line in enumerate(lines) if "- id: sft" in line) :]
    comments = [line.index("  # ") for line in added if "  # " in line]
    assert len(set(comments)) == 1  # comments line up in one column
