"""The fast paths in yamlfile.py give exactly what the straightforward code gave.

`_reference_parse` is the loader as it was before the speed work (PyYAML's own
resolve, one `build` call per node, alias bookkeeping always on); every input
here must come out identical: data, types, lines (and their order), source
text of typed values, and problems.
"""

from __future__ import annotations

import gc
import pickle
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from catalogpress.core.errors import Problems
from catalogpress.sources import yamlfile
from catalogpress.sources.yaml_errors import explain_syntax_error
from catalogpress.sources.yamldoc import Doc, dotted
from catalogpress.sources.yamlfile import MAX_DEPTH, load_yaml

from .conftest import examples

REPO = Path(__file__).resolve().parent.parent


class _ReferenceComposer(yamlfile._FastComposer):  # type: ignore[misc,name-defined]
    resolve = yaml.resolver.BaseResolver.resolve


class _ReferenceDoc(Doc):
    """A document with its lines as the old loader kept them: a dict by path."""

    def __init__(self, file: str, data: Any) -> None:
        super().__init__(file=file, data=data)
        self.lines: dict[tuple, int] = {}

    def line(self, path: tuple) -> int:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


class _ReferenceBuilder:
    def __init__(self, doc: _ReferenceDoc, offset: int, problems: Problems) -> None:
        self.doc, self.offset, self.problems, self.seen = doc, offset, problems, set()

    def _line(self, node: Any) -> int:
        return int(node.start_mark.line) + 1 + self.offset

    def build(self, node: Any, path: tuple, depth: int) -> Any:
        if id(node) in self.seen:
            raise yamlfile._AliasUsed(
                yaml.Mark("", 0, self.doc.line(path[:-1]) - 1 - self.offset, 0, None, None)
            )  # type: ignore[arg-type]
        self.seen.add(id(node))
        self.doc.lines.setdefault(path, self._line(node))
        where = dotted(path)
        if depth > MAX_DEPTH:
            self.problems.add(
                self.doc.file,
                self._line(node),
                where,
                f"nested too deeply (more than {MAX_DEPTH} levels)",
            )
            return None
        if node.tag not in yamlfile._ALLOWED_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.problems.add(
                self.doc.file,
                self._line(node),
                where,
                f"the tag '{tag}' is "
                "not allowed (only plain values, lists and 'name: value' lines)",
            )
            return None
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.add(
                        self.doc.file, self._line(key_node), where, "a key must be a plain name"
                    )
                    continue
                key = str(key_node.value)
                child = (*path, key)
                if key in result:
                    self.problems.add(
                        self.doc.file,
                        self._line(key_node),
                        dotted(child),
                        f"duplicate key '{key}' (first given on line "
                        f"{self.doc.lines[child]}); remove one of them",
                    )
                    continue
                self.doc.lines[child] = self._line(key_node)
                result[key] = self.build(value_node, child, depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return yamlfile._Builder._scalar(self, node, path)  # type: ignore[arg-type]


def _reference_parse(text: str, problems: Problems, first_line: int) -> Doc | None:
    """The old `_parse_yaml`, for inputs the fast composer takes (no deep flow nesting)."""
    offset = first_line - 1
    try:
        node = _ReferenceComposer(text).get_single_node()
    except yaml.MarkedYAMLError as exc:
        found = explain_syntax_error(exc, text)
        problems.add("x", found.line + 1 + offset, "", found.message, excerpt=found.excerpt)
        return None
    except yaml.reader.ReaderError:
        problems.add("x", 0, "", "control character")
        return None
    doc = _ReferenceDoc(file="x", data=None)
    if node is None:
        doc.lines[()] = 1 + offset
        return doc
    before = len(problems.items)
    try:
        doc.data = _ReferenceBuilder(doc, offset, problems).build(node, (), 0)
    except yamlfile._AliasUsed as exc:
        problems.add(
            "x",
            exc.mark.line + 1 + offset,
            "",
            "anchors and aliases (&name, *name) are not supported; write the values out in full",
        )
    return doc if len(problems.items) == before else None


def _typed(value: Any) -> Any:
    """Equality that tells 1, 1.0 and True apart and keeps dict order."""
    if isinstance(value, dict):
        return ("d", [(k, _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("l", [_typed(v) for v in value])
    return (type(value).__name__, repr(value))


def _outcome(doc: Doc | None, problems: Problems) -> Any:
    if doc is None:
        return None, [str(p) for p in problems.items]
    return (
        _typed(doc.data),
        list(doc.lines.items())
        if isinstance(doc, _ReferenceDoc)
        else list(doc.positions.items(doc.data)),
        list(doc.raw.items()),
        [str(p) for p in problems.items],
    )


def _check(text: str) -> None:
    if yamlfile._flow_depth(text) > MAX_DEPTH:
        return  # the pure-Python composer path, untouched by the speed work
    for first_line in (1, 2):
        new_problems, old_problems = Problems(), Problems()
        new = yamlfile._parse_yaml(text, "x", new_problems, first_line)
        old = _reference_parse(text, old_problems, first_line)
        assert _outcome(new, new_problems) == _outcome(old, old_problems), text
        if new is not None and isinstance(old, _ReferenceDoc):
            _same_lines(new, old)
            again = pickle.loads(pickle.dumps(new))  # as the stored session and workers do
            assert _outcome(again, new_problems) == _outcome(new, new_problems)
            _same_lines(again, old)


def _same_lines(new: Doc, old: _ReferenceDoc) -> None:
    """Every field's line, and a missing field's (its nearest ancestor's), as before."""
    for path in old.lines:
        for asked in (path, (*path, "missing"), (*path, 99), (*path, 0, "x")):
            assert new.line(asked) == old.line(asked), asked


SCALARS = [
    "NO",
    "yes",
    "on",
    "1.10",
    "0777",
    "2026-01-01",
    "22:30",
    "~",
    "null",
    "Null",
    "",
    "true",
    "False",
    "TRUE",
    "tRue",
    "-5",
    "+7",
    "0",
    "00",
    ".5",
    "1e3",
    "1.0e3",
    "-.5e-2",
    "0x1F",
    ".inf",
    ".nan",
    "1_000",
    "'quoted 5'",
    '"dq true"',
    "R&D",
    "a b",
    "é",
    "!!str 5",
    "!!int 7",
    "!!float 2",
    "!!bool true",
    "!!null ''",
    "[]",
    "{}",
    "[1, x, true]",
    "{a: 1, b: [c]}",
    "|\n  block\n",
    # mistakes, picked less often so that most generated documents load
    # (a core tag on a value not written its way, such as "!!seq 1.5", is now an
    # error that the old builder did not report: see test_yamlfile)
    "-",
    "!foo x",
    "!!binary aGk=",
]
GOOD = SCALARS[:-3]


def _random_yaml(rng: random.Random, depth: int, indent: str) -> str:
    kind = rng.random()
    if depth > 44 or kind < 0.05 + depth / 100:
        scalar = rng.choice(SCALARS if rng.random() < 0.1 else GOOD)  # few bad tags
        return " " + scalar.replace("\n", "\n" + indent) + "\n"
    width = rng.randint(1, 4) if depth < 3 else 1  # long thin branches reach the depth limit
    keys = rng.sample(["a", "b", "c", "NO", "1", "k k"], width)
    if rng.random() < 0.01:
        keys.append(keys[0])
    if kind < 0.75:
        return "\n" + "".join(
            f"{indent}{k}:{_random_yaml(rng, depth + 1, indent + '  ')}" for k in keys
        )
    return "\n" + "".join(f"{indent}-{_random_yaml(rng, depth + 1, indent + '  ')}" for _ in keys)


def test_resolver_matches_pyyaml_resolve():
    fast = yamlfile._StrictResolver()
    for value in [s for s in SCALARS if "\n" not in s] + ["true\n", " 1", "1 ", "nul", "n"]:
        for implicit in ((True, False), (False, True), (False, False), (True, True)):
            for kind in (yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode):
                expected = yaml.resolver.BaseResolver.resolve(fast, kind, value, implicit)
                assert fast.resolve(kind, value, implicit) == expected


def test_repository_yaml_matches_reference():
    files = [REPO / "catalog.yaml", REPO / "rates.yaml", *sorted(REPO.glob("tests/**/*.yaml"))]
    for path in files:
        _check(path.read_text(encoding="utf-8"))
    for path in sorted(REPO.glob("content/**/*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n") and "\n---" in text[3:]:
            _check(text[4 : text.index("\n---", 3) + 1])


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",
        "{a: 1, a: 2}\n",
        "a: &x 1\nb: *x\n",
        "a: &x [1, {b: c}]\nd: [e, *x]\n",
        "- &s x\n- [y, *s]\n",
        "a: {b: &q 1}\nc: {d: *q}\n",
        "a: &x k\n*x : v\n",
        "a: R&D\n",
        "? [a, b]\n: c\n",
        "a: !!python/object x\n",
        "x: !!set {a}\n",
        "a: b: c\n",
        "a:\n\tb: 1\n",
        "a:\n" + "".join("  " * i + "b:\n" for i in range(1, 40)) + "  " * 40 + "c: d\n",
        "a:\n" + "".join("  " * i + "b:\n" for i in range(1, 39)) + "  " * 39 + "c: d\n",
        "a:\n" + "".join("  " * i + "b:\n" for i in range(1, 39)) + "  " * 39 + "c: [x]\n",
        "a: [" + "[" * 38 + "x" + "]" * 38 + "]\n",
        "a: [" + "[" * 37 + "x" + "]" * 37 + "]\n",
        "k: " + "{a: " * 39 + "1" + "}" * 39 + "\n",
        "k: " + "{a: " * 40 + "x" + "}" * 40 + "\n",
        "",
        "# only a comment\n",
        "plain\n",
        "-\n- \n- ~\n",
        "1: a\n2.5: b\ntrue: c\n: f\n",
    ],
    ids=lambda text: repr(text)[:40],
)
def test_edge_cases_match_reference(text):
    _check(text)


def test_random_documents_match_reference():
    rng = random.Random(20260401)
    for _ in range(examples(300)):
        _check(_random_yaml(rng, 0, "").lstrip("\n") or "x\n")


def test_collector_state_is_restored():
    assert gc.isenabled()
    load_yaml("speed: [1, 2]\n", "gc1.yaml", Problems())
    load_yaml("bad: [\n", "gc2.yaml", Problems())
    assert gc.isenabled()
    gc.disable()
    try:
        load_yaml("speed: [3]\n", "gc3.yaml", Problems())
        assert not gc.isenabled()
    finally:
        gc.enable()
