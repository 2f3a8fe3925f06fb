"""Pagefind answers before its files are written; the index is read only once whole."""

from __future__ import annotations

import asyncio
import gzip
import threading
import time
from pathlib import Path

import pytest

from catalogpress.core.errors import SiteError
from catalogpress.index.search import _finished_files

INDEX = gzip.compress(b"pagefind_dcd" + bytes(range(256)) * 300, mtime=0)


def write_later(path: Path, data: bytes, delay: float) -> threading.Thread:
    def work() -> None:
        time.sleep(delay)
        path.write_bytes(data)

    thread = threading.Thread(target=work)
    thread.start()
    return thread


def test_waits_for_cut_short_and_empty_files_to_be_finished(tmp_path: Path) -> None:
    (tmp_path / "pagefind-entry.json").write_bytes(b"")
    (tmp_path / "wasm.unknown.pagefind").write_bytes(INDEX[: 65536 // 8])
    threads = [
        write_later(tmp_path / "pagefind-entry.json", b'{"version": "1"}', 0.3),
        write_later(tmp_path / "wasm.unknown.pagefind", INDEX, 0.5),
    ]
    files = dict(asyncio.run(_finished_files(tmp_path)))
    for thread in threads:
        thread.join()
    assert files == {"pagefind-entry.json": b'{"version": "1"}', "wasm.unknown.pagefind": INDEX}


def test_gives_up_on_files_never_finished(tmp_path: Path) -> None:
    (tmp_path / "wasm.unknown.pagefind").write_bytes(INDEX[:100])
    with pytest.raises(SiteError, match="search index was not finished"):
        asyncio.run(_finished_files(tmp_path, patience=0.5))
