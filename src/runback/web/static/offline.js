/* runback offline support (our own): registers the service worker, and keeps the sessions
   played with no network in an outbox (localStorage) until the server has each one. Every
   entry carries the phone's own key for the session, so sending it twice stores it once. */
"use strict";
(function () {
  var KEY = "runback.outbox";
  var sending = false;

  function read() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (_) { return []; }
  }
  function write(list) {
    try { localStorage.setItem(KEY, JSON.stringify(list)); } catch (_) { /* full: kept in memory */ }
    document.documentElement.setAttribute("data-outbox", String(list.length));
  }

  /** A key no other session of this phone has (sent with the session, checked by the server). */
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  /** Keep a played session to send later (or now, when online). */
  function keep(entry) {
    var list = read().filter(function (e) { return e.client_key !== entry.client_key; });
    list.push(entry);
    write(list);
    flush();
  }

  /** Add or change a field of a kept session (the rating given after it ended). */
  function amend(clientKey, fields) {
    var list = read();
    list.forEach(function (e) { if (e.client_key === clientKey) Object.assign(e, fields); });
    write(list);
  }

  function pending() { return read().length; }

  /** Send what is kept, oldest first; stop at the first network failure (try again later). */
  function flush() {
    if (sending || !navigator.onLine || !window.runback || !window.runback.api) return Promise.resolve();
    var list = read();
    if (!list.length) return Promise.resolve();
    sending = true;
    var now = Date.now();
    var next = function (i) {
      if (i >= list.length) return Promise.resolve();
      var e = list[i];
      var body = {
        client_key: e.client_key, routine_slug: e.routine_slug, context: e.context,
        completed: e.completed, state: e.state, active_s: e.active_s,
        started_ago_s: Math.max(0, (now - e.started_ms) / 1000),
        ended_ago_s: Math.max(0, (now - e.ended_ms) / 1000),
        enjoyment: e.enjoyment || null
      };
      return window.runback.api("POST", "/api/v1/sessions/played", body).then(function () {
        write(read().filter(function (k) { return k.client_key !== e.client_key; }));
        return next(i + 1);
      }, function (err) {
        if (err && err.offline) throw err;
        // Refused for good (the routine was deleted, say): drop it rather than retry forever.
        write(read().filter(function (k) { return k.client_key !== e.client_key; }));
        return next(i + 1);
      });
    };
    return next(0).catch(function () { /* still offline */ }).then(function () {
      sending = false;
      document.documentElement.setAttribute("data-outbox", String(pending()));
      document.dispatchEvent(new CustomEvent("runback:outbox"));
    });
  }

  window.addEventListener("online", flush);
  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.setAttribute("data-outbox", String(pending()));
    flush();
    // Log out: nothing of this person's stays on a shared phone.
    document.querySelectorAll('form[action="/logout"]').forEach(function (form) {
      form.addEventListener("submit", function () {
        try { localStorage.removeItem(KEY); } catch (_) { /* ok */ }
        if (navigator.serviceWorker && navigator.serviceWorker.controller) {
          navigator.serviceWorker.controller.postMessage("forget");
        }
      });
    });
  });
  // Only for someone logged in (the main nav is there): a login page is nothing to keep.
  if ("serviceWorker" in navigator && document.querySelector("nav.nav")) {
    window.addEventListener("load", function () {
      // A moment after the page is up: keeping the routines for offline never slows a page.
      setTimeout(function () {
        navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
          /* not over https or refused: the app works online as before */
        });
      }, 1500);
    });
  }

  window.runback = Object.assign(window.runback || {}, {
    outbox: { keep: keep, amend: amend, flush: flush, pending: pending, newKey: newKey }
  });
})();
