"""Markdown to safe HTML: render, resolve catalog links, then sanitize.

Python-Markdown passes raw HTML through untouched, so its output is cleaned
with an allowlist sanitizer (nh3) *after* rendering; nothing an author types can
add scripts, frames, styles, event handlers or javascript: links. Content is
never compiled as a Jinja template, so `{{ ... }}` in markdown stays literal.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from catalogpress.routes import LINK_SCHEMES

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "details",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"scope", "colspan", "rowspan", "align"},
    "td": {"colspan", "rowspan", "align"},
    "ol": {"start"},
    **{f"h{n}": {"id"} for n in range(2, 7)},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Given a link target such as "service:email" or "/about/", return the site path
# ("services/email/"), or None when it names nothing.
LinkResolver = Callable[[str], "str | None"]


class _LinkRewriter(Treeprocessor):
    resolve: LinkResolver
    page_dir: str
    broken: list[str]

    def aim(self, resolve: LinkResolver, page_path: str, broken: list[str]) -> None:
        """Set up for the next document: where it goes, and where to note broken links."""
        self.resolve = resolve
        self.page_dir = posixpath.dirname(page_path.rstrip("/") + "/x")
        self.broken = broken

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            attr = {"a": "href", "img": "src"}.get(element.tag)
            target = element.get(attr) if attr else None
            if not attr or not target or _is_external(target) or target.startswith("#"):
                continue
            site_path = self.resolve(target)
            if site_path is None:
                self.broken.append(target)
                element.set(attr, "#")
                continue
            element.set(attr, relative_url(self.page_dir, site_path))


def _is_external(target: str) -> bool:
    scheme = target.split(":", 1)[0].lower() if ":" in target else ""
    return bool(scheme) and scheme not in LINK_SCHEMES


def relative_url(from_dir: str, site_path: str) -> str:
    """Link from a page folder ('services/email') to a site path ('rates/#x')."""
    # Plain string work rather than posixpath.relpath: this runs for every link of
    # every page, and site paths are already normalised.
    path, _, fragment = site_path.partition("#")
    here = [part for part in from_dir.split("/") if part]
    there = [part for part in path.split("/") if part]
    common = 0
    for mine, theirs in zip(here, there, strict=False):
        if mine != theirs:
            break
        common += 1
    rel = "/".join([".."] * (len(here) - common) + there[common:])
    if not rel:
        rel = "./"
    elif path.endswith("/") or not path:
        rel += "/"
    return rel + (f"#{fragment}" if fragment else "")


class _HeadingShifter(Treeprocessor):
    """Moves headings so the document's biggest one sits at `top_level`.

    The page template owns the single <h1> and the section around the text, so
    an author's `#` or `##` must land just below it, keeping heading order intact.
    """

    def __init__(self, md: markdown.Markdown, top_level: int) -> None:
        super().__init__(md)
        self.top_level = top_level

    def run(self, root: ET.Element) -> None:
        headings = [e for e in root.iter() if e.tag in {f"h{n}" for n in range(1, 7)}]
        if not headings:
            return
        shift = self.top_level - min(int(e.tag[1]) for e in headings)
        for element in headings:
            element.tag = f"h{min(6, int(element.tag[1]) + shift)}"


class _Abbreviations(Treeprocessor):
    """Wraps known acronyms in <abbr title="expansion"> in running text.

    Works on the element tree, so attributes (links, heading ids) are never
    touched; text inside links, code and existing <abbr> is left alone.
    """

    SKIP = {"a", "abbr", "code", "pre", "script", "style"}

    def __init__(self, md: markdown.Markdown, terms: dict[str, str]) -> None:
        super().__init__(md)
        self.terms = terms
        words = sorted(terms, key=len, reverse=True)
        self.pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, words)) + r")(?![\w-])")

    def run(self, root: ET.Element) -> None:
        if self.terms:
            self._visit(root)

    def _visit(self, element: ET.Element) -> None:
        for child in list(element):
            if child.tag not in self.SKIP:
                self._visit(child)
            child.tail = self._split(element, child.tail, after=child)
        element.text = self._split(element, element.text, after=None)

    def _split(self, parent: ET.Element, text: str | None, after: ET.Element | None) -> str | None:
        """Wrap matches in `text` (parent.text, or the tail of `after`); return what stays."""
        if not text or not self.pattern.search(text):
            return text
        pieces = self.pattern.split(text)  # text, match, text, match, ..., text
        index = 0 if after is None else list(parent).index(after) + 1
        for i in range(1, len(pieces), 2):
            abbr = ET.Element("abbr", {"title": self.terms[pieces[i]]})
            abbr.text, abbr.tail = pieces[i], pieces[i + 1]
            parent.insert(index, abbr)
            index += 1
        return pieces[0]


class _CatalogMarkdown(Extension):
    def __init__(self, top_level: int, abbreviations: dict[str, str]) -> None:
        super().__init__()
        self.top_level = top_level
        self.abbreviations = abbreviations

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_LinkRewriter(md), "catalog_links", 1)
        md.treeprocessors.register(_HeadingShifter(md, self.top_level), "heading_shift", 2)
        md.treeprocessors.register(_Abbreviations(md, self.abbreviations), "abbreviations", 3)


# What one body was rendered from, and what came of it: (html, broken links, the link
# lookups made while rendering); reused while every lookup still gives the same answer.
_Key = tuple[str, str, int, tuple[tuple[str, str], ...]]  # text, page path, top level, abbr.
Rendered = tuple[str, list[str], dict[str, "str | None"]]
Text = tuple[str, str, int]  # (markdown, page path, top level)


class RenderedBodies:
    """Markdown rendered in earlier builds of a session, one entry per page path, and
    the converters that rendered it.

    Each build replaces the whole set with its own bodies, so a body that is edited
    or removed does not outlive that build.
    """

    def __init__(self) -> None:
        self.bodies: dict[str, tuple[_Key, Rendered]] = {}
        self.converters: dict[tuple[int, tuple[tuple[str, str], ...]], markdown.Markdown] = {}

    def converter(
        self, top_level: int, abbreviations: tuple[tuple[str, str], ...]
    ) -> markdown.Markdown:
        """A Markdown instance set up for these options, reused: setting one up takes
        as long as converting a short overview."""
        key = (top_level, abbreviations)
        if key not in self.converters:
            if any(known != abbreviations for _, known in self.converters):
                self.converters.clear()  # the glossary changed: those are no use now
            self.converters[key] = markdown.Markdown(
                extensions=[
                    "tables",
                    "sane_lists",
                    "fenced_code",
                    "toc",
                    _CatalogMarkdown(top_level, dict(abbreviations)),
                ],
                output_format="html",
            )
        return self.converters[key]


def render_markdown(
    text: str,
    page_path: str,
    resolve: LinkResolver,
    top_level: int = 2,
    abbreviations: Mapping[str, str] | None = None,
) -> tuple[str, list[str]]:
    """Return sanitized HTML for `text` placed on `page_path`, and any unresolved links.

    `abbreviations` (acronym -> expansion) are wrapped in <abbr title="..."> in the text.
    """
    return render_many([(text, page_path, top_level)], resolve, abbreviations)[0]


def render_many(
    texts: Sequence[Text],
    resolve: LinkResolver,
    abbreviations: Mapping[str, str] | None = None,
    kept: RenderedBodies | None = None,
) -> list[tuple[str, list[str]]]:
    """render_markdown for each (text, page path, top level), reusing `kept` bodies."""
    jobs = MarkdownJobs(texts, resolve, abbreviations, kept or RenderedBodies())
    return jobs.finish([jobs.render(n) for n in range(len(jobs))])


class MarkdownJobs:
    """The texts of one build that need rendering: those not kept from an earlier one.

    `render(n)` renders the n-th and may run in a worker process; `finish` takes
    every result, in order, and gives the bodies of all the texts.
    """

    def __init__(
        self,
        texts: Sequence[Text],
        resolve: LinkResolver,
        abbreviations: Mapping[str, str] | None,
        kept: RenderedBodies,
    ) -> None:
        abbreviated = tuple(sorted((abbreviations or {}).items()))
        self.keys: list[_Key] = [(text, path, top, abbreviated) for text, path, top in texts]
        self.resolve, self.kept = resolve, kept
        self.found: list[Rendered | None] = []
        for key in self.keys:
            entry = kept.bodies.get(key[1])
            reusable = (
                entry is not None
                and entry[0] == key
                and all(resolve(t) == r for t, r in entry[1][2].items())
            )
            self.found.append(entry[1] if entry is not None and reusable else None)
        self.missing = [i for i, entry in enumerate(self.found) if entry is None]

    def __len__(self) -> int:
        return len(self.missing)

    def render(self, n: int) -> Rendered:
        return _render(self.keys[self.missing[n]], self.resolve, self.kept)

    def finish(self, fresh: Sequence[Rendered]) -> list[tuple[str, list[str]]]:
        for i, entry in zip(self.missing, fresh, strict=True):
            self.found[i] = entry
        done = [entry for entry in self.found if entry is not None]
        self.kept.bodies = {
            key[1]: (key, entry) for key, entry in zip(self.keys, done, strict=True)
        }
        return [(entry[0], list(entry[1])) for entry in done]


def _render(key: _Key, resolve: LinkResolver, kept: RenderedBodies) -> Rendered:
    text, page_path, top_level, abbreviations = key
    lookups: dict[str, str | None] = {}

    def recording(target: str) -> str | None:
        lookups[target] = resolve(target)
        return lookups[target]

    broken: list[str] = []
    md = kept.converter(top_level, abbreviations)
    links = md.treeprocessors["catalog_links"]
    assert isinstance(links, _LinkRewriter)
    links.aim(recording, page_path, broken)
    return sanitize(md.reset().convert(text)), broken, lookups


# What browsers drop before they parse a URL (the WHATWG URL standard): C0 controls and
# spaces around it, and tabs and line breaks anywhere in it; and they read "\\" as "/".
_SURROUNDING = "".join(chr(c) for c in range(0x21))
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def browser_url(value: str) -> str:
    """A URL as a browser reads it before fetching, so locality is judged on that."""
    cleaned = value.strip(_SURROUNDING)
    return re.sub(r"[\t\n\r]", "", cleaned).replace("\\", "/")


def is_local_url(value: str) -> bool:
    """True for a path on this site: no scheme (http:, data:, ...) and no host (//)."""
    url = browser_url(value)
    return not url.startswith("//") and not _SCHEME.match(url)


def _local_images_only(tag: str, attribute: str, value: str) -> str | None:
    """Images must be files of the site: a remote image would let anyone who controls
    that server see who reads the page, and could change after review. The sanitizer
    hands over the value with entities decoded; what is kept is the browser's reading."""
    if tag == "img" and attribute == "src":
        return browser_url(value) if is_local_url(value) else None
    return value


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
        attribute_filter=_local_images_only,
    )


def line_of(text: str, needle: str, first_line: int) -> int:
    index = text.find(needle)
    return first_line + (text[:index].count("\n") if index >= 0 else 0)
