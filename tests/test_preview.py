"""The preview's parts without a server: write-if-changed, the web app, the watcher."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from catalogpress.app.build import build
from catalogpress.app.preview import Preview, SourceWatcher
from catalogpress.app.session import BuildSession
from catalogpress.render.outputs import Output
from catalogpress.write.writer import WrittenFiles, sync_site

from .conftest import MINIMAL_AS_OF


def call(app: Preview, path: str, method: str = "GET") -> tuple[str, dict[str, str], bytes]:
    seen: dict[str, object] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app({"REQUEST_METHOD": method, "PATH_INFO": path}, start_response))
    return str(seen["status"]), seen["headers"], body  # type: ignore[return-value]


def test_sync_writes_only_changed_files_and_removes_stale_ones(tmp_path):
    out, memory = tmp_path / "site", WrittenFiles()
    first = sync_site([Output("a.html", b"A"), Output("d/b.html", b"B")], {}, out, memory)
    assert sorted(first.written) == ["a.html", "d/b.html"]
    stamp = (out / "a.html").stat().st_mtime_ns
    second = sync_site([Output("a.html", b"A"), Output("c.html", b"C")], {}, out, memory)
    assert second.written == ["c.html"] and second.removed == ["d/b.html"]
    assert (out / "a.html").stat().st_mtime_ns == stamp  # untouched
    assert not (out / "d").exists()
    assert sorted(p.name for p in out.iterdir()) == [".catalogpress-build", "a.html", "c.html"]


def test_incremental_build_rewrites_only_the_edited_page(scratch, tmp_path):
    out = tmp_path / "preview"
    # As the preview builds: one session for all its rebuilds.
    options = {"session": BuildSession(), "incremental": True, "search": False, "pdf": False}
    build(scratch.root, out, MINIMAL_AS_OF, **options)
    scratch.replace("content/services/email.md", "Each mailbox holds", "Every mailbox holds")
    report = build(scratch.root, out, MINIMAL_AS_OF, **options)
    assert report.changed == ["services/email/index.html"]


def test_web_app_serves_pages_redirects_and_refuses_escapes(scratch, tmp_path):
    preview = Preview(scratch.root, tmp_path / "preview", MINIMAL_AS_OF)
    preview.rebuild()
    status, headers, body = call(preview, "/services/email/")
    assert status == "200 OK" and b"<h1" in body
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    assert call(preview, "/services/email")[0].startswith("301")
    assert call(preview, "/services/email")[1]["Location"] == "/services/email/"
    assert call(preview, "/assets/site.css")[1]["Content-Type"] == "text/css; charset=utf-8"
    for escape in ("/../catalog.yaml", "/services/../../catalog.yaml", "/%2e%2e/catalog.yaml"):
        status, _, body = call(preview, escape)
        assert status.startswith("404") and b"service_desk:" not in body, escape
    status, _, body = call(preview, "/no/such/page/")
    assert status.startswith("404") and b"Page not found" in body
    assert call(preview, "/", "POST")[0].startswith("405")
    assert call(preview, "/", "HEAD")[2] == b""


def test_error_page_replaces_every_address_until_fixed(scratch, tmp_path, monkeypatch):
    import itertools
    import time
    import types

    import catalogpress.app.preview as preview_module

    ticks = itertools.count()  # the error page says when it was made: a new time each build
    clock = types.SimpleNamespace(**vars(time))
    clock.strftime = lambda _: f"10:00:{next(ticks):02}"
    monkeypatch.setattr(preview_module, "time", clock)
    preview = Preview(scratch.root, tmp_path / "preview", MINIMAL_AS_OF)
    assert preview.rebuild()
    scratch.replace("rates.yaml", 'amount: "', "amount: ", 1)
    assert preview.rebuild()  # the browser must reload to show the problem
    for path in ("/", "/services/email/", "/assets/site.css", "/nowhere"):
        status, _, body = call(preview, path)
        assert status.startswith("500") and b"rates.yaml, line" in body, path
    assert not preview.rebuild()  # same problem again: nothing new to show
    scratch.replace("rates.yaml", "amount: ", 'amount: "', 1)
    assert preview.rebuild()
    assert call(preview, "/")[0] == "200 OK"


def test_watcher_waits_for_the_end_of_a_burst(scratch):
    watcher = SourceWatcher(scratch.root)
    stop = threading.Event()
    results: list[bool] = []
    thread = threading.Thread(target=lambda: results.append(watcher.wait_for_change(stop)))
    thread.start()
    for i in range(5):
        scratch.write(f"content/pages/burst-{i}.md", "---\ntitle: Burst\n---\nText.\n")
    thread.join(timeout=30)
    assert results == [True]
    assert all(
        str(scratch.path(f"content/pages/burst-{i}.md")) in watcher.last for i in range(5)
    )  # the snapshot it settled on has the whole burst
    scratch.write("content/pages/.swp-file.md.swp", "editor junk")
    scratch.write("content/pages/draft.md~", "editor backup")
    assert watcher.snapshot() == watcher.last  # editor files are not edits
    stop.set()


def test_watcher_stops_when_asked(scratch):
    watcher = SourceWatcher(scratch.root)
    stop = threading.Event()
    stop.set()
    scratch.write("content/pages/late.md", "---\ntitle: Late\n---\nText.\n")
    assert watcher.wait_for_change(stop) is False


def test_preview_never_writes_into_the_project(scratch, tmp_path):
    before = sorted(p.relative_to(scratch.root) for p in scratch.root.rglob("*"))
    Preview(scratch.root, tmp_path / "preview", MINIMAL_AS_OF).rebuild()
    assert sorted(p.relative_to(scratch.root) for p in scratch.root.rglob("*")) == before
    assert not Path(scratch.root / "site").exists()


@pytest.mark.slow
def test_writing_suggestions_shown_on_their_page_only(scratch, tmp_path):
    scratch.write(
        "content/pages/help.md",
        "---\ntitle: Help\nowner: ana-park\n"
        "reviewed_on: 2025-10-01\n---\nTo get help, [click here](/care/).\n"
        "We utilize <b>tools</b>.\n",
    )
    preview = Preview(scratch.root, tmp_path / "preview", MINIMAL_AS_OF)
    preview.rebuild()
    body = call(preview, "/help/")[2].decode()
    assert "2 suggestions for this page" in body
    assert "content/pages/help.md, line 6</code>: the link text &#39;click here&#39;" in body
    assert "&#39;utilize&#39;: try &#34;use&#34;" in body
    assert "suggestion" not in call(preview, "/services/email/")[2].decode()
    built = tmp_path / "built"
    build(scratch.root, built, MINIMAL_AS_OF)
    assert "suggestions for this page" not in (built / "help" / "index.html").read_text()


def test_changed_suggestions_alone_reload_the_page(scratch, tmp_path):
    scratch.write(
        "content/pages/help.md",
        "---\ntitle: Help\nowner: ana-park\nreviewed_on: 2025-10-01\n---\nWe utilize tools.\n",
    )
    preview = Preview(scratch.root, tmp_path / "preview", MINIMAL_AS_OF)
    preview.rebuild()
    assert "1 suggestion for this page" in call(preview, "/help/")[2].decode()
    scratch.replace("catalog.yaml", "site:\n", "checks:\n  allow: [utilize]\n\nsite:\n")
    assert preview.rebuild()  # no file changed, but the page's panel did
    assert "suggestion" not in call(preview, "/help/")[2].decode()
