/* The snippet's script, on the host's page (served as /indlejret/hoejde.js from the
   tenant's own site; docs/embedding.md): fits each Tovholder frame
   (iframe[data-tovholder-embed]) to the height its list reports (embed-height.js). Only
   messages from this script's own origin, and from that frame's own window, are believed;
   the height is kept between 100 and 5,000 px. Without this script the frame keeps its
   height attribute and the list scrolls inside it. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !me.src) return;
  var origin = new URL(me.src).origin;
  window.addEventListener("message", function (event) {
    if (event.origin !== origin) return;
    var data = event.data;
    if (!data || data.type !== "tovholder:embed-height") return;
    var height = Math.round(Number(data.height));
    if (!isFinite(height)) return;
    height = Math.min(Math.max(height, 100), 5000);
    var frames = document.querySelectorAll("iframe[data-tovholder-embed]");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) frames[i].style.height = height + "px";
    }
  });
})();
