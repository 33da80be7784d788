// "We welcomed someone" (templates/partners/venue/selfservice/welcomes.html): how long the
// police took is asked only when they were called. Without JavaScript the question is
// always there, its label says when to answer it, and the form refuses an answer given
// otherwise (partners/venue/forms.py WelcomeForm). With it, the question shows once "Yes"
// is chosen; otherwise it is hidden and disabled (not sent), its choice kept for if "Yes"
// comes back. A question the server refused stays in view with its message.
(function () {
  "use strict";
  var called = document.getElementById("id_police_called");
  var delay = document.getElementById("id_police_delay");
  if (!called || !delay || delay.classList.contains("field--error")) {
    return;
  }
  var yes = called.querySelector('input[value="yes"]');

  function update() {
    delay.hidden = !yes.checked;
    delay.disabled = !yes.checked;
  }

  called.addEventListener("change", update);
  update();
})();
