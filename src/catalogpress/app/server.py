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
import signal
import tempfile
import threading
from pathlib import Path
from typing import Any

import click
from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado.ioloop import IOLoop

from catalogpress.app.preview import Preview, SourceWatcher, watch_and_rebuild


class _NoWatcher(Watcher):
    """Keeps livereload from watching files itself (see the module docstring)."""

    def start(self, callback: Any) -> bool:
        return True  # "started": no polling timer

    def examine(self) -> tuple[None, None]:
        return None, None


class _QuietServer(Server):
    def _setup_logging(self) -> None:
        logging.getLogger("livereload").setLevel(logging.WARNING)
        # Requests are not news; the error page is served with status 500 on purpose.
        logging.getLogger("tornado.access").setLevel(logging.CRITICAL)


def _stop_on_terminate() -> None:
    """Stop on SIGTERM as on Ctrl+C, so the preview folder is removed either way."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)


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
        _stop_on_terminate()
        shown = f"[{host}]" if ":" in host else host
        click.echo(
            f"Serving the preview at http://{shown}:{port}/ (press Ctrl+C to stop). "
            "Pages reload by themselves when you save a file."
        )
        try:
            _QuietServer(app=preview, watcher=_NoWatcher()).serve(
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
