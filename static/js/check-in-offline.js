/* The volunteer's check-in and check-out by the shift's code keep working without network
   (docs/architecture.md, "Check-in offline"). When the phone is offline, the check-in (or
   check-out) button does not post: it goes in a queue on the phone (localStorage) with an
   id made here, the shift and code from the address, the action ("in" or "out", the
   form's own hidden field) and the time of the tap, and is sent
   to the server when the network returns (the online event, and every 15 seconds while
   one waits); the server applies each id once, judging the code at the time of the tap.
   The same script runs on the page the service worker serves for a code scanned without
   network. Online, the form posts as before. */
"use strict";

(function () {
  const root = document.querySelector("[data-check-in]");
  if (!root) return;
  const status = document.getElementById("check-in-sync");
  const results = document.getElementById("check-in-results");
  const key = "tovholder.check-in";
  const csrf = root.querySelector("input[name=csrfmiddlewaretoken]");
  const RETRY_MS = 15000;
  const SCAN = /^\/fremmoede\/ind\/(\d+)\/([^/]+)\/$/;
  const seenAt = new Date().toISOString(); // the code on this page was seen now
  let sending = false;
  let failed = false;
  let timer = null;

  const shared = window.TovholderOffline;
  shared.register(root.dataset.worker, [root.dataset.shell]);
  const queue = () => shared.load(key);
  const save = (items) => shared.store(key, items);
  const newId = shared.newId;

  function render() {
    const waiting = queue().length;
    const offline = !navigator.onLine || failed;
    const parts = [];
    if (offline) parts.push(root.dataset.textOffline);
    if (waiting) {
      const last = queue()[waiting - 1];
      parts.push(last.action === "out" ? root.dataset.textWaitingOut : root.dataset.textWaiting);
    }
    const text = parts.join(" ");
    if (status.textContent !== text) status.textContent = text;
    status.classList.toggle("is-offline", offline);
    status.classList.toggle("is-empty", !text);
  }

  function report(items) {
    items.forEach((r) => {
      const saved = r.action === "out" ? root.dataset.textSavedOut : root.dataset.textSaved;
      const text = r.outcome === "applied" ? saved : r.message;
      if (!text) return;
      const line = document.createElement("li");
      line.textContent = text;
      results.append(line);
    });
    results.hidden = !results.children.length;
  }

  function later() {
    clearTimeout(timer);
    if (queue().length) timer = setTimeout(flush, RETRY_MS);
  }

  async function flush() {
    const batch = queue();
    if (sending || !batch.length || !navigator.onLine || !csrf) return render();
    sending = true;
    try {
      const response = await fetch(root.dataset.endpoint, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf.value },
        body: JSON.stringify({ check_ins: batch }),
      });
      failed = false;
      if (response.ok && (response.headers.get("Content-Type") || "").includes("json")) {
        const answer = await response.json();
        const done = new Set(answer.results.map((r) => r.client_id));
        save(queue().filter((c) => !done.has(c.client_id)));
        report(answer.results);
      } else {
        // Signed out or a stale page: the check-in stays on the phone until a reload.
        report([{ message: root.dataset.textRefused }]);
      }
    } catch (error) {
      failed = true; // no network after all: "online" is only the browser's guess
    } finally {
      sending = false;
      render();
      later();
    }
  }

  root.addEventListener("submit", (event) => {
    const form = event.target.closest("form.check-in-form");
    if (!form || navigator.onLine) return; // online: the form posts as before
    event.preventDefault();
    const scan = SCAN.exec(location.pathname);
    if (!scan) return;
    const field = form.querySelector("input[name=action]");
    const action = field && field.value === "out" ? "out" : "in";
    const items = queue();
    items.push({ client_id: newId(), shift: Number(scan[1]), token: scan[2], action: action, made_at: new Date().toISOString(), seen_at: seenAt });
    save(items);
    form.hidden = true;
    flush();
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", render);
  flush();
})();
