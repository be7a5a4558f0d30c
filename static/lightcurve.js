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

  // The reported fit against the date each build saw it: a fit drifting from night to night shows here.
  function historySpec(document) {
    var rows = document.history.map(function (row) {
      return {alert: row.alert_name, observed: row.observed_at, tE: row.tE, t0: row.t0, u0: row.u0,
              lo: row.tE_err == null ? null : row.tE - row.tE_err, hi: row.tE_err == null ? null : row.tE + row.tE_err};
    });
    var x = {field: "observed", type: "temporal", title: "seen by the build"};
    var color = {field: "alert", type: "nominal", title: "alert"};
    return {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      data: {values: rows}, hconcat: [
        {width: 260, height: 140, layer: [
          {mark: {type: "rule"}, encoding: {x: x, y: {field: "lo", type: "quantitative"}, y2: {field: "hi"}, color: color}},
          {mark: {type: "line", point: true}, encoding: {x: x, y: {field: "tE", type: "quantitative", title: "tE [days]",
            scale: {zero: false}}, color: color, tooltip: [{field: "alert"}, {field: "observed"}, {field: "tE"}]}}]},
        {width: 260, height: 140, mark: {type: "line", point: true},
         encoding: {x: x, y: {field: "t0", type: "quantitative", title: "t0 [HJD - 2450000]", scale: {zero: false}},
                    color: color, tooltip: [{field: "alert"}, {field: "observed"}, {field: "t0"}]}},
        {width: 260, height: 140, mark: {type: "line", point: true},
         encoding: {x: x, y: {field: "u0", type: "quantitative", scale: {zero: false}}, color: color,
                    tooltip: [{field: "alert"}, {field: "observed"}, {field: "u0"}]}}]
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
      '<div class="lightcurve-chart" style="width: 100%"></div>' +
      '<div class="lightcurve-history"></div>';
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
      var drawn = render(container, document, false);
      var snapshots = {};
      (document.history || []).forEach(function (row) { snapshots[row.alert_name] = (snapshots[row.alert_name] || 0) + 1; });
      if (Object.keys(snapshots).some(function (name) { return snapshots[name] > 1; })) {
        var history = container.querySelector(".lightcurve-history");
        history.innerHTML = "<h3>The reported fit, build by build</h3><div></div>";
        vegaEmbed(history.querySelector("div"), historySpec(document), {renderer: "svg", actions: false});
      }
      return drawn;
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
