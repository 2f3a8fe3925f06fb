"""What Pagefind reads of a page, cut out of it, so that Pagefind parses no more.

Pagefind parses a whole page, then indexes only its data-pagefind-body element
without the subtrees marked data-pagefind-ignore="all" (a plain
data-pagefind-ignore drops their text but still reads the filters, metadata, h1
and images inside, so those stay), and without the text of its scripts and
style sheets. Outside the body it reads the `<html lang>`, the `<title>` (the
result's title when the page has no h1), and any h1, image or data-pagefind-*
attribute (filters, metadata, sort keys) it meets there (Pagefind 1.x,
pagefind/src/fossick/parser.rs). So a page is given to it as

    <html lang=...><head><title>...</title></head><body>BODY</body></html>

where BODY is the body element as written, less its "all" subtrees and the
text of its scripts (their tags stay: an id is an anchor). At 1,000 services
that is 10 MB of the pages' 34 MB, and Pagefind takes a quarter less time.

The theme writes the pages, so string scans find all this (0.4 s for those
34 MB, a full HTML parser in Python would take longer than Pagefind saves); a
page this cannot cut for certain goes whole, which is never wrong, only slower:
one with a data-pagefind-* attribute, an h1 or (after the body) an image or a
title outside its one body, or a comment that does not end. An element is cut
from its start tag to the end tag that matches it by name, as Pagefind's
parser (lol_html) closes it, and only if the tags between balance (an end tag
there would otherwise close an outer element). Comments, scripts and other raw
text are stepped over, so nothing written in them counts. A limit: a raw "<"
inside an attribute value, which the theme's autoescaping never writes, could
be taken for a tag. tests/test_search_body.py holds the index made from cut
pages byte for byte equal to the one made from whole pages.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

# The page is searched in its ASCII lower case (the same length, so the same places):
# tag and attribute names are not case-sensitive, and bytes.find is the fastest scan.
# A start tag and its attributes, as the HTML tokenizer reads them.
_ATTRIBUTE = rb"""(?:\s+([^\s/>"'=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?)"""
_START_TAG = re.compile(rb"<([a-z][^\s/>]*)((?:" + _ATTRIBUTE + rb")*)\s*/?>")
_ONE_ATTRIBUTE = re.compile(_ATTRIBUTE)
# Where an opaque stretch may start: one scan (a regular expression shaped as a trie
# is the fastest of those tried; bytes.find is faster, but only for one word).
_OPENER = re.compile(
    rb"<(?:[!?]|s(?:cript|tyle)|t(?:extarea|itle)|xmp|iframe|no(?:embed|frames|script)"
    rb"|plaintext)"
)
# What may follow a tag's name (or the end of the text).
_AFTER_NAME = (b"", *(bytes([c]) for c in b" \t\n\r\f/>"))
_BODY = b"data-pagefind-body"
_IGNORE = b"data-pagefind-ignore"
# Outside the body Pagefind reads these (an image only once it has a title).
_READ_BEFORE = (b"data-pagefind-", b"<h1")
_READ_AFTER = (*_READ_BEFORE, b"<img", b"<title")
VOID = frozenset(
    b"area base br col embed hr img input keygen link meta param source track wbr".split()
)
_VOID_TAG = re.compile(rb"<(?:" + b"|".join(sorted(VOID)) + rb")[ \t\n\r\f/>]")
# Pagefind: no value, "index" or "true" drop the text only; "all" (and any other
# value) the whole subtree, filters and metadata included.
_TEXT_ONLY = (b"", b"index", b"true")


class _Uncertain(Exception):
    """The page has a shape this does not read for certain: it goes to Pagefind whole."""


def _find_tag(text: bytes, opening: bytes, start: int, end: int) -> int:
    """Where `opening` ("<name" or "</name") next starts a tag in text[start:end], or -1."""
    while (at := text.find(opening, start, end)) >= 0:
        if text[at + len(opening) : at + len(opening) + 1] in _AFTER_NAME:
            return at
        start = at + 1
    return -1


def _mentions(text: bytes, words: tuple[bytes, ...], start: int, end: int) -> bool:
    return any(text.find(word, start, end) >= 0 for word in words)


class _Page:
    """A page's text in lower case, with its opaque stretches (comments, scripts)."""

    def __init__(self, text: bytes, start: int) -> None:
        self.text = text
        self.starts: list[int] = []
        self.ends: list[int] = []
        at = start
        while opener := _OPENER.search(text, at):
            where = opener.start()
            end = self._opaque_end(where, opener.group())
            if end is None:
                at = opener.end()
            else:
                self.starts.append(where)
                self.ends.append(at := end)

    def _opaque_end(self, where: int, opener: bytes) -> int | None:
        """Where the opaque stretch starting with `opener` at `where` ends; None when
        it is no such stretch (a tag called <styled>, say)."""
        text = self.text
        if opener in (b"<!", b"<?"):
            if text.startswith(b"<!--", where):
                close, length = text.find(b"-->", where + 2), 3  # (<!--> ends there too)
            elif text.startswith(b"<![cdata[", where):
                close, length = text.find(b"]]>", where + 9), 3
            else:
                close, length = text.find(b">", where), 1
        else:
            if text[where + len(opener) : where + len(opener) + 1] not in _AFTER_NAME[1:]:
                return None
            tag = _START_TAG.match(text, where)
            close = -1 if tag is None else _find_tag(text, b"</" + opener[1:], tag.end(), len(text))
            length = 0 if close < 0 else text.find(b">", close) + 1 - close
        if close < 0 or length <= 0:
            raise _Uncertain("a comment or raw text element that does not end")
        return close + length

    def opaque(self, at: int) -> bool:
        n = bisect_right(self.starts, at) - 1
        return n >= 0 and at < self.ends[n]

    def tag(self, marker: int) -> tuple[int, int, bytes, dict[bytes, bytes]] | None:
        """The start tag that `marker` (a position) is an attribute name of: its start,
        end, name and attributes; None when it is text, or not where this can tell."""
        begin = self.text.rfind(b"<", 0, marker)
        if begin < 0 or self.opaque(marker):
            return None
        match = _START_TAG.match(self.text, begin)
        if match is None or match.end() <= marker:
            return None
        if match.group(1) not in VOID and self.text[match.end() - 2] == ord("/"):
            return None  # self-closed: in an SVG drawing it has no end tag, elsewhere one
        attributes: dict[bytes, bytes] = {}
        named_here = False
        for attribute in _ONE_ATTRIBUTE.finditer(match.group(2)):
            named_here |= match.start(2) + attribute.start(1) == marker
            value = attribute.group(2) or b""
            quoted = value[:1] in (b'"', b"'")
            attributes.setdefault(attribute.group(1), value[1:-1] if quoted else value)
        if not named_here:
            return None
        return begin, match.end(), match.group(1), attributes

    def end_of(self, name: bytes, after: int, limit: int) -> int | None:
        """Where the element `name` whose start tag ends at `after` ends: past its
        matching end tag, counting the same name's tags between (as Pagefind's HTML
        parser closes elements); None if not by `limit`."""
        depth, at = 1, after
        opening, closing = b"<" + name, b"</" + name
        while True:
            close = _find_tag(self.text, closing, at, limit)
            if close < 0:
                return None
            nested = _find_tag(self.text, opening, at, close)
            if nested >= 0:
                at = nested + 1
                depth += not self.opaque(nested)
                continue
            at = close + 1
            if self.opaque(close):
                continue
            depth -= 1
            if depth == 0:
                end = self.text.find(b">", close, limit)
                return None if end < 0 else end + 1

    def balanced(self, start: int, end: int) -> bool:
        """Whether text[start:end] closes as many elements as it opens (its comments
        and raw text not counted), so that none of its end tags closes an element
        started before it, and it holds no self-closed foreign element (<path/>)."""
        first = bisect_right(self.ends, start)
        last = bisect_right(self.starts, end - 1)
        if first < last and (self.starts[first] < start or self.ends[last - 1] > end):
            return False  # an opaque stretch only partly inside
        # A raw text element's own tags balance; a comment's "<" is taken off with it.
        opaque = zip(self.starts[first:last], self.ends[first:last], strict=True)
        return self._balance(start, end) == sum(self._balance(s, e) for s, e in opaque)

    def _balance(self, start: int, end: int) -> int:
        """Start tags of elements that have an end tag, less twice the end tags, in
        text[start:end] (each end tag was counted as a "<" too)."""
        text = self.text
        tags = text.count(b"<", start, end)
        closing = text.count(b"</", start, end)
        void = len(_VOID_TAG.findall(text, start, end))
        return tags - void - 2 * closing


def search_document(page: bytes) -> bytes:
    """`page` (UTF-8) as Pagefind needs it: its body element without the subtrees it
    would leave out, and what it reads outside that; `page` itself when not certain."""
    try:
        return _cut(page)
    except _Uncertain:
        return page


def _cut(page: bytes) -> bytes:
    lower = page.lower()  # ASCII only: the same length
    body_at = lower.find(_BODY)
    if body_at < 0 or lower.find(_BODY, body_at + 1) >= 0:
        raise _Uncertain("no body (Pagefind leaves the page out), or more than one")
    html = _find_tag(lower, b"<html", 0, body_at)
    doc = _Page(lower, max(html, 0))
    html_tag = _START_TAG.match(lower, html) if html >= 0 else None
    body = doc.tag(body_at)
    if body is None or html_tag is None or doc.opaque(html):
        raise _Uncertain("no <html> start tag, or a body this cannot place")
    begin, inside, name, _ = body
    end = None if name in VOID else doc.end_of(name, inside, len(lower))
    if end is None:
        raise _Uncertain("the body element does not end")
    if _mentions(lower, _READ_BEFORE, 0, begin) or _mentions(lower, _READ_AFTER, end, len(lower)):
        raise _Uncertain("something Pagefind reads outside the body")
    pieces = [page[html : html_tag.end()], b"<head>"]
    title = _find_tag(lower, b"<title", html_tag.end(), begin)
    if title >= 0 and doc.opaque(title):
        pieces.append(page[title : doc.ends[bisect_right(doc.starts, title) - 1]])
    pieces += [b"</head><body>", page[begin:inside]]
    at = inside
    for start, stop in sorted([*_excluded(doc, inside, end), *_scripts(doc, inside, end)]):
        if start >= at:
            pieces.append(page[at:start])
            at = stop
    pieces += [page[at:end], b"</body></html>"]
    return b"".join(pieces)


def _excluded(doc: _Page, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The elements in text[start:end] marked data-pagefind-ignore="all" (or with a
    value Pagefind takes as "all"), from their start tag to past their end tag."""
    marker = start
    while (marker := doc.text.find(_IGNORE, marker + 1, end)) >= 0:
        tag = doc.tag(marker)
        if tag is None:
            continue
        value = tag[3].get(_IGNORE)
        if value is None or value in _TEXT_ONLY or b"&" in value:  # (a reference: kept)
            continue
        begin, tag_end, name, _ = tag
        stop = tag_end if name in VOID else doc.end_of(name, tag_end, end)
        if stop is not None and doc.balanced(begin, stop):
            yield begin, stop  # (else kept: Pagefind leaves it out itself)
            marker = stop


def _scripts(doc: _Page, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The text of the scripts and style sheets in text[start:end]: Pagefind drops it,
    and reads only their start tags (an id is an anchor), unless a data-pagefind-*
    attribute there takes a value from the text."""
    first = bisect_right(doc.starts, start)
    for begin, stop in zip(doc.starts[first:], doc.ends[first:], strict=False):
        if stop > end:
            break
        if not doc.text.startswith((b"<script", b"<style"), begin):
            continue
        tag = _START_TAG.match(doc.text, begin)
        if tag is None or tag.group(1) not in (b"script", b"style"):
            continue
        if doc.text.find(b"data-pagefind-", begin, tag.end()) < 0:
            yield tag.end(), doc.text.rfind(b"</", tag.end(), stop)
