"""Safe, strict YAML loading that remembers where every value came from.

PyYAML's SafeLoader still follows YAML 1.1: `NO` becomes False, `1.10` becomes
1.1, `0777` becomes 511, dates become objects without a position, and a repeated
key silently wins. Catalog files are edited by hand by non-programmers, so here
only `true`/`false`, `null`, plain integers and plain decimals are typed; every
other scalar stays text, duplicate keys and aliases are errors, and every value
keeps its line so later stages can say exactly where a problem is.
"""

from __future__ import annotations

import gc
import re
from typing import Any

import yaml

from catalogpress.core.errors import Problems
from catalogpress.sources.yaml_errors import explain_syntax_error
from catalogpress.sources.yamldoc import Doc, Path, Positions, dotted

MAX_DEPTH = 40

_STR = "tag:yaml.org,2002:str"
_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_ALLOWED_TAGS = {_STR, _INT, _FLOAT} | {
    f"tag:yaml.org,2002:{name}" for name in ("bool", "null", "seq", "map")
}


class _StrictResolver(yaml.resolver.BaseResolver):
    """Types only what a non-programmer would expect to be typed."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        # BaseResolver.resolve, minus its list copies and path-resolver checks: the
        # composer calls it for every node (a quarter of a big file's parse time),
        # and this resolver has no path or wildcard resolvers, so the answer is the same.
        if kind is yaml.ScalarNode and implicit[0]:
            return _plain_tag(value)
        return _DEFAULT_TAGS[kind]


def _plain_tag(value: str) -> str:
    """The type of an untagged, unquoted scalar written as `value`."""
    for tag, regexp in _IMPLICIT.get(value[:1], ()):
        if regexp.match(value):
            return tag
    return _STR


_StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false|True|False|TRUE|FALSE)$"), list("tTfF")
)
_StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)
_IMPLICIT: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    first: tuple(pairs) for first, pairs in _StrictResolver.yaml_implicit_resolvers.items()
}
_DEFAULT_TAGS = {
    yaml.ScalarNode: _STR,
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


class _Composer(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    _StrictResolver,
):
    """Builds a node tree only; values are constructed by `_Builder`, never by PyYAML."""

    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _StrictResolver.__init__(self)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _AliasUsed(event.start_mark)
        return super().compose_node(parent, index)


if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser

    class _FastComposer(CParser, _StrictResolver):
        """libyaml's composer: about ten times faster than the pure-Python one.

        It cannot stop at the first alias, so `_Builder` refuses repeated nodes.
        """

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            _StrictResolver.__init__(self)
else:  # pragma: no cover - PyYAML wheels ship libyaml
    _FastComposer = None  # type: ignore[assignment,misc]

_BRACKETS = re.compile(r"[^\[\]{}]+")


def _flow_depth(text: str) -> int:
    """Deepest [ { nesting, counting brackets inside quotes too (an over-estimate)."""
    depth = deepest = 0
    for char in _BRACKETS.sub("", text):
        depth = depth + 1 if char in "[{" else max(0, depth - 1)
        deepest = max(deepest, depth)
    return deepest


def _composer(text: str) -> Any:
    # libyaml recurses on the C stack, so very deep flow nesting goes to the
    # pure-Python composer, whose recursion limit turns into a clean error.
    if _FastComposer is not None and _flow_depth(text) <= MAX_DEPTH:
        return _FastComposer(text)
    return _Composer(text)


class _AliasUsed(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        self.mark = mark


def load_yaml(text: str, file: str, problems: Problems, first_line: int = 1) -> Doc | None:
    """Parse YAML text; on any mistake add a problem and return None.

    The loader keeps what this returns between builds (sources/cache.py), so
    callers must treat the returned document as read-only.
    """
    # Parsing allocates hundreds of thousands of nodes and values but no cycles,
    # so the cyclic collector would only rescan them (half of a big file's load
    # time); refcounting still frees everything. Re-enabled only by whoever
    # disabled it, so nested or concurrent calls cannot leave it off.
    collecting = gc.isenabled()
    if collecting:
        gc.disable()
    try:
        return _parse_yaml(text, file, problems, first_line)
    finally:
        if collecting:
            gc.enable()


ALIASES_REFUSED = (
    "anchors and aliases (&name, *name) are not supported; write the values out in full"
)


def _parse_yaml(text: str, file: str, problems: Problems, first_line: int) -> Doc | None:
    offset = first_line - 1
    try:
        node = _composer(text).get_single_node()
    except _AliasUsed as exc:
        problems.add(
            file,
            exc.mark.line + 1 + offset,
            "",
            ALIASES_REFUSED,
        )
        return None
    except yaml.MarkedYAMLError as exc:
        found = explain_syntax_error(exc, text)
        problems.add(file, found.line + 1 + offset, "", found.message, excerpt=found.excerpt)
        return None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1 + offset
        problems.add(
            file,
            line,
            "",
            f"the file contains the invisible control character "
            f"U+{exc.character:04X}, which is not allowed; delete it and retype "
            "the text around it",
        )
        return None
    except RecursionError:
        problems.add(file, 1, "", f"nested too deeply (more than {MAX_DEPTH} levels)")
        return None
    doc = Doc(file=file, data=None, positions=Positions(1 + offset))
    if node is None:
        return doc
    builder = _Builder(doc, offset, problems, aliases_possible="&" in text)
    before = len(problems.items)
    try:
        doc.data = builder.build(node, (), 0)
    except _AliasUsed as exc:
        problems.add(
            file,
            exc.mark.line + 1 + offset,
            "",
            ALIASES_REFUSED,
        )
    return doc if len(problems.items) == before else None


_ScalarNode, _MappingNode, _SequenceNode = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode


class _Builder:
    """Turns a node tree into plain Python data, recording lines and catching misuse.

    Runs once per node of every file, so the common case (a plain text value) is
    decided with as few attribute lookups and calls as possible.
    """

    def __init__(
        self, doc: Doc, offset: int, problems: Problems, aliases_possible: bool = True
    ) -> None:
        self.doc = doc
        self.positions = doc.positions
        self.offset = offset
        self.base = 1 + offset  # marks count lines from 0
        self.problems = problems
        # libyaml hands back an alias as the very node it names, so a node reached
        # twice is an alias. Without an '&' in the text there is no anchor to name,
        # so the bookkeeping is skipped.
        self.seen: set[int] | None = set() if aliases_possible else None
        # The data is not the document's yet while it is built, so the line an alias
        # message names is looked up here (kept only where an alias could be).
        self.alias_lines: dict[Path, int] | None = {} if aliases_possible else None

    def _line(self, node: yaml.Node) -> int:
        return int(node.start_mark.line) + self.base

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.positions.root = self._line(node)
        return self._value(node, path, depth)

    def _alias_line(self, path: Path) -> int:
        lines = self.alias_lines or {}
        while path and path not in lines:
            path = path[:-1]
        return lines.get(path, self.positions.root)

    def _value(self, node: Any, path: Path, depth: int) -> Any:
        """Like `build` for a node whose line is already recorded under `path`.

        `node` is typed Any because it is told apart by exact class (cheaper than
        isinstance; PyYAML never subclasses its nodes), which mypy cannot narrow.
        """
        if self.seen is not None:
            if id(node) in self.seen:  # an alias: the same node reached twice
                raise _AliasUsed(
                    yaml.Mark("", 0, self._alias_line(path[:-1]) - 1 - self.offset, 0, None, 0)
                )
            self.seen.add(id(node))
        kind = node.__class__
        tag = node.tag
        if kind is _ScalarNode and tag == _STR and depth <= MAX_DEPTH:
            return node.value
        if depth > MAX_DEPTH:
            self.problems.add(
                self.doc.file,
                self._line(node),
                dotted(path),
                f"nested too deeply (more than {MAX_DEPTH} levels)",
            )
            return None
        if tag not in _ALLOWED_TAGS:
            tag = tag.replace("tag:yaml.org,2002:", "!!")
            self.problems.add(
                self.doc.file,
                self._line(node),
                dotted(path),
                f"the tag '{tag}' "
                "is not allowed (only plain values, lists and 'name: value' lines)",
            )
            return None
        written = _plain_tag(node.value) if kind is _ScalarNode else _DEFAULT_TAGS[kind]
        if tag != written and not (tag == _FLOAT and written == _INT):
            # An explicit !!int, !!bool or !!seq on a value not written that way: the
            # tag would turn "abc" into a crash and "yes" into false.
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            self.problems.add(
                self.doc.file,
                self._line(node),
                dotted(path),
                f"the tag "
                f"'{shown}' does not fit this value; remove it (a value's type "
                "comes from how it is written: 12, 1.5, true, or text)",
            )
            return None
        if kind is _MappingNode:
            return self._mapping(node, path, depth)
        if kind is _SequenceNode:
            return self._sequence(node, path, depth)
        return self._scalar(node, path)

    def _sequence(self, node: yaml.SequenceNode, path: Path, depth: int) -> list[Any]:
        base, value, alias_lines = self.base, self._value, self.alias_lines
        lines, start = self.positions.lines, self.positions.reserve(path, len(node.value))
        direct = self.seen is None and depth < MAX_DEPTH  # see _mapping
        result: list[Any] = []
        append = result.append
        for i, item in enumerate(node.value):
            child = (*path, i)
            lines[start + i] = item.start_mark.line + base
            if alias_lines is not None:
                alias_lines[child] = lines[start + i]
            if direct and item.__class__ is _ScalarNode and item.tag == _STR:
                append(item.value)
            else:
                append(value(item, child, depth + 1))
        return result

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, Any]:
        base, value, alias_lines = self.base, self._value, self.alias_lines
        lines, start = self.positions.lines, self.positions.reserve(path, len(node.value))
        # A plain text value is stored directly, skipping `_value`, when no alias
        # check is needed and it is not nested too deeply.
        direct = self.seen is None and depth < MAX_DEPTH
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not _ScalarNode:
                self.problems.add(
                    self.doc.file, self._line(key_node), dotted(path), "a key must be a plain name"
                )
                continue
            key = key_node.value
            child = (*path, key)
            if key in result:
                self.problems.add(
                    self.doc.file,
                    self._line(key_node),
                    dotted(child),
                    f"duplicate key '{key}' (first given on line "
                    f"{lines[start + list(result).index(key)]}); remove one of them",
                )
                continue
            slot = start + len(result)
            lines[slot] = key_node.start_mark.line + base
            if alias_lines is not None:
                alias_lines[child] = lines[slot]
            if direct and value_node.__class__ is _ScalarNode and value_node.tag == _STR:
                result[key] = value_node.value
            else:
                result[key] = value(value_node, child, depth + 1)
        return result

    def _scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        text = str(node.value)
        if node.tag == _STR:
            return text
        self.doc.raw[path] = text
        if node.tag.endswith(":null"):
            return None
        if node.tag.endswith(":bool"):
            return text.lower() == "true"
        if node.tag.endswith(":int"):
            return int(text)
        return float(text)
