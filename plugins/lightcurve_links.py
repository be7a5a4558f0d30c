"""On any table, view or query page whose rows carry alert_name: "View these lightcurves" (a paged
viewer with previous/next, /lightcurves) and a download of their photometry (CSV, JSON grouped by alert): of
the rows on the page where the page is named by its size or place, else of every row."""

from datasette import hookimpl

SCRIPT = """
document.addEventListener("DOMContentLoaded", function () {
  var exportLinks = document.querySelector(".export-links");
  if (!exportLinks) return;
  var from = encodeURIComponent(location.pathname + location.search);
  var links = document.createElement("p");
  links.className = "lightcurve-links";
  // A page named by its size or its place (_size, _next) is exported as shown; otherwise every row is.
  var onePage = /[?&](_size|_next)=/.test(location.search);
  links.innerHTML = '<strong><a href="BASE/lightcurves?from=' + from + '">View these lightcurves</a></strong>' +
    ' &middot; download the photometry of ' + (onePage ? "the rows on this page" : "every row") + ':' +
    ' <a href="BASE/-/photometry.csv?from=' + from + '">CSV</a>,' +
    ' <a href="BASE/-/photometry.json?from=' + from + '">JSON by alert</a>';
  exportLinks.parentNode.insertBefore(links, exportLinks.nextSibling);
});
"""


@hookimpl
def extra_body_script(columns, datasette):
    if not columns or "alert_name" not in columns:
        return ""
    return SCRIPT.replace("BASE", datasette.urls.path("").rstrip("/"))
