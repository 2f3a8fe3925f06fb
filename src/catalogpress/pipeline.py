"""The build, start to finish: load → validate → model → render → write.

Each stage lives in its own module; this one only runs them in order and
stops before writing if any stage found a mistake.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem, Problems, SiteError
from .load import load_sources
from .output import check_output_dir, sync_site, write_site
from .plain import check_plain_language
from .render import Output, render_site
from .search import search_index
from .site import Site, build_site
from .theme import make_environment, static_files, theme_dirs
from .validate import validate


@dataclass
class Report:
    warnings: list[Problem] = field(default_factory=list)
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    changed: list[str] = field(default_factory=list)  # incremental builds: files rewritten


def default_as_of() -> dt.date:
    """The build date: SOURCE_DATE_EPOCH when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def load_site(root: Path, as_of: dt.date) -> tuple[Site, Problems]:
    """Load, validate and model; raise SiteError listing every problem found."""
    problems = Problems()
    sources = load_sources(root, problems)
    checked = validate(sources, as_of, problems)
    problems.raise_if_errors()
    assert checked is not None  # validate returns None only alongside errors
    check_plain_language(checked, problems)  # warnings only
    site = build_site(checked, set(sources.images), as_of, problems)
    problems.raise_if_errors()
    return site, problems


def check(root: Path, as_of: dt.date | None = None, strict: bool = False) -> Report:
    site, problems = load_site(root, as_of or default_as_of())
    _stop_on_warnings(problems, strict)
    render(root, site)  # templates can fail too; check everything a build would
    return Report(warnings=problems.warnings)


def _stop_on_warnings(problems: Problems, strict: bool) -> None:
    """With --strict, warnings stop the run like mistakes do."""
    if strict and problems.warnings:
        raise SiteError(sorted(set(problems.warnings)))


def render(root: Path, site: Site) -> tuple[list[Output], dict[str, Path]]:
    dirs = theme_dirs(root, site.settings.theme)
    if not dirs:
        raise SiteError([Problem("themes/", 0, "", f"theme '{site.settings.theme}' not found")])
    outputs = render_site(site, make_environment(dirs))
    return outputs, static_files(dirs)


def build(root: Path, output: Path | None = None, as_of: dt.date | None = None, *,
          strict: bool = False, incremental: bool = False, search: bool = True,
          guard: AbstractContextManager[object] | None = None) -> Report:
    """Build the site into `output`.

    By default the new site replaces the old one atomically. `incremental` (the
    preview) updates `output` in place and rewrites only files whose bytes changed,
    holding `guard` (a lock the preview's web server also takes) while it writes.
    `strict` treats warnings as problems: nothing is written. `search=False` skips
    the search index (the preview, where it would double the time of a rebuild).
    """
    started = time.perf_counter()
    root = root.resolve()
    output = (output or root / "site").resolve()
    check_output_dir(output, root)
    site, problems = load_site(root, as_of or default_as_of())
    _stop_on_warnings(problems, strict)
    outputs, copies = render(root, site)
    if search:
        outputs += search_index(outputs, site.settings.language)
    copies.update(_content_images(root))
    changed: list[str] = []
    if incremental:
        with guard or nullcontext():
            synced = sync_site(outputs, copies, output)
        files, changed = synced.total, synced.written + synced.removed
    else:
        files = write_site(outputs, copies, output)
    return Report(warnings=problems.warnings,
                  pages=sum(1 for o in outputs if o.path.endswith(".html")), files=files,
                  seconds=time.perf_counter() - started, changed=changed)


def _content_images(root: Path) -> dict[str, Path]:
    images = root / "content" / "images"
    if not images.is_dir():
        return {}
    return {f"images/{p.relative_to(images).as_posix()}": p
            for p in sorted(images.rglob("*")) if p.is_file() and not p.is_symlink()}
