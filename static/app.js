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
        if (input && input.type !== "checkbox" && input.type !== "radio" && input.type !== "file" && !input.value) input.value = saved[name];
      });
    }
  } catch (e) { /* corrupt local copy: ignore */ }
  form.addEventListener("input", function () {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.name !== "csrf" && el.type !== "checkbox" && el.type !== "radio" && el.type !== "hidden" && el.type !== "file") data[el.name] = el.value;
    });
    try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* quota */ }
  });
  form.addEventListener("submit", function () { localStorage.removeItem(key); });
})();

// Files: one over its field's limit is refused here, before a byte of it is sent on a
// paid connection; the server checks again.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[type=file][data-max-bytes]");
  Array.prototype.forEach.call(inputs, function (input) {
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      var note = document.getElementById(input.id + "-check");
      if (!note) return;
      if (file && file.size > Number(input.getAttribute("data-max-bytes"))) {
        input.value = "";
        note.textContent = input.getAttribute("data-too-large");
        note.hidden = false;
      } else {
        note.hidden = true;
      }
    });
  });
})();

// Jury: running pitch timers count the seconds from the server's start instant; the
// progress page reloads itself; certificates get a print button.
(function () {
  "use strict";
  var timers = document.querySelectorAll("[data-timer-since]");
  if (timers.length) {
    var loaded = Date.now();
    var tick = function () {
      Array.prototype.forEach.call(timers, function (el) {
        var since = Number(el.getAttribute("data-timer-since"));
        var now = Number(el.getAttribute("data-now")) + (Date.now() - loaded);
        var s = Math.max(0, Math.floor((now - since) / 1000));
        el.textContent = Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
      });
    };
    tick();
    setInterval(tick, 1000);
  }
  var refresh = document.querySelector("[data-refresh]");
  if (refresh) {
    var secs = Number(refresh.getAttribute("data-refresh"));
    if (secs > 0) setTimeout(function () { location.reload(); }, secs * 1000);
  }
  var print = document.querySelector("[data-print]");
  if (print && window.print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
})();
