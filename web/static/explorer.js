// Facetwire explorer: what htmx's attributes cannot say. Everything works without this file.
//
// 1. History. Live typing replaces the URL of the current entry (hx-replace-url); a real step
//    (a submitted query, a facet, a page) pushes a new one. Before such a push, an entry that
//    typing rewrote gets back the URL it was made with, so Back goes to the last real state and
//    never to a half-typed query; a push of the URL already shown only replaces it.
// 2. The "Filters" fold (a <details>, for phones) keeps its open state across swaps, and is open
//    on wide screens in browsers whose CSS cannot show a closed <details>' content.
// 3. Focus. htmx gives focus back to an element with the same id (every facet control has one);
//    when there is none, focus goes to the results instead of getting lost on <body>.
(function () {
  "use strict";
  var committed = location.href;   // the URL the current history entry was made with
  var rewritten = false;           // whether typing has replaced that URL since
  var filtersOpen = null;          // the Filters fold's state before a swap
  var fromExplorer = false;        // whether the request came from inside the explorer

  function absolute(path) {
    return new URL(path, location.href).href;
  }

  function same(a, b) {
    // hx-push-url writes a space as %20, a form GET as "+": compare decoded pairs
    var ua = new URL(a), ub = new URL(b);
    if (ua.pathname !== ub.pathname) return false;
    var pa = Array.from(ua.searchParams.entries()).sort().join("&");
    var pb = Array.from(ub.searchParams.entries()).sort().join("&");
    return pa === pb;
  }

  document.addEventListener("htmx:beforeHistoryUpdate", function (evt) {
    var update = evt.detail.history;
    if (!update || !update.path) return;
    var target = absolute(update.path);
    if (update.type === "replace") {
      rewritten = !same(target, committed);
      return;
    }
    if (update.type !== "push") return;
    if (rewritten) {
      history.replaceState(history.state, "", committed);
    } else if (same(target, location.href)) {
      update.type = "replace";   // nothing changed: no new entry
    }
    committed = target;
    rewritten = false;
  });

  window.addEventListener("popstate", function () {
    committed = location.href;
    rewritten = false;
  });
  document.addEventListener("htmx:historyRestore", function () {
    filtersOpen = null;
    settleFilters();
  });

  function wide() {
    return window.matchMedia("(min-width: 861px)").matches;
  }

  function cssShowsClosedDetails() {
    return !!(window.CSS && CSS.supports && CSS.supports("selector(::details-content)"));
  }

  function settleFilters() {
    var fold = document.getElementById("filters");
    if (!fold) return;
    if (filtersOpen !== null) fold.open = filtersOpen;
    else if (wide() && !cssShowsClosedDetails()) fold.open = true;
    filtersOpen = null;
  }

  document.addEventListener("htmx:beforeRequest", function (evt) {
    var explorer = document.getElementById("explorer");
    fromExplorer = !!(explorer && explorer.contains(evt.detail.elt));
  });

  document.addEventListener("htmx:beforeSwap", function () {
    var fold = document.getElementById("filters");
    filtersOpen = fold ? fold.open : null;
  });

  document.addEventListener("htmx:afterSettle", function (evt) {
    settleFilters();
    var active = document.activeElement;
    if (fromExplorer && (!active || active === document.body)) {
      var results = document.getElementById("results");
      if (results && evt.detail.target && evt.detail.target.id === "explorer") results.focus();
    }
    fromExplorer = false;
  });

  document.addEventListener("DOMContentLoaded", settleFilters);
})();
