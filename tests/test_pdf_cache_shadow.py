"""The PDF cache notices a theme file that shadows a built-in one."""

from __future__ import annotations

import shutil

import pytest

from catalogpress.app.build import build
from catalogpress.render.theme import builtin_theme_dir

from .conftest import MINIMAL_AS_OF


@pytest.mark.slow
def test_a_new_theme_override_of_the_print_stylesheet_reprints_every_pdf(scratch, tmp_path):
    cache = tmp_path / "cache"

    def run() -> tuple[int, int]:
        report = build(scratch.root, tmp_path / "site", MINIMAL_AS_OF, search=False, cache=cache)
        return report.pdfs, report.pdfs_printed

    total, printed = run()
    assert total > 0 and printed == total
    assert run() == (total, 0)  # nothing changed: every PDF from the cache
    scratch.write("content/images/new.png", "")  # unrelated to the documents
    shutil.copy(scratch.path("content/images/server.png"), scratch.path("content/images/new.png"))
    assert run() == (total, 0)
    override = scratch.path("themes/default/pdf/pdf.css")
    override.parent.mkdir(parents=True)
    css = (builtin_theme_dir() / "pdf" / "pdf.css").read_text()
    override.write_text(css + "\nh1 { letter-spacing: 0.02em; }\n")
    assert run() == (total, total)
    assert run() == (total, 0)
