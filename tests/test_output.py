"""Updating a site in place (the preview): only changed files are written, and a
file is never taken for written when it was not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from catalogpress.render.outputs import Output
from catalogpress.write import writer as output
from catalogpress.write.writer import WrittenFiles, sync_site


def test_only_changed_files_are_written(tmp_path: Path) -> None:
    site, memory = tmp_path / "site", WrittenFiles()  # what the preview's session keeps
    page, other = b"<p>one</p>" * 100, b"<p>two</p>"

    def sync(outputs: list[Output]) -> list[str]:
        return sync_site(outputs, {}, site, memory).written

    assert sorted(sync([Output("a/index.html", page), Output("b.html", other)])) == [
        "a/index.html",
        "b.html",
    ]
    # The same bytes object, as a page the render stage reused; then equal bytes in
    # a new object, as a page rendered again to the same text.
    assert sync([Output("a/index.html", page), Output("b.html", other)]) == []
    assert sync([Output("a/index.html", bytes(page)), Output("b.html", other)]) == []
    # A new session (another process) compares with the files themselves.
    assert (
        sync_site([Output("a/index.html", page), Output("b.html", other)], {}, site).written == []
    )
    changed = sync_site(
        [Output("a/index.html", page), Output("b.html", b"<p>2</p>")], {}, site, memory
    )
    assert changed.written == ["b.html"]
    assert (site / "b.html").read_bytes() == b"<p>2</p>"


def test_a_file_deleted_by_hand_is_written_again(tmp_path: Path) -> None:
    site, page, memory = tmp_path / "site", b"<p>kept</p>", WrittenFiles()
    sync_site([Output("index.html", page)], {}, site, memory)
    (site / "index.html").unlink()
    assert sync_site([Output("index.html", page)], {}, site, memory).written == ["index.html"]
    assert (site / "index.html").read_bytes() == page


def test_a_failed_write_is_tried_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, old, new = tmp_path / "site", b"<p>old</p>", b"<p>new</p>"
    memory = WrittenFiles()
    sync_site([Output("index.html", old)], {}, site, memory)
    real_replace = os.replace

    def disk_full(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "replace", disk_full)
    with pytest.raises(OSError):
        sync_site([Output("index.html", new)], {}, site, memory)
    monkeypatch.setattr(output.os, "replace", real_replace)
    assert (site / "index.html").read_bytes() == old
    assert sync_site([Output("index.html", new)], {}, site, memory).written == ["index.html"]
    assert (site / "index.html").read_bytes() == new
