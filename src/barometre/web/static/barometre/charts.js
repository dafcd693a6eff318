// The DSFR charts (vendor/dsfr-chart) measure their labels when they are drawn: drawn
// before the page's Marianne font has loaded, they measure a narrower fallback font and
// cut the longest labels at their left edge. Their module is loaded once the fonts are.
(function () {
  "use strict";
  var module = document.currentScript.getAttribute("data-module");
  var load = function () { import(module); };
  if (document.fonts && document.fonts.ready) {
    document.fonts.ready.then(load, load);
  } else {
    load();
  }
})();
