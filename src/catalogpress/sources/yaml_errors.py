"""YAML syntax errors in plain words, with what to change."""

from __future__ import annotations

import yaml


def explain_syntax_error(exc: yaml.MarkedYAMLError, text: str, mark: yaml.Mark | None) -> str:
    detail = (exc.problem or "invalid YAML").strip()
    lines = text.splitlines()
    if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line]:
        return "a tab character is used for indenting (YAML needs spaces); replace tabs with spaces"
    if "mapping values are not allowed" in detail:
        return (
            "YAML syntax error: a ':' appears where YAML does not expect one; "
            "put text that contains ': ' in quotes"
        )
    if "could not find expected ':'" in detail:
        return "YAML syntax error: expected 'name: value' (is a ':' missing, or a quote unclosed?)"
    return f"YAML syntax error: {detail}"
