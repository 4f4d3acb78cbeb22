// Progressive enhancement only: live pages work by reload without this file (the presenter
// view reloads itself). A page whose element carries data-live="<stream>" listens to that
// server-sent event stream; on each change it fetches itself again and swaps in the fresh
// copies of its [data-live-region] elements (matched by id).
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root || !window.EventSource || !window.fetch || !window.DOMParser) return;
  var busy = false;
  var again = false;
  var refresh = function () {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        Array.prototype.forEach.call(document.querySelectorAll("[data-live-region]"), function (el) {
          var copy = el.id && fresh.getElementById(el.id);
          if (copy) el.replaceWith(document.importNode(copy, true));
        });
      })
      .catch(function () { /* offline for a moment: the next change or reconnect catches up */ })
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  };
  // The stream's address carries the version the page was read at: a change made before it
  // connected (or while reconnecting) is told at once.
  new EventSource(root.getAttribute("data-live")).addEventListener("changed", refresh);
})();
