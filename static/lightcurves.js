// The /lightcurves viewer: every alert of a result (config.from, a path of this portal checked on the server by
// plugins/lightcurves_page.py), one lightcurve at a time, with previous/next and the arrow keys.
(function () {
  var config = JSON.parse(document.getElementById("lightcurves-config").textContent);
  var base = config.base, alertsPath = config.alerts, from = config.from;
  var MOST_ALERTS = 5000, MOST_PAGES = 10;
  var split = from.indexOf("?");
  var path = split === -1 ? from : from.slice(0, split);
  var params = new URLSearchParams(split === -1 ? "" : from.slice(split + 1));
  params.set("_shape", "objects"); params.set("_size", "max"); params.delete("_next");
  var rows = [], index = 0, note = config.note;
  document.getElementById("lightcurves-from").href = from;
  document.getElementById("lightcurves-from").textContent = from;
  document.getElementById("export-csv").href = base + "/-/photometry.csv?from=" + encodeURIComponent(from);
  document.getElementById("export-json").href = base + "/-/photometry.json?from=" + encodeURIComponent(from);

  function show() {
    var position = document.getElementById("position");
    if (!rows.length) { position.textContent = "no alerts in this result"; return; }
    var row = rows[index], name = row.alert_name;
    position.textContent = (index + 1) + " of " + rows.length + (note ? " (" + note + ")" : "");
    document.getElementById("previous").disabled = index === 0;
    document.getElementById("next").disabled = index === rows.length - 1;
    var link = document.getElementById("alert-link");
    link.href = alertsPath + "/" + encodeURIComponent(name);
    link.textContent = name;
    document.getElementById("alert-summary").textContent = ["tE", "u0", "t0"].filter(function (k) {
      return row[k] != null; }).map(function (k) { return k + " " + row[k]; }).join(", ");
    var container = document.getElementById("lightcurve");
    container.dataset.source = base + "/-/lightcurve/alert/" + encodeURIComponent(name) + ".json";
    window.showLightcurve(container);
  }
  document.getElementById("previous").addEventListener("click", function () { if (index > 0) { index--; show(); } });
  document.getElementById("next").addEventListener("click", function () { if (index < rows.length - 1) { index++; show(); } });
  document.addEventListener("keydown", function (event) {
    if (event.key === "ArrowRight") document.getElementById("next").click();
    if (event.key === "ArrowLeft") document.getElementById("previous").click();
  });
  // Every page of the result, following next_url, up to MOST_ALERTS alerts; what is left out is said.
  var seen = {};
  function load(url, pages) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(from + " answered " + response.status);
      return response.json();
    }).then(function (result) {
      (result.rows || []).forEach(function (row) {
        if (row.alert_name && !seen[row.alert_name] && rows.length < MOST_ALERTS) {
          seen[row.alert_name] = true;
          rows.push(row);
        }
      });
      if (result.truncated) { note = "the result has more rows than a page holds; showing the first page's"; return; }
      if (result.next_url && (rows.length >= MOST_ALERTS || pages >= MOST_PAGES)) {
        note = "showing the first " + rows.length + " alerts of a longer result"; return;
      }
      if (result.next_url) return load(new URL(result.next_url).pathname + new URL(result.next_url).search, pages + 1);
    });
  }
  load(path.replace(/\.json$/, "") + ".json?" + params.toString(), 1).then(show).catch(function (error) {
    document.getElementById("position").textContent = error.message;
  });
})();
