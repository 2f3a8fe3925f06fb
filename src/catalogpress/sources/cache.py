"""Parsed sources kept between builds of one session (the live preview).

PyYAML is slow, so a rebuild parses again only the files whose text changed.
There is one entry per source file: an edit replaces its entry, and a file no
longer among the sources is dropped, so an old catalog never outlives its edit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from catalogpress.sources.yamldoc import Doc


class ParsedSources:
    """The document parsed from each YAML source (or front matter), by file."""

    def __init__(self, on_change: Callable[[str], None] | None = None) -> None:
        self._docs: dict[str, tuple[str, int, Doc]] = {}  # file -> (text, first line, doc)
        # Told of each file about to be parsed again, before it is: whoever keeps what
        # was made from its old text can let that go first (see app/session.py).
        self.on_change = on_change

    def get(self, file: str, text: str, first_line: int = 1) -> Doc | None:
        """The document parsed from this very text of `file`, if it is the one kept.

        Another text drops the kept document at once, before the new text is parsed,
        so that two versions of a big catalog are not held at the same time.
        """
        kept = self._docs.get(file)
        if kept is not None and kept[1] == first_line and kept[0] == text:
            return kept[2]
        self._docs.pop(file, None)
        if self.on_change is not None:
            self.on_change(file)
        return None

    def keep(self, doc: Doc, text: str, first_line: int = 1) -> Doc:
        """Keep `doc`, parsed cleanly from `text`, in place of its file's earlier one."""
        self._docs[doc.file] = (text, first_line, doc)
        return doc

    def keep_only(self, files: Iterable[str]) -> None:
        """Drop the entries of files that are no longer sources."""
        wanted = set(files)
        for file in [f for f in self._docs if f not in wanted]:
            del self._docs[file]

    def entries(self) -> dict[str, tuple[str, int, Doc]]:
        """Every entry, to store them (app/stored_session.py)."""
        return dict(self._docs)

    def restore(self, entries: dict[str, tuple[str, int, Doc]]) -> None:
        self._docs = dict(entries)

    def __len__(self) -> int:
        return len(self._docs)
