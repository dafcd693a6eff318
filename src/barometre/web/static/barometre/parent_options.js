// The structure form's parent: as the operator types a name, a town or an identifier,
// the matching structures (a few, from the registry) fill the field's datalist; the
// chosen one's identifier is what is posted, and the server checks it. Without
// JavaScript, the identifier is typed.
(function () {
  "use strict";
  document.querySelectorAll("input[data-parent-options]").forEach(function (input) {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) {
      return;
    }
    const exclude = input.dataset.exclude || "";
    let timer = null;
    let asked = "";
    const fill = function (options) {
      list.replaceChildren.apply(
        list,
        options.map(function (found) {
          const option = document.createElement("option");
          option.value = found.value;
          option.textContent = found.label;
          return option;
        })
      );
    };
    const ask = function () {
      const text = input.value.trim();
      if (text.length < 2 || text === asked) {
        return;
      }
      asked = text;
      const url = new URL(input.dataset.parentOptions, window.location.href);
      url.searchParams.set("q", text);
      if (exclude) {
        url.searchParams.set("exclude", exclude);
      }
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { options: [] };
        })
        .then(function (data) {
          if (input.value.trim() === text) {
            fill(data.options);
          }
        })
        .catch(function () {});
    };
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 200);
    });
  });
})();
