// Sortable tables, as progressive enhancement: without this script a table reads in
// its published order. Each heading with data-sort becomes a button; cells carry the
// value to sort by in data-value. The heading sorted by says so in aria-sort.
(function () {
  "use strict";
  function value(row, index, kind) {
    var cell = row.children[index];
    var raw = cell ? cell.getAttribute("data-value") || cell.textContent : "";
    if (kind === "number") {
      var number = parseFloat(raw);
      return isNaN(number) ? -Infinity : number;
    }
    return raw.trim().toLowerCase();
  }
  function sortBy(table, heading, index) {
    var kind = heading.getAttribute("data-sort");
    var ascending = heading.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, index, kind), y = value(b, index, kind);
      var order = x < y ? -1 : x > y ? 1 : 0;
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), function (table) {
    var hint = table.querySelector(".sort-hint");
    if (hint) { hint.hidden = false; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (heading, index) {
      if (!heading.hasAttribute("data-sort")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = heading.textContent;
      heading.textContent = "";
      heading.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, heading, index); });
    });
  });
})();
