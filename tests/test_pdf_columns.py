"""The printed documents' two columns are split by pdf/columns.py, not balanced by
WeasyPrint (which laid a brochure out again and again: 3.3 s instead of 0.6 s)."""

from __future__ import annotations

import re

from markupsafe import Markup

from catalogpress.pdf.columns import split_groups, split_html


def test_a_list_of_two_parts_splits_near_the_middle_and_names_each_part_once():
    included = [f"Included item number {n}" for n in range(6)]
    excluded = ["Not this", "Nor that"]
    left, right = split_groups([("Included", included), ("Not included", excluded)])
    assert left[0].title == "Included"
    items = [i for run in left + right for i in run.items]
    assert items == included + excluded  # reading order kept
    assert [run.title for run in left + right if run.title] == ["Included", "Not included"]
    assert abs(sum(len(r.items) for r in left) - sum(len(r.items) for r in right)) <= 2


def test_a_heading_never_ends_the_first_column():
    for count in range(1, 6):
        columns = split_groups([("A", ["one"] * count), ("B", ["two"])])
        for run in columns[0]:
            assert run.items, (count, columns)


def test_a_short_list_stays_in_one_column_only_when_it_has_one_item():
    assert len(split_groups([("", ["only"])])) == 1
    assert len(split_groups([("", ["one", "two"])])) == 2
    assert split_groups([("", [])]) == []


def test_html_is_cut_between_blocks_and_keeps_its_markup():
    html = Markup("<p>First &amp; one.</p>\n<p>Second.</p>\n<h3>Heading</h3>\n<p>Third.</p>")
    halves = split_html(html)
    assert "".join(halves).replace("\n", "") == str(html).replace("\n", "")
    assert all(isinstance(h, Markup) for h in halves)
    assert not halves[0].rstrip().endswith("</h3>")  # a heading starts a column
    assert "&amp;" in halves[0] and "&amp;amp;" not in "".join(halves)


def test_a_long_paragraph_is_cut_at_a_space_with_its_inline_elements_reopened():
    words = " ".join(f"word{n}" for n in range(40))
    linked = " ".join(f"linked{n}" for n in range(60))
    html = f'<p>{words} <a href="https://x.example/"><abbr title="t">A</abbr> {linked}</a> end.</p>'
    halves = split_html(Markup(html))
    assert len(halves) == 2
    for half in halves:
        assert half.startswith("<p>") and half.endswith("</p>")
        assert half.count("<a ") == half.count("</a>") == 1
    text = " ".join(re.sub(r"<[^>]+>", "", h) for h in halves)
    assert text.split() == re.sub(r"<[^>]+>", "", html).split()  # no word lost or doubled


def test_a_short_paragraph_or_a_list_alone_is_not_split():
    for html in ["<p>Only one paragraph.</p>", "<ul><li>One</li><li>Two</li></ul>"]:
        assert split_html(Markup(html)) == [Markup(html)]
