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

// Fields asked after a choice (the chosen ID document's upload box): shown as the choice
// changes. Without this script the server shows them all until the choice is saved.
(function () {
  "use strict";
  var dependents = document.querySelectorAll("[data-shown-when]");
  if (!dependents.length) return;
  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var chosen = function (name) {
    var el = form.elements[name];
    if (!el) return null;
    if (el.tagName === "SELECT" || el.tagName === "INPUT") return el.checked === false && el.type === "radio" ? "" : el.value;
    for (var i = 0; i < el.length; i++) if (el[i].checked) return el[i].value;
    return "";
  };
  var update = function () {
    Array.prototype.forEach.call(dependents, function (el) {
      var rule = el.getAttribute("data-shown-when");
      var at = rule.indexOf("=");
      var value = chosen(rule.slice(0, at));
      if (value !== null) el.hidden = value !== rule.slice(at + 1);
    });
  };
  form.addEventListener("change", update);
  update();
})();

// Files: one over its field's limit or of a refused type is stopped here, before a byte of
// it is sent on a paid connection; an accepted one is sent at once with its progress shown
// and marked as sent. The server checks everything again. Without this script the step's
// buttons carry the chosen files.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[type=file][data-max-bytes]");
  // A step button pressed while a file is still on its way waits for it, rather than
  // leaving the page and cutting the upload off.
  var sending = 0;
  var waiting = null;
  var sent = function () {
    sending -= 1;
    if (sending === 0 && waiting) {
      var button = waiting;
      waiting = null;
      button.click();
    }
  };
  var stepForm = inputs.length ? inputs[0].form : null;
  if (stepForm) {
    stepForm.addEventListener("submit", function (e) {
      if (sending > 0) {
        e.preventDefault();
        waiting = e.submitter || stepForm.querySelector("button[value=next]");
      }
    });
  }
  Array.prototype.forEach.call(inputs, function (input) {
    var note = document.getElementById(input.id + "-check");
    var current = document.getElementById(input.id + "-current");
    var form = input.form;
    var say = function (text) {
      note.textContent = text;
      note.hidden = !text;
    };
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!note || !file) return;
      say("");
      var accepted = (input.getAttribute("accept") || "").split(",");
      if (file.size > Number(input.getAttribute("data-max-bytes"))) {
        input.value = "";
        return say(input.getAttribute("data-too-large"));
      }
      if (file.type && accepted.indexOf(file.type) < 0) {
        input.value = "";
        return say(input.getAttribute("data-wrong-type"));
      }
      var url = input.getAttribute("data-upload-url");
      if (!url || !window.FormData || !window.XMLHttpRequest || !form) return;
      var data = new FormData();
      data.append("csrf", form.elements.csrf.value);
      data.append("file", file, file.name);
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.id = input.id + "-progress";
      input.parentNode.insertBefore(bar, input.nextSibling);
      input.disabled = true;
      sending += 1;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      };
      var done = function () {
        bar.parentNode.removeChild(bar);
        input.disabled = false;
        setTimeout(sent, 0);
      };
      xhr.onload = function () {
        done();
        if (xhr.status === 200) {
          // Stored: the step's buttons need not send it again.
          input.value = "";
          current.textContent = input.getAttribute("data-sent") + " " + file.name;
          current.className = "file-current ok";
          return;
        }
        var error = null;
        if (xhr.status === 422 && window.DOMParser) {
          var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
          error = page.getElementById(input.id + "-error");
        }
        // Refused: choose another file. Otherwise (server unreachable…) the file stays
        // chosen and goes with the step's buttons.
        if (xhr.status === 422 || xhr.status === 413) input.value = "";
        say(error ? error.textContent : xhr.status === 413 ? input.getAttribute("data-too-large") : input.getAttribute("data-failed"));
      };
      xhr.onerror = function () {
        done();
        say(input.getAttribute("data-failed"));
      };
      xhr.send(data);
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
