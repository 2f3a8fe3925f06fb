"""The JSON Schema pieces the open data files are described with, written once."""

from __future__ import annotations

from typing import Any

MONEY = {
    "type": "string",
    "pattern": r"^[0-9]+(\.[0-9]{1,4})?$",
    "description": "An exact amount in US dollars, as a decimal string.",
}
QUANTITY = {
    "type": "string",
    "pattern": r"^[0-9]+(\.[0-9]{1,4})?$",
    "description": "An exact quantity in the line's unit, as a decimal string.",
}
DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
DATETIME = {"type": "string", "format": "date-time"}
TEXT = {"type": "string", "minLength": 1}
ID = {"type": "string", "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$"}
URL = {"type": "string", "format": "uri", "pattern": "^https?://"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def json_object(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object with exactly these properties, all required but the `optional` ones."""
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "required": [name for name in properties if name not in optional],
    }
