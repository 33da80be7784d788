// Quick exit, after GOV.UK's "Exit this page" component: the "Quitter" link, or the Shift
// key pressed three times within 5 seconds, hides this page at once and replaces it with a
// neutral site. location.replace takes our page out of the tab's back history (it cannot
// erase the browser's history: the help page says so). Never Esc: browsers use it to clear
// a search field, and a person pressing it in a form would lose what they typed.
// Without JavaScript the link still leaves (our page then stays in the back history).
(function () {
  "use strict";
  var link = document.querySelector("[data-quick-exit]");
  if (!link) {
    return;
  }
  var PRESSES = 3;
  var WINDOW_MS = 5000;
  var presses = 0;
  var lastKeyWasModified = false;
  var pressTimer = null;
  var messageTimer = null;

  // Three dots in the link, lit one per press (aria-hidden: the status line speaks).
  var indicator = document.createElement("span");
  indicator.className = "quick-exit-indicator";
  indicator.setAttribute("aria-hidden", "true");
  for (var i = 0; i < PRESSES; i++) {
    indicator.appendChild(document.createElement("span"));
  }
  link.appendChild(indicator);
  var status = document.createElement("span");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  link.parentNode.appendChild(status);
  var overlay = null;
  var title = document.title;

  function showPresses() {
    indicator.classList.toggle("is-visible", presses > 0);
    Array.prototype.forEach.call(indicator.children, function (dot, index) {
      dot.classList.toggle("is-on", index < presses);
    });
  }

  function say(text) {
    window.clearTimeout(messageTimer);
    status.textContent = text;
  }

  function leave() {
    say("");
    document.documentElement.classList.add("quick-exit-leaving");
    overlay = document.createElement("div");
    overlay.className = "quick-exit-overlay";
    overlay.setAttribute("role", "alert");
    overlay.textContent = link.dataset.activated;
    document.body.appendChild(overlay);
    document.title = link.dataset.activated;
    window.location.replace(link.href);
  }

  function cancelPresses() {
    window.clearTimeout(pressTimer);
    pressTimer = null;
    presses = 0;
    showPresses();
    say(link.dataset.timedOut);
    messageTimer = window.setTimeout(function () {
      status.textContent = "";
    }, WINDOW_MS);
  }

  link.addEventListener("click", function (event) {
    event.preventDefault();
    leave();
  });

  // On key up, as GOV.UK does: Shift alone counts; Shift released after typing a capital
  // letter (the last key up had Shift held) does not, and any other key cancels a count.
  document.addEventListener(
    "keyup",
    function (event) {
      if (event.key === "Shift" && !lastKeyWasModified) {
        presses += 1;
        showPresses();
        window.clearTimeout(pressTimer);
        if (presses >= PRESSES) {
          presses = 0;
          pressTimer = null;
          leave();
        } else {
          say(presses === 1 ? link.dataset.pressTwo : link.dataset.pressOne);
          pressTimer = window.setTimeout(cancelPresses, WINDOW_MS);
        }
      } else if (pressTimer) {
        cancelPresses();
      }
      lastKeyWasModified = event.shiftKey;
    },
    true
  );

  // A page shown again from the back-forward cache comes back whole.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.documentElement.classList.remove("quick-exit-leaving");
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
    document.title = title;
    presses = 0;
    showPresses();
  });
})();
