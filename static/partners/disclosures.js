// The bar's "Urgences" panel and the phone's menu are native disclosures (<details>), which
// work without JavaScript. With it they close as a menu does: on Esc (focus goes back to
// their button) and on a tap or click outside them. Opening one closes the other.
(function () {
  "use strict";
  var disclosures = document.querySelectorAll("details.emergency-menu, details.site-menu");
  if (!disclosures.length) {
    return;
  }

  function close(details, focusSummary) {
    if (!details.open) {
      return;
    }
    details.open = false;
    if (focusSummary) {
      details.querySelector("summary").focus();
    }
  }

  Array.prototype.forEach.call(disclosures, function (details) {
    details.addEventListener("toggle", function () {
      if (!details.open) {
        return;
      }
      Array.prototype.forEach.call(disclosures, function (other) {
        if (other !== details) {
          close(other, false);
        }
      });
    });
    details.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && details.open) {
        event.preventDefault();
        close(details, true);
      }
    });
  });

  document.addEventListener("click", function (event) {
    Array.prototype.forEach.call(disclosures, function (details) {
      if (!details.contains(event.target)) {
        close(details, false);
      }
    });
  });
})();
