// Fil Rouge calendar: drag a post onto another day (or onto the ideas) to move it; it keeps its wall-clock time.
// Without this script, the Move form of each post's page does the same.
(function () {
  "use strict";
  var root = document.getElementById("calendar");
  if (!root) { return; }
  var dragged = null;

  function dropTarget(e) {
    var el = e.target;
    if (el && el.nodeType !== 1) { el = el.parentElement; }
    return el ? el.closest("[data-drop-date]") : null;
  }

  function clearHover() {
    root.querySelectorAll(".drop-over").forEach(function (el) { el.classList.remove("drop-over"); });
  }

  root.addEventListener("dragstart", function (e) {
    var chip = e.target.closest ? e.target.closest("[data-move]") : null;
    if (!chip) { return; }
    dragged = chip;
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", chip.getAttribute("data-move"));
  });

  root.addEventListener("dragend", function () {
    dragged = null;
    clearHover();
  });

  root.addEventListener("dragover", function (e) {
    var cell = dropTarget(e);
    if (!dragged || !cell) { return; }
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
    clearHover();
    cell.classList.add("drop-over");
  });

  root.addEventListener("drop", function (e) {
    var cell = dropTarget(e);
    if (!dragged || !cell) { return; }
    e.preventDefault();
    var body = new URLSearchParams();
    body.set("_csrf", root.getAttribute("data-csrf"));
    body.set("version", dragged.getAttribute("data-version"));
    body.set("date", cell.getAttribute("data-drop-date"));
    body.set("time", dragged.getAttribute("data-time") || "");
    body.set("back", root.getAttribute("data-back"));
    // The answer is a redirect carrying a message; reloading shows the calendar with it.
    fetch(dragged.getAttribute("data-move"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual"
    }).then(reload, reload);
  });

  function reload() { window.location.reload(); }
})();
