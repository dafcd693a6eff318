// Rows of a formset (the minutes of a committee meeting) added and removed in the page,
// so that nothing typed is lost: "add" copies the formset's empty form with the next
// index, "remove" ticks the row's "Supprimer" box and hides the row (Django then ignores
// it). Without JavaScript, the "add" button posts the form back with one more row and the
// "Supprimer" boxes stay visible.
(function () {
  "use strict";
  document.querySelectorAll("[data-formset]").forEach(function (set) {
    const prefix = set.dataset.formset;
    const name = set.dataset.rowName;
    const total = set.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    const rows = set.querySelector("[data-formset-rows]");
    const empty = set.querySelector("template[data-formset-empty]");
    const add = set.querySelector("[data-formset-add]");
    if (!total || !rows || !empty || !add) {
      return;
    }
    const renumber = function () {
      let shown = 0;
      rows.querySelectorAll("[data-formset-row]").forEach(function (row) {
        if (!row.hidden) {
          shown += 1;
          row.querySelector("[data-formset-number]").textContent = name + " " + shown;
        }
      });
    };
    const enhance = function (row) {
      const box = row.querySelector('input[type="checkbox"][name$="-DELETE"]');
      if (!box) {
        return;
      }
      const group = box.closest(".fr-checkbox-group") || box.parentElement;
      group.hidden = true;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "fr-btn fr-btn--tertiary fr-btn--sm fr-icon-delete-line fr-btn--icon-left fr-mt-1w";
      remove.textContent = "Retirer cette ligne";
      remove.addEventListener("click", function () {
        box.checked = true;
        row.hidden = true;
        renumber();
        formChanged(row);
        add.focus();
      });
      row.appendChild(remove);
    };
    const formChanged = function (row) {
      row.closest("form").dispatchEvent(new Event("change", { bubbles: true }));
    };
    rows.querySelectorAll("[data-formset-row]").forEach(enhance);
    add.addEventListener("click", function (event) {
      event.preventDefault();
      const index = parseInt(total.value, 10);
      rows.insertAdjacentHTML("beforeend", empty.innerHTML.replace(/__prefix__/g, String(index)));
      total.value = String(index + 1);
      const row = rows.lastElementChild;
      enhance(row);
      renumber();
      const first = row.querySelector("input:not([type=hidden]), textarea, select");
      if (first) {
        first.focus();
      }
    });
  });
})();
