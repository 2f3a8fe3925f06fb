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
