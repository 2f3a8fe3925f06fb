"""The one policy for characters that deceive, in every source text and every message.

Invisible characters can make text read differently from what it says: bidi overrides
and isolates reorder it (a price or a file name shown backwards), zero-width characters
split words so searches and checks miss them, and control characters break the feed and
the calendar or, printed in a terminal, move the cursor and fake lines of output. None
of them belongs in a service catalog, so sources may not contain them, whether typed
directly or written as a YAML escape, and messages show any that reach them escaped.
"""

from __future__ import annotations

import html
import re
import unicodedata

_NAMES = {
    0x061C: "arabic letter mark",
    0x200B: "zero-width space",
    0x200C: "zero-width non-joiner",
    0x200D: "zero-width joiner",
    0x200E: "left-to-right mark",
    0x200F: "right-to-left mark",
    0x202A: "left-to-right embedding",
    0x202B: "right-to-left embedding",
    0x202C: "pop directional formatting",
    0x202D: "left-to-right override",
    0x202E: "right-to-left override",
    0x2060: "word joiner",
    0x2066: "left-to-right isolate",
    0x2067: "right-to-left isolate",
    0x2068: "first strong isolate",
    0x2069: "pop directional isolate",
    0xFEFF: "zero-width no-break space",
}
# Tab, line feed and carriage return are layout; every other C0 and C1 control is not.
_CONTROLS = [c for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)] if c not in (9, 10, 13)]
DECEPTIVE = re.compile(
    "[" + "".join(f"\\x{c:02x}" for c in _CONTROLS) + "".join(f"\\u{c:04x}" for c in _NAMES) + "]"
)


def describe(char: str) -> str:
    """'U+202E (right-to-left override)'."""
    code = ord(char)
    name = _NAMES.get(code) or unicodedata.name(char, "").lower() or "control character"
    return f"U+{code:04X} ({name})"


# In ASCII text only these can deceive; looked for byte-wise first (see first_deceptive).
_ASCII_REFUSED = bytes(c for c in _CONTROLS if c < 0x80)


def first_deceptive(text: str) -> int | None:
    """The offset of the first character the policy refuses, or None."""
    if text.isascii():
        # Sources are nearly always ASCII: a 5 MB catalog and rate sheet pass through
        # bytes.translate in half the time the pattern takes to scan them.
        data = text.encode("ascii")
        if len(data.translate(None, _ASCII_REFUSED)) == len(data):
            return None
    found = DECEPTIVE.search(text)
    return found.start() if found else None


def deceptive_message(char: str) -> str:
    """What to tell an author whose text holds `char`."""
    return (
        f"contains the invisible character {describe(char)}, which can make text read "
        "differently from what it says; delete it (retype the text around it if unsure)"
    )


def shown(text: str, keep: str = "") -> str:
    """Text safe to print: every refused character, and tab, line feed and carriage return
    unless in `keep`, written as an escape, so a file name or a link target cannot move
    the cursor, reorder the line or fake a line of output."""
    return "".join(
        f"\\u{ord(c):04x}" if (c in "\t\n\r" and c not in keep) or DECEPTIVE.match(c) else c
        for c in text
    )


_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")


def first_deceptive_entity(text: str) -> tuple[int, str] | None:
    """(offset, character) of the first HTML character reference in markdown that a
    browser would turn into a refused character (&#x202e;, &rlm;, &ZeroWidthSpace;)."""
    for match in _ENTITY.finditer(text):
        decoded = html.unescape(match.group())
        if decoded != match.group() and first_deceptive(decoded) is not None:
            return match.start(), decoded[first_deceptive(decoded) or 0]
    return None
