/* Interactive lightcurves with Vega-Lite: magnitudes on an inverted axis with error bars, one colour per
   telescope (click the legend to hide one), zoom and pan, each survey's reported point-lens model.
   Usage: <div class="lightcurve" data-source="/-/lightcurve/alert/OGLE-2025-BLG-0001.json"></div>
   Data: plugins/lightcurve_data.py. Times are HJD - 2450000. */
(function () {
  "use strict";
  // JD 2450000.0 is 1995-10-09 12:00 UTC.
  var HJD_2450000_MS = 813240000000;

  function points(document) {
    var rows = [];
    document.series.forEach(function (one) {
      var label = one.telescope + " " + one.band;
      one.hjd.forEach(function (t, i) {
        var err = one.mag_err[i];
        rows.push({hjd: t, mag: one.mag[i], err: err, lo: err == null ? null : one.mag[i] - err,
                   hi: err == null ? null : one.mag[i] + err, telescope: label, alert: one.alert_name});
      });
    });
    return rows;
  }

  function models(document) {
    var rows = [];
    document.models.forEach(function (model) {
      model.hjd.forEach(function (t, i) {
        rows.push({hjd: t, mag: model.mag[i], model: model.survey + " model (" + model.alert_name + ")"});
      });
    });
    return rows;
  }

  function spec(document, wholeBaseline) {
    var x = {field: "hjd", type: "quantitative", title: "HJD - 2450000",
             scale: wholeBaseline ? {zero: false} : {domain: document.window, zero: false}};
    var y = {field: "mag", type: "quantitative", title: "magnitude", scale: {reverse: true, zero: false}};
    var pick = {param: "pick"};
    return {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      width: "container", height: 420, autosize: {type: "fit-x", contains: "padding"},
      datasets: {points: points(document), models: models(document)},
      transform: [],
      layer: [
        {data: {name: "points"}, mark: {type: "rule", opacity: 0.5, clip: true},
         encoding: {x: x, y: {field: "lo", type: "quantitative"}, y2: {field: "hi"},
                    color: {field: "telescope", type: "nominal"},
                    opacity: {condition: pick, value: 0.5, otherwise: 0.05}}},
        {data: {name: "points"}, mark: {type: "point", filled: true, size: 16, clip: true},
         params: [{name: "zoom", select: "interval", bind: "scales"},
                  {name: "pick", select: {type: "point", fields: ["telescope"]}, bind: "legend"}],
         transform: [{calculate: "timeFormat(toDate(" + HJD_2450000_MS + " + datum.hjd * 86400000), '%Y-%m-%d %H:%M UTC')",
                      as: "date"}],
         encoding: {x: x, y: y,
                    color: {field: "telescope", type: "nominal", title: "telescope (click to hide)"},
                    opacity: {condition: pick, value: 0.9, otherwise: 0.08},
                    tooltip: [{field: "hjd", title: "HJD - 2450000", format: ".5f"}, {field: "date"},
                              {field: "mag", format: ".3f"}, {field: "err", title: "error", format: ".3f"},
                              {field: "telescope"}, {field: "alert"}]}},
        {data: {name: "models"}, mark: {type: "line", color: "black", strokeWidth: 1.2, clip: true},
         encoding: {x: x, y: y, strokeDash: {field: "model", type: "nominal", title: "reported point-lens model"},
                    tooltip: [{field: "model"}]}}
      ]
    };
  }

  function render(container, document, wholeBaseline) {
    var chart = container.querySelector(".lightcurve-chart");
    return vegaEmbed(chart, spec(document, wholeBaseline), {renderer: "svg", actions: {export: true, source: false,
                                                                                         compiled: false, editor: false}})
      .then(function (result) {
        container.dataset.plotted = String(points(document).length);
        container.dataset.state = "ready";
        return result;
      });
  }

  function note(document) {
    var parts = [document.points.toLocaleString() + " observations", "times HJD - 2450000",
                 "default view t0 ± 3 tE"];
    if (document.binned && document.binned.note) parts.push(document.binned.note);
    if (!document.models.length) parts.push("no model: the survey reports too few parameters");
    return parts.join(" · ");
  }

  function show(container) {
    container.innerHTML = '<div class="lightcurve-controls"><button type="button" class="lightcurve-whole">' +
      'Show the whole baseline</button> <span class="lightcurve-note"></span></div>' +
      '<div class="lightcurve-chart" style="width: 100%"></div>';
    container.dataset.state = "loading";
    return fetch(container.dataset.source).then(function (response) {
      if (!response.ok) throw new Error("no lightcurve (" + response.status + ")");
      return response.json();
    }).then(function (document) {
      var whole = false;
      var button = container.querySelector(".lightcurve-whole");
      container.querySelector(".lightcurve-note").textContent = note(document);
      button.addEventListener("click", function () {
        whole = !whole;
        button.textContent = whole ? "Show the season" : "Show the whole baseline";
        render(container, document, whole);
      });
      return render(container, document, false);
    }).catch(function (error) {
      container.dataset.state = "error";
      container.querySelector(".lightcurve-note").textContent = error.message;
    });
  }

  window.showLightcurve = show;
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".lightcurve[data-source]"), show);
  });
})();
