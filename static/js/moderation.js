// Keyboard shortcuts for the moderation queue. The queue works without this file: every
// action is a POST form. j/k move between items, a approves, r focuses the removal rule
// (Enter then removes), s marks spam, x selects for a bulk action, ? shows the help.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-queue-item]"));
  if (!items.length) return;
  var help = document.getElementById("mod-help");
  var current = -1;

  function focusItem(index) {
    if (index < 0 || index >= items.length) return;
    if (current >= 0) items[current].classList.remove("is-current");
    current = index;
    items[current].classList.add("is-current");
    items[current].focus();
    items[current].scrollIntoView({ block: "nearest" });
  }

  function currentIndex() {
    var active = document.activeElement;
    for (var i = 0; i < items.length; i++) {
      if (items[i] === active || items[i].contains(active)) return i;
    }
    return current;
  }

  function submitWith(selector) {
    var index = currentIndex();
    if (index < 0) return;
    var button = items[index].querySelector(selector);
    if (!button) return;
    // After the redirect the next item is the first: focus it so the keyboard flow goes on.
    sessionStorage.setItem("moderation-keyboard", "1");
    button.form.requestSubmit(button);
  }

  function typing(target) {
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.matches && target.matches("select[data-key='r']") && event.key === "Enter") {
      event.preventDefault();
      if (target.value) {
        sessionStorage.setItem("moderation-keyboard", "1");
        target.form.requestSubmit();
      }
      return;
    }
    if (event.key === "Escape" && typing(target)) {
      var item = target.closest("[data-queue-item]");
      if (item) item.focus();
      return;
    }
    if (typing(target)) return;
    switch (event.key) {
      case "j": focusItem(Math.min(currentIndex() + 1, items.length - 1)); break;
      case "k": focusItem(Math.max(currentIndex() - 1, 0)); break;
      case "a": submitWith("[data-key='a']"); break;
      case "s": submitWith("[data-key='s']"); break;
      case "r": {
        var index = currentIndex();
        if (index < 0) return;
        var select = items[index].querySelector("select[data-key='r']");
        if (select) select.focus();
        break;
      }
      case "x": {
        var i = currentIndex();
        if (i < 0) return;
        var box = items[i].querySelector("input[type=checkbox]");
        if (box) box.checked = !box.checked;
        break;
      }
      case "?": if (help) help.open = !help.open; break;
      default: return;
    }
    event.preventDefault();
  });

  if (sessionStorage.getItem("moderation-keyboard") === "1") {
    sessionStorage.removeItem("moderation-keyboard");
    focusItem(0);
  }
})();
