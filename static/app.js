// Progressive enhancement only: every page works without this file.
// Keeps typed answers in the browser while the form is open, so a dropped connection
// does not lose them; the server copy is saved by the form buttons.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.localStorage) return;
  var key = "kene:" + location.pathname;
  try {
    var saved = JSON.parse(localStorage.getItem(key) || "null");
    if (saved && saved.csrf === undefined) {
      Object.keys(saved).forEach(function (name) {
        var input = form.elements[name];
        if (input && input.type !== "checkbox" && input.type !== "radio" && !input.value) input.value = saved[name];
      });
    }
  } catch (e) { /* corrupt local copy: ignore */ }
  form.addEventListener("input", function () {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.name !== "csrf" && el.type !== "checkbox" && el.type !== "radio" && el.type !== "hidden") data[el.name] = el.value;
    });
    try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* quota */ }
  });
  form.addEventListener("submit", function () { localStorage.removeItem(key); });
})();
