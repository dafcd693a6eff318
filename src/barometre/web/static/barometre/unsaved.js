// Warns before leaving a page whose form marked data-warn-unsaved holds typed changes
// that were not saved; submitting that form (any of its buttons) saves them. A form shown
// again with what could not be saved (a refused date) carries data-dirty="true" already.
(function () {
  "use strict";
  let dirty = false;
  document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
    if (form.getAttribute("data-dirty") === "true") {
      dirty = true;
    }
    const mark = function () {
      dirty = true;
      form.setAttribute("data-dirty", "true");
    };
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () {
      dirty = false;
    });
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
