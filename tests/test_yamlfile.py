"""The YAML loader: strict typing, positions, and refusal of risky constructs."""

from __future__ import annotations

from catalogpress.core.errors import Problems
from catalogpress.sources.text import decode_source
from catalogpress.sources.yamlfile import load_yaml


def load(text: str):
    problems = Problems()
    doc = load_yaml(text, "x.yaml", problems)
    return doc, [str(p) for p in problems.items]


def test_yaml_11_surprises_stay_text():
    doc, problems = load("a: NO\nb: yes\nc: 0777\nd: 22:30\ne: 2026-13-40\nf: on\n")
    assert problems == []
    assert doc.data == {
        "a": "NO",
        "b": "yes",
        "c": "0777",
        "d": "22:30",
        "e": "2026-13-40",
        "f": "on",
    }


def test_numbers_keep_their_source_text():
    doc, _ = load("version: 1.10\ncount: 3\nflag: true\nnothing: ~\n")
    assert doc.data == {"version": 1.1, "count": 3, "flag": True, "nothing": None}
    assert doc.source_text(("version",)) == "1.10"


def test_lines_are_recorded_for_keys_and_items():
    doc, _ = load("top:\n  list:\n    - a\n    - b\n")
    assert doc.line(("top", "list", 1)) == 4
    assert doc.line(("top", "missing", "deeper")) == 1


def test_duplicate_key_names_both_lines():
    _, problems = load("a: 1\nb: 2\na: 3\n")
    assert problems == [
        "x.yaml:3: a: duplicate key 'a' (first given on line 1); remove one of them"
    ]


def test_python_tags_are_refused_without_running_anything():
    _, problems = load("a: !!python/object/apply:os.system ['touch /tmp/pwned']\n")
    assert problems == [
        "x.yaml:1: a: the tag '!!python/object/apply:os.system' is not allowed "
        "(only plain values, lists and 'name: value' lines)"
    ]


def test_core_tags_must_fit_how_the_value_is_written():
    doc, problems = load("a: !!str 1.10\nb: !!int 12\nc: !!float 2\nd: !!seq [x]\n")
    assert problems == []
    assert doc.data == {"a": "1.10", "b": 12, "c": 2.0, "d": ["x"]}
    for wrong in (
        "!!int abc",
        "!!float x",
        "!!bool yes",
        "!!null x",
        "!!seq 1.5",
        "!!map [1]",
        "!!int 1.5",
    ):
        doc, problems = load(f"top:\n  a: {wrong}\n")
        tag = wrong.split()[0]
        assert doc is None
        assert problems == [
            f"x.yaml:2: top.a: the tag '{tag}' does not fit this value; remove "
            "it (a value's type comes from how it is written: 12, 1.5, true, "
            "or text)"
        ], wrong


def test_aliases_are_refused_so_alias_bombs_cannot_expand():
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n"
    _, problems = load(bomb)
    assert problems == [
        "x.yaml:2: anchors and aliases (&name, *name) are not supported; "
        "write the values out in full"
    ]


def test_tabs_get_a_plain_explanation():
    _, problems = load("a:\n\t- b\n")
    assert problems == [
        "x.yaml:2: a tab character is used for indenting (YAML needs spaces); "
        "replace tabs with spaces\n"
        "        - b\n"
        "    ^"
    ]


def test_syntax_error_has_line():
    _, problems = load("a: 1\nb: [unclosed\nc: 2\n")
    assert len(problems) == 1 and problems[0].startswith("x.yaml:")
    assert problems[0].startswith("x.yaml:2: this list is not closed; add ']' at its end")


def test_deep_nesting_is_refused():
    _, problems = load("a: " + "[" * 100 + "]" * 100 + "\n")
    assert (
        problems == ["x.yaml:1: nested too deeply (more than 40 levels)"]
        or "nested too deeply" in problems[0]
    )


def test_first_line_offset_for_front_matter():
    problems = Problems()
    load_yaml("a: 1\na: 2\n", "page.md", problems, first_line=2)
    assert str(problems.items[0]).startswith("page.md:3: a: duplicate key")


def test_encodings():
    problems = Problems()
    assert decode_source("\ufeffa: 1".encode(), "x.yaml", problems) == "a: 1"
    assert decode_source("a: 1".encode("utf-16"), "x.yaml", problems) is None
    assert decode_source(b"a: 1\nb: caf\xe9\n", "x.yaml", problems) is None
    assert [str(p) for p in problems.items] == [
        "x.yaml:1: file is saved as UTF-16 (expected UTF-8); save it as UTF-8",
        "x.yaml:2: file contains characters that are not UTF-8 (expected UTF-8 text); "
        "save the file as UTF-8",
    ]
