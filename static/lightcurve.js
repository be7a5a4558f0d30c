/* Interactive lightcurves with Vega-Lite: magnitudes on an inverted axis with error bars, one colour per
   telescope (click the legend to hide one), zoom and pan.
   Where the event has a joint fit, every dataset is shown by default aligned to the fit's reference dataset,
   with the joint model and a panel of residuals below; a button goes back to the magnitudes as published, with
   each survey's own reported point-lens model. The hover shows both magnitudes.
   Usage: <div class="lightcurve" data-source="/-/lightcurve/alert/OGLE-2025-BLG-0001.json"></div>
   Data: plugins/lightcurve_data.py (values are stored integers over each series' units). Times are
   HJD - 2450000. */
(function () {
  "use strict";
  // JD 2450000.0 is 1995-10-09 12:00 UTC.
  var HJD_2450000_MS = 813240000000;
  var SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

  function scaled(values, unit, i) {
    return values == null || values[i] == null ? null : values[i] / unit;
  }

  // One row per point: time, published magnitude and error, and where aligned its aligned magnitude, error and
  // residual. The aligned error is the published one through the slope of the alignment, d m_al / d m.
  function points(document) {
    var rows = [], sources = {};
    ((document.fit && document.fit.datasets) || []).forEach(function (d) { sources[d.lightcurve_id] = d; });
    var reference = ((document.fit && document.fit.datasets) || []).filter(function (d) { return d.is_reference; })[0];
    document.series.forEach(function (one) {
      var label = one.telescope + " " + one.band, units = one.units, dataset = sources[one.lightcurve_id];
      one.hjd.forEach(function (t, i) {
        var mag = one.mag[i] / units.mag, err = scaled(one.mag_err, units.mag_err, i);
        var aligned = scaled(one.aligned, document.aligned_unit, i);
        var alignedErr = aligned == null || err == null || !reference ? null :
          err * Math.pow(10, 0.4 * (aligned - mag)) * reference.source_flux / dataset.source_flux;
        var residual = scaled(one.residual, document.aligned_unit, i);
        rows.push({hjd: t / units.hjd, mag: mag, err: err, lo: err == null ? null : mag - err,
                   hi: err == null ? null : mag + err, aligned: aligned, alignedErr: alignedErr,
                   alo: alignedErr == null ? null : aligned - alignedErr,
                   ahi: alignedErr == null ? null : aligned + alignedErr,
                   residual: residual, telescope: label, alert: one.alert_name,
                   tip: hover(t / units.hjd, mag, err, aligned, residual, label, one.alert_name)});
      });
    });
    return rows;
  }

  // Each survey, and each KMTNet site, keeps its hue on every page; its telescopes and bands take shades of it.
  var HUES = [["OGLE", ["#1f77b4", "#6baed6", "#08519c"]], ["MOA", ["#ff7f0e", "#fdae6b", "#a63603"]],
              ["KMTC", ["#2ca02c", "#74c476", "#006d2c"]], ["KMTS", ["#9467bd", "#bcbddc", "#54278f"]],
              ["KMTA", ["#d62728", "#fc9272", "#a50f15"]], ["KMT", ["#17becf", "#9edae5", "#0e7c86"]]];
  var OTHER = "#7f7f7f";

  function shadesOf(label) {
    var hue = HUES.filter(function (h) { return label.indexOf(h[0]) === 0; })[0];
    return hue && hue[1];
  }

  function distinct(values) {
    return values.filter(function (value, i, all) { return all.indexOf(value) === i; }).sort();
  }

  function telescopeColour(document, title) {
    var labels = distinct(document.series.map(function (one) { return one.telescope + " " + one.band; }));
    var used = {};
    var range = labels.map(function (label) {
      var shades = shadesOf(label);
      if (!shades) return OTHER;
      used[shades[0]] = (used[shades[0]] || 0) + 1;
      return shades[(used[shades[0]] - 1) % shades.length];
    });
    var colour = {field: "telescope", type: "nominal", scale: {domain: labels, range: range},
                  legend: {labelLimit: 400}};
    if (title) colour.title = title;
    return colour;
  }

  function modelName(model) {
    return model.survey + " model (" + model.alert_name + ")";
  }

  // The surveys' own models in their survey's darkest shade, each also dashed its own way.
  function modelStroke(document) {
    var names = distinct(document.models.map(modelName));
    var range = names.map(function (name) {
      var shades = shadesOf(name);
      return shades ? shades[shades.length - 1] : "black";
    });
    return {field: "model", type: "nominal", title: "reported point-lens model", scale: {domain: names, range: range},
            legend: {labelLimit: 400}};
  }

  function surveyModels(document) {
    var rows = [];
    document.models.forEach(function (model) {
      model.hjd.forEach(function (t, i) {
        rows.push({hjd: t, mag: model.mag[i], model: modelName(model)});
      });
    });
    return rows;
  }

  function jointModel(document) {
    var model = document.fit.model;
    return model.hjd.map(function (t, i) { return {hjd: t, aligned: model.mag[i]}; });
  }

  // Past the last point: the band of the forecast's draws (16th-84th percentiles) and their median.
  function forecastRows(document) {
    var ahead = document.fit && document.fit.forecast;
    if (!ahead || !ahead.hjd.length) return [];
    return ahead.hjd.map(function (t, i) {
      return {hjd: t, aligned: ahead.mag[i], low: ahead.low[i], high: ahead.high[i]};
    });
  }

  function isAligned(document) {
    // An unconstrained fit and one that is not a point lens still align the datasets (their fluxes are fitted);
    // the note gives the verdict.
    return Boolean(document.fit && document.fit.status !== "failed" && document.fit.reference);
  }

  // What the hover shows, made once per point here: as a Vega-Lite tooltip encoding it was formatted for every
  // point at every draw, a third of the chart's time. The date is UTC whatever the browser's zone.
  function hover(hjd, mag, err, aligned, residual, telescope, alert) {
    var tip = {"HJD - 2450000": hjd.toFixed(5),
               date: new Date(HJD_2450000_MS + hjd * 86400000).toISOString().slice(0, 16).replace("T", " ") + " UTC",
               "published magnitude": mag.toFixed(3)};
    if (err != null) tip.error = err.toFixed(3);
    if (aligned != null) tip["aligned magnitude"] = aligned.toFixed(3);
    if (residual != null) tip.residual = residual.toFixed(3);
    tip.telescope = telescope;
    tip.alert = alert;
    return tip;
  }

  var TOOLTIP = {field: "tip", type: "nominal"};
  // Above this many points the chart is drawn on a canvas: an SVG element per mark costs more than Vega's
  // dataflow there (the hover, zoom and legend work the same).
  var CANVAS_ABOVE = 3000;

  function lightcurveLayers(document, x, aligned, whole) {
    var y = aligned ? "aligned" : "mag", pick = {param: "pick"};
    // The default view's magnitudes are robust to outliers (the document's ranges); the whole baseline shows all.
    var range = document.magnitudes && document.magnitudes[aligned ? "aligned" : "published"];
    var yScale = range && !whole ? {reverse: true, zero: false, nice: false, domain: range} : {reverse: true, zero: false};
    var yEncoding = {field: y, type: "quantitative", scale: yScale,
                     title: aligned ? "magnitude, aligned to " + document.fit.reference : "magnitude, as published"};
    var keep = aligned ? [{filter: "datum.aligned != null"}] : [];
    var layers = [
      {data: {name: "points"}, transform: keep, mark: {type: "rule", opacity: 0.5, clip: true},
       encoding: {x: x, y: {field: aligned ? "alo" : "lo", type: "quantitative"}, y2: {field: aligned ? "ahi" : "hi"},
                  color: telescopeColour(document), opacity: {condition: pick, value: 0.5, otherwise: 0.05}}},
      {data: {name: "points"}, mark: {type: "point", filled: true, size: 16, clip: true},
       params: [{name: "zoom", select: "interval", bind: "scales"},
                {name: "pick", select: {type: "point", fields: ["telescope"]}, bind: "legend"}],
       transform: keep,
       encoding: {x: x, y: yEncoding, color: telescopeColour(document, "telescope (click to hide)"),
                  opacity: {condition: pick, value: 0.9, otherwise: 0.08}, tooltip: TOOLTIP}}];
    if (aligned) {
      layers.push({data: {name: "joint"}, mark: {type: "line", color: "black", strokeWidth: 1.4, clip: true},
                   encoding: {x: x, y: {field: "aligned", type: "quantitative"}}},
                  {data: {name: "forecast"}, mark: {type: "area", color: "#888", opacity: 0.3, clip: true},
                   encoding: {x: x, y: {field: "low", type: "quantitative"}, y2: {field: "high"},
                              tooltip: [{field: "hjd", title: "HJD - 2450000", format: ".1f"},
                                        {field: "aligned", title: "forecast median", format: ".3f"},
                                        {field: "low", title: "16th percentile", format: ".3f"},
                                        {field: "high", title: "84th percentile", format: ".3f"}]}},
                  {data: {name: "forecast"}, mark: {type: "line", color: "black", strokeDash: [4, 3], clip: true},
                   encoding: {x: x, y: {field: "aligned", type: "quantitative"}}});
    }
    if (document.today != null) {
      layers.push({data: {values: [{hjd: document.today}]}, mark: {type: "rule", color: "#c00", strokeDash: [2, 2]},
                   encoding: {x: x, tooltip: [{value: "today: the build's day (UTC)"}]}});
    }
    if (aligned) {
    } else {
      layers.push({data: {name: "models"}, mark: {type: "line", strokeWidth: 1.4, clip: true},
                   encoding: {x: x, y: {field: "mag", type: "quantitative"}, stroke: modelStroke(document),
                              strokeDash: {field: "model", type: "nominal", title: "reported point-lens model",
                                           legend: {labelLimit: 400}},
                              tooltip: [{field: "model"}]}});
    }
    return layers;
  }

  function residualPanel(document, x) {
    return {
      height: 110,
      layer: [
        {mark: {type: "rule", color: "black"}, encoding: {y: {datum: 0, type: "quantitative"}}},
        {data: {name: "points"}, transform: [{filter: "datum.residual != null"}],
         mark: {type: "point", filled: true, size: 10, clip: true},
         encoding: {x: x, y: {field: "residual", type: "quantitative", title: "residual [mag]",
                              scale: {reverse: true, zero: false}},
                    color: telescopeColour(document), tooltip: TOOLTIP}}]
    };
  }

  function spec(document, wholeBaseline, aligned) {
    var x = {field: "hjd", type: "quantitative", title: "HJD - 2450000",
             scale: wholeBaseline ? {zero: false} : {domain: document.window, zero: false}};
    var main = {height: 380, layer: lightcurveLayers(document, x, aligned, wholeBaseline)};
    var top = {$schema: SCHEMA, width: "container", autosize: {type: "fit-x", contains: "padding"},
               datasets: {points: points(document), models: surveyModels(document),
                          joint: aligned ? jointModel(document) : [], forecast: aligned ? forecastRows(document) : []}};
    if (!aligned) return Object.assign(top, main);
    return Object.assign(top, {vconcat: [Object.assign(main, {width: "container"}),
                                         Object.assign(residualPanel(document, x), {width: "container"})],
                               resolve: {scale: {x: "shared", color: "shared"}}});
  }

  // The reported fit against the date each build saw it: a fit drifting from night to night shows here.
  function historySpec(document) {
    var rows = document.history.map(function (row) {
      return {alert: row.alert_name, observed: row.observed_at, tE: row.tE, t0: row.t0, u0: row.u0,
              lo: row.tE_err == null ? null : row.tE - row.tE_err, hi: row.tE_err == null ? null : row.tE + row.tE_err};
    });
    var x = {field: "observed", type: "temporal", title: "seen by the build"};
    var color = {field: "alert", type: "nominal", title: "alert"};
    function panel(field, title) {
      return {width: 260, height: 140, mark: {type: "line", point: true},
              encoding: {x: x, y: {field: field, type: "quantitative", title: title, scale: {zero: false}}, color: color,
                         tooltip: [{field: "alert"}, {field: "observed"}, {field: field}]}};
    }
    var tE = panel("tE", "tE [days]");
    return {$schema: SCHEMA, data: {values: rows}, hconcat: [
      {width: 260, height: 140, layer: [{mark: {type: "rule"}, encoding: {x: x, y: {field: "lo", type: "quantitative"},
                                                                          y2: {field: "hi"}, color: color}},
                                        {mark: tE.mark, encoding: tE.encoding}]},
      panel("t0", "t0 [HJD - 2450000]"), panel("u0", "u0")]};
  }

  function viewKey(state) {
    return (state.aligned ? "aligned" : "published") + (state.whole ? " whole" : "");
  }

  // Each view (aligned or published, season or whole baseline) is drawn once and kept: a toggle back to a view
  // drawn before only shows it. The other view of the first toggle is drawn ahead while the page is idle, out of
  // sight at the chart's width, so that the toggle finds it ready (container.dataset.prepared says when).
  function drawView(container, document, state, hidden) {
    var charts = container.querySelector(".lightcurve-chart"), key = viewKey(state);
    container.views = container.views || {};
    if (!container.views[key]) {
      var div = window.document.createElement("div");
      div.dataset.key = key;
      if (hidden) {
        div.style.cssText = "position: absolute; visibility: hidden; width: " + charts.clientWidth + "px";
      }
      charts.appendChild(div);
      container.views[key] = vegaEmbed(div, spec(document, state.whole, state.aligned),
                                       {renderer: container.dataset.renderer,
                                        actions: {export: true, source: false, compiled: false, editor: false}})
        .then(function (result) { return {div: div, result: result}; });
    }
    return container.views[key];
  }

  function render(container, document, state) {
    var charts = container.querySelector(".lightcurve-chart"), key = viewKey(state);
    container.dataset.state = "drawing";
    container.dataset.renderer = document.points > CANVAS_ABOVE ? "canvas" : "svg";
    return drawView(container, document, state, false).then(function (drawn) {
      if (viewKey(state) !== key) return drawn;  // toggled again meanwhile: that render shows its own
      Array.prototype.forEach.call(charts.children, function (div) {
        div.style.display = div === drawn.div ? "" : "none";
      });
      drawn.div.style.position = drawn.div.style.visibility = drawn.div.style.width = "";
      charts.insertBefore(drawn.div, charts.firstChild);  // the shown view is the chart's first
      container.dataset.plotted = String(plotted(document, state.aligned));
      container.dataset.view = state.aligned ? "aligned" : "published";
      container.querySelector(".lightcurve-note").textContent = note(document, state.aligned, state.whole);
      container.dataset.state = "ready";
      return drawn.result;
    });
  }

  // How many points a view draws (points(document)'s rows): every one as published; aligned, those with an
  // aligned magnitude. Counted from the document, not by making the rows again.
  function plotted(document, aligned) {
    return document.series.reduce(function (sum, one) {
      return sum + (aligned ? (one.aligned || []).filter(function (v) { return v != null; }).length : one.hjd.length);
    }, 0);
  }

  function prepareOther(container, document, state) {
    var other = {whole: state.whole, aligned: !state.aligned};
    var idle = window.requestIdleCallback || function (callback) { return window.setTimeout(callback, 50); };
    idle(function () {
      drawView(container, document, other, true).then(function (drawn) {
        if (drawn.div.style.visibility === "hidden") drawn.div.style.display = "none";
        container.dataset.prepared = "1";
      });
    });
  }

  function fitSummary(fit) {
    var p = fit.parameters, parts = [];
    ["tE", "u0", "piE"].forEach(function (name) {
      if (p[name]) parts.push(name + " " + p[name][0].toPrecision(4) + (p[name][1] != null ? " ± " + p[name][1].toPrecision(2) : ""));
    });
    return (fit.kind === "pspl+parallax" ? "point lens with parallax" : "point lens") + ": " + parts.join(", ") +
      ", chi2/dof " + fit.chi2_dof.toFixed(2) + (fit.status !== "ok" ? "; " + fit.status + ": " + fit.reason : "");
  }

  function note(document, aligned, whole) {
    var parts = [document.points.toLocaleString() + " observations", "times HJD - 2450000",
                 whole ? "the whole baseline, every point" :
                         "view: t0 ± 3 tE of the surveys' fits, within the data; magnitudes from the 1st to the 99th percentile (the whole baseline shows every point)"];
    if (aligned) {
      var left = document.series.filter(function (s) { return !s.aligned; }).map(function (s) {
        return s.telescope + " " + s.band + " (" + s.alert_name + ")"; });
      parts.unshift("Every dataset aligned to " + document.fit.reference + " through the joint fit (" +
                    fitSummary(document.fit) + "); the hover gives each point's published magnitude too");
      if (left.length) parts.push("not aligned (not in the fit, or it saw none of the event): " + left.join(", "));
      var ahead = document.fit.forecast;
      if (ahead && ahead.hjd.length) {
        parts.push("past the last point, dashed: the forecast, the median and 16th-84th percentiles of the fit's " +
                   (ahead.from === "sampled" ? "posterior" : "curvature") + " draws" +
                   (ahead.peak_mag != null ? ", peak " + ahead.peak_mag.toFixed(2) + " ± " + ahead.peak_mag_err.toFixed(2) + " mag" : ""));
      }
    } else {
      parts.unshift("Magnitudes as each survey published them, on each survey's own scale");
      if (document.fit && document.fit.status === "failed") parts.push("no joint fit: " + document.fit.reason);
      if (!document.models.length) parts.push("no survey model: the survey reports too few parameters");
    }
    if (document.today != null) parts.push("red dotted line: the build's day (UTC)");
    if (document.binned && document.binned.note) parts.push(document.binned.note);
    return parts.join(" · ");
  }

  function show(container) {
    container.innerHTML = '<div class="lightcurve-controls"><button type="button" class="lightcurve-view" hidden>' +
      '</button> <button type="button" class="lightcurve-whole">Show the whole baseline</button></div>' +
      '<p class="lightcurve-note"></p><div class="lightcurve-chart" style="width: 100%"></div>' +
      '<div class="lightcurve-history"></div>';
    container.dataset.state = "loading";
    return fetch(container.dataset.source).then(function (response) {
      if (!response.ok) throw new Error("no lightcurve (" + response.status + ")");
      return response.json();
    }).then(function (document) {
      var state = {whole: false, aligned: isAligned(document)};
      var whole = container.querySelector(".lightcurve-whole"), view = container.querySelector(".lightcurve-view");
      function label() {
        view.textContent = state.aligned ? "Show as published" : "Show aligned to " + document.fit.reference;
      }
      whole.addEventListener("click", function () {
        state.whole = !state.whole;
        whole.textContent = state.whole ? "Show the season" : "Show the whole baseline";
        render(container, document, state);
      });
      if (isAligned(document)) {
        view.hidden = false;
        label();
        view.addEventListener("click", function () {
          state.aligned = !state.aligned;
          label();
          render(container, document, state);
        });
      }
      var drawn = render(container, document, state);
      if (isAligned(document)) {
        drawn.then(function () { prepareOther(container, document, {whole: state.whole, aligned: state.aligned}); });
      } else {
        container.dataset.prepared = "1";
      }
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
