"""The Pagefind service client: pages and records in from memory, the index back the
same way, and a clear error when Pagefind refuses a request or is not there."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from catalogpress.index.pagefind_service import ServiceError, run
from catalogpress.index.search import start_index
from catalogpress.render.outputs import Output


def index_folder(folder: Path, language: str, **options: Any) -> list[Output]:
    """The search index of the HTML pages in `folder` (`options` as for start_index)."""
    pages = [
        Output(p.relative_to(folder).as_posix(), p.read_bytes()) for p in folder.rglob("*.html")
    ]
    return start_index(pages, language, **options).result()


NEW = {"type": "NewIndex", "config": {"force_language": "en"}}


def test_pages_and_many_records_in_and_the_whole_index_back() -> None:
    page = (
        '<!DOCTYPE html><html lang="en"><head><title>Mail</title></head>'
        "<body><main data-pagefind-body><h1>Mail</h1><p>Mailbox for staff.</p></main></body></html>"
    )
    records = [
        {
            "type": "AddRecord",
            "index_id": None,
            "url": f"/pdf/{n}.pdf",
            "content": f"Brochure number {n} about mailboxes.",
            "language": "en",
            "meta": {"title": f"Brochure {n}"},
            "filters": None,
            "sort": None,
        }
        for n in range(300)  # the Python API took 0.1 s for each of these
    ]
    answers = run(
        [
            NEW,
            {
                "type": "AddFile",
                "index_id": None,
                "url": "/mail/",
                "file_path": None,
                "file_contents": page,
            },
            *records,
            {"type": "GetFiles", "index_id": None},
        ]
    )
    assert len(answers) == 303
    assert answers[1]["type"] == "IndexedFile" and answers[1]["page_url"] == "/mail/"
    files = {f["path"]: base64.b64decode(f["content"]) for f in answers[-1]["files"]}
    assert "pagefind-entry.json" in files and b'"page_count":301' in files["pagefind-entry.json"]
    assert len([p for p in files if p.startswith("fragment/")]) == 301


def test_a_refused_request_is_an_error_naming_pagefind() -> None:
    nowhere = {"type": "AddFile", "index_id": None, "url": None, "file_path": None}
    with pytest.raises(ServiceError, match="refused a request: Either source_path or url"):
        run([NEW, {**nowhere, "file_contents": "<p>Where does this go?</p>"}])


def test_a_service_that_stops_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    quits = tmp_path / "pagefind"
    quits.write_text("#!/bin/sh\necho 'not the service' >&2\nexit 3\n")
    quits.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(quits))
    with pytest.raises(ServiceError, match="Pagefind stopped.*not the service"):
        run([NEW, {"type": "GetFiles", "index_id": None}])
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "missing"))
    with pytest.raises(ServiceError, match="could not start Pagefind"):
        run([NEW])


def _pages(folder: Path, count: int) -> None:
    for n in range(count):
        page = folder / "services" / f"s{n}" / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(
            f'<!DOCTYPE html><html lang="en"><head><title>S{n}</title></head><body>'
            f"<main data-pagefind-body><h1>Service {n}</h1><p>Word{n} here.</p></main>"
            "</body></html>"
        )


def test_a_big_site_is_indexed_in_stable_parts_each_its_own_bundle(tmp_path: Path) -> None:
    """Past PART_PAGES pages the index is made in parts, one process each, listed for
    the search page to merge; a page's part follows from its path alone."""
    import json

    from catalogpress.index.search import FOLDER, PARTS
    from catalogpress.index.search_parts import MOST_PARTS, part_count, split

    assert [part_count(n, 200, 2500) for n in (0, 124, 200, 201, 800, 1063)] == [1, 1, 1, 2, 4, 8]
    assert part_count(10_000, 200, 2500) == MOST_PARTS  # bounded requests per search...
    assert part_count(60_000, 200, 2500) == 32  # ...unless a part would hold too many
    pages = [f"services/s{n}/index.html" for n in range(1000)]
    parts = split(pages, 8)
    assert sorted(sum(parts, [])) == sorted(pages) and min(map(len, parts)) > 90
    # Another page does not move any other page to another part.
    grown = split([*pages, "services/new/index.html"], 8)
    assert [[p for p in part if p != "services/new/index.html"] for part in grown] == parts
    _pages(tmp_path, 7)
    files = {o.path: o.data for o in index_folder(tmp_path, "en", per_part=2)}
    listed = json.loads(files[PARTS])["parts"]
    assert 1 <= len(listed) <= 3  # four parts, of which an empty one is left out
    for part in ["", *listed]:
        assert FOLDER + part + "pagefind-entry.json" in files
    # The first part carries the search program; the others only their data.
    assert FOLDER + "pagefind.js" in files and FOLDER + "part-2/pagefind.js" not in files
    assert not [p for p in files if "pagefind-ui" in p or "/wasm." in p and "part-" in p]
    single = {o.path: o.data for o in index_folder(tmp_path, "en", per_part=7)}
    assert json.loads(single[PARTS]) == {"parts": []}
    assert not [p for p in single if "part-" in p]


def test_parts_come_from_the_cache_unless_their_pages_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build after an edit runs Pagefind for the edited page's part only; the files
    are the same as made afresh; the cache keeps only the parts of the last build.
    Parts are made from memory, several at once."""
    import catalogpress.index.search as search
    from catalogpress.index.search_parts import pack, unpack

    site, cache = tmp_path / "site", tmp_path / "cache"
    _pages(site, 12)
    made: list[int] = []  # a Pagefind run a part
    real = search.run

    def spy(requests):  # type: ignore[no-untyped-def]
        made.append(1)
        return real(requests)

    monkeypatch.setattr(search, "run", spy)

    def index(language: str = "en", **options: Any) -> dict[str, bytes]:
        made.clear()
        found = index_folder(site, language, per_part=4, **options)
        return {o.path: o.data for o in found}

    first = index(cache=cache)
    assert len(made) == 4 and len(list(cache.iterdir())) == 4
    assert index(cache=cache) == first and made == []
    page = site / "services" / "s3" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"Word3 here.", b"Word3, and zanzibarite."))
    again = index(cache=cache)
    assert len(made) == 1 and again != first
    assert index() == again  # made afresh, without the cache: the same bytes
    assert len(list(cache.iterdir())) == 4  # the edited part's old entry is gone
    # Records are part of the first part's key; another language, of every part's.
    assert index(cache=cache, records=[search.Record("pdf/a.pdf", "A", "Text")]) and made == [1]
    assert index("fr", cache=cache) and len(made) == 4
    # A damaged entry is made again, not used.
    for entry in cache.iterdir():
        entry.write_bytes(entry.read_bytes()[:-1])
    assert index(cache=cache) == again and len(made) == 4
    assert unpack(pack({"a": b"1", "b/c": b""})) == {"a": b"1", "b/c": b""}
    with pytest.raises(ValueError):
        unpack(b"something else")


@pytest.mark.parametrize("text", ["", "short", 'a"b\\c\nd\u00e9\U0001f600' * 13, "<p>x</p>" * 40])
def test_a_big_page_is_sent_in_pieces_as_the_same_bytes(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pieces (escaped and base64-encoded a few characters at a time here) make exactly
    the message encoded whole, so a big page is never held five times over."""
    from catalogpress.index import pagefind_service

    monkeypatch.setattr(pagefind_service, "PIECE", 7)
    message = {
        "message_id": 3,
        "payload": {"type": "AddFile", "index_id": 1, "url": "/a/", "file_contents": text},
    }
    pieces = list(pagefind_service.encoded(message))
    assert len(pieces) > 1 or len(text) <= 7
    assert base64.b64decode(b"".join(pieces)) == json.dumps(message).encode("utf-8")


def test_the_binary_is_found_where_pagefinds_own_lookup_finds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pagefind.service import get_executable

    from catalogpress.index.pagefind_service import executable

    assert executable() == get_executable()
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "pagefind"))
    assert executable() == get_executable() == tmp_path / "pagefind"
