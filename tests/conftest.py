"""Shared fixtures: scratch copies of the fixture site, and sites built once per session.

Builds that many tests only read are made once per session (`sample_site`,
`sample_pages`, `minimal_site`, `corpus_baseline`, `corpus_baseline_pages`) in the
session's tmp folder; a test that needs to change one copies it first. Their teardown
fails the run if a test wrote into them, so sharing cannot quietly make one test depend on
another. The sample catalog's model and its check (`sample_model`, `sample_check`) are
made once too: tests only read them.

Every cache the suite fills lives under the session's tmp folder too (`isolated_caches`),
never in the repo or the developer's ~/.cache, so no run is warmed by an earlier one.

Randomized tests ask `examples(n)` how many cases to draw: n in the full run, a quarter of
n in the quick loop (`pytest -m "not slow"`, which loads the "quick" Hypothesis profile).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from catalogpress.app.build import Report, build, check, load_site
from catalogpress.app.cli import main
from catalogpress.model.views import Site

TESTS = Path(__file__).parent
REPO = TESTS.parent
MINIMAL = TESTS / "fixtures" / "minimal"
MINIMAL_AS_OF = dt.date(2025, 11, 1)
# The sample site's tests pin the date so they do not drift as real time passes.
SAMPLE_AS_OF = dt.date(2026, 11, 23)


# The quick loop's share of each randomized test's cases: Hypothesis draws 100 by default.
settings.register_profile("quick", max_examples=25)


def pytest_configure(config: pytest.Config) -> None:
    """`-m "not slow"` (the quick loop) loads the "quick" profile, unless a profile is named
    (`--hypothesis-profile`). The full run, CI's, keeps Hypothesis's default."""
    quick = "not slow" in (config.getoption("markexpr", "") or "")
    if quick and not config.getoption("hypothesis_profile", None):
        settings.load_profile("quick")


def examples(n: int) -> int:
    """How many random cases a test that wants `n` of them draws under the loaded profile:
    all n by default (100 examples), a quarter of them in the quick loop, at least one."""
    return max(1, n * settings().max_examples // 100)


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


@pytest.fixture(scope="session", autouse=True)
def isolated_caches(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The compiled-template cache (render/theme.py follows XDG_CACHE_HOME) goes to this
    session's tmp folder, for this process and every subprocess it starts. HOME is left
    alone: Playwright, pip and npm look up their installs and settings there. PDF caches
    are per project: tests pass `cache=` or build a copy in tmp."""
    caches = tmp_path_factory.mktemp("caches")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(caches))
        yield caches


def fingerprint(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def shared(root: Path) -> Iterator[Path]:
    """Hand out `root` to many tests, then fail the run if any of them changed it."""
    before = fingerprint(root)
    yield root
    after = fingerprint(root)
    changed = sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )
    assert changed == [], f"a test changed the shared build in {root}: {changed[:20]}"


@pytest.fixture
def scratch(tmp_path: Path) -> Scratch:
    root = tmp_path / "site-src"
    shutil.copytree(MINIMAL, root)
    return Scratch(root)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory, isolated_caches: Path) -> Iterator[Path]:
    """The repo's own sample catalog with its PDFs, built once for the whole test run.
    Read only: copy it (shutil.copytree) before changing anything."""
    out = tmp_path_factory.mktemp("sample") / "site"
    build(REPO, out, SAMPLE_AS_OF, cache=out.parent / "cache")
    yield from shared(out)


@pytest.fixture(scope="session")
def sample_pages(tmp_path_factory: pytest.TempPathFactory, isolated_caches: Path) -> Iterator[Path]:
    """The sample catalog's web pages alone (no PDFs, no search index), built once: a
    second of work where `sample_site` takes a minute. Read only."""
    out = tmp_path_factory.mktemp("sample-pages") / "site"
    build(REPO, out, SAMPLE_AS_OF, pdf=False, search=False, cache=out.parent / "cache")
    yield from shared(out)


@pytest.fixture(scope="session")
def sample_model() -> Site:
    """The sample catalog's model as of SAMPLE_AS_OF, loaded once. Read only: a test that
    changes the model loads its own."""
    site, _ = load_site(REPO, SAMPLE_AS_OF)
    return site


@pytest.fixture(scope="session")
def sample_check(isolated_caches: Path) -> Report:
    """`catalogpress check` of the sample catalog as of SAMPLE_AS_OF, run once."""
    return check(REPO, SAMPLE_AS_OF)


@pytest.fixture(scope="session")
def minimal_site(tmp_path_factory: pytest.TempPathFactory, isolated_caches: Path) -> Iterator[Path]:
    """The fixture site with its PDFs, built once, from a cold cache. Read only."""
    out = tmp_path_factory.mktemp("minimal") / "site"
    build(MINIMAL, out, MINIMAL_AS_OF, cache=out.parent / "cache")
    yield from shared(out)


@pytest.fixture(scope="session")
def corpus_baseline(
    tmp_path_factory: pytest.TempPathFactory, isolated_caches: Path
) -> Iterator[Path]:
    """A copy of the fixture site after one good `catalogpress build` through the CLI:
    its sources, its site/ and its PDF cache, as a project folder looks before someone
    breaks it. Read only: `scratch_built` hands each test its own copy."""
    yield from shared(_built_by_the_command(tmp_path_factory.mktemp("corpus")))


def _built_by_the_command(folder: Path, *options: str) -> Path:
    """A copy of the fixture site in `folder`, after `catalogpress build` with `options`."""
    root = folder / "site-src"
    shutil.copytree(MINIMAL, root)
    args = ["build", "-C", str(root), "--as-of", "2025-11-01", *options]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return root


def _copied(baseline: Path, tmp_path: Path) -> Scratch:
    root = tmp_path / "site-src"
    shutil.copytree(baseline, root, symlinks=True)
    return Scratch(root)


@pytest.fixture
def scratch_built(tmp_path: Path, corpus_baseline: Path) -> Scratch:
    """Like `scratch`, already built once (site/ and its cache included)."""
    return _copied(corpus_baseline, tmp_path)


@pytest.fixture(scope="session")
def corpus_baseline_pages(
    tmp_path_factory: pytest.TempPathFactory, isolated_caches: Path
) -> Iterator[Path]:
    """`corpus_baseline` without the PDFs (`catalogpress build --no-pdf`): a second of
    work where printing the PDFs takes seven or more, for the quick loop's tests of refused
    input, which fail before anything is printed. Read only: `scratch_built_pages` copies it."""
    yield from shared(_built_by_the_command(tmp_path_factory.mktemp("corpus-pages"), "--no-pdf"))


@pytest.fixture
def scratch_built_pages(tmp_path: Path, corpus_baseline_pages: Path) -> Scratch:
    """Like `scratch_built`, built once without its PDFs."""
    return _copied(corpus_baseline_pages, tmp_path)


BuildFn = Callable[..., object]
