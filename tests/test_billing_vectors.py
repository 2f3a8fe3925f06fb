"""The estimator's money.js against the one billing rule, model/money.py, case by case.

Each case is priced by the Python rule, then by money.js in node (the browser file as it
ships, loaded with a stand-in `window`); the cents, the totals and the written amounts
must be identical. Hand-picked edge cases first, then cases Hypothesis makes up.
"""

from __future__ import annotations

import json
import os
import subprocess
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogpress.model.money import BILLING_PERIODS, Terms, Totals, charge, e4, yearly
from catalogpress.render.numbers import format_money

from .checks import require_tool
from .conftest import REPO, examples

NODE = "/usr/bin/node"
MONEY_JS = REPO / "themes" / "default" / "static" / "money.js"

RUNNER = """
const fs = require("fs");
const vm = require("vm");
const context = { window: {} };
vm.runInNewContext(fs.readFileSync(process.argv.at(-1), "utf8"), context);
const M = context.window.CatalogMoney;
const cases = JSON.parse(fs.readFileSync(0, "utf8"));
const out = {
  charges: cases.charges.map(([line, q]) => {
    const cents = M.charge(line, BigInt(q));
    return [cents.toString(), M.format(cents)];
  }),
  totals: cases.totals.map((items) => {
    const sum = M.totals();
    for (const [period, cents] of items) M.add(sum, period, BigInt(cents));
    return [sum.monthly, sum.yearly, sum.once].map((c) => [c.toString(), M.format(c)]);
  }),
  yearly: cases.yearly.map(([period, cents]) => {
    const y = M.yearly(period, BigInt(cents));
    return y === null ? null : y.toString();
  }),
  formats: cases.formats.map((cents) => M.format(BigInt(cents))),
  amounts: cases.amounts.map((text) => M.formatAmount(text)),
  parts: cases.parts.map((text) => {
    const parts = M.parseParts(text, 4);
    return parts === null ? null : parts.map(String);
  }),
  periods: M.BILLING_PERIODS,
};
process.stdout.write(JSON.stringify(out));
"""


def rate(amount: str, minimum: str = "0", increment: str = "0", period: str = "month") -> Terms:
    return Terms("rate", Decimal(amount), Decimal(0), Decimal(minimum), Decimal(increment), period)


def markup(percent: str) -> Terms:
    return Terms("markup", Decimal(0), Decimal(percent), Decimal(0), Decimal(0), "month")


AT_COST = Terms("at-cost", Decimal(0), Decimal(0), Decimal(0), Decimal(0), "month")

# (terms, quantity, the charge worked out by hand)
EDGE_CASES: list[tuple[Terms, str, str]] = [
    (rate("64.50"), "0", "0.00"),  # nothing used, nothing billed
    (rate("34.50", minimum="4"), "0", "0.00"),  # a minimum does not bill what is not used
    (rate("34.50", minimum="4"), "2", "138.00"),  # below the minimum: 4 x 34.50
    (rate("34.50", minimum="4"), "4", "138.00"),  # exactly the minimum
    (rate("34.50", minimum="4"), "5", "172.50"),
    (rate("82.00", increment="0.1"), "1.3", "106.60"),  # exactly on a step
    (rate("82.00", increment="0.1"), "1.23", "106.60"),  # 1.23 h in 0.1 steps: 1.3 x 82
    (rate("82.00", increment="0.1"), "1.2001", "106.60"),  # any part of a step is a step
    (rate("82.00", increment="0.25", minimum="0.5"), "0.1", "41.00"),  # 30-min minimum
    (rate("82.00", increment="0.25", minimum="0.5"), "0.6", "61.50"),  # 0.75 h x 82
    (rate("82.00", increment="0.25", minimum="0.5"), "6.3", "533.00"),  # 6.5 h x 82
    (rate("95.00", increment="0.25", minimum="1"), "1.1", "118.75"),  # 1.25 h x 95
    (rate("0.0125"), "180000", "2250.00"),  # 4-decimal rate x 180,000 pages
    (rate("0.0122"), "12345", "150.61"),  # 150.609 rounds up
    (rate("0.0125"), "1", "0.01"),  # 0.0125 rounds down
    (rate("0.0125"), "2", "0.03"),  # 0.025: half a cent rounds up
    (rate("0.0001"), "50", "0.01"),  # 0.005: half a cent rounds up
    (rate("0.0001"), "49", "0.00"),  # 0.0049 rounds down
    (rate("0.0050"), "0.9999", "0.00"),  # 0.00499995 rounds down
    (rate("0.18"), "0.0001", "0.00"),
    (rate("228.00", minimum="5", period="year"), "3", "1140.00"),  # yearly license
    (rate("2500.00", period="once"), "2", "5000.00"),  # one-time installation
    (rate("64.50"), "-3", "0.00"),  # a negative quantity bills nothing
    # (10^4 - 10^-4)(10^8 - 10^-4) = 10^12 - 10^4 - 1 + 10^-8: no overflow, no float
    (rate("9999.9999"), "99999999.9999", "999999989999.00"),
    (markup("6"), "18420.00", "19525.20"),  # 18,420.00 x 1.06
    (markup("10"), "0.05", "0.06"),  # 0.055 rounds up
    (markup("2.5"), "100.01", "102.51"),  # 102.51025
    (markup("0"), "0.0050", "0.01"),  # half a cent up
    (markup("25"), "0", "0.00"),
    (markup("6"), "-10", "0.00"),
    (AT_COST, "1240.55", "1240.55"),  # passed on as it is
    (AT_COST, "0.0049", "0.00"),
    (AT_COST, "0.005", "0.01"),
]


def as_line(t: Terms) -> dict[str, Any]:
    """The figures the estimator page gives money.js for a line (model/estimator.py)."""
    return {
        "pricing": t.pricing,
        "amount_e4": e4(t.amount),
        "markup_e4": e4(t.markup),
        "minimum_e4": e4(t.minimum),
        "increment_e4": e4(t.increment),
        "billing_period": t.period,
    }


def to_cents(amount: Decimal) -> int:
    return int(amount * 100)


def run_node(cases: dict[str, Any]) -> dict[str, Any]:
    require_tool(os.path.exists(NODE), "node")
    proc = subprocess.run(
        [NODE, "-e", RUNNER, "--", str(MONEY_JS)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def check(pairs: list[tuple[Terms, Decimal]], totals: list[list[tuple[str, int]]]) -> None:
    """money.js gives exactly the Python rule's figures for every pair and total."""
    expected_charges = [charge(t, q) for t, q in pairs]
    cases = {
        "charges": [[as_line(t), e4(q)] for t, q in pairs],
        "totals": totals,
        "yearly": [],
        "formats": [],
        "amounts": [],
        "parts": [],
    }
    got = run_node(cases)
    assert got["charges"] == [[str(to_cents(c)), format_money(c)] for c in expected_charges]
    expected_totals = []
    for items in totals:
        total = Totals()
        for period, cents in items:
            total = total.add(period, Decimal(cents).scaleb(-2))
        expected_totals.append(
            [
                [str(to_cents(v)), format_money(v)]
                for v in (total.monthly, total.yearly, total.one_time)
            ]
        )
    assert got["totals"] == expected_totals


def test_hand_picked_cases_match_the_python_rule_and_the_hand_figures():
    for t, quantity, by_hand in EDGE_CASES:
        assert charge(t, Decimal(quantity)) == Decimal(by_hand), (t, quantity)
    # NDOT-like totals, worked out by hand: monthly 645.00 + 133.00 (rack space minimum)
    # = 778.00; yearly 778.00 x 12 + 1,140.00 (license) = 10,476.00; one-time 5,000.00.
    basket = [("month", 64500), ("month", 13300), ("year", 114000), ("once", 500000)]
    check([(t, Decimal(q)) for t, q, _ in EDGE_CASES], [basket, [], [("month", 1)]])
    total = Totals()
    for period, cents in basket:
        total = total.add(period, Decimal(cents).scaleb(-2))
    assert (total.monthly, total.yearly, total.one_time) == (
        Decimal("778.00"),
        Decimal("10476.00"),
        Decimal("5000.00"),
    )


def test_periods_yearly_figures_and_written_amounts_match():
    amounts = ["0.0120", "0.0125", "6.40", "6.4", "1250", "1250.75", "1234567.8900", "0"]
    formats = [0, 1, -1, 99, 100, -500, 123456789, -123456789, 100000, 99999999999999]
    yearly_cases = [("month", 12345), ("year", 12345), ("once", 12345), ("month", 0)]
    got = run_node(
        {
            "charges": [],
            "totals": [],
            "yearly": yearly_cases,
            "formats": formats,
            "amounts": amounts,
            "parts": ["12", "120 + 60", " 1,200.5 ", "", "12 +", "ten", "1.23456", "0 + 3"],
        }
    )
    assert got["periods"] == BILLING_PERIODS
    assert got["formats"] == [format_money(Decimal(c).scaleb(-2)) for c in formats]
    assert got["formats"][5] == "\u2212$5.00"  # a real minus sign
    assert got["formats"][7] == "\u2212$1,234,567.89"
    assert got["amounts"] == [format_money(Decimal(a)) for a in amounts]
    assert got["yearly"] == [
        None if (y := yearly(p, Decimal(c).scaleb(-2))) is None else str(to_cents(y))
        for p, c in yearly_cases
    ]
    assert got["yearly"] == ["148140", "12345", None, "0"]  # 123.45 x 12 = 1,481.40
    assert got["parts"] == [
        ["120000"],
        ["1200000", "600000"],
        ["12005000"],
        [],
        None,
        None,
        None,
        ["30000"],
    ]


# --- made-up cases ---------------------------------------------------------------------


def e4_decimal(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-4))


PERIOD = st.sampled_from(["month", "year", "once"])
RATE_TERMS = st.builds(
    Terms,
    st.just("rate"),
    e4_decimal(0, 100_000_000),  # up to $10,000.0000
    st.just(Decimal(0)),
    st.one_of(st.just(Decimal(0)), e4_decimal(1, 500_000)),
    st.one_of(st.just(Decimal(0)), e4_decimal(1, 50_000)),
    PERIOD,
)
VENDOR_TERMS = st.builds(
    Terms,
    st.sampled_from(["markup", "at-cost"]),
    st.just(Decimal(0)),
    e4_decimal(0, 10_000_000),  # up to 1,000%
    st.just(Decimal(0)),
    st.just(Decimal(0)),
    PERIOD,
)
CASE = st.tuples(st.one_of(RATE_TERMS, VENDOR_TERMS), e4_decimal(-10_000, 10_000_000_000))
TOTALS = st.lists(st.tuples(PERIOD, st.integers(0, 10**12)), max_size=8)


@settings(max_examples=examples(3), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CASE, min_size=100, max_size=400), st.lists(TOTALS, max_size=20))
def test_made_up_cases_match_the_python_rule(pairs, totals):
    check(pairs, [[list(item) for item in items] for items in totals])
