// Cost estimator: totals for the chosen quantities, per open fiscal year, in exact cents,
// by the one billing rule (money.js). Which lines a customer class pays comes from the
// page data (model/estimator.py class_rows), never decided here.
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
  const classes = new Map(data.classes.map((c) => [c.id, c]));
  const select = document.getElementById("estimator-class");
  const summary = document.getElementById("estimate-summary");
  const classNote = document.getElementById("estimate-class");
  const detail = document.querySelector("#estimate-lines tbody");
  const rows = [...form.querySelectorAll(".line[data-row]")].map((node) => ({
    node,
    key: node.dataset.row,
    item: node.dataset.item,
    service: node.closest("[data-service]").dataset.service,
    input: node.querySelector("input[data-key]"),
  }));
  // The services a reader has added: only their fieldsets show, only they are totalled.
  const services = new Map([...form.querySelectorAll("fieldset[data-service]")].map((node) => [
    node.dataset.service, { node, name: node.dataset.name, remove: node.querySelector("[data-remove]") },
  ]));
  const shown = new Set();
  const picker = document.getElementById("estimator-add");
  const pick = document.getElementById("estimator-pick");
  const addButton = document.getElementById("estimator-add-button");
  const status = document.getElementById("estimator-status");
  const empty = document.getElementById("estimator-empty");
  const bar = document.getElementById("estimate-bar");
  const barTotals = document.getElementById("estimate-bar-totals");
  const heading = document.getElementById("estimate-heading");
  // Every service the picker can offer, by category, as the page lists them.
  const offers = [...pick.querySelectorAll("optgroup")].map((group) => ({
    label: group.label, ids: [...group.querySelectorAll("option")].map((o) => o.value),
  }));
  let announce = null;

  function currentClass() {
    return classes.get(select ? select.value : "") || data.classes[0];
  }

  const lower = (name) => name.charAt(0).toLowerCase() + name.slice(1);

  const buyable = (cls, id) => rows.some((row) => row.service === id && cls.rows[row.key]);
  const counted = (row) => !row.node.hidden && shown.has(row.service);

  // The picker offers each service the class can buy that is not added yet.
  function fillPicker(cls) {
    const keep = pick.value;
    pick.replaceChildren(...offers.map(({ label, ids }) => {
      const group = document.createElement("optgroup");
      group.label = label;
      for (const id of ids) {
        if (shown.has(id) || !buyable(cls, id)) continue;
        group.append(new Option(services.get(id).name, id));
      }
      return group;
    }).filter((group) => group.children.length));
    if ([...pick.options].some((o) => o.value === keep)) pick.value = keep;
    const none = pick.options.length === 0;
    if (none) pick.append(new Option("Every service is added", ""));
    pick.disabled = none;
    addButton.disabled = none;
  }

  // Show the rows the class pays, with its rates in each fiscal year, in the services added;
  // gives the names of added services the class cannot buy, which it takes out.
  function showClass(cls) {
    const dropped = [...shown].filter((id) => !buyable(cls, id));
    for (const id of dropped) shown.delete(id);
    for (const row of rows) {
      const keys = cls.rows[row.key];
      row.node.hidden = !keys;
      if (!keys) continue;
      for (const span of row.node.querySelectorAll("[data-rate]")) {
        const sheet = sheets.find((s) => s.id === span.dataset.rate);
        const line = sheet && sheet.byKey.get(keys[sheet.id]);
        span.textContent = line ? M.formatLineRate(line) : "not offered";
      }
    }
    for (const [id, service] of services) service.node.hidden = !shown.has(id);
    for (const group of form.querySelectorAll(".estimator-category")) {
      group.hidden = !group.querySelector("fieldset:not([hidden])");
    }
    empty.hidden = shown.size > 0;
    fillPicker(cls);
    if (classNote) classNote.textContent = `Rates for ${lower(cls.name)}.`;
    return dropped.map((id) => services.get(id).name);
  }

  function readQuantities() {
    const chosen = [];
    for (const row of rows) {
      if (!counted(row)) continue;
      const parts = M.parseParts(row.input.value, 4);
      const error = document.getElementById(`${row.input.id}-error`);
      if (parts === null) {
        row.input.setAttribute("aria-invalid", "true");
        error.textContent = "Enter a number of 0 or more, like 12 or 2.5.";
        continue;
      }
      row.input.removeAttribute("aria-invalid");
      error.textContent = "";
      if (parts.length) chosen.push({ key: row.key, parts });
    }
    return chosen;
  }

  function totals(cls, sheet, chosen) {
    const sum = { ...M.totals(), rows: [] };
    for (const { key, parts } of chosen) {
      const line = sheet.byKey.get((cls.rows[key] || {})[sheet.id]);
      if (!line) continue; // not offered in this fiscal year
      // Each part is its own charge, with its own minimum, steps and rounding.
      const charges = parts.map((part) => M.charge(line, part));
      for (const cents of charges) M.add(sum, line.billing_period, cents);
      sum.rows.push({ line, parts, cents: charges.reduce((a, b) => a + b, 0n) });
    }
    return sum;
  }

  function quantityText(line, parts) {
    const text = (q) => (line.pricing === "rate" ? M.quantityText(q)
      : M.formatAmount(M.quantityText(q))); // the bill entered: $18,420.00
    return parts.map(text).join(" + ");
  }

  function rateText(line) {
    return line.pricing === "rate" ? `${M.formatLineRate(line)} ${line.unit_label}`
      : `${M.formatLineRate(line)}, estimated from the bill you enter`;
  }

  function update() {
    const cls = currentClass();
    const chosen = readQuantities();
    const results = sheets.map((sheet) => ({ sheet, sum: totals(cls, sheet, chosen) }));
    for (const { sheet, sum } of results) {
      for (const [kind, value] of [["monthly", sum.monthly], ["annual", sum.yearly],
        ["once", sum.once]]) {
        const cell = document.querySelector(`[data-total="${kind}"][data-sheet="${sheet.id}"]`);
        if (cell) cell.textContent = M.format(value);
      }
    }
    const first = results[0];
    barTotals.textContent = `${first.sheet.label}: ${M.format(first.sum.monthly)} a month, ` +
      `${M.format(first.sum.yearly)} a year`;
    detail.replaceChildren(...first.sum.rows.map(({ line, parts, cents }) => {
      const row = document.createElement("tr");
      const name = document.createElement("th");
      name.scope = "row";
      name.textContent = `${line.service_name}: ${line.item}`;
      const rate = document.createElement("span");
      rate.className = "note";
      rate.textContent = rateText(line);
      name.append(rate);
      const cells = [quantityText(line, parts), M.format(cents)];
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
    const who = cls.name ? `For ${lower(cls.name)}: ` : "";
    const text = chosen.length === 0 ? "Nothing chosen yet." : who + results.map(({ sheet, sum }) =>
      `${sheet.label}: ${M.format(sum.monthly)} a month, ${M.format(sum.yearly)} a year, ` +
      `${M.format(sum.once)} one-time.`).join(" ");
    // Announce once typing pauses, not on every keystroke.
    clearTimeout(announce);
    announce = setTimeout(() => { summary.textContent = text; }, 400);
    return { cls, results };
  }

  function csv() {
    const rows = [["fiscal_year", "service", "item", "unit", "quantity", "rate", "period",
      "cost", "monthly", "yearly", "one_time", "customer_class"]];
    const { cls, results } = update();
    for (const { sheet, sum } of results) {
      for (const { line, parts, cents } of sum.rows) {
        const yearly = M.yearly(line.billing_period, cents);
        const rate = line.pricing === "rate" ? line.amount
          : line.pricing === "markup" ? `cost + ${M.quantityText(BigInt(line.markup_e4))}%`
            : "at cost";
        rows.push([sheet.label, line.service_name, line.item, line.unit_label,
          parts.map(M.quantityText).join(" + "), rate, line.period, M.plain(cents),
          line.billing_period === "month" ? M.plain(cents) : "",
          yearly === null ? "" : M.plain(yearly),
          line.billing_period === "once" ? M.plain(cents) : "", cls.name]);
      }
      rows.push([sheet.label, "Total", "", "", "", "", "", "", M.plain(sum.monthly),
        M.plain(sum.yearly), M.plain(sum.once), cls.name]);
    }
    M.download(`estimate-${data.as_of}.csv`, rows);
  }

  // The class and quantities live in the address (#class=executive&key=quantity&...), so
  // an estimate can be bookmarked or sent to a colleague, and agency pages open theirs
  // here. A key given twice (use split by program) fills the row as "120 + 60".
  function fillFromAddress() {
    const params = new URLSearchParams(window.location.hash.slice(1));
    if (select) {
      const wanted = params.get("class");
      select.value = classes.has(wanted) && wanted ? wanted : data.classes[0].id;
    }
    const cls = currentClass();
    const values = new Map();
    for (const [key, value] of params) {
      const row = cls.rows[key] ? key : cls.aliases[key];
      if (key === "class" || !row || !value.trim()) continue;
      values.set(row, [...(values.get(row) || []), value.trim()]);
    }
    shown.clear();
    for (const id of params.getAll("add")) if (services.has(id)) shown.add(id);
    for (const row of rows) {
      row.input.value = (values.get(row.key) || []).join(" + ");
      if (row.input.value) shown.add(row.service);
    }
    showClass(cls);
  }

  function saveToAddress() {
    const params = new URLSearchParams();
    if (select) params.set("class", select.value);
    const filled = new Set();
    for (const row of rows) {
      if (!counted(row) || !row.input.value.trim()) continue;
      params.set(row.key, row.input.value.trim());
      filled.add(row.service);
    }
    // A service added with no quantity yet stays added when the address is reopened.
    for (const id of shown) if (!filled.has(id)) params.append("add", id);
    const hash = [...params.keys()].some((k) => k !== "class") ? params.toString() : "";
    history.replaceState(null, "", hash ? `#${hash}` : window.location.pathname);
  }

  // Another class: keep each quantity on the same item, at the new class's line.
  function changeClass() {
    const byItem = new Map();
    for (const row of rows) {
      if (counted(row) && row.input.value.trim()) byItem.set(row.item, row.input.value);
      row.input.value = "";
    }
    const cls = currentClass();
    const dropped = showClass(cls);
    for (const row of rows) {
      if (counted(row) && byItem.has(row.item)) row.input.value = byItem.get(row.item);
    }
    update();
    saveToAddress();
    if (dropped.length) say(`Removed ${dropped.join(", ")}: not offered to ${lower(cls.name)}.`);
  }

  form.addEventListener("input", (event) => {
    if (event.target === select) return;
    update();
    saveToAddress();
  });
  if (select) select.addEventListener("change", changeClass);
  form.addEventListener("submit", (event) => event.preventDefault());
  window.addEventListener("hashchange", () => { fillFromAddress(); update(); });
  document.getElementById("estimate-print").addEventListener("click", () => window.print());
  document.getElementById("estimate-csv").addEventListener("click", csv);
  function say(text) {
    status.textContent = "";
    setTimeout(() => { status.textContent = text; }, 50); // announced even when repeated
  }

  function addService() {
    const id = pick.value;
    const service = services.get(id);
    if (!service) return;
    shown.add(id);
    showClass(currentClass());
    update();
    saveToAddress();
    const first = rows.find((row) => row.service === id && !row.node.hidden);
    if (first) first.input.focus();
    say(`Added ${service.name}. Enter its quantities below.`);
  }

  function removeService(id) {
    const service = services.get(id);
    for (const row of rows) if (row.service === id) row.input.value = "";
    shown.delete(id);
    showClass(currentClass());
    update();
    saveToAddress();
    pick.focus();
    say(`Removed ${service.name}.`);
  }

  // The bar's link scrolls to the totals without touching the address, which holds the
  // estimate.
  function seeEstimate(event) {
    event.preventDefault();
    heading.setAttribute("tabindex", "-1");
    heading.focus();
    heading.scrollIntoView({ block: "start" });
  }

  // A quantity just above the bar at the foot of a phone screen stays visible.
  function keepFocusClear(event) {
    if (bar.offsetParent === null || !event.target.matches("input, select, button")) return;
    const hidden = event.target.getBoundingClientRect().bottom - bar.getBoundingClientRect().top;
    if (hidden > -8) window.scrollBy(0, hidden + 8);
  }

  addButton.addEventListener("click", addService);
  form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove]");
    if (button) removeService(button.dataset.remove);
  });
  form.addEventListener("focusin", keepFocusClear);
  bar.querySelector("a").addEventListener("click", seeEstimate);
  document.getElementById("estimate-clear").addEventListener("click", () => {
    for (const row of rows) row.input.value = "";
    shown.clear();
    showClass(currentClass());
    update();
    saveToAddress();
    pick.focus();
    say("Cleared the estimate.");
  });
  picker.hidden = false;
  bar.hidden = false;
  for (const service of services.values()) service.remove.hidden = false;
  fillFromAddress();
  update();
})();
