// Fil Rouge inbox: keyboard shortcuts and the guard of the list's live updates. The pages work without it.
// List: j / k move between messages, Enter or o opens, a assigns to me, d marks done (through the bulk form,
// as if the row alone were ticked). Item page: a, d, r (the reply box). Everywhere: ? shows the list of shortcuts.
// Never while typing in a field, and never with Ctrl, Alt or Meta held.
(function () {
  "use strict";

  function typing(el) {
    if (!el) { return false; }
    var tag = el.tagName;
    return el.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  var rowsBody = document.getElementById("inbox-rows");

  // Live updates: the list's rows are polled by htmx. A poll is cancelled while something is ticked or focus is
  // in the list, so neither a selection nor the keyboard position is swept away.
  document.addEventListener("htmx:beforeRequest", function (e) {
    if (!rowsBody || e.detail.elt !== rowsBody) { return; }
    var ticked = rowsBody.querySelector("input[type=checkbox]:checked");
    if (ticked || rowsBody.contains(document.activeElement)) { e.preventDefault(); }
  });

  function rows() {
    return rowsBody ? Array.prototype.slice.call(rowsBody.querySelectorAll("tr.inbox-item")) : [];
  }

  function currentIndex(list) {
    var active = document.activeElement;
    for (var i = 0; i < list.length; i++) {
      if (list[i].contains(active)) { return i; }
    }
    return -1;
  }

  function move(step) {
    var list = rows();
    if (!list.length) { return; }
    var i = currentIndex(list);
    var next = i < 0 ? 0 : Math.min(list.length - 1, Math.max(0, i + step));
    var link = list[next].querySelector("a.open");
    if (link) { link.focus(); list[next].scrollIntoView({ block: "nearest" }); }
  }

  function onRow(change) {
    var list = rows();
    var i = currentIndex(list);
    var form = document.getElementById("bulk");
    if (i < 0 || !form) { return; }
    var box = list[i].querySelector("input[type=checkbox][name=item]");
    if (!box) { return; }
    list.forEach(function (r) {
      var b = r.querySelector("input[type=checkbox][name=item]");
      if (b) { b.checked = false; }
    });
    box.checked = true;
    form.querySelector("select[name=change]").value = change;
    form.submit();
  }

  function submit(id) {
    var form = document.getElementById(id);
    if (form) { form.submit(); }
  }

  function toggleHelp() {
    var help = document.getElementById("shortcuts");
    if (!help) { return; }
    help.open = !help.open;
    if (help.open) { help.querySelector("summary").focus(); }
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey || typing(e.target)) { return; }
    var onList = !!rowsBody;
    switch (e.key) {
      case "j": if (onList) { move(1); e.preventDefault(); } break;
      case "k": if (onList) { move(-1); e.preventDefault(); } break;
      case "o":
        if (onList) {
          var list = rows();
          var i = currentIndex(list);
          if (i >= 0) { window.location.href = list[i].getAttribute("data-url"); e.preventDefault(); }
        }
        break;
      case "a": if (onList) { onRow("assign_me"); } else { submit("quick-assign"); } e.preventDefault(); break;
      case "d": if (onList) { onRow("done"); } else { submit("quick-done"); } e.preventDefault(); break;
      case "r":
        var box = document.getElementById("reply-text");
        if (box) { box.focus(); e.preventDefault(); }
        break;
      case "?": toggleHelp(); e.preventDefault(); break;
      default: break;
    }
  });

  // Saved replies: choosing one fills the reply box (the Insert button does the same without scripts).
  var saved = document.querySelector("form.saved-replies");
  var text = document.getElementById("reply-text");
  if (saved && text) {
    var fill = function (e) {
      var choice = saved.querySelector("select[name=saved]");
      if (!choice || !choice.value) { return; }
      if (e) { e.preventDefault(); }
      fetch(saved.getAttribute("data-fill") + encodeURIComponent(choice.value), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (filled) {
          text.value = filled;
          text.dispatchEvent(new Event("input", { bubbles: true }));
          text.focus();
        })
        .catch(function () { saved.submit(); });
    };
    saved.addEventListener("submit", fill);
  }
})();
