"""The search index: Pagefind run over the rendered pages, returned as outputs.

The pages go to Pagefind's indexing service from memory and the index comes
back the same way (index/pagefind_service.py), to be written like every other
file; Pagefind runs beside the build, which writes the site meanwhile. What is
indexed is each page's main content (data-pagefind-body in the theme), without
the boxes that repeat what another page says (data-pagefind-ignore). Extra
records (the catalog book, for example) are added with their text, so search
finds them too.

A site of more than a few hundred pages is indexed in stable parts, each kept
in the cache, so that a build after an edit runs Pagefind again only for the
parts whose pages changed (index/search_parts.py); Pagefind also holds about
0.2 MB per page while it indexes (55 MB for 100 pages, 1.9 GB for 10,000), so
no part holds many more than PAGES_PER_INDEX. The search page merges the parts
in the browser (Pagefind's mergeIndex): pagefind/ holds the first part,
pagefind/part-2/ and on the others, and PARTS lists them.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, cast

from catalogpress.core.errors import Problem, SiteError
from catalogpress.index.pagefind_service import Message, ServiceError, run
from catalogpress.index.search_body import search_document
from catalogpress.index.search_parts import (
    PART_PAGES,
    PartCache,
    cached_parts,
    pagefind_identity,
    part_count,
    part_key,
    split,
)
from catalogpress.render.outputs import Output

FOLDER = "pagefind/"
# Pagefind's own ready-made interfaces: the theme has its own accessible search page.
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
# A merged part is searched by the first part's program, so it needs only its data.
PROGRAM = ("pagefind.js", "pagefind-worker.js", "wasm.")
# The parts after the first, for the search page to merge: {"parts": ["part-2/", ...]}.
PARTS = FOLDER + "catalogpress-parts.json"
# At most ~550 MB for Pagefind per part, well under the 1.5 GB a build may use.
PAGES_PER_INDEX = 2500


@dataclass(frozen=True)
class Record:
    """A non-HTML file made searchable: its site path, title and plain text."""

    path: str
    title: str
    text: str
    filters: dict[str, list[str]] = field(default_factory=dict)
    search_type: str = "PDF document"  # what its search result is labelled


def search_index(
    outputs: Iterable[Output], language: str, records: Iterable[Record] = ()
) -> list[Output]:
    """Index every HTML page and `records` (the PDFs, by the text they are printed
    from); return the index files under pagefind/."""
    return start_index(outputs, language, records).result()


def start_index(
    outputs: Iterable[Output],
    language: str,
    records: Iterable[Record] = (),
    cache: Path | None = None,
    per_part: int = 0,
) -> PendingIndex:
    """Start indexing in the background (Pagefind is a process of its own, so it
    works while this one writes the site); `result()` returns the index files.

    The pages are indexed in stable parts of about `per_part` pages (default
    PART_PAGES; see index/search_parts.py), reusing the parts kept in `cache`
    whose pages did not change."""
    pages = sorted((o for o in outputs if o.path.endswith(".html")), key=lambda o: o.path)
    return PendingIndex(pages, language, list(records), cache, per_part or PART_PAGES)


class PendingIndex:
    """A search index being made: the pages go to Pagefind from memory, cut to what it
    reads of them, so nothing is written to disk for it."""

    def __init__(
        self,
        pages: list[Output],
        language: str,
        records: list[Record],
        cache: Path | None,
        per_part: int,
    ) -> None:
        self._files: list[Output] = []
        self._failure: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run,
            args=(lambda: _index_in_parts(pages, language, records, cache, per_part),),
            daemon=True,
        )
        self._thread.start()

    def _run(self, make: Callable[[], list[Output]]) -> None:
        try:
            self._files = make()
        except BaseException as exc:  # noqa: BLE001 - raised again by result()
            self._failure = exc

    def result(self) -> list[Output]:
        self._thread.join()
        if isinstance(self._failure, ServiceError | OSError | ImportError):
            raise _failed(self._failure) from self._failure
        if self._failure is not None:
            raise self._failure
        return self._files


def _index_in_parts(
    pages: list[Output], language: str, records: list[Record], cache: Path | None, per_part: int
) -> list[Output]:
    count = part_count(len(pages), per_part, PAGES_PER_INDEX)
    by_path = {o.path: o for o in pages}
    # Part 1 is the index the search page opens (it carries the search program and
    # the records); the others are merged into it, and an empty one is left out.
    groups = [g for n, g in enumerate(split(list(by_path), count)) if g or n == 0]
    identity = [language, pagefind_identity()]
    first = [_record_key(records), True]
    keys = [
        part_key(identity, group, lambda p: by_path[p].data, first if n == 0 else [])
        for n, group in enumerate(groups)
    ]

    def make(number: int) -> list[Output]:
        given = records if number == 0 else []
        part = [by_path[p] for p in groups[number]]
        return _index_files(run(_requests(part, language, given))[-1], _prefix(number))

    store = PartCache(cache) if cache is not None else None
    parts = cached_parts(store, keys, make, lambda n: FOLDER + _prefix(n))
    return [*chain.from_iterable(parts), _parts_list(len(groups) - 1)]


def _prefix(number: int) -> str:
    return f"part-{number + 1}/" if number else ""


def _record_key(records: list[Record]) -> list[object]:
    return [[r.path, r.title, r.text, r.filters, r.search_type] for r in records]


def _parts_list(extra: int) -> Output:
    parts = [f"part-{n + 2}/" for n in range(extra)]
    return Output(PARTS, json.dumps({"parts": parts}).encode("utf-8"))


def _failed(exc: BaseException) -> SiteError:
    return SiteError(
        [
            Problem(
                "pagefind",
                0,
                "",
                f"could not build the search index: {exc} (is the pagefind[bin] package "
                "installed?)",
            )
        ]
    )


def _index_files(answer: Message, part: str = "") -> list[Output]:
    """The index files from Pagefind's GetFiles answer, made reproducible, under
    pagefind/`part` ("" for the first part, "part-2/" for the next)."""
    files = {f["path"]: base64.b64decode(f["content"]) for f in answer["files"]}
    unused = UNUSED + PROGRAM if part else UNUSED
    kept = {path: data for path, data in files.items() if not path.startswith(unused)}
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
        (Output(FOLDER + part + path, data) for path, data in stable.items()),
        key=lambda o: o.path,
    )


def _requests(pages: list[Output], language: str, records: list[Record]) -> Iterator[Message]:
    """What Pagefind is asked, in order: the pages, then the records. Each page's
    address is the one a visitor uses (folder/ for folder/index.html), as Pagefind
    gives pages it finds on disk; each is cut to what Pagefind reads of it (the
    same index as from the whole page). Pages without data-pagefind-body (the 404
    page) are sent whole and left out by Pagefind."""
    yield {"type": "NewIndex", "config": {"force_language": language}}
    for page in pages:
        url = "/" + page.path.removesuffix("index.html")
        yield {
            "type": "AddFile",
            "index_id": None,
            "url": url,
            "file_path": None,
            "file_contents": search_document(page.data).decode("utf-8"),
        }
    for record in records:
        yield {
            "type": "AddRecord",
            "index_id": None,
            "url": "/" + record.path,
            "content": record.text,
            "language": language,
            "meta": {"title": record.title, "type": record.search_type},
            "filters": record.filters or None,
            "sort": None,
        }
    yield {"type": "GetFiles", "index_id": None}


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
