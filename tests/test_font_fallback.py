"""Without HarfBuzz's subsetter, WeasyPrint warns once per font per document; the build
says it once, with the fix, instead of dozens of raw warnings."""

from __future__ import annotations

import pytest

from catalogpress.pdf import print_run
from catalogpress.pdf.resources import Resources

HTML = "<html lang=en><title>{0}</title><body><h1>{0}</h1><p>Some text to print.</p>"


def documents(count: int) -> dict[str, str]:
    return {f"pdf/doc-{i}.pdf": HTML.format(f"Document {i}") for i in range(count)}


RESOURCES = Resources(base="https://catalog.example/", files={}, roots=())


def test_a_missing_subsetter_is_said_once_with_the_fix(monkeypatch):
    fonts = pytest.importorskip("weasyprint.pdf.fonts")
    monkeypatch.setattr(fonts, "harfbuzz_subset", None)  # as on a machine without it
    report = print_run.print_all(documents(3), RESOURCES, cache=None, workers=1)
    said = [str(w) for w in report.warnings]
    assert said == [
        "warning: pdf/: PDFs print about twice as slowly on this computer because "
        "HarfBuzz's font subsetter is not installed. Install it, then build again: on "
        "Debian or Ubuntu `sudo apt install libharfbuzz-subset0`, on Fedora `sudo dnf "
        "install harfbuzz`, on macOS `brew install harfbuzz`"
    ]
    assert all(pdf.data.startswith(b"%PDF") for pdf in report.outputs)


def test_with_the_subsetter_nothing_is_said():
    fonts = pytest.importorskip("weasyprint.pdf.fonts")
    if fonts.harfbuzz_subset is None:
        pytest.skip("HarfBuzz's subsetter is not installed here")
    report = print_run.print_all(documents(2), RESOURCES, cache=None, workers=1)
    assert report.warnings == []
