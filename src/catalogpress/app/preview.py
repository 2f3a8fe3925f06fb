"""The live preview behind `catalogpress serve`: rebuild on change, serve the result.

- `SourceWatcher` notices saved files by polling (portable, and cheap at catalog
  sizes) and waits until a burst of saves is over, so a burst gives one rebuild.
- `Preview` builds into its own folder (never the published site/), rewriting only
  files whose bytes changed, with one build session for all its rebuilds. Its web
  app takes the same lock as the writer, so a request waits while files are
  replaced and the browser never sees a half-built site.
- When the sources have mistakes, every address shows one page listing them in the
  `file:line` form; the next good build brings the site back.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import click
import jinja2

from catalogpress.app.build import build
from catalogpress.app.stored_session import load_session
from catalogpress.core.errors import Problem, SiteError
from catalogpress.pdf.cache import FOLDER as CACHE_FOLDER
from catalogpress.routes import source_page

WATCHED = ("catalog.yaml", "rates.yaml", "performance.csv", "content", "themes")
POLL_SECONDS = 0.05
QUIET_SECONDS = 0.1  # a burst of saves is over when nothing changed for this long
MAX_WAIT_SECONDS = 2.0  # rebuild anyway if files keep changing for this long

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
_ERROR_TEMPLATE = _TEMPLATES.get_template("preview-error.html")
_NOTES_TEMPLATE = _TEMPLATES.get_template("preview-notes.html")


def _ignored(name: str) -> bool:
    """Editor backup, swap and lock files: saving them is not an edit."""
    return (
        name.startswith((".", "#"))
        or name.endswith(("~", ".swp", ".swx", ".tmp"))
        or name == "4913"
    )


class SourceWatcher:
    """Snapshots of the watched sources; `wait_for_change` returns after a burst of saves."""

    def __init__(self, project: Path, names: Iterable[str] = WATCHED) -> None:
        self.paths = [project / name for name in names]
        self.last = self.snapshot()

    def snapshot(self) -> dict[str, tuple[int, int]]:
        state: dict[str, tuple[int, int]] = {}
        for path in self.paths:
            for entry in _walk(path):
                try:
                    info = entry.stat()
                except OSError:
                    continue  # removed while we looked
                state[entry.path] = (info.st_mtime_ns, info.st_size)
        return state

    def wait_for_change(self, stop: threading.Event) -> bool:
        """Block until sources changed and then stayed still; False when asked to stop."""
        while not stop.wait(POLL_SECONDS):
            current = self.snapshot()
            if current == self.last:
                continue
            first_seen = time.monotonic()
            while not stop.wait(QUIET_SECONDS):
                settled = self.snapshot()
                if settled == current or time.monotonic() - first_seen > MAX_WAIT_SECONDS:
                    self.last = settled
                    return True
                current = settled
            return False
        return False


def _walk(path: Path) -> Iterator[os.DirEntry[str]]:
    if path.is_file():
        parent = path.parent
        yield from (e for e in os.scandir(parent) if e.name == path.name)
        return
    if not path.is_dir():
        return
    try:
        entries = list(os.scandir(path))
    except OSError:
        return
    for entry in entries:
        if _ignored(entry.name):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))
        elif entry.is_file():
            yield entry


class Preview:
    """The preview folder, its latest build result, and the web app that serves it."""

    def __init__(
        self,
        project: Path,
        output: Path,
        as_of: dt.date | None = None,
        options: dict[str, Any] | None = None,
    ) -> None:
        self.project = project
        self.output = output
        self.as_of = as_of
        # Extra pipeline.build options, e.g. pdf=True. The search index is left out
        # unless asked for: it takes longer than the rest of a rebuild.
        # No search index and no PDFs: each would make a rebuild several times slower.
        self.options = {"search": False, "pdf": False, **(options or {})}
        # What each rebuild keeps for the next, starting from what the last
        # `catalogpress build` kept on disk (app/stored_session.py). The preview only
        # reads it: it never writes into the project.
        cache = Path(self.options.get("cache") or project / CACHE_FOLDER)
        self.session = load_session(cache)
        self.lock = threading.Lock()
        self.problems: list[Problem] = []  # of the last build; empty when it worked
        self.warnings: list[Problem] = []
        self.notes: dict[str, list[Problem]] = {}  # site folder -> warnings about its text
        self.error_page = b""
        self.error_shows: tuple[list[Problem], list[Problem]] = ([], [])  # on error_page

    def rebuild(self) -> bool:
        """Build once; return True when the browser should reload."""
        started = time.perf_counter()
        failed_before = bool(self.problems)
        try:
            report = build(
                self.project,
                self.output,
                self.as_of,
                session=self.session,
                incremental=True,
                guard=self.lock,
                **self.options,
            )
        except SiteError as exc:
            return self._failed(exc.problems, exc.warnings)
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the preview
            traceback.print_exc()
            return self._failed(
                [
                    Problem(
                        "catalogpress",
                        0,
                        "",
                        "the preview failed "
                        f"unexpectedly ({type(exc).__name__}: {exc}); "
                        "details are in the terminal",
                    )
                ],
                [],
            )
        notes: dict[str, list[Problem]] = {}
        for warning in report.warnings:
            folder = source_page(warning.file)
            if folder is not None:
                notes.setdefault(folder, []).append(warning)
        with self.lock:
            notes_changed = notes != self.notes
            self.problems, self.error_page, self.notes = [], b"", notes
        self._report_warnings(report.warnings)
        took = time.perf_counter() - started
        changed = len(report.changed)
        click.echo(
            f"Rebuilt in {took:.2f} s: {changed} file{'s' if changed != 1 else ''} "
            f"changed, {len(report.warnings)} warning"
            f"{'s' if len(report.warnings) != 1 else ''}."
        )
        return failed_before or changed > 0 or notes_changed

    def _failed(self, problems: list[Problem], warnings: list[Problem]) -> bool:
        page = _ERROR_TEMPLATE.render(
            problems=problems,
            warnings=warnings,
            project=str(self.project),
            time=time.strftime("%H:%M:%S"),
        ).encode("utf-8")
        with self.lock:
            # The page carries the time it was made, so what it shows is compared: the
            # same problems again must not make the browser reload.
            changed = not self.error_page or (problems, warnings) != self.error_shows
            self.problems, self.error_page = problems, page
            self.error_shows = (problems, warnings)
        for problem in problems:
            click.echo(str(problem), err=True)
        count = len(problems)
        click.secho(
            f"{count} problem{'s' if count != 1 else ''} found. The preview shows "
            "them until you fix them and save.",
            fg="red",
            err=True,
        )
        return changed

    def _report_warnings(self, warnings: list[Problem]) -> None:
        """Print warnings when they differ from the last build's, so saves stay quiet."""
        if warnings != self.warnings:
            for warning in warnings:
                click.echo(str(warning), err=True)
        self.warnings = warnings

    # --- the web app (WSGI) ------------------------------------------------------------

    def __call__(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
    ) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return _respond(start_response, "405 Method Not Allowed", b"", "text/plain")
        raw = environ.get("PATH_INFO") or "/"
        path = unquote(raw.encode("latin-1").decode("utf-8", "replace"))
        with self.lock:
            if self.problems:
                status, body, kind = "500 Problems Found", self.error_page, "text/html"
            else:
                try:
                    status, body, kind, location = self._static(path)
                except OSError:  # a name too long for the file system, and the like
                    status, body, kind, location = "404 Not Found", b"Not found", "text/plain", ""
                if location:
                    return _respond(
                        start_response,
                        "301 Moved Permanently",
                        b"",
                        kind,
                        [("Location", quote(location))],
                    )
        return _respond(start_response, status, b"" if method == "HEAD" else body, kind)

    def _static(self, path: str) -> tuple[str, bytes, str, str]:
        """(status, body, content type, redirect) for a site path."""
        parts = [p for p in path.split("/") if p]
        if any(p in (".", "..") or "\\" in p or "\x00" in p for p in parts):
            return "404 Not Found", b"Not found", "text/plain", ""
        target = self.output.joinpath(*parts)
        if target.is_dir():
            if not path.endswith("/"):
                return "301 Moved Permanently", b"", "text/plain", path + "/"
            target = target / "index.html"
        if target.is_file() and self.output.resolve() in target.resolve().parents:
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            body = target.read_bytes()
            page = target.relative_to(self.output).as_posix()
            notes = (
                self.notes.get(page.removesuffix("index.html"))
                if page.endswith("index.html")
                else None
            )
            if notes and b"</body>" in body:  # writing suggestions, in the preview only
                panel = _NOTES_TEMPLATE.render(notes=notes).encode("utf-8")
                body = body.replace(b"</body>", panel + b"</body>", 1)
            return "200 OK", body, kind, ""
        missing = self.output / "404.html"
        body = missing.read_bytes() if missing.is_file() else b"Not found"
        return "404 Not Found", body, "text/html" if missing.is_file() else "text/plain", ""


def _respond(
    start_response: StartResponse,
    status: str,
    body: bytes,
    kind: str,
    extra: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
        kind += "; charset=utf-8"
    start_response(status, [("Content-Type", kind), ("Cache-Control", "no-store"), *(extra or [])])
    return [body]


def watch_and_rebuild(
    preview: Preview, watcher: SourceWatcher, stop: threading.Event, reload: Callable[[], None]
) -> None:
    """The preview's background loop: one rebuild per burst of saves, then reload."""
    while watcher.wait_for_change(stop):
        try:
            if preview.rebuild():
                reload()
        except Exception:  # noqa: BLE001 - keep watching whatever happens
            traceback.print_exc(file=sys.stderr)
