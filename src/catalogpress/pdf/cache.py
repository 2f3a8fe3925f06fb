"""The PDF cache: a printed document is reused while nothing that went into it changed.

An entry is keyed by a hash of the document's HTML, the render options and the
versions of WeasyPrint and pydyf; it remembers every file the renderer read
(stylesheet, fonts, images) with a hash of its bytes, and is valid only while
each of those files still has the same bytes. So an edit to one service
re-renders the documents whose HTML shows it, and an edit to the print
stylesheet or a font re-renders the documents that use it.

Lives in <project>/.catalogpress-cache/pdf/; safe to delete at any time.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

FOLDER = ".catalogpress-cache"
FORMAT = "1"  # bump when an entry's layout or meaning changes
# Where each document's cross-referenced anchors fell when it was last printed: only a
# first guess for the next print (pdf/page_numbers.py), so a wrong one costs time only.
ANCHOR_PAGES = "anchor-pages.json"


@dataclass(frozen=True)
class Entry:
    pdf: bytes
    pages: int
    deps: dict[str, str]  # file path → sha256 of its bytes when the PDF was made
    warnings: list[str]
    anchors: dict[str, int] = field(default_factory=dict)  # a book's part: where its
    # anchors lie, which the other parts' numbers are checked against (pdf/parts.py)


class FileHashes:
    """sha256 of files, each read at most once per build."""

    def __init__(self) -> None:
        self._known: dict[str, str | None] = {}

    def __call__(self, path: str) -> str | None:
        if path not in self._known:
            try:
                self._known[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
            except OSError:
                self._known[path] = None
        return self._known[path]


def cache_key(html: str, salt: str) -> str:
    digest = hashlib.sha256(f"{FORMAT}\0{salt}\0".encode())
    digest.update(html.encode("utf-8"))
    return digest.hexdigest()


class PdfCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder / "pdf"
        self.hashes = FileHashes()
        self._read: dict[str, Entry | None] = {}  # each entry read once per build

    def get(self, key: str) -> Entry | None:
        if key not in self._read:
            self._read[key] = self._get(key)
        return self._read[key]

    def _get(self, key: str) -> Entry | None:
        try:
            meta = json.loads((self.folder / f"{key}.json").read_text())
            pdf = (self.folder / f"{key}.pdf").read_bytes()
        except (OSError, ValueError):
            return None
        deps = meta.get("deps", {})
        if any(self.hashes(path) != digest for path, digest in deps.items()):
            return None
        if hashlib.sha256(pdf).hexdigest() != meta.get("sha256"):
            return None  # a torn or tampered entry is rendered again
        anchors = meta.get("anchors", {})
        if not isinstance(anchors, dict):
            return None
        return Entry(pdf, int(meta["pages"]), deps, list(meta.get("warnings", [])), anchors)

    def put(
        self,
        key: str,
        pdf: bytes,
        pages: int,
        dep_paths: Iterable[str],
        warnings: list[str],
        anchors: dict[str, int] | None = None,
    ) -> None:
        deps = {path: self.hashes(path) for path in sorted(set(dep_paths))}
        meta = {
            "pages": pages,
            "sha256": hashlib.sha256(pdf).hexdigest(),
            "deps": {p: d for p, d in deps.items() if d is not None},
            "warnings": warnings,
            **({"anchors": anchors} if anchors is not None else {}),
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _replace(self.folder / f"{key}.pdf", pdf)
            _replace(self.folder / f"{key}.json", json.dumps(meta, indent=1).encode())
        except OSError:
            pass  # a cache that cannot be written only makes the next build slower

    def anchor_pages(self) -> dict[str, dict[str, int]]:
        """Each document's linked anchors and their pages when it was last printed."""
        try:
            kept = json.loads((self.folder / ANCHOR_PAGES).read_text())
        except (OSError, ValueError):
            return {}
        if not isinstance(kept, dict):
            return {}
        return {
            str(path): {str(a): p for a, p in anchors.items() if isinstance(p, int)}
            for path, anchors in kept.items()
            if isinstance(anchors, dict)
        }

    def keep_anchor_pages(self, documents: dict[str, dict[str, int]]) -> None:
        kept = {path: anchors for path, anchors in sorted(documents.items()) if anchors}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _replace(self.folder / ANCHOR_PAGES, json.dumps(kept, sort_keys=True).encode())
        except OSError:
            pass

    def prune(self, keep: Iterable[str]) -> None:
        """Forget entries this build did not use, so the cache holds one build's PDFs."""
        wanted = set(keep)
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name == ANCHOR_PAGES:
                continue
            if path.suffix in (".pdf", ".json", ".tmp") and path.stem not in wanted:
                path.unlink(missing_ok=True)


def _replace(target: Path, data: bytes) -> None:
    temp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    temp.write_bytes(data)
    os.replace(temp, target)
