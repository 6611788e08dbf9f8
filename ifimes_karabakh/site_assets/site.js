/* Search, sorting, filters and the column chooser of the table pages of the site
   (ifimes_karabakh/site.py). Without JavaScript every row and every column shows and the controls
   stay hidden. No network, no library. */
(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  var fold = function (s) {
    return s.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ");
  };

  each(document.querySelectorAll("[data-controls]"), function (box) {
    var table = document.getElementById(box.getAttribute("data-controls"));
    if (!table || !table.tBodies.length) { return; }
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var texts = rows.map(function (r) { return fold(r.textContent); });
    var search = box.querySelector("input[type=search]");
    var selects = box.querySelectorAll("select[data-col], select[data-attr]");
    var status = box.querySelector("[role=status]");
    var heads = table.tHead.rows[0].cells;
    var names = Array.prototype.map.call(heads, function (th) { return th.textContent.trim(); });
    /* ?q=words fills the search; ?column=value keeps the rows whose column holds value (the
       links "see them in the table" of the row pages) */
    var fixed = [];
    new URLSearchParams(location.search).forEach(function (value, key) {
      var col = names.indexOf(key);
      if (key === "q") { search.value = value; } else if (col !== -1) { fixed.push([col, value]); }
    });

    function cellText(row, col) { return row.cells[col] ? row.cells[col].textContent.trim() : ""; }

    function apply() {
      var terms = fold(search.value).split(" ").filter(Boolean);
      var shown = 0;
      rows.forEach(function (row, i) {
        var ok = terms.every(function (t) { return texts[i].indexOf(t) !== -1; }) &&
          fixed.every(function (f) { return cellText(row, f[0]) === f[1]; });
        each(selects, function (s) {
          if (!ok || s.value === "") { return; }
          var attr = s.getAttribute("data-attr");
          var v = attr ? row.getAttribute("data-" + attr) || "" : cellText(row, +s.getAttribute("data-col"));
          ok = s.value === "__empty" ? v === "" || v === "–" : v === s.value;
        });
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      status.textContent = shown + " of " + rows.length + " rows shown" + (fixed.length ? " (" +
        fixed.map(function (f) { return names[f[0]] + " = " + f[1]; }).join(", ") + ")" : "");
    }

    function reset() {
      search.value = "";
      fixed = [];
      each(selects, function (s) { s.value = ""; });
      apply();
    }

    function sortBy(col) {
      var th = heads[col];
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      each(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir);
      var type = th.getAttribute("data-type");
      var numeric = type === "integer" || type === "number";
      var keyed = rows.map(function (row, i) {
        var v = cellText(row, col);
        return { row: row, i: i, v: numeric && v !== "" ? parseFloat(v) : v };
      });
      var sign = dir === "ascending" ? 1 : -1;
      keyed.sort(function (a, b) {
        if (a.v === "" || b.v === "") { return a.v === b.v ? a.i - b.i : (a.v === "" ? 1 : -1); }
        var c = numeric ? a.v - b.v : String(a.v).localeCompare(String(b.v), "en", { numeric: true });
        return c ? sign * c : a.i - b.i;
      });
      keyed.forEach(function (k) { tbody.appendChild(k.row); });
    }

    each(heads, function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      var hint = document.createElement("span");
      hint.className = "vh";
      hint.textContent = " (sort)";
      button.appendChild(hint);
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(col); });
    });

    /* the column chooser: one style rule hides the columns not chosen (the page's own rule,
       written for the columns shown at first, is replaced) */
    var chooser = box.querySelector(".chooser");
    if (chooser) {
      var boxes = chooser.querySelectorAll("input[data-col]");
      var first = Array.prototype.map.call(boxes, function (b) { return b.checked; });
      var sheet = document.getElementById("__colstyle") || document.head.appendChild(document.createElement("style"));
      var shownCount = chooser.querySelector("[data-shown]");
      var columns = function () {
        var hide = [];
        each(boxes, function (b) { if (!b.checked) { hide.push("#" + table.id + " tr > :nth-child(" + (+b.getAttribute("data-col") + 1) + ")"); } });
        sheet.textContent = hide.length ? hide.join(", ") + " { display: none; }" : "";
        shownCount.textContent = String(boxes.length - hide.length);
      };
      each(boxes, function (b) { b.addEventListener("change", columns); });
      chooser.querySelector("[data-all]").addEventListener("click", function () { each(boxes, function (b) { b.checked = true; }); columns(); });
      chooser.querySelector("[data-default]").addEventListener("click", function () { each(boxes, function (b, i) { b.checked = first[i]; }); columns(); });
      columns();
    }

    search.addEventListener("input", apply);
    each(selects, function (s) { s.addEventListener("change", apply); });
    box.querySelector("[data-reset]").addEventListener("click", reset);

    /* a permalink (#ID) to a row that a filter hides shows it again */
    function reveal() {
      var id = decodeURIComponent(location.hash.slice(1));
      var target = id && document.getElementById(id);
      if (target && target.parentNode === tbody && target.hidden) {
        reset();
        target.scrollIntoView();
      }
    }
    window.addEventListener("hashchange", reveal);
    /* the filters are open on a wide screen, folded on a phone */
    each(box.querySelectorAll("details[data-open-wide]"), function (d) {
      d.open = window.matchMedia("(min-width: 40rem)").matches;
    });
    box.hidden = false;
    apply();
  });
}());
