"""The search index: Pagefind run over the rendered pages, returned as outputs.

Pagefind indexes a folder, so the rendered HTML is copied into a private
temporary folder for it; the index comes back in memory (`get_files`) and is
written by output.py like every other file. Extra records (PDF brochures, for
example) can be added with their text, so search finds them too.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from catalogpress.core.errors import Problem, SiteError
from catalogpress.render.outputs import Output, safe_relative

FOLDER = "pagefind/"
# Pagefind's own ready-made interfaces: the theme has its own accessible search page.
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
NOT_INDEXED = ("404.html",)


@dataclass(frozen=True)
class Record:
    """A non-HTML file made searchable: its site path, title and plain text."""

    path: str
    title: str
    text: str
    filters: dict[str, list[str]] = field(default_factory=dict)


def search_index(
    outputs: Iterable[Output], language: str, records: Iterable[Record] = ()
) -> list[Output]:
    """Index every HTML page and `records` (the PDFs, by the text they are printed
    from); return the index files under pagefind/."""
    import asyncio  # here, so that builds without search (the preview) do not load it

    outputs = list(outputs)
    pages = [o for o in outputs if o.path.endswith(".html") and o.path not in NOT_INDEXED]
    records = list(records)
    try:
        # A thread of its own: the caller may already run an event loop (the preview's
        # web server, a browser test), and asyncio.run refuses to nest.
        with ThreadPoolExecutor(max_workers=1) as pool:
            files = pool.submit(asyncio.run, _index(pages, language, records)).result()
    except Exception as exc:  # the Pagefind binary failed or is missing
        raise SiteError(
            [
                Problem(
                    "pagefind",
                    0,
                    "",
                    "could not build the search index: "
                    f"{exc} (is the pagefind[bin] package installed?)",
                )
            ]
        ) from exc
    kept = {path: data for path, data in files if not path.startswith(UNUSED)}
    try:
        stable = canonical(kept)
    except (ValueError, KeyError, TypeError) as exc:
        raise SiteError(
            [
                Problem(
                    "pagefind",
                    0,
                    "",
                    "the search index has a layout this "
                    f"version of catalogpress does not know ({exc}); install "
                    "pagefind[bin] 1.x",
                )
            ]
        ) from exc
    return sorted(
        (Output(FOLDER + path, data) for path, data in stable.items()), key=lambda o: o.path
    )


async def _index(
    pages: list[Output], language: str, records: list[Record]
) -> list[tuple[str, bytes]]:
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
                await index.add_custom_record(
                    url="/" + record.path,
                    content=record.text,
                    language=language,
                    meta={"title": record.title},
                    filters=record.filters or None,
                )
            # Not index.get_files(): it sends the whole index through one pipe message,
            # which deadlocks on catalogs of a few hundred pages (its docstring warns
            # so). The index goes to this private folder and is read back instead.
            written = root / ".pagefind-index"
            await index.write_files(output_path=str(written))
            # Pagefind answers before it has finished writing (files are still empty or
            # growing then), and closing the service stops it mid-write: a loaded
            # machine published a cut-short wasm file. So the service stays up until
            # the files are whole.
            return await _finished_files(written)


async def _finished_files(folder: Path, patience: float = 60.0) -> list[tuple[str, bytes]]:
    """The files under `folder` once complete: no file empty, every gzipped index
    file whole (its trailer holds a checksum and length), the entry file readable
    JSON, and nothing changed since the last look a tenth of a second earlier."""
    import asyncio

    deadline, previous = time.monotonic() + patience, None
    while True:
        files = [
            (path.relative_to(folder).as_posix(), path.read_bytes())
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        ]
        if files == previous and all(data and _whole(name, data) for name, data in files):
            return files
        if time.monotonic() > deadline:
            raise SiteError(
                [
                    Problem(
                        "pagefind",
                        0,
                        "",
                        f"the search index was not finished after {patience:.0f} seconds",
                    )
                ]
            )
        previous = files
        await asyncio.sleep(0.1)


def _whole(name: str, data: bytes) -> bool:
    try:
        if name == "pagefind-entry.json":
            json.loads(data)
        elif data[:2] == b"\x1f\x8b":  # gzip
            gzip.decompress(data)
    except (ValueError, EOFError, OSError):
        return False
    return True


# --- reproducible index files ----------------------------------------------------------
# Pagefind writes each filter's values in hash-map order, so two builds of the same site
# differ (Pagefind/pagefind#638: "other files will still change, such as the
# filter/metadata indexes"). The filter files and the metadata file that names them are
# small gzipped CBOR documents: sort the values, then rename by content hash.

SIGNATURE = b"pagefind_dcd"
CborValue = int | str | bytes | list["CborValue"]


def _decode(data: bytes, at: int = 0) -> tuple[CborValue, int]:
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        arg = info
    else:
        size = 1 << (info - 24)  # 24..27: 1, 2, 4 or 8 following bytes
        arg, at = int.from_bytes(data[at : at + size], "big"), at + size
    if major == 0:
        return arg, at
    if major == 1:
        return -1 - arg, at
    if major in (2, 3):
        raw = data[at : at + arg]
        return (raw if major == 2 else raw.decode("utf-8")), at + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    raise ValueError(f"unexpected CBOR major type {major}")


def _head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise ValueError("CBOR argument too large")


def _encode(value: CborValue) -> bytes:
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    return _head(4, len(value)) + b"".join(_encode(item) for item in value)


def _read(data: bytes) -> CborValue:
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise ValueError("not a Pagefind index file")
    value, end = _decode(raw, len(SIGNATURE))
    if end != len(raw) or _encode(value) != raw[len(SIGNATURE) :]:
        raise ValueError("Pagefind index file not understood")
    return value


def _write(value: CborValue) -> bytes:
    return gzip.compress(SIGNATURE + _encode(value), mtime=0)


def _rename(value: CborValue, names: dict[str, str]) -> CborValue:
    if isinstance(value, list):
        return [_rename(item, names) for item in value]
    return names.get(value, value) if isinstance(value, str) else value


def canonical(files: dict[str, bytes]) -> dict[str, bytes]:
    """The same index with filter values sorted and files renamed by content hash."""
    names: dict[str, str] = {}
    result: dict[str, bytes] = {}
    for path, data in files.items():
        match = re.fullmatch(r"filter/(\w+?)_(\w+)\.pf_filter", path)
        if not match:
            result[path] = data
            continue
        name, values = cast(list[Any], _read(data))
        data = _write([name, sorted(values, key=lambda v: cast(list[Any], v)[0])])
        new = f"{match.group(1)}_{hashlib.sha256(data).hexdigest()[:7]}"
        names[f"{match.group(1)}_{match.group(2)}"] = new
        result[f"filter/{new}.pf_filter"] = data
    for path, data in list(result.items()):
        match = re.fullmatch(r"pagefind\.(\w+?)_(\w+)\.pf_meta", path)
        if not match:
            continue
        meta = _rename(_read(data), names)
        assert isinstance(meta, list)
        meta = [
            sorted(part, key=str)
            if isinstance(part, list)
            and part
            and all(isinstance(f, list) and len(f) == 2 and f[1] in names.values() for f in part)
            else part
            for part in meta
        ]
        data = _write(meta)
        old = f"{match.group(1)}_{match.group(2)}"
        new = f"{match.group(1)}_{hashlib.sha256(data).hexdigest()[:10]}"
        del result[path]
        result[f"pagefind.{new}.pf_meta"] = data
        entry = result["pagefind-entry.json"].decode("utf-8")
        result["pagefind-entry.json"] = entry.replace(f'"{old}"', f'"{new}"').encode("utf-8")
    return result
