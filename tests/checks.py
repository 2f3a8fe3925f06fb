"""Helpers for checking a built site with real tools: a local server, a link walker."""

from __future__ import annotations

import functools
import html.parser
import http.server
import json
import os
import posixpath
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest


def require_tool(available: bool, what: str) -> None:
    """Skip locally when a tool is missing; in CI a missing tool is a failure."""
    if not available:
        if os.environ.get("CI"):
            pytest.fail(f"{what} is not installed; scripts/test.sh installs it")
        pytest.skip(f"{what} is not installed (run scripts/test.sh)")


def have(command: str) -> bool:
    return shutil.which(command) is not None


@contextmanager
def serve_folder(root: Path) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 on a free port; yields the base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def end_headers(self) -> None:
            # LinkChecker lifts its one-request-per-second politeness limit for servers
            # that send this header, so checking a local copy takes seconds, not minutes.
            self.send_header("LinkChecker", "LinkChecker")
            super().end_headers()

    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _LinkParser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for name in ("href", "src"):
            if values.get(name) and not (tag == "link" and values.get("rel") == "canonical"):
                self.links.append(values[name] or "")


def broken_internal_links(site: Path) -> list[str]:
    """Every relative link or image that points at no file or at a missing #anchor."""
    parsed: dict[Path, _LinkParser] = {}

    def parse(page: Path) -> _LinkParser:
        if page not in parsed:
            parser = _LinkParser()
            parser.feed(page.read_text(encoding="utf-8"))
            parsed[page] = parser
        return parsed[page]

    broken = []
    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html":
            continue  # its links are root-relative by design; checked over HTTP elsewhere
        for link in parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("//", "mailto:", "tel:")):
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path))
            target = Path(posixpath.normpath(target.as_posix()))
            if target.is_dir():
                target = target / "index.html"
            if site.resolve() not in target.resolve().parents or not target.is_file():
                broken.append(f"{page.relative_to(site)}: {link}")
            elif (
                parts.fragment
                and "=" not in parts.fragment
                and target.suffix == ".html"
                and parts.fragment not in parse(target).ids
            ):  # "#a=1": page state
                broken.append(f"{page.relative_to(site)}: {link} (no such anchor)")
    return broken


THEME_SCRIPTS = ("search.js", "money.js", "estimator.js", "compare.js", "sort.js")
_THEME_SCRIPT = re.compile(
    r'<script (?:type="module" )?src="(?:\.\./)*assets/(?:'
    + "|".join(re.escape(n) for n in THEME_SCRIPTS)
    + r')"(?: defer)?></script>'
)
_DATA_BLOCK = re.compile(r'<script type="application/json" id="rate-data">([^<]*)</script>')


def without_theme_scripts(html: str) -> str:
    """The page minus the theme's own script tags and its inert JSON data blocks, so a
    check for injected scripts sees only what content could have put there. A data block
    is removed only when it is valid JSON with no '<' in it (nothing could break out)."""
    html = _THEME_SCRIPT.sub("", html)

    def drop_json(match: re.Match[str]) -> str:
        json.loads(match.group(1))
        return ""

    return _DATA_BLOCK.sub(drop_json, html)
