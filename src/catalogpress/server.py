"""`catalogpress serve`: build, serve on this computer, rebuild when sources change.

The preview is built into a temporary folder (never the published site/),
and a failed rebuild keeps the last good preview on screen.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import click
from livereload import Server

from .errors import SiteError
from .pipeline import build

WATCHED = ("catalog.yaml", "rates.yaml", "content", "themes")


def serve(project: Path, host: str, port: int) -> None:
    with tempfile.TemporaryDirectory(prefix="catalogpress-preview-") as tmp:
        output = Path(tmp) / "site"

        def rebuild() -> None:
            try:
                report = build(project, output)
            except SiteError as exc:
                for problem in exc.problems:
                    click.echo(str(problem), err=True)
                click.secho("The preview still shows the last good build; fix the problems "
                            "above and save again.", fg="red", err=True)
                return
            click.echo(f"Rebuilt {report.pages} pages in {report.seconds:.2f} s.")

        rebuild()
        if not output.exists():
            output.mkdir()
        server = Server()
        for name in WATCHED:
            if (project / name).exists():
                server.watch(str(project / name), rebuild, delay=0.3)
        click.echo(f"Serving the preview at http://{host}:{port}/ (Ctrl+C to stop)")
        server.serve(root=str(output), host=host, port=port, open_url_delay=None)
