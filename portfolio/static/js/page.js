// Behaviour every page shares. Each part works without this script too; the script makes it better.

// 1. An error summary (templates/registration/_form_errors.html) takes focus when the page loads, so the
//    person hears "There is a problem" straight after a server-side error (autofocus does it too, where honoured).
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();

// 2. Wide tables scroll inside their own box, never the page: a table a template did not put in a
// <div class="table-scroll"> gets one here (the CSS keeps a table in bounds without this script, too).
// When the box does scroll it becomes a named region in the tab order, so keyboard users can scroll it.
// A template's own box (<div class="table-wrap" tabindex="0" role="region">) is left as it is: a second box
// inside it was a scroll region of its own, named and focusable only if it scrolled when this ran.
(function () {
  "use strict";
  function wrap(root) {
    var tables = root.tagName === "TABLE" ? [root] : root.querySelectorAll("table");
    Array.prototype.forEach.call(tables, function (table) {
      var box = table.closest(".table-scroll, .table-wrap");
      if (!box) {
        box = document.createElement("div");
        box.className = "table-scroll";
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      }
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        var name = table.caption ? table.caption.textContent.trim() : table.getAttribute("aria-label");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", name || "Table");
        box.tabIndex = 0;
      }
    });
  }
  if (window.htmx) {
    window.htmx.onLoad(wrap);  // the page at start-up and every piece htmx swaps in later
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { wrap(document.body); });
  } else {
    wrap(document.body);
  }
})();
