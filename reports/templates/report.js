// Progressive enhancement only: the page reads fully without this script.
// Sortable headers (click, or Enter/Space) and a filter box on tables marked data-sortable / data-filter.
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var v = cell.getAttribute("data-sort");
    return v !== null ? v : cell.textContent.trim();
  }

  function asNumber(text) {
    if (text === "" || text === "-") return null;
    var n = Number(String(text).replace(/[,\s%]/g, ""));
    return isNaN(n) ? null : n;
  }

  function sortBy(table, th, index) {
    var body = table.tBodies[0];
    if (!body) return;
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    var numeric = th.classList.contains("num") || rows.every(function (r) {
      var v = cellValue(r, index);
      return v === "" || asNumber(v) !== null;
    });
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index), c;
      if (numeric) {
        var nx = asNumber(x), ny = asNumber(y);
        c = (nx === null ? -Infinity : nx) - (ny === null ? -Infinity : ny);
      } else {
        c = x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
      }
      return ascending ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function makeSortable(table) {
    if (!table.tHead || !table.tHead.rows.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.classList.add("sort");
      th.tabIndex = 0;
      th.title = "Sort by this column";
      th.addEventListener("click", function () { sortBy(table, th, index); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(table, th, index); }
      });
    });
  }

  function makeFilterable(table) {
    var body = table.tBodies[0];
    if (!body) return;
    var box = document.createElement("div");
    box.className = "filter";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = "Filter rows\u2026";
    input.setAttribute("aria-label", "Filter the rows of this table");
    if (table.id) input.id = table.id + "-filter";
    var count = document.createElement("span");
    count.className = "count";
    box.appendChild(input);
    box.appendChild(count);
    table.parentNode.insertBefore(box, table);
    var total = body.rows.length;
    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(body.rows, function (r) {
        var text = r.textContent.toLowerCase();
        var ok = words.every(function (w) { return text.indexOf(w) !== -1; });
        r.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = words.length ? shown + " of " + total + " rows" : total + " rows";
    }
    input.addEventListener("input", apply);
    apply();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), makeSortable);
    Array.prototype.forEach.call(document.querySelectorAll("table[data-filter]"), makeFilterable);
    // Printing shows collapsed sections too.
    window.addEventListener("beforeprint", function () {
      Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) {
        if (!d.open) { d.setAttribute("data-was-closed", ""); d.open = true; }
      });
    });
    window.addEventListener("afterprint", function () {
      Array.prototype.forEach.call(document.querySelectorAll("details[data-was-closed]"), function (d) {
        d.open = false; d.removeAttribute("data-was-closed");
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
