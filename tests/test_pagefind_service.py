"""The Pagefind service client: pages and records in from memory, the index back the
same way, and a clear error when Pagefind refuses a request or is not there."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from catalogpress.index.pagefind_service import ServiceError, run

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


def test_a_big_site_is_indexed_in_even_parts_each_its_own_bundle(tmp_path: Path) -> None:
    """Pagefind holds ~0.2 MB a page while indexing, so past PAGES_PER_INDEX pages the
    index is made in parts, one process each, listed for the search page to merge."""
    import json

    from catalogpress.index.search import FOLDER, PARTS, _parts, index_folder

    assert [len(p) for p in _parts([str(n) for n in range(10_043)], 2500)] == [2009] * 4 + [2007]
    assert _parts([str(n) for n in range(2500)], 2500) == [[str(n) for n in range(2500)]]
    assert _parts([], 2500) == [[]]
    for n in range(7):
        page = tmp_path / "services" / f"s{n}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(
            f'<!DOCTYPE html><html lang="en"><head><title>S{n}</title></head><body>'
            f"<main data-pagefind-body><h1>Service {n}</h1><p>Word{n} here.</p></main>"
            "</body></html>"
        )
    files = {o.path: o.data for o in index_folder(tmp_path, "en", per_index=3)}
    assert json.loads(files[PARTS]) == {"parts": ["part-2/", "part-3/"]}
    for part in ("", "part-2/", "part-3/"):
        assert FOLDER + part + "pagefind-entry.json" in files
    # The first part carries the search program; the others only their data.
    assert FOLDER + "pagefind.js" in files and FOLDER + "part-2/pagefind.js" not in files
    assert not [p for p in files if "pagefind-ui" in p or "/wasm." in p and "part-" in p]
    assert not list(tmp_path.glob(".search-parts-*"))  # the linked pages are gone
    single = {o.path: o.data for o in index_folder(tmp_path, "en", per_index=7)}
    assert json.loads(single[PARTS]) == {"parts": []}
    assert not [p for p in single if "part-" in p]
