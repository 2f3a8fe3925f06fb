"""CSV that remembers where every cell came from.

Offices export measurements from a service desk or monitoring tool as CSV
(RFC 4180: commas, double quotes, a doubled quote inside quotes, CRLF or LF line
ends, line breaks inside quotes). Python's csv module gives only a record's last
line, so this small reader keeps the line and column of each cell, and later
stages can point at the very cell that is wrong. Nothing is interpreted here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from catalogpress.core.errors import Problems
from catalogpress.sources.images import is_inside
from catalogpress.sources.text import decode_source


class Cell(NamedTuple):  # a tuple: a file has many cells, and tuples are quick to make
    text: str
    line: int  # 1-based
    column: int  # 1-based, in characters


@dataclass(frozen=True)
class CsvRow:
    line: int  # the line the row starts on
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class CsvTable:
    file: str  # relative to the project, e.g. "performance.csv"
    header: tuple[Cell, ...]
    rows: tuple[CsvRow, ...]  # blank lines left out


def load_csv(root: Path, name: str, problems: Problems) -> CsvTable | None:
    """`name` read as CSV; None when the file is absent (it is optional) or unreadable."""
    path = root / name
    if not path.exists() and not path.is_symlink():
        return None
    if not path.is_file() or not is_inside(path, root):
        problems.add(name, 0, "", "this file links outside the project, or is not a file")
        return None
    text = decode_source(path.read_bytes(), name, problems)
    if text is None:
        return None
    rows = parse_csv(text, name, problems)
    if rows is None:
        return None
    if not rows:
        problems.add(
            name,
            1,
            "",
            f"{name} is empty (expected a header line naming the columns; see "
            "docs/formats.md), or delete the file",
        )
        return None
    return CsvTable(name, rows[0].cells, tuple(rows[1:]))


def parse_csv(text: str, file: str, problems: Problems) -> list[CsvRow] | None:
    """The rows of `text`, each cell with its position; None after a quoting mistake.

    A line without quotes is split at its commas; a row with quotes is read character
    by character (it may run over several lines)."""
    rows: list[CsvRow] = []
    i, line, n = 0, 1, len(text)
    while i < n:
        newline = text.find("\n", i)
        end = n if newline < 0 else newline
        plain = text[i : end - 1] if end > i and text[end - 1] == "\r" else text[i:end]
        if '"' not in plain and "\r" not in plain:
            cells, column = [], 1
            for part in plain.split(","):
                cells.append(Cell(part, line, column))
                column += len(part) + 1
            _end_row(rows, line, cells)
            i, line = end + 1, line + 1
            continue
        read = _quoted_row(text, i, line, file, problems)
        if read is None:
            return None
        cells, i, after = read
        _end_row(rows, line, cells)
        line = after
    return rows


def _quoted_row(
    text: str, i: int, line: int, file: str, problems: Problems
) -> tuple[list[Cell], int, int] | None:
    """The row starting at `text[i]` (on `line`), where it ends, and the next line."""
    cells: list[Cell] = []
    buf: list[str] = []
    column = 1  # where the next character is
    start = (line, 1)  # where the current cell starts
    quoted = False  # inside a quoted cell
    was_quoted = False  # the current cell was quoted (and is now closed)
    n = len(text)
    while i < n:
        char = text[i]
        if quoted:
            if char == '"':
                if i + 1 < n and text[i + 1] == '"':
                    buf.append('"')
                    i, column = i + 2, column + 2
                    continue
                quoted, was_quoted = False, True
            else:
                buf.append(char)
                if char == "\n":
                    line, column = line + 1, 0
            i, column = i + 1, column + 1
            continue
        if char == '"' and not buf and not was_quoted:
            quoted = True
        elif char == ",":
            cells.append(Cell("".join(buf), *start))
            buf, was_quoted, start = [], False, (line, column + 1)
        elif char in "\r\n":
            if char == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
            cells.append(Cell("".join(buf), *start))
            return cells, i + 1, line + 1
        elif was_quoted:
            problems.add(
                file,
                line,
                "",
                "text after a closing quote (expected a comma or the end of the line; write "
                'a quote inside a quoted cell as two quotes "")',
                column=column,
            )
            return None
        else:
            buf.append(char)
        i, column = i + 1, column + 1
    if quoted:
        problems.add(
            file,
            start[0],
            "",
            'a quoted cell is never closed (expected a closing quote ")',
            column=start[1],
        )
        return None
    cells.append(Cell("".join(buf), *start))
    return cells, i, line + 1


def _end_row(rows: list[CsvRow], line: int, cells: list[Cell]) -> None:
    if len(cells) == 1 and not cells[0].text.strip():
        return  # a blank line
    rows.append(CsvRow(line, tuple(cells)))
