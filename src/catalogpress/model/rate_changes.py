"""Rate change notices: what moved between two fiscal years' rate sheets.

Pure arithmetic on exact decimals; lines are matched by service, item and
customer class, so a renamed item shows as one discontinued and one new line.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from catalogpress.model.money import TENTH, percent_change
from catalogpress.schema.rates import RateLine, RateSheet

LineKey = tuple[str, str, str | None]


@dataclass(frozen=True)
class LineChange:
    service: str
    item: str
    customer_class: str | None
    unit: str
    old: Decimal | None  # None: a new line
    new: Decimal | None  # None: discontinued
    pricing: str = "rate"  # next year's (see schema/rates.py); old and new are the markup
    # percentages of a markup line, and 0 for a line passed on at cost
    reason: str | None = None  # next year's line says why its rate changed
    old_pricing: str = "rate"  # this year's, when the line is priced another way next year

    @property
    def kind(self) -> str:
        """new, discontinued, changed (priced another way), up, down or same."""
        if self.old is None:
            return "new"
        if self.new is None:
            return "discontinued"
        if self.old_pricing != self.pricing:
            return "changed"
        if self.new > self.old:
            return "up"
        return "down" if self.new < self.old else "same"

    @property
    def difference(self) -> Decimal | None:
        """The change in dollars, or in percentage points of a markup; None when there is
        nothing to compare (a new, discontinued, repriced or at-cost line)."""
        if self.old is None or self.new is None or self.kind == "changed":
            return None
        return None if self.pricing == "at-cost" else self.new - self.old

    @property
    def points(self) -> bool:
        """The difference is in percentage points of a markup, not in dollars."""
        return self.pricing == "markup"

    @property
    def shown_reason(self) -> str | None:
        """The reason to show: only for a line whose price changed."""
        return self.reason if self.kind in ("up", "down", "changed") else None

    @property
    def percent(self) -> Decimal | None:
        """Change in percent, to one decimal place; None when it cannot be computed (or
        the line is priced from a provider's bill, where a percent of a percent misleads)."""
        if self.old is None or self.new is None or self.pricing != "rate":
            return None
        if self.old_pricing != "rate":
            return None
        return percent_change(self.old, self.new)


@dataclass(frozen=True)
class ChangeNotice:
    old: RateSheet
    new: RateSheet
    lines: tuple[LineChange, ...]

    @property
    def id(self) -> str:
        return f"{self.old.id}-to-{self.new.id}"

    def count(self, kind: str) -> int:
        return sum(1 for line in self.lines if line.kind == kind)

    @property
    def average_percent(self) -> Decimal | None:
        """Mean percent change over lines priced in both years."""
        changes = [c.percent for c in self.lines if c.percent is not None]
        if not changes:
            return None
        return (sum(changes, Decimal(0)) / len(changes)).quantize(TENTH, ROUND_HALF_UP)

    def summary(self) -> str:
        """One plain sentence, e.g. '12 rates went down, 3 went up; average change −2.4%.'"""
        parts: list[str] = []
        for kind, verb in (
            ("down", "went down"),
            ("up", "went up"),
            ("same", "stayed the same"),
            ("changed", "are priced another way"),
            ("new", "are new"),
            ("discontinued", "were discontinued"),
        ):
            n = self.count(kind)
            if n:
                noun = "rate" if n == 1 else "rates"
                verb = (
                    {
                        "are new": "is new",
                        "were discontinued": "was discontinued",
                        "are priced another way": "is priced another way",
                    }.get(verb, verb)
                    if n == 1
                    else verb
                )
                parts.append(f"{n} {noun} {verb}" if not parts else f"{n} {verb}")
        text = ", ".join(parts) if parts else "No rates changed"
        average = self.average_percent
        if average is not None:
            sign = "+" if average > 0 else ("\u2212" if average < 0 else "")  # a real minus
            text += f"; average change {sign}{abs(average)}%"
        return text + "."


def price_value(line: RateLine) -> Decimal:
    """What a line's price is measured by: its amount, its markup percent, or nothing
    (0) for a line passed on at cost."""
    if line.pricing == "markup":
        return line.markup or Decimal(0)
    return line.amount or Decimal(0)


def compare_sheets(old: RateSheet, new: RateSheet) -> ChangeNotice:
    def index(sheet: RateSheet) -> dict[LineKey, RateLine]:
        return {(ln.service, ln.item, ln.customer_class): ln for ln in sheet.lines}

    before, after = index(old), index(new)
    keys = list(before) + [k for k in after if k not in before]
    lines = tuple(
        LineChange(
            key[0],
            key[1],
            key[2],
            (after.get(key) or before[key]).unit,
            price_value(before[key]) if key in before else None,
            price_value(after[key]) if key in after else None,
            (after.get(key) or before[key]).pricing,
            after[key].reason if key in after else None,
            (before.get(key) or after[key]).pricing,
        )
        for key in keys
    )
    return ChangeNotice(old, new, lines)


def notices(sheets_oldest_first: list[RateSheet]) -> list[ChangeNotice]:
    """One notice per fiscal-year transition."""
    return [
        compare_sheets(a, b)
        for a, b in zip(sheets_oldest_first, sheets_oldest_first[1:], strict=False)
    ]
