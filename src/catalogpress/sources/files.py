"""Stage 1, load: read a site's source files into YAML documents and markdown text.

The only stage that reads the project's sources. Nothing here interprets the
data; it just turns bytes into positioned documents (see yamlfile.py) and
reports files that cannot be read at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from catalogpress.core.characters import deceptive_message, first_deceptive_entity
from catalogpress.core.errors import Problems
from catalogpress.core.ids import is_id
from catalogpress.sources.cache import ParsedSources
from catalogpress.sources.csvfile import CsvTable, load_csv
from catalogpress.sources.images import FOLDER as IMAGES
from catalogpress.sources.images import UNEXPECTED_FILE, is_inside, refused_link, scan_images
from catalogpress.sources.markdown_limits import cost_problem
from catalogpress.sources.text import decode_source
from catalogpress.sources.yamldoc import Doc
from catalogpress.sources.yamlfile import load_yaml

CONTENT_KINDS = ("services", "slas", "pages")
PERFORMANCE = "performance.csv"  # optional: monthly measurements (schema/performance.py)
BIG_FILE = 500_000  # characters of YAML worth parsing in a worker process
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.S | re.M)


@dataclass(frozen=True)
class MarkdownFile:
    """One markdown file: its front matter as a document, and its body."""

    path: str  # relative to the project, e.g. "content/services/email.md"
    kind: str  # "services", "slas", "pages" or "glossary"
    slug: str
    meta: Doc
    body: str
    body_line: int  # line of the first body line in the file


@dataclass
class Sources:
    root: Path
    catalog: Doc | None
    rates: Doc | None
    markdown: list[MarkdownFile] = field(default_factory=list)
    images: dict[str, Path] = field(default_factory=dict)  # "images/x.png" -> file
    performance: CsvTable | None = None  # None: the site has no performance.csv


@dataclass(frozen=True)
class YamlText:
    """catalog.yaml or rates.yaml, read but not parsed: the sources big enough to
    parse apart, in a worker process, while the rest loads."""

    name: str
    text: str | None  # None: missing or unreadable (a problem says why)
    parsed_before: Doc | None  # parsed from this very text in an earlier build


BIG_SOURCES = ("catalog.yaml", "rates.yaml")


def read_big_sources(root: Path, problems: Problems, cache: ParsedSources) -> list[YamlText]:
    """catalog.yaml and rates.yaml, read, with what an earlier build parsed from them."""
    texts = [(name, _read_yaml_text(root.resolve(), name, problems)) for name in BIG_SOURCES]
    return [
        YamlText(name, text, cache.get(name, text) if text is not None else None)
        for name, text in texts
    ]


def worth_a_worker(sources: list[YamlText]) -> bool:
    """Whether parsing them takes long enough to pay for a worker process. Parsing
    apart also keeps the parse's passing peak (libyaml's node tree, four times the
    document it makes) out of the process that goes on to build the site."""
    new = sum(len(s.text) for s in sources if s.text is not None and s.parsed_before is None)
    return new >= BIG_FILE


def parse_big_sources(sources: list[YamlText]) -> list[tuple[Doc | None, Problems]]:
    """Each document and the problems found in it; may run in a worker process, so
    it keeps nothing (`with_big_sources` does)."""
    parsed = []
    for source in sources:
        found = Problems()
        if source.parsed_before is not None or source.text is None:
            parsed.append((source.parsed_before, found))
        else:
            parsed.append((_parse_yaml_file(source.text, source.name, found, None), found))
    return parsed


def load_all_but_big(root: Path, cache: ParsedSources) -> tuple[Sources, Problems]:
    """performance.csv and content/, and the problems found in them."""
    root = root.resolve()
    sources, problems = Sources(root, None, None), Problems()
    sources.performance = load_csv(root, PERFORMANCE, problems)
    _load_content(root, sources, problems, cache)
    return sources, problems


def with_big_sources(
    sources: Sources,
    later: Problems,
    big: list[YamlText],
    parsed: list[tuple[Doc | None, Problems]],
    problems: Problems,
    cache: ParsedSources,
) -> Sources:
    """`sources` completed with catalog.yaml and rates.yaml, whose problems come first."""
    (sources.catalog, _), (sources.rates, _) = parsed
    for source, (doc, found) in zip(big, parsed, strict=True):
        problems.extend(found)
        if doc is not None and source.text is not None and not found.items:
            cache.keep(doc, source.text)  # parsed in a worker: as if parsed here
    problems.extend(later)  # as if loaded after them
    cache.keep_only([*BIG_SOURCES, *(md.path for md in sources.markdown)])
    return sources


def _load_content(root: Path, sources: Sources, problems: Problems, cache: ParsedSources) -> None:
    content = root / "content"
    if not content.is_dir():
        problems.add(
            "content/",
            0,
            "",
            "the content folder is missing (expected content/ with services/, slas/ and pages/)",
        )
        return
    sources.images = scan_images(root, problems)
    for path in sorted(content.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.relative_to(content).parts[0] == IMAGES:
            continue  # see images.py
        if refused_link(path, root, rel, problems):
            continue
        if path.is_dir():
            continue
        _load_content_file(root, path, rel, sources, problems, cache)


def _read_yaml_text(root: Path, name: str, problems: Problems) -> str | None:
    path = root / name
    if not path.is_file():
        problems.add(name, 0, "", f"{name} is missing (expected it in {root})")
        return None
    if not is_inside(path, root):
        problems.add(name, 0, "", "this file links outside the project")
        return None
    return decode_source(path.read_bytes(), name, problems)


def _parse_yaml_file(
    text: str, name: str, problems: Problems, cache: ParsedSources | None
) -> Doc | None:
    doc = _load_yaml(text, name, problems, cache)
    if doc is not None and doc.data is None:
        problems.add(
            name, 1, "", f"{name} is empty (expected 'name: value' lines; see docs/formats.md)"
        )
        return None
    return doc


def _load_yaml(
    text: str, file: str, problems: Problems, cache: ParsedSources | None, first_line: int = 1
) -> Doc | None:
    """load_yaml, reusing the document kept for this very text; keeps clean ones."""
    if cache is not None and (kept := cache.get(file, text, first_line)) is not None:
        return kept
    found = Problems()
    doc = load_yaml(text, file, found, first_line)
    problems.extend(found)
    if cache is not None and doc is not None and not found.items:
        cache.keep(doc, text, first_line)
    return doc


def _load_content_file(
    root: Path, path: Path, rel: str, sources: Sources, problems: Problems, cache: ParsedSources
) -> None:
    parts = path.relative_to(root / "content").parts
    if path.name.startswith("."):
        return  # editor swap files and the like
    kind = parts[0] if len(parts) == 2 else ("glossary" if parts == ("glossary.md",) else "")
    if path.suffix != ".md" or (kind not in CONTENT_KINDS and kind != "glossary"):
        problems.add(rel, 0, "", UNEXPECTED_FILE, warning=True)
        return
    slug = path.stem
    if kind != "glossary" and (not is_id(slug)):
        problems.add(
            rel,
            0,
            "",
            f"the file name '{path.name}' is not a valid id (expected "
            "lowercase letters, digits and hyphens, like 'cloud-hosting.md')",
        )
        return
    text = decode_source(path.read_bytes(), rel, problems)
    if text is None:
        return
    text = text.replace("\r\n", "\n")
    match = _FRONT_MATTER.match(text)
    if not match:
        problems.add(
            rel,
            1,
            "",
            "missing front matter (expected the file to start with a "
            "'---' line, YAML fields, and another '---' line)",
        )
        return
    meta = _load_yaml(match.group(1), rel, problems, cache, first_line=2)
    if meta is None:
        return
    if meta.data is None:
        meta.data = {}
    body_line = text[: match.end()].count("\n") + 1
    entity = first_deceptive_entity(text)
    if entity is not None:
        offset, char = entity
        problems.add(rel, text.count("\n", 0, offset) + 1, "", deceptive_message(char))
        return
    body = text[match.end() :]
    too_costly = cost_problem(body)
    if too_costly is not None:
        offset, message = too_costly
        problems.add(rel, body_line + offset, "", message)
        return
    sources.markdown.append(MarkdownFile(rel, kind, slug, meta, text[match.end() :], body_line))
