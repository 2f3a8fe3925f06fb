"""The usual YAML mistakes, each named in plain words with what to change, at the line
where the mistake is, and with the line shown and a caret under the spot.

Every case goes through the real CLI on a copy of the fixture site; the report is
pinned exactly, caret line included.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from catalogpress.app.cli import main

from .conftest import MINIMAL_AS_OF

MISTAKES = [
    (
        "over-indented line",
        "catalog.yaml",
        "  short_name: OST",
        "    short_name: OST",
        "catalog.yaml:7: this line is indented more than the line above (4 spaces, where "
        "'name:' on line 6 has 2); line it up with the fields it belongs with, perhaps by "
        "removing 2 spaces\n"
        "        short_name: OST\n"
        "        ^",
    ),
    (
        "under-indented line",
        "catalog.yaml",
        "    name: State agencies",
        "   name: State agencies",
        "catalog.yaml:21: this line is indented less than the line above (3 spaces, where "
        "'id:' on line 20 has 4); line it up with the fields it belongs with, perhaps by "
        "adding 1 space\n"
        "       name: State agencies\n"
        "       ^",
    ),
    (
        "missing dash",
        "catalog.yaml",
        "    name: State agencies",
        "    name: State agencies\n  id: counties\n  name: Counties",
        "catalog.yaml:22: this line lines up with the '- ' of the list item on line 20 but "
        "does not start with '- ': start a new item with '- ', or, if it belongs to the item "
        "above, indent it by 2 spaces more\n"
        "      id: counties\n"
        "      ^",
    ),
    (
        "first item of a list without its dash",
        "catalog.yaml",
        '      - version: "1.0"',
        '        version: "1.0"',
        "catalog.yaml:56: this line should start with '- ', as the next item of the same list "
        "under 'versions:' does on line 68: put '- ' in place of the last two spaces before "
        "the text\n"
        '            version: "1.0"\n'
        "          ^",
    ),
    (
        "missing dash in a list of words",
        "content/services/email.md",
        "  - Mail on any device.",
        "  - Mail on any device.\n  Spam filtering.",
        "content/services/email.md:7: this line is in a list but does not start with '- ' "
        "like the items above; write '- Spam filtering.'\n"
        "      Spam filtering.\n"
        "      ^",
    ),
    (
        "missing space after a colon",
        "catalog.yaml",
        "  short_name: OST",
        "  short_name:OST",
        "catalog.yaml:7: a space is missing after the ':' (write 'short_name: OST', not "
        "'short_name:OST')\n"
        "      short_name:OST\n"
        "                 ^",
    ),
    (
        "unclosed quote",
        "catalog.yaml",
        'phone: "555-0100"',
        'phone: "555-0100',
        'catalog.yaml:11: this quote (") is never closed; add a closing " at the end of the '
        "text\n"
        '        phone: "555-0100\n'
        "               ^",
    ),
    (
        "text after a closing quote",
        "catalog.yaml",
        'phone: "555-0100"',
        'phone: "555-0100" ext. 4',
        'catalog.yaml:11: there is text after the closing quote ("); put the whole text '
        "inside the quotes\n"
        '        phone: "555-0100" ext. 4\n'
        "                         ^",
    ),
    (
        "tab used for indenting",
        "catalog.yaml",
        "  short_name: OST",
        "\tshort_name: OST",
        "catalog.yaml:7: a tab character is used for indenting (YAML needs spaces); replace "
        "tabs with spaces\n"
        "        short_name: OST\n"
        "    ^",
    ),
    (
        "text with ': ' that needs quotes",
        "catalog.yaml",
        "  mission: We run the computers and networks that state agencies share.",
        "  mission: We run one thing: the computers.",
        "catalog.yaml:9: the text after 'mission:' contains ': ', which YAML reads as a new "
        'field; put the whole text in quotes: mission: "We run one thing: the computers."\n'
        "      mission: We run one thing: the computers.\n"
        "                               ^",
    ),
    (
        "missing colon",
        "catalog.yaml",
        "  short_name: OST",
        "  short_name OST",
        "catalog.yaml:7: a ':' is missing after the field's name (expected 'name: value')\n"
        "      short_name OST\n"
        "                ^",
    ),
    (
        "list item indented too far",
        "catalog.yaml",
        "  - id: hosting",
        "   - id: hosting",
        "catalog.yaml:27: this list item is indented 3 spaces, but the item on line 24 has "
        "2; line up the '- ' of items in one list\n"
        "       - id: hosting\n"
        "       ^",
    ),
    (
        "list item not indented enough",
        "catalog.yaml",
        "  - id: hosting",
        " - id: hosting",
        "catalog.yaml:27: this list item is indented 1 space, but the item on line 24 has "
        "2; line up the '- ' of items in one list\n"
        "     - id: hosting\n"
        "     ^",
    ),
    (
        "unclosed list",
        "catalog.yaml",
        "included: [50 GB mailbox]",
        "included: [50 GB mailbox",
        "catalog.yaml:60: this list is not closed; add ']' at its end (and put text that "
        "contains a comma or a bracket in quotes)\n"
        "            included: [50 GB mailbox\n"
        "                      ^",
    ),
    (
        "a value starting with @",
        "catalog.yaml",
        "  short_name: OST",
        "  short_name: @OST",
        "catalog.yaml:7: a value cannot start with @; put the whole text in quotes\n"
        "      short_name: @OST\n"
        "                  ^",
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "report"),
    [case[1:] for case in MISTAKES],
    ids=[case[0] for case in MISTAKES],
)
def test_a_yaml_mistake_is_explained_with_the_line_and_a_caret(scratch, file, old, new, report):
    scratch.replace(file, old, new)
    result = CliRunner().invoke(main, ["check", "-C", str(scratch.root), "--as-of", "2025-11-01"])
    assert result.exit_code == 1
    assert result.output == report + "\n1 problem found; nothing was written.\n"


def test_the_preview_error_page_shows_the_line_and_the_caret(scratch, tmp_path):
    from catalogpress.app.preview import Preview

    from .test_preview import call

    preview = Preview(scratch.root, tmp_path / "preview", MINIMAL_AS_OF)
    scratch.replace("catalog.yaml", "  short_name: OST", "  short_name:OST")
    preview.rebuild()
    status, _, body = call(preview, "/")
    assert status.startswith("500")
    assert (
        b"<pre>      short_name:OST\n                 ^</pre>" in body
        and b"A space is missing after the" in body
    )
