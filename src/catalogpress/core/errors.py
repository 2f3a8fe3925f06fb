"""Problems found in a site's sources, and the exception that carries them.

Engine code never prints; it collects `Problem`s so that one run can report
every mistake at once, and the CLI decides how to show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catalogpress.core.characters import shown


@dataclass(frozen=True)
class Problem:
    """One mistake in one source file, pointing at the line and field."""

    file: str
    line: int
    field: str
    message: str
    severity: str = "error"  # "error" stops the build; "warning" does not
    excerpt: str = ""  # the source line with a caret under the spot, for syntax errors
    column: int = 0  # 1-based, for files of cells (CSV); 0: the line is enough

    def __lt__(self, other: Problem) -> bool:
        """Sorted by where they are: file, line, then column, then the rest."""
        return self._key() < other._key()

    def _key(self) -> tuple[str, int, int, str, str, str, str]:
        return (
            self.file,
            self.line,
            self.column,
            self.field,
            self.message,
            self.severity,
            self.excerpt,
        )

    def __str__(self) -> str:
        # Names and messages can quote what an author typed: printed as escapes, the
        # characters that move a terminal's cursor or reorder a line cannot fake output.
        file, field, message = shown(self.file), shown(self.field), shown(self.message, "\n\t")
        where = f"{file}:{self.line}" if self.line else file
        where = f"{where}:{self.column}" if self.line and self.column else where
        parts = [where, field, message] if field else [where, message]
        text = ": ".join(parts)
        text = f"warning: {text}" if self.severity == "warning" else text
        return f"{text}\n{self.excerpt}" if self.excerpt else text


@dataclass
class Problems:
    """An ordered collection of problems found during one run."""

    items: list[Problem] = field(default_factory=list)

    def add(
        self,
        file: str,
        line: int,
        field_path: str,
        message: str,
        *,
        warning: bool = False,
        excerpt: str = "",
        column: int = 0,
    ) -> None:
        severity = "warning" if warning else "error"
        self.items.append(Problem(file, line, field_path, message, severity, excerpt, column))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise SiteError(sorted(set(self.errors)), sorted(set(self.warnings)))


class SiteError(Exception):
    """The sources have mistakes; nothing was written.

    Raised by the load and validate stages (bad content) and by render (a theme
    template that fails); carries every problem found, not just the first.
    """

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None) -> None:
        self.problems = problems
        self.warnings = warnings or []
        super().__init__("\n".join(str(p) for p in problems))
