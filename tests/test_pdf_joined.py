"""A book's parts, printed at the same time, joined into one PDF/UA file (pdf/joined.py):
pages, text, structure tree, ParentTree, links between the parts, outlines, document
entries, and the same bytes from the same parts.

The parts are real WeasyPrint prints: part 1 (two pages) links forward to an anchor of
part 2 through a placeholder, part 2 (one page) links back to part 1 through one; both
have an anchor of the same name ("both") that neither owns, and a table with headers."""

from __future__ import annotations

import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from catalogpress.pdf.joined import join_parts

from .checks import have, require_tool

STYLE = """<style>
@page { size: A6; margin: 10mm }
body { font: 10pt "DejaVu Sans" }
th, td { border: 1px solid }
</style>"""
HEAD = (
    '<!DOCTYPE html><html lang="en"><head><title>Book</title>'
    '<meta name="author" content="Catalog team"><meta name="generator" content="catalogpress">'
    f'<meta name="dcterms.created" content="2026-01-02">{STYLE}'
)
TABLE = (
    "<table><thead><tr><th>{}</th><th>{}</th></tr></thead>"
    "<tbody><tr><td>{}</td><td>{}</td></tr></tbody></table>"
)
PART_1 = (
    f"{HEAD}</head><body>"
    '<h1 id="intro">Introduction</h1>'
    '<p>Alpha paragraph. See <a href="#later">the later part</a>.</p>'
    + TABLE.format("Service", "Price", "Email", "5")
    + '<h2 id="more">More</h2>'
    '<p id="both" style="break-before: page">Beta, on page two. '
    '<a href="https://example.org/">Out</a>.</p>'
    '<a id="later" style="position: absolute"></a></body></html>'
)
PART_2 = (
    f'{HEAD}<meta name="description" content="Only part 2 says this">'
    "<style>@page :first { counter-reset: page 3 }</style></head><body>"
    '<h1 id="later">Later</h1>'
    '<p id="both">Gamma. Back to <a href="#intro">the introduction</a>.</p>'
    + TABLE.format("Name", "Value", "Key", "V")
    + "<ul><li>One</li><li>Two</li></ul>"
    '<span id="intro" style="position: absolute"></span></body></html>'
)
OWN = [{"intro", "more"}, {"later"}]  # "both" is owned by neither: the first part's
IDENTIFIER = b"catalogpress joined test id 0001"  # 32 bytes


@pytest.fixture(scope="module")
def parts() -> list[bytes]:
    from weasyprint import HTML

    return [HTML(string=html).write_pdf(pdf_variant="pdf/ua-1") for html in (PART_1, PART_2)]


@pytest.fixture(scope="module")
def joined(parts: list[bytes]) -> bytes:
    return join_parts(parts, OWN, IDENTIFIER)


def read(pdf: bytes) -> PdfReader:
    return PdfReader(BytesIO(pdf), strict=True)


def pages_text(pdf: bytes, folder: Path) -> str:
    require_tool(have("pdftotext"), "pdftotext (poppler-utils)")
    path = folder / "file.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    assert done.stderr == ""  # poppler found nothing wrong with the file
    return done.stdout


def page_index(reader: PdfReader) -> dict[int, int]:
    return {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}


def content_mcids(reader: PdfReader) -> set[tuple[int, int]]:
    """(page object, MCID) of every marked content in the pages' streams."""
    return {
        (page.indirect_reference.idnum, int(mcid))
        for page in reader.pages
        for mcid in re.findall(rb"/MCID (\d+)", page.get_contents().get_data())
    }


class Tree:
    """A structure tree walked from its root: the elements, where each MCID is held, and
    the OBJRs (element, OBJR); each element's /P checked on the way."""

    def __init__(self, reader: PdfReader) -> None:
        self.root_ref = reader.trailer["/Root"].raw_get("/StructTreeRoot")
        self.root = self.root_ref.get_object()
        self.elements: dict[int, Any] = {}
        self.held: dict[tuple[int, int], int] = {}
        self.objrs: list[tuple[int, Any]] = []
        self.parent: dict[int, int] = {}
        for top in self.root["/K"]:
            self.visit(top, self.root_ref)

    def visit(self, ref: IndirectObject, parent: IndirectObject) -> None:
        element = ref.get_object()
        assert element.raw_get("/P").idnum == parent.idnum
        assert ref.idnum not in self.elements
        self.elements[ref.idnum], self.parent[ref.idnum] = element, parent.idnum
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, int):
                where = (element.raw_get("/Pg").idnum, int(kid))
                assert where not in self.held, f"MCID {where} held twice"
                self.held[where] = ref.idnum
            elif kid.get_object().get("/Type") == "/OBJR":
                self.objrs.append((ref.idnum, kid.get_object()))
            else:
                self.visit(kid, ref)

    def ancestor(self, number: int, kind: str) -> int:
        while self.elements[number]["/S"] != kind:
            number = self.parent[number]
        return number


def parent_tree(reader: PdfReader) -> dict[int, Any]:
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def test_the_pages_come_in_order_with_their_text_content_and_annotations(parts, joined, tmp_path):
    readers, whole = [read(p) for p in parts], read(joined)
    theirs = [page for reader in readers for page in reader.pages]
    assert len(whole.pages) == len(theirs) == 3
    for mine, their in zip(whole.pages, theirs, strict=True):
        assert mine.get_contents().get_data() == their.get_contents().get_data()
        assert sorted(mine["/Resources"]["/Font"]) == sorted(their["/Resources"]["/Font"])
        annots = [a.get_object()["/Rect"] for a in mine.get("/Annots", [])]
        assert annots == [a.get_object()["/Rect"] for a in their.get("/Annots", [])]
    texts = [pages_text(p, tmp_path) for p in parts]
    assert pages_text(joined, tmp_path) == "".join(texts)
    assert "Later" in texts[1] and "Gamma" in texts[1]


KINDS = ("/Page", "/Pages", "/Catalog", "/StructTreeRoot", "/Annot", "/Font", "/Metadata")


def test_no_object_is_written_twice(parts, joined):
    """Pages, fonts and annotations are the parts' very objects, shared by reference, and
    the parts' own roots (catalogs, page trees, structure roots) are not left behind."""

    def kinds(pdf: bytes) -> list[str]:
        reader = read(pdf)
        found = []
        for number in sorted({*reader.xref_objStm, *reader.xref[0]}):
            obj = reader.get_object(number)
            if hasattr(obj, "get") and obj.get("/Type") in KINDS:
                found.append(str(obj["/Type"]))
        return found

    mine, theirs = kinds(joined), [kinds(p) for p in parts]
    for kind in ("/Page", "/Annot", "/Font"):
        assert mine.count(kind) == sum(t.count(kind) for t in theirs) > 0
    for kind in ("/Pages", "/Catalog", "/StructTreeRoot", "/Metadata"):
        assert mine.count(kind) == 1


def test_the_structure_tree_holds_every_marked_content_once(parts, joined):
    whole = read(joined)
    tree = Tree(whole)
    assert tree.held.keys() == content_mcids(whole)  # each exactly once (Tree checks it)
    pages = page_index(whole)
    assert {e.raw_get("/Pg").idnum for e in tree.elements.values() if "/Pg" in e} <= pages.keys()
    for _, objr in tree.objrs:
        assert objr.raw_get("/Pg").idnum in pages
    # One /Document, holding part 1's top elements, then part 2's.
    (document,) = tree.root["/K"]
    assert document.get_object()["/S"] == "/Document"
    kids = [len(Tree(read(p)).root["/K"][0].get_object()["/K"]) for p in parts]
    assert len(document.get_object()["/K"]) == sum(kids)
    second = document.get_object()["/K"][kids[0]].get_object()
    assert second["/S"] == "/H1" and pages[second.raw_get("/Pg").idnum] == 2


def test_the_parent_tree_matches_pages_and_annotations(parts, joined):
    whole = read(joined)
    tree, nums = Tree(whole), parent_tree(whole)
    keys: list[int] = []
    for page in whole.pages:
        key = int(page["/StructParents"])
        keys.append(key)
        number = page.indirect_reference.idnum
        mcids = sorted(m for n, m in tree.held if n == number)
        assert mcids == list(range(len(mcids)))
        assert [e.idnum for e in nums[key]] == [tree.held[(number, m)] for m in mcids]
        for annot in page.get("/Annots", []):
            key = int(annot.get_object()["/StructParent"])
            keys.append(key)
            element = nums[key]
            assert element.get_object()["/S"] == "/Link"
            assert (element.idnum, annot.idnum) in {
                (e, o.raw_get("/Obj").idnum) for e, o in tree.objrs
            }
    assert len(set(keys)) == len(keys) and set(keys) == set(nums)
    root = whole.trailer["/Root"]["/StructTreeRoot"]
    assert int(root["/ParentTreeNextKey"]) == max(keys) + 1
    # Part 2's keys come after part 1's: its page's key is part 1's count, not 0.
    first = parent_tree(read(parts[0]))
    assert int(whole.pages[2]["/StructParents"]) == max(first) + 1 > 0


def test_table_headers_keep_their_own_table(joined):
    tree = Tree(read(joined))
    ids: dict[str, int] = {}
    for number, element in tree.elements.items():
        if element["/S"] == "/TH":
            ident = str(element["/ID"])
            assert ident not in ids
            ids[ident] = tree.ancestor(number, "/Table")
            assert ident.startswith(f"{ids[ident]}-")  # named after its table, as joined
    cells = [(n, e) for n, e in tree.elements.items() if e["/S"] == "/TD"]
    assert len(cells) == 4 and len(set(ids.values())) == 2
    for number, cell in cells:
        for header in cell["/A"]["/Headers"]:
            assert ids[str(header)] == tree.ancestor(number, "/Table")


def test_links_land_where_the_part_that_owns_the_anchor_has_it(joined):
    whole = read(joined)
    dests = whole.trailer["/Root"]["/Names"]["/Dests"]["/Names"]
    names = [str(n) for n in dests[0::2]]
    assert names == sorted(names) == ["both", "intro", "later", "more"]  # placeholders gone
    where = {
        str(n): whole.get_destination_page_number(d) for n, d in whole.named_destinations.items()
    }
    # "later" in part 2, "intro" in part 1 (not their placeholders); "both": the first's.
    assert where == {"intro": 0, "more": 0, "both": 1, "later": 2}
    links = [
        (i, str(annot.get_object()["/Dest"]))
        for i, page in enumerate(whole.pages)
        for annot in page.get("/Annots", [])
        if "/Dest" in annot.get_object()
    ]
    assert [(i, where[name]) for i, name in links] == [(0, 2), (2, 0)]


def test_the_outlines_follow_each_other(joined):
    whole = read(joined)

    def walk(items: list[Any]) -> list[Any]:
        return [
            walk(i) if isinstance(i, list) else (i.title, whole.get_destination_page_number(i))
            for i in items
        ]

    assert walk(whole.outline) == [("Introduction", 0), [("More", 0)], ("Later", 2)]
    root_ref = whole.trailer["/Root"].raw_get("/Outlines")
    root = root_ref.get_object()
    first, last = root["/First"], root["/Last"]
    assert first["/Title"] == "Introduction" and last["/Title"] == "Later"
    assert first.raw_get("/Next").idnum == root.raw_get("/Last").idnum
    assert last.raw_get("/Prev").idnum == root.raw_get("/First").idnum
    assert "/Next" not in last and "/Prev" not in first
    assert first.raw_get("/Parent").idnum == last.raw_get("/Parent").idnum == root_ref.idnum
    assert int(root["/Count"]) == 3 and int(first["/Count"]) == 1


def test_the_document_entries_are_the_first_parts(parts, joined):
    whole, first = read(joined), read(parts[0])
    catalog = whole.trailer["/Root"]
    assert catalog["/Lang"] == "en"
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/ViewerPreferences"] == first.trailer["/Root"]["/ViewerPreferences"]
    assert catalog["/Metadata"].get_data() == first.trailer["/Root"]["/Metadata"].get_data()
    assert b"pdfuaid:part" in catalog["/Metadata"].get_data()
    assert dict(whole.metadata) == dict(first.metadata)
    assert whole.metadata["/Producer"] == "WeasyPrint 70.0"
    assert whole.metadata["/CreationDate"] == "D:20260102" and "/Subject" not in whole.metadata
    assert [x.original_bytes for x in whole.trailer["/ID"]] == [IDENTIFIER, IDENTIFIER]


def test_the_same_parts_give_the_same_bytes_in_any_process(parts, joined, tmp_path):
    assert join_parts(parts, OWN, IDENTIFIER) == joined
    for i, pdf in enumerate(parts):
        (tmp_path / f"{i}.pdf").write_bytes(pdf)
    script = (
        "import sys; from pathlib import Path; from catalogpress.pdf.joined import join_parts\n"
        f"parts = [Path(sys.argv[1], f'{{i}}.pdf').read_bytes() for i in range({len(parts)})]\n"
        f"sys.stdout.buffer.write(join_parts(parts, {OWN!r}, {IDENTIFIER!r}))"
    )
    done = subprocess.run(  # another process: another hash seed, another clock
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, check=True
    )
    assert done.stdout == joined


def test_one_part_joins_to_an_equivalent_file(parts, tmp_path):
    alone = join_parts(parts[:1], OWN[:1], IDENTIFIER)
    whole, part = read(alone), read(parts[0])
    assert pages_text(alone, tmp_path) == pages_text(parts[0], tmp_path)
    assert Tree(whole).held.keys() == content_mcids(whole)
    assert parent_tree(whole).keys() == parent_tree(part).keys()
    names = {
        str(n): whole.get_destination_page_number(d) for n, d in whole.named_destinations.items()
    }
    assert names == {
        str(n): part.get_destination_page_number(d) for n, d in part.named_destinations.items()
    }
    assert [o.title for o in whole.outline if not isinstance(o, list)] == ["Introduction"]


def test_parts_and_their_anchors_must_match(parts):
    with pytest.raises(ValueError):
        join_parts(parts, OWN[:1], IDENTIFIER)
