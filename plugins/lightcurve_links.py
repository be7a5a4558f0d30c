"""On any table, view or query page whose rows carry alert_name: "View these lightcurves" (a paged
viewer with previous/next, /lightcurves) and "Download their photometry" (CSV, JSON grouped by alert)."""

from datasette import hookimpl

SCRIPT = """
document.addEventListener("DOMContentLoaded", function () {
  var exportLinks = document.querySelector(".export-links");
  if (!exportLinks) return;
  var from = encodeURIComponent(location.pathname + location.search);
  var links = document.createElement("p");
  links.className = "lightcurve-links";
  links.innerHTML = '<strong><a href="BASE/lightcurves?from=' + from + '">View these lightcurves</a></strong>' +
    ' &middot; download their photometry: <a href="BASE/-/photometry.csv?from=' + from + '">CSV</a>,' +
    ' <a href="BASE/-/photometry.json?from=' + from + '">JSON by alert</a>';
  exportLinks.parentNode.insertBefore(links, exportLinks.nextSibling);
});
"""


@hookimpl
def extra_body_script(columns, datasette):
    if not columns or "alert_name" not in columns:
        return ""
    return SCRIPT.replace("BASE", datasette.urls.path("").rstrip("/"))
