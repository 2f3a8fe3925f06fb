"""What the render stage makes: files by site path, and the pages to make."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from catalogpress.core.errors import Problem, SiteError


@dataclass(frozen=True)
class Output:
    path: str  # site path of a file, e.g. "services/email/index.html"
    data: bytes


@dataclass(frozen=True)
class PageSpec:
    path: str  # folder-style site path: "services/email/" or "" for home
    template: str
    title: str
    context: dict[str, Any]
    crumbs: tuple[tuple[str, str], ...] = ()  # (title, site path) above this page
    filename: str = "index.html"
    search_type: str = ""  # what search results call this kind of page: "Rate sheet"


def safe_relative(path: str) -> PurePosixPath:
    """A site path guaranteed to stay inside the output folder."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or any(p in ("..", "") for p in pure.parts):
        raise SiteError([Problem(path, 0, "", "refusing to write outside the site folder")])
    return pure
