"""A build of the fixture site must match the reviewed golden output byte for byte.

After an intended change, regenerate with `UPDATE_GOLDEN=1 pytest tests/test_golden.py`
and review the diff in git like any other change.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

from catalogpress.app.build import build

from .conftest import MINIMAL, MINIMAL_AS_OF, TESTS

GOLDEN = TESTS / "golden" / "minimal"


def tree(root: Path) -> dict[str, bytes]:
    # pagefind/ is Pagefind's own output (its filter files are not byte-stable from one run
    # to the next); tests/test_tools.py checks the index instead.
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.relative_to(root).as_posix().startswith("pagefind/")
    }


def test_fixture_site_matches_golden(tmp_path):
    out = tmp_path / "site"
    build(MINIMAL, out, MINIMAL_AS_OF, pdf=False)  # PDFs: test_pdf.py
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN)
        shutil.rmtree(GOLDEN / "pagefind")
    built, golden = tree(out), tree(GOLDEN)
    assert sorted(built) == sorted(golden), "the set of files differs from the golden output"
    for name, data in built.items():
        if data != golden[name]:
            diff = "\n".join(
                difflib.unified_diff(
                    golden[name].decode(errors="replace").splitlines(),
                    data.decode(errors="replace").splitlines(),
                    f"golden/{name}",
                    f"built/{name}",
                    lineterm="",
                    n=2,
                )
            )
            raise AssertionError(f"{name} differs from the golden output:\n{diff[:4000]}")
