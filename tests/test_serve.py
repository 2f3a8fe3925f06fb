"""`catalogpress serve` end to end: a real server process, real edits, real HTTP and a
real browser. Waits are bounded polls for an expected state, never speed assertions
(speed is measured in benchmarks/serve_bench.py)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .checks import require_tool
from .conftest import MINIMAL, MINIMAL_AS_OF, REPO, SAMPLE_AS_OF

CHROMIUM = "/usr/bin/chromium"
BOUND = 30.0  # seconds: generous, so a slow CI machine does not fail the test


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], Any], what: str, log: Path | None = None) -> Any:
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    output = log.read_text() if log and log.exists() else ""
    pytest.fail(f"gave up waiting for {what}\n--- server output ---\n{output}")


@dataclass
class Served:
    root: Path
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")
        except OSError:
            return 0, ""

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.root / name
        text = path.read_text()
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1))

    def append(self, name: str, text: str) -> None:
        with (self.root / name).open("a") as file:
            file.write(f"\n{text}\n")

    def rebuilds(self) -> int:
        return self.log.read_text().count("Rebuilt in")

    def wait_for_text(self, path: str, text: str, status: int = 200) -> str:
        def seen() -> str | None:
            code, body = self.get(path)
            return body if code == status and text in body else None

        return str(wait_for(seen, f"{text!r} at {path} (status {status})", self.log))


def start(root: Path, tmp_path: Path, *args: str) -> Served:
    port = free_port()
    log = tmp_path / "serve.log"
    (tmp_path / "tmp").mkdir(exist_ok=True)  # the preview folder goes here
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "catalogpress",
            "serve",
            "-C",
            str(root),
            "--port",
            str(port),
            *args,
        ],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(tmp_path / "tmp")},
    )
    served = Served(root, port, process, log)
    wait_for(
        lambda: served.get("/")[0] in (200, 500) or process.poll() is not None,
        "the server to start",
        log,
    )
    assert process.poll() is None, log.read_text()
    return served


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    root = tmp_path / "site-src"
    shutil.copytree(MINIMAL, root)
    server = start(root, tmp_path, "--as-of", MINIMAL_AS_OF.isoformat())
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)


@pytest.mark.slow
def test_edit_is_served_after_rebuild(served):
    page = served.wait_for_text("/services/email/", "<h1")
    assert "livereload.js" in page  # the reload script is injected into every page
    assert "A freshly edited sentence." not in page
    served.append("content/services/email.md", "A freshly edited sentence.")
    served.wait_for_text("/services/email/", "A freshly edited sentence.")


@pytest.mark.slow
def test_mistake_shows_error_page_everywhere_and_fix_brings_site_back(served):
    served.wait_for_text("/", "Office of Shared Technology")
    line = next(
        i
        for i, text in enumerate((served.root / "catalog.yaml").read_text().splitlines(), 1)
        if "category: hosting" in text
    )
    served.edit("catalog.yaml", "category: hosting", "category: hostng")
    page = served.wait_for_text("/", "did you mean", status=500)
    assert f"catalog.yaml, line {line}</span>" in page
    assert '<span class="field">services[' in page and "].category</span>" in page
    assert "Unknown category &#39;hostng&#39;; did you mean &#39;hosting&#39;?" in page
    assert "livereload.js" in page  # so fixing the file reloads the browser
    for path in ("/services/email/", "/no/such/page/", "/assets/site.css"):
        assert served.get(path)[0] == 500, path
    assert served.process.poll() is None
    served.edit("catalog.yaml", "category: hostng", "category: hosting")
    served.wait_for_text("/", "Office of Shared Technology")
    assert served.get("/services/email/")[0] == 200


@pytest.mark.slow
def test_broken_template_shows_error_page(served):
    served.wait_for_text("/", "Office of Shared Technology")
    theme = served.root / "themes" / "default" / "templates"
    theme.mkdir(parents=True)
    (theme / "page.html").write_text(
        '{% extends "base.html" %}{% block main %}{{ no_such_thing.title }}{% endblock %}'
    )
    page = served.wait_for_text("/", "Template error", status=500)
    assert "themes/default/templates/page.html" in page
    (theme / "page.html").unlink()
    served.wait_for_text("/methodology/", "<h1")


@pytest.mark.slow
def test_burst_of_saves_gives_one_rebuild(served):
    served.wait_for_text("/", "Office of Shared Technology")
    before = served.rebuilds()
    names = sorted(
        p.relative_to(served.root).as_posix() for p in (served.root / "content").rglob("*.md")
    )
    for i, name in enumerate(names):
        served.append(name, f"<!-- burst {i} -->")
    served.append("content/services/email.md", "Last save of the burst.")
    served.wait_for_text("/services/email/", "Last save of the burst.")
    # The log line comes just after the files are written; a sentinel save after the
    # burst then shows whether the burst caused more than one rebuild.
    wait_for(lambda: served.rebuilds() >= before + 1, "the rebuild message", served.log)
    served.append("content/pages/methodology.md", "A save after the burst.")
    served.wait_for_text("/methodology/", "A save after the burst.")
    wait_for(lambda: served.rebuilds() >= before + 2, "the rebuild message", served.log)
    assert served.rebuilds() == before + 2, served.log.read_text()


@pytest.mark.slow
def test_stopping_removes_the_preview_folder(served, tmp_path):
    served.wait_for_text("/", "Office of Shared Technology")
    assert [p.name[:21] for p in (tmp_path / "tmp").iterdir()] == ["catalogpress-preview-"]
    served.process.terminate()
    assert served.process.wait(timeout=BOUND) == 0
    assert list((tmp_path / "tmp").iterdir()) == []
    assert not (served.root / "site").exists()  # the published folder is never touched


@pytest.mark.slow
def test_listens_on_loopback_only(served):
    hex_port = f"{served.port:04X}"
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            if local.endswith(":" + hex_port) and state == "0A":  # 0A: LISTEN
                listening.append(local.split(":")[0])
    if not listening:
        pytest.skip("cannot read the socket table on this system")
    assert listening == ["0100007F"]  # 127.0.0.1, and no IPv6 or all-interfaces socket


@pytest.mark.slow
def test_pages_reload_in_the_browser(served):
    require_tool(os.path.exists(CHROMIUM), "Chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    served.wait_for_text("/services/email/", "<h1")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        page = browser.new_page()
        page.add_init_script(
            "document.addEventListener('LiveReloadConnect', "
            "() => { window.reloadConnected = true; })"
        )

        def connected() -> None:  # the page listens for reloads before we edit
            page.wait_for_function("() => window.reloadConnected === true", timeout=BOUND * 1000)

        page.goto(served.base + "/services/email/")
        connected()
        served.append("content/services/email.md", "Seen without a refresh.")
        page.wait_for_function(
            "() => document.body.innerText.includes('Seen without')", timeout=BOUND * 1000
        )
        connected()
        served.edit("catalog.yaml", "category: hosting", "category: hostng")
        page.wait_for_function("() => document.title.includes('problem')", timeout=BOUND * 1000)
        assert "did you mean 'hosting'" in page.inner_text("main")
        connected()
        served.edit("catalog.yaml", "category: hostng", "category: hosting")
        page.wait_for_function(
            "() => document.body.innerText.includes('Seen without')", timeout=BOUND * 1000
        )
        browser.close()


@pytest.mark.slow
def test_sample_site_preview_starts(tmp_path):
    root = tmp_path / "sample"
    root.mkdir()
    for name in ("catalog.yaml", "rates.yaml", "content"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    server = start(root, tmp_path, "--as-of", SAMPLE_AS_OF.isoformat())
    try:
        server.wait_for_text("/services/enterprise-email/", "Enterprise Email")
        server.append("content/services/enterprise-email.md", "An edit on the sample site.")
        server.wait_for_text("/services/enterprise-email/", "An edit on the sample site.")
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


def test_port_in_use_is_explained(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "catalogpress",
                "serve",
                "-C",
                str(MINIMAL),
                "--port",
                str(port),
                "--as-of",
                MINIMAL_AS_OF.isoformat(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert "already in use" in result.stderr and "--port" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_options_reach_the_preview(monkeypatch):
    from click.testing import CliRunner

    from catalogpress.app import server
    from catalogpress.app.cli import main

    calls = []
    monkeypatch.setattr(server, "serve", lambda *args: calls.append(args))
    quiet = CliRunner().invoke(main, ["serve", "-C", str(MINIMAL), "--port", "8123"])
    assert quiet.exit_code == 0 and "Warning" not in quiet.output
    project, host, port, as_of, options, open_browser = calls[0]
    assert (host, port, as_of, open_browser) == ("127.0.0.1", 8123, None, False)
    assert options["search"] is False  # skipped unless asked for, like PDFs
    assert options.get("pdf", False) is False
    loud = CliRunner().invoke(main, ["serve", "-C", str(MINIMAL), "--host", "0.0.0.0"])
    assert loud.exit_code == 0
    assert "Warning: the preview will be reachable by other computers at 0.0.0.0" in loud.output
    assert calls[1][1] == "0.0.0.0"
