// Progressive enhancement for the reader site: every link and form works without this file.
(function () {
  "use strict";
  document.documentElement.className = "js"; // early.js does this too, before the first paint

  function closeAll(except) {
    document.querySelectorAll(".submenu-toggle[aria-expanded='true']").forEach(function (button) {
      if (button !== except) setOpen(button, false);
    });
  }
  function setOpen(button, open) {
    button.setAttribute("aria-expanded", String(open));
    var target = document.getElementById(button.getAttribute("aria-controls"));
    if (target) target.classList.toggle("is-open", open);
  }

  // Section sub-menus: a button beside each section opens its menu (keyboard, touch, mouse).
  document.querySelectorAll(".submenu-toggle").forEach(function (button) {
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      closeAll(button);
      setOpen(button, open);
    });
  });
  // Small screens: the section list folds behind a Menu button.
  var menuButton = document.querySelector(".main-nav__toggle");
  if (menuButton) {
    menuButton.addEventListener("click", function () { setOpen(menuButton, menuButton.getAttribute("aria-expanded") !== "true"); });
  }
  // Escape closes the innermost open menu and puts focus back on the button that opened it.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector(".submenu-toggle[aria-expanded='true']");
    if (!open && menuButton && menuButton.getAttribute("aria-expanded") === "true" &&
        menuButton.offsetParent && document.activeElement.closest(".main-nav")) open = menuButton;
    if (open) { setOpen(open, false); open.focus(); }
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".has-submenu")) closeAll(null);
  });
  // A sub-menu closes when keyboard focus moves on past it.
  document.addEventListener("focusout", function (event) {
    var item = event.target.closest(".has-submenu");
    if (item && event.relatedTarget && !item.contains(event.relatedTarget)) closeAll(null);
  });

  // What's Hot scrolls only when motion is welcome (CSS checks prefers-reduced-motion too).
  var viewport = document.querySelector(".ticker__viewport");
  var ticker = viewport && viewport.querySelector(".ticker__list");
  if (ticker && window.matchMedia("(prefers-reduced-motion: no-preference)").matches && ticker.scrollWidth > viewport.clientWidth) {
    Array.prototype.slice.call(ticker.children).forEach(function (item) {
      var copy = item.cloneNode(true);
      copy.setAttribute("aria-hidden", "true");
      copy.querySelectorAll("a").forEach(function (a) { a.tabIndex = -1; });
      ticker.appendChild(copy);
    });
    viewport.classList.add("is-scrolling");
    // Moving content needs a way to stop it (WCAG 2.2.2), not only hover or focus.
    var pause = document.querySelector(".ticker__pause");
    if (pause) {
      pause.hidden = false;
      pause.addEventListener("click", function () {
        var paused = pause.getAttribute("aria-pressed") !== "true";
        pause.setAttribute("aria-pressed", String(paused));
        viewport.classList.toggle("is-paused", paused);
      });
    }
  }

  // Share: copy the article's address (the button is shown with JavaScript; without a clipboard, removed).
  document.querySelectorAll("[data-copy-link]").forEach(function (button) {
    if (!navigator.clipboard) { button.parentNode.remove(); return; }
    button.addEventListener("click", function () {
      var url = document.querySelector("link[rel='canonical']");
      navigator.clipboard.writeText(url ? url.href : location.href).then(function () {
        button.textContent = "Link copied";
      });
    });
  });

  // Top Trending changes as readers read, but the page may come from the page cache: show the current list.
  // "no-cache": not the browser's copy from the reader's previous page (a CDN may still keep it a minute).
  document.querySelectorAll("[data-trending]").forEach(function (box) {
    fetch(box.getAttribute("data-trending"), { credentials: "omit", cache: "no-cache" }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html) box.innerHTML = html; // this site's own escaped list (trending/top_list.html)
    }).catch(function () { /* the cached list stays */ });
  });

  // Search filters: a disclosure that CSS keeps open on wider screens; where the browser cannot, open it.
  if (!(window.CSS && CSS.supports && CSS.supports("selector(::details-content)")) &&
      window.matchMedia("(min-width: 48rem)").matches) {
    document.querySelectorAll("[data-filters]").forEach(function (filters) { filters.open = true; });
  }

  // Count a view for Top Trending: one anonymous beacon after the page has loaded.
  var article = document.querySelector("[data-article-id]");
  if (article && navigator.sendBeacon) {
    window.addEventListener("load", function () {
      var token = new URLSearchParams({ token: article.getAttribute("data-view-token") || "" });
      navigator.sendBeacon("/api/views/" + article.getAttribute("data-article-id") + "/", token);
    });
  }
})();
