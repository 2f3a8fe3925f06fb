// In-house comparison: the agency's own yearly costs, fully burdened, beside ours, by the
// one billing rule (money.js), and the market price of the same item.
"use strict";
(() => {
  const M = window.CatalogMoney;
  const form = document.getElementById("compare");
  const dataNode = document.getElementById("rate-data");
  if (!form || !dataNode) return;
  const data = JSON.parse(dataNode.textContent);
  const current = data.sheets.find((s) => s.current) || data.sheets[0];
  const lines = new Map(current.lines.map((line) => [line.key, line]));
  const select = document.getElementById("compare-line");
  const quantityInput = document.getElementById("compare-qty");
  const summary = document.getElementById("compare-summary");
  const benchmark = document.getElementById("compare-benchmark");
  const PARTS = ["labor", "facilities", "hardware", "disaster_recovery", "security", "overhead"];
  let announce = null;

  function read(input, places) {
    const value = M.parse(input.value, places);
    const error = document.getElementById(`${input.id}-error`);
    if (value === null) {
      input.setAttribute("aria-invalid", "true");
      error.textContent = `Enter a number of 0 or more, with at most ${places} decimal places.`;
      return 0n;
    }
    input.removeAttribute("aria-invalid");
    error.textContent = "";
    return value;
  }

  // A year of the line at `rateE4` (ours, a part of ours, or the market's) for the
  // quantity: the same minimum and billing steps, the same rounding.
  function yearly(line, rateE4, quantityE4) {
    const cents = M.charge({ ...line, amount_e4: rateE4 }, quantityE4);
    return M.yearly(line.billing_period, cents);
  }

  function set(side, part, cents) {
    form.ownerDocument.querySelector(`[data-side="${side}"][data-part="${part}"]`)
      .textContent = M.format(cents);
  }

  function update() {
    const line = lines.get(select.value);
    const quantity = read(quantityInput, 4);
    document.getElementById("compare-qty-hint").textContent = line.unit_label;
    // Theirs: direct costs by part, then overhead as a percentage of them.
    const theirs = Object.fromEntries(PARTS.map((p) => [p, 0n]));
    const hours = read(form.querySelector("[data-input='staff-hours']"), 2);
    const hourly = read(form.querySelector("[data-input='staff-rate']"), 2);
    theirs.labor = M.roundDiv(hours * hourly, 2);
    for (const input of form.querySelectorAll("[data-part]")) {
      theirs[input.dataset.part] += read(input, 2);
    }
    const direct = PARTS.reduce((sum, p) => sum + theirs[p], 0n);
    const percent = read(form.querySelector("[data-input='overhead']"), 2);
    theirs.overhead = M.roundDiv(direct * percent, 4);
    const theirTotal = direct + theirs.overhead;
    // Ours: the rate's own breakdown for the same quantity.
    for (const part of PARTS) {
      set("in-house", part, theirs[part]);
      set("ours", part, yearly(line, BigInt(line.breakdown_e4[part]), quantity));
    }
    const ourTotal = yearly(line, BigInt(line.amount_e4), quantity);
    set("in-house", "total", theirTotal);
    set("ours", "total", ourTotal);
    for (const item of document.querySelectorAll("[data-benchmark]")) {
      item.hidden = item.dataset.benchmark !== select.value;
    }
    if (line.benchmark) {
      benchmark.textContent = `The same quantity at the market price for the same item ` +
        `(${line.benchmark.source}): ` +
        `${M.format(yearly(line, BigInt(line.benchmark.amount_e4), quantity))} a year.`;
    } else {
      benchmark.textContent = "This line has no market price for the same item.";
    }
    let text;
    if (theirTotal === 0n) {
      text = `With us: ${M.format(ourTotal)} a year. Enter your own costs to compare.`;
    } else if (theirTotal > ourTotal) {
      text = `Doing it yourself: ${M.format(theirTotal)} a year. With us: ${M.format(ourTotal)}` +
        ` a year, ${M.format(theirTotal - ourTotal)} less.`;
    } else {
      text = `Doing it yourself: ${M.format(theirTotal)} a year. With us: ${M.format(ourTotal)}` +
        ` a year, ${M.format(ourTotal - theirTotal)} more.`;
    }
    clearTimeout(announce);
    announce = setTimeout(() => { summary.textContent = text; }, 400);
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", (event) => event.preventDefault());
  update();
})();
