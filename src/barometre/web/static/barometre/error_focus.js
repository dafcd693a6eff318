// A refused form: its error summary takes the focus, so that a screen reader reads it
// first and a phone shows it rather than the top of a long page (DSFR, RGAA 11.10).
(function () {
  "use strict";
  const summary = document.querySelector("[data-focus-on-load]");
  if (summary) {
    summary.focus();
  }
})();
