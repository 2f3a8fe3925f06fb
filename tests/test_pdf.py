"""The PDF documents: structure, accessibility, contents, offline rendering, reproducibility.

The sample site's PDFs are built once per session (conftest.sample_site); the rest use the
minimal fixture, whose eight documents print in a few seconds.
"""

from __future__ import annotations

import http.server
import re
import subprocess
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from catalogpress.app.build import build
from catalogpress.app.cli import main
from catalogpress.core.errors import SiteError
from catalogpress.render.numbers import format_rate

from .checks import have, require_tool
from .conftest import MINIMAL, MINIMAL_AS_OF


def text(pdf: Path, page: int | None = None) -> str:
    require_tool(have("pdftotext"), "pdftotext (poppler-utils)")
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", "-layout", *pages, str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout


def struct_types(reader: PdfReader) -> list[DictionaryObject]:
    """Every structure element of a tagged PDF, depth first."""
    found: list[DictionaryObject] = []

    def walk(node: object) -> None:
        node = node.get_object() if isinstance(node, IndirectObject) else node
        if isinstance(node, ArrayObject):
            for child in node:
                walk(child)
        elif isinstance(node, DictionaryObject) and "/S" in node:
            found.append(node)
            walk(node.get("/K"))

    walk(reader.trailer["/Root"]["/StructTreeRoot"].get("/K"))
    return found


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(level, title, page number) of every bookmark, in order."""
    rows: list[tuple[int, str, int]] = []

    def walk(items: list, level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                rows.append((level, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 1)
    return rows


@pytest.fixture(scope="module")
def book(sample_site):
    return sample_site / "pdf" / "service-catalog.pdf"


@pytest.mark.slow
def test_all_five_kinds_of_document(sample_site, sample_model):
    pdf = sample_site / "pdf"
    active = [s.id for s in sample_model.services.values() if s.status == "active"]
    expected = {
        "service-catalog.pdf",
        "steering-committee-brief.pdf",
        *(f"services/{s}.pdf" for s in active),
        *(f"rates/{s.sheet.id}.pdf" for s in sample_model.sheets),
        *(f"rates/changes/{n.notice.id}.pdf" for n in sample_model.notices),
        *(f"slas/{s}.pdf" for s in sample_model.slas),
        *(f"slas/agencies/{a.agency.id}.pdf" for a in sample_model.agencies),
        *(
            f"agencies/{a.agency.id}-budget-{s.sheet.id}.pdf"
            for a in sample_model.agencies
            for s in sample_model.prices.upcoming_sheets
        ),
        *(f"reviews/{a.agency.id}.pdf" for a in sample_model.agencies),
    }
    assert {p.relative_to(pdf).as_posix() for p in pdf.rglob("*.pdf")} == expected
    assert len(active) >= 24 and len(sample_model.sheets) >= 2


@pytest.mark.slow
def test_page_counts(sample_site, sample_model):
    pdf = sample_site / "pdf"
    for brochure in (pdf / "services").glob("*.pdf"):
        assert 1 <= len(PdfReader(brochure).pages) <= 2, brochure.name
    assert 1 <= len(PdfReader(pdf / "steering-committee-brief.pdf").pages) <= 2
    listed = [s for s in sample_model.services.values() if s.listed]
    assert len(PdfReader(pdf / "service-catalog.pdf").pages) > len(listed) + 4
    for sheet in (pdf / "rates").glob("*.pdf"):
        assert len(PdfReader(sheet).pages) >= 2, "the sample rate sheets span pages"


@pytest.mark.slow
def test_metadata_title_language_and_tags(sample_site):
    for path in sorted((sample_site / "pdf").rglob("*.pdf")):
        reader = PdfReader(path)
        root = reader.trailer["/Root"]
        assert reader.metadata.title, path
        assert reader.metadata.author == "Department of Technology Services"
        assert root["/Lang"] == "en", path
        assert root["/ViewerPreferences"]["/DisplayDocTitle"], "title shown as window title"
        assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root, path
    reader = PdfReader(sample_site / "pdf" / "services" / "virtual-servers.pdf")
    assert reader.metadata.title == "Virtual Server Hosting: service brochure"
    assert reader.metadata.creation_date.date().isoformat() == "2026-07-01"  # from the data


@pytest.mark.slow
def test_headings_and_table_headers_are_tagged(sample_site):
    types = {
        str(e["/S"]) for e in struct_types(PdfReader(sample_site / "pdf" / "rates" / "fy2027.pdf"))
    }
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/TR"} <= types
    types = {
        str(e["/S"]) for e in struct_types(PdfReader(sample_site / "pdf" / "service-catalog.pdf"))
    }
    assert {"/H1", "/H2", "/H3", "/L", "/LI", "/TH"} <= types


@pytest.mark.slow
def test_images_have_alt_text(minimal_site):
    reader = PdfReader(minimal_site / "pdf" / "service-catalog.pdf")
    figures = [e for e in struct_types(reader) if e["/S"] == "/Figure"]
    assert figures, "the web hosting overview has an image; it must be in the book"
    assert all(str(f.get("/Alt", "")).strip() for f in figures)
    assert any(image_count(p) for p in reader.pages)


def image_count(page) -> int:
    objects = page["/Resources"].get("/XObject", {})
    return sum(1 for x in objects.values() if x.get_object()["/Subtype"] == "/Image")


@pytest.mark.slow
def test_every_listed_service_is_in_the_book(book, sample_model):
    body = " ".join(text(book).split())
    for service in sample_model.services.values():
        if service.listed:
            assert service.name in body, service.name


def toc_entries(book: Path) -> dict[str, int]:
    entries: dict[str, int] = {}
    for page in (2, 3):
        for line in text(book, page).splitlines():
            match = re.match(r"^\s*(\S.*?)[\s.]{3,}(\d+)\s*$", line)
            if match:
                entries[match.group(1).strip()] = int(match.group(2))
    return entries


@pytest.mark.slow
def test_contents_page_numbers_are_where_services_start(book, sample_model):
    toc = toc_entries(book)
    listed = [s for s in sample_model.services.values() if s.listed]
    assert {s.name for s in listed} <= set(toc)
    # Services follow one another (issue #17), so a service's heading is on its page,
    # not necessarily at the top, and not on the page before.
    for service in listed:
        page = toc[service.name]
        lines = [ln.strip() for ln in text(book, page).splitlines() if ln.strip()]
        assert service.name in lines, f"{service.name}: not on page {page}"
        if page > 1:
            before = [ln.strip() for ln in text(book, page - 1).splitlines() if ln.strip()]
            assert service.name not in before[1:] or service.name in before[0]


@pytest.mark.slow
def test_outline_mirrors_the_contents(book, sample_model):
    toc = toc_entries(book)
    marks = outline(PdfReader(book))
    assert [title for _, title, _ in marks] == list(toc)
    assert all(page == toc[title] for _, title, page in marks)
    levels = {title: level for level, title, _ in marks}
    for category in sample_model.categories:
        if category.services:
            assert levels[category.category.name] == 1
            assert all(levels[s.name] == 2 for s in category.services)


@pytest.mark.slow
def test_footer_page_x_of_y_and_running_header(book):
    reader = PdfReader(book)
    total = len(reader.pages)
    numbered = []
    for number in range(1, total + 1):
        page = text(book, number)
        if f"Page {number} of {total}" in page:
            numbered.append(number)
        assert not re.search(rf"Page (?!{number} )\d+ of", page), number
    dividers = sum(1 for _ in re.finditer("Section", text(book, 2)))  # none on the TOC page
    assert len(numbered) >= total - 1 - 7 - dividers  # cover and category dividers have none
    hosting = [n for n in numbered if "HOSTING AND DATA CENTER" in text(book, n)]
    assert len(hosting) >= 3, "running header names the section"


@pytest.mark.slow
def test_rate_sheet_repeats_header_rows_and_keeps_rows_whole(sample_site, sample_model):
    sheet = sample_model.current_sheet
    path = sample_site / "pdf" / "rates" / f"{sheet.sheet.id}.pdf"
    pages = [text(path, n) for n in range(1, len(PdfReader(path).pages) + 1)]
    assert len(pages) >= 2
    for page in pages:
        assert re.search(r"ITEM\s+UNIT\s+CHARGE TYPE\s+RATE", page), "header row on every page"
    for line in sheet.sheet.lines:
        amount = format_rate(line)  # $6.10, "Cost + 6%", "At cost"
        assert any(line.item in p and amount in p for p in pages), (line.item, amount)


@pytest.mark.slow
def test_pages_link_their_documents(sample_site, sample_model):
    def page(path: str) -> str:
        return (sample_site / path / "index.html").read_text()

    assert 'href="../../pdf/services/virtual-servers.pdf"' in page("services/virtual-servers")
    assert re.search(
        r'href="pdf/service-catalog.pdf" type="application/pdf">[^<]+</a> '
        r'<span class="muted">\(PDF, \d+ pages, \d+ KB\)',
        page(""),
    )
    assert 'href="pdf/steering-committee-brief.pdf"' in page("")
    current = sample_model.current_sheet.sheet.id
    assert f'href="../pdf/rates/{current}.pdf"' in page("rates")
    assert 'href="../../pdf/slas/sla-standard.pdf"' in page("slas/sla-standard")
    care = page("care")
    assert all(f"pdf/slas/agencies/{a.agency.id}.pdf" in care for a in sample_model.agencies)


@pytest.mark.slow
def test_fonts_are_the_themes_own(sample_site):
    require_tool(have("pdffonts"), "pdffonts (poppler-utils)")
    for name in ("service-catalog.pdf", "steering-committee-brief.pdf"):
        fonts = subprocess.run(
            ["pdffonts", str(sample_site / "pdf" / name)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        names = [line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]]
        assert names and all(
            n.startswith(("Source-Sans-Pro", "Source-Serif-Pro")) for n in names
        ), names


@pytest.mark.slow
def test_two_builds_give_identical_pdfs(minimal_site, tmp_path):
    first, second = minimal_site, tmp_path / "two"  # minimal_site was built from a cold cache
    build(MINIMAL, second, MINIMAL_AS_OF, cache=tmp_path / "cache-two")  # cold too
    pdfs = sorted(p.relative_to(first) for p in first.rglob("*.pdf"))
    assert len(pdfs) == 9  # the eight kinds, and the FY2025-to-FY2026 change notice
    for pdf in pdfs:
        assert (first / pdf).read_bytes() == (second / pdf).read_bytes(), pdf


@pytest.mark.slow
def test_rebuild_reprints_only_what_changed(scratch, tmp_path):
    cache = tmp_path / "cache"
    report = build(scratch.root, tmp_path / "a", MINIMAL_AS_OF, cache=cache)
    assert (report.pdfs, report.pdfs_printed) == (9, 9)
    report = build(scratch.root, tmp_path / "b", MINIMAL_AS_OF, cache=cache)
    assert report.pdfs_printed == 0
    scratch.replace("catalog.yaml", "Spam filtering", "Spam and virus filtering")
    report = build(scratch.root, tmp_path / "c", MINIMAL_AS_OF, cache=cache)
    assert report.pdfs_printed == 2  # the email brochure and the catalog book
    assert "Spam and virus filtering" in " ".join(
        text(tmp_path / "c" / "pdf" / "services" / "email.pdf").split()
    )


@pytest.mark.slow
def test_no_pdf_flag_and_page_size(scratch, tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "build",
            "-C",
            str(scratch.root),
            "-o",
            str(tmp_path / "out"),
            "--as-of",
            "2025-11-01",
            "--no-pdf",
        ],
    )
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "out" / "pdf").exists()
    assert "Print and share" not in (tmp_path / "out" / "index.html").read_text()
    scratch.replace("catalog.yaml", "featured: [email]", "featured: [email]\n  page_size: a4")
    result = CliRunner().invoke(
        main,
        ["build", "-C", str(scratch.root), "-o", str(tmp_path / "out"), "--as-of", "2025-11-01"],
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"Built \d+ pages and 9 PDFs \(9 printed, 0 unchanged\)", result.output)
    box = PdfReader(tmp_path / "out" / "pdf" / "services" / "email.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's API
        type(self).requests.append(self.path)
        body = b"body::after { content: 'LEAKED-FROM-HTTP' }"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.slow
def test_renderer_reads_nothing_outside_the_project(scratch, tmp_path):
    secret = tmp_path / "outside"
    secret.mkdir()
    (secret / "secret.css").write_text("body::after { content: 'LEAKED-FROM-FILE' }")
    (secret / "secret.txt").write_text("LEAKED-ATTACHMENT")
    (secret / "secret.png").write_bytes((MINIMAL / "content/images/server.png").read_bytes())
    _Recorder.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    web = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        files = secret.as_uri()
        scratch.write(
            "themes/default/templates/pdf/brochure.html",
            f"""\
{{% extends "default/pdf/brochure.html" %}}
{{% block head %}}
<link rel="stylesheet" href="{files}/secret.css">
<link rel="stylesheet" href="{web}/secret.css">
<link rel="attachment" href="{files}/secret.txt">
<link rel="attachment" href="{web}/secret.txt">
{{% endblock %}}
{{% block body %}}{{{{ super() }}}}
<img src="{files}/secret.png" alt="secret image">
<img src="{web}/secret.png" alt="secret image">
<img src="{{{{ url('../../../../etc/passwd') }}}}" alt="escape">
{{% endblock %}}
""",
        )
        # markup.py already drops remote images from content; none may reach the renderer.
        scratch.replace(
            "content/services/email.md",
            "\n---\n",
            f"\n---\n![remote]({web}/from-markdown.png)\n",
            1,
        )
        report = build(scratch.root, tmp_path / "out", MINIMAL_AS_OF, cache=tmp_path / "c")
    finally:
        server.shutdown()
        server.server_close()
    assert _Recorder.requests == []
    brochure = tmp_path / "out" / "pdf" / "services" / "email.pdf"
    body = text(brochure)
    assert "Email" in body and "LEAKED" not in body
    reader = PdfReader(brochure)
    assert not reader.attachments
    assert not any(image_count(p) for p in reader.pages)
    refused = " ".join(w.message for w in report.warnings if w.file.endswith("email.pdf"))
    for url in [
        f"{files}/secret.css",
        f"{web}/secret.css",
        f"{files}/secret.txt",
        f"{web}/secret.txt",
        f"{files}/secret.png",
        f"{web}/secret.png",
        "https://catalog.example/etc/passwd",
    ]:
        assert f"refused to read {url}:" in refused, url


def test_a_document_that_cannot_be_printed_is_named(scratch, tmp_path, monkeypatch):
    import catalogpress.pdf.printer

    def crash(*_):
        raise RuntimeError("boom")

    monkeypatch.setattr(catalogpress.pdf.printer, "_print", crash)  # forked workers inherit it
    with pytest.raises(SiteError) as info:
        build(scratch.root, tmp_path / "out", MINIMAL_AS_OF, cache=tmp_path / "cache")
    assert "could not print this document: RuntimeError: boom" in str(info.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_search_finds_pdfs_no_page_shows_by_the_text_they_were_printed_from(
    scratch, tmp_path, monkeypatch
):
    import catalogpress.app.build as pipeline

    seen = {}
    real = pipeline.start_index

    def spy(outputs, language, records=(), **options):
        records = list(records)
        seen["read back"] = []  # the PDFs are records: Pagefind reads only the HTML pages
        seen["records"] = {r.path: r for r in records}
        return real(outputs, language, records, **options)

    monkeypatch.setattr(pipeline, "start_index", spy)
    build(scratch.root, tmp_path / "out", MINIMAL_AS_OF, cache=tmp_path / "cache")
    assert seen["read back"] == []  # no PDF is parsed again for its text
    # The book and the brief; every other PDF prints a page, found through that page.
    assert sorted(seen["records"]) == [
        "pdf/service-catalog.pdf",
        "pdf/steering-committee-brief.pdf",
    ]
    book = seen["records"]["pdf/service-catalog.pdf"]
    assert book.title.endswith("service catalog") and book.search_type == "PDF document"
    assert "Spam filtering" in book.text and "<" not in book.text
    assert "@page" not in book.text  # the stylesheet in <head> is no text


@pytest.mark.slow
def test_a_build_with_nothing_changed_renders_the_pages_once(scratch, tmp_path, monkeypatch):
    """The download links' page counts and sizes come from the PDF cache when it has
    them, so a warm build does not render every page a second time after printing."""
    import catalogpress.app.build as pipeline

    cache, out = tmp_path / "cache", tmp_path / "out"
    build(scratch.root, out, MINIMAL_AS_OF, cache=cache)
    first = (out / "services/email/index.html").read_text()
    calls = []
    real = pipeline._render_pages
    monkeypatch.setattr(pipeline, "_render_pages", lambda *a: calls.append(1) or real(*a))
    report = build(scratch.root, out, MINIMAL_AS_OF, cache=cache)
    assert report.pdfs_printed == 0 and len(calls) == 1
    assert (out / "services/email/index.html").read_text() == first  # sizes and all
    assert re.search(r"\(PDF, \d+ pages?, \d+ KB\)", first)
    # One edited service: printed again, and its page tells the new size.
    scratch.replace("content/services/email.md", "\n---\n", "\n---\nA new sentence here.\n\n", 1)
    calls.clear()
    report = build(scratch.root, out, MINIMAL_AS_OF, cache=cache)
    assert report.pdfs_printed >= 1 and len(calls) == 2
