"""Rebuilds in one process (the preview) reuse unchanged pages and still match a fresh build.

Each edit is followed by an in-process rebuild that may reuse pages, parsed YAML
and checked records from the builds before it. A copy of the sources after each edit is
built fresh at the end, each in a process of its own that can reuse nothing. The two
trees must be byte for byte the same.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from catalogpress.app.build import build
from catalogpress.app.session import BuildSession
from catalogpress.render import pages as render

from .conftest import MINIMAL_AS_OF, Scratch

# One interpreter imports catalogpress, then forks a child for each build it is sent: each
# child starts as that process stands, having built nothing, so it is as fresh as a new
# process without paying a second for Python and the imports each time. It builds while the
# test goes on with its in-process rebuilds.
FRESH_BUILDS = """
import datetime, os, sys, traceback
from pathlib import Path
from catalogpress.app.build import build
as_of = datetime.date.fromisoformat(sys.argv[1])
failed = False
for line in sys.stdin:
    root, out = line.rstrip("\\n").split("\\t")
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            build(Path(root), Path(out), as_of, search=False, pdf=False)
        except BaseException:
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    failed |= os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0
sys.exit(1 if failed else 0)
"""


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class FreshBuilds:
    """Copies of the sources as they stood at each step, each built fresh in the background
    (FRESH_BUILDS); `wait` returns when all are built."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.count = 0
        command = [sys.executable, "-c", FRESH_BUILDS, MINIMAL_AS_OF.isoformat()]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, text=True)

    def add(self, root: Path) -> Path:
        """Copy `root` as it is now (without its cache), have the copy built, and return
        where its site will be."""
        copy = self.tmp_path / f"src-{self.count}"
        out = self.tmp_path / f"fresh-{self.count}"
        self.count += 1
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".catalogpress-cache"))
        assert self.process.stdin is not None
        self.process.stdin.write(f"{copy}\t{out}\n")
        self.process.stdin.flush()
        return out

    def wait(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        assert self.process.wait(timeout=120) == 0, "a fresh build failed (see its traceback)"

    def __enter__(self) -> FreshBuilds:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[FreshBuilds]:
    """A FreshBuilds process for the test, ended when the test ends."""
    with FreshBuilds(tmp_path) as builds:
        yield builds


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
    scratch: Scratch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: FreshBuilds
) -> None:
    live = tmp_path / "live"
    session = BuildSession()  # as the preview keeps one
    options = {"session": session, "incremental": True, "search": False, "pdf": False}
    counting = Counting(monkeypatch)
    expected_trees: list[tuple[str, dict[str, bytes], Path]] = []
    build(scratch.root, live, MINIMAL_AS_OF, **options)
    everything = len(counting.paths)
    assert everything > 20
    unchanged = build(scratch.root, live, MINIMAL_AS_OF, **options)
    assert unchanged.changed == []
    assert counting.paths[everything:] == [], "an unchanged rebuild rendered pages again"
    for what, edit, expected in EDITS:
        edit(scratch)
        before = len(counting.paths)
        build(scratch.root, live, MINIMAL_AS_OF, **options)
        rendered = set(counting.paths[before:])
        if expected is not None:
            assert rendered == expected, f"after editing {what}"
        else:
            assert len(rendered) == everything, f"after editing {what}: {len(rendered)} pages"
        expected_trees.append((what, tree(live), fresh.add(scratch.root)))
    fresh.wait()
    for what, live_tree, out in expected_trees:
        assert live_tree == tree(out), what


def test_rebuilds_follow_performance_csv(
    scratch: Scratch, tmp_path: Path, fresh: FreshBuilds
) -> None:
    """Adding, editing and removing the measurements: the preview matches a fresh build."""
    from .test_performance import GOOD

    live = tmp_path / "live"
    session = BuildSession()
    options = {"session": session, "incremental": True, "search": False, "pdf": False}
    build(scratch.root, live, MINIMAL_AS_OF, **options)
    expected_trees: list[tuple[str, dict[str, bytes], Path]] = []
    steps = [
        ("added", lambda: scratch.write("performance.csv", GOOD)),
        ("a figure edited", lambda: scratch.replace("performance.csv", "13860,90,", "13860,9,")),
        ("removed", lambda: scratch.path("performance.csv").unlink()),
    ]
    for what, edit in steps:
        edit()
        build(scratch.root, live, MINIMAL_AS_OF, **options)
        expected_trees.append((what, tree(live), fresh.add(scratch.root)))
    assert not (live / "performance").exists()
    fresh.wait()
    for what, live_tree, out in expected_trees:
        assert live_tree == tree(out), what
