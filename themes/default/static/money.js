// The billing rule of src/catalogpress/model/money.py, for the estimator and the
// in-house comparison, in exact integer arithmetic (BigInt): rates, quantities,
// minimums, increments and markups in ten-thousandths (as the page data gives them),
// charges in cents. No binary floating point touches money.
// tests/test_billing_vectors.py runs this file in node on the same cases as the Python
// rule and compares the cents and the written amounts.
"use strict";
window.CatalogMoney = (() => {
  const MINUS = "\u2212"; // a real minus sign, as render/numbers.py writes it
  // The billing period of each unit period: hours and uses are counted a month at a time.
  const BILLING_PERIODS = { month: "month", hour: "month", use: "month", year: "year",
    once: "once" };

  // "12", "12.5", "1,250.75", "$18,420.00" -> BigInt scaled by 10^places, or null when
  // not a number of 0 or more with at most `places` decimals.
  function parse(text, places) {
    const clean = String(text).trim().replace(/[,\s$]/g, "");
    if (clean === "") return 0n;
    const match = /^(\d+)(?:\.(\d*))?$/.exec(clean);
    if (!match) return null;
    const fraction = match[2] || "";
    if (fraction.length > places) return null;
    return BigInt(match[1] + fraction.padEnd(places, "0"));
  }

  // Several quantities billed one by one, as "120 + 60" (an agency's use split by
  // program); a plain number is a list of one. null when any part is not a number.
  function parseParts(text, places) {
    const pieces = String(text).split("+");
    if (pieces.length > 1 && pieces.some((piece) => !piece.trim())) return null; // "12 +"
    const parts = pieces.map((piece) => parse(piece, places));
    return parts.includes(null) ? null : parts.filter((part) => part > 0n);
  }

  // Divide a value of zero or more by 10^digits, rounding half up.
  function roundDiv(value, digits) {
    const divisor = 10n ** BigInt(digits);
    return (value + divisor / 2n) / divisor;
  }

  // Steps 1 to 3 of the rule: nothing used is nothing billed; an increment rounds up to
  // the next whole step; a minimum raises the quantity to it. All in ten-thousandths.
  function billedQuantity(line, quantityE4) {
    if (quantityE4 <= 0n) return 0n;
    let quantity = quantityE4;
    const increment = BigInt(line.increment_e4);
    if (increment > 0n) quantity = ((quantity + increment - 1n) / increment) * increment;
    const minimum = BigInt(line.minimum_e4);
    return quantity < minimum ? minimum : quantity;
  }

  // One billing period's charge in cents: `quantityE4` is the quantity, or for a line
  // priced from the provider's bill that bill in dollars, in ten-thousandths.
  function charge(line, quantityE4) {
    const quantity = quantityE4 > 0n ? quantityE4 : 0n;
    if (line.pricing === "markup") {
      // bill x (100 + markup) / 100: e4 x e4 over 10^6 is e2 (percent of a dollar), and
      // cents are e2 of a dollar, so divide by 10^8 in all.
      return roundDiv(quantity * (1000000n + BigInt(line.markup_e4)), 8);
    }
    if (line.pricing === "at-cost") return roundDiv(quantity, 2);
    // rate e4 x quantity e4 = dollars e8; cents are e2.
    return roundDiv(BigInt(line.amount_e4) * billedQuantity(line, quantity), 6);
  }

  // Monthly, yearly and one-time totals in cents; a year is twelve months plus the
  // yearly charges.
  function totals() {
    return { monthly: 0n, yearly: 0n, once: 0n };
  }

  function add(sum, period, cents) {
    if (period === "month") {
      sum.monthly += cents;
      sum.yearly += 12n * cents;
    } else if (period === "year") {
      sum.yearly += cents;
    } else {
      sum.once += cents;
    }
    return sum;
  }

  // A charge's cost over a year: twelve monthly charges, one yearly, none for one-time.
  function yearly(period, cents) {
    return period === "once" ? null : add(totals(), period, cents).yearly;
  }

  function groups(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  // Cents written as render/numbers.py format_money writes them: $1,234.50, −$5.00.
  function format(cents) {
    const negative = cents < 0n;
    const abs = negative ? -cents : cents;
    const rest = (abs % 100n).toString().padStart(2, "0");
    return `${negative ? MINUS : ""}$${groups((abs / 100n).toString())}.${rest}`;
  }

  // An amount as written in rates.yaml ("0.0120", "1250"), shown as format_money shows
  // it: at least two decimals, as many as written: $0.0120, $1,250.00.
  function formatAmount(text) {
    const [whole, fraction = ""] = String(text).split(".");
    return `$${groups(whole)}.${fraction.padEnd(2, "0")}`;
  }

  // A line's price as a rate table shows it: $64.50, "Cost + 6%", "At cost".
  function formatLineRate(line) {
    if (line.pricing === "markup") return `Cost + ${quantityText(BigInt(line.markup_e4))}%`;
    if (line.pricing === "at-cost") return "At cost";
    return formatAmount(line.amount);
  }

  function quantityText(quantityE4) {
    const whole = (quantityE4 / 10000n).toString();
    const fraction = (quantityE4 % 10000n).toString().padStart(4, "0").replace(/0+$/, "");
    return fraction ? `${whole}.${fraction}` : whole;
  }

  // Cents as a spreadsheet cell: 1234.50, -5.00.
  function plain(cents) {
    const abs = cents < 0n ? -cents : cents;
    return `${cents < 0n ? "-" : ""}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
  }

  function download(name, rows) {
    const quote = (cell) => {
      let text = String(cell);
      if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`; // no formulas in spreadsheets
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    };
    const csv = rows.map((row) => row.map(quote).join(",")).join("\r\n") + "\r\n";
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  return { BILLING_PERIODS, parse, parseParts, roundDiv, billedQuantity, charge, totals, add,
    yearly, format, formatAmount, formatLineRate, quantityText, plain, download };
})();
