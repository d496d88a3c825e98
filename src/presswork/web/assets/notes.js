/* presswork web edition: a note call opens its note in a pop-over, where the browser has the
   Popover API. Without it, or without JavaScript, the call is a plain link to the note at the
   chapter's end, whose number links back. */
(function () {
  "use strict";
  var script = document.currentScript;
  var pop = document.createElement("div");
  if (typeof pop.showPopover !== "function") {
    return;
  }
  var caller = null;
  pop.popover = "auto";
  pop.id = "note-popover";
  pop.className = "note-popover";
  pop.setAttribute("role", "dialog");
  pop.tabIndex = -1;

  function closeButton() {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "note-popover-close";
    button.setAttribute("aria-label", script.dataset.close);
    button.textContent = "\u00d7";
    button.addEventListener("click", function () { pop.hidePopover(); });
    return button;
  }

  function fill(note, number) {
    pop.replaceChildren(closeButton());
    Array.prototype.forEach.call(note.childNodes, function (node) { pop.appendChild(node.cloneNode(true)); });
    pop.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    pop.querySelectorAll("a.note-number").forEach(function (el) { el.remove(); });
    pop.setAttribute("aria-label", script.dataset.note + " " + number);
  }

  function place(link) {
    var call = link.getBoundingClientRect();
    var width = pop.offsetWidth, height = pop.offsetHeight;
    var page = document.documentElement.clientWidth;
    var left = Math.min(Math.max(8, call.left + call.width / 2 - width / 2), Math.max(8, page - width - 8));
    var top = call.bottom + 6;
    if (top + height > window.innerHeight && call.top - height - 6 > 0) {
      top = call.top - height - 6;
    }
    pop.style.left = (left + window.scrollX) + "px";
    pop.style.top = (top + window.scrollY) + "px";
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[role="doc-noteref"]');
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    var note = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!note) {
      return;
    }
    event.preventDefault();
    if (pop.matches(":popover-open")) {
      pop.hidePopover();
    }
    fill(note, link.textContent);
    caller = link;
    pop.showPopover();
    place(link);
    pop.focus({ preventScroll: true });
  });

  pop.addEventListener("toggle", function (event) {
    if (event.newState === "closed" && caller) {
      if (!document.activeElement || document.activeElement === document.body || pop.contains(document.activeElement)) {
        caller.focus({ preventScroll: true });
      }
      caller = null;
    }
  });

  document.body.appendChild(pop);
})();
