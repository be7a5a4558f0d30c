/* "View these lightcurves" and the photometry downloads, under the export links of any page whose rows carry
   alert_name (plugins/lightcurve_links.py adds this script there, with its configuration as JSON in
   window.LIGHTCURVE_LINKS: {base: the portal's path prefix}). The server checks each from= it is given. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var exportLinks = document.querySelector(".export-links");
  if (!exportLinks) return;
  var base = (window.LIGHTCURVE_LINKS || {}).base || "";
  var from = encodeURIComponent(location.pathname + location.search);
  var links = document.createElement("p");
  links.className = "lightcurve-links";
  // A page named by its size or its place (_size, _next) is exported as shown; otherwise every row is.
  var onePage = /[?&](_size|_next)=/.test(location.search);
  links.innerHTML = '<strong><a href="' + base + '/lightcurves?from=' + from + '">View these lightcurves</a></strong>' +
    ' &middot; download the photometry of ' + (onePage ? "the rows on this page" : "every row") + ':' +
    ' <a href="' + base + '/-/photometry.csv?from=' + from + '">CSV</a>,' +
    ' <a href="' + base + '/-/photometry.json?from=' + from + '">JSON by alert</a>';
  exportLinks.parentNode.insertBefore(links, exportLinks.nextSibling);
});
