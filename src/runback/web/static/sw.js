/* runback service worker (our own): keeps the app shell, the routines and the player on the
   phone, so a routine plays with no network. Pages and the API go to the network first (always
   fresh when online); with no network, the last copy kept answers. The version changes with
   every release of the static files, which drops the old copies. */
"use strict";
var VERSION = "__VERSION__";
var CACHE = "runback-" + VERSION;
var SHELL = __SHELL__;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      // The fixed shell first, then every routine's player page the server lists.
      return cache.addAll(SHELL).then(function () {
        return fetch("/offline-pages.json", { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { pages: [] }; })
          .then(function (list) {
            return Promise.all(list.pages.map(function (url) {
              return cache.add(url).catch(function () { /* one page missing: keep the rest */ });
            }));
          })
          .catch(function () { /* offline at install: the shell alone */ });
      });
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) {
        return k.indexOf("runback-") === 0 && k !== CACHE;
      }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  // Logging out: nothing of this person's pages may stay on the device.
  if (event.data === "forget") event.waitUntil(caches.delete(CACHE));
});

function keep(request, response) {
  if (!response || response.status !== 200 || response.type !== "basic") return response;
  var copy = response.clone();
  caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
  return response;
}

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") return;  // writes go to the network; the page queues them offline
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/api/") === 0 || url.pathname === "/sw.js") return;
  var isStatic = url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/icons/") === 0;
  if (isStatic) {
    // Versioned with the worker: the cached copy is the right one.
    event.respondWith(caches.match(req).then(function (hit) {
      return hit || fetch(req).then(function (r) { return keep(req, r); });
    }));
    return;
  }
  event.respondWith(
    fetch(req).then(function (r) { return keep(req, r); }).catch(function () {
      return caches.match(req).then(function (hit) {
        // A player page asked with another speed or context: the routine's own page.
        return hit || caches.match(req, { ignoreSearch: true });
      }).then(function (hit) {
        if (hit) return hit;
        if (req.mode === "navigate") return caches.match("/offline");
        return new Response("", { status: 504, statusText: "offline" });
      });
    })
  );
});
