/* Sortable analytics tables: click (or Enter on) a column header to sort by it; again to reverse.
   Cells carry their sort key in data-sort (numbers sort as numbers). No inline script: CSP-safe. */
(function () {
  "use strict";
  function key(cell) {
    var raw = cell ? cell.getAttribute("data-sort") : "";
    var n = parseFloat(raw);
    return raw !== "" && !isNaN(n) && String(n) === String(Number(raw)) ? n : (raw || "");
  }
  function sortBy(table, index, th) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var rows = Array.prototype.slice.call(body.rows);
    var asc = th.getAttribute("aria-sort") !== "ascending";
    rows.sort(function (a, b) {
      var x = key(a.cells[index]), y = key(b.cells[index]);
      if (typeof x === "number" && typeof y === "number") { return asc ? x - y : y - x; }
      return asc ? String(x).localeCompare(String(y)) : String(y).localeCompare(String(x));
    });
    Array.prototype.forEach.call(th.parentNode.children, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    rows.forEach(function (r) { body.appendChild(r); });
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) { return; }
    Array.prototype.forEach.call(head.cells, function (th, index) {
      th.addEventListener("click", function () { sortBy(table, index, th); });
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sortBy(table, index, th); } });
    });
  });
})();
