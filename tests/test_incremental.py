"""Rebuilds in one process (the preview) reuse unchanged pages and still match a fresh build.

Each edit is followed by an in-process rebuild that may reuse pages, parsed YAML
and checked records from the builds before it, and by a fresh build in a new
process that can reuse nothing. The two trees must be byte for byte the same.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from catalogpress.app.build import build
from catalogpress.app.session import BuildSession
from catalogpress.render import pages as render

from .conftest import MINIMAL_AS_OF, Scratch

FRESH_BUILD = """
import datetime, sys
from pathlib import Path
from catalogpress.app.build import build
build(Path(sys.argv[1]), Path(sys.argv[2]), datetime.date.fromisoformat(sys.argv[3]),
      search=False, pdf=False)
"""


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def fresh_build(root: Path, out: Path) -> dict[str, bytes]:
    subprocess.run(
        [sys.executable, "-c", FRESH_BUILD, str(root), str(out), MINIMAL_AS_OF.isoformat()],
        check=True,
    )
    return tree(out)


class Counting:
    """Counts pages actually rendered (not reused) by render_page."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []
        original = render.render_page

        def counted(
            site: object, env: object, spec: render.PageSpec, documents: object = ()
        ) -> bytes:
            self.paths.append(spec.path + spec.filename)
            return original(site, env, spec, documents)  # type: ignore[arg-type]

        monkeypatch.setattr(render, "render_page", counted)


EDITS: list[tuple[str, Callable[[Scratch], None], set[str] | None]] = [
    # (what, the edit, the pages that must be rendered again; None: any number)
    (
        "a service overview's text",
        lambda s: s.write(
            "content/services/email.md",
            s.path("content/services/email.md").read_text() + "\nA new closing line.\n",
        ),
        {"services/email/index.html"},
    ),
    (
        "the glossary's text",
        lambda s: s.write(
            "content/glossary.md",
            s.path("content/glossary.md").read_text() + "\nOne more plain sentence about words.\n",
        ),
        {"glossary/index.html"},
    ),
    (
        "an SLA's text",
        lambda s: s.write(
            "content/slas/sla-basic.md",
            s.path("content/slas/sla-basic.md").read_text() + "\nWe answer the phone.\n",
        ),
        {"slas/sla-basic/index.html"},
    ),
    (
        "a page's title in its front matter",
        lambda s: s.replace(
            "content/pages/methodology.md", "title: How we set rates", "title: How we set our rates"
        ),
        None,
    ),
    (
        "a category name in catalog.yaml",
        lambda s: s.replace(
            "catalog.yaml", "name: Email and collaboration", "name: Email and teamwork"
        ),
        None,
    ),
    (
        "a template the site overrides",
        lambda s: s.write(
            "themes/default/templates/page.html",
            '{% extends "default/page.html" %}\n{% block main %}<p>Local.</p>'
            "{{ super() }}{% endblock %}\n",
        ),
        None,
    ),
    (
        "that template again, same size (a new environment, not a stale compiled one)",
        lambda s: s.replace("themes/default/templates/page.html", "Local.", "Other."),
        None,
    ),
]


def test_rebuilds_after_edits_match_fresh_builds(
    scratch: Scratch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = tmp_path / "live"
    session = BuildSession()  # as the preview keeps one
    options = {"session": session, "incremental": True, "search": False, "pdf": False}
    counting = Counting(monkeypatch)
    build(scratch.root, live, MINIMAL_AS_OF, **options)
    everything = len(counting.paths)
    assert everything > 20
    unchanged = build(scratch.root, live, MINIMAL_AS_OF, **options)
    assert unchanged.changed == []
    assert counting.paths[everything:] == [], "an unchanged rebuild rendered pages again"
    for number, (what, edit, expected) in enumerate(EDITS):
        edit(scratch)
        before = len(counting.paths)
        build(scratch.root, live, MINIMAL_AS_OF, **options)
        rendered = set(counting.paths[before:])
        if expected is not None:
            assert rendered == expected, f"after editing {what}"
        else:
            assert len(rendered) == everything, f"after editing {what}: {len(rendered)} pages"
        assert tree(live) == fresh_build(scratch.root, tmp_path / f"fresh-{number}"), what


def test_rebuilds_follow_performance_csv(scratch: Scratch, tmp_path: Path) -> None:
    """Adding, editing and removing the measurements: the preview matches a fresh build."""
    from .test_performance import GOOD

    live = tmp_path / "live"
    session = BuildSession()
    options = {"session": session, "incremental": True, "search": False, "pdf": False}
    build(scratch.root, live, MINIMAL_AS_OF, **options)
    steps = [
        ("added", lambda: scratch.write("performance.csv", GOOD)),
        ("a figure edited", lambda: scratch.replace("performance.csv", "13860,90,", "13860,9,")),
        ("removed", lambda: scratch.path("performance.csv").unlink()),
    ]
    for number, (what, edit) in enumerate(steps):
        edit()
        build(scratch.root, live, MINIMAL_AS_OF, **options)
        assert tree(live) == fresh_build(scratch.root, tmp_path / f"fresh-{number}"), what
    assert not (live / "performance").exists()
