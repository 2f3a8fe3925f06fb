"""Declarative field types that check YAML values and convert them to typed data.

A record type is a frozen dataclass whose fields carry a `Spec` in their
metadata (see `fld`); `Record(cls)` then checks a mapping against it, reports
unknown and missing fields, and builds the dataclass. The dataclass is the one
definition of each source format.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from catalogpress.core.characters import DECEPTIVE, deceptive_message, first_deceptive
from catalogpress.core.ids import is_id
from catalogpress.core.suggest import suggest
from catalogpress.schema.checker import Checker, Invalid, Reference, Source
from catalogpress.sources.yamldoc import Path

# Every date lies in these years and every amount below MAX_AMOUNT: wide enough for any
# real catalog, and narrow enough that no date arithmetic or rounding can overflow.
FIRST_YEAR, LAST_YEAR = 1900, 2199
MAX_AMOUNT = Decimal("1000000000000")  # a trillion: more than any rate or quantity
MONEY_RE = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?$")
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")
_DECEPTIVE_SEARCH = DECEPTIVE.search
URL_RE = re.compile(r"^https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[^\s<>\"']*)?$")


class Spec:
    """Checks one value; returns the converted value or raises Invalid."""

    expected = "a value"

    def check(self, value: Any, path: Path, ck: Checker) -> Any:
        raise NotImplementedError

    def fail(self, path: Path, ck: Checker, value: Any, what: str | None = None) -> Invalid:
        ck.error(path, what or f"expected {self.expected}, got {ck.got(path, value)}")
        return Invalid()


class Text(Spec):
    expected = "text"

    def check(self, value: Any, path: Path, ck: Checker) -> str:
        if type(value) is str:  # nearly every value: checked without the questions below
            text = value.strip()
            if text and _DECEPTIVE_SEARCH(text) is None:
                return text
        if isinstance(value, int | float) and not isinstance(value, bool):
            raw = ck.doc.source_text(path) or str(value)
            raise self.fail(
                path,
                ck,
                value,
                f"expected text, got the number {raw} "
                f'(write it in quotes, "{raw}", so it stays exactly as typed)',
            )
        if not isinstance(value, str):
            raise self.fail(path, ck, value)
        text = value.strip()
        if not text:
            raise self.fail(path, ck, value, "must not be empty")
        found = first_deceptive(text)
        if found is not None:
            raise self.fail(path, ck, value, deceptive_message(text[found]))
        return text


class Slug(Text):
    expected = "an id of lowercase letters, digits and hyphens"

    def check(self, value: Any, path: Path, ck: Checker) -> str:
        text = super().check(value, path, ck)
        if not is_id(text):
            raise self.fail(
                path,
                ck,
                value,
                "expected an id of lowercase letters, digits and "
                "single hyphens, starting with a letter (like 'cloud-hosting'), "
                f"got {value!r}",
            )
        return text


class Ref(Slug):
    """An id that must name an existing record of `kind`."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def check(self, value: Any, path: Path, ck: Checker) -> str:
        text = super().check(value, path, ck)
        ck.references.append(Reference(self.kind, text, ck.doc, path))
        return text


# An image the site can show and the PDFs can print: a file in content/images/.
IMAGE_PATH_RE = re.compile(r"^images/(?:[\w-]+/)*[\w.-]+\.(?:png|jpe?g|gif|webp)$", re.I)


class ImageRef(Text):
    """A picture in content/images/, written as the site path images/<name>."""

    expected = "an image path such as images/seal.png"

    def check(self, value: Any, path: Path, ck: Checker) -> str:
        text = super().check(value, path, ck)
        if not IMAGE_PATH_RE.match(text) or ".." in text.split("/"):
            raise self.fail(
                path,
                ck,
                value,
                "expected images/<file>.png (or .jpg, .gif, .webp), a file in "
                f"content/images/, got {text!r}",
            )
        ck.references.append(Reference("image", text, ck.doc, path))
        return text


class Choice(Text):
    def __init__(self, *choices: str) -> None:
        self.choices = choices
        self.expected = "one of " + ", ".join(choices)

    def check(self, value: Any, path: Path, ck: Checker) -> str:
        text = super().check(value, path, ck)
        if text not in self.choices:
            raise self.fail(
                path,
                ck,
                value,
                f"expected one of {', '.join(self.choices)}, got "
                f"{text!r}{suggest(text, self.choices)}",
            )
        return text


class Email(Text):
    expected = "an email address"

    def check(self, value: Any, path: Path, ck: Checker) -> str:
        text = super().check(value, path, ck)
        if not EMAIL_RE.match(text):
            raise self.fail(path, ck, value, f"expected an email address, got {text!r}")
        return text


class Url(Text):
    expected = "a web address starting with https://"

    def check(self, value: Any, path: Path, ck: Checker) -> str:
        text = super().check(value, path, ck)
        if not URL_RE.match(text):
            raise self.fail(
                path,
                ck,
                value,
                f"expected a web address starting with https:// or http://, got {text!r}",
            )
        return text


class Date(Spec):
    expected = "a date written YYYY-MM-DD"

    def check(self, value: Any, path: Path, ck: Checker) -> dt.date:
        if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", value.strip()):
            try:
                return _in_years(dt.date.fromisoformat(value.strip()), self, path, ck, value)
            except ValueError:
                raise self.fail(
                    path,
                    ck,
                    value,
                    f"{value.strip()!r} is not a real date (expected YYYY-MM-DD, like 2026-07-01)",
                ) from None
        raise self.fail(
            path, ck, value, f"expected a date written YYYY-MM-DD, got {ck.got(path, value)}"
        )


class DateTime(Spec):
    """A moment with its UTC offset, like 2026-03-05T04:00-06:00 (a zone name is not
    enough: the offset says exactly when, even across a daylight saving change)."""

    expected = "a date and time with its UTC offset, like 2026-03-05T04:00-06:00"
    PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})$")

    def check(self, value: Any, path: Path, ck: Checker) -> dt.datetime:
        text = value.strip() if isinstance(value, str) else ""
        if not self.PATTERN.match(text):
            raise self.fail(path, ck, value, f"expected {self.expected}, got {ck.got(path, value)}")
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise self.fail(
                path, ck, value, f"{text!r} is not a real date and time (expected {self.expected})"
            ) from None
        _in_years(moment.date(), self, path, ck, value)
        return moment


class Money(Spec):
    """An exact amount. Floats are refused: YAML's 12.85 is not exactly 12.85."""

    expected = 'an amount in quotes, like "12.85"'

    def __init__(self, places: int = 4) -> None:
        self.places = places

    def check(self, value: Any, path: Path, ck: Checker) -> Decimal:
        if isinstance(value, float):
            raw = ck.doc.source_text(path) or str(value)
            raise self.fail(
                path,
                ck,
                value,
                f'expected an amount in quotes, like "{raw}", '
                f"got the number {raw} (without quotes YAML would store it "
                "inexactly)",
            )
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not MONEY_RE.match(value.strip()):
            raise self.fail(
                path,
                ck,
                value,
                f'expected an amount like "12.85" (digits, '
                f"a point, no $ or commas), got {ck.got(path, value)}",
            )
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover - the regex already guards this
            raise self.fail(path, ck, value) from None
        if amount < 0:
            raise self.fail(path, ck, value, f"expected an amount of zero or more, got {value}")
        if amount >= MAX_AMOUNT:
            raise self.fail(
                path, ck, value, f"expected an amount below {MAX_AMOUNT:,}, got {value.strip()}"
            )
        if -amount.as_tuple().exponent > self.places:  # type: ignore[operator]
            raise self.fail(
                path, ck, value, f"expected at most {self.places} decimal places, got {value}"
            )
        return amount


class Integer(Spec):
    def __init__(self, minimum: int = 0, maximum: int = 1_000_000) -> None:
        self.minimum, self.maximum = minimum, maximum
        self.expected = f"a whole number from {minimum} to {maximum:,}"

    def check(self, value: Any, path: Path, ck: Checker) -> int:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not self.minimum <= value <= self.maximum
        ):
            raise self.fail(path, ck, value)
        return value


def _in_years(day: dt.date, spec: Spec, path: Path, ck: Checker, value: Any) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise spec.fail(
            path,
            ck,
            value,
            f"expected a date between {FIRST_YEAR} and {LAST_YEAR}, got {str(value).strip()}",
        )
    return day


class Boolean(Spec):
    expected = "true or false"

    def check(self, value: Any, path: Path, ck: Checker) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, ck, value)
        return value


class ListOf(Spec):
    def __init__(self, item: Spec, min_items: int = 0, unique: bool = False) -> None:
        self.item = item
        self.min_items = min_items
        self.unique = unique
        self.expected = "a list"

    def check(self, value: Any, path: Path, ck: Checker) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise self.fail(
                path,
                ck,
                value,
                f"expected a list (lines starting with '- '), got {ck.got(path, value)}",
            )
        if len(value) < self.min_items:
            raise self.fail(
                path, ck, value, f"expected at least {self.min_items} item(s), got {len(value)}"
            )
        out = []
        for i, item in enumerate(value):
            try:
                converted = self.item.check(item, (*path, i), ck)
            except Invalid:
                continue
            if self.unique and converted in out:
                ck.error((*path, i), f"{converted!r} is listed twice")
                continue
            out.append(converted)
        return tuple(out)


class MapOf(Spec):
    """A mapping from ids to values of one kind."""

    expected = "lines of the form 'id: value'"

    def __init__(self, value: Spec) -> None:
        self.value = value

    def check(self, value: Any, path: Path, ck: Checker) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, ck, value)
        out = {}
        for key, item in value.items():
            try:
                Slug().check(key, (*path, key), ck)
                out[key] = self.value.check(item, (*path, key), ck)
            except Invalid:
                continue
        return out


def fld(spec: Spec, default: Any = dataclasses.MISSING) -> Any:
    """Declare a dataclass field read from YAML with `spec`; no default means required."""
    return dataclasses.field(default=default, metadata={"spec": spec})


class Record(Spec):
    """A mapping checked field by field against a dataclass; builds the dataclass."""

    def __init__(
        self,
        cls: type,
        extra_check: Callable[[Any, Path, Checker], None] | None = None,
    ) -> None:
        self.cls = cls
        self.fields = {f.name: f for f in dataclasses.fields(cls) if "spec" in f.metadata}
        # (name, spec, required) once here, not looked up again for each of 20,000 records
        self.plan = [
            (f.name, f.metadata["spec"], f.default is dataclasses.MISSING)
            for f in self.fields.values()
        ]
        self.has_source = "src" in {f.name for f in dataclasses.fields(cls)}
        self.expected = "lines of the form 'name: value'"
        self.extra_check = extra_check

    def check(self, value: Any, path: Path, ck: Checker) -> Any:
        if not isinstance(value, dict):
            raise self.fail(path, ck, value)
        if not value.keys() <= self.fields.keys():
            for key in value:
                if key not in self.fields:
                    ck.error(
                        (*path, key),
                        f"unknown field '{key}'{suggest(key, self.fields)}"
                        f" (expected one of: {', '.join(self.fields)})",
                    )
        args: dict[str, Any] = {}
        ok = True
        for name, spec, required in self.plan:
            item = value.get(name)
            if item is None and (not required or name not in value):
                if required:
                    ck.error((*path, name), f"missing required field '{name}'")
                    ok = False
                continue
            try:
                args[name] = spec.check(item, (*path, name), ck)
            except Invalid:
                ok = False
        if not ok:
            raise Invalid()
        if self.has_source:
            args["src"] = Source(ck.doc.file, ck.doc.line(path))
        record = self.cls(**args)
        if self.extra_check:
            self.extra_check(record, path, ck)
        return record
