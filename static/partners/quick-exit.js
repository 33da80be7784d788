// Quick exit: the "Quitter" button and the Esc key swap this page for a neutral site.
// location.replace takes our page out of the tab's back history (it cannot erase the
// browser's history: the help page says so).
(function () {
  "use strict";
  var button = document.querySelector("[data-quick-exit]");
  if (!button) {
    return;
  }
  function leave(event) {
    event.preventDefault();
    document.documentElement.hidden = true;
    window.location.replace(button.href);
  }
  button.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") {
      leave(event);
    }
  });
})();
