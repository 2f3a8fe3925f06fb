"""What the check stage keeps between builds of one session (the live preview).

One entry per source file: an entry is replaced when its file changes and dropped
when the file is no longer a source, so nothing outlives the sources it came from.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Any

from catalogpress.check.readability import Syllables
from catalogpress.core.errors import Problem
from catalogpress.schema.checker import Reference
from catalogpress.sources.yamldoc import Doc


class CheckedDocuments:
    """Each document that checked cleanly: its record, references and warnings.

    The loader hands back the very same document object for unchanged text, so a
    rebuild does not check an unchanged catalog again. Documents are held by weak
    reference: the loader decides how long one lives, and an edited catalog's old
    document and record are let go before the new ones are made.
    """

    def __init__(self) -> None:
        self._checked: dict[
            str, tuple[weakref.ref[Doc], type, Any, list[Reference], list[Problem]]
        ] = {}

    def get(self, doc: Doc, cls: type) -> tuple[Any, list[Reference], list[Problem]] | None:
        kept = self._checked.get(doc.file)
        if kept is None or kept[0]() is not doc or kept[1] is not cls:
            self._checked.pop(doc.file, None)
            return None
        return kept[2], kept[3], kept[4]

    def keep(
        self, doc: Doc, cls: type, record: Any, refs: list[Reference], found: list[Problem]
    ) -> None:
        self._checked[doc.file] = (weakref.ref(doc), cls, record, refs, found)

    def forget(self, file: str) -> None:
        self._checked.pop(file, None)

    def entries(
        self,
    ) -> dict[str, tuple[weakref.ref[Doc], type, Any, list[Reference], list[Problem]]]:
        """Every entry, to store them (app/stored_session.py)."""
        return dict(self._checked)

    def restore(
        self,
        entries: dict[str, tuple[weakref.ref[Doc], type, Any, list[Reference], list[Problem]]],
    ) -> None:
        self._checked = dict(entries)

    def keep_only(self, files: Iterable[str]) -> None:
        wanted = set(files)
        for file in [f for f in self._checked if f not in wanted]:
            del self._checked[file]

    def __len__(self) -> int:
        return len(self._checked)


class Findings:
    """Plain-language findings per markdown file, with what they were found in."""

    def __init__(self) -> None:
        self._found: dict[str, tuple[tuple[object, ...], list[Any]]] = {}
        self.syllables = Syllables()  # of every word graded so far

    def get(self, file: str, key: tuple[object, ...]) -> list[Any] | None:
        kept = self._found.get(file)
        return kept[1] if kept is not None and kept[0] == key else None

    def keep(self, file: str, key: tuple[object, ...], findings: list[Any]) -> None:
        self._found[file] = (key, findings)

    def entries(self) -> dict[str, tuple[tuple[object, ...], list[Any]]]:
        """Every entry, to store them (app/stored_session.py)."""
        return dict(self._found)

    def restore(self, entries: dict[str, tuple[tuple[object, ...], list[Any]]]) -> None:
        self._found = dict(entries)

    def keep_only(self, files: Iterable[str]) -> None:
        wanted = set(files)
        for file in [f for f in self._found if f not in wanted]:
            del self._found[file]

    def __len__(self) -> int:
        return len(self._found)
