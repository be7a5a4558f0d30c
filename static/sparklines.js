/* Sparklines: a thumbnail of each alert's lightcurve beside its name in the alert_name column of a result list.
   Data: /-/sparklines.json (plugins/sparklines.py); each alert's lightcurve near its peak in one character per
   bin, LEVELS[0] the faintest, "." an empty bin. Up is brighter. */
(function () {
  "use strict";
  var LEVELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  var SVG = "http://www.w3.org/2000/svg";
  var WIDTH = 64, HEIGHT = 16;
  // The portal's root, wherever it is mounted: this script is its /assets/sparklines.js.
  var SOURCE = document.currentScript.src.replace(/\/assets\/sparklines\.js.*$/, "/-/sparklines.json");

  function drawing(line) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "sparkline");
    svg.setAttribute("width", WIDTH);
    svg.setAttribute("height", HEIGHT);
    svg.setAttribute("viewBox", "0 0 " + WIDTH + " " + HEIGHT);
    svg.style.display = "block";
    svg.style.marginTop = "2px";
    var step = WIDTH / line.heights.length, points = [];
    for (var i = 0; i < line.heights.length; i++) {
      var level = LEVELS.indexOf(line.heights[i]);
      if (level < 0) continue;
      points.push((i * step + step / 2).toFixed(1) + "," +
                  (HEIGHT - 1.5 - level / (LEVELS.length - 1) * (HEIGHT - 3)).toFixed(1));
    }
    var polyline = document.createElementNS(SVG, "polyline");
    polyline.setAttribute("points", points.join(" "));
    polyline.setAttribute("fill", "none");
    polyline.setAttribute("stroke", "currentColor");
    polyline.setAttribute("stroke-width", "1.2");
    svg.appendChild(polyline);
    var title = document.createElementNS(SVG, "title");
    title.textContent = line.telescope + " " + line.band + ": " + line.mag_bright.toFixed(2) + " to " +
      line.mag_faint.toFixed(2) + " mag, HJD - 2450000 " + Math.round(line.hjd_from) + " to " + Math.round(line.hjd_to);
    svg.appendChild(title);
    return svg;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var cells = Array.prototype.slice.call(document.querySelectorAll("td.col-alert_name"));
    var names = {};
    cells.forEach(function (cell) { names[cell.textContent.trim()] = true; });
    var list = Object.keys(names).filter(function (name) { return name; }).slice(0, 1000);
    if (!list.length) return;
    fetch(SOURCE + "?names=" + encodeURIComponent(list.join(",")))
      .then(function (response) { return response.ok ? response.json() : {sparklines: {}}; })
      .then(function (answer) {
        cells.forEach(function (cell) {
          var line = answer.sparklines[cell.textContent.trim()];
          if (line && !cell.querySelector("svg.sparkline")) cell.appendChild(drawing(line));
        });
        document.body.dataset.sparklines = String(document.querySelectorAll("svg.sparkline").length);
      });
  });
})();
