"""Command line: `catalogpress build | check | serve` (also `python build.py ...`)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import Problem, SiteError

project_option = click.option(
    "-C", "--project", "project", type=click.Path(file_okay=False, path_type=Path),
    default=Path("."), show_default=True, help="The site folder (with catalog.yaml).")
as_of_option = click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None,
    help="Build the catalog as it stands on this date (default: today, or SOURCE_DATE_EPOCH).")


@click.group()
@click.version_option(__version__, prog_name="catalogpress")
def main() -> None:
    """Build an IT service catalog website from catalog.yaml, rates.yaml and content/."""


def _print_problems(problems: list[Problem], header: str) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    click.secho(header, fg="red", err=True)


def _run(action: Callable[[], Any]) -> Any:
    """Run a command; turn content mistakes into a readable list and exit code 1."""
    try:
        return action()
    except SiteError as exc:
        for warning in exc.warnings:
            click.echo(str(warning), err=True)
        count = len(exc.problems)
        _print_problems(exc.problems, f"{count} problem{'s' if count != 1 else ''} found; "
                        "nothing was written.")
        sys.exit(1)


def _date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


@main.command()
@project_option
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Where to write the site (default: site/ in the project).")
@as_of_option
@click.option("--pdf/--no-pdf", "pdf", default=True, show_default=True,
              help="Also print the PDF documents (brochures, catalog book, rate sheets, SLAs).")
def build(project: Path, output: Path | None, as_of: dt.datetime | None, pdf: bool) -> None:
    """Check the sources and build the website and its PDFs."""
    from .pipeline import build as run_build

    report = _run(lambda: run_build(project, output, _date(as_of), pdf=pdf))
    for warning in report.warnings:
        click.echo(str(warning), err=True)
    pdfs = (f" and {report.pdfs} PDFs ({report.pdfs_printed} printed, "
            f"{report.pdfs - report.pdfs_printed} unchanged)" if pdf else "")
    click.echo(f"Built {report.pages} pages{pdfs} ({report.files} files) with "
               f"{len(report.warnings)} warning{'s' if len(report.warnings) != 1 else ''} "
               f"in {report.seconds:.2f} s.")


@main.command()
@project_option
@as_of_option
def check(project: Path, as_of: dt.datetime | None) -> None:
    """Check the sources without writing anything."""
    from .pipeline import check as run_check

    report = _run(lambda: run_check(project, _date(as_of)))
    for warning in report.warnings:
        click.echo(str(warning), err=True)
    click.echo(f"No problems found ({len(report.warnings)} warnings).")


@main.command()
@project_option
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Only change this if others must see the preview.")
def serve(project: Path, port: int, host: str) -> None:
    """Build the site, serve it on this computer, and rebuild when files change."""
    from .server import serve as run_serve

    if host not in ("127.0.0.1", "localhost", "::1"):
        click.secho(f"Warning: the preview will be reachable by other computers at {host}.",
                    fg="yellow", err=True)
    run_serve(project.resolve(), host, port)
