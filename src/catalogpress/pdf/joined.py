"""The parts of a long document, printed at the same time, joined into one PDF/UA file.

WeasyPrint lays out a document on one core, so the 46-page book is printed in parts, one
per core (pdf/parts.py), and joined here into the file one print of the whole book gives:
its pages in order, with their content, resources and annotations; one sorted /Dests
name tree, each name where the part that owns the anchor has it (the placeholders for
other parts' anchors dropped); the parts' outlines in turn; one structure tree, every
part's kids of its /Document under the first's, each part's ParentTree keys (its pages'
/StructParents, its annotations' /StructParent) after the keys of the parts before, and
WeasyPrint's table header IDs ("<table's object number>-<row>-<column>", in /ID and
/Headers) renamed after the table's joined number, so that no two parts share one; and,
unchanged, the first part's /Lang, /MarkInfo, /ViewerPreferences, /PageMode, /Metadata,
other catalog and structure root entries, and document information. Not merged: the later
parts' other catalog entries (forms, attachments) and ID trees: the book has none.

pypdf's PdfWriter would parse all 16,000 objects of the book in pure Python (2.8 s) and
write no object streams (4.6 times the size). So pypdf reads the parts' cross-reference
tables and object streams and parses what the join changes; the rest is copied as bytes,
references renumbered (part k's object n is base_k + n, but a part's roots are the first
part's), into one object stream. Only what the joined document reaches is written, in
order of number: the same parts give the same bytes.
"""

from __future__ import annotations

import re
import struct
import zlib
from bisect import bisect_right
from collections.abc import Collection, Iterator, Sequence
from io import BytesIO
from typing import Any

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    StreamObject,
    TextStringObject,
    read_object,
)

# What renumbering must see in an object's bytes: strings (skipped, as their text is not
# syntax; WeasyPrint escapes their parentheses), references, ParentTree keys, table IDs.
_STRING = rb"\((?:[^\\()]|\\.|\((?:[^\\()]|\\.)*\))*\)"
_REF = rb"(?<![\d.])(\d+)\s+\d+\s+R(?![\w#])"
_REFS = re.compile(_STRING + rb"|" + _REF, re.S)  # group 1: a reference's number
_SYNTAX = re.compile(  # lastindex: 1 string, 2 reference, 4 key, 5 table IDs
    rb"(" + _STRING + rb")|" + _REF + rb"|(/StructParents?\s+)(\d+)(?!\s+\d+\s+R)"
    rb"|(/ID\s*\(\d+(?:(?:-|\\055)\d+){2}\)|/Headers\s*\[[^\]]*\])",  # pypdf: - is \055
    re.S,
)
_TABLE_ID = re.compile(rb"\((\d+)(?=(?:(?:-|\\055)\d+){2}\))")


class _Part:
    """One printed part: its objects, and where their numbers go in the joined file."""

    def __init__(self, pdf: bytes, base: int) -> None:
        self.reader = PdfReader(BytesIO(pdf), strict=True)
        self.base = base  # its object n is the joined file's base + n, ...
        self.alias: dict[int, int] = {}  # ... but its roots are the first part's
        self.key_offset = 0  # added to its ParentTree keys
        self.raw: dict[int, bytes] = {}  # the objects of its object streams, as bytes
        for number in sorted({stm for stm, _ in self.reader.xref_objStm.values()}):
            stream = self.reader.get_object(number)
            assert isinstance(stream, StreamObject)
            data, first = stream.get_data(), int(stream.get("/First", 0))
            head = [int(x) for x in data[:first].split()]
            starts = [first + offset for offset in head[1::2]]
            for n, start, end in zip(head[0::2], starts, [*starts[1:], len(data)], strict=True):
                self.raw[n] = data[start:end]
        trailer = self.reader.trailer
        self.size, self.info = int(trailer.get("/Size", 0)), trailer.get("/Info")
        self.root: IndirectObject = trailer.raw_get("/Root")
        self.catalog = self.dict(self.root)

    def out(self, number: int) -> int:
        return self.alias.get(number, number + self.base)

    def parse(self, number: int) -> Any:
        # Objects are only ever resolved here, and entries read with .get: pypdf resolving
        # a reference itself would parse the whole object stream (1.3 s for the book).
        if number in self.raw:
            return read_object(BytesIO(self.raw[number]), self.reader)
        return NullObject() if (found := self.reader.get_object(number)) is None else found

    def get(self, value: Any) -> Any:
        return self.parse(value.idnum) if isinstance(value, IndirectObject) else value

    def dict(self, value: Any) -> DictionaryObject:
        return f if isinstance(f := self.get(value), DictionaryObject) else DictionaryObject()

    def kids(self, node: DictionaryObject, key: str = "/K") -> list[Any]:
        found = self.get(value := node.get(key))
        return list(found) if isinstance(found, ArrayObject) else [] if value is None else [value]

    def tree(self, node: Any, leaves: str) -> Iterator[tuple[Any, Any]]:
        """The (key, value) pairs of a name tree (leaves "/Names") or number tree ("/Nums")."""
        items = self.kids(node := self.dict(node), leaves)
        yield from zip(items[0::2], items[1::2], strict=True)
        for kid in self.kids(node, "/Kids"):
            yield from self.tree(kid, leaves)

    def move(self, value: Any) -> Any:
        """A parsed object (not a stream) with the joined file's numbers."""
        if isinstance(value, IndirectObject):
            return IndirectObject(self.out(value.idnum), 0, None)
        if isinstance(value, ArrayObject):
            return ArrayObject(self.move(item) for item in value)
        if isinstance(value, DictionaryObject):
            return DictionaryObject({key: self.move(item) for key, item in value.items()})
        return value

    def rewrite(self, raw: bytes, refs: list[int]) -> bytes:
        """An object's bytes with the joined file's numbers; appends those it refers to."""
        if self.base == self.key_offset == 0 and all(k == v for k, v in self.alias.items()):
            refs += (int(n) for n in _REFS.findall(raw) if n)  # the first part's stay
            return raw

        def one(match: re.Match[bytes]) -> bytes:
            if (kind := match.lastindex) == 2:
                refs.append(self.out(int(match[2])))
                return b"%d 0 R" % refs[-1]
            if kind == 4:
                return match[3] + b"%d" % (int(match[4]) + self.key_offset)
            if kind == 5:
                return _TABLE_ID.sub(lambda m: b"(%d" % (int(m[1]) + self.base), match[0])
            return match[0]

        return _SYNTAX.sub(one, raw)


def join_parts(
    parts: Sequence[bytes], own_anchors: Sequence[Collection[str]], identifier: bytes
) -> bytes:
    """One PDF of `parts`, PDFs printed by WeasyPrint, in order. `own_anchors[i]`: the
    anchors that lie in part i; `identifier` (at most 32 bytes): the file identifier."""
    if not parts or len(parts) != len(own_anchors):
        raise ValueError("join_parts needs the own anchors of each part")
    loaded: list[_Part] = []
    for pdf in parts:
        loaded.append(_Part(pdf, loaded[-1].base + loaded[-1].size if loaded else 0))
    first, changed = loaded[0], dict[int, Any]()  # joined number → the object written there
    pages = _roots("/Pages", loaded)
    structure = _roots("/StructTreeRoot", loaded)
    bookmarked = [p for p in loaded if "/First" in p.dict(p.catalog.get("/Outlines"))]
    outlines = _roots("/Outlines", bookmarked)
    tagged = [(p, t) for p in loaded if (t := p.dict(p.catalog.get("/StructTreeRoot")))]
    catalog = first.move(first.catalog)
    if structure is not None and tagged:
        changed[structure.idnum] = _structure(tagged, changed)
        catalog[NameObject("/StructTreeRoot")] = structure
    if pages is not None:
        trees = [(p, p.dict(p.catalog.get("/Pages"))) for p in loaded]
        kids = ArrayObject(p.move(kid) for p, tree in trees for kid in p.kids(tree, "/Kids"))
        count = NumberObject(sum(int(p.get(tree.get("/Count", 0))) for p, tree in trees))
        changed[pages.idnum] = _put(first.move(trees[0][1]), Kids=kids, Count=count)
    if outlines is not None:
        tops = [(p, p.dict(p.catalog.get("/Outlines"))) for p in bookmarked]
        changed[outlines.idnum] = _outlines(tops, changed)
        catalog[NameObject("/Outlines")] = outlines
    dests: dict[bytes, tuple[int, Any, Any]] = {}  # name → (0 if owned else 1, key, where)
    for index, part in enumerate(loaded):
        names = part.dict(part.catalog.get("/Names"))
        for key, dest in part.tree(names.get("/Dests"), "/Names"):
            name = key.original_bytes if isinstance(key, TextStringObject) else bytes(key)
            rank = 0 if str(key) in own_anchors[index] else 1  # a placeholder's is 1
            if name not in dests or rank < dests[name][0]:
                dests[name] = (rank, key, part.move(dest))
    if dests:
        tree = ArrayObject(x for _, (_, key, dest) in sorted(dests.items()) for x in (key, dest))
        names = first.move(first.dict(first.catalog.get("/Names")))
        catalog[NameObject("/Names")] = _put(names, Dests=_put(DictionaryObject(), Names=tree))
    changed[first.out(first.root.idnum)] = catalog
    roots = [first.out(r.idnum) for r in (first.root, first.info) if isinstance(r, IndirectObject)]
    return _write(loaded, changed, roots, identifier, first.reader.pdf_header.encode())


def _roots(key: str, parts: Sequence[_Part]) -> IndirectObject | None:
    """The first part's catalog entry `key`, which every part's becomes."""
    found = [(p, ref) for p in parts if isinstance(ref := p.catalog.get(key), IndirectObject)]
    if not found:
        return None
    joined = found[0][0].out(found[0][1].idnum)
    for part, ref in found:
        part.alias[ref.idnum] = joined
    return IndirectObject(joined, 0, None)


def _put(node: DictionaryObject, **entries: Any) -> DictionaryObject:
    node.update({NameObject(f"/{key}"): value for key, value in entries.items()})
    return node


def _structure(tagged: list[tuple[_Part, DictionaryObject]], changed: dict[int, Any]) -> Any:
    """The joined StructTreeRoot; sets each part's ParentTree key offset."""
    first, tree = tagged[0]
    tops = [p.kids(t) for p, t in tagged]
    joined = first.move(tree)
    if all(len(top) == 1 and isinstance(top[0], IndirectObject) for top in tops):
        document = first.out(tops[0][0].idnum)
        kids = ArrayObject()
        for (part, _), top in zip(tagged, tops, strict=True):
            part.alias[top[0].idnum] = document  # each part's /Document: its kids' /P follow
            kids.extend(part.move(kid) for kid in part.kids(part.dict(top[0])))
        changed[document] = _put(first.move(first.dict(tops[0][0])), K=kids)
    else:  # all the parts' top elements under the root
        everything = [p.move(k) for (p, _), top in zip(tagged, tops, strict=True) for k in top]
        _put(joined, K=ArrayObject(everything))
    nums, next_key = ArrayObject(), 0
    for part, t in tagged:
        part.key_offset = next_key
        pairs = sorted((int(key), value) for key, value in part.tree(t.get("/ParentTree"), "/Nums"))
        for key, value in pairs:
            nums += [NumberObject(key + next_key), part.move(value)]
        last = int(part.get(t.get("/ParentTreeNextKey", 0)))  # WeasyPrint writes none
        next_key += max(pairs[-1][0] + 1 if pairs else 0, last)
    parent_tree: Any = _put(DictionaryObject(), Nums=nums)
    if isinstance(where := tree.get("/ParentTree"), IndirectObject):
        changed[first.out(where.idnum)], parent_tree = parent_tree, first.move(where)
    return _put(joined, ParentTree=parent_tree, ParentTreeNextKey=NumberObject(next_key))


def _outlines(roots: list[tuple[_Part, DictionaryObject]], changed: dict[int, Any]) -> Any:
    """The joined outline root; each part's last top-level item linked to the next's first."""

    def edit(part: _Part, ref: Any) -> DictionaryObject:
        return changed.setdefault(part.out(ref.idnum), part.move(part.dict(ref)))

    for (a, root_a), (b, root_b) in zip(roots, roots[1:], strict=False):
        last, first = root_a.get("/Last"), root_b.get("/First")
        _put(edit(a, last), Next=b.move(first))
        _put(edit(b, first), Prev=a.move(last))
    count = NumberObject(sum(abs(int(p.get(r.get("/Count", 0)))) for p, r in roots))  # shown
    last = roots[-1][0].move(roots[-1][1].get("/Last"))
    return _put(roots[0][0].move(roots[0][1]), Last=last, Count=count)


def _write(
    loaded: list[_Part], changed: dict[int, Any], roots: list[int], identifier: bytes, header: bytes
) -> bytes:
    """Every object the roots reach: streams on their own, the others in one compressed
    object stream, then the cross-reference stream."""

    def stream(number: int, entries: bytes, data: bytes) -> bytes:
        data = zlib.compress(data)
        entries += b" /Filter /FlateDecode /Length %d" % len(data)
        return b"%d 0 obj\n<<%s>>\nstream\n%s\nendstream\nendobj\n" % (number, entries, data)

    bases, bodies, streams, todo = [p.base for p in loaded], {}, set(), list(roots)
    while todo:
        if (number := todo.pop()) in bodies:
            continue
        part = loaded[bisect_right(bases, number) - 1]
        local, refs = number - part.base, list[int]()
        if number in changed:  # numbered as joined already
            changed[number].write_to_stream(buffer := BytesIO())
            bodies[number] = buffer.getvalue()
            refs = [int(n) for n in _REFS.findall(bodies[number]) if n]
        elif local in part.raw:
            bodies[number] = part.rewrite(part.raw[local], refs)
        else:  # an object of its own, a stream: its dictionary is renumbered, not its data
            part.parse(local).write_to_stream(buffer := BytesIO())
            head, keyword, data = buffer.getvalue().partition(b"\nstream\n")
            bodies[number] = part.rewrite(head, refs) + keyword + data
            if keyword:
                streams.add(number)
        todo += refs
    stm, xref = max(bodies) + 1, max(bodies) + 2
    out = bytearray(header + b"\n%\xf0\x9f\x96\xa4\n")
    rows: dict[int, tuple[int, int, int]] = {}  # number → (type, offset or stream, index)
    heads, packed = list[bytes](), bytearray()
    for number in sorted(bodies):
        if number in streams:
            rows[number] = (1, len(out), 0)
            out += b"%d 0 obj\n%s\nendobj\n" % (number, bodies[number])
        else:
            rows[number] = (2, stm, len(heads))
            heads.append(b"%d %d" % (number, len(packed)))
            packed += bodies[number] + b"\n"
    index = b" ".join(heads) + b"\n"
    rows[stm] = (1, len(out), 0)
    out += stream(stm, b"/Type /ObjStm /N %d /First %d" % (len(heads), len(index)), index + packed)
    rows[xref] = (1, len(out), 0)
    free = [n for n in range(xref + 1) if n not in rows]  # object 0 heads the list
    for n, after in zip(free, [*free[1:], 0], strict=True):
        rows[n] = (0, after, 0 if n else 65535)
    table = b"".join(struct.pack(">BII", *rows[n]) for n in range(xref + 1))
    trailer = b"/Type /XRef /Size %d /W [1 4 4] /Root %d 0 R" % (xref + 1, roots[0])
    trailer += b" /Info %d 0 R" % roots[1] if len(roots) > 1 else b""
    out += stream(xref, trailer + b" /ID [<%s> <%s>]" % ((identifier.hex().encode(),) * 2), table)
    return bytes(out + b"startxref\n%d\n%%%%EOF\n" % rows[xref][1])
