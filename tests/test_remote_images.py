"""Images must be the site's own files: locality is judged the way a browser reads the URL,
and a real browser loading the built page fetches nothing from an outside server."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from catalogpress.app.build import build
from catalogpress.model.markdown import browser_url, is_local_url, sanitize

from .checks import require_tool, serve_folder
from .conftest import MINIMAL_AS_OF
from .test_tools_browser import chromium  # noqa: F401 - the shared browser fixture


def tricks(host: str) -> list[str]:
    """src values that name another server once a browser has normalised them."""
    return [
        f" //{host}/space.png",
        f"\t//{host}/tab.png",
        f"\n//{host}/newline.png",
        f"\\\\{host}/backslashes.png",
        f"/\\{host}/slash-backslash.png",
        f"&#47;&#47;{host}/entities.png",
        f"&#x2F;/{host}/hex-entity.png",
        f"http:\\\\{host}/scheme-backslashes.png",
        f"ht\ttp://{host}/tab-in-scheme.png",
        f"HTTP://{host}/upper.png",
        f"http:{host}/no-slashes.png",
        f"//{host}/plain.png",
        f"/{chr(9)}/{host}/tab-between-slashes.png",
        f"&#32;//{host}/space-entity.png",
    ]


@pytest.mark.parametrize("src", tricks("canary.example"))
def test_the_sanitizer_drops_every_remote_form(src):
    html = sanitize(f'<p><img src="{src}" alt="x"></p>')
    assert "canary" not in html and "<img" in html


@pytest.mark.parametrize(
    ("src", "read"),
    [("images/x.png", "images/x.png"), ("images\\x.png", "images/x.png"), (" a.png ", "a.png")],
)
def test_local_images_are_kept_as_the_browser_reads_them(src, read):
    assert is_local_url(src) and browser_url(src) == read
    assert f'src="{read}"' in sanitize(f'<img src="{src}" alt="x">')


@contextmanager
def canary() -> Iterator[tuple[str, list[str]]]:
    """A server standing for an outside host; yields its host:port and the paths asked."""
    hits: list[str] = []

    class Record(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Record)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"localhost:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_chromium_fetches_no_outside_image(scratch, tmp_path, chromium):  # noqa: F811
    require_tool(chromium is not None, "Chromium")
    with canary() as (host, hits):
        forms = tricks(host)
        images = "\n".join(
            f'<p><img src="{src}" alt="trick {i}"></p>' for i, src in enumerate(forms)
        )
        remote = [src.strip() for src in forms if src.strip().lower().startswith("http")]
        markdown = "\n".join(f"![trick md {i}]({src})" for i, src in enumerate(remote))
        body = f"\n---\n{images}\n\n{markdown}\n\n"
        scratch.replace("content/services/email.md", "\n---\n", body, 1)
        out = tmp_path / "site"
        build(scratch.root, out, MINIMAL_AS_OF, pdf=False, search=False)
        with serve_folder(out) as base:
            context = chromium.new_context()
            tab = context.new_page()
            tab.goto(base + "services/email/", wait_until="networkidle")
            assert tab.locator("img[alt^=trick]").count() == len(tricks(host)) + markdown.count(
                "!["
            )
            # The canary can fail: the same browser does fetch a real remote image.
            tab.set_content(f'<img src="http://{host}/control.png">')
            tab.wait_for_load_state("networkidle")
            context.close()
    assert hits == ["/control.png"]
