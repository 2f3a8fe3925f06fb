"""YAML syntax errors in plain words: which line, what is wrong there, and what to change.

PyYAML says what its parser expected ("did not find expected '-' indicator"), and
often on the line after the mistake. The usual mistakes of people who write YAML by
hand (indentation, a missing dash, a missing space after a colon, an unclosed quote,
tabs) each leave a recognisable shape in the lines around the error, so the text is
read again here to name the mistake and point at the spot with a caret.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

_LEAD = re.compile(r"^( *)((?:- +)*)")  # the indentation, and any "- " list dashes after it
_KEY = re.compile(r"^ *(?:- +)*([^\s#'\"\-][^:#]*?):(?: |$)")  # a "name:" at the line's start
_NO_SPACE = re.compile(r"^ *(?:- +)*([A-Za-z_][\w-]*):(?![\s/:]|$)")  # "name:value", not a URL
_TAB_INDENT = re.compile(r"^[ ]*\t")
_TAB_SHOWN = 4  # spaces a tab is shown as in the excerpt, so the caret lines up


@dataclass(frozen=True)
class Explained:
    """A syntax error in plain words, and the spot it is at (0-based line and column)."""

    line: int
    column: int
    message: str
    excerpt: str


def explain_syntax_error(exc: yaml.MarkedYAMLError, text: str) -> Explained:
    """What went wrong, where, and what to change; with the line and a caret under the spot."""
    lines = text.split("\n")
    problem, context = exc.problem_mark, exc.context_mark
    at = problem or context
    line = min(at.line, len(lines) - 1) if at else 0
    spot = (line, at.column if at else 0)
    first = min(context.line, line) if context else max(0, line - 1)
    reading = _Reading(lines, exc, first, line, spot)
    found = reading.tab() or reading.quote() or reading.no_space() or reading.by_kind()
    where_line, where_column, message = found
    return Explained(where_line, where_column, message, excerpt(lines, where_line, where_column))


def excerpt(lines: list[str], line: int, column: int) -> str:
    """The line, and a caret under `column` (tabs shown as spaces)."""
    text = lines[line] if 0 <= line < len(lines) else ""
    shown_column = len(text[:column].expandtabs(_TAB_SHOWN))
    return f"    {text.expandtabs(_TAB_SHOWN)}\n    {' ' * shown_column}^"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content_column(line: str) -> int:
    """Where the line's text starts, after its indentation and any "- " dashes."""
    match = _LEAD.match(line)
    return match.end() if match else 0


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#") and stripped != "---"


def _spaces(count: int) -> str:
    return f"{count} space{'s' if count != 1 else ''}"


Found = tuple[int, int, str]  # line, column, message


class _Reading:
    """The lines around one error, and the checks for each usual mistake."""

    def __init__(
        self,
        lines: list[str],
        exc: yaml.MarkedYAMLError,
        first: int,
        line: int,
        spot: tuple[int, int],
    ) -> None:
        self.lines, self.exc, self.first, self.line, self.spot = lines, exc, first, line, spot
        self.problem = (exc.problem or "").strip()

    def previous(self, index: int) -> int | None:
        """The nearest line above `index` with content (not blank, not a comment)."""
        for i in range(index - 1, -1, -1):
            if _is_content(self.lines[i]):
                return i
        return None

    def around(self) -> range:
        """From where the parser's context began (an open quote, say) to the error."""
        return range(self.first, self.line + 1)

    def nearby(self) -> list[int]:
        """The line of the error, the line above it, and where its context began: a
        context can be the whole file, and a mistake found far away would be a guess."""
        above = self.previous(self.line)
        return sorted({self.first, self.line, *([above] if above is not None else [])})

    def tab(self) -> Found | None:
        for i in self.nearby():
            if _TAB_INDENT.match(self.lines[i]):
                return (
                    i,
                    self.lines[i].index("\t"),
                    "a tab character is used for indenting (YAML needs spaces); replace "
                    "tabs with spaces",
                )
        return None

    def quote(self) -> Found | None:
        """A quoted value whose quote is never closed, or with text after the closing one."""
        for i in self.around():
            text = self.lines[i]
            match = _KEY.match(text) or _LEAD.match(text)
            start = match.end() if match else 0
            value = text[start:].lstrip(" ")
            if not value or value[0] not in "\"'":
                continue
            column = len(text) - len(text[start:].lstrip(" "))
            quote = value[0]
            end = _closing_quote(value, quote)
            if end is None:
                return (
                    i,
                    column,
                    f"this quote ({quote}) is never closed; add a closing {quote} at the end "
                    "of the text",
                )
            rest = value[end + 1 :].strip()
            if rest and not rest.startswith("#") and rest[0] not in ",]}":
                return (
                    i,
                    column + end + 1,
                    f"there is text after the closing quote ({quote}); put the whole text "
                    "inside the quotes",
                )
        return None

    def no_space(self) -> Found | None:
        for i in self.nearby():
            match = _NO_SPACE.match(self.lines[i])
            if match:
                name = match.group(1)
                value = self.lines[i][match.end() :].strip()
                return (
                    i,
                    match.end(),
                    f"a space is missing after the ':' (write '{name}: {value}', "
                    f"not '{name}:{value}')",
                )
        return None

    def by_kind(self) -> Found:
        problem = self.problem
        if "mapping values are not allowed" in problem:
            return self.unexpected_colon()
        if "expected '-' indicator" in problem:
            return self.in_a_list()
        if "did not find expected key" in problem:
            return self.indentation(self.line)
        if "could not find expected ':'" in problem:
            return self.missing_colon()
        if "cannot start any token" in problem:
            line, column = self.spot
            shown = self.lines[line][column : column + 1] or "this character"
            return (
                *self.spot,
                f"a value cannot start with {shown}; put the whole text in quotes",
            )
        if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
            context = self.exc.context_mark
            where = (context.line, context.column) if context else self.spot
            closing = "]" if "']'" in problem else "}"
            return (
                *where,
                f"this list is not closed; add '{closing}' at its end (and put text that "
                "contains a comma or a bracket in quotes)",
            )
        return (*self.spot, f"YAML syntax error: {problem or 'invalid YAML'}")

    def unexpected_colon(self) -> Found:
        line, column = self.spot
        text = self.lines[line]
        above = self.previous(line)
        if above is not None and _indent(self.lines[above]) == _indent(text):
            if ":" not in self.lines[above] and not self.lines[above].lstrip().startswith("-"):
                return _missing_colon(above, self.lines[above])
        if above is not None and _KEY.match(self.lines[above]):
            after = self.lines[above].split(":", 1)[1].split("#", 1)[0].strip()
            if after and _indent(text) > _content_column(self.lines[above]):
                return self.misaligned(line, above)
        key = _KEY.match(text)
        if key and column > key.end():
            value = text[key.end() :].strip()
            quoted = '"' + value + '"' if '"' not in value else "'" + value.replace("'", "''") + "'"
            return (
                line,
                column,
                f"the text after '{key.group(1).strip()}:' contains ': ', which YAML reads as "
                f"a new field; put the whole text in quotes: {key.group(1).strip()}: {quoted}",
            )
        return self.indentation(line)

    def in_a_list(self) -> Found:
        line = self.line
        text = self.lines[line]
        context = self.exc.context_mark
        if context is None:
            return self.indentation(line)
        dash_line, dash_column = context.line, context.column
        items_at = _content_column(self.lines[dash_line])
        indent = _indent(text)
        if indent == dash_column and not text.lstrip().startswith("-"):
            return (
                line,
                indent,
                f"this line lines up with the '- ' of the list item on line {dash_line + 1} "
                "but does not start with '- ': start a new item with '- ', or, if it belongs "
                f"to the item above, indent it by {_spaces(items_at - dash_column)} more",
            )
        if text.lstrip().startswith("-"):
            return (
                line,
                indent,
                f"this list item is indented {_spaces(indent)}, but the item on line "
                f"{dash_line + 1} has {dash_column}; line up the '- ' of items in one list",
            )
        return self.indentation(line)

    def missing_colon(self) -> Found:
        context = self.exc.context_mark
        line = context.line if context else self.line
        text = self.lines[line]
        above = self.previous(line)
        if (
            above is not None
            and self.lines[above].lstrip().startswith("- ")
            and _indent(self.lines[above]) == _indent(text)
        ):
            return (
                line,
                _indent(text),
                "this line is in a list but does not start with '- ' like the items above; "
                f"write '- {text.strip()}'",
            )
        return _missing_colon(line, text)

    def indentation(self, line: int) -> Found:
        text = self.lines[line]
        if text.lstrip().startswith("- "):
            lost = self.lost_dash(line)
            if lost is not None:
                return lost
            for i in range(line - 1, -1, -1):
                other = self.lines[i]
                if other.lstrip().startswith("- ") and _indent(other) != _indent(text):
                    return (
                        line,
                        _indent(text),
                        f"this list item is indented {_spaces(_indent(text))}, but the item "
                        f"on line {i + 1} has {_indent(other)}; line up the '- ' of items in "
                        "one list",
                    )
        above = self.previous(line)
        if above is None:
            return (*self.spot, f"YAML syntax error: {self.problem or 'invalid YAML'}")
        return self.misaligned(line, above)

    def lost_dash(self, line: int) -> Found | None:
        """A list item whose list has no other '- ' at its indentation: the first item
        lost its dash, so YAML read it as fields and cannot fit this item after them."""
        text = self.lines[line]
        indent = _indent(text)
        parent = next(
            (
                i
                for i in range(line - 1, -1, -1)
                if _is_content(self.lines[i]) and _indent(self.lines[i]) < indent
            ),
            None,
        )
        if parent is None:
            return None
        between = [i for i in range(parent + 1, line) if _is_content(self.lines[i])]
        if not between or any(_indent(self.lines[i]) <= indent for i in between):
            return None
        first = between[0]
        if _indent(self.lines[first]) != _content_column(text):
            return None
        name = _KEY.match(self.lines[parent])
        under = f" under '{name.group(1).strip()}:'" if name else ""
        return (
            first,
            indent,
            f"this line should start with '- ', as the next item of the same list{under} "
            f"does on line {line + 1}: put '- ' in place of the last two spaces before the "
            "text",
        )

    def misaligned(self, line: int, above: int) -> Found:
        text, upper = self.lines[line], self.lines[above]
        indent, upper_at = _indent(text), _content_column(upper)
        name = _KEY.match(upper)
        what = f"'{name.group(1).strip()}:'" if name else "the text"
        if indent == upper_at:
            return (
                *self.spot,
                "YAML cannot read this line here; check that it reads 'name: value' and "
                "that it is indented like the fields it belongs with",
            )
        how, change = ("more", "removing") if indent > upper_at else ("less", "adding")
        return (
            line,
            indent,
            f"this line is indented {how} than the line above ({_spaces(indent)}, where "
            f"{what} on line {above + 1} has {upper_at}); line it up with the fields it "
            f"belongs with, perhaps by {change} {_spaces(abs(indent - upper_at))}",
        )


def _missing_colon(line: int, text: str) -> Found:
    words = text.split()
    column = _indent(text) + len(words[0]) if words else 0
    return (line, column, "a ':' is missing after the field's name (expected 'name: value')")


def _closing_quote(value: str, quote: str) -> int | None:
    """Index of the quote that closes `value` (which starts with it), or None."""
    i = 1
    while i < len(value):
        char = value[i]
        if quote == '"' and char == "\\":
            i += 2
            continue
        if char == quote:
            if quote == "'" and value[i + 1 : i + 2] == "'":
                i += 2  # '' is a quote inside single quotes
                continue
            return i
        i += 1
    return None
