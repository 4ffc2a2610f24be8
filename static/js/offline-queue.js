/* What the offline roll call and the offline check-in share (docs/architecture.md, "Roll
   call offline"): the service worker's registration with the files to keep, and a queue
   in localStorage under one key, whose items carry an id made on the device (the server
   applies each id once). Loaded before roll-call-offline.js and check-in-offline.js. */
"use strict";

window.TovholderOffline = (function () {
  // Register the worker, then ask it to keep this page's style sheets and scripts and
  // `more` (addresses). Without a worker the open page still queues.
  function register(worker, more) {
    if (!("serviceWorker" in navigator) || !worker) return;
    navigator.serviceWorker
      .register(worker)
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        const assets = [...document.querySelectorAll("link[rel=stylesheet], script[src]")].map((el) => el.href || el.src);
        if (registration.active) registration.active.postMessage({ keep: [...more, ...assets].filter(Boolean) });
      })
      .catch(() => null);
  }

  function load(key) {
    try {
      return JSON.parse(localStorage.getItem(key) || "[]");
    } catch (error) {
      return [];
    }
  }

  function store(key, items) {
    localStorage.setItem(key, JSON.stringify(items));
  }

  // A version 4 UUID; crypto.randomUUID needs a secure context some old phones lack.
  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  return { register, load, store, newId };
})();
