"""The one way every page and PDF writes money, percentages, quantities and rate terms.

The estimator's script writes money the same way (money.js `format`); tests compare the
two on the same amounts.
"""

from __future__ import annotations

from decimal import Decimal

from catalogpress.schema.rates import Measure, RateLine, Unit

MINUS = "\u2212"  # a real minus sign, not a hyphen


def _sign(value: Decimal) -> str:
    return "+" if value > 0 else (MINUS if value < 0 else "")


def format_money(amount: Decimal) -> str:
    """$1,234.50 and −$5.00; keeps a rate's sub-cent precision ($0.0125)."""
    places = max(2, -int(amount.as_tuple().exponent))
    text = f"${abs(amount):,.{places}f}"
    return MINUS + text if amount < 0 else text


def format_percent(value: Decimal) -> str:
    """6%, 2.5%: a percentage as precise as it was written."""
    return f"{value.normalize():f}%"


def format_money_change(value: Decimal | None) -> str:
    """+$1.25, −$0.50, $0.00, or a dash when there is nothing to compare."""
    return "\u2014" if value is None else _sign(value) + format_money(abs(value))


def format_percent_change(value: Decimal | None) -> str:
    """+4.2%, −1.5%, 0%, or a dash when there is nothing to compare."""
    return "\u2014" if value is None else f"{_sign(value)}{abs(value)}%"


def format_number(value: Decimal | int) -> str:
    """1,200 or 2.5: a quantity with thousands separators, as precise as recorded."""
    return f"{value:,}"


def format_rate(line: RateLine) -> str:
    """A line's price as a rate table shows it: $64.50, "Cost + 6%", "At cost"."""
    if line.pricing == "markup":
        return f"Cost + {format_percent(line.markup or Decimal(0))}"
    if line.pricing == "at-cost":
        return "At cost"
    return format_money(line.amount or Decimal(0))


def unit_noun(unit: Unit, quantity: Decimal = Decimal(1)) -> str:
    """What one of a unit is called, from its label: "per hour" → "hour"/"hours"."""
    noun = unit.label.removeprefix("per ").split(" per ")[0]
    return noun if quantity == 1 or noun.endswith("s") else noun + "s"


def _measure(measure: Measure, line: RateLine, units: dict[str, Unit]) -> str:
    unit = units.get(measure.unit or line.unit)
    noun = unit_noun(unit, measure.quantity) if unit else ""
    quantity = measure.quantity.normalize()
    if quantity == quantity.to_integral_value():  # 30, not normalize()'s 3E+1
        quantity = quantity.quantize(Decimal(1))
    return f"{format_number(quantity)} {noun}".strip()


def format_terms(line: RateLine, units: dict[str, Unit]) -> str:
    """The billing terms of a line in plain words, or "" when it has none special."""
    parts = []
    if line.pricing == "markup":
        parts.append(f"The provider's bill plus {format_percent(line.markup or Decimal(0))}.")
    elif line.pricing == "at-cost":
        parts.append("The provider's bill, passed on with no markup.")
    if line.increment:
        parts.append(f"Billed in steps of {_measure(line.increment, line, units)}.")
    if line.minimum:
        parts.append(f"Minimum {_measure(line.minimum, line, units)}.")
    return " ".join(parts)
