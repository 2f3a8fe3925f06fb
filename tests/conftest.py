"""Shared fixtures: scratch copies of the fixture site, and a built sample site."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from catalogpress.app.build import build

TESTS = Path(__file__).parent
REPO = TESTS.parent
MINIMAL = TESTS / "fixtures" / "minimal"
MINIMAL_AS_OF = dt.date(2025, 11, 1)
# The sample site's tests pin the date so they do not drift as real time passes.
SAMPLE_AS_OF = dt.date(2026, 11, 23)


class Scratch:
    """A writable copy of a fixture site with helpers to break it on purpose."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, name: str) -> Path:
        return self.root / name

    def replace(self, name: str, old: str, new: str, count: int = 1) -> None:
        text = self.path(name).read_text()
        assert old in text, f"{old!r} not in {name}"
        self.path(name).write_text(text.replace(old, new, count))

    def write(self, name: str, text: str) -> None:
        self.path(name).parent.mkdir(parents=True, exist_ok=True)
        self.path(name).write_text(text)

    def line_of(self, name: str, needle: str) -> int:
        """1-based line of the first line containing `needle`."""
        for number, line in enumerate(self.path(name).read_text().splitlines(), 1):
            if needle in line:
                return number
        raise AssertionError(f"{needle!r} not in {name}")


@pytest.fixture
def scratch(tmp_path: Path) -> Scratch:
    root = tmp_path / "site-src"
    shutil.copytree(MINIMAL, root)
    return Scratch(root)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repo's own sample catalog with its PDFs, built once for the whole test run."""
    out = tmp_path_factory.mktemp("sample") / "site"
    build(REPO, out, SAMPLE_AS_OF, cache=out.parent / "cache")
    return out


BuildFn = Callable[..., object]
