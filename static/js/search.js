// The search overlay: the header's Search link (or "/") opens a modal search form with suggestions.
// Without this file the link simply goes to /search/; everything here only adds to a plain GET form.
(function () {
  "use strict";
  var dialog = document.querySelector("[data-search-overlay]");
  if (!dialog || typeof dialog.showModal !== "function") return; // no <dialog>: keep the plain link

  var form = dialog.querySelector("form");
  var input = dialog.querySelector("[role='combobox']");
  var listbox = document.getElementById(input.getAttribute("aria-controls"));
  var status = dialog.querySelector("[data-search-status]");
  var openers = document.querySelectorAll("[data-search-open]");
  var SUGGEST_URL = "/search/suggest/";
  var MIN_CHARS = 2;
  var DELAY_MS = 150;

  var returnFocusTo = null;
  var timer = 0;
  var pending = null; // the AbortController of the fetch in flight
  var active = -1;    // index of the active option, -1 for none

  // -- Opening and closing ---------------------------------------------------------------------

  function open(opener) {
    if (dialog.open) return;
    returnFocusTo = opener;
    // Lock the page beneath; keep its scrollbar's gutter (if it has one) so nothing moves sideways.
    var root = document.documentElement;
    root.classList.toggle("search-keeps-gutter", window.innerWidth > root.clientWidth);
    root.classList.add("search-is-open");
    dialog.showModal();
    input.focus();
    input.select();
    if (input.value.trim().length >= MIN_CHARS) schedule();
  }

  dialog.addEventListener("close", function () {
    document.documentElement.classList.remove("search-is-open", "search-keeps-gutter");
    cancelPending();
    hideListbox();
    status.textContent = "";
    var target = returnFocusTo;
    returnFocusTo = null;
    if (!target || !target.isConnected || target === document.body) target = openers[0];
    // The opener may be off screen (opened with "/" further down the page): do not jump there.
    if (target) target.focus({ preventScroll: true });
  });

  openers.forEach(function (opener) {
    // With JavaScript it opens a dialog, so it is announced and operated as a button.
    opener.setAttribute("role", "button");
    opener.setAttribute("aria-haspopup", "dialog");
    opener.setAttribute("aria-keyshortcuts", "/");
    opener.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return; // new tab: still a link
      event.preventDefault();
      open(opener);
    });
    opener.addEventListener("keydown", function (event) {
      if (event.key === " ") { event.preventDefault(); open(opener); } // buttons answer Space as well as Enter
    });
  });

  dialog.querySelector("[data-search-close]").addEventListener("click", function () { dialog.close(); });
  // A click on the dimmed area around the panel closes it too (pressed there as well: a text
  // selection dragged out of the field must not close it).
  var pressedOutside = false;
  dialog.addEventListener("mousedown", function (event) { pressedOutside = event.target === dialog; });
  dialog.addEventListener("click", function (event) {
    if (event.target === dialog && pressedOutside) dialog.close();
  });

  function isTyping(element) {
    if (!element || element === document.body) return false;
    return element.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName);
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.isComposing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (dialog.open || event.defaultPrevented || isTyping(event.target) || isTyping(document.activeElement)) return;
    event.preventDefault(); // or the "/" would land in the input
    open(document.activeElement);
  });

  dialog.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.stopPropagation(); // the header's menus listen for Escape on the document
      if (event.isComposing) return; // it cancels the IME's composition, nothing of ours
      // Handled here, not left to the browser: in a search field with text, Chromium's Escape only
      // clears the text. The overlay says "Press Esc to cancel": one press closes it, suggestions
      // and all, whatever has focus inside it.
      event.preventDefault();
      hideListbox();
      dialog.close();
      return;
    }
    // Tab and Shift+Tab go round the dialog's controls rather than out to the browser's toolbar.
    if (event.key !== "Tab") return;
    var focusable = Array.prototype.filter.call(
      dialog.querySelectorAll("a[href], button:not([disabled]), input:not([disabled])"),
      function (element) { return element.getClientRects().length > 0; });
    if (!focusable.length) return;
    var first = focusable[0];
    var last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
    else if (!dialog.contains(document.activeElement)) { event.preventDefault(); first.focus(); }
  });

  // -- Suggestions (WAI-ARIA combobox with a listbox popup) -------------------------------------

  function options() { return listbox.querySelectorAll("[role='option']"); }

  function hideListbox() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  }

  function showListbox() {
    if (!options().length) return;
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function setActive(index) {
    var items = options();
    active = index;
    items.forEach(function (item, i) { item.setAttribute("aria-selected", String(i === index)); });
    if (index >= 0 && items[index]) {
      input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function cancelPending() {
    clearTimeout(timer);
    if (pending) pending.abort();
    pending = null;
  }

  function render(suggestions) {
    listbox.replaceChildren();
    suggestions.forEach(function (suggestion, i) {
      var item = document.createElement("li");
      item.id = "search-suggestion-" + i;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.className = "search-overlay__option";
      item.dataset.url = suggestion.url;
      // textContent only: titles come from the index and are never trusted as markup.
      var title = document.createElement("span");
      title.className = "search-overlay__option-title";
      title.textContent = suggestion.title;
      item.appendChild(title);
      if (suggestion.section) {
        var section = document.createElement("span");
        section.className = "search-overlay__option-section";
        section.textContent = suggestion.section;
        item.appendChild(document.createTextNode(" "));
        item.appendChild(section);
      }
      listbox.appendChild(item);
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (suggestions.length) showListbox(); else hideListbox();
    // Short on purpose: a long live region reads badly in screen readers.
    var n = suggestions.length;
    status.textContent = n ? n + (n === 1 ? " suggestion" : " suggestions") : "No suggestions";
  }

  function clearSuggestions() {
    listbox.replaceChildren();
    hideListbox();
    status.textContent = "";
  }

  function fetchSuggestions() {
    var query = input.value.trim();
    if (query.length < MIN_CHARS) { clearSuggestions(); return; }
    if (pending) pending.abort(); // a late answer to an older query must never win
    var controller = new AbortController();
    pending = controller;
    fetch(SUGGEST_URL + "?q=" + encodeURIComponent(query), {
      headers: { Accept: "application/json" }, signal: controller.signal,
    }).then(function (response) {
      if (!response.ok) throw new Error("suggest answered " + response.status);
      return response.json();
    }).then(function (data) {
      if (controller !== pending || !dialog.open) return;
      pending = null;
      if (data.unavailable || data.error) { clearSuggestions(); return; } // search is down: say nothing
      render(Array.isArray(data.suggestions) ? data.suggestions.filter(function (s) {
        return s && typeof s.title === "string" && typeof s.url === "string";
      }) : []);
    }).catch(function () {
      // Search down, offline or aborted: show nothing, and typing goes on as before.
      if (controller !== pending) return;
      pending = null;
      clearSuggestions();
    });
  }

  function schedule() {
    clearTimeout(timer);
    if (input.value.trim().length < MIN_CHARS) { cancelPending(); clearSuggestions(); return; }
    timer = setTimeout(fetchSuggestions, DELAY_MS);
  }

  input.addEventListener("input", function () {
    setActive(-1); // the options on show belong to older text until the new answer comes
    schedule();
  });

  function go(item) {
    if (!item || !item.dataset.url) return;
    var url = new URL(item.dataset.url, window.location.href);
    // Only pages of this site: an answer from the index must never send readers elsewhere.
    if (url.origin === window.location.origin) window.location.assign(url.href);
  }

  input.addEventListener("keydown", function (event) {
    if (event.isComposing || event.keyCode === 229) return; // an IME is composing: its keys, not ours
    var count = options().length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!count) return;
      event.preventDefault(); // keep the caret where it is
      if (listbox.hidden) { showListbox(); }
      var step = event.key === "ArrowDown" ? 1 : -1;
      var next = active < 0 ? (step > 0 ? 0 : count - 1) : (active + step + count) % count;
      setActive(next);
    } else if (event.key === "Enter") {
      if (!listbox.hidden && active >= 0) {
        event.preventDefault();
        go(options()[active]);
      } // otherwise the form submits to the full results page
    }
  });

  // Pointer: choose a suggestion without taking focus from the input.
  listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
  listbox.addEventListener("click", function (event) {
    go(event.target.closest("[role='option']"));
  });

  form.addEventListener("submit", function () { cancelPending(); });
})();
