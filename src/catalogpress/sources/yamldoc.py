"""A loaded YAML document: its data, and where each value was written, kept compactly.

Messages name the line of any field, so the loader keeps the line of every value.
A 10,000-service catalog has 1.4 million of them. Kept as a dict from each
value's path to its line, they took about 150 bytes a value (the path tuple, the
dict entry, the int), a fifth of the loaded catalog's memory, and most of the
objects the stored session pickles. Here only containers (mappings and lists)
have an entry: their path, and where in one flat array the lines of their
children start, in the order the container holds them. A value's line is found
by walking the data to its container, which only messages and references do.
"""

from __future__ import annotations

import marshal
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

Path = tuple[str | int, ...]


class Positions:
    """The lines of a document's values: `root` for the document itself, and for
    each container at path P, the lines of its children at lines[starts[P]:]."""

    __slots__ = ("root", "starts", "lines")

    def __init__(self, root: int = 1) -> None:
        self.root = root
        self.starts: dict[Path, int] = {}
        self.lines = array("I")

    def reserve(self, container: Path, children: int) -> int:
        """Room for the lines of a container's children; returns where it starts."""
        start = len(self.lines)
        self.starts[container] = start
        self.lines.frombytes(bytes(children * self.lines.itemsize))
        return start

    def line(self, data: Any, path: Path) -> int:
        """Line of `path` in `data`, or of its nearest ancestor when the field is missing."""
        while path:
            found = self._exact(data, path)
            if found:
                return found
            path = path[:-1]
        return self.root

    def _exact(self, data: Any, path: Path) -> int:
        *parents, key = path
        start = self.starts.get(tuple(parents))
        if start is None:
            return 0
        container = data
        try:
            for parent in parents:
                container = container[parent]
        except (KeyError, IndexError, TypeError):
            return 0
        if container.__class__ is list:
            index = key if key.__class__ is int and 0 <= key < len(container) else -1
        elif container.__class__ is dict and key in container:
            index = list(container).index(key)
        else:
            index = -1
        return self.lines[start + index] if index >= 0 else 0

    def items(self, data: Any) -> Iterator[tuple[Path, int]]:
        """Every value's path and line, parents before children (for tests)."""
        yield (), self.root
        yield from self._below(data, ())

    def _below(self, container: Any, path: Path) -> Iterator[tuple[Path, int]]:
        start = self.starts.get(path)
        if start is None:
            return
        keys: Any = container if isinstance(container, dict) else range(len(container))
        for offset, key in enumerate(keys):
            child = (*path, key)
            yield child, self.lines[start + offset]
            value = container[key]
            if isinstance(value, dict | list):
                yield from self._below(value, child)


@dataclass
class Doc:
    """A loaded YAML document: plain Python data plus the line of every value."""

    file: str
    data: Any
    positions: Positions = field(default_factory=Positions)
    raw: dict[Path, str] = field(default_factory=dict)  # source text of typed scalars

    def line(self, path: Path) -> int:
        """Line of `path`, or of its nearest ancestor when the field is missing."""
        return self.positions.line(self.data, path)

    def source_text(self, path: Path) -> str | None:
        return self.raw.get(path)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled (the stored session, a worker's parse) as one marshal string: the data
        # is only dicts, lists and plain values, which marshal writes several times
        # faster than pickle, without pickle's memo of every object (360 MB while a
        # 10,000-service session was saved).
        lines = self.positions.lines.tobytes()
        state = marshal.dumps((self.data, self.positions.root, self.positions.starts, self.raw))
        return (_unpickled_doc, (self.file, state, lines))


def _unpickled_doc(file: str, state: bytes, lines: bytes) -> Doc:
    data, root, starts, raw = marshal.loads(state)  # noqa: S302 - written by __reduce__
    positions = Positions(root)
    positions.starts = starts
    positions.lines.frombytes(lines)
    return Doc(file, data, positions, raw)


def dotted(path: Path) -> str:
    """A field path as people read it: services[2].versions[0].status."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
