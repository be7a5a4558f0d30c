"""On any table, view or query page whose rows carry alert_name: "View these lightcurves" (a paged
viewer with previous/next, /lightcurves) and a download of their photometry (CSV, JSON grouped by alert): of
the rows on the page where the page is named by its size or place, else of every row. The links are made by
static/lightcurve_links.js; this plugin adds it to such pages, with its configuration as JSON."""

import json

from datasette import hookimpl


def carries_alert_names(columns):
    return bool(columns) and "alert_name" in columns


@hookimpl
def extra_js_urls(columns, datasette):
    if not carries_alert_names(columns):
        return []
    return [{"url": datasette.urls.path("/assets/lightcurve_links.js")}]


@hookimpl
def extra_body_script(columns, datasette):
    if not carries_alert_names(columns):
        return ""
    config = {"base": datasette.urls.path("").rstrip("/")}
    return f"window.LIGHTCURVE_LINKS = {json.dumps(config)};"
