"""Stage 1, load: read a site's source files into YAML documents and markdown text.

The only stage that reads the project's sources. Nothing here interprets the
data; it just turns bytes into positioned documents (see yamlfile.py) and
reports files that cannot be read at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from catalogpress.core.characters import deceptive_message, first_deceptive_entity
from catalogpress.core.errors import Problems
from catalogpress.core.ids import is_id
from catalogpress.core.parallel import fork_map
from catalogpress.sources.markdown_limits import cost_problem
from catalogpress.sources.text import decode_source
from catalogpress.sources.yamlfile import Doc, load_yaml, loaded_before, remember

CONTENT_KINDS = ("services", "slas", "pages")
BIG_FILE = 500_000  # characters: a catalog.yaml this big parses in a worker process
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}
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


def load_sources(root: Path, problems: Problems) -> Sources:
    root = root.resolve()
    sources = Sources(root, None, None)
    later = Problems()  # reported after catalog.yaml's, as if loaded one after the other

    def load_the_rest() -> None:
        sources.rates = _load_yaml_file(root, "rates.yaml", later)
        _load_content(root, sources, later)

    sources.catalog = _load_catalog(root, problems, load_the_rest)
    problems.extend(later)
    return sources


def _load_catalog(root: Path, problems: Problems, meanwhile: Callable[[], None]) -> Doc | None:
    """catalog.yaml, running `meanwhile` alongside: a big catalog not loaded before in
    this process is parsed in a worker process while the other sources load here."""
    text = _read_yaml_text(root, "catalog.yaml", problems)
    if text is None or len(text) < BIG_FILE or loaded_before(text, "catalog.yaml"):
        meanwhile()
        return _parse_yaml_file(text, "catalog.yaml", problems) if text is not None else None

    def parse(_: int) -> tuple[Doc | None, Problems]:
        found = Problems()
        return _parse_yaml_file(text, "catalog.yaml", found), found

    [(doc, found)] = fork_map(parse, 1, meanwhile, min_items=1)
    problems.extend(found)
    if doc is not None and not found.items:
        remember(doc, text)  # as if parsed here, so that a rebuild reuses it
    return doc


def _load_content(root: Path, sources: Sources, problems: Problems) -> None:
    content = root / "content"
    if not content.is_dir():
        problems.add(
            "content/",
            0,
            "",
            "the content folder is missing (expected content/ with services/, slas/ and pages/)",
        )
        return
    for path in sorted(content.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink() and not _inside(path, root):
            problems.add(
                rel,
                0,
                "",
                "this link points outside the project; copy the file into the project instead",
            )
            continue
        if path.is_dir():
            continue
        _load_content_file(root, path, rel, sources, problems)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _load_yaml_file(root: Path, name: str, problems: Problems) -> Doc | None:
    text = _read_yaml_text(root, name, problems)
    return _parse_yaml_file(text, name, problems) if text is not None else None


def _read_yaml_text(root: Path, name: str, problems: Problems) -> str | None:
    path = root / name
    if not path.is_file():
        problems.add(name, 0, "", f"{name} is missing (expected it in {root})")
        return None
    if not _inside(path, root):
        problems.add(name, 0, "", "this file links outside the project")
        return None
    return decode_source(path.read_bytes(), name, problems)


def _parse_yaml_file(text: str, name: str, problems: Problems) -> Doc | None:
    doc = load_yaml(text, name, problems)
    if doc is not None and doc.data is None:
        problems.add(
            name, 1, "", f"{name} is empty (expected 'name: value' lines; see docs/formats.md)"
        )
        return None
    return doc


def _load_content_file(
    root: Path, path: Path, rel: str, sources: Sources, problems: Problems
) -> None:
    parts = path.relative_to(root / "content").parts
    if path.name.startswith("."):
        return  # editor swap files and the like
    if parts[0] == "images" and path.suffix.lower() in IMAGE_SUFFIXES:
        sources.images["/".join(parts)] = path
        return
    kind = parts[0] if len(parts) == 2 else ("glossary" if parts == ("glossary.md",) else "")
    if path.suffix != ".md" or (kind not in CONTENT_KINDS and kind != "glossary"):
        problems.add(
            rel,
            0,
            "",
            "unexpected file (expected content/glossary.md, "
            "content/{services,slas,pages}/<id>.md or images in content/images/)",
            warning=True,
        )
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
    meta = load_yaml(match.group(1), rel, problems, first_line=2)
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
