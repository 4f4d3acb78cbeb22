// The door page: reads badges with the camera (or typed), verifies their Ed25519 signature in
// the page with the edition's verifying keys, flags badges already seen at this door today,
// queues every scan and sends the queue when the network allows. Works offline once the page
// and its data have been loaded (the service worker keeps them).
(function () {
  "use strict";
  var root = document.getElementById("door");
  if (!root || !window.crypto || !crypto.subtle) return;
  var slug = root.getAttribute("data-edition");
  var csrf = root.getAttribute("data-csrf");
  var base = "/checkin/" + slug;
  var DATA = "kene-checkin-data-" + slug;
  var QUEUE = "kene-checkin-queue-" + slug;
  var SEEN = "kene-checkin-seen-" + slug;
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  var CODE_CHARS = 117;
  var messages = {};
  Array.prototype.forEach.call(document.querySelectorAll("#messages li"), function (li) {
    messages[li.getAttribute("data-name")] = li.textContent;
  });
  function t(name) { return messages[name] || name; }
  function load(key, fallback) {
    try { var v = JSON.parse(localStorage.getItem(key)); return v === null ? fallback : v; } catch (e) { return fallback; }
  }
  function save(key, value) { localStorage.setItem(key, JSON.stringify(value)); }

  var device = localStorage.getItem("kene-checkin-device");
  if (!device) {
    device = "phone-" + Math.random().toString(36).slice(2, 10);
    localStorage.setItem("kene-checkin-device", device);
  }
  var data = load(DATA, null);
  var keys = {};
  var valid = {};
  var revoked = {};

  var result = document.getElementById("result");
  var status = document.getElementById("sync-status");
  var flagged = document.getElementById("flagged");
  function show(tone, title, detail) {
    result.className = "verdict tone-" + tone;
    result.textContent = "";
    var strong = document.createElement("strong");
    strong.id = "verdict-title";
    strong.textContent = title;
    var span = document.createElement("span");
    span.id = "verdict-detail";
    span.textContent = detail || "";
    result.appendChild(strong);
    result.appendChild(span);
  }
  function pending() { return load(QUEUE, []).length; }
  function setStatus(text) { status.textContent = text + (pending() ? " · " + t("queued") + " " + pending() : ""); }

  function bytesFromBase64(s) {
    var raw = atob(s), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function base32(text) {
    var out = new Uint8Array(Math.floor(text.length * 5 / 8)), bits = 0, value = 0, at = 0;
    for (var i = 0; i < text.length; i++) {
      var v = ALPHABET.indexOf(text[i]);
      if (v < 0) return null;
      value = (value << 5) | v; bits += 5;
      if (bits >= 8) { out[at++] = (value >>> (bits - 8)) & 255; bits -= 8; }
    }
    return out;
  }
  function useData(d) {
    data = d;
    valid = {}; revoked = {};
    var n = 0;
    (d.valid ? d.valid.split(",") : []).forEach(function (gap) { n += parseInt(gap, 36); valid[n] = true; });
    d.revoked.forEach(function (b) { revoked[b] = true; });
    keys = {};
    return Promise.all(d.keys.map(function (k) {
      return crypto.subtle.importKey("raw", bytesFromBase64(k[1]), { name: "Ed25519" }, false, ["verify"])
        .then(function (key) { keys[k[0]] = key; });
    })).then(function () { root.setAttribute("data-ready", "1"); setStatus(t("ready")); });
  }
  function refresh() {
    return fetch(base + "/offline.json", { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (d) { save(DATA, d); return useData(d); })
      .catch(function () { if (data) return useData(data); setStatus(t("offline")); });
  }

  // The civil day in the edition's zone, as the server counts it.
  function today() {
    try { return new Intl.DateTimeFormat("en-CA", { timeZone: data.zone }).format(new Date()); } catch (e) { return new Date().toISOString().slice(0, 10); }
  }
  function door() { return document.getElementById("room").value; }
  function direction() {
    var checked = document.querySelector("input[name=direction]:checked");
    return checked ? checked.value : "in";
  }

  // What a text names: {badge, category, typed} or the name of the problem.
  function read(text) {
    var typed = text.replace(/^\s*N?°?\s*/i, "").trim();
    if (/^[0-9]{1,9}$/.test(typed)) {
      var n = parseInt(typed, 10);
      if (revoked[n]) return Promise.resolve("revoked");
      return Promise.resolve(valid[n] ? { badge: n, category: null, typed: true } : "unknown-badge");
    }
    var code = text.toUpperCase().replace(/[\s-]/g, "");
    if (code.length !== CODE_CHARS) return Promise.resolve("malformed");
    var bytes = base32(code);
    if (!bytes || bytes.length !== 73 || bytes[0] !== 1) return Promise.resolve("malformed");
    var key = keys[bytes[1]];
    var edition = (bytes[2] << 8) | bytes[3];
    if (!key || edition !== data.edition) return Promise.resolve("unknown-key");
    var badge = ((bytes[4] << 24) >>> 0) + (bytes[5] << 16) + (bytes[6] << 8) + bytes[7];
    return crypto.subtle.verify("Ed25519", key, bytes.slice(9), bytes.slice(0, 9)).then(function (ok) {
      if (!ok) return "forged";
      return revoked[badge] ? "revoked" : { badge: badge, category: bytes[8], typed: false };
    });
  }

  function pad(n) { return ("00000" + n).slice(-6); }
  function handle(text) {
    if (!data) { show("bad", t("offline"), ""); return; }
    var dir = direction(), room = door();
    read(text).then(function (found) {
      if (typeof found === "string") {
        show("bad", t(found), "");
        // A revoked badge is still reported, so that organisers see it was tried.
        if (found !== "revoked") return;
      }
      var verdict = typeof found === "string" ? found : "admitted";
      var detail = "";
      if (typeof found !== "string") {
        var seen = load(SEEN, {});
        var mark = today() + "|" + room + "|" + found.badge;
        if (dir === "in" && seen[mark]) verdict = "duplicate";
        if (dir === "in" && verdict === "admitted") { seen[mark] = 1; save(SEEN, seen); }
        var category = found.category !== null && data.categories[found.category] ? data.categories[found.category][0] : "";
        detail = "N° " + pad(found.badge) + (category ? " · " + category : "") + (found.typed ? " · " + t("typed") : "");
        show(verdict === "admitted" ? "ok" : "warn", t(verdict), detail);
      }
      var queue = load(QUEUE, []);
      queue.push({ id: device + "-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 8), code: text.trim(), room: room ? parseInt(room, 10) : null, direction: dir, at: Date.now() });
      save(QUEUE, queue);
      sync();
    });
  }

  var syncing = false;
  function sync() {
    var queue = load(QUEUE, []);
    if (syncing) return;
    if (!queue.length) { setStatus(navigator.onLine === false ? t("offline") : t("ready")); return; }
    syncing = true;
    var batch = queue.slice(0, 200);
    fetch(base + "/scans", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ device: device, scans: batch })
    }).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (answer) {
        var sent = {};
        batch.forEach(function (s) { sent[s.id] = true; });
        save(QUEUE, load(QUEUE, []).filter(function (s) { return !sent[s.id]; }));
        answer.revoked.forEach(function (b) { revoked[b] = true; });
        if (data) { data.revoked = answer.revoked; save(DATA, data); }
        answer.outcomes.forEach(function (o) {
          if (o.result === "duplicate" || o.result === "revoked") {
            var li = document.createElement("li");
            li.textContent = t("flagged-at-sync") + " N° " + (o.badge === null ? "?" : pad(o.badge)) + " · " + t(o.result);
            flagged.insertBefore(li, flagged.firstChild);
          }
        });
        syncing = false;
        setStatus(t("synced"));
        if (load(QUEUE, []).length) sync();
      })
      .catch(function () { syncing = false; setStatus(t("offline")); });
  }

  document.getElementById("manual").addEventListener("submit", function (e) {
    e.preventDefault();
    var input = document.getElementById("code");
    if (input.value.trim()) handle(input.value);
    input.value = "";
    input.focus();
  });

  // The camera, where the phone has one: a frame every quarter second goes to the QR reader.
  var box = document.getElementById("camera-box");
  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.kenedecodeQR) {
    box.hidden = false;
    document.getElementById("camera-start").addEventListener("click", function () {
      var video = document.getElementById("camera");
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        var canvas = document.createElement("canvas");
        var context = canvas.getContext("2d", { willReadFrequently: true });
        var last = "", lastAt = 0;
        setInterval(function () {
          if (!video.videoWidth) return;
          var scale = Math.min(1, 640 / video.videoWidth);
          canvas.width = Math.round(video.videoWidth * scale);
          canvas.height = Math.round(video.videoHeight * scale);
          context.drawImage(video, 0, 0, canvas.width, canvas.height);
          var frame = context.getImageData(0, 0, canvas.width, canvas.height);
          var text;
          try { text = window.kenedecodeQR({ width: frame.width, height: frame.height, data: frame.data }); } catch (e) { return; }
          if (text && (text !== last || Date.now() - lastAt > 3000)) { last = text; lastAt = Date.now(); handle(text); }
        }, 250);
      }).catch(function () { show("bad", t("camera-failed"), ""); });
    });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/checkin/sw.js").then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        var urls = [location.pathname, base + "/offline.json"];
        Array.prototype.forEach.call(document.querySelectorAll("script[src], link[rel=stylesheet]"), function (el) {
          urls.push(el.getAttribute("src") || el.getAttribute("href"));
        });
        if (registration.active) registration.active.postMessage({ keep: urls });
      }).catch(function () {});
  }
  window.addEventListener("online", sync);
  setInterval(sync, 5000);
  refresh().then(sync);
})();
