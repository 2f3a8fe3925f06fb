"""A build session (the preview's) stays bounded: one entry per source file, page or
output, however many times the sources change. Structural, not timed:
benchmarks/preview_memory.py measures the memory itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogpress.app.build import build
from catalogpress.app.session import BuildSession
from catalogpress.core.errors import SiteError

from .conftest import MINIMAL_AS_OF, Scratch

PREVIEW = {"incremental": True, "search": False, "pdf": False}  # as the preview builds


def source_files(root: Path) -> set[str]:
    markdown = {p.relative_to(root).as_posix() for p in (root / "content").rglob("*.md")}
    return {"catalog.yaml", "rates.yaml", *markdown}


def test_caches_hold_one_entry_per_source_whatever_the_number_of_edits(
    scratch: Scratch, tmp_path: Path
) -> None:
    session, out = BuildSession(), tmp_path / "preview"
    build(scratch.root, out, MINIMAL_AS_OF, session=session, **PREVIEW)
    first = session.sizes()
    sources = source_files(scratch.root)
    markdown = len(sources) - 2
    assert first["sources"] == first["checked"] == len(sources)
    assert first["findings"] == first["bodies"] == markdown
    assert first["themes"] == 1 and 1 <= first["converters"] <= 2
    assert first["written"] == len([p for p in out.rglob("*") if p.is_file()]) - 1  # marker
    for number in range(6):  # each a different catalog, overview and rates text
        scratch.replace("catalog.yaml", "name: Email", f"name: Email {number}")
        scratch.write(
            "content/services/email.md",
            scratch.path("content/services/email.md").read_text() + f"\nSave {number}.\n",
        )
        scratch.write("rates.yaml", scratch.path("rates.yaml").read_text() + f"# {number}\n")
        build(scratch.root, out, MINIMAL_AS_OF, session=session, **PREVIEW)
        assert session.sizes() == first, f"after edit {number}"
        scratch.replace("catalog.yaml", f"name: Email {number}", "name: Email")


def test_a_removed_source_leaves_the_session(scratch: Scratch, tmp_path: Path) -> None:
    session, out = BuildSession(), tmp_path / "preview"
    page = scratch.path("content/pages/about-us.md")
    page.write_text(scratch.path("content/pages/methodology.md").read_text())
    build(scratch.root, out, MINIMAL_AS_OF, session=session, **PREVIEW)
    before = session.sizes()
    page.unlink()
    build(scratch.root, out, MINIMAL_AS_OF, session=session, **PREVIEW)
    after = session.sizes()
    for cache in ("sources", "checked", "findings", "bodies"):
        assert after[cache] == before[cache] - 1, cache
    assert after["pages"] < before["pages"] and after["written"] < before["written"]


def test_only_real_images_are_published(scratch: Scratch, tmp_path: Path) -> None:
    """A file in content/images/ that is not a real image is an error naming it (an .svg
    or .html there would run script on the site); editors' dot files are ignored."""
    scratch.write("content/images/.draft.png", "an editor's scratch file")
    out = tmp_path / "site"
    build(scratch.root, out, MINIMAL_AS_OF, pdf=False, search=False)
    assert (out / "images" / "server.png").is_file()
    assert not (out / "images" / ".draft.png").exists()
    for name in ("notes.txt", "logo.svg", "page.html", "fake.png"):
        scratch.write(f"content/images/{name}", "<svg onload=alert(1)></svg>")
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    with pytest.raises(SiteError) as caught:
        build(scratch.root, out, MINIMAL_AS_OF, pdf=False, search=False)
    named = {p.file: p.message for p in caught.value.problems}
    assert set(named) == {
        f"content/images/{n}" for n in ("notes.txt", "logo.svg", "page.html", "fake.png")
    }
    assert named["content/images/fake.png"].startswith("this file is not a PNG image")
    assert named["content/images/logo.svg"].startswith("only images can be published")
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
