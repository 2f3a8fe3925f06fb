"""Command line: `catalogpress build | check | serve` (also `python build.py ...`)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from catalogpress import __version__
from catalogpress.core.errors import Problem, SiteError
from catalogpress.write.writer import os_problem

project_option = click.option(
    "-C",
    "--project",
    "project",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The site folder (with catalog.yaml).",
)
strict_option = click.option(
    "--strict/--no-strict",
    default=False,
    show_default=True,
    help="Treat warnings (plain language, missing pages) as problems: exit with code 1.",
)
as_of_option = click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Build the catalog as it stands on this date (default: today, or SOURCE_DATE_EPOCH).",
)


def run() -> None:
    """The `catalogpress` command: `main`, then an exit that leaves the process' objects
    to the operating system instead of freeing them one by one, which took half a second
    after a 1,000-service build (the session and the site are a million objects).
    Everything the command writes is written and closed by the time `main` returns."""
    try:
        main()
        code: object = 0
    except SystemExit as stop:
        code = stop.code
    if isinstance(code, str):
        print(code, file=sys.stderr)  # as Python prints a SystemExit message
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    os._exit(code if isinstance(code, int) else 0)


@click.group()
@click.version_option(__version__, prog_name="catalogpress")
def main() -> None:
    """Build an IT service catalog website from catalog.yaml, rates.yaml and content/."""
    _stop_on_terminate()


def _print_problems(problems: list[Problem], header: str) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    click.secho(header, fg="red", err=True)


def _run(action: Callable[[], Any]) -> Any:
    """Run a command; turn content mistakes and faults of the machine into a readable
    list and exit code 1. SIGTERM (what CI, `timeout` and service managers send) stops
    a build like Ctrl+C does, so the half-written new site is removed."""
    try:
        return action()
    except OSError as exc:
        _print_problems([os_problem(exc, Path.cwd())], "The build stopped; nothing was written.")
        sys.exit(1)
    except KeyboardInterrupt:
        click.secho("Stopped; nothing was written.", fg="red", err=True)
        sys.exit(130)
    except SiteError as exc:
        for warning in exc.warnings:
            click.echo(str(warning), err=True)
        count = len(exc.problems)
        if all(p.severity == "warning" for p in exc.problems):
            header = (
                f"{count} warning{'s' if count != 1 else ''} found and --strict is on; "
                "nothing was written."
            )
        else:
            header = f"{count} problem{'s' if count != 1 else ''} found; nothing was written."
        _print_problems(exc.problems, header)
        sys.exit(1)


def _stop_on_terminate() -> None:
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)


def _date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


@main.command()
@project_option
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the site (default: site/ in the project).",
)
@as_of_option
@strict_option
@click.option(
    "--pdf/--no-pdf",
    "pdf",
    default=True,
    show_default=True,
    help="Also print the PDF documents (brochures, catalog book, rate sheets, SLAs).",
)
def build(
    project: Path, output: Path | None, as_of: dt.datetime | None, strict: bool, pdf: bool
) -> None:
    """Check the sources and build the website and its PDFs."""
    from catalogpress.app.build import build as run_build

    report = _run(
        lambda: run_build(project, output, _date(as_of), strict=strict, pdf=pdf, stored=True)
    )
    for warning in report.warnings:
        click.echo(str(warning), err=True)
    pdfs = (
        f" and {report.pdfs} PDFs ({report.pdfs_printed} printed, "
        f"{report.pdfs - report.pdfs_printed} unchanged)"
        if pdf
        else ""
    )
    click.echo(
        f"Built {report.pages} pages{pdfs} ({report.files} files) with "
        f"{len(report.warnings)} warning{'s' if len(report.warnings) != 1 else ''} "
        f"in {report.seconds:.2f} s."
    )


@main.command()
@project_option
@as_of_option
@strict_option
def check(project: Path, as_of: dt.datetime | None, strict: bool) -> None:
    """Check the sources without writing anything."""
    from catalogpress.app.build import check as run_check

    report = _run(lambda: run_check(project, _date(as_of), strict=strict))
    for warning in report.warnings:
        click.echo(str(warning), err=True)
    click.echo(f"No problems found ({len(report.warnings)} warnings).")


@main.command()
@project_option
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Only change this if others must see the preview.",
)
@as_of_option
@click.option(
    "--pdf/--no-pdf",
    default=False,
    show_default=True,
    help="Also make the PDF brochures on every rebuild (slower).",
)
@click.option(
    "--search/--no-search",
    default=False,
    show_default=True,
    help="Also rebuild the search index on every rebuild (slower).",
)
@click.option(
    "--open/--no-open",
    "open_browser",
    default=False,
    show_default=True,
    help="Open the preview in the web browser.",
)
def serve(
    project: Path,
    port: int,
    host: str,
    as_of: dt.datetime | None,
    pdf: bool,
    search: bool,
    open_browser: bool,
) -> None:
    """Build the site, serve it on this computer, and rebuild when files change."""
    from catalogpress.app.server import serve as run_serve

    if host not in ("127.0.0.1", "localhost", "::1"):
        click.secho(
            f"Warning: the preview will be reachable by other computers at {host}. "
            "Anyone who can reach this computer can read the catalog before it is "
            "published.",
            fg="yellow",
            err=True,
        )
    options: dict[str, Any] = {"search": search, "pdf": pdf}
    run_serve(project.resolve(), host, port, _date(as_of), options, open_browser)


@main.group()
def new() -> None:
    """Start a new catalog, service or page from a template."""


@new.command("site")
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@as_of_option
def new_site(folder: Path, as_of: dt.datetime | None) -> None:
    """Start a new catalog in folder DIR: a small complete site to change into your own."""
    from catalogpress.app.build import default_as_of
    from catalogpress.app.new_site import new_site as make

    paths = _run(lambda: make(folder, _date(as_of) or default_as_of()))
    _created(
        folder,
        paths,
        f"Next: cd {folder}, then run `catalogpress check` and `catalogpress serve`. "
        "docs/first-catalog.md walks you through the rest.",
    )


@new.command("service")
@project_option
@click.argument("service_id", metavar="ID")
@click.option("--name", default=None, help="The service's name (default: made from the ID).")
def new_service(project: Path, service_id: str, name: str | None) -> None:
    """Add service ID to catalog.yaml and create content/services/ID.md."""
    from catalogpress.app.scaffold import new_service as make

    paths = _run(lambda: make(project.resolve(), service_id, name))
    _created(
        project,
        paths,
        "Fill in the new entry at the end of the services list, then run `catalogpress check`.",
    )


@new.command("page")
@project_option
@click.argument("slug", metavar="SLUG")
@click.option("--title", default=None, help="The page title (default: made from SLUG).")
def new_page(project: Path, slug: str, title: str | None) -> None:
    """Create content/pages/SLUG.md, published at /SLUG/."""
    from catalogpress.app.scaffold import new_page as make

    paths = _run(lambda: make(project.resolve(), slug, title))
    _created(project, paths, "Write the page, then run `catalogpress check`.")


def _created(project: Path, paths: list[Path], next_step: str) -> None:
    for path in paths:
        try:
            shown = path.relative_to(project.resolve())
        except ValueError:
            shown = path
        click.echo(f"Wrote {shown}")
    click.echo(next_step)
