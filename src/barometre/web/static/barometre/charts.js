// The DSFR charts (vendor/dsfr-chart) measure their labels when they are drawn: drawn
// before the page's Marianne font has loaded, they measure a narrower fallback font and
// cut the longest labels at their left edge. Their module is loaded once the fonts are.
// Before that, each horizontal bar chart gets labels wrapped to the width it has and a
// height that holds them: on a phone the library would otherwise leave labels out, or
// cut them, to fit a chart half as high as it is wide.
(function () {
  "use strict";

  var NUMBER_SPACE = /(\d) (?=\d{3}\b)/g; // "20 000": never cut between its digits

  function wrap(label, columns) {
    var words = label.replace(NUMBER_SPACE, "$1\u00a0").split(" ");
    var lines = [];
    words.forEach(function (word) {
      var last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + word).length <= columns) {
        lines[last] += " " + word;
      } else {
        lines.push(word);
      }
    });
    return lines.map(function (line) { return line.replace(/\u00a0/g, " "); });
  }

  function fit(chart) {
    if (chart.getAttribute("horizontal") !== "true") {
      return;
    }
    var width = chart.parentElement.clientWidth || window.innerWidth;
    var x = JSON.parse(chart.getAttribute("x"));
    var series = JSON.parse(chart.getAttribute("y")).length;
    var columns = width < 600 ? 16 : 26;
    var labels = x[0].map(function (label) {
      return wrap(Array.isArray(label) ? label.join(" ") : String(label), columns);
    });
    x[0] = labels.map(function (lines) { return lines.length > 1 ? lines : lines[0]; });
    chart.setAttribute("x", JSON.stringify(x));
    // The library spaces every label as much as its tallest one needs.
    var tallest = Math.max.apply(null, labels.map(function (lines) { return lines.length; }));
    var height = 90 + labels.length * (Math.max(tallest * 17, series * 12) + 16); // + axis, legend
    chart.setAttribute("aspect-ratio", Math.max(0.4, Math.min(2, width / height)).toFixed(2));
  }

  window.barometreCharts = { wrap: wrap }; // for the browser tests

  var module = document.currentScript.getAttribute("data-module");
  var load = function () {
    document.querySelectorAll("bar-chart").forEach(fit);
    import(module);
  };
  if (document.fonts && document.fonts.ready) {
    document.fonts.ready.then(load, load);
  } else {
    load();
  }
})();
