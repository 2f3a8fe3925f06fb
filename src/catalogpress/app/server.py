"""`catalogpress serve`: the preview (preview.py) on a local web server with live reload.

livereload supplies the web server, the reload script injected into each page
and the browser connection. Its own file watcher is switched off: it polls
slowly, runs one build per changed file and ignores reloads within three
seconds of each other. preview.SourceWatcher does that job instead, and this
module tells the browsers to reload once a rebuild is complete.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
import livereload.server
from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado import web
from tornado.ioloop import IOLoop

from catalogpress.app.preview import Preview, SourceWatcher, watch_and_rebuild


class _NoWatcher(Watcher):
    """Keeps livereload from watching files itself (see the module docstring)."""

    def start(self, callback: Any) -> bool:
        return True  # "started": no polling timer

    def examine(self) -> tuple[None, None]:
        return None, None


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def allowed_hosts(host: str, port: int) -> frozenset[str] | None:
    """The Host headers the preview answers. A page on another site can point a name of
    its own at 127.0.0.1 (DNS rebinding) and read the unpublished catalog, unless the
    preview answers only to its own names. None: any name (--host 0.0.0.0, on purpose)."""
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - comparing, not binding
        return None
    names = LOOPBACK_NAMES if host in LOOPBACK_NAMES else (host,)
    shown = [f"[{n}]" if ":" in n else n for n in names]
    return frozenset(f"{n}:{port}" for n in shown) | (frozenset(shown) if port == 80 else set())


def host_allowed(header: str, hosts: frozenset[str] | None) -> bool:
    return hosts is None or header.lower() in hosts


class _OwnHostsOnly:
    """The preview's web app, answering only requests made to one of its own names."""

    def __init__(self, app: Any, hosts: frozenset[str] | None) -> None:
        self.app, self.hosts = app, hosts

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if not host_allowed(environ.get("HTTP_HOST", ""), self.hosts):
            start_response("421 Misdirected Request", [("Content-Type", "text/plain")])
            return [b"This preview only answers at its own address."]
        return self.app(environ, start_response)


def _live_reload_handler(hosts: frozenset[str] | None) -> type[LiveReloadHandler]:
    """livereload's browser connection, accepted only from the preview's own pages."""

    class OwnPagesOnly(LiveReloadHandler):
        def check_origin(self, origin: str) -> bool:
            return host_allowed(urlsplit(origin).netloc, hosts)

        def prepare(self) -> None:
            if not host_allowed(self.request.host, hosts):
                raise web.HTTPError(421)

    return OwnPagesOnly


@contextmanager
def _live_reload_checked(hosts: frozenset[str] | None) -> Iterator[None]:
    """livereload names its connection handler in its own module; put the checked one
    there while serving, and the original back after."""
    original = livereload.server.LiveReloadHandler
    livereload.server.LiveReloadHandler = _live_reload_handler(hosts)
    try:
        yield
    finally:
        livereload.server.LiveReloadHandler = original


class _QuietServer(Server):
    def application(
        self,
        port: int,
        host: str,
        liveport: int | None = None,
        debug: bool | None = None,
        live_css: bool = True,
    ) -> Any:
        # livereload sets these on the handler class its module names (the checked one,
        # while serving); its other handlers read them from the original class.
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css
        return super().application(port, host, liveport, debug, live_css)

    def _setup_logging(self) -> None:
        logging.getLogger("livereload").setLevel(logging.WARNING)
        # Requests are not news; the error page is served with status 500 on purpose.
        logging.getLogger("tornado.access").setLevel(logging.CRITICAL)


def serve(
    project: Path,
    host: str,
    port: int,
    as_of: dt.date | None = None,
    options: dict[str, Any] | None = None,
    open_browser: bool = False,
) -> None:
    with tempfile.TemporaryDirectory(prefix="catalogpress-preview-") as tmp:
        preview = Preview(project, Path(tmp) / "site", as_of, options)
        watcher = SourceWatcher(project)
        click.echo(f"Building the preview of {project} ...")
        preview.rebuild()
        loop = IOLoop.current()
        stop = threading.Event()

        def reload() -> None:
            loop.add_callback(LiveReloadHandler.reload_waiters, "*")

        thread = threading.Thread(
            target=watch_and_rebuild,
            name="catalogpress-watch",
            args=(preview, watcher, stop, reload),
            daemon=True,
        )
        thread.start()
        shown = f"[{host}]" if ":" in host else host
        click.echo(
            f"Serving the preview at http://{shown}:{port}/ (press Ctrl+C to stop). "
            "Pages reload by themselves when you save a file."
        )
        hosts = allowed_hosts(host, port)
        try:
            with _live_reload_checked(hosts):
                _QuietServer(app=_OwnHostsOnly(preview, hosts), watcher=_NoWatcher()).serve(
                    port=port, host=host, debug=False, open_url_delay=0.5 if open_browser else None
                )
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
                reason = {
                    errno.EADDRINUSE: "it is already in use",
                    errno.EACCES: "this user may not use it",
                    errno.EADDRNOTAVAIL: f"{host} is not an address of this computer",
                }
                raise click.ClickException(
                    f"cannot serve on {host}:{port} because {reason[exc.errno]}; "
                    "try another one, like --port 8001"
                ) from None
            raise
        finally:
            stop.set()
            thread.join(timeout=5)
