/* The roll call's and the volunteer's check-in's service worker (served as
   /fremmoede/sw.js; scope /fremmoede/, which holds both).
   Network first: each roll-call page and its assets are kept in the cache when fetched
   online, and served from it when the network is gone, so a roll call opened earlier in
   the day opens again without network. Ticks are not handled here: the page queues them
   itself (roll-call-offline.js). Only GETs on our own origin; never a POST. */
"use strict";

const CACHE = "tovholder-roll-call-v1";
const ROLL_CALL = /^\/fremmoede\/vagter\/\d+\/$/;
// A volunteer's scan of the shift's code: never kept (the code rotates, the page says who
// is in); without network the check-in page kept below opens instead, and queues.
const SCAN = /^\/fremmoede\/ind\/\d+\/[^/]+\/$/;
const SCAN_SHELL = "/fremmoede/ind/uden-net/";

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("tovholder-roll-call-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

function kept(url) {
  return ROLL_CALL.test(url.pathname) || url.pathname === SCAN_SHELL || url.pathname.startsWith("/static/") || url.pathname === "/brand.css";
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && SCAN.test(url.pathname)) {
    event.respondWith(fetch(request).catch(() => caches.match(SCAN_SHELL, { ignoreVary: true }).then((hit) => hit || Response.error())));
    return;
  }
  if (!kept(url)) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        // Not a sign-in page reached by a redirect, not an error page.
        if (response.ok && response.type === "basic" && !response.redirected) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() => caches.match(request, { ignoreVary: true }).then((hit) => hit || Response.error())),
  );
});

// The page asks for itself, its assets and the day's other roll calls (its data-day-urls)
// to be kept: it was fetched before the worker controlled it.
self.addEventListener("message", (event) => {
  const urls = event.data && event.data.keep;
  if (!Array.isArray(urls)) return;
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(
        urls
          .filter((u) => {
            const url = new URL(u, self.location.origin);
            return url.origin === self.location.origin && kept(url);
          })
          .map((u) =>
            fetch(u, { credentials: "same-origin" })
              .then((r) => (r.ok && !r.redirected ? cache.put(u, r) : null))
              .catch(() => null),
          ),
      ),
    ),
  );
});
