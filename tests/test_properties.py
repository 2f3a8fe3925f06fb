"""Property tests: the loader, id rules, the sanitizer and money arithmetic hold for any input."""

from __future__ import annotations

import html.parser
import re
import string
from decimal import Decimal

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogpress.core.errors import Problems
from catalogpress.core.ids import SLUG_RE
from catalogpress.model.markdown import sanitize
from catalogpress.model.rate_changes import LineChange
from catalogpress.render.numbers import format_money
from catalogpress.schema.checker import Checker, Invalid
from catalogpress.schema.fields import Money, Slug, Text
from catalogpress.sources.yamldoc import Doc
from catalogpress.sources.yamlfile import load_yaml

from .conftest import examples

FAST = settings(max_examples=examples(200), deadline=None)


def checker(data: object) -> Checker:
    return Checker(Doc("x.yaml", data), Problems(), [])


@FAST
@given(st.text())
def test_loader_never_raises(text):
    problems = Problems()
    doc = load_yaml(text, "x.yaml", problems)
    assert doc is not None or problems.items


@FAST
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")))
def test_quoted_text_round_trips_exactly(value):
    dumped = yaml.safe_dump({"k": value}, allow_unicode=True, default_style='"')
    problems = Problems()
    doc = load_yaml(dumped, "x.yaml", problems)
    assert problems.items == [] and doc is not None and doc.data == {"k": value}


YAML11 = [
    "NO",
    "no",
    "yes",
    "Yes",
    "on",
    "off",
    "y",
    "n",
    "~",
    "1.10",
    "0777",
    "22:30",
    "2026-13-40",
    "0x1F",
    "1e3",
    ".inf",
    "null",
    "true",
]


@given(st.sampled_from(YAML11))
def test_yaml_11_words_never_change_silently(word):
    problems = Problems()
    doc = load_yaml(f"k: {word}\n", "x.yaml", problems)
    assert doc is not None
    ck = checker(doc.data)
    ck.doc = doc
    try:
        value = Text().check(doc.data["k"], ("k",), ck)
    except Invalid:
        assert ck.problems.items[0].field == "k"  # refused, and says where
    else:
        assert value == word  # or kept exactly as typed


@FAST
@given(st.text(max_size=80))
def test_accepted_slugs_are_safe_path_parts(value):
    ck = checker(value)
    try:
        slug = Slug().check(value, ("id",), ck)
    except Invalid:
        return
    assert re.fullmatch(r"[a-z0-9-]{1,64}", slug)
    assert "/" not in slug and ".." not in slug and not slug.startswith((".", "-"))


LOWER_ALNUM = string.ascii_lowercase + string.digits
# What SLUG_RE matches, built from its parts: a letter, letters and digits, then
# hyphenated runs of them. st.from_regex(SLUG_RE) draws the same words four times slower.
WELL_FORMED_SLUGS = st.builds(
    lambda first, rest, runs: first + rest + "".join("-" + run for run in runs),
    st.sampled_from(string.ascii_lowercase),
    st.text(LOWER_ALNUM, max_size=24),
    st.lists(st.text(LOWER_ALNUM, min_size=1, max_size=12), max_size=5),
).filter(lambda s: len(s) <= 64)


@given(WELL_FORMED_SLUGS)
def test_well_formed_slugs_are_accepted(value):
    assert SLUG_RE.fullmatch(value)
    assert Slug().check(value, ("id",), checker(value)) == value


DANGER = [
    "<script>",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:",
    "<a href='",
    "'>",
    "<svg onload=x>",
    "<iframe>",
    "<style>",
    '" onclick="x',
    "<!--",
    "-->",
    "&#",
    "java\tscript:",
    "<math>",
    "<p>",
    "<b>",
    "text",
    " ",
    "<a href=javascript:x>",
]


@FAST
@given(st.lists(st.sampled_from(DANGER), max_size=12).map("".join))
def test_sanitizer_output_is_inert_and_stable(html):
    clean = sanitize(html)
    parser = _Tags()
    parser.feed(clean)
    for tag, attrs in parser.seen:
        assert tag not in {"script", "iframe", "style", "svg", "math", "object", "embed"}
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert not re.match(r"\s*java\s*script:", value or "", re.I), (tag, value)
    assert sanitize(clean) == clean


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, attrs))


amounts = st.decimals(
    min_value=0, max_value=Decimal("99999999"), places=4, allow_nan=False, allow_infinity=False
)


@FAST
@given(amounts)
def test_money_is_exact(amount):
    text = f"{amount:f}"
    assert Money().check(text, ("amount",), checker(text)) == amount
    shown = format_money(amount)
    assert Decimal(shown.lstrip("$").replace(",", "")) == amount


@FAST
@given(amounts, amounts)
def test_rate_change_arithmetic(old, new):
    change = LineChange("s", "i", None, "each", old, new)
    assert old + change.difference == new
    if old:
        assert abs(change.percent - (new - old) / old * 100) <= Decimal("0.05")
    assert change.kind == ("up" if new > old else "down" if new < old else "same")
