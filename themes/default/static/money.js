// Exact money arithmetic for the estimator and the in-house comparison.
// Amounts are BigInt: rates in ten-thousandths of a dollar (as the page data
// gives them), results in cents. No binary floating point touches money.
"use strict";
window.CatalogMoney = (() => {
  // "12", "12.5", "1,250.75" -> BigInt scaled by 10^places, or null when not a number.
  function parse(text, places) {
    const clean = String(text).trim().replace(/[,\s$]/g, "");
    if (clean === "") return 0n;
    const match = /^(\d+)(?:\.(\d*))?$/.exec(clean);
    if (!match) return null;
    const fraction = match[2] || "";
    if (fraction.length > places) return null;
    return BigInt(match[1] + fraction.padEnd(places, "0"));
  }

  // Divide by 10^digits, rounding half up (all values here are zero or more).
  function roundDiv(value, digits) {
    const divisor = 10n ** BigInt(digits);
    return (value + divisor / 2n) / divisor;
  }

  function format(cents) {
    const negative = cents < 0n;
    const abs = negative ? -cents : cents;
    const dollars = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    const rest = (abs % 100n).toString().padStart(2, "0");
    return `${negative ? "-" : ""}$${dollars}.${rest}`;
  }

  // A rate in ten-thousandths, shown like the rate tables: $6.40, $0.0125.
  function formatRate(e4) {
    const whole = e4 / 10000n;
    let fraction = (e4 % 10000n).toString().padStart(4, "0").replace(/0+$/, "");
    if (fraction.length < 2) fraction = fraction.padEnd(2, "0");
    return `$${whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${fraction}`;
  }

  // Cost in cents of `quantityE4` (quantity x 10^4) at `rateE4`, after a minimum.
  function lineCents(rateE4, quantityE4, minimumE4) {
    if (quantityE4 <= 0n) return 0n;
    const billed = quantityE4 < minimumE4 ? minimumE4 : quantityE4;
    return roundDiv(rateE4 * billed, 6); // e4 * e4 = e8 dollars; cents are e2
  }

  function quantityText(quantityE4) {
    const whole = (quantityE4 / 10000n).toString();
    const fraction = (quantityE4 % 10000n).toString().padStart(4, "0").replace(/0+$/, "");
    return fraction ? `${whole}.${fraction}` : whole;
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

  return { parse, roundDiv, format, formatRate, lineCents, quantityText, download };
})();
