"""The search index: Pagefind run over the rendered pages, returned as outputs.

Pagefind indexes a folder, so the rendered HTML is copied into a private
temporary folder for it; the index comes back in memory (`get_files`) and is
written by output.py like every other file. Extra records (PDF brochures, for
example) can be added with their text, so search finds them too.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem, SiteError
from .output import safe_relative
from .render import Output

FOLDER = "pagefind/"
# Pagefind's own ready-made interfaces: the theme has its own accessible search page.
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.",
          "pagefind-highlight.")
NOT_INDEXED = ("404.html",)


@dataclass(frozen=True)
class Record:
    """A non-HTML file made searchable: its site path, title and plain text."""

    path: str
    title: str
    text: str
    filters: dict[str, list[str]] = field(default_factory=dict)


def search_index(outputs: Iterable[Output], language: str,
                 records: Iterable[Record] = ()) -> list[Output]:
    """Index every HTML page (and `records`); return the index files under pagefind/."""
    pages = [o for o in outputs if o.path.endswith(".html") and o.path not in NOT_INDEXED]
    try:
        files = asyncio.run(_index(pages, language, list(records)))
    except Exception as exc:  # the Pagefind binary failed or is missing
        raise SiteError([Problem("pagefind", 0, "", "could not build the search index: "
                                 f"{exc} (is the pagefind[bin] package installed?)")]) from exc
    return sorted((Output(FOLDER + path, data) for path, data in files
                   if not path.startswith(UNUSED)), key=lambda o: o.path)


async def _index(pages: list[Output], language: str,
                 records: list[Record]) -> list[tuple[str, bytes]]:
    from pagefind.service import PagefindService

    with tempfile.TemporaryDirectory(prefix="catalogpress-search-") as folder:
        root = Path(folder)
        for page in pages:
            target = root.joinpath(*safe_relative(page.path).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(page.data)
        async with PagefindService() as service:
            index = await service.create_index({"force_language": language})
            await index.add_directory(str(root))
            for record in records:
                await index.add_custom_record(url="/" + record.path, content=record.text,
                                              language=language,
                                              meta={"title": record.title},
                                              filters=record.filters or None)
            files = await index.get_files()
    return [(str(f["path"]), bytes(f["content"])) for f in files]
