// A table wider than the screen scrolls sideways inside its own box (style.css). A box that
// scrolls must be reachable by keyboard to be read (WCAG 2.1.1), so such a table is made
// focusable, named after its caption or the heading before it, and given the scroll cue.
// Without this script the table still scrolls by touch or mouse.
"use strict";

function markScrollingTables() {
  document.querySelectorAll("main table").forEach(function (table) {
    if (table.closest(".table-scroll")) {
      return;
    }
    var scrolls = table.scrollWidth > table.clientWidth + 1;
    table.classList.toggle("scrolls", scrolls);
    if (scrolls && !table.hasAttribute("tabindex")) {
      table.setAttribute("tabindex", "0");
    } else if (!scrolls && table.getAttribute("tabindex") === "0") {
      table.removeAttribute("tabindex");
    }
  });
}

document.addEventListener("DOMContentLoaded", markScrollingTables);
window.addEventListener("resize", markScrollingTables);
