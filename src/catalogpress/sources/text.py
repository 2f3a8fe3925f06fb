"""Source bytes to text: UTF-8 only, with an error that says how to fix the file."""

from __future__ import annotations

from catalogpress.core.characters import deceptive_message, first_deceptive
from catalogpress.core.errors import Problems

MAX_BYTES = 40_000_000  # room for 10,000 services; stops runaway files early


def decode_source(data: bytes, file: str, problems: Problems) -> str | None:
    """Bytes to text: UTF-8 only (a leading BOM is tolerated), with a helpful error."""
    if len(data) > MAX_BYTES:
        problems.add(
            file, 1, "", f"file is too large ({len(data):,} bytes; the limit is {MAX_BYTES:,})"
        )
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(file, 1, "", "file is saved as UTF-16 (expected UTF-8); save it as UTF-8")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(
            file,
            line,
            "",
            "file contains characters that are not UTF-8 "
            "(expected UTF-8 text); save the file as UTF-8",
        )
        return None
    if "\x00" in text:
        problems.add(
            file,
            text[: text.index("\x00")].count("\n") + 1,
            "",
            "file contains a NUL character (expected plain text)",
        )
        return None
    text = text.removeprefix("\ufeff")
    found = first_deceptive(text)
    if found is not None:
        line_start = text.rfind("\n", 0, found) + 1
        problems.add(
            file,
            text.count("\n", 0, found) + 1,
            "",
            f"column {found - line_start + 1} {deceptive_message(text[found])}",
        )
        return None
    return text
