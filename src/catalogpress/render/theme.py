"""The template environment: theme lookup, autoescaping, strict undefined, filters.

A site's own `themes/<name>/` overrides single templates and static files of
the built-in default theme; `{% extends "default/base.html" %}` reaches the
built-in original explicitly (Pelican's model).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import pickle
import re
import stat
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from catalogpress.render.numbers import (
    format_change_words,
    format_money,
    format_money_change,
    format_number,
    format_percent,
    format_percent_change,
    format_percent_points,
    format_priced,
    format_rate,
    format_terms,
    unit_noun,
)

BUILTIN_NAME = "default"

# How each ordering channel ends the sentence "Order through ...".
ORDER_CHANNELS = {
    "portal": "the request portal",
    "email": "email",
    "phone": "the service desk by phone",
}

T = TypeVar("T")


def builtin_theme_dir() -> Path:
    """The default theme shipped with the package.

    Installed wheels carry it inside the package; a source checkout (editable
    install or `python build.py`) keeps it at the repo root as themes/default.
    """
    packaged = Path(str(resources.files("catalogpress"))) / "themes" / BUILTIN_NAME
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "themes" / BUILTIN_NAME


def theme_dirs(root: Path, name: str) -> list[Path]:
    """Theme folders in lookup order: the site's own first, the built-in last."""
    dirs = [root / "themes" / name, builtin_theme_dir()]
    unique: list[Path] = []
    for folder in dirs:
        if folder.is_dir() and folder.resolve() not in [u.resolve() for u in unique]:
            unique.append(folder)
    return unique


class Environments:
    """The template environment of each set of theme folders, kept between the builds
    of a session while their templates stay put (one per set of folders).

    Reusing it keeps compiled templates between preview rebuilds. Any change to the
    templates (an edit, a file added or removed) gives a fresh environment, so Jinja
    need not check every template file's time each time a page includes it
    (a thousand pages include one several thousand times).
    """

    def __init__(self) -> None:
        self._kept: dict[tuple[str, ...], tuple[bytes, jinja2.Environment]] = {}

    def get(self, dirs: list[Path], digest: bytes) -> jinja2.Environment:
        """The environment for `dirs`, whose templates have the digest `digest`."""
        key = tuple(str(d) for d in dirs)
        kept = self._kept.get(key)
        if kept is None or kept[0] != digest:
            kept = self._kept[key] = (digest, _new_environment(dirs))
        return kept[1]

    def __len__(self) -> int:
        return len(self._kept)


def make_environment(dirs: list[Path], kept: Environments | None = None) -> jinja2.Environment:
    """The environment for these theme folders, from `kept` while their templates stay put."""
    return (kept if kept is not None else Environments()).get(dirs, templates_digest(dirs))


def compile_ahead(env: jinja2.Environment, pdf: bool) -> None:
    """Compile the theme's templates now, so forked workers inherit them compiled
    instead of each compiling its own copy (a third of a second per worker).

    A template that does not compile is left for the page that uses it to report,
    with the page's name; unused broken templates stay harmless, as before.
    """
    for name in env.list_templates(extensions=("html", "xml")):
        if name.startswith(f"{BUILTIN_NAME}/") or (not pdf and name.startswith("pdf/")):
            continue
        try:
            env.get_template(name)
        except jinja2.TemplateError:
            pass


def templates_digest(dirs: list[Path]) -> bytes:
    """A digest of every template a page could use: a page rendered with others is stale."""
    digest = hashlib.blake2b(digest_size=16)
    for folder in [builtin_theme_dir() / "templates", *(d / "templates" for d in dirs)]:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                digest.update(f"{path}\0{path.stat().st_size}\0".encode())
                digest.update(path.read_bytes())
    return digest.digest()


class ThemeSandbox(SandboxedEnvironment):
    """Jinja's sandbox, so a theme can lay out data but not reach Python's internals
    (no `__class__`, `__globals__` or `mro`, so no shell commands from a template).

    The sandbox checks every attribute a template reads; its answer depends only on the
    object's type and the attribute's name, so it is remembered per pair. Measured on a
    1,000-service catalog (benchmarks/sandbox_bench.py, best of 5, interleaved, on a
    busy 2-core machine): Jinja's sandbox as it comes took 1.15x the plain render time
    (1.7-2.6x in earlier, noisier runs), this one 1.07x.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._safe: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        known = self._safe.get(key)
        if known is None:
            known = self._safe[key] = super().is_safe_attribute(obj, attr, value)
        return known


def outside_links(dirs: list[Path], allowed: list[Path]) -> list[Path]:
    """Theme files (templates, static files, print assets) that are links leading outside
    the `allowed` folders: a theme could otherwise publish any file of the machine."""
    roots = [a.resolve() for a in allowed]
    found = []
    for theme in dirs:
        for path in sorted(theme.rglob("*")):
            if path.is_symlink():
                try:
                    target = path.resolve()
                except (OSError, RuntimeError):  # a loop of links
                    found.append(path)
                    continue
                if not any(target == r or r in target.parents for r in roots):
                    found.append(path)
    return found


def _new_environment(dirs: list[Path]) -> jinja2.Environment:
    builtin = builtin_theme_dir() / "templates"
    loader = jinja2.ChoiceLoader(
        [
            jinja2.PrefixLoader({BUILTIN_NAME: jinja2.FileSystemLoader(builtin)}, delimiter="/"),
            jinja2.FileSystemLoader([d / "templates" for d in dirs if (d / "templates").is_dir()]),
        ]
    )
    env = ThemeSandbox(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
        bytecode_cache=compiled_templates_cache(),
        **_OPTIONS,
    )
    env.filters.update(
        money=format_money,
        rate=format_rate,
        terms=format_terms,
        unit_noun=unit_noun,
        longdate=format_date,
        percent=format_percent,
        money_change=format_money_change,
        change_words=format_change_words,
        percent_change=format_percent_change,
        percent_points=format_percent_points,
        priced=format_priced,
        number=format_number,
        order_channel=order_channel,
        columns=split_columns,
        unbroken=unbroken,
        breakable=breakable,
        full_stop=full_stop,
        book_links=book_links,
    )
    return env


# With autoescaping (always on), everything besides a template's text that changes
# its compiled code; part of the cache folder's name.
_OPTIONS: dict[str, Any] = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
}


class _TolerantCache(jinja2.FileSystemBytecodeCache):
    """A cache that can only save time: a file that cannot be read or written, or
    was cut short, means compiling the template as if there were no cache."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def compiled_templates_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs, as Python keeps .pyc files: compiling
    the default theme takes a quarter of a second in every process that renders.

    Jinja checks each entry against the template's text, so an edited template is
    compiled again. The folder must be this user's alone (compiled code is run
    from it); where it cannot be, templates are compiled every time.
    """
    if os.environ.get("CATALOGPRESS_NO_TEMPLATE_CACHE") or not hasattr(os, "getuid"):
        return None
    options = repr((jinja2.__version__, "autoescape", "sandboxed", sorted(_OPTIONS.items())))
    options_key = options.encode()
    key = hashlib.blake2b(options_key, digest_size=8).hexdigest()
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "catalogpress"
    folder = folder / f"templates-{key}"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except (OSError, RuntimeError):  # RuntimeError: no home folder
        return None
    if (
        not stat.S_ISDIR(info.st_mode)
        or info.st_uid != os.getuid()
        or stat.S_IMODE(info.st_mode) & 0o077
    ):
        return None
    return _TolerantCache(str(folder))


def static_files(
    dirs: list[Path], folder: str = "static", prefix: str = "assets/"
) -> dict[str, Path]:
    """Files of the themes' `folder` by site path ("assets/site.css"); earlier themes win.

    static/ is copied into the site, with pdf/fonts/ as its web fonts (assets/fonts/);
    the rest of pdf/ (print stylesheet) only serves the PDF renderer, under "pdf-assets/".
    """
    files: dict[str, Path] = {}
    for theme in reversed(dirs):
        sources = [(theme / folder, prefix)]
        if folder == "static":
            # The PDFs' fonts are the site's web fonts too: one type system, one copy of
            # it; a theme's own static/fonts/ still wins.
            sources.insert(0, (theme / "pdf" / "fonts", prefix + "fonts/"))
        for static, under in sources:
            if static.is_dir():
                for path in sorted(static.rglob("*")):
                    if path.is_file() and not path.name.startswith("."):
                        files[under + path.relative_to(static).as_posix()] = path
    return files


@functools.lru_cache(maxsize=4096)  # strftime is slow, and pages repeat the same dates
def format_date(value: dt.date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def order_channel(channel: str) -> str:
    """The request portal, email, ...: how a service is ordered, for "Order through ..."."""
    return ORDER_CHANNELS.get(channel, "the order form")


def split_columns(items: Sequence[T], count: int) -> list[list[T]]:
    """Items in `count` columns read top to bottom, the first columns the longer ones."""
    size = -(-len(items) // count)  # rounded up
    return [list(items[i * size : (i + 1) * size]) for i in range(count)]


def unbroken(text: str) -> Markup:
    """A phone number or amount kept on one line: "555-0141" never splits at its hyphen."""
    return Markup('<span class="nowrap">{}</span>').format(text)


# After "@" or a single "/", and before a dot: where a style guide breaks an address.
_ADDRESS_BREAKS = re.compile(r"(?<=@)|(?<=[^/]/)(?!/)|(?<=.)(?=\.)")


def breakable(text: str) -> Markup:
    """An e-mail address or URL that may wrap after "@" or "/" and before ".", so a long
    one fits a phone without a break inside a word."""
    return Markup("<wbr>").join(escape(part) for part in _ADDRESS_BREAKS.split(text))


def full_stop(text: str) -> str:
    """Text ended as a sentence: "6 p.m." stays as it is rather than gaining a second dot."""
    return text if text.endswith((".", "!", "?")) else text + "."


def book_links(html: str, services_url: str, in_book: Sequence[str]) -> Markup:
    """A printed page's links to services printed in the same book, turned into links to
    their place in it, so print can give the page number instead of a web address."""
    pattern = re.compile('href="' + re.escape(services_url) + '([a-z0-9-]+)/"')

    def local(match: re.Match[str]) -> str:
        found = match.group(1)
        return f'href="#service-{found}"' if found in in_book else match.group(0)

    # The HTML is the sanitized overview the markdown stage made; only hrefs this
    # function writes itself change, so it stays as safe as it was.
    safe = html if isinstance(html, Markup) else escape(html)
    return Markup(pattern.sub(local, str(safe)))  # noqa: S704
