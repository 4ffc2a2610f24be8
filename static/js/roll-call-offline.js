/* The roll call keeps working without network (docs/architecture.md, "Roll call offline").
   With JavaScript, each tick is put in a queue on the device (localStorage: it survives a
   reload, also of the page the service worker serves from its cache), with an id made
   here and the time of the tap, shown at once, and sent as a batch to the shift's
   offline address; the server applies each id once. The queue is sent again when the
   network returns (the online event) and every 15 seconds while ticks wait. Without
   JavaScript the forms post as before. */
"use strict";

(function () {
  const root = document.querySelector("[data-roll-call]");
  if (!root) return;
  const status = document.getElementById("roll-call-sync");
  const results = document.getElementById("roll-call-results");
  const key = "tovholder.roll-call." + root.dataset.shift;
  const token = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  const RETRY_MS = 15000;
  let sending = false;
  let failed = false;
  let timer = null;

  const shared = window.TovholderOffline;
  const others = (root.dataset.dayUrls || "").split(" ").filter(Boolean);
  shared.register(root.dataset.worker, [location.pathname, ...others]);
  const queue = () => shared.load(key);
  const save = (ticks) => shared.store(key, ticks);
  const newId = shared.newId;

  function show(signup, value) {
    const person = document.getElementById("p-" + signup);
    if (!person) return;
    let label = "";
    person.querySelectorAll("form.mark-form").forEach((form) => {
      const chosen = form.dataset.status === value;
      const button = form.querySelector("button");
      button.classList.toggle("button-primary", chosen);
      if (chosen) {
        button.setAttribute("aria-pressed", "true");
        label = form.dataset.label;
      } else {
        button.removeAttribute("aria-pressed");
      }
    });
    let badge = person.querySelector(".person-name .plan-status");
    if (!badge && label) {
      badge = document.createElement("span");
      badge.className = "plan-status";
      person.querySelector(".person-name").append(" ", badge);
    }
    if (badge && label) badge.textContent = label;
  }

  function render() {
    const waiting = queue().length;
    const offline = !navigator.onLine || failed;
    const parts = [];
    if (offline) parts.push(root.dataset.textOffline);
    if (waiting === 1) parts.push(root.dataset.textOne);
    else if (waiting > 1) parts.push(root.dataset.textMany.replace("{n}", String(waiting)));
    const text = parts.join(" ");
    if (status.textContent !== text) status.textContent = text;
    status.classList.toggle("is-offline", offline);
    status.classList.toggle("is-empty", !text);
  }

  function report(items) {
    items
      .filter((r) => r.message)
      .forEach((r) => {
        const line = document.createElement("li");
        line.textContent = r.message;
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
    if (sending || !batch.length) return render();
    if (!navigator.onLine) return render();
    sending = true;
    try {
      const response = await fetch(root.dataset.endpoint, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ ticks: batch }),
      });
      failed = false;
      if (response.ok) {
        const answer = await response.json();
        const done = new Set(answer.results.map((r) => r.client_id));
        save(queue().filter((t) => !done.has(t.client_id)));
        answer.results.forEach((r) => r.status && show(r.signup, r.status));
        report(answer.results);
      } else {
        // Signed out or a stale form: the ticks stay queued, and the page says what to do.
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
    const form = event.target.closest("form.mark-form");
    if (!form) return;
    event.preventDefault();
    const ticks = queue();
    ticks.push({
      client_id: newId(),
      signup: Number(form.dataset.signup),
      status: form.dataset.status,
      made_at: new Date().toISOString(),
    });
    save(ticks);
    show(form.dataset.signup, form.dataset.status);
    flush();
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", render);
  // Ticks left from before a reload (or from a page the worker served offline).
  queue().forEach((t) => show(t.signup, t.status));
  flush();
})();
