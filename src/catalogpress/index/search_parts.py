"""The search index in stable parts, each kept in the cache between builds.

Pagefind costs ~2.7 ms a page however little a page holds, so re-indexing a
whole 1,000-service site after one edit takes longer than Hugo builds it. So a
site of more than PART_PAGES pages is indexed in parts, and a page belongs to
the part its path hashes to: an edit changes the few parts that hold the pages
it shows on, and a build runs Pagefind again for those parts only. The others'
index files come from <project>/.catalogpress-cache/search/, where each part's
files are kept under a key made from everything Pagefind is given for it (its
pages' paths and bytes, its records, the language) and the Pagefind binary, so
a stale entry is never used. A part's files are what Pagefind made for it, then
made reproducible, whether they come from the cache or not; the cache is safe
to delete, and keeps only the parts of the last build into it.

The search page merges the parts in the browser (Pagefind's mergeIndex, in the
theme's search.js): the same hits as from one index.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from catalogpress.index.pagefind_service import executable
from catalogpress.render.outputs import Output

FORMAT = "1"  # bump when what a key covers or an entry holds changes
FOLDER = "search"  # inside the project's cache folder
# Pages a part holds on average, at most, before the site is split in twice as many
# parts: a build after an edit runs Pagefind again for the parts it changed (fed from
# memory, Pagefind works on one core), and every part is one more index for the search
# page to load. At 1,000 services: 16 parts of 50-80 pages; an edited overview changes
# one. Measured (2026-12-02, pages cut to what Pagefind reads, the search page loading
# the parts at once): 100 pages (16 parts) against 200 (8) re-indexes an edit in
# 0.40 s against 0.75 s, the second build 0.3 s sooner, for 0.1-0.3 s more on a cold
# build (0.3-0.7 s more of Pagefind's CPU) and 11% more index bytes (3.0 MB, 2.7 MB).
PART_PAGES = 100
# No more parts than this (requests per search in the browser) unless a part would
# then hold more than Pagefind should index at once (`most`).
MOST_PARTS = 16
# Pagefind processes at once, when several parts are to be made (a cold build).
AT_ONCE = 3


def part_count(pages: int, per_part: int, most: int) -> int:
    """How many parts `pages` pages are indexed in: a power of two, so that the
    parts stay the same as a catalog grows until it doubles."""
    count = 1
    while pages > count * per_part and (count < MOST_PARTS or pages > count * most * 0.9):
        count *= 2
    return count


def split(pages: Sequence[str], count: int) -> list[list[str]]:
    """`pages` (site paths) in `count` parts, each page in the part its path hashes to."""
    parts: list[list[str]] = [[] for _ in range(count)]
    for page in pages:
        digest = hashlib.blake2b(page.encode("utf-8"), digest_size=8).digest()
        parts[int.from_bytes(digest, "big") % count].append(page)
    return parts


def part_key(
    identity: object, pages: Sequence[str], read: Callable[[str], bytes], extra: object
) -> str:
    """The cache key of a part: `identity` (the language, the Pagefind binary), its
    pages' paths and bytes (`read`) and `extra` (JSON: its records, and whether it
    carries the search program)."""
    key = hashlib.blake2b(digest_size=20)
    key.update(json.dumps([FORMAT, identity, extra]).encode("utf-8"))
    for page in pages:
        data = read(page)
        key.update(f"\0{page}\0{len(data)}\0".encode())
        key.update(data)
    return key.hexdigest()


def pagefind_identity() -> list[object]:
    """The Pagefind binary, as it is on disk: another version is another file."""
    try:
        binary = executable()
        stat = binary.stat()
    except Exception:  # noqa: BLE001 - no binary: the build says so when it runs it
        return []
    return [str(binary), stat.st_size, stat.st_mtime_ns]


class PartCache:
    """Each part's index files, by key: one file a part (`pack`), so that a build
    reads a few files rather than the thousands an index is made of."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def get(self, key: str) -> dict[str, bytes] | None:
        """The files kept for `key`, by path within the part; None when not kept."""
        self.used.add(key)
        try:
            files = unpack((self.folder / key).read_bytes())
        except (OSError, ValueError):
            return None
        return files if "pagefind-entry.json" in files else None

    def put(self, key: str, files: dict[str, bytes]) -> None:
        """Keep `files` for `key`; a cache that cannot be written only costs time."""
        self.used.add(key)
        temp = self.folder / f".{key}.{os.getpid()}.tmp"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(pack(files))
            os.replace(temp, self.folder / key)
        except OSError:
            temp.unlink(missing_ok=True)

    def prune(self) -> None:
        """Forget the parts this build did not use (and leftovers of killed builds)."""
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return
        for entry in entries:
            if entry.name not in self.used:
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)


MAGIC = b"catalogpress search part 1\n"


def pack(files: dict[str, bytes]) -> bytes:
    """Files as one: a line naming them and their sizes, then their bytes in order."""
    names = sorted(files)
    head = json.dumps([[name, len(files[name])] for name in names]).encode("utf-8")
    return b"".join([MAGIC, head, b"\n", *(files[name] for name in names)])


def unpack(data: bytes) -> dict[str, bytes]:
    """The files `pack` made; ValueError for anything else (a damaged entry)."""
    if not data.startswith(MAGIC):
        raise ValueError("not a search part")
    end = data.index(b"\n", len(MAGIC))
    files, at = {}, end + 1
    for name, size in json.loads(data[len(MAGIC) : end]):
        if not isinstance(name, str) or not isinstance(size, int) or at + size > len(data):
            raise ValueError("a damaged search part")
        files[name], at = data[at : at + size], at + size
    if at != len(data):
        raise ValueError("a damaged search part")
    return files


def cached_parts(
    cache: PartCache | None,
    keys: Sequence[str],
    make: Callable[[int], list[Output]],
    prefix: Callable[[int], str],
) -> list[list[Output]]:
    """Each part's outputs: from `cache` by its key, else `make(n)` (and kept).
    `prefix(n)` is where part n's files go in the site. The parts to make are made
    AT_ONCE at a time (each is a Pagefind process of its own: one alone leaves
    cores idle while it starts and while it writes its index out)."""
    kept = {n: cache.get(key) if cache else None for n, key in enumerate(keys)}
    missing = [n for n, files in kept.items() if files is None]
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        made = dict(zip(missing, pool.map(make, missing), strict=True))
    found: list[list[Output]] = []
    for number, key in enumerate(keys):
        where = prefix(number)
        files = kept[number]
        if files is None:
            files = {o.path.removeprefix(where): o.data for o in made[number]}
            if cache:
                cache.put(key, files)
        found.append([Output(where + path, data) for path, data in sorted(files.items())])
    if cache:
        cache.prune()
    return found
