/* The header's menus (templates/base_tenant.html), progressively enhanced.
   Without this script the phone menu opens through its link (#site-menu and CSS :target)
   and each menu group is a native <details>. With it, the phone menu gets a real
   <button aria-expanded aria-controls>, Escape closes what is open and gives focus back,
   and opening one group closes the others. */
(function () {
  "use strict";
  var button = document.querySelector(".menu-button-js");
  var link = document.querySelector(".menu-button-nojs");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("details.menu-group"));

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
  }

  if (button && menu) {
    button.hidden = false;
    if (link) { link.hidden = true; }
    menu.classList.add("has-button"); /* the button, not :target, opens it now */
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      var inside = menu.contains(document.activeElement) || document.activeElement === button;
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true" && inside) {
        setOpen(false);
        button.focus();
      }
    });
  }

  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (!group.open) { return; }
      groups.forEach(function (other) { if (other !== group) { other.open = false; } });
    });
    group.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && group.open) {
        group.open = false;
        group.querySelector("summary").focus();
        event.stopPropagation();
      }
    });
  });
  document.addEventListener("click", function (event) {
    groups.forEach(function (group) {
      if (group.open && !group.contains(event.target)) { group.open = false; }
    });
  });
})();
