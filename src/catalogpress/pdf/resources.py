"""What the PDF renderer may read, and the fetcher that holds it to that.

The renderer reads nothing but the theme's and content/'s files, and data: URLs.
`LocalFetcher` serves the site's own addresses (base_url + assets/… or images/…)
from the files the site build copies, and file: URLs inside the theme or
content/ folders; it refuses any other file and every network address.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from catalogpress.render.theme import static_files


@dataclass(frozen=True)
class Resources:
    """What the renderer may read. Plain data, so it can be sent to worker processes."""

    base: str  # the site's base_url, ending in "/"
    files: dict[str, str]  # site path ("pdf-assets/pdf.css") → file it is served from
    roots: tuple[str, ...]  # folders whose files may be read through file: URLs


def pdf_resources(
    base_url: str, themes: list[Path], content: Path, copies: dict[str, Path]
) -> Resources:
    """What the renderer may read: the files the site copies (`copies`, by site path),
    the themes' pdf/ files (as pdf-assets/), and files in the themes and `content`."""
    folders = [*themes, content]
    files = {**copies, **static_files(themes, "pdf", "pdf-assets/")}
    return Resources(
        base=base_url.rstrip("/") + "/",
        files={path: str(source) for path, source in files.items()},
        roots=tuple(str(f.resolve()) for f in folders if f.is_dir()),
    )


class Refused(ValueError):
    """Raised to WeasyPrint for an address it may not read; it then goes on without it."""


def _within(path: Path, roots: Sequence[str]) -> bool:
    return any(path == Path(root) or Path(root) in path.parents for root in roots)


def local_fetcher(resources: Resources) -> Any:
    """A WeasyPrint URL fetcher that serves only what `resources` allows."""
    return _fetcher_class()(resources)


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFetcher(URLFetcher):
        def __init__(self, resources: Resources) -> None:
            super().__init__(allowed_protocols=("data",))
            self.resources = resources
            self.read: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            if url.split(":", 1)[0].lower() == "data":
                return super().fetch(url, headers)
            path = self.local_file(url)
            if path is None:
                self.refused.append(url)
                raise Refused(f"not a file of the theme or content/: {url}")
            self.read.append(str(path))
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

        def local_file(self, url: str) -> Path | None:
            res = self.resources
            parts = urlsplit(url)
            if url.startswith(res.base):
                source = res.files.get(unquote(urlsplit(url[len(res.base) :]).path))
                path = Path(source) if source else None
            elif parts.scheme.lower() == "file" and parts.netloc in ("", "localhost"):
                from urllib.request import url2pathname  # slow to import; PDFs only

                path = Path(url2pathname(parts.path))
            else:
                return None  # the network, or any other scheme
            if path is None:
                return None
            resolved = path.resolve()
            return resolved if resolved.is_file() and _within(resolved, res.roots) else None

    return LocalFetcher
