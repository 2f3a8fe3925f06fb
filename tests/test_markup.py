"""Markdown rendering: catalog links resolve, and hostile HTML never survives."""

from __future__ import annotations

import re

import pytest

from catalogpress.model.markdown import relative_url, render_markdown, sanitize

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)></svg>",
    "<iframe src='https://evil.example'></iframe>",
    "<style>body{display:none}</style>",
    "<base href='https://evil.example/'>",
    "<meta http-equiv='refresh' content='0;url=https://evil.example'>",
    "<object data='x.swf'></object><embed src='x.swf'>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java&#09;script:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href='javascript:alert(1)'>x</a>",
    '<a href="vbscript:msgbox(1)">x</a>',
    "<p onclick='alert(1)' style='color:red'>x</p>",
    "<form action='https://evil.example'><input name=q></form>",
    "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<!-- <script>alert(1)</script> -->",
]
FORBIDDEN = re.compile(
    r"<\s*(script|iframe|object|embed|style|base|meta|form|input|svg|math)\b|\son\w+\s*="
    r"|javascript:|vbscript:|data:text|\sstyle\s*=",
    re.I,
)


def no_links(_target: str) -> str | None:
    return None


@pytest.mark.parametrize("source", XSS_CORPUS)
def test_hostile_markup_is_neutralised(source):
    html, _ = render_markdown(source, "services/x/", no_links)
    assert not FORBIDDEN.search(html), html


def test_jinja_syntax_stays_literal():
    html, _ = render_markdown("Total: {{ 7*7 }} {% include 'x' %}", "about/", no_links)
    assert "{{ 7*7 }}" in html and "49" not in html


def test_catalog_links_become_relative():
    resolve = {
        "service:email": "services/email/",
        "/rates/": "rates/",
        "sla:basic#p1": "slas/basic/#p1",
    }.get
    html, broken = render_markdown(
        "[a](service:email) [b](/rates/) [c](sla:basic#p1) [d](page:nope) [e](https://x.example)",
        "services/backup/",
        resolve,
    )
    assert 'href="../email/"' in html
    assert 'href="../../rates/"' in html
    assert 'href="../../slas/basic/#p1"' in html
    assert 'href="https://x.example"' in html
    assert broken == ["page:nope"]


def test_headings_start_below_the_page_title():
    html, _ = render_markdown("# Big\n\n## Smaller", "about/", no_links)
    assert "<h1" not in html and '<h2 id="big">Big</h2>' in html and "<h3" in html
    html, _ = render_markdown("## Starts lower\n\n### Next", "about/", no_links, top_level=3)
    assert html.startswith('<h3 id="starts-lower">') and "<h4" in html


@pytest.mark.parametrize(
    "here,target,expected",
    [
        ("", "services/", "services/"),
        ("services/email", "services/email/", "./"),
        ("services/email", "", "../../"),
        ("services/email", "rates/fy2026.csv", "../../rates/fy2026.csv"),
        ("care", "care/#desk", "./#desk"),
    ],
)
def test_relative_url(here, target, expected):
    assert relative_url(here, target) == expected


def test_sanitize_keeps_ordinary_formatting():
    html = sanitize('<p><strong>Hi</strong> <a href="https://x.example" title="t">x</a></p>')
    assert html == '<p><strong>Hi</strong> <a href="https://x.example" title="t">x</a></p>'
