// Cost estimator: totals for the chosen quantities, per fiscal year, in exact cents.
"use strict";
(() => {
  const M = window.CatalogMoney;
  const form = document.getElementById("estimator");
  const dataNode = document.getElementById("rate-data");
  if (!form || !dataNode) return;
  const data = JSON.parse(dataNode.textContent);
  const sheets = data.sheets.map((sheet) => ({
    ...sheet,
    byKey: new Map(sheet.lines.map((line) => [line.key, line])),
  }));
  const summary = document.getElementById("estimate-summary");
  const detail = document.querySelector("#estimate-lines tbody");
  const inputs = [...form.querySelectorAll("input[data-key]")];
  let announce = null;

  function readQuantities() {
    const chosen = [];
    for (const input of inputs) {
      const quantity = M.parse(input.value, 4);
      const error = document.getElementById(`${input.id}-error`);
      if (quantity === null) {
        input.setAttribute("aria-invalid", "true");
        error.textContent = "Enter a number of 0 or more, like 12 or 2.5.";
        continue;
      }
      input.removeAttribute("aria-invalid");
      error.textContent = "";
      if (quantity > 0n) chosen.push({ key: input.dataset.key, quantity });
    }
    return chosen;
  }

  function totals(sheet, chosen) {
    const sum = { monthly: 0n, annual: 0n, once: 0n, rows: [] };
    for (const { key, quantity } of chosen) {
      const line = sheet.byKey.get(key);
      if (!line) continue; // not offered in this fiscal year
      const cents = M.lineCents(BigInt(line.amount_e4), quantity, BigInt(line.minimum_e4));
      if (["month", "hour", "use"].includes(line.period)) {
        sum.monthly += cents;
        sum.annual += 12n * cents;
      } else if (line.period === "year") {
        sum.annual += cents;
      } else {
        sum.once += cents;
      }
      sum.rows.push({ line, quantity, cents });
    }
    return sum;
  }

  function update() {
    const chosen = readQuantities();
    const results = sheets.map((sheet) => ({ sheet, sum: totals(sheet, chosen) }));
    for (const { sheet, sum } of results) {
      for (const kind of ["monthly", "annual", "once"]) {
        const cell = document.querySelector(`[data-total="${kind}"][data-sheet="${sheet.id}"]`);
        if (cell) cell.textContent = M.format(sum[kind]);
      }
    }
    const first = results[0];
    detail.replaceChildren(...first.sum.rows.map(({ line, quantity, cents }) => {
      const row = document.createElement("tr");
      const name = document.createElement("th");
      name.scope = "row";
      name.textContent = `${line.service_name}: ${line.item}`;
      const rate = document.createElement("span");
      rate.className = "note";
      rate.textContent = `${M.formatRate(BigInt(line.amount_e4))} ${line.unit_label}`;
      name.append(rate);
      const cells = [M.quantityText(quantity), M.format(cents)];
      const labels = ["Quantity", "Cost"];
      row.append(name, ...cells.map((text, i) => {
        const cell = document.createElement("td");
        cell.className = "num";
        cell.dataset.label = labels[i];
        cell.textContent = text;
        return cell;
      }));
      return row;
    }));
    const text = chosen.length === 0 ? "Nothing chosen yet." : results.map(({ sheet, sum }) =>
      `${sheet.label}: ${M.format(sum.monthly)} a month, ${M.format(sum.annual)} a year, ` +
      `${M.format(sum.once)} one-time.`).join(" ");
    // Announce once typing pauses, not on every keystroke.
    clearTimeout(announce);
    announce = setTimeout(() => { summary.textContent = text; }, 400);
    return results;
  }

  function csv() {
    const plain = (cents) => M.format(cents).slice(1).replace(/,/g, "");
    const rows = [["fiscal_year", "service", "item", "unit", "quantity", "rate", "period",
      "cost", "monthly", "yearly", "one_time"]];
    for (const { sheet, sum } of update()) {
      for (const { line, quantity, cents } of sum.rows) {
        const monthly = ["month", "hour", "use"].includes(line.period);
        const yearly = monthly ? 12n * cents : line.period === "year" ? cents : null;
        rows.push([sheet.label, line.service_name, line.item, line.unit_label,
          M.quantityText(quantity), line.amount, line.period, plain(cents),
          monthly ? plain(cents) : "", yearly === null ? "" : plain(yearly),
          line.period === "once" ? plain(cents) : ""]);
      }
      rows.push([sheet.label, "Total", "", "", "", "", "", "", plain(sum.monthly),
        plain(sum.annual), plain(sum.once)]);
    }
    M.download(`estimate-${data.as_of}.csv`, rows);
  }

  // The quantities live in the address (#key=quantity&...), so an estimate can be
  // bookmarked or sent to a colleague, and agency pages can open theirs here.
  function fillFromAddress() {
    const params = new URLSearchParams(window.location.hash.slice(1));
    for (const input of inputs) {
      input.value = params.get(input.dataset.key) || "";
    }
  }

  function saveToAddress() {
    const params = new URLSearchParams();
    for (const input of inputs) {
      if (input.value.trim()) params.set(input.dataset.key, input.value.trim());
    }
    const hash = params.toString();
    history.replaceState(null, "", hash ? `#${hash}` : window.location.pathname);
  }

  form.addEventListener("input", () => { update(); saveToAddress(); });
  form.addEventListener("submit", (event) => event.preventDefault());
  window.addEventListener("hashchange", () => { fillFromAddress(); update(); });
  document.getElementById("estimate-print").addEventListener("click", () => window.print());
  document.getElementById("estimate-csv").addEventListener("click", csv);
  document.getElementById("estimate-clear").addEventListener("click", () => {
    for (const input of inputs) input.value = "";
    update();
    saveToAddress();
    inputs[0].focus();
  });
  fillFromAddress();
  update();
})();
