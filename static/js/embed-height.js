/* Inside the embedded list (/indlejret/, docs/embedding.md): tell the page that frames it
   how tall the list is, so the snippet's script (embed-resize.js) can fit the frame to it
   instead of a fixed 600 px. Only a number is sent; any page may hear it. */
"use strict";

(function () {
  if (window.parent === window) return;
  let last = 0;

  function tell() {
    const body = document.body;
    const margin = parseFloat(getComputedStyle(body).marginBottom) || 0;
    const height = Math.ceil(body.getBoundingClientRect().bottom + window.scrollY + margin);
    if (Math.abs(height - last) < 2) return;
    last = height;
    window.parent.postMessage({ type: "tovholder:embed-height", height: height }, "*");
  }

  window.addEventListener("load", tell);
  if (window.ResizeObserver) new ResizeObserver(tell).observe(document.body);
  else window.addEventListener("resize", tell);
  tell();
})();
