// Warns before leaving a page whose form marked data-warn-unsaved holds typed changes
// that were not saved; submitting that form (any of its buttons) saves them.
(function () {
  "use strict";
  let dirty = false;
  document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
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
